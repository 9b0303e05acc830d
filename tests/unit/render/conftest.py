"""Fixtures of the render tests: Chinese as the app has it, and one export browser."""

import pytest

from lib.i18n import catalog
from lib.render.images import ImageExporter


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
