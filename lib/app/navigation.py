"""The app's pages. A phase of care has no script of its own: its page is `render_phase` with the
phase, made here from the vocabulary (lib/dataset/vocabulary.PHASES), so a sixth phase is a
vocabulary entry and its translations. The entry script registers these pages and every link to a
phase asks here for the same page."""

from functools import partial

import streamlit as st

from lib.dataset.vocabulary import PHASE_LABELS, PHASES
from lib.i18n import _


def _run_phase(phase: str) -> None:
    # Imported when the page runs: the phase page's widgets link back to these pages.
    from lib.app.phase_page import render_phase

    render_phase(phase)


def phase_page(phase: str):  # st.Page's page (its class is not public API)
    """The page of one phase, titled in the session's language, at /<phase>."""
    return st.Page(partial(_run_phase, phase), title=_(PHASE_LABELS[phase]), url_path=phase)


def phase_pages() -> list:
    """Every phase's page, in the order of care."""
    return [phase_page(phase) for phase in PHASES]
