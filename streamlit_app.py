"""Phasewise: leukaemia evidence by phase of care. Page config, navigation, the shared filter."""

import streamlit as st

from lib.app.keys import DISEASE_KEY
from lib.app.sidebar import sidebar_tools
from lib.app.state import current_data
from lib.app.widgets import footer
from lib.dataset.vocabulary import DISEASES, PHASE_LABELS, PHASES

st.set_page_config(page_title="Phasewise", page_icon="🩸", layout="wide")

overview = st.Page("app_pages/overview.py", title="Overview", icon=":material/route:", default=True)
phase_pages = [
    st.Page(f"app_pages/{phase}.py", title=PHASE_LABELS[phase], url_path=phase) for phase in PHASES
]
sources = st.Page(
    "app_pages/sources.py",
    title="Sources & glossary",
    url_path="sources",
    icon=":material/menu_book:",
)
present = st.Page(
    "app_pages/present.py", title="Present", url_path="present", icon=":material/slideshow:"
)
centre = st.Page(
    "app_pages/centre.py", title="Our centre", url_path="centre", icon=":material/monitoring:"
)

st.sidebar.multiselect(
    "Disease",
    DISEASES,
    default=list(DISEASES),
    key=DISEASE_KEY,
    bind="query-params",
    help="AML, MDS, ALL. Kept in the link you share.",
)
page = st.navigation(
    {
        "": [overview],
        "Phases of care": phase_pages,
        "Meetings": [present, centre],
        "Reference": [sources],
    }
)
sidebar_tools(page.url_path)
page.run()
footer(current_data())
