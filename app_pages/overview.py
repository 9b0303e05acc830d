"""Overview: the patient journey across the five phases, with each phase's headline figures."""

import streamlit as st

from lib.app import widgets
from lib.app.navigation import phase_page
from lib.app.state import overview_for
from lib.dataset.vocabulary import DISEASES
from lib.evidence.coverage import overview_line
from lib.evidence.escape import markdown
from lib.evidence.text import enumeration
from lib.i18n import _, _f, _nf


def journey() -> None:
    state, diseases = widgets.page_data()
    st.title(_("Leukaemia care, phase by phase"))
    st.caption(
        _f(
            "Published relapse and survival figures with integrative-care notes · showing "
            "{diseases}",
            diseases=enumeration(diseases),
        )
    )
    overview = overview_for(state, diseases)
    for column, phase in zip(st.columns(len(overview)), overview.itertuples(), strict=True):
        with column, st.container(border=True, height="stretch", key=f"journey-{phase.phase}"):
            st.markdown(f"#### {markdown(phase.label)}")  # fits a fifth of the page
            st.caption(markdown(phase.summary))
            studies = _nf("**{n}** study", "**{n}** studies", phase.studies)
            figures = _nf("**{n}** figure", "**{n}** figures", phase.figures)
            st.markdown(f"{studies} · {figures}")
            for item in phase.headlines[:2]:
                widgets.headline_item(item, with_source=False)
            # The page link keeps the URL's bound parameters (diseases, language).
            st.page_link(
                phase_page(phase.phase),
                label=_f("Open {phase}", phase=phase.label),
                icon=":material/arrow_forward:",
            )
    covers = _("What the dataset covers")
    st.markdown(f"**{markdown(covers)}**")
    for disease in DISEASES:  # the whole dataset, whatever the selection
        st.caption(markdown(overview_line(state.dataset, disease)))
    st.caption(
        _(
            "Figures come from three conference and news reports (two translated from "
            "Chinese, one of them by machine), checked where possible against the "
            "publications, and from landmark randomised trials read in their published "
            "abstracts; see Sources for what was checked. Studies differ in design, patients "
            "and follow-up: compare within a study, not across studies."
        )
    )


journey()
