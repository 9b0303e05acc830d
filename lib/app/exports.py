"""The app's exports: one image exporter (a headless browser kept for the process) and download
callables that render only when a user clicks.
"""

from collections.abc import Callable

import streamlit as st

from lib.app.state import DataState
from lib.evidence.exhibits import Exhibit
from lib.render import images, pptx


@st.cache_resource(show_spinner=False)
def _exporter() -> images.ImageExporter:
    """Started on the first export and kept for the life of the server."""
    return images.ImageExporter().__enter__()


def image_download(state: DataState, exhibit: Exhibit) -> Callable[[str], bytes]:
    """fmt -> PNG or SVG bytes of the exhibit's chart with n, time, p and source drawn in."""

    def render(fmt: str) -> bytes:
        return images.figure_image(
            exhibit, fmt, _exporter(), state.dataset.info.version, scale=2 if fmt == "png" else 1
        )

    return render


def deck_download(state: DataState, diseases: list[str], centre=None) -> Callable[[], bytes]:
    """The .pptx of the selection, built on click; with this session's centre slides when given
    (their images are drawn without the shared exporter's memory of images)."""

    def build() -> bytes:
        return pptx.build_deck(
            state.dataset, state.table, diseases, exporter=_exporter(), centre=centre
        )

    return build
