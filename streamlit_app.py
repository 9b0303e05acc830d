"""Phasewise: leukaemia evidence by phase of care. Page config, language, navigation, the shared
filter. Everything below runs in the session's language (lib/app/language.py)."""

import streamlit as st

from lib.app.keys import DISEASE_KEY
from lib.app.language import language_switch, session_language
from lib.app.navigation import phase_pages
from lib.app.sidebar import sidebar_tools
from lib.app.state import current_data
from lib.app.widgets import footer
from lib.dataset.vocabulary import DISEASES
from lib.i18n import _, using_language

st.set_page_config(page_title="Phasewise", page_icon="🩸", layout="wide")

with using_language(language_switch(session_language())):
    overview = st.Page(
        "app_pages/overview.py", title=_("Overview"), icon=":material/route:", default=True
    )
    phases = phase_pages()
    sources = st.Page(
        "app_pages/sources.py",
        title=_("Sources & glossary"),
        url_path="sources",
        icon=":material/menu_book:",
    )
    present = st.Page(
        "app_pages/present.py", title=_("Present"), url_path="present", icon=":material/slideshow:"
    )
    centre = st.Page(
        "app_pages/centre.py",
        title=_("Our centre"),
        url_path="centre",
        icon=":material/monitoring:",
    )

    st.sidebar.multiselect(
        _("Disease"),
        DISEASES,
        default=list(DISEASES),
        key=DISEASE_KEY,
        bind="query-params",
        help=_("AML, MDS, ALL. Kept in the link you share."),
    )
    page = st.navigation(
        {
            "": [overview],
            _("Phases of care"): phases,
            _("Meetings"): [present, centre],
            _("Reference"): [sources],
        }
    )
    sidebar_tools(page.url_path)
    page.run()
    if page.url_path != "present":  # a slide has its source line; nothing below it
        footer(current_data())
