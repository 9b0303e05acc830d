"""Chinese for the evidence and export tests: the catalogue they translate with, and checks that
Chinese text has no English left in it and the same numbers as the English.

The catalogue is the shipped one (lib/i18n/locales/zh/.../phasewise.po) with the evidence
area's part file (.i18n-parts/evidence.po, while it is being written) laid under it; once the
part is merged the shipped catalogue alone has every message and the part is not needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pandas as pd
import pytest

from lib.i18n import catalog
from lib.i18n.catalog import Messages, Translator, catalogue_path, read_catalogue
from tests.unit.conftest import REPO_ROOT

PART = REPO_ROOT / ".i18n-parts" / "evidence.po"
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Three English words in a row: a phrase someone forgot to translate. Abbreviations ("TBF vs
#: BF"), drug names and an English term after its Chinese one ("永恒时间偏倚，immortal-time
#: bias") are fine.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z][a-z'-]+(?:,? [A-Za-z][a-z'-]+){2,}")
#: Numbers as printed: digits with their separators ("12,744", "0.034", "24.5").
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@cache
def messages() -> Messages:
    """The shipped Chinese catalogue, with the part file's messages where it has none."""
    shipped = read_catalogue(catalogue_path("zh"), "zh")
    if not PART.exists():
        return shipped
    part = read_catalogue(PART, "zh")
    return Messages(
        {**part.singular, **shipped.singular},
        {**part.plural, **shipped.plural},
        shipped.plural_index,
    )


def use_catalogue(monkeypatch: pytest.MonkeyPatch) -> Translator:
    """`translator("zh")` (so `_` under ``using_language("zh")``) translates with `messages()`."""
    zh = Translator("zh", messages())
    real = catalog._translator
    monkeypatch.setattr(catalog, "_translator", lambda lang: zh if lang == "zh" else real(lang))
    return zh


def has_chinese(text: object) -> bool:
    return isinstance(text, str) and bool(CJK.search(text))


def numbers(text: object) -> list[str]:
    """The numbers in a text, in order, as printed."""
    return NUMBER.findall(text) if isinstance(text, str) else []


#: Words in quotation marks: the source quoted ('原文“cumulative recurrence rate”即...').
QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|\"[^\"]*\"")


def english_left(text: str, verbatim: Iterable[str] = ()) -> list[str]:
    """English phrases in `text` once the source's own words (`verbatim`: excerpts, figures as
    printed, citations, outlets...; anything in quotation marks) are taken out."""
    for kept in sorted({v for v in verbatim if isinstance(v, str) and v}, key=len, reverse=True):
        text = text.replace(kept, " ")
    return ENGLISH_PHRASE.findall(QUOTED.sub(" ", text))


#: Columns of the figure table that hold the source's own words, never translated.
VERBATIM_COLUMNS = (
    "excerpt",
    "as_printed",
    "p_as_printed",
    "endpoint_wording",
    "citation",
    "url",
    "doi",
    "figure_id",
    "study_id",
    "source_document",
)


def verbatim_strings(table: pd.DataFrame, ds=None) -> set[str]:
    """The text a Chinese page shows in English on purpose: the source's own words, citations,
    journal and outlet names, ids."""
    found = {v for c in VERBATIM_COLUMNS for v in table[c] if isinstance(v, str) and v}
    if ds is not None:
        found |= {d.outlet for d in ds.documents}
        found |= {p.citation for p in ds.publications}
    return found
