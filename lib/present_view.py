"""Presentation mode: one figure per slide in large type for a projector, with its key numbers,
caveats, source line and the phase's integrative note. The URL names the slide
(`/present?disease=AML&slide=4`); arrow keys and buttons move between slides.
"""

import streamlit as st

from lib import slides, ui
from lib.app_data import DataState
from lib.app_export import slides_for

SLIDE_KEY = "slide"
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


def _step(delta: int, count: int) -> None:
    current = st.session_state.get(SLIDE_KEY, 1)
    st.session_state[SLIDE_KEY] = min(max(current + delta, 1), count)


def render_present() -> None:
    """Draw the presentation for the diseases in the URL, at the slide the URL names."""
    state, diseases = ui.page_data()
    deck = slides_for(state, state.signature, tuple(diseases))
    if not deck:
        st.info("No figures for this selection.")
        return
    st.html(_PROJECTOR_CSS)
    count = len(deck)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "Previous",
            icon=":material/arrow_back:",
            shortcut="Left",
            on_click=_step,
            args=(-1, count),
            key="slide-previous",
        )
        # Plain numbers as options: a bound selectbox writes its label into the URL (slide=4).
        number = st.selectbox(
            "Slide",
            range(1, count + 1),
            key=SLIDE_KEY,
            bind="query-params",
            label_visibility="collapsed",
            width=110,
        )
        st.button(
            "Next",
            icon=":material/arrow_forward:",
            shortcut="Right",
            on_click=_step,
            args=(1, count),
            key="slide-next",
        )
    slide = deck[(number or 1) - 1]
    _slide(state, slide, diseases, count)


def _slide(state: DataState, slide: slides.Slide, diseases: list[str], count: int) -> None:
    with st.container(key="slide-body"):
        st.caption(
            ui.md(f"{slide.phase_label} · slide {slide.number} of {count} · {', '.join(diseases)}")
        )
        st.markdown(f"# {ui.md(slide.title)}")
        chart, side = st.columns([1.7, 1], gap="large")
        with chart:
            figure = slides.slide_figure(slide, state.table)
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
