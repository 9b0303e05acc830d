"""The chart element: every Plotly figure on screen goes through `show_figure`.

Streamlit's own chart element (1.67) draws each figure twice: after mounting it hands plotly.js a
re-themed copy, and Plotly redraws the whole figure. This element (a Streamlit component without
an iframe, chart_element.js) draws each figure once, the charts in or near the window first and
the others when the browser is idle, when scrolled near, or before printing. It loads plotly.js
(the copy bundled with the plotly package, the version that also draws the images and the deck)
from the app's static folder, once per browser tab.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import plotly.io as pio
import streamlit as st

from lib.render.charts import FrozenFigure

#: Where Streamlit serves static files from (server.enableStaticServing): beside the entry script.
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
PLOTLY_SCRIPT = "plotly.min.js"
COMPONENT_NAME = "phasewise_chart"


def _plotly_source() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / PLOTLY_SCRIPT


def publish_plotly_script(static_dir: Path = STATIC_DIR) -> Path:
    """Copy the plotly package's plotly.js into the static folder unless the same file is there
    (atomic: replicas starting together each write a whole file or none)."""
    source, target = _plotly_source(), static_dir / PLOTLY_SCRIPT
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return target
    static_dir.mkdir(exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=static_dir, prefix=".plotly-")
    os.close(handle)
    shutil.copyfile(source, scratch)
    os.chmod(scratch, 0o644)
    os.replace(scratch, target)
    return target


def _script() -> str:
    """chart_element.js without its comment lines (it travels with every chart)."""
    lines = (Path(__file__).with_suffix(".js")).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("//"))


try:
    publish_plotly_script()
except OSError as error:  # a read-only install: fill static/ when deploying (README)
    logging.getLogger(__name__).error("plotly.js not copied to %s: %s", STATIC_DIR, error)
_mount = st.components.v2.component(COMPONENT_NAME, js=_script(), isolate_styles=False)


def figure_json(figure) -> str:
    """The figure as plotly.js reads it; made once for a cached (frozen, shared) figure."""
    if isinstance(figure, FrozenFigure):
        return figure.json_text()
    return pio.to_json(figure, validate=False)


def show_figure(figure, key: str, *, fixed_width: bool = False, eager: bool = False) -> None:
    """Draw `figure` at its container's width (or at the figure's own width if `fixed_width`),
    at the figure's height. `eager`: drawn at once even out of sight (printed pages)."""
    layout = figure.layout
    data = {
        "figure": figure_json(figure),
        "height": int(layout.height or 450),
        "width": int(layout.width or 0),
        "fixed_width": fixed_width,
        "eager": eager,
        "key": key,
    }
    _mount(key=key, data=data, width="content" if fixed_width else "stretch")
