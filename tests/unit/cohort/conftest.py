"""Shared helpers for the cohort tests: a minimal valid file, in-memory loading, and the Chinese
catalogue with this package's translations."""

from pathlib import Path

import pytest

from lib.i18n.catalog import clear_missing_translations, translator

REPO_ROOT = Path(__file__).resolve().parents[3]

HEADER = "disease,phase,months_followup,died,months_to_relapse"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode("utf-8")


@pytest.fixture
def valid_rows() -> tuple[str, ...]:
    return ("AML,transplant,12.5,1,6", "MDS,transplant,30,0,", "ALL,transplant,8,1,")


# --- Chinese -------------------------------------------------------------------------------------


@pytest.fixture
def zh_catalogue():
    """The shipped Chinese translator, for `using_language("zh")` and the command line's
    `--lang zh`. Clears the record of missing translations before and after."""
    clear_missing_translations()
    yield translator("zh")
    clear_missing_translations()
