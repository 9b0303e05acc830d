"""Chinese for the evidence and export tests: checks that Chinese text has no English left in it
and the same numbers as the English, and the columns that never change with the language. They
translate with the shipped catalogue (lib/i18n/locales/zh/.../phasewise.po).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from lib.evidence.caveats import _short_citation

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Three English words in a row: a phrase someone forgot to translate. Abbreviations ("TBF vs
#: BF"), drug names and an English term after its Chinese one ("永恒时间偏倚，immortal-time
#: bias") are fine.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z][a-z'-]+(?:,? [A-Za-z][a-z'-]+){2,}")
#: Numbers as printed: digits with their separators ("12,744", "0.034", "24.5").
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


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
        # as a headline card shows a long one: cut at a word, with an ellipsis
        found |= {_short_citation(p.citation) for p in ds.publications}
    return found


#: Columns of the figure table and the export that hold ids, codes, numbers or the source's own
#: words: the same in every language.
SAME_IN_EVERY_LANGUAGE = [
    "figure_id",
    "kind",
    "phase",
    "diseases",
    "study_id",
    "design",
    "arms_defined_by",
    "arm_id",
    "arm_role",
    "endpoint",
    "endpoint_wording",
    "time_point_months",
    "value",
    "as_printed",
    "unit",
    "n",
    "events",
    "ci_low",
    "ci_high",
    "p_as_printed",
    "p_value",
    "hr",
    "hr_ci_low",
    "hr_ci_high",
    "favours",
    "origin",
    "source_id",
    "citation",
    "pmid",
    "doi",
    "url",
    "verification_status",
    "flags",
    "excerpt",
    "evidence_ref",
    "linked_figures",
    "headline",
    "dataset_version",
    "last_reviewed",
]
