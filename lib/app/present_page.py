"""Presentation mode: one figure per slide in large type for a projector, with its key numbers,
caveats, source line and the phase's integrative note. The URL names the slide
(`/present?disease=AML&slide=4`); arrow keys and buttons move between slides.
"""

import json
import re

import streamlit as st

from lib.app import widgets as ui
from lib.app.exports import slide_figure_for, slides_for
from lib.app.state import DataState
from lib.evidence import slides

SLIDE_KEY = "slide"
TARGET_KEY = "slide-target"
#: A slide number in the URL: ASCII digits only (str.isdigit() accepts '²', which int() refuses;
#: int() reads '٣' and ' 3', and refuses more than 4,300 digits). Six is more than any deck needs.
_SLIDE_NUMBER = re.compile(r"[0-9]{1,6}")
CHART_CONFIG = {**ui.CHART_CONFIG, "displayModeBar": False}
# Static styling for a projector: larger type, stronger contrast. No data goes into it.
_PROJECTOR_CSS = """
<style>
.st-key-slide-body p, .st-key-slide-body li { font-size: 1.35rem; line-height: 1.5; }
.st-key-slide-body h1 { font-size: 2.6rem; }
.st-key-slide-source p { font-size: 1.1rem; color: #1B1F24; }
.st-key-slide-note { background: #F1F7F2; }
</style>
"""


def slide_from_url(count: int) -> int:
    """The slide number the URL names, or 1 when it names none or nothing valid."""
    return slide_number(str(st.query_params.get(SLIDE_KEY, "1")), count)


def slide_number(text: str, count: int) -> int:
    """`text` as a slide of a deck of `count`: plain ASCII digits naming a slide, otherwise 1."""
    if _SLIDE_NUMBER.fullmatch(text) and 1 <= int(text) <= count:
        return int(text)
    return 1


def _go(number: int) -> None:
    st.session_state[TARGET_KEY] = number


def render_present() -> None:
    """Draw the presentation for the diseases in the URL, at the slide the URL names."""
    state, diseases = ui.page_data()
    deck = slides_for(state, state.signature, tuple(diseases))
    if not deck:
        st.info("No figures for this selection.")
        return
    count = len(deck)
    target = st.session_state.pop(TARGET_KEY, None)
    number = min(max(target, 1), count) if target is not None else slide_from_url(count)
    st.query_params[SLIDE_KEY] = str(number)
    st.html(_PROJECTOR_CSS)
    # Streamlit does not write a same-page query change into the address bar in time, so the
    # page sets it: the address always names the slide on screen (and can be copied).
    st.html(_address_script(diseases, number), unsafe_allow_javascript=True)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "Previous",
            icon=":material/arrow_back:",
            shortcut="Left",
            key="slide-previous",
            on_click=_go,
            args=(number - 1,),
            disabled=number == 1,
        )
        st.button(
            "Next",
            icon=":material/arrow_forward:",
            shortcut="Right",
            key="slide-next",
            on_click=_go,
            args=(number + 1,),
            disabled=number == count,
        )
        st.caption(f"Slide {number} of {count} · arrow keys move between slides")
    _slide(state, deck[number - 1], diseases, count)


def _address_script(diseases: list[str], number: int) -> str:
    """A script that sets the address bar to this slide's URL (validated values only)."""
    query = ui.view_link("http://x/", "present", diseases, {SLIDE_KEY: number}).split("?", 1)
    search = json.dumps("?" + query[1] if len(query) > 1 else "")
    return (
        f"<script>if (location.search !== {search}) "
        f"history.replaceState(history.state, '', location.pathname + {search});</script>"
    )


def _slide(state: DataState, slide: slides.Slide, diseases: list[str], count: int) -> None:
    with st.container(key="slide-body"):
        st.caption(
            ui.md(f"{slide.phase_label} · slide {slide.number} of {count} · {', '.join(diseases)}")
        )
        st.markdown(f"# {ui.md(slide.title)}")
        chart, side = st.columns([1.7, 1], gap="large")
        with chart:
            figure = slide_figure_for(state, diseases, slide)
            if figure is not None:
                st.plotly_chart(
                    figure, key=f"present-{slide.number}", config=CHART_CONFIG, theme=None
                )
            else:
                st.markdown("\n".join(f"- {ui.md(line)}" for line in slide.key_numbers))
        with side:
            if slide.caveats:
                ui.badges(slide.caveats)
            if figure is not None:
                st.markdown("**Key numbers**")
                st.markdown("\n".join(f"- {ui.md(line)}" for line in slide.key_numbers[:8]))
                if len(slide.key_numbers) > 8:
                    st.caption(f"{len(slide.key_numbers) - 8} more in the phase page's table.")
            if slide.note:
                with st.container(border=True, key="slide-note"):
                    st.markdown("**Integrative care**")
                    st.markdown(
                        ui.md(
                            slide.note.split(" TCM principles:")[0].removeprefix(
                                "Integrative care: "
                            )
                        )
                    )
    with st.container(key="slide-source"):
        st.markdown(ui.md(slide.source_line))
