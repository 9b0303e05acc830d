"""Fixtures of the render tests: Chinese as the app will have it, and one export browser.

`chinese` makes `_()` in "zh" read the catalogue together with the translations of
.i18n-parts/*.po not merged into it yet (while several parts of the code are translated at
once); once they are merged, or where there are none, it is the catalogue alone.
"""

from pathlib import Path

import pytest

from lib.i18n import catalog
from lib.i18n.catalog import Messages, Translator, catalogue_path, read_catalogue
from lib.render.images import ImageExporter
from tests.unit.conftest import REPO_ROOT

PARTS = REPO_ROOT / ".i18n-parts"


def chinese_messages() -> Messages:
    """The zh catalogue, with what the unmerged parts add (the catalogue wins a conflict)."""
    main = read_catalogue(catalogue_path("zh"), "zh")
    singular, plural = {}, {}
    for part in sorted(PARTS.glob("*.po")) if PARTS.is_dir() else []:
        found = read_catalogue(Path(part), "zh")
        singular.update(found.singular)
        plural.update(found.plural)
    singular.update(main.singular)
    plural.update(main.plural)
    return Messages(singular, plural, main.plural_index)


@pytest.fixture(scope="module")
def chinese():
    """Chinese translations for a test module (see this file's docstring); the missing
    translations recorded from its start."""
    with pytest.MonkeyPatch.context() as patch:
        zh = Translator("zh", chinese_messages())
        english = catalog.translator("en")
        patch.setattr(catalog, "_translator", lambda lang: zh if lang == "zh" else english)
        catalog.clear_missing_translations()
        yield zh


@pytest.fixture(scope="session")
def exporter():
    # Session-wide: while one exporter is open, every other exporter on the same chromium shares
    # its browser instead of starting another (~3 s).
    with ImageExporter() as ex:
        yield ex
