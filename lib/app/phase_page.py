"""The layout every phase page shares: headline numbers, then the phase's exhibits as cards in
sections on the left, the integrative-care notes beside them on the right.
"""

import math

import streamlit as st

from lib.app import cards, widgets
from lib.app.keys import HANDOUT_KEY
from lib.app.state import DataState, phase_view_for
from lib.evidence.escape import markdown
from lib.evidence.exhibits import Exhibit, PrintedSources
from lib.i18n import _, _f

NOTES_HEIGHT = 1100
CARDS_PER_PAGE = 6  # a page's cost stays bounded however many studies a phase has


def render_phase(phase: str) -> None:
    """Draw one phase page for the diseases selected in the sidebar."""
    state, diseases = widgets.page_data()
    view = phase_view_for(state, phase, tuple(diseases))
    title, toggle = st.columns([4, 1], vertical_alignment="bottom")
    title.title(view.title)
    toggle.container(key="handout-toggle").toggle(
        _("Print handout"),
        key=HANDOUT_KEY,
        bind="query-params",
        help=_("Shows every chart, table and source at once; then print (Ctrl+P)."),
    )
    if widgets.handout_mode():
        st.html(cards.PRINT_CSS)
    st.caption(view.caption)
    st.caption(
        markdown(" · ".join(view.coverage)), help=_("What the dataset holds for this phase.")
    )

    handout = widgets.handout_mode()
    # The handout is one column at its printed width: the notes follow the evidence, their
    # source passages open (a closed expander prints closed).
    evidence, notes = (
        (st.container(), st.container()) if handout else st.columns([2.1, 1], gap="large")
    )
    with (
        notes,
        st.container(height="content" if handout else NOTES_HEIGHT, border=True, key="notes-panel"),
    ):
        widgets.note_panel(view.notes, view.consensus, view.documents, passages_open=handout)
    with evidence:
        widgets.headline_row(view.headlines)
        if view.empty_message:
            st.info(view.empty_message)
        sections = view.sections()
        printed = cards.handout_sources(state, diseases, sections) if handout else {}
        for key, heading, caption, exhibits in sections:
            _section(state, diseases, key, heading, caption, exhibits, printed)


def _section(
    state: DataState,
    diseases: list[str],
    key: str,
    heading: str,
    caption: str,
    exhibits: tuple[Exhibit, ...],
    printed: dict[str, PrintedSources],
) -> None:
    """A section's cards, CARDS_PER_PAGE at a time (all of them in the print handout, where the
    section's heading is printed with its first card's title and chart, never alone at the foot
    of a page, and each card prints the sources `printed` gives it by key)."""
    if widgets.handout_mode() and exhibits:
        first, *rest = exhibits
        cards.exhibit_card(state, diseases, first, printed.get(first.key), (heading, caption))
        for exhibit in rest:
            cards.exhibit_card(state, diseases, exhibit, printed.get(exhibit.key))
        return
    st.subheader(heading)
    if caption:
        st.caption(caption)
    shown = exhibits
    if len(exhibits) > CARDS_PER_PAGE and not widgets.handout_mode():
        pages = math.ceil(len(exhibits) / CARDS_PER_PAGE)
        number = st.pagination(pages, key=f"pages-{key}")
        first = (number - 1) * CARDS_PER_PAGE
        shown = exhibits[first : first + CARDS_PER_PAGE]
        st.caption(
            _f(
                "Cards {first}–{last} of {total}",
                first=first + 1,
                last=first + len(shown),
                total=len(exhibits),
            )
        )
    for exhibit in shown:
        cards.exhibit_card(state, diseases, exhibit, printed.get(exhibit.key))
