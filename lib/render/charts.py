"""Pure chart builders: exhibit rows -> Plotly figures, one function per chart kind, one theme.

Every string taken from the data is escaped (Plotly renders an HTML subset). Interface text is
translated when a figure is built (`_` in the current language); the data's own text arrives in
that language already. Keys in the frames (measure, method, arm role, unit) stay English and are
translated where shown. The font list names CJK families after the Latin ones, so the browser,
PNG and SVG draw Chinese with a Chinese font and Latin with the house font.

Labels are laid out for the narrowest card (CARD_CHART_WIDTH: a 1280 px window), measured with
the one text-width estimator (lib.i18n.wrap.estimate_em), so that none is cut or meets another
there or wider (tests/browser/test_chart_labels.py measures them in Chromium): category labels
wrapped to their group, or turned to read upwards where a word is wider than it; printed p values
in a row above the tallest group; the value axis raised for the labels above the bars; a card's
forest plot with each row's label and estimate above the row. Images and slides re-fit what
depends on their own width (lib.render.images).
"""

import html
import math
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from lib.dataset.vocabulary import ENDPOINT_ABBREVIATIONS, FLAG_LABELS
from lib.evidence.escape import plotly_html
from lib.evidence.exhibits import Chart
from lib.evidence.selection import HAZARD_RATIO, RISK_DIFFERENCE, RISK_RATIO, chart_scale
from lib.evidence.text import (
    display_n,
    display_p,
    enumeration,
    estimate_interval,
    events_of,
    in_months,
    is_missing,
    join_split_digits,
    number,
    plain,
    rates_at,
    unit_value,
)
from lib.i18n import N_, _, _f
from lib.i18n.wrap import estimate_em, is_cjk
from lib.i18n.wrap import wrap as cjk_wrap
from lib.render.text_metrics import label_width_px

TEMPLATE = "phasewise"
#: Latin first (each character takes the first family that has it), then Chinese: Noto Sans CJK
#: SC / Source Han Sans SC (the same design; Linux, and kaleido's PNG and SVG here), PingFang SC
#: (macOS, iOS), Microsoft YaHei (Windows). The SC families keep the Simplified glyph forms.
FONT = (
    "Source Sans Pro, Arial, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, "
    "Microsoft YaHei, sans-serif"
)
TEXT_COLOR = "#1A1A1A"
MUTED_COLOR = "#555555"
GRID_COLOR = "#E3E3E3"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
ROLE_COLORS = {"intervention": "#0072B2", "control": "#E69F00", "single": "#009E73"}
# Groups formed by what happened to the patients are not treatments: neutral greys, never the
# intervention/control colours.
OUTCOME_GROUP_COLORS = {"intervention": "#4D4D4D", "control": "#A6A6A6"}
OUTCOME_GROUP_NOTE = N_("Groups formed by outcome: ")
ROLE_ORDER = {"intervention": 0, "control": 1, "single": 2}
METHOD_COLORS = {"as published": "#000000", "computed": "#CC79A7"}
METHOD_SYMBOLS = {"as published": "square", "computed": "diamond"}
METHOD_NAMES = {"as published": N_("As published"), "computed": N_("Computed from events/n")}
PUBLICATION_HATCH = "/"
PUBLICATION_LEGEND = N_("Hatched = from the publication:  ")
SINGLE_ARM_NAME = N_("Single arm, registry or case")
#: Arm roles as the charts name them (the frames' arm_role values are these keys).
ROLE_NAMES = {"intervention": N_("intervention"), "control": N_("control"), "single": N_("single")}
#: A CJK character counts as this many Latin characters where labels are wrapped by length
#: (lib.i18n.wrap.estimate_em: 1 em against 0.55 em).
CJK_CHARS = 1 / 0.55
BAR_GAP = 0.3
LABEL_FONT_SIZE = 15
LABEL_ROW = 40  # px: one two-line value label and its gap
TITLE_CHARS = 32  # a chart title's line on the narrowest card (20 px type)
AXIS_TITLE_CHARS = 38  # a forest plot's axis title, under a plot of about 250 px on that card
#: Row labels left of a forest or single-arm plot: narrow enough to leave the plot room on a
#: card at 1280 px (the forest's estimate column takes the right-hand side).
FOREST_LABEL_CHARS, SINGLE_LABEL_CHARS = 22, 24
ROW_LINE, ROW_GAP = 21, 22  # px per line of a row label (16 px type) and between two rows
#: The narrowest a card's chart usually is (a 1280 px laptop window: 491 px; 600 px at 1440, and
#: in the print handout): where labels are wrapped to fit and the legend's rows are assumed to
#: wrap. Wider, a legend may take a row less than reserved: a little white below it, never a
#: second draw.
CARD_CHART_WIDTH = 480
#: An arm comparison's side margins (px): the value axis and its title left, nothing but the
#: last group's labels right.
ARM_MARGIN = dict(l=84, r=28)
#: A card's narrowest bar plot (px): where the category labels under the bars, and the printed
#: p values above them, must fit side by side.
CARD_PLOT_WIDTH = CARD_CHART_WIDTH - ARM_MARGIN["l"] - ARM_MARGIN["r"]
TICK_FONT_SIZE = 13  # an arm comparison's category labels
TICK_LINE = 17  # px per line of a category label
P_FONT_SIZE = 15
P_LINE = 19  # px per line of a printed p (italic, 15 px)
HEADROOM = 1.45  # value axis above the tallest bar, for the label rows and the printed p
#: The columns of a `queries.chart_values` frame the value charts read. Narrowing to them first
#: keeps per-row work cheap (the flat table has ~50 mostly-string columns).
VALUE_COLUMNS = [
    "figure_id",
    "study",
    "arm",
    "arm_role",
    "arms_defined_by",
    "endpoint",
    "endpoint_label",
    "subgroup",
    "time_point",
    "time_point_months",
    "group_time",
    "value",
    "as_printed",
    "unit",
    "plot_value",
    "plot_unit",
    "n",
    "events",
    "ci_low",
    "ci_high",
    "ci_method",
    "computed",
    "origin",
    "p_as_printed",
    "p_shown",
    "flags",
]

#: The template's margins (px); a chart's own `margin` overrides some of them.
_MARGIN = dict(l=90, r=60, t=100, b=60)
_AXIS = dict(
    gridcolor=GRID_COLOR,
    linecolor="#9A9A9A",
    showline=True,
    zeroline=False,
    ticks="outside",
    tickcolor="#9A9A9A",
    automargin=True,
    title=dict(standoff=14),
)
pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=16, color=TEXT_COLOR),
        title=dict(
            font=dict(size=20), x=0.01, xanchor="left", xref="container", y=0.97, yanchor="top"
        ),
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(OKABE_ITO),
        margin=_MARGIN,
        xaxis=_AXIS,
        yaxis=_AXIS,
        # Below everything: above the plot it would collide with the printed p values.
        legend=dict(
            orientation="h",
            x=0,
            xanchor="left",
            y=0,
            yanchor="bottom",
            yref="container",
            font=dict(size=15),
        ),
        hoverlabel=dict(font=dict(family=FONT, size=15), align="left", bgcolor="white"),
    )
)


# --- text ------------------------------------------------------------------------------------


_missing = is_missing


def unit_text(unit: str) -> str:
    """A unit key ("%", "months", "patients") in the current language."""
    return unit if unit == "%" else _(unit)


def _value_text(row: Mapping) -> str:
    """The value as the source gives it (its decimals, no gap); counts as "5/6 (83%)"."""
    if row["computed"]:
        events = row["value"] if _missing(row["events"]) else row["events"]
        return events_of(events, row["n"], row["plot_value"])
    unit = row["plot_unit"]
    return unit_value(row["value"], row["as_printed"], unit, plotly_html(unit_text(unit)))


def _not_plotted(row: Mapping) -> str:
    """Why a row has no bar, quoting the source's own words."""
    printed = plotly_html(
        join_split_digits("" if _missing(row["as_printed"]) else str(row["as_printed"]))
    )
    flags = _flags(row)
    if "truncated" in flags:
        return _f("printed as '{printed}' — truncated in source, not plotted", printed=printed)
    if "no_denominator" in flags or (row["unit"] == "patients" and _missing(row["n"])):
        return _f("{printed} — denominator not stated, not plotted", printed=printed)
    if "direction_only" in flags:
        return _f("{printed} — direction only, not plotted", printed=printed)
    return _f("printed as '{printed}' — not plotted", printed=printed)


def _p_text(p: object) -> str:
    """p as shown (lib.evidence.selection made it with lib.evidence.text), or "p not
    reported"."""
    return plotly_html(display_p(None) if _missing(p) or not str(p).strip() else p)


def _source(origin: object) -> str:
    return _("publication") if origin == "publication" else _("document")


def role_text(role: str) -> str:
    """An arm role key in the current language."""
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def _shown(row: Mapping, label: str, key: str) -> str:
    """An effect row's text for display: its `label` column (lib.evidence.selection makes it
    in the current language), else its English `key` column translated here."""
    text = row.get(label)
    if not _missing(text) and str(text):
        return str(text)
    english = "" if _missing(row.get(key)) else str(row.get(key))
    return _(english) if english else english


def label_chars(text: str) -> float:
    """Length in Latin characters: a CJK character counts CJK_CHARS, a combining mark 0."""
    return sum(CJK_CHARS if is_cjk(c) else 0 if unicodedata.combining(c) else 1 for c in text)


def has_cjk(text: str) -> bool:
    return any(is_cjk(c) for c in text)


def _flags(row: Mapping) -> tuple[str, ...]:
    return row["flags"] if isinstance(row["flags"], tuple) else ()


def _present(parts: Iterable[object]) -> list[str]:
    return [str(p) for p in parts if not _missing(p) and str(p).strip()]


def wrap_label(text: str, width: float, break_long_words: bool = False) -> list[str]:
    """`text` in lines of about `width` Latin characters. Text with Chinese in it wraps by the
    rules of Chinese line breaking (lib.i18n.wrap: between characters, never before ，。、；：）
    or after （), a CJK character counting as CJK_CHARS; other text at spaces only."""
    if has_cjk(text):
        return [line for line in cjk_wrap(text, width, label_chars) if line] or [text]
    return textwrap.wrap(
        text, int(width), break_long_words=break_long_words, break_on_hyphens=False
    ) or [text]


def wrap_em(text: str, width_em: float) -> list[str]:
    """`text` in lines no wider than `width_em` by the one estimator (lib.i18n.wrap.estimate_em):
    Chinese by the rules of Chinese line breaking, other text at spaces and after a hyphen
    between letters ("Leukaemia-|free"). A word wider than a line stays whole."""
    if has_cjk(text):
        return [line for line in cjk_wrap(text, width_em) if line] or [text]
    lines: list[str] = []
    for word in text.split():
        for i, piece in enumerate(_HYPHEN.split(word)):
            sep = "" if i else " "
            if lines and estimate_em(lines[-1] + sep + piece) <= width_em:
                lines[-1] += sep + piece
            else:
                lines.append(piece)
    return lines or [text]


def join_em(parts: Iterable[str], width_em: float) -> list[str]:
    """Parts joined by " · " in lines no wider than `width_em`, broken at the separators first
    and inside a part only where it alone is wider than a line."""
    lines: list[str] = []
    for part in parts:
        if lines and estimate_em(lines[-1] + " · " + part) <= width_em:
            lines[-1] += " · " + part
        else:
            if lines:
                lines[-1] += " ·"
            lines.extend(wrap_em(part, width_em))
    return lines


_HYPHEN = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")


def widest_word_em(text: str) -> float:
    """The widest piece of `text` no line break may split (a Latin word or its part after a
    hyphen; a Chinese character, or a Latin word inside Chinese), in em."""
    pieces = [p for word in text.split() for p in _HYPHEN.split(word)]
    if has_cjk(text):
        pieces = [w for p in pieces for w in re.split(r"[^\x00-\u2fff]", p)] + ["中"]
    return max((estimate_em(p) for p in pieces if p), default=0.0)


def _wrap(text: str, width: int) -> list[str]:
    return wrap_label(text, width)


def _label(parts: Iterable[object], width: int) -> str:
    """Parts joined by " · ", wrapped at the separators into lines of about `width` characters."""
    lines: list[str] = []
    for part in _present(parts):
        if lines and label_chars(lines[-1]) + 3 + label_chars(part) <= width:
            lines[-1] += " · " + part
        else:
            if lines:
                lines[-1] += " ·"
            lines.extend(_wrap(part, width))
    return "<br>".join(plotly_html(line) for line in lines)


def _stack(parts: Iterable[object], width: int) -> str:
    """Each part on its own line(s), wrapped at `width` characters."""
    return "<br>".join(plotly_html(line) for part in _present(parts) for line in _wrap(part, width))


def _unique(labels: list[str], ids: Iterable[object]) -> list[str]:
    """Labels made unique (a repeated one gets its figure id), so rows never merge on the axis."""
    repeated = pd.Series(labels).duplicated(keep=False)
    return [
        f"{label} [{plotly_html(i)}]" if again else label
        for label, again, i in zip(labels, repeated, ids, strict=True)
    ]


# --- figure pieces ---------------------------------------------------------------------------


def _require_title(title: object) -> None:
    if _missing(title) or not str(title).strip():
        raise ValueError("a chart needs a title")


class FrozenFigure(go.Figure):
    """A finished figure shared read-only (cached, drawn by many sessions): its plain-dict form
    is made once. Plotly deep-copies the whole figure on every `to_dict()`, which Streamlit
    calls on every run; copy it (`go.Figure(fig)`) to change anything."""

    def to_dict(self) -> dict:
        cached = self.__dict__.get("_frozen_dict")
        if cached is None:
            cached = self.__dict__["_frozen_dict"] = super().to_dict()
        return cached

    def json_text(self) -> str:
        """The figure as plotly.js reads it (JSON), made once."""
        cached = self.__dict__.get("_frozen_json")
        if cached is None:
            cached = self.__dict__["_frozen_json"] = pio.to_json(self, validate=False)
        return cached


def frozen(figure: go.Figure) -> FrozenFigure:
    """The figure, ready to be cached and shared."""
    return FrozenFigure(figure)


def _figure(title: str, traces: list[dict], above: int = 0, **layout) -> go.Figure:
    """One figure in the house theme, built (and validated) once from plain dicts. The top
    margin holds the (wrapped) title and `above` px of labels drawn above the plot."""
    # Wrapped to the narrowest card (a 1280 px window): Plotly does not wrap a title.
    lines = wrap_label(title, TITLE_CHARS)
    # A wrapped title's top line sat a few px above the figure's top edge: padded down.
    title_layout = dict(text="<br>".join(plotly_html(line) for line in lines))
    if len(lines) > 1:
        title_layout["pad"] = dict(t=10)
    top = title_bottom(len(lines), layout.get("height", 0)) + TITLE_GAP + above
    margin = layout.pop("margin", {})
    if top > margin.get("t", _MARGIN["t"]):
        margin = {**margin, "t": top}
    return go.Figure(
        data=traces, layout=dict(template=TEMPLATE, title=title_layout, margin=margin, **layout)
    )


TITLE_LINE = 26  # px: a line of the 20 px chart title
TITLE_GAP = 12  # px between the title's last line and what is drawn under it


def title_bottom(lines: int, height: float) -> int:
    """Where a chart title of `lines` lines ends, in px from the figure's top: it hangs from
    y = 0.97 of the figure's `height`, padded 10 px down when it wraps."""
    return math.ceil((1 - 0.97) * height + (10 if lines > 1 else 0) + TITLE_LINE * lines)


def for_screen(fig: go.Figure) -> go.Figure:
    """A copy of `fig` as a page draws it: margins presized for a card's width
    (`_presized_margin`), so the browser draws it once. Images and slides keep Plotly's own
    margins, fitted to their width (kaleido's second draw costs no reader anything)."""
    spec = fig.to_plotly_json()
    return go.Figure(fig).update_layout(margin=_presized_margin(spec["data"], spec["layout"]))


#: Type on a slide, in px of a 1920x1080 slide (the presentation page scales the whole slide to
#: the window, so these shrink in proportion on a 1280x720 projector): axis ticks, bar and
#: estimate labels and the legend at least 1/60 of the slide height, the axis titles larger.
SLIDE_FONT = 22
SLIDE_LABEL_FONT = 20


def for_slide(fig: go.Figure, width: int, height: int) -> go.Figure:
    """A copy of `fig` for a projector slide, `width` x `height` px of the 1920x1080 slide:
    no title (the slide's heading names it), every label at SLIDE_LABEL_FONT px or more, the
    right margin of a forest plot's estimate column widened with its type. Layout only."""
    spec = fig.to_plotly_json()["layout"]
    scale = SLIDE_LABEL_FONT / LABEL_FONT_SIZE
    annotations = []
    for note in spec.get("annotations", ()):
        font = note.get("font", {})
        note = {
            **note,
            "font": {**font, "size": max(SLIDE_LABEL_FONT, font.get("size", 0) * scale)},
        }
        for shift in ("xshift", "yshift"):  # rows of labels stacked by px keep their spacing
            if note.get(shift):
                note[shift] = note[shift] * scale
        annotations.append(note)
    header = any(a.get("name") == "header" for a in annotations)
    margin = {**_MARGIN, **spec.get("margin", {})}
    layout = dict(
        title=dict(text=""),
        width=width,
        height=height,
        autosize=False,
        font=dict(size=SLIDE_FONT),
        legend=dict(font=dict(size=SLIDE_LABEL_FONT)),
        hoverlabel=dict(font=dict(size=SLIDE_LABEL_FONT)),
        annotations=annotations,
        margin=dict(
            t=60 if header else 30,
            r=math.ceil(margin["r"] * scale) if margin["r"] > _MARGIN["r"] else margin["r"],
        ),
        xaxis=dict(tickfont=dict(size=SLIDE_LABEL_FONT)),
        yaxis=dict(tickfont=dict(size=SLIDE_LABEL_FONT)),
    )
    short = (spec.get("meta") or {}).get("slide_ticktext")
    if short:  # a forest plot's rows in fewer words (`_slide_row_label`)
        layout["yaxis"] |= dict(
            tickmode="array", tickvals=spec["yaxis"]["categoryarray"], ticktext=short
        )
    groups = (spec.get("meta") or {}).get("slide_categories")
    if groups:  # an arm chart's groups in fewer words (`_slide_category`), upright, each in
        # lines four fifths as wide as its group of bars (the estimate errs narrow)
        plot = width - margin["l"] - margin["r"]
        em = max(4.0, 0.8 * plot / len(groups) / SLIDE_LABEL_FONT)
        layout["xaxis"] = dict(
            tickmode="array",
            tickvals=spec["xaxis"]["categoryarray"],
            ticktext=["<br>".join(map(plotly_html, wrap_em(g, em))) for g in groups],
            tickangle=0,
            tickfont=dict(size=SLIDE_LABEL_FONT),
        )
    return go.Figure(fig).update_layout(**layout)


def _presized_margin(traces: list[dict], layout: dict) -> dict:
    """Margins wide enough for the labels Plotly's automargin would make room for.

    Profiled in Chromium (docs/benchmarks.md), a chart's biggest cost on a phase page is drawn
    twice: Plotly draws it, measures its labels, widens the margins and draws it again. Set
    before it draws, margins that already fit leave automargin (still on) nothing to push, so it
    draws once. The estimate errs wide (lib.render.text_metrics): too small would cost only the
    redraw it saves, too large a few pixels of white. Left: the widest category label of a
    horizontal chart; bottom: the category labels' lines, the axis title, the legend's rows.
    """
    margin = {**_MARGIN, **layout.get("margin", {})}
    xaxis, yaxis = layout.get("xaxis", {}), layout.get("yaxis", {})
    if yaxis.get("categoryarray") and yaxis.get("showticklabels", True):  # labels left of it
        margin["l"] = max(margin["l"], _row_label_margin(yaxis["categoryarray"]))
    if xaxis.get("categoryarray") and xaxis.get("tickangle"):  # turned to read upwards
        size = xaxis.get("tickfont", {}).get("size", TICK_FONT_SIZE)
        bottom = 12 + math.ceil(max(label_width_px(x, size) for x in xaxis["categoryarray"]))
    elif xaxis.get("categoryarray"):  # arm comparison: wrapped category labels under the bars
        bottom = 7 + TICK_LINE * max(str(x).count("<br>") + 1 for x in xaxis["categoryarray"])
    elif xaxis.get("type") == "log" or xaxis.get("title", {}).get("standoff"):
        # forest: ticks, then the axis title (its lines) below its standoff
        title = xaxis.get("title", {})
        bottom = 30 + title.get("standoff", 0) + 22 * (title.get("text", "").count("<br>") + 1)
    else:
        bottom = 68  # single arm: ticks, the axis title, a legend title that may wrap
    plot_width = CARD_CHART_WIDTH - margin["l"] - margin["r"]
    rows, used = 1, 0.0
    for trace in traces:
        item = label_width_px(trace.get("name", ""), 15) + 40  # the symbol and the gap
        if used and used + item > plot_width:
            rows, used = rows + 1, 0.0
        used += item
    legend_title = layout.get("legend", {}).get("title", {}).get("text")
    legend = 45 + (23 if legend_title else 0) + 22 * (rows - 1)
    margin["b"] = max(margin["b"], bottom + legend + 3)
    return margin


def _height(labels: list[str], chrome: int) -> int:
    """Figure height giving every row room for the longest (wrapped) label."""
    lines = max(label.count("<br>") + 1 for label in labels)
    return max(420, chrome + (ROW_LINE * lines + ROW_GAP) * len(labels))


def _note(text: str, color: str = MUTED_COLOR, size: int = LABEL_FONT_SIZE, **position) -> dict:
    return dict(text=text, showarrow=False, font=dict(size=size, color=color), **position)


def _pattern(origins: pd.Series) -> dict:
    shapes = [PUBLICATION_HATCH if o == "publication" else "" for o in origins]
    return dict(shape=shapes, fillmode="overlay", fgcolor="white", size=9, solidity=0.35)


def _errors(rows: pd.DataFrame) -> dict:
    """Asymmetric CI whiskers around plot_value; none where a row has no CI."""
    has_ci = rows["ci_low"].notna() & rows["ci_high"].notna()
    if not has_ci.any():
        return dict(visible=False)
    plus = (rows["ci_high"] - rows["plot_value"]).clip(lower=0).where(has_ci)
    minus = (rows["plot_value"] - rows["ci_low"]).clip(lower=0).where(has_ci)
    # Float arrays keep NaN; plotly.js would read a JSON null as 0 and draw a flat cap.
    return dict(
        type="data",
        symmetric=False,
        array=plus.to_numpy(float),
        arrayminus=minus.to_numpy(float),
        color="#333333",
        thickness=1.8,
        width=7,
        visible=True,
    )


def _top(rows: pd.DataFrame) -> pd.Series:
    """Where a bar's drawing ends: its value or its upper CI bound."""
    return rows[["plot_value", "ci_high"]].max(axis=1)


def _value_hover(row: Mapping, heading: str) -> str:
    """Hover for one value: what, how much (and as printed), n, CI with method, p, source."""
    if _missing(row["plot_value"]):
        value = _not_plotted(row)
    else:
        value = _value_text(row)
        if row["computed"]:
            value = _f("{value} — computed from events/n", value=value)
    ci = (
        _("No CI reported")
        if _missing(row["ci_low"])
        else _f(
            "CI {low}–{high} ({method})",
            low=number(row["ci_low"], 1),
            high=number(row["ci_high"], 1),
            method=plotly_html(row["ci_method"]),  # made in the current language
        )
    )
    lines = [
        heading,
        _label([row["endpoint_label"], row["time_point"], row["subgroup"]], 200),
        _f("Value: {value}", value=value),
        _f("Printed as: “{printed}”", printed=plotly_html(row["as_printed"])),
        display_n(row["n"]),
        ci,
        _f("Source: {source}", source=_source(row["origin"])),
    ]
    if row["arm_role"] != "single":
        lines.append(_f("p: {p}", p=_p_text(row["p_shown"])))
    if _flags(row):
        flags = enumeration(_(FLAG_LABELS.get(k, k)) for k in _flags(row))
        lines.append(_f("Caveats: {caveats}", caveats=plotly_html(flags)))
    return "<br>".join(lines)


# --- arm comparison --------------------------------------------------------------------------


def _category_parts(row: Mapping) -> list[str]:
    origin = _("(publication)") if row["origin"] == "publication" else None
    time = row.get("group_time") or row["time_point"]
    if isinstance(time, str) and time.lower() in str(row["endpoint_label"]).lower():
        time = None  # "Median overall survival", not "... survival median"
    return _present([row["endpoint_label"], time, row["subgroup"], origin])


def _category(row: Mapping, width: float = 9.0) -> str:
    """A group's label under its bars: each part on its own lines of `width` em."""
    return "<br>".join(
        plotly_html(line) for part in _category_parts(row) for line in wrap_em(part, width)
    )


def _endpoint_short(row: Mapping) -> str:
    """An endpoint in the fewest words: its standard abbreviation (OS, CIR), else its label."""
    return ENDPOINT_ABBREVIATIONS.get(row["endpoint"]) or row["endpoint_label"]


def _slide_category(row: Mapping) -> str:
    """A group of bars in the fewest words for a slide's 20 px type: the endpoint's standard
    abbreviation (OS, CIR, EFS), its time point (in months where its words run long) and its
    subgroup. The hatching and the legend say which bars come from a publication; the full
    endpoint stays in the hover, the key numbers and the notes."""
    endpoint = _endpoint_short(row)
    time = row.get("group_time") or row["time_point"]
    if isinstance(time, str) and time.lower() in str(row["endpoint_label"]).lower():
        time = None  # "Median overall survival": the time point is the endpoint's own word
    months = row.get("time_point_months")
    own_time = time == row["time_point"]  # (a comparison's time point has no months here)
    if time and label_chars(time) > SLIDE_TIME_CHARS and own_time and not is_missing(months):
        time = in_months(months)
    return " · ".join(_present([endpoint, time, row["subgroup"]]))


def _slide_categories(records: list[dict]) -> dict[str, str]:
    """Each group's slide words (`_slide_category`); where two groups would read the same (a
    document's and a publication's relapse at 2 years) the publication's says so, and where
    they still would, both keep their full label."""
    words = {r["category"]: _slide_category(r) for r in records}
    origins = {r["category"]: r["origin"] for r in records}
    alike = pd.Series(words).duplicated(keep=False)
    tag = _("(publication)")
    space = "" if is_cjk(tag[0]) else " "  # none before a full-width （
    words = {
        category: f"{text}{space}{tag}"
        if alike[category] and origins[category] == "publication"
        else text
        for category, text in words.items()
    }
    alike = pd.Series(words).duplicated(keep=False)
    return {category: category if alike[category] else text for category, text in words.items()}


def _group_px(rows: pd.DataFrame) -> float:
    """The width (px) of one group of bars on the narrowest card."""
    groups = {tuple(_category_parts(r)) for r in rows.to_dict("records")}
    return CARD_PLOT_WIDTH / max(len(groups), 1)


def category_fit(rows: pd.DataFrame) -> tuple[float, int]:
    """(line width in em, tick angle) of an arm chart's category labels, measured for the room
    each group has on the narrowest card, so neighbouring labels never meet: upright, wrapped
    to the group's width, where every word fits it; else turned to read upwards, each label in
    as many lines as fit side by side across its group."""
    group = _group_px(rows)
    width = (group - 8) / TICK_FONT_SIZE
    parts = [p for r in rows.to_dict("records") for p in _category_parts(r)]
    widest = max((widest_word_em(p) for p in parts), default=0.0)
    if widest <= width:
        return width, 0
    most = max(1, int((group - 4) // TICK_LINE))
    width = max(widest, 8.0)
    while max(len(_category(r, width).split("<br>")) for r in rows.to_dict("records")) > most:
        width += 1
    return width, -90


def category_width(rows: pd.DataFrame) -> float:
    """Line width (em) of an arm chart's category labels (`category_fit`)."""
    return category_fit(rows)[0]


def _by_outcome(rows: pd.DataFrame) -> bool:
    return bool((rows["arms_defined_by"] == "outcome").any())


def _value_axis_title(rows: pd.DataFrame, unit: str) -> str:
    if unit == "%":
        return _("Patients (%)")
    labels = rows["endpoint_label"].unique()
    label = plotly_html(labels[0]) if len(labels) == 1 else _("Value")
    return _f("{label} ({unit})", label=label, unit=plotly_html(unit_text(unit)))


@dataclass(frozen=True)
class _ArmLayout:
    """Where an arm chart's bars go: its rows with their category label, the categories in
    axis order, the arms in slot order, the width of a category's bars together and of one."""

    rows: pd.DataFrame
    categories: list[str]
    arms: pd.DataFrame
    group: float
    wrap: float  # the category labels' line width in em and their tick angle (`category_fit`)
    angle: int

    @property
    def width(self) -> float:
        return self.group / len(self.arms)

    def offset(self, slot: int) -> float:
        """The left edge of slot `slot`'s bars, from the centre of their category."""
        return -self.group / 2 + slot * self.width


def _arm_layout(values: pd.DataFrame, unit: str) -> _ArmLayout:
    rows = values.loc[(chart_scale(values) == unit) & values["plot_value"].notna()].reindex(
        columns=VALUE_COLUMNS
    )
    if rows.empty:
        raise ValueError(f"no arm values in {unit!r}")
    wrap, angle = category_fit(rows)
    rows["category"] = [_category(r, wrap) for r in rows.to_dict("records")]
    categories = list(dict.fromkeys(rows["category"]))
    arms = rows.drop_duplicates("arm").sort_values(
        "arm_role", key=lambda roles: roles.map(ROLE_ORDER), kind="stable"
    )
    # Under three groups, bars keep about the width they would have among three, but a lone
    # group gets room for its two-line value labels (never wider than the bars' neighbours).
    group = (1 - BAR_GAP) * min(1.0, max(len(categories), 2) / 3)
    return _ArmLayout(rows, categories, arms, group, wrap, angle)


def arm_comparison(values: pd.DataFrame, title: str, unit: str = "%") -> go.Figure:
    """Grouped bars per endpoint and time point, one colour per arm role, p printed above."""
    _require_title(title)
    layout = _arm_layout(values, unit)
    rows, categories, arms, angle = layout.rows, layout.categories, layout.arms, layout.angle
    width = layout.width
    by_outcome = _by_outcome(rows)
    group_tops = _top(rows).groupby(rows["category"]).max()
    traces, annotations = [], []
    for slot, arm in enumerate(arms.to_dict("records")):
        part = rows[rows["arm"] == arm["arm"]]
        records = part.to_dict("records")
        offset = layout.offset(slot)
        texts = [f"{_value_text(r)}<br>{display_n(r['n'])}" for r in records]
        role = _("group defined by outcome") if by_outcome else role_text(arm["arm_role"])
        heading = _f(
            "{arm} ({role})", arm=f"<b>{plotly_html(arm['arm'])}</b>", role=plotly_html(role)
        )
        colors = OUTCOME_GROUP_COLORS if by_outcome else ROLE_COLORS
        traces.append(
            dict(
                type="bar",
                name=plotly_html(arm["arm"]),
                x=list(part["category"]),
                y=part["plot_value"].to_numpy(float),
                offset=offset,
                width=width,
                error_y=_errors(part),
                text=texts,
                textposition="none",
                marker=dict(color=colors[arm["arm_role"]], pattern=_pattern(part["origin"])),
                customdata=[_value_hover(r, heading) for r in records],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
        # Labels as annotations above the whole group (clear of every bar and CI whisker in it),
        # one row per arm so neighbouring labels never overlap; each centred on its own bar.
        row_above = len(arms) - 1 - slot
        annotations += [
            _note(
                text,
                TEXT_COLOR,
                name="value",
                yanchor="bottom",
                y=group_tops[category],
                yshift=LABEL_ROW * row_above,
                x=categories.index(category) + offset + width / 2,
            )
            for text, category in zip(texts, part["category"], strict=True)
        ]
    publication = (rows["origin"] == "publication").any()
    legend = (_(OUTCOME_GROUP_NOTE) if by_outcome else "") + (
        _(PUBLICATION_LEGEND) if publication else ""
    )
    p_notes, p_height = _p_annotations(rows, categories, len(arms))
    records = rows.to_dict("records")
    slide_words = _slide_categories(records)
    fig = _figure(
        title,
        traces,
        meta=dict(slide_categories=[slide_words[c] for c in categories]),
        height=620,
        margin=ARM_MARGIN,
        barmode="group",
        bargap=BAR_GAP,
        annotations=annotations + p_notes,
        # The title above the items ("top"): beside them ("top left"), plotly.js indents the
        # items by the title's width and cuts the last one at the chart's edge, not wrapping it.
        legend=dict(title=dict(text=legend, side="top")),
        xaxis=dict(
            categoryorder="array",
            categoryarray=categories,
            tickangle=angle,
            tickfont=dict(size=TICK_FONT_SIZE),
            automargin=True,
        ),
        yaxis=dict(
            title=dict(text=_value_axis_title(rows, unit)),
            tickvals=[0, 20, 40, 60, 80, 100] if unit == "%" else None,
        ),
    )
    _fit_labels_above(fig, _top(rows).max(), LABEL_ROW * len(arms) + p_height, unit)
    return fig


#: The most of a bar plot's height the labels above the tallest group may take (the bars keep
#: the rest); beyond it the figure grows.
LABELS_SHARE = 0.6


def _fit_labels_above(fig: go.Figure, top: float, above: float, unit: str) -> None:
    """Value axis (and, if need be, figure height) such that `above` px of labels stacked over
    the tallest group (`top` in axis units) end inside the plot, at the plot height of the
    narrowest card: labels past the plot's top would run into the title. At least HEADROOM."""
    spec = fig.to_plotly_json()
    margin = _presized_margin(spec["data"], spec["layout"])
    height = spec["layout"]["height"]
    plot = height - margin["t"] - margin["b"]
    need = above + 6
    if need > LABELS_SHARE * plot:
        height += math.ceil(need / LABELS_SHARE - plot)
        # The title hangs from 97% of the height: a taller figure lowers it a little.
        lines = spec["layout"]["title"]["text"].count("<br>") + 1
        margin["t"] = max(margin["t"], title_bottom(lines, height) + TITLE_GAP)
        fig.update_layout(margin_t=margin["t"])
        plot = height - margin["t"] - margin["b"]
    span = max(HEADROOM * (100 if unit == "%" else top), top / (1 - need / plot))
    fig.update_layout(height=height, yaxis_range=[0, span])


def _p_annotations(
    rows: pd.DataFrame, categories: list[str], arms: int
) -> tuple[list[dict], float]:
    """The printed p over each group, in one row above the tallest group's rows of two-line
    value labels (so no p meets a value label or, the axis being raised for it, the title),
    and its height in px. Where a p is wider than its group, every other p goes one row up,
    so neighbours never meet."""
    group = _group_px(rows)
    printed = rows.dropna(subset="p_shown").groupby("category")["p_shown"].first()
    texts = [
        display_p(None) if _missing(p) or not str(p).strip() else str(p)
        for p in (printed.get(category) for category in categories)
    ]
    fits = all(widest_word_em(t) * P_FONT_SIZE <= group - 6 for t in texts)
    # Staggered, a p has the room of two groups (its neighbours in its row are two away).
    width = (group - 6 if fits else 2 * group - 10) / P_FONT_SIZE
    lines = [wrap_em(t, width) for t in texts]
    row = P_LINE * max(len(w) for w in lines) + 4
    top = _top(rows).max()
    notes = [
        _note(
            "<i>" + "<br>".join(plotly_html(line) for line in wrapped) + "</i>",
            TEXT_COLOR,
            P_FONT_SIZE,
            name="p",
            x=index,
            y=top,
            yanchor="bottom",
            yshift=LABEL_ROW * arms + 6 + (0 if fits or index % 2 == 0 else row),
        )
        for index, wrapped in enumerate(lines)
    ]
    return notes, 6 + row * (1 if fits or len(categories) < 2 else 2)


# --- forest ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scale:
    measures: tuple[str, ...]
    null: float
    decimals: int
    separator: str  # between CI bounds; "to" where bounds can be negative


_SCALES = {
    "ratio": _Scale((HAZARD_RATIO, RISK_RATIO), 1.0, 2, "–"),
    "difference": _Scale((RISK_DIFFERENCE,), 0.0, 1, " to "),
}


def _interval(row: Mapping, scale: _Scale) -> str:
    signed = scale.separator == " to "
    return estimate_interval(
        row["estimate"], row["low"], row["high"], scale.decimals, signed, row.get("as_printed", "")
    )


def _favours_low(row: Mapping) -> bool:
    """True when values below the null favour the intervention.

    A hazard ratio compares event hazards (relapse, death), so below 1 favours the intervention
    for survival endpoints too; risk ratios and differences compare the reported proportions.
    """
    return row["measure"] == HAZARD_RATIO or bool(row["lower_is_better"])


def forest(
    effects: pd.DataFrame, title: str, scale: str = "ratio", card: bool = False
) -> go.Figure:
    """Forest plot: estimates with CI whiskers on a log ratio axis (null 1) or differences (0).
    Each row's label left of it and its estimate in a column right of the plot; on a `card`
    (`_card_forest`), label and estimate above the row, so the plot keeps the card's width."""
    _require_title(title)
    if scale not in _SCALES:
        raise ValueError(f"scale must be one of {sorted(_SCALES)}, got {scale!r}")
    spec = _SCALES[scale]
    rows = effects[effects["measure"].isin(spec.measures)].reset_index(drop=True)
    if rows.empty:
        raise ValueError(f"no effect rows on the {scale} scale")
    records = rows.to_dict("records")
    rows["label"] = _unique(
        [
            _label(
                [
                    r["study"],
                    r["endpoint_label"],
                    r["time_point"],
                    _shown(r, "measure_label", "measure"),
                ],
                FOREST_LABEL_CHARS,
            )
            for r in records
        ],
        rows["figure_id"],
    )
    rows["kind"] = [
        "as published" if r["method"] == "as published" else "computed" for r in records
    ]
    rows["favours_low"] = [_favours_low(r) for r in records]
    slide_labels = _slide_row_labels(records, rows["figure_id"])
    traces = [
        dict(
            type="scatter",
            name=_(METHOD_NAMES[kind]),
            x=part["estimate"].to_numpy(float),
            y=list(part["label"]),
            mode="markers",
            marker=dict(color=METHOD_COLORS[kind], symbol=METHOD_SYMBOLS[kind], size=14),
            error_x=dict(
                type="data",
                symmetric=False,
                array=(part["high"] - part["estimate"]).to_numpy(float),
                arrayminus=(part["estimate"] - part["low"]).to_numpy(float),
                color=METHOD_COLORS[kind],
                thickness=2.2,
                width=0,
            ),
            customdata=[_effect_hover(r, spec) for r in part.to_dict("records")],
            hovertemplate="%{customdata}<extra></extra>",
        )
        for kind, part in rows.groupby("kind")
    ]
    if card:
        return _card_forest(rows, title, traces, spec, scale)
    # Computed rows say so beside the number, so a black-and-white print keeps the distinction.
    estimates = [
        _note(
            _interval(r, spec) + (_(" · computed") if r["kind"] == "computed" else ""),
            TEXT_COLOR,
            name="estimate",
            xref="paper",
            x=1.02,
            xanchor="left",
            y=r["label"],
        )
        for r in rows.to_dict("records")
    ]
    return _figure(
        title,
        traces,
        height=_height(list(rows["label"]), 230),
        # A slide's rows (for_slide) are labelled in fewer words, so 20 px type fits its rows.
        meta=dict(slide_ticktext=slide_labels),
        margin=dict(r=_estimate_margin([e["text"] for e in estimates])),
        showlegend=True,
        xaxis=_forest_axis(rows, scale),
        yaxis=dict(
            categoryorder="array",
            categoryarray=list(rows["label"]),
            autorange="reversed",
            showgrid=False,
        ),
        shapes=[_null_line(spec.null)],
        annotations=[
            *estimates,
            _note(
                "<b>" + _("Estimate (95% CI)") + "</b>",
                TEXT_COLOR,
                name="header",
                xref="paper",
                x=1.02,
                xanchor="left",
                yref="paper",
                y=1,
                yanchor="bottom",
            ),
            # Annotations on a log axis take log10 positions (shapes such as the null line don't).
            _note(
                _direction_note(rows, spec.null),
                name="direction",
                yref="paper",
                y=0,
                yanchor="top",
                yshift=-34,
                x=math.log10(spec.null) if scale == "ratio" else spec.null,
            ),
        ],
    )


#: A forest row's label on a projector slide: about this many characters a line, two lines.
SLIDE_ROW_CHARS = 28
#: A time point short enough to name on a slide's row ('2 years', 'median', '2年').
SLIDE_TIME_CHARS = 12


def _slide_row_labels(records: list[dict], ids: Iterable[object]) -> list[str]:
    """Forest rows in the fewest words that still tell them apart, for 20 px type on a slide:
    the study without its bracketed gloss, the endpoint's standard abbreviation (OS, EFS, CR)
    and a short time point, or where rows would read alike (sorafenib's relapse at 1 and at 2
    years) the time point in months. The full label, estimate and CI stay in the hover, the key
    numbers and the notes."""

    def label(row: Mapping, whole_time: bool) -> str:
        study = _TRAILING_BRACKETS.sub("", str(row["study"])) or row["study"]
        endpoint = _endpoint_short(row)
        time = str(row["time_point"])
        months = row.get("time_point_months")
        if label_chars(time) > SLIDE_TIME_CHARS:  # left out, or told apart in months
            if not whole_time:
                time = ""
            elif not is_missing(months):  # '1 year after transplant' -> '12 months'
                time = in_months(months)
                time = rates_at(time) if row.get("time_of_rates") else time
        return _label([study, endpoint, time], SLIDE_ROW_CHARS)

    labels = [label(row, False) for row in records]
    alike = pd.Series(labels).duplicated(keep=False)
    labels = [
        label(row, True) if again else text
        for row, text, again in zip(records, labels, alike, strict=True)
    ]
    return _unique(labels, ids)


#: A study label's closing gloss, "AZA-AML-001 (azacitidine, older AML)": the trial's name is
#: what a room calls it; the gloss stays in the key numbers and the notes.
_TRAILING_BRACKETS = re.compile(r"\s*[(（][^()（）]*[)）]$")


#: A card's forest plot: each row's text in lines of this many px (15 px type) from the
#: plot's left edge, the row's marker MARKER_GAP px under its last line.
ROW_TEXT_PX = CARD_CHART_WIDTH - 40
ROW_TEXT_LINE = 20
MARKER_GAP = 16
FOREST_CARD_MARGIN = dict(l=20, r=24)


def _card_forest(
    rows: pd.DataFrame, title: str, traces: list[dict], spec: _Scale, scale: str
) -> go.Figure:
    """A forest plot for a card as narrow as CARD_CHART_WIDTH: above each row's marker, its
    label (study, endpoint, time point) and its estimate with its 95% CI ("· computed" where
    computed from events/n), across the card's width, so the plot takes the whole width
    instead of a sliver between a label column and an estimate column."""
    width = ROW_TEXT_PX / LABEL_FONT_SIZE
    blocks = []
    for r in rows.to_dict("records"):
        label = _present([r["study"], r["endpoint_label"], r["time_point"]])
        estimate = _f(
            "{measure}: {interval}, 95% CI",
            measure=_shown(r, "measure_label", "measure"),
            interval=_interval(r, spec),
        ) + (_(" · computed") if r["kind"] == "computed" else "")
        lines = wrap_em(" · ".join(label), width) + wrap_em(estimate, width)
        blocks.append(lines)
    tallest = ROW_TEXT_LINE * max(len(b) for b in blocks)
    row = tallest + MARKER_GAP + 14 + 10  # the text, the gap, the marker, the gap to the next
    top = (ROW_TEXT_LINE * len(blocks[0]) + MARKER_GAP + 6) / row
    bottom = 20 / row
    n = len(blocks)
    notes = [
        _note(
            "<br>".join(plotly_html(line) for line in lines),
            TEXT_COLOR,
            name="row",
            xref="paper",
            x=0,
            xanchor="left",
            y=label,
            yanchor="bottom",
            yshift=MARKER_GAP - 4,
            align="left",
            bgcolor="white",
        )
        for lines, label in zip(blocks, rows["label"], strict=True)
    ]
    direction = _direction_note(rows, spec.null)
    if " | " in direction:  # each side's words at its end of the axis
        left, right = direction.split(" | ", 1)
        sides = [(left, 0, "left"), (right, 1, "right")]
    else:
        sides = [(direction, 0.5, "center")]
    notes += [
        _note(text, name="direction", xref="paper", x=x, xanchor=anchor, yref="paper", y=0,
              yanchor="top", yshift=-34)
        for text, x, anchor in sides
    ]  # fmt: skip
    fig = _figure(
        title,
        traces,
        height=600,
        margin=FOREST_CARD_MARGIN,
        showlegend=True,
        xaxis=_forest_axis(rows, scale, card=True),
        yaxis=dict(
            categoryorder="array",
            categoryarray=list(rows["label"]),
            range=[n - 1 + bottom, -top],
            showticklabels=False,
            ticks="",
            showline=False,
            showgrid=False,
        ),
        shapes=[_null_line(spec.null)],
        annotations=notes,
    )
    layout = fig.to_plotly_json()["layout"]
    margin = _presized_margin(fig.to_plotly_json()["data"], layout)
    fig.update_layout(height=math.ceil(row * (n - 1 + top + bottom)) + margin["t"] + margin["b"])
    return fig


def _null_line(null: float) -> dict:
    """A forest plot's line of no effect (1 for ratios, 0 for differences), top to bottom."""
    return dict(
        type="line",
        xref="x",
        x0=null,
        x1=null,
        yref="paper",
        y0=0,
        y1=1,
        line=dict(dash="dash", color=MUTED_COLOR, width=1.5),
    )


def _estimate_margin(texts: list[str]) -> int:
    """The right margin that holds the estimate column (x = 1.02 of the plot) whole."""
    widest = max(label_width_px(t, LABEL_FONT_SIZE) for t in [*texts, _("Estimate (95% CI)")])
    return max(235, math.ceil(1.08 * widest + 30))


def _forest_axis(rows: pd.DataFrame, scale: str, card: bool = False) -> dict:
    null = _SCALES[scale].null
    low, high = min(rows["low"].min(), null), max(rows["high"].max(), null)
    if scale == "difference":
        pad = 0.1 * (high - low)
        return dict(
            range=[low - pad, high + pad],
            # Upright ticks (rotated ones ran into the direction caption), few enough to fit.
            tickangle=0,
            nticks=4,
            title=dict(
                text="<br>".join(
                    wrap_label(
                        _("Risk difference, percentage points (intervention − control)"),
                        AXIS_TITLE_CHARS,
                    )
                ),
                standoff=44,
            ),
        )
    lo, hi = math.log10(low) - 0.15, math.log10(high) + 0.15
    ticks = [
        t
        for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
        if lo <= math.log10(t) <= hi
    ]
    shown = set(rows["measure"])
    if shown >= {HAZARD_RATIO, RISK_RATIO}:
        title = _("Hazard ratio or risk ratio (log scale, intervention vs control)")
    elif HAZARD_RATIO in shown:
        title = _("Hazard ratio (log scale, intervention vs control)")
    else:
        title = _("Risk ratio (log scale, intervention vs control)")
    # Beside the row labels and the estimate column, decades only (the null among them): upright
    # ticks that fit the narrow plot left at 1280 px. A card's plot takes the card's width.
    if not card:
        ticks = [t for t in ticks if math.log10(t).is_integer()]
    return dict(
        type="log",
        tickangle=0,
        range=[lo, hi],
        tickvals=ticks,
        ticktext=[plain(t) for t in ticks],
        title=dict(text="<br>".join(wrap_label(title, AXIS_TITLE_CHARS)), standoff=44),
    )


def _direction_note(rows: pd.DataFrame, null: float) -> str:
    """Which side of the null favours the intervention; where rows differ, the rule and the
    endpoints it does not hold for, in few words (a slide or a print has no hover)."""
    directions = set(rows["favours_low"])
    if len(directions) > 1:
        exceptions = dict.fromkeys(
            _endpoint_short(row) for row in rows.to_dict("records") if not row["favours_low"]
        )
        return _f(
            "Below {null} favours intervention, except {endpoints}",
            null=plain(null),
            endpoints=enumeration(exceptions),
        )
    if directions == {True}:
        return _("← favours intervention | favours control →")
    return _("← favours control | favours intervention →")


def _effect_hover(row: Mapping, spec: _Scale) -> str:
    low, high = ("intervention", "control") if row["favours_low"] else ("control", "intervention")
    lines = [
        f"<b>{_label([row['study'], row['endpoint_label'], row['time_point']], 200)}</b>",
        _f(
            "{measure}: {interval}, 95% CI",
            measure=plotly_html(_shown(row, "measure_label", "measure")),
            interval=_interval(row, spec),
        ),
        _f("Method: {method}", method=plotly_html(_shown(row, "method_label", "method"))),
    ]
    if _present([row["n_text"]]):
        lines.append(
            _f("Events/n (intervention vs control): {counts}", counts=plotly_html(row["n_text"]))
        )
    lines += [
        _f("p: {p}", p=_p_text(row["p_shown"])),
        _f("Source: {source}", source=_source(row["origin"])),
        _f(
            "Below {null} favours {low}; above {null} favours {high}",
            null=plain(spec.null),
            low=role_text(low),
            high=role_text(high),
        ),
    ]
    return "<br>".join(lines)


# --- single arm ------------------------------------------------------------------------------


SINGLE_AXIS_END = 175  # a single-arm chart's axis: to 100%, then room for the values beside
SINGLE_MARGIN_R = 40


def _row_label_margin(labels: Iterable[str]) -> int:
    """The left margin that holds row labels (16 px type) whole."""
    return math.ceil(1.05 * max(label_width_px(label, 16) for label in labels) + 24)


def single_arm(values: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of single-arm, registry and case figures (%); unplottable rows explained."""
    _require_title(title)
    rows = (
        values.loc[chart_scale(values) == "%"].reindex(columns=VALUE_COLUMNS).reset_index(drop=True)
    )
    if rows.empty:
        raise ValueError("no single-arm values in '%'")
    records = rows.to_dict("records")
    # On a one-study chart the title names the study, so rows name only arm, endpoint and time.
    one_study = rows["study"].nunique() == 1
    labels = _unique(
        [
            _label(
                [None if one_study else r["study"], r["arm"], r["endpoint_label"], r["time_point"]],
                SINGLE_LABEL_CHARS,
            )
            for r in records
        ],
        rows["figure_id"],
    )
    plotted = rows["plot_value"].notna()
    # Each row's text in lines that end inside the chart on the narrowest card: beside its bar
    # (the axis runs to SINGLE_AXIS_END) or, with no bar, from the plot's left edge.
    plot = CARD_CHART_WIDTH - _row_label_margin(labels) - SINGLE_MARGIN_R
    tops = _top(rows)
    texts = []
    for r, ok, top in zip(records, plotted, tops, strict=True):
        if ok:
            room = (1 - min(top, SINGLE_AXIS_END) / SINGLE_AXIS_END) * plot + SINGLE_MARGIN_R - 16
            parts = [_value_text(r), display_n(r["n"])]
        else:
            room, parts = plot + SINGLE_MARGIN_R - 12, [_not_plotted(r)]
        lines = join_em([html.unescape(p) for p in parts], room / LABEL_FONT_SIZE)
        text = "<br>".join(plotly_html(line) for line in lines)
        texts.append(text if ok else f"<i>{text}</i>")
    bar = dict(
        type="bar",
        name=_(SINGLE_ARM_NAME),
        orientation="h",
        y=labels,
        x=rows["plot_value"].to_numpy(float),
        error_x=_errors(rows),
        text=texts,
        textposition="none",
        marker=dict(color=ROLE_COLORS["single"], pattern=_pattern(rows["origin"])),
        customdata=[
            _value_hover(r, f"<b>{plotly_html(r['study'])}</b> · {plotly_html(r['arm'])}")
            for r in records
        ],
        hovertemplate="%{customdata}<extra></extra>",
    )
    # A row without a bar still carries its explanation, at the start of the row.
    notes = [
        _note(
            text,
            TEXT_COLOR if ok else MUTED_COLOR,
            name="value" if ok else "not plotted",
            x=top if ok else 0,
            y=label,
            xanchor="left",
            align="left",
            xshift=8 if ok else 4,
        )
        for text, label, top, ok in zip(texts, labels, tops, plotted, strict=True)
    ]
    publication = (rows["origin"] == "publication").any()
    return _figure(
        title,
        [bar],
        height=_height(labels, 200),
        margin=dict(r=SINGLE_MARGIN_R),
        bargap=BAR_GAP,
        showlegend=True,
        annotations=notes,
        legend=dict(title=dict(text=_(PUBLICATION_LEGEND) if publication else "", side="top")),
        # The axis runs past 100 (no ticks there) so each row's text fits beside its bar.
        xaxis=dict(
            title=dict(text=_("Patients (%)")),
            range=[0, SINGLE_AXIS_END],
            tickvals=[0, 20, 40, 60, 80, 100],
        ),
        yaxis=dict(
            categoryorder="array", categoryarray=labels, autorange="reversed", showgrid=False
        ),
    )


@dataclass(frozen=True)
class BarPositions:
    """Where a bar chart drew each figure, from the layout that drew it (never read back from
    a figure): `where[figure_id]` is (its category's position on the category axis, the right
    edge of its category's bars from that position; 0 on a single-arm chart), and `slots` the
    categories on that axis."""

    where: dict[str, tuple[float, float]]
    slots: int


def bar_positions(chart: Chart) -> BarPositions | None:
    """The positions of the bars of a chart of percentages (arm or single-arm); None for a
    forest or a chart of another unit (medians in months)."""
    values = chart.data
    if chart.kind not in ("arm", "single") or "plot_value" not in values:
        return None
    if chart.kind == "single":
        rows = values.loc[chart_scale(values) == "%"].reset_index(drop=True)
        if rows.empty:
            return None
        where = {figure_id: (float(i), 0.0) for i, figure_id in enumerate(rows["figure_id"])}
        return BarPositions(where, len(rows))
    if (chart.option or "%") != "%":
        return None  # medians in months: not what a landmark estimate is
    try:
        layout = _arm_layout(values, "%")
    except ValueError:  # no bars in percent
        return None
    right: dict[str, float] = {}
    placed: list[tuple[str, str]] = []
    for slot, arm in enumerate(layout.arms["arm"]):
        part = layout.rows[layout.rows["arm"] == arm]
        for figure_id, category in zip(part["figure_id"], part["category"], strict=True):
            edge = layout.offset(slot) + layout.width
            right[category] = max(right.get(category, -1.0), edge)
            placed.append((figure_id, category))
    where = {
        figure_id: (float(layout.categories.index(category)), right[category])
        for figure_id, category in placed
    }
    return BarPositions(where, len(layout.categories))


def draw(chart: Chart, card: bool = False) -> go.Figure:
    """The figure of an exhibit's chart; laid out for a page's card (`card`: as narrow as
    CARD_CHART_WIDTH) or for an image or slide."""
    if chart.kind == "arm":
        return arm_comparison(chart.data, chart.title, chart.option or "%")
    if chart.kind == "forest":
        return forest(chart.data, chart.title, scale=chart.option or "ratio", card=card)
    return single_arm(chart.data, chart.title)
