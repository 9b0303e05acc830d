"""Suite-wide settings and the artefacts built once per test session.

- Hypothesis: one profile for the whole suite, with no per-example deadline (the machines that run
  the suite are shared and loaded; a deadline there fails on another process's load, not on the
  code) and without the "too slow" health check for the same reason. Speed belongs to `make bench`.
- The export browser (one chromium for every image of the session) and the full decks: every
  disease with the demo centre's slides, once per language, shared by every test that reads them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parents[1]

settings.register_profile(
    "phasewise",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("phasewise")

#: Every disease, in the order of the sidebar: the selection of the full decks.
ALL_DISEASES = ["AML", "MDS", "ALL"]


@pytest.fixture(scope="session")
def exporter():
    """The session's export browser. While it is open, every other exporter on the same chromium
    shares its browser instead of starting another (~3 s), and it keeps the images it drew."""
    from lib.render.images import ImageExporter

    with ImageExporter() as ex:
        yield ex


@dataclass(frozen=True)
class Deck:
    """One built deck and what it was built from (callers must not mutate any of it)."""

    lang: str
    diseases: tuple[str, ...]
    dataset: Any
    table: Any
    exhibits: list
    centre: Any
    data: bytes
    #: The msgids the build asked for that the language's catalogue does not translate.
    missing: frozenset[str]

    def presentation(self):
        """The deck reopened with python-pptx (a fresh object each call: free to change)."""
        from pptx import Presentation

        return Presentation(io.BytesIO(self.data))


@pytest.fixture(scope="session")
def built_deck(exporter) -> Callable[..., Deck]:
    """(lang, diseases=every disease) -> the deck of that selection with the demo centre's
    slides, built once per session in that language with the session's export browser.

    The translations missing during the build are recorded again (lib.i18n.catalog's record) at
    every call, so a test that reads that record sees them as if it had built the deck itself."""
    from lib.cohort.demo import load_demo_cohort
    from lib.cohort.results import centre_results
    from lib.dataset.loading import load_dataset
    from lib.evidence.exhibits import selection_exhibits
    from lib.evidence.figures import figure_table
    from lib.i18n import using_language
    from lib.i18n.catalog import clear_missing_translations, missing_translations, translator
    from lib.render.pptx import build_deck

    built: dict[tuple[str, tuple[str, ...]], Deck] = {}

    def record(missing) -> None:
        for lang, msgid in missing:
            translator(lang).gettext(msgid)  # an untranslated msgid is recorded again

    def get(lang: str, diseases: tuple[str, ...] | list[str] = tuple(ALL_DISEASES)) -> Deck:
        key = (lang, tuple(diseases))
        if key not in built:
            before = missing_translations()
            clear_missing_translations()
            with using_language(lang):
                ds = load_dataset(REPO_ROOT / "data", lang)
                table = figure_table(ds)
                centre = centre_results(load_demo_cohort(), ds)
                data = build_deck(ds, table, list(diseases), exporter, centre=centre)
                exhibits = selection_exhibits(ds, table, list(diseases))
            missing = frozenset(m for language, m in missing_translations() if language == lang)
            built[key] = Deck(lang, key[1], ds, table, exhibits, centre, data, missing)
            record(before)
        record((lang, msgid) for msgid in built[key].missing)
        return built[key]

    return get


@pytest.fixture(scope="session")
def full_deck(built_deck) -> Callable[[str], Deck]:
    """lang -> the deck of every disease with the demo centre's slides (`built_deck`)."""
    return lambda lang: built_deck(lang)


@pytest.hookimpl(trylast=True)  # after pytest-xdist's own
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The `slow` tests first, then the rest in their usual order: with several workers
    (`make test`) the longest runs start at once, beside the rest, instead of ending the run
    alone on one worker. And each test's `xdist_group` in its node id (below)."""
    _name_xdist_groups(config, items)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def _name_xdist_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`--dist loadgroup` sends the tests whose node ids end in the same "@group" to one worker.
    pytest-xdist 3.8 appends that suffix through an attribute pytest 9 no longer reads
    (`_nodeid`), so every group was split across the workers and each worker built the decks
    again; this appends it through the one pytest 9 reads."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
