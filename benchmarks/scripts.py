"""Page script time, warm, per page: AppTest on streamlit_app.py, all diseases selected (ms).

`page ms` = median AppTest.run minus AppTest's own cost on a bare one-chart page (the floor, timed
in the same run); the target is judged on it. `first run`: the run that fills the page's caches.
"""

from __future__ import annotations

import os
from unittest import mock

from streamlit.testing.v1 import AppTest

from benchmarks import REPO, app_test, median, timed, verdict
from lib.dataset.vocabulary import PHASES
from tests.app.navigate import open_page
from tests.fixtures import synthetic

ORDER = ["overview", *PHASES, "sources", "present"]
TARGETS_MS = {1: 50.0, 100: 250.0}
FLOOR_SCRIPT = """import plotly.graph_objects as go
import streamlit as st
st.title("Floor")
st.plotly_chart(go.Figure(go.Bar(x=["A", "B", "C"], y=[1, 3, 2])), theme=None)"""


def page_paths() -> list[str]:
    """Every page's URL path in navigation order (the phases from the vocabulary, then the
    pages with a script of their own; new pages last)."""
    scripts = [path.stem for path in (REPO / "app_pages").glob("*.py") if path.stem[0] != "_"]
    names = list(dict.fromkeys([*PHASES, *scripts]))
    names.sort(key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))
    return names


def run(quick: bool) -> list[dict]:
    floor_app = AppTest.from_string(FLOOR_SCRIPT).run()
    floor = median(timed(floor_app.run, 5)[0]) * 1000
    rows = []
    with mock.patch.dict(os.environ):  # PHASEWISE_DATA_DIR as it was, afterwards
        for scale, n in ({1: 2} if quick else {1: 7, 100: 3}).items():
            os.environ["PHASEWISE_DATA_DIR"] = str(synthetic.cached(scale))
            at = app_test().run()  # the first run of a size fills the app's caches
            # Quick (the suite's check that the harness runs): the bare overview and the
            # page with the most charts, not all nine.
            for page in ["overview", "transplant"] if quick else page_paths():
                first = timed(open_page(at, page).run, 1)[0][0]  # this page's caches; not counted
                walls, cpus = timed(at.run, n)
                times = [t * 1000 for t in walls]
                page_ms, target = median(times) - floor, TARGETS_MS.get(scale)
                rows.append(
                    {
                        "data": f"{scale}x",
                        "page": page,
                        "first run ms": round(first * 1000),
                        "runs": n,
                        "AppTest.run ms": round(median(times), 1),
                        "page ms (minus floor)": round(page_ms, 1),
                        "CPU ms": round(median(cpus) * 1000, 1),
                        "charts": len(at.get("plotly_chart")),
                        "errors": len(at.exception),
                        "target": f"< {target:.0f} ms" if target else "-",
                        "": verdict(page_ms, target) if not at.exception else "ERROR",
                        "_times_ms": times,
                        "_floor_ms": floor,
                    }
                )
    return rows
