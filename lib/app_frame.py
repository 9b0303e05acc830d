"""Make sure every page runs inside the app's frame (page config, navigation, disease filter).

Because the project keeps its page scripts in `pages/`, Streamlit starts a fresh server (and
every AppTest) in its legacy multipage mode, which runs a deep-linked page such as /transplant
on its own, without `streamlit_app.py`. The first `st.navigation` call ends that mode for good,
so a page that finds itself outside the frame runs the entrypoint instead, which runs the page.
"""

import runpy
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager

ENTRYPOINT = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def inside_frame() -> bool:
    """True when the entrypoint is running this page; otherwise run the entrypoint now."""
    if PagesManager.uses_pages_directory:
        runpy.run_path(str(ENTRYPOINT), run_name="__main__")
        return False
    return True
