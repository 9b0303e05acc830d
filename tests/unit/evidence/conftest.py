"""Fixtures for the evidence tests in Chinese: the catalogue, the dataset and its table in 中文."""

from collections.abc import Callable, Iterator

import pandas as pd
import pytest

from lib.dataset.loading import load_dataset
from lib.dataset.records import Dataset
from lib.evidence.exhibits import PhaseView, phase_view
from lib.evidence.figures import figure_table
from lib.i18n import using_language
from lib.i18n.catalog import clear_missing_translations, missing_translations
from tests.unit.conftest import DATA_DIR


@pytest.fixture(scope="session")
def view(dataset, table) -> Callable[[str, list[str]], PhaseView]:
    """(phase, diseases) -> the phase page's content from the shipped data in English, made once
    per session (phase_view is pure; its views are read-only)."""
    made: dict[tuple[str, tuple[str, ...]], PhaseView] = {}

    def get(phase: str, diseases: list[str]) -> PhaseView:
        key = (phase, tuple(diseases))
        if key not in made:
            with using_language("en"):
                made[key] = phase_view(dataset, table, phase, list(diseases))
        return made[key]

    return get


@pytest.fixture(scope="session")
def dataset_zh() -> Dataset:
    """The shipped dataset with its Chinese text (data/translations/zh.yaml)."""
    return load_dataset(DATA_DIR, lang="zh")


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test body runs in Chinese with the evidence catalogue; it fails if any interface
    string asked for had no Chinese."""
    clear_missing_translations()
    with using_language("zh"):
        yield
    missing = sorted(msgid for lang, msgid in missing_translations() if lang == "zh")
    clear_missing_translations()
    assert not missing, f"asked for and not translated: {missing}"


@pytest.fixture
def table_zh(zh, dataset_zh: Dataset) -> pd.DataFrame:
    """The figure table as the app makes it in Chinese (inside the session's language)."""
    return figure_table(dataset_zh)
