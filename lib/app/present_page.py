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
from lib.render import charts

#: A slide is laid out for a 1920x1080 window and the whole of it scaled to the window (a CSS
#: transform, in steps): on a 1280x720 projector everything is two thirds the size and still
#: fits, so type and chart stay in proportion and nothing scrolls. Streamlit cannot know the
#: window on the server. (A transform rather than CSS zoom: Streamlit and Plotly measure a
#: chart's box in layout px, which a transform leaves alone and zoom does not, and Plotly's hover
#: undoes a transform.)
SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080
SLIDE_SCALES = (0.4, 0.5, 0.6, 2 / 3, 0.75, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0)
CHART_HEIGHT = 840  # px of the 1920x1080 slide
# The chart column's width on the 1920 px slide: the figure is drawn at the slide's own size.
CHART_WIDTH = 760
CHART_LINES = 5  # key numbers beside a chart; the rest are in the phase page's table
TEXT_LINES = 8  # key numbers on a slide without a chart


def _scale_css() -> str:
    """The slide's scale: the largest step at which a 1920x1080 slide fits the window."""

    def rule(scale: float) -> str:
        # The layout box keeps its unscaled size; the negative margin gives the window back
        # the height the transform takes away, so the page scrolls only if the slide overflows.
        # Streamlit sizes a chart to its box as seen on screen (after the transform), and the
        # transform then scales the drawing again: the chart's box is made 1/scale as large
        # (the surplus given back by negative margins), so the figure is drawn at the slide's
        # own size, its type and labels in proportion with the rest of the slide.
        return (
            f".stMainBlockContainer {{ transform: scale({round(scale, 4)}); "
            f"width: {round(100 / scale, 3)}% !important; "
            f"margin-bottom: {round(-SLIDE_HEIGHT * (1 - scale), 1)}px !important; }}\n"
            f".st-key-slide-chart .stElementContainer {{ "
            f"width: {round(CHART_WIDTH / scale, 1)}px !important; "
            f"max-width: none !important; "
            f"margin-right: {round(CHART_WIDTH * (1 - 1 / scale), 1)}px; }}\n"
            f".st-key-slide-chart .phasewise-chart {{ "
            f"width: {round(CHART_WIDTH / scale, 1)}px !important; "
            f"height: {round(CHART_HEIGHT / scale, 1)}px !important; "
            f"margin-bottom: {round(CHART_HEIGHT * (1 - 1 / scale), 1)}px; }}"
        )

    rules = [rule(SLIDE_SCALES[0])]
    rules += [
        f"@media (min-width: {int(SLIDE_WIDTH * s)}px) and (min-height: {int(SLIDE_HEIGHT * s)}px)"
        f" {{ {rule(s)} }}"
        for s in SLIDE_SCALES[1:]
    ]
    return "\n".join(rules)


# Static styling for a projector (no data goes into it), in px of the 1920x1080 slide: body
# 26 px, badges and chart labels 20 px or more, the slide's chrome (buttons, counter) small.
# Streamlit's header and top padding (about 100 px) are given back to the slide.
_PROJECTOR_CSS = f"""
<style>
[data-testid="stHeader"] {{ background: transparent; height: 2.5rem; pointer-events: none; }}
[data-testid="stHeader"] * {{ pointer-events: none; }}
[data-testid="stHeader"] button, [data-testid="stHeader"] button * {{ pointer-events: auto; }}
.stMainBlockContainer {{ padding: 0.5rem 2rem 0 2rem !important; max-width: none !important;
  transform-origin: 0 0; height: {SLIDE_HEIGHT}px; margin: 0 !important; align-self: flex-start; }}
.stMainBlockContainer [data-testid="stVerticalBlock"] {{ gap: 0.6rem; }}
.st-key-slide-chrome {{ padding-left: 4.5rem; min-height: 0; }}
.st-key-slide-chrome button {{ min-height: 0; padding: 0.1rem 0.6rem; }}
.st-key-slide-chrome p {{ font-size: 15px; }}
.st-key-slide-chrome .st-key-slide-context {{ width: auto; }}
.st-key-slide-body p, .st-key-slide-body li {{ font-size: 24px; line-height: 1.3; }}
.st-key-slide-body li {{ margin-bottom: 0.15rem; }}
.st-key-slide-body [data-testid="stCaptionContainer"] p, .st-key-slide-context p
  {{ font-size: 24px; }}
.st-key-slide-body h1 {{ font-size: 40px; line-height: 1.2; padding: 0.2rem 0 0.2rem 0; }}
.st-key-slide-body [data-testid="stMarkdownContainer"] span[class*="Badge"],
.st-key-slide-body [data-testid="stBadge"] span, .st-key-slide-body [data-testid="stBadge"] p
  {{ font-size: 20px !important; }}
.st-key-slide-source p {{ font-size: 24px; line-height: 1.3; color: #1B1F24; }}
[class*="st-key-slide-note"] {{ background: #F1F7F2; }}
[class*="st-key-slide-note"] p {{ font-size: 24px !important; }}
{_scale_css()}
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
    with st.container(horizontal=True, vertical_alignment="center", key="slide-chrome"):
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
        slide = deck[number - 1]
        with st.container(key="slide-context"):  # the slide's own line, in the chrome's row
            st.caption(
                markdown(
                    _f(
                        "{phase} · slide {number} of {count} · {diseases} · Dataset {version}",
                        phase=slide.phase_label,
                        number=number,
                        count=count,
                        diseases=enumeration(diseases),
                        version=state.dataset.info.version,
                    )
                )
            )
        st.caption(
            _f(
                "Slide {number} of {count} · arrow keys move between slides",
                number=number,
                count=count,
            )
        )
    _slide(state, slide, number, diseases)


def _address_script(diseases: list[str], number: int) -> str:
    """A script that sets the address bar to this slide's URL (validated values only), the
    language kept in it."""
    lang = address_language(current_language())
    search = json.dumps(view_query(diseases, {SLIDE_KEY: number}, lang))
    return (
        f"<script>if (location.search !== {search}) "
        f"history.replaceState(history.state, '', location.pathname + {search});</script>"
    )


def _slide(state: DataState, slide: Exhibit, number: int, diseases: list[str]) -> None:
    """Title, then chart | key numbers | integrative note side by side (a slide without a
    chart gives its key numbers the chart's room), the source line beneath."""
    with st.container(key="slide-body"):
        st.markdown(f"# {markdown(slide.slide_title)}")
        lines = (*slide.key_numbers, *slide.statements)
        if slide.chart is not None:
            chart, numbers, side = st.columns([1.35, 1, 0.8], gap="medium")
            with chart, st.container(key="slide-chart"):
                figure = figure_for(state, diseases, slide, card=False)
                widgets.show_chart(
                    charts.for_slide(figure, CHART_WIDTH, CHART_HEIGHT),
                    key=f"present-{number}",
                    fixed_width=True,
                )
            shown = CHART_LINES
        else:
            numbers, side = st.columns([2.35, 0.8], gap="medium")
            shown = TEXT_LINES
        with numbers:
            if slide.badges:
                widgets.badges(slide.badges)
            st.markdown(widgets.bold(_("Key numbers")))
            st.markdown("\n".join(f"- {markdown(line)}" for line in lines[:shown]))
            _more(len(lines) - shown)
        with side:
            for note in slide.notes:
                with st.container(border=True, key=f"slide-note-{note.id}"):
                    st.markdown(widgets.bold(_("Integrative care")))
                    st.markdown(markdown(note_text(note.key_message)))
                    st.caption(markdown(_f("Scope: {scope}", scope=note_text(note.scope))))
    with st.container(key="slide-source"):
        st.markdown(markdown(slide.source_line))


def _more(more: int) -> None:
    if more > 0:
        st.caption(
            _nf("{n} more in the phase page's table.", "{n} more in the phase page's table.", more)
        )
