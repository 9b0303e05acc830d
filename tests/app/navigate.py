"""Opening a page in AppTest by its URL path, as a sidebar link or a deep link does."""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from lib.app.chart_element import COMPONENT_NAME
from lib.dataset.vocabulary import PHASES

REPO = Path(__file__).resolve().parents[2]


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch `at` to the page at /`page` (not run). A page with a script (`centre`) is named by its
    file; a phase's page is `render_phase` with no file of its own, which `AppTest.switch_page`
    cannot name, so the page is asked for by the hash Streamlit gives a page: that of its URL path
    (`StreamlitPage._script_hash`)."""
    if (REPO / "app_pages" / f"{page}.py").is_file():
        return at.switch_page(f"app_pages/{page}.py")
    if page not in PHASES:
        raise ValueError(f"no page at /{page}")
    at._page_hash = calc_hash(page)
    return at


def shown_charts(at: AppTest) -> list[dict]:
    """The chart elements a run shows, in page order: each one's data (its figure as JSON text
    under "figure", its key under "key")."""
    return [
        json.loads(element.proto.json)
        for element in at.get("bidi_component")
        if element.proto.component_name == COMPONENT_NAME
    ]


def chart_specs(at: AppTest) -> list[dict]:
    """The figures a run shows, as plotly.js reads them."""
    return [json.loads(chart["figure"]) for chart in shown_charts(at)]
