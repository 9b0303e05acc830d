"""The app's exports: one image exporter (a headless browser kept for the process) and download
callables that render only when a user clicks.

Language: Streamlit runs a download's callable when the user clicks, in a worker thread of the
server, outside the page script and its ``with using_language`` (a thread starts with an empty
context, so `_()` there would be English). `deferred` binds the page's language to the callable
when the button is drawn; every download callable of the app goes through it. The exporter
(shared by every session) holds a browser, no text.
"""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from lib.app.state import DataState
from lib.evidence.exhibits import Exhibit
from lib.i18n import current_language, using_language

T = TypeVar("T")


def deferred(build: Callable[[], T]) -> Callable[[], T]:
    """`build`, run later in the language current now (the page's, when the button is drawn)."""
    lang = current_language()

    def run() -> T:
        with using_language(lang):
            return build()

    return run


@st.cache_resource(show_spinner=False)
def _exporter():
    """Started on the first export and kept for the life of the server (no text in it). The
    image and deck modules (kaleido, python-pptx) load with it, not with every page."""
    from lib.render.images import ImageExporter

    return ImageExporter().__enter__()


def image_download(state: DataState, exhibit: Exhibit) -> Callable[[str], bytes]:
    """fmt -> PNG or SVG bytes of the exhibit's chart with n, time, p and source drawn in, in the
    page's language (the exhibit and `state` are already in it)."""
    lang = current_language()

    def render(fmt: str) -> bytes:
        from lib.render import images

        with using_language(lang):
            return images.figure_image(
                exhibit,
                fmt,
                _exporter(),
                state.dataset.info.version,
                scale=2 if fmt == "png" else 1,
            )

    return render


def deck_download(state: DataState, diseases: list[str], centre=None) -> Callable[[], bytes]:
    """The .pptx of the selection in the page's language, built on click; with this session's
    centre slides when given (their images are drawn without the shared exporter's memory of
    images). `state` is the page's: its dataset is in the same language."""

    def build() -> bytes:
        from lib.render import pptx

        return pptx.build_deck(
            state.dataset, state.table, diseases, exporter=_exporter(), centre=centre
        )

    return deferred(build)
