"""Fixtures of the render tests: Chinese as the app has it, and the decks of every disease per
language (built once per session by tests/conftest.py's `full_deck`)."""

import pytest

from lib.i18n import catalog


@pytest.fixture(scope="module")
def chinese():
    """The shipped Chinese translator, the missing translations recorded from the module's
    start."""
    catalog.clear_missing_translations()
    yield catalog.translator("zh")


@pytest.fixture(scope="session")
def built_decks(full_deck):
    """lang -> (exhibits, deck bytes, deck reopened): the session's deck of every disease (with the
    demo centre's slides after the figure slides) in each language."""
    decks = {}
    for lang in ("en", "zh"):
        deck = full_deck(lang)
        decks[lang] = (deck.exhibits, deck.data, deck.presentation())
    return decks
