"""Presentation mode: one figure per slide in large type for a projector, with its key numbers,
caveats, source line and the phase's integrative note. The URL names the slide
(`/present?disease=AML&slide=4`); arrow keys and buttons move between slides.
"""

import json

import streamlit as st

from lib.app import widgets
from lib.app.keys import SLIDE_KEY, SLIDE_TARGET_KEY
from lib.app.language import address_language, in_session_language
from lib.app.links import slide_number, view_query
from lib.app.state import DataState, figure_for, selection_exhibits_for
from lib.evidence.escape import markdown
from lib.evidence.exhibits import Exhibit
from lib.evidence.text import enumeration, note_text
from lib.i18n import _, _f, _nf, current_language

CHART_CONFIG = {**widgets.CHART_CONFIG, "displayModeBar": False}
# Static styling for a projector: larger type, stronger contrast. No data goes into it.
_PROJECTOR_CSS = """
<style>
.st-key-slide-body p, .st-key-slide-body li { font-size: 1.35rem; line-height: 1.5; }
.st-key-slide-body h1 { font-size: 2.6rem; }
.st-key-slide-source p { font-size: 1.1rem; color: #1B1F24; }
[class*="st-key-slide-note"] { background: #F1F7F2; }
</style>
"""


def slide_from_url(count: int) -> int:
    """The slide number the URL names, or 1 when it names none or nothing valid."""
    return slide_number(str(st.query_params.get(SLIDE_KEY, "1")), count)


@in_session_language  # a callback runs before the page script and its language
def _go(number: int) -> None:
    st.session_state[SLIDE_TARGET_KEY] = number


def render_present() -> None:
    """Draw the presentation for the diseases in the URL, at the slide the URL names."""
    state, diseases = widgets.page_data()
    deck = selection_exhibits_for(state, diseases)
    if not deck:
        st.info(_("No figures for this selection."))
        return
    count = len(deck)
    target = st.session_state.pop(SLIDE_TARGET_KEY, None)
    number = min(max(target, 1), count) if target is not None else slide_from_url(count)
    st.query_params[SLIDE_KEY] = str(number)
    st.html(_PROJECTOR_CSS)
    # Streamlit does not write a same-page query change into the address bar in time, so the
    # page sets it: the address always names the slide on screen (and can be copied).
    st.html(_address_script(diseases, number), unsafe_allow_javascript=True)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            _("Previous"),
            icon=":material/arrow_back:",
            shortcut="Left",
            key="slide-previous",
            on_click=_go,
            args=(number - 1,),
            disabled=number == 1,
        )
        st.button(
            _("Next"),
            icon=":material/arrow_forward:",
            shortcut="Right",
            key="slide-next",
            on_click=_go,
            args=(number + 1,),
            disabled=number == count,
        )
        st.caption(
            _f(
                "Slide {number} of {count} · arrow keys move between slides",
                number=number,
                count=count,
            )
        )
    _slide(state, deck[number - 1], number, diseases, count)


def _address_script(diseases: list[str], number: int) -> str:
    """A script that sets the address bar to this slide's URL (validated values only), the
    language kept in it."""
    lang = address_language(current_language())
    search = json.dumps(view_query(diseases, {SLIDE_KEY: number}, lang))
    return (
        f"<script>if (location.search !== {search}) "
        f"history.replaceState(history.state, '', location.pathname + {search});</script>"
    )


def _slide(state: DataState, slide: Exhibit, number: int, diseases: list[str], count: int) -> None:
    with st.container(key="slide-body"):
        st.caption(
            markdown(
                _f(
                    "{phase} · slide {number} of {count} · {diseases}",
                    phase=slide.phase_label,
                    number=number,
                    count=count,
                    diseases=enumeration(diseases),
                )
            )
        )
        st.markdown(f"# {markdown(slide.slide_title)}")
        chart, side = st.columns([1.7, 1], gap="large")
        lines = (*slide.key_numbers, *slide.statements)
        with chart:
            if slide.chart is not None:
                figure = figure_for(state, diseases, slide)
                st.plotly_chart(figure, key=f"present-{number}", config=CHART_CONFIG, theme=None)
            else:
                st.markdown("\n".join(f"- {markdown(line)}" for line in lines))
        with side:
            if slide.badges:
                widgets.badges(slide.badges)
            if slide.chart is not None:
                st.markdown(widgets.bold(_("Key numbers")))
                st.markdown("\n".join(f"- {markdown(line)}" for line in lines[:8]))
                if len(lines) > 8:
                    more = len(lines) - 8
                    st.caption(
                        _nf(
                            "{n} more in the phase page's table.",
                            "{n} more in the phase page's table.",
                            more,
                        )
                    )
            for note in slide.notes:
                with st.container(border=True, key=f"slide-note-{note.id}"):
                    st.markdown(widgets.bold(_("Integrative care")))
                    st.markdown(markdown(note_text(note.key_message)))
                    st.caption(markdown(_f("Scope: {scope}", scope=note_text(note.scope))))
    with st.container(key="slide-source"):
        st.markdown(markdown(slide.source_line))
