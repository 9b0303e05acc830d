"""The app's cached accessors: the dataset (validated once per file change), the exhibits of a
phase or a selection, and each exhibit's figure, numbers and sources, all shared read-only.

A valid edit to a data file shows on the next page view; an invalid edit keeps the last valid
dataset on screen, with the problems listed, until the files are fixed.

Language: the dataset is loaded once per file version AND language (its text fields in that
language), and `DataState.signature` ends with the language, so every cache below keyed by the
signature holds one entry per language: text made inside them (badges, section titles, chart
axes) is made inside the page run's ``using_language`` and never served to the other language.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from lib.dataset.loading import data_dir_from_env, fingerprint, load_dataset
from lib.dataset.problems import DataError, Problem
from lib.dataset.records import Dataset
from lib.evidence.catalogue import Reference, bibliography, phase_overview
from lib.evidence.exhibits import (
    Exhibit,
    PhaseView,
    SourceGroup,
    numbers_table,
    phase_view,
    selection_exhibits,
    source_groups,
)
from lib.evidence.figures import figure_table
from lib.i18n import SOURCE_LANGUAGE, current_language
from lib.render import charts


@dataclass(frozen=True)
class DataState:
    """What the pages draw from: the dataset and its flat table, and any current problems."""

    dataset: Dataset | None
    table: pd.DataFrame | None
    problems: tuple[Problem, ...] = ()
    stale: bool = False  # True when showing the last valid dataset because the files are broken
    data_dir: str = ""
    signature: tuple = ()  # (files' digest, language) of what is shown: the key of derived data
    lang: str = SOURCE_LANGUAGE


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(data_dir: str, signature: tuple) -> DataState:
    """Validate one version of the files in one language (the signature's last item); never
    raises. Runs inside the page's ``using_language``, the same language as the signature's."""
    lang = signature[-1]
    try:
        dataset = load_dataset(Path(data_dir), lang=lang)
    except DataError as error:
        return DataState(None, None, tuple(error.problems), data_dir=data_dir, lang=lang)
    except Exception as error:  # an unreadable file must not take the app down
        problem = Problem(data_dir, "-", "-", f"could not be read ({type(error).__name__})")
        return DataState(None, None, (problem,), data_dir=data_dir, lang=lang)
    # Shared by every session (cache_resource): callers treat it as read-only and copy to change.
    table = figure_table(dataset)
    return DataState(dataset, table, data_dir=data_dir, signature=signature, lang=lang)


@st.cache_resource(show_spinner=False)
def _last_valid() -> dict[tuple[str, str], DataState]:
    return {}


def current_data() -> DataState:
    """The dataset for this page view, in its language: fresh if the files are valid, else the
    last valid one."""
    data_dir = str(data_dir_from_env())
    lang = current_language()
    # The files' signature as one short digest: every cache below hashes it on every call.
    files = hashlib.sha1(repr(fingerprint(Path(data_dir))).encode()).hexdigest()
    state = _load(data_dir, (files, lang))
    remembered = _last_valid()
    if state.dataset is not None:
        remembered[(data_dir, lang)] = state
        return state
    last = remembered.get((data_dir, lang))
    if last is None:
        return state
    return DataState(
        last.dataset,
        last.table,
        state.problems,
        stale=True,
        data_dir=data_dir,
        signature=last.signature,
        lang=lang,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _phase_view(_state: DataState, signature: tuple, phase: str, diseases: tuple) -> PhaseView:
    return phase_view(_state.dataset, _state.table, phase, list(diseases))


def phase_view_for(state: DataState, phase: str, diseases: tuple[str, ...]) -> PhaseView:
    """A phase page's content, computed once per data version, phase and selection and shared
    read-only by every session (5 phases x 7 selections fit the cache)."""
    return _phase_view(state, state.signature, phase, diseases)


@st.cache_resource(show_spinner=False, max_entries=16)
def _overview(_state: DataState, signature: tuple, diseases: tuple) -> pd.DataFrame:
    return phase_overview(_state.dataset, _state.table, list(diseases))


def overview_for(state: DataState, diseases: list[str]) -> pd.DataFrame:
    """The journey overview of a selection, computed once per data version (read-only)."""
    return _overview(state, state.signature, tuple(diseases))


@st.cache_resource(show_spinner=False, max_entries=16)
def _selection(_state: DataState, signature: tuple, diseases: tuple) -> list[Exhibit]:
    return selection_exhibits(_state.dataset, _state.table, list(diseases))


def selection_exhibits_for(state: DataState, diseases: list[str]) -> list[Exhibit]:
    """Every exhibit of the selection in phase order (the slides), once per data version."""
    return _selection(state, state.signature, tuple(diseases))


# Each exhibit's figure, table and sources are made the first time they are shown. The key is
# (data version, selection, phase, exhibit key): an exhibit's content depends on all four.


@st.cache_resource(show_spinner=False, max_entries=1024)
def _figure(_exhibit: Exhibit, signature: tuple, diseases: tuple, phase: str, key: str, card: bool):
    return charts.frozen(charts.for_screen(charts.draw(_exhibit.chart, card=card)))


@st.cache_resource(show_spinner=False, max_entries=1024)
def _numbers(_exhibit: Exhibit, signature: tuple, diseases: tuple, phase: str, key: str):
    return numbers_table(_exhibit.rows)


@st.cache_resource(show_spinner=False, max_entries=1024)
def _sources(_exhibit: Exhibit, signature: tuple, diseases: tuple, phase: str, key: str):
    return source_groups(_exhibit.rows)


def figure_for(state: DataState, diseases: list[str], exhibit: Exhibit, card: bool = True):
    """The exhibit's chart (callers check `exhibit.chart` first), laid out for a page's card
    or, not `card`, for a slide's wider chart; never mutate it."""
    return _figure(exhibit, state.signature, tuple(diseases), exhibit.phase, exhibit.key, card)


def numbers_for(state: DataState, diseases: list[str], exhibit: Exhibit) -> pd.DataFrame:
    """The numbers behind the exhibit, one row per figure (read-only)."""
    return _numbers(exhibit, state.signature, tuple(diseases), exhibit.phase, exhibit.key)


def sources_for(state: DataState, diseases: list[str], exhibit: Exhibit) -> tuple[SourceGroup, ...]:
    """The exhibit's sources, grouped by document or publication."""
    return _sources(exhibit, state.signature, tuple(diseases), exhibit.phase, exhibit.key)


@st.cache_resource(show_spinner=False, max_entries=8)
def _bibliography(_state: DataState, signature: tuple) -> list[Reference]:
    return bibliography(_state.dataset, _state.table)


def bibliography_for(state: DataState) -> list[Reference]:
    """The numbered reference list, built once per data version (read-only)."""
    return _bibliography(state, state.signature)
