"""Fixtures of the render tests: Chinese as the app has it (the export browser is the session's,
tests/conftest.py)."""

import pytest

from lib.i18n import catalog


@pytest.fixture(scope="module")
def chinese():
    """The shipped Chinese translator, the missing translations recorded from the module's
    start."""
    catalog.clear_missing_translations()
    yield catalog.translator("zh")
