"""This session's own cohort results, and the centre's mark on a phase page's published chart.

What the phase cards and the sidebar need of the centre, without the "Our centre" page itself
(lib/app/centre_page.py). The results live in this session's st.session_state and nowhere else.
"""

from dataclasses import dataclass

import streamlit as st

from lib.app.keys import CENTRE_KEY
from lib.app.state import DataState
from lib.cohort.literature import CAVEAT
from lib.cohort.results import CentreResults, centre_results
from lib.i18n import _, _f
from lib.render import cohort_charts as cc


@dataclass(frozen=True, eq=False)
class CentreSession:
    """What this session holds: the results and the dataset version they were matched against."""

    results: CentreResults
    signature: tuple
    label: str  # "uploaded file" or "demo cohort (synthetic)"

    def __repr__(self) -> str:
        return f"CentreSession({self.results!r})"


def session_centre(state: DataState | None = None) -> CentreResults | None:
    """This session's cohort results, or None. Re-matched when the dataset has changed."""
    held = st.session_state.get(CENTRE_KEY)
    if not isinstance(held, CentreSession):
        return None
    if state is not None and state.dataset is not None and held.signature != state.signature:
        held = CentreSession(
            centre_results(held.results.cohort, state.dataset), state.signature, held.label
        )
        st.session_state[CENTRE_KEY] = held
    return held.results


def centre_error_bars(exhibit) -> str:
    """The "Error bars" line under a published chart on which our centre's diamond is drawn
    (in place of the exhibit's own, which speaks of the published bars only)."""
    methods = sorted({m for m in exhibit.chart.data.get("ci_method", ()) if m})
    return cc.overlay_error_bars(methods)


def published_chart(state: DataState, diseases: list[str], exhibit, figure):
    """The exhibit's published figure, with this session's matching centre estimates marked on
    a copy (never on the shared figure), and the sentences for the line under it; the figure
    itself and [] without a cohort or a match (same disease, endpoint, time and time origin)."""
    centre = session_centre(state)
    if centre is None or exhibit.chart is None:
        return figure, []
    rows = cc.overlay_rows(exhibit.chart, centre.beside, exhibit.phase, diseases)
    marked = cc.centre_overlay(figure, exhibit.chart, rows, centre.synthetic) if rows else None
    if marked is None:
        return figure, []
    local = _f("{caveat} Local data.", caveat=_(CAVEAT))
    return marked, [*cc.overlay_caption(rows, centre.synthetic), local]
