"""The layout every phase page shares: headline numbers, arm comparisons, effects and
single-arm figures on the left, the integrative-care notes beside them on the right.
"""

import math

import streamlit as st

from lib.app import exports as app_export
from lib.app import widgets as ui
from lib.app.state import DataState, phase_view_for
from lib.evidence.exhibits import FigureRef, Section

NOTES_HEIGHT = 1100
CARDS_PER_PAGE = 6  # a page's cost stays bounded however many studies a phase has


def render_phase(phase: str) -> None:
    """Draw one phase page for the diseases selected in the sidebar."""
    state, diseases = ui.page_data()
    view = phase_view_for(state, phase, tuple(diseases))
    title, toggle = st.columns([4, 1], vertical_alignment="bottom")
    title.title(view.title)
    toggle.toggle(
        "Print handout",
        key=ui.HANDOUT_KEY,
        bind="query-params",
        help="Shows every chart, table and source at once; then print (Ctrl+P).",
    )
    if ui.handout_mode():
        st.html(ui.PRINT_CSS)
    st.caption(view.caption)

    evidence, notes = st.columns([2.1, 1], gap="large")
    notes_height = "content" if ui.handout_mode() else NOTES_HEIGHT
    with notes, st.container(height=notes_height, border=True, key="notes-panel"):
        ui.note_panel(view.notes, view.consensus, view.documents)
    with evidence:
        ui.headline_row(view.headlines)
        if view.empty_message:
            st.info(view.empty_message)
        images = _ImageLinks(state, diseases)
        for section in view.sections:
            _section(section, images)


def _section(section: Section, images: "_ImageLinks") -> None:
    """A section's cards, CARDS_PER_PAGE at a time (all of them in the print handout)."""
    st.subheader(section.title)
    if section.caption:
        st.caption(section.caption)
    if len(section) > CARDS_PER_PAGE and not ui.handout_mode():
        pages = math.ceil(len(section) / CARDS_PER_PAGE)
        number = st.pagination(pages, key=f"pages-{section.key}")
        first = (number - 1) * CARDS_PER_PAGE
        cards = section.cards_between(first, first + CARDS_PER_PAGE)
        st.caption(f"Cards {first + 1}–{first + len(cards)} of {len(section)}")
    else:
        cards = section.cards
    for card in cards:
        ui.figure_card(card, images)


class _ImageLinks:
    """Image downloads for a page's charts, from the slide that draws the same figure."""

    def __init__(self, state: DataState, diseases: list[str]):
        self.state, self.diseases = state, diseases

    def __call__(self, ref: FigureRef):
        figure = (ref.kind, ref.study_ids, ref.option)
        return app_export.image_download(self.state, self.diseases, figure)
