"""Shared helpers for the cohort tests: a minimal valid file, in-memory loading, and the Chinese
catalogue with this package's translations."""

from pathlib import Path

import pytest

from lib.i18n import language
from lib.i18n.catalog import (
    Messages,
    Translator,
    catalogue_path,
    clear_missing_translations,
    read_catalogue,
)

REPO_ROOT = Path(__file__).resolve().parents[3]

HEADER = "disease,phase,months_followup,died,months_to_relapse"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode("utf-8")


@pytest.fixture
def valid_rows() -> tuple[str, ...]:
    return ("AML,transplant,12.5,1,6", "MDS,transplant,30,0,", "ALL,transplant,8,1,")


# --- Chinese -------------------------------------------------------------------------------------

#: This package's translations, written beside the catalogue until they are merged into it.
PART = REPO_ROOT / ".i18n-parts" / "cohort.po"


@pytest.fixture
def zh_catalogue(monkeypatch):
    """The Chinese catalogue, with this package's part file merged in when it is still separate,
    for `using_language("zh")` and the command line's `--lang zh`. Clears the record of missing
    translations before and after."""
    shipped = read_catalogue(catalogue_path("zh"), "zh")
    singular, plural = dict(shipped.singular), dict(shipped.plural)
    if PART.exists():
        part = read_catalogue(PART, "zh")
        singular.update(part.singular)
        plural.update(part.plural)
    chinese = Translator("zh", Messages(singular, plural, shipped.plural_index))
    real = language.translator
    monkeypatch.setattr(
        language, "translator", lambda lang: chinese if lang == "zh" else real(lang)
    )
    clear_missing_translations()
    yield chinese
    clear_missing_translations()
