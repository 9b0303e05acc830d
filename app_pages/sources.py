"""Sources: the bibliography (documents and publications, what was checked) and the glossary."""

import streamlit as st

from lib.app import widgets
from lib.app.state import bibliography_for
from lib.evidence import catalogue
from lib.i18n import _


def bibliography_and_glossary() -> None:
    state, _diseases = widgets.page_data()
    st.title(_("Sources and glossary"))
    st.subheader(_("Bibliography"))
    st.caption(
        _(
            "The three source documents the figures were extracted from, then the publication "
            "each figure most likely comes from: what was checked, and which figures rest on it."
        )
    )
    for reference in bibliography_for(state):
        widgets.reference_entry(reference)
    st.subheader(_("Glossary of corrected terms"))
    st.caption(
        _(
            "Machine-translation errors in the documents and the correct medical term. The "
            "app uses the correct term and keeps the source wording here and in each "
            "figure's Source tab."
        )
    )
    st.dataframe(
        catalogue.glossary_table(state.dataset),
        hide_index=True,
        width="stretch",
        column_config={
            "source_wording": _("Source wording"),
            "correct_term": _("Correct term"),
            "chinese": "中文",
            "confidence": _("Confidence"),
            "basis": st.column_config.TextColumn(_("Basis"), width="large"),
            "document": _("Document"),
        },
    )


bibliography_and_glossary()
