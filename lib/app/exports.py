"""The app's exports: one shared image exporter (a headless browser kept for the process), the
selection's slides, and download callables that render only when a user clicks.
"""

import threading
from collections.abc import Callable

import streamlit as st

from lib.app.state import DataState
from lib.evidence import slides
from lib.render import charts, images
from lib.render import pptx as deck

_RENDER_LOCK = threading.Lock()  # sessions share one browser; kaleido serves one job at a time


@st.cache_resource(show_spinner=False)
def _exporter() -> images.ImageExporter:
    """Started on the first export and kept for the life of the server."""
    return images.ImageExporter().__enter__()


@st.cache_resource(show_spinner=False, max_entries=16)
def slides_for(_state: DataState, signature: tuple, diseases: tuple[str, ...]) -> list:
    """The selection's slides, computed once per data version and selection."""
    return slides.slides(_state.dataset, _state.table, list(diseases))


@st.cache_resource(show_spinner=False, max_entries=512)
def _slide_figure(_state: DataState, signature: tuple, diseases: tuple, number: int):
    slide = slides_for(_state, signature, diseases)[number - 1]
    figure = slides.slide_figure(slide, _state.table)
    return None if figure is None else charts.frozen(figure)


def slide_figure_for(state: DataState, diseases: list[str], slide: slides.Slide):
    """A slide's chart (None for a facts slide), drawn once per data version and selection and
    shared read-only by every session."""
    return _slide_figure(state, state.signature, tuple(diseases), slide.number)


@st.cache_resource(show_spinner=False, max_entries=16)
def _slide_index(_state: DataState, signature: tuple, diseases: tuple) -> dict:
    return {
        (slide.kind, slide.study_ids, slide.option): slide
        for slide in reversed(slides_for(_state, signature, diseases))  # the first one wins
    }


def slide_index(state: DataState, diseases: list[str]) -> dict:
    """(kind, study ids, option) -> the slide drawing that figure, for a page card's images."""
    return _slide_index(state, state.signature, tuple(diseases))


def image_download(
    state: DataState, diseases: list[str], figure: tuple[str, tuple[str, ...], str | None]
) -> Callable[[str], bytes]:
    """fmt -> PNG or SVG bytes of a chart with n, time, p and source drawn in, drawn from the
    slide of the same figure. The slide list is looked up on click, not when the page is drawn.

    `figure` is (kind, study ids, option), as on the page card; every chart has its slide."""

    def render(fmt: str) -> bytes:
        slide = slide_index(state, diseases)[figure]
        with _RENDER_LOCK:
            return images.figure_image(
                slide,
                state.table,
                fmt,
                _exporter(),
                state.dataset.info.version,
                scale=2 if fmt == "png" else 1,
            )

    return render


def deck_download(state: DataState, diseases: list[str]) -> Callable[[], bytes]:
    """The .pptx of the selection, built on click."""

    def build() -> bytes:
        with _RENDER_LOCK:
            return deck.build_deck(state.dataset, state.table, diseases, exporter=_exporter())

    return build
