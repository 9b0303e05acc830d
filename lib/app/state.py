"""The app's single cached accessor for the dataset: validate once per file change, share read-only.

A valid edit to a data file shows on the next page view; an invalid edit keeps the last valid
dataset on screen, with the problems listed, until the files are fixed.
"""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from lib.dataset.loading import DataError, DataProblem, data_dir_from_env, fingerprint, load_dataset
from lib.dataset.records import Dataset
from lib.evidence.exhibits import PhaseView, phase_view
from lib.evidence.figures import figure_table, phase_overview


@dataclass(frozen=True)
class DataState:
    """What the pages draw from: the dataset and its flat table, and any current problems."""

    dataset: Dataset | None
    table: pd.DataFrame | None
    problems: tuple[DataProblem, ...] = ()
    stale: bool = False  # True when showing the last valid dataset because the files are broken
    data_dir: str = ""
    signature: tuple = ()  # the file signature of the dataset shown (a cache key for derived data)


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(data_dir: str, signature: tuple) -> DataState:
    """Validate one version of the files (keyed by their signature); never raises."""
    try:
        dataset = load_dataset(Path(data_dir))
    except DataError as error:
        return DataState(None, None, tuple(error.problems), data_dir=data_dir)
    except Exception as error:  # an unreadable file must not take the app down
        problem = DataProblem(data_dir, "-", "-", f"could not be read ({type(error).__name__})")
        return DataState(None, None, (problem,), data_dir=data_dir)
    # Shared by every session (cache_resource): callers treat it as read-only and copy to change.
    return DataState(dataset, figure_table(dataset), data_dir=data_dir, signature=signature)


@st.cache_resource(show_spinner=False)
def _last_valid() -> dict[str, DataState]:
    return {}


def current_data() -> DataState:
    """The dataset for this page view: fresh if the files are valid, else the last valid one."""
    data_dir = str(data_dir_from_env())
    state = _load(data_dir, fingerprint(Path(data_dir)))
    remembered = _last_valid()
    if state.dataset is not None:
        remembered[data_dir] = state
        return state
    last = remembered.get(data_dir)
    if last is None:
        return state
    return DataState(
        last.dataset,
        last.table,
        state.problems,
        stale=True,
        data_dir=data_dir,
        signature=last.signature,
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
