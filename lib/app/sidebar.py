"""The sidebar's tools: a link to this view, the selection as CSV or JSON, and the deck."""

import streamlit as st

from lib import export
from lib.app import exports
from lib.app.centre_session import session_centre
from lib.app.keys import CENTRE_DECK_KEY, HANDOUT_KEY, SLIDE_KEY, SLIDE_TARGET_KEY
from lib.app.links import view_link
from lib.app.state import current_data
from lib.app.widgets import selected_diseases
from lib.evidence.selection import filter_table
from lib.i18n import _, current_language


def sidebar_tools(page_path: str) -> None:
    """Copy-able link to the current view, the whole selection as CSV or JSON, and the deck."""
    state = current_data()
    diseases = selected_diseases()
    extra = {}
    if page_path == "present":  # a button click's slide is pending until the page runs
        extra[SLIDE_KEY] = st.session_state.get(SLIDE_TARGET_KEY) or st.query_params.get(SLIDE_KEY)
    if st.session_state.get(HANDOUT_KEY):
        extra[HANDOUT_KEY] = "true"
    # In a popover: the code block's highlighter (1.5 MB of script) loads only when opened.
    with st.sidebar.popover(_("Link to this view"), icon=":material/link:", width="stretch"):
        st.caption(
            _("Copy it with the icon: it reopens this page with this selection, in this language.")
        )
        link = view_link(st.context.url, page_path, diseases, extra, current_language())
        st.code(link, language=None, wrap_lines=True)
    if state.table is None or not diseases:
        return
    table = state.table  # filtered on click: the downloads cost nothing until asked for
    version = state.dataset.info.version
    name = f"phasewise-{'-'.join(diseases)}-v{version}"
    with st.sidebar.container(horizontal=True, gap="small"):
        st.download_button(
            "CSV",
            exports.deferred(lambda: export.to_csv(filter_table(table, diseases))),
            file_name=f"{name}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            help=_("Every figure for the selected diseases, with sources"),
            key="all-csv",
        )
        st.download_button(
            "XLSX",
            exports.deferred(lambda: export.to_xlsx(filter_table(table, diseases))),
            file_name=f"{name}.xlsx",
            mime=export.XLSX_MIME,
            icon=":material/download:",
            on_click="ignore",
            help=_("Every figure for the selected diseases, with sources, as a workbook"),
            key="all-xlsx",
        )
        st.download_button(
            "JSON",
            exports.deferred(lambda: export.to_json(filter_table(table, diseases))),
            file_name=f"{name}.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
            key="all-json",
            help=_("Every figure for the selected diseases, with sources"),
        )
    centre = session_centre(state)
    if centre is not None:
        with_centre = st.sidebar.toggle(
            _("Add our centre's slides"),
            key=CENTRE_DECK_KEY,
            help=_(
                "This session's cohort, marked 'Local data, for internal review' and synthetic "
                "(the demo cohort) on each slide"
            )
            if centre.synthetic
            else _("This session's cohort, marked 'Local data, for internal review' on each slide"),
        )
        centre = centre if with_centre else None
    st.sidebar.download_button(
        _("Download deck (.pptx)"),
        exports.deck_download(state, diseases, centre),
        file_name=export.deck_filename(diseases, version),
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        icon=":material/slideshow:",
        on_click="ignore",
        key="deck",
        help=_(
            "One slide per figure with its source; citations and the integrative note in the "
            "speaker notes. Builds in a few seconds."
        ),
    )
