"""Fixtures of the render tests: Chinese as the app has it, one export browser, and the deck of
every disease in each language."""

import io

import pytest
from pptx import Presentation

from lib.dataset.loading import load_dataset
from lib.dataset.vocabulary import DISEASES
from lib.evidence.exhibits import selection_exhibits
from lib.evidence.figures import figure_table
from lib.i18n import catalog, using_language
from lib.render.images import ImageExporter
from lib.render.pptx import build_deck
from tests.unit.conftest import DATA_DIR


@pytest.fixture(scope="module")
def chinese():
    """The shipped Chinese translator, the missing translations recorded from the module's
    start."""
    catalog.clear_missing_translations()
    yield catalog.translator("zh")


@pytest.fixture(scope="session")
def exporter():
    # Session-wide: while one exporter is open, every other exporter on the same chromium shares
    # its browser instead of starting another (~3 s).
    with ImageExporter() as ex:
        yield ex


@pytest.fixture(scope="session")
def built_decks(exporter):
    """lang -> (exhibits, deck bytes, deck reopened): the deck of every disease as
    `python -m lib.deck --lang LANG` builds it, once per language for the whole session (a deck
    draws every chart in the browser: about a minute)."""
    decks = {}
    for lang in ("en", "zh"):
        with using_language(lang):
            ds = load_dataset(DATA_DIR, lang)
            table = figure_table(ds)
            data = build_deck(ds, table, list(DISEASES), exporter)
            exhibits = selection_exhibits(ds, table, list(DISEASES))
        decks[lang] = (exhibits, data, Presentation(io.BytesIO(data)))
    return decks
