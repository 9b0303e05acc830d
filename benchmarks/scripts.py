"""Page script time, warm, per page: AppTest on streamlit_app.py, all diseases selected (ms).

One AppTest session per data size switches to each page, runs it once to fill the page's caches
(`first run`), then times further runs. `page ms` = median AppTest.run minus AppTest's own cost on
a bare one-chart page (the floor, timed in the same run); the target is judged on it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

from benchmarks import REPO, median, timed, verdict
from tests.fixtures import synthetic

# AppTest builds its session outside a script thread, which Streamlit warns about each time
# (a filter, because Streamlit resets its loggers' levels when AppTest loads the config).
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: "missing ScriptRunContext" not in record.getMessage()
)
APP = REPO / "streamlit_app.py"
ORDER = "overview induction consolidation maintenance transplant relapse sources present".split()
TARGETS_MS = {1: 50.0, 100: 250.0}
# AppTest's own cost (starting the script thread, parsing the element tree) on a bare page, so the
# page's share can be told apart from the tool's.
FLOOR_SCRIPT = """
import plotly.graph_objects as go
import streamlit as st
st.title("Floor")
st.plotly_chart(go.Figure(go.Bar(x=["A", "B", "C"], y=[1, 3, 2])), theme=None)
"""


def page_files() -> list[str]:
    """Every page script, relative to the app, in navigation order (new pages last)."""
    folder = next(f for f in ("app_pages", "pages") if (REPO / f).is_dir())
    names = [path.stem for path in (REPO / folder).glob("*.py") if not path.stem.startswith("_")]
    names.sort(key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))
    return [f"{folder}/{name}.py" for name in names]


def run(quick: bool) -> list[dict]:
    reps = {1: 2} if quick else {1: 7, 100: 3}
    floor_app = AppTest.from_string(FLOOR_SCRIPT).run()
    floor = median(timed(floor_app.run, 5)[0]) * 1000
    rows, inherited = [], os.environ.get("PHASEWISE_DATA_DIR")
    for scale, n in reps.items():
        os.environ["PHASEWISE_DATA_DIR"] = str(synthetic.cached(scale))
        # The first run of a size fills the app's caches (load, validation, figure table).
        at = AppTest.from_file(str(APP), default_timeout=300).run()
        for path in page_files():
            at.switch_page(path)
            first = timed(at.run, 1)[0][0]  # fills this page's caches; not in the median
            walls, cpus = timed(at.run, n)
            times = [t * 1000 for t in walls]
            page_ms = median(times) - floor
            target = TARGETS_MS.get(scale)
            rows.append(
                {
                    "data": f"{scale}x",
                    "page": Path(path).stem,
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
    if inherited is None:
        os.environ.pop("PHASEWISE_DATA_DIR", None)
    else:
        os.environ["PHASEWISE_DATA_DIR"] = inherited
    return rows
