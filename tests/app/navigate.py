"""Opening a page in AppTest by its URL path, as a sidebar link or a deep link does."""

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

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
