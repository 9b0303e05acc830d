"""Pure chart builders for a centre's own cohort, in the house theme.

Step curves with 95% CI bands, censor marks and a number-at-risk table under the axis (overall
survival; relapse and non-relapse mortality as cumulative incidence); forest rows of the centre
beside the published figures; the centre's mark on a published chart (placed where
`charts.bar_positions` says the chart's bars are); the landmark warnings in sentences.

Every estimate, count and curve comes from lib.cohort.results (estimated there with the
statistics libraries); this module only draws, and computes nothing but where to draw. Group
labels are the uploader's own text: each one passes through `plotly_html` and is never put into
a hover template, so it shows as text. Nothing here keeps a cohort: figures are built per call.

Interface text is translated as each figure or sentence is built (`_` in the current language);
numbers are formatted the same in every language. Keys (endpoints, phases, risk-table rows,
the landmark warnings' kinds) stay English and are translated where shown.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.cohort.estimates import Curve, Landmark, LogRank, Median, RiskCounts
from lib.cohort.literature import CAVEAT, BesideLiterature
from lib.cohort.records import ALL_PATIENTS, group_text
from lib.cohort.results import CentreResults
from lib.dataset.vocabulary import (
    ENDPOINTS,
    FLAG_LABELS,
    PHASE_LABELS,
    PHASE_ORIGINS,
    VERIFICATION_LABELS,
)
from lib.evidence import text as fmt
from lib.evidence.escape import plotly_html
from lib.evidence.exhibits import Chart
from lib.evidence.text import display_n, lower_first, semicolons
from lib.i18n import N_, _, _f
from lib.render.charts import FONT, MUTED_COLOR, TEMPLATE, TEXT_COLOR, bar_positions, wrap_label
from lib.render.charts import label_chars as chars

#: The centre's colour on every chart that sets it beside published figures (Okabe-Ito
#: vermillion: no published arm uses it).
CENTRE_COLOR = "#D55E00"
CENTRE_SYMBOL = "diamond"
PUBLISHED_COLOR = "#000000"
ENDPOINT_COLORS = {"os": "#1A1A1A", "cir": "#D55E00", "nrm": "#0072B2"}
ENDPOINT_NAMES = {
    "os": N_("Overall survival"),
    "cir": N_("Relapse (cumulative incidence)"),
    "nrm": N_("Non-relapse mortality"),
}
ENDPOINT_SHORT = {"os": "OS", "cir": "CIR", "nrm": "NRM"}
#: Group curves: Okabe-Ito without the yellow (too pale for a line on white), then dashed.
GROUP_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
GROUP_DASHES = ("solid", "dash", "dot")
SYNTHETIC_LABEL = N_("synthetic demo data, not patients")
CENTRE_NAME = N_("Our centre")
#: The risk table's rows (the keys of lib.cohort.estimates.RiskCounts), as shown. Short names:
#: they sit in the chart's left margin.
RISK_ROWS = {
    "at_risk": N_("At risk"),
    "deaths": N_("Deaths"),
    "relapses": N_("Relapses"),
    "nrm_deaths": N_("NRM deaths"),
    "censored": N_("Censored"),
}
#: Risk-table row names up to this many Latin characters (a CJK character counts as about two)
#: sit in the left margin; longer ones get a line of their own.
RISK_LABEL_CHARS = 12
BAND_OPACITY = 0.16
RISK_FONT_SIZE = 13
RISK_LINE_PX = 19
#: Pixels between the plot's bottom edge and the risk table's heading (tick labels and the
#: axis title sit there); the rows follow one line each.
RISK_TOP_PX = 72
PLOT_HEIGHT_PX = 330
LEFT_PX = 110  # the left margin: the y axis, and the risk table's row names
SUBTITLE_SIZE = 14


# --- text ------------------------------------------------------------------------------------


def phase_text(phase: str) -> str:
    """A phase key as a sentence shows it: 'transplant' in English, '移植' in Chinese."""
    return lower_first(_(PHASE_LABELS[phase])) if phase in PHASE_LABELS else phase


def endpoint_text(endpoint: str) -> str:
    """A dataset endpoint's label in the current language."""
    return _(ENDPOINTS[endpoint][0]) if endpoint in ENDPOINTS else endpoint


def logrank_text(test: LogRank | None) -> str:
    """What the page says about the log-rank test of overall survival between groups."""
    if test is None:
        return ""
    if test.p_value is None:
        return _f("no log-rank test: {reason}", reason=test.reason)
    return _f("log-rank {p} (overall survival across groups)", p=fmt.computed_p(test.p_value))


def median_text(median: Median | None) -> str:
    """'Median overall survival 28.2 months (95% CI 18.1–not reached)' or 'not reached'."""
    if median is None:
        return ""
    return fmt.median_survival(median.months, median.ci_low, median.ci_high)


def group_name(group: str) -> str:
    return group_text(group)


def centre_name(synthetic: bool, short: bool = False) -> str:
    """'Our centre', marked synthetic for the demo cohort ('(synthetic)' where space is short)."""
    if not synthetic:
        return _(CENTRE_NAME)
    return _f(
        "{centre} ({label})",
        centre=_(CENTRE_NAME),
        label=_("synthetic") if short else _(SYNTHETIC_LABEL),
    )


def _wrapped(text: str, width: int) -> str:
    """Escaped, wrapped into lines of about `width` characters (at spaces; Chinese between
    characters, by its line-breaking rules)."""
    lines = wrap_label(text, width, break_long_words=True)
    return "<br>".join(plotly_html(line) for line in lines)


def _title(title: str, subtitles: Sequence[str] = ()) -> dict:
    """A bold title and smaller lines under it (each line short enough for a narrow chart)."""
    text = f"<b>{plotly_html(title)}</b>"
    for line in subtitles:
        text += f"<br><span style='font-size:{SUBTITLE_SIZE}px'>{plotly_html(line)}</span>"
    return dict(text=text)


def _title_height(subtitles: Sequence[str]) -> int:
    return 44 + 20 * len(subtitles)


# --- the cohort's numbers under the curves ----------------------------------------------------


def risk_rows(counts: RiskCounts) -> list[tuple[str, np.ndarray]]:
    """The table's rows in order (key, counts): at risk, each kind of event, censored."""
    return [("at_risk", counts.at_risk), *counts.events.items(), ("censored", counts.censored)]


# --- curves ------------------------------------------------------------------------------------


def _extended(curve: Curve, last: float) -> tuple[np.ndarray, ...]:
    """The curve's arrays, held flat from its last step to the last follow-up."""
    months, estimate, low, high = curve.months, curve.estimate, curve.ci_low, curve.ci_high
    if last > months[-1]:
        months = np.r_[months, last]
        estimate, low, high = (np.r_[a, a[-1]] for a in (estimate, low, high))
    return months, estimate, low, high


def _band(months: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[list, list]:
    """A closed polygon of the step CI band: upper steps forward, lower steps back."""
    keep = np.isfinite(low) & np.isfinite(high)
    if keep.sum() < 1:
        return [], []
    m, lo, hi = months[keep], low[keep], high[keep]
    ends = np.r_[m[1:], months[-1]]  # each CI step holds until the next kept time
    xs = np.column_stack([m, ends]).ravel()
    upper = np.repeat(hi, 2)
    lower = np.repeat(lo, 2)
    return list(np.r_[xs, xs[::-1]]), list(np.r_[upper, lower[::-1]])


def _rgba(color: str, alpha: float) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _curve_traces(
    curve: Curve, last: float, name: str, color: str, dash: str, legend: bool
) -> list[dict]:
    months, estimate, low, high = _extended(curve, last)
    xs, ys = _band(months, low, high)
    ci = [fmt.display_ci(lo, hi) for lo, hi in zip(low, high, strict=True)]
    at, with_ci, without_ci = (
        _("{value}% at {month} months"),
        _("95% CI {ci}"),
        _("95% CI not defined here"),
    )
    hover = [
        f"{plotly_html(name)}<br>"
        + at.format(value=fmt.number(value, 1), month=fmt.number(month, 1))
        + "<br>"
        + (with_ci.format(ci=text) if text else without_ci)
        for month, value, text in zip(months, estimate, ci, strict=True)
    ]
    traces = []
    if xs:
        traces.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",  # no markers at the polygon's corners
                fill="toself",
                fillcolor=_rgba(color, BAND_OPACITY),
                line=dict(width=0),
                hoverinfo="skip",
                showlegend=False,
                name=_f("{name}, 95% CI", name=plotly_html(name)),
            )
        )
    traces.append(
        dict(
            type="scatter",
            x=months,
            y=estimate,
            mode="lines",
            line=dict(shape="hv", color=color, width=2.4, dash=dash),
            name=plotly_html(name),
            showlegend=legend,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    censored = curve.censored_months[curve.censored_months <= months[-1]]
    if len(censored):
        at = np.searchsorted(curve.months, censored, side="right") - 1
        traces.append(
            dict(
                type="scatter",
                x=censored,
                y=curve.estimate[at],
                mode="markers",
                marker=dict(symbol="line-ns-open", size=9, color=color, line=dict(width=1.6)),
                name=_f("{name}, censored", name=plotly_html(name)),
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return traces


def _risk_annotations(rows: list[tuple[str, str, np.ndarray]], ticks: np.ndarray) -> list[dict]:
    """The table under the axis: each row's counts under the ticks, its label on the same line
    in the left margin. A label too long for the margin (a group's) is shortened with "…", in its
    group's colour, the whole label on hover and in the legend above."""
    notes: list[dict] = []
    for line, (label, color, counts) in enumerate(rows, start=1):  # line 0: the heading
        shown = _fitted(label)
        note = _risk_note(shown, color, line, xref="paper", x=0, xanchor="right", xshift=-26)
        if shown != label:
            note["hovertext"] = plotly_html(label)
        notes.append(note)
        notes += [
            _risk_note(fmt.count(count), color, line, xref="x", x=float(tick), xanchor="center")
            for tick, count in zip(ticks, counts, strict=True)
        ]
    return notes


def _fitted(label: str) -> str:
    """The label as it fits the risk table's margin: itself, or its start and "…"."""
    if chars(label) <= RISK_LABEL_CHARS:
        return label
    kept = ""
    for character in label:
        if chars(kept + character) > RISK_LABEL_CHARS - 1:
            break
        kept += character
    return kept.rstrip() + "…"


def _risk_note(text: str, color: str, line: int, bold: bool = False, **position) -> dict:
    shown = plotly_html(text)
    return dict(
        text=f"<b>{shown}</b>" if bold else shown,
        showarrow=False,
        font=dict(size=RISK_FONT_SIZE, color=color),
        yref="paper",
        y=0,
        yanchor="top",
        yshift=-(RISK_TOP_PX + line * RISK_LINE_PX),
        name="at risk",
        **position,
    )


def _risk_lines(rows: list[tuple[str, str, np.ndarray]]) -> int:
    return len(rows)


def _legend_height(traces: list[dict]) -> int:
    """Room above the plot for a horizontal legend: one line for two short names, else one
    line per name (a narrow chart wraps long names onto lines of their own)."""
    names = [t["name"] for t in traces if t.get("showlegend")]
    if not names:
        return 12
    rows = len(names) if max(chars(name) for name in names) > 16 else math.ceil(len(names) / 2)
    return 14 + 22 * rows


def _curve_figure(
    title: str,
    subtitles: list[str],
    traces: list[dict],
    risk_rows: list[tuple[str, str, np.ndarray]],
    ticks: np.ndarray,
    last: float,
    phase: str,
    y_title: str,
    y_max: float,
    legend: bool,
    header: str,
) -> go.Figure:
    lines = _risk_lines(risk_rows) + 1
    annotations = _risk_annotations(risk_rows, ticks)
    annotations.append(
        _risk_note(
            header, TEXT_COLOR, 0, xref="paper", x=0, xanchor="left", xshift=-LEFT_PX + 8, bold=True
        )
    )
    bottom = RISK_TOP_PX + lines * RISK_LINE_PX + 12
    top = _title_height(subtitles) + (_legend_height(traces) if legend else 12)
    return _figure(
        data=traces,
        layout=dict(
            template=TEMPLATE,
            title=_title(title, subtitles),
            height=top + PLOT_HEIGHT_PX + bottom,
            margin=dict(t=top, b=bottom, l=LEFT_PX, r=30),
            showlegend=legend,
            legend=dict(
                orientation="h",
                x=0,
                xanchor="left",
                y=1.0,
                yanchor="bottom",
                yref="paper",
                font=dict(size=14),
            ),
            xaxis=dict(
                title=dict(text=_f("Months from {origin}", origin=_origin(phase)), standoff=8),
                range=[0, max(last, float(ticks[-1])) * 1.02 + 0.5],
                tickvals=list(ticks),
                ticktext=[fmt.plain(t) for t in ticks],
                zeroline=False,
            ),
            yaxis=dict(title=dict(text=y_title), range=[0, y_max], ticksuffix="%"),
            annotations=annotations,
            hovermode="closest",
        ),
    )


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from specs this module wrote, without Plotly's property-by-property validation:
    validating a chart's 20-40 risk-table annotations took about 0.1 s of server time per chart
    (1.5 of 2.3 s for the 12 charts of a 137-patient cohort). The specs are validated by the
    tests instead (tests/unit/render/test_cohort_charts.py)."""
    return go.Figure(data=data, layout=layout, _validate=False)


def _origin(phase: str) -> str:
    return _(PHASE_ORIGINS[phase]) if phase in PHASE_ORIGINS else phase


def _endpoint_name(endpoint: str) -> str:
    """A cohort endpoint's curve name in the current language."""
    return _(ENDPOINT_NAMES[endpoint])


def _risk_label(key: str) -> str:
    return _(RISK_ROWS[key])


def _subtitles(
    disease: str, phase: str, patients: int, synthetic: bool, extra: str = ""
) -> list[str]:
    first = " · ".join(
        [disease, _f("time origin: {phase}", phase=phase_text(phase)), display_n(patients)]
    )
    if synthetic:
        first += f" · {_(SYNTHETIC_LABEL)}"
    return [first, extra] if extra else [first]


def _y_max(curves: Iterable[Curve]) -> float:
    top = max((float(np.nanmax(np.r_[c.estimate, c.ci_high, 0.0])) for c in curves), default=0)
    return max(50.0, min(100.0, math.ceil((top + 5) / 10) * 10))


def survival_figure(results: CentreResults, disease: str, phase: str) -> go.Figure:
    """Overall survival of all the stratum's patients: Kaplan-Meier with its 95% CI band,
    censor marks, and at risk / deaths / censored under the axis."""
    stratum = results.stratum(disease, phase)
    everyone = stratum.everyone
    last = everyone.last["os"]
    counts = everyone.risk["os"]
    color = ENDPOINT_COLORS["os"]
    return _curve_figure(
        _f("Overall survival, {disease}", disease=disease),
        _subtitles(disease, phase, everyone.patients, results.synthetic),
        _curve_traces(everyone.curves["os"], last, _endpoint_name("os"), color, "solid", False),
        [
            (_risk_label(key), TEXT_COLOR if key == "at_risk" else MUTED_COLOR, n)
            for key, n in risk_rows(counts)
        ],
        counts.months,
        last,
        phase,
        _("Overall survival (%)"),
        100.0,
        legend=False,
        header=_("At risk; events and censored so far"),
    )


def incidence_figure(results: CentreResults, disease: str, phase: str) -> go.Figure:
    """Relapse and non-relapse mortality of all the stratum's patients: Aalen-Johansen
    cumulative incidence (competing risks) with 95% CI bands, censor marks and a risk table."""
    everyone = results.stratum(disease, phase).everyone
    last = everyone.last["cir"]
    counts = everyone.risk["cir"]
    traces = []
    for endpoint in ("cir", "nrm"):
        traces += _curve_traces(
            everyone.curves[endpoint],
            last,
            _endpoint_name(endpoint),
            ENDPOINT_COLORS[endpoint],
            "solid",
            legend=True,
        )
    colors = {"relapses": ENDPOINT_COLORS["cir"], "nrm_deaths": ENDPOINT_COLORS["nrm"]}
    return _curve_figure(
        _f("Relapse and non-relapse mortality, {disease}", disease=disease),
        _subtitles(disease, phase, everyone.patients, results.synthetic),
        traces,
        [(_risk_label(key), colors.get(key, TEXT_COLOR), n) for key, n in risk_rows(counts)],
        counts.months,
        last,
        phase,
        _("Cumulative incidence (%)"),
        _y_max(everyone.curves[e] for e in ("cir", "nrm")),
        legend=True,
        header=_("At risk (alive and relapse-free); events and censored so far"),
    )


def group_figure(results: CentreResults, disease: str, phase: str, endpoint: str) -> go.Figure:
    """One endpoint per group of the stratum, each with its CI band and censor marks, and each
    group's number at risk under the axis. Overall survival also states the log-rank test as
    lib.cohort gives it (only when every group has at least 10 patients)."""
    stratum = results.stratum(disease, phase)
    last = stratum.last(endpoint)
    traces, rows = [], []
    for index, group in enumerate(stratum.groups):
        color = GROUP_COLORS[index % len(GROUP_COLORS)]
        dash = GROUP_DASHES[(index // len(GROUP_COLORS)) % len(GROUP_DASHES)]
        name = group_name(group.group)  # the pooled small groups by their name, never the key
        traces += _curve_traces(
            group.curves[endpoint], group.last[endpoint], name, color, dash, legend=True
        )
        rows.append((name, color, group.risk[endpoint].at_risk))
    extra = (
        logrank_text(stratum.logrank) if endpoint == "os" else _("no test for cumulative incidence")
    )
    is_os = endpoint == "os"
    return _curve_figure(
        _f(
            "{endpoint} by group, {disease}",
            endpoint=_endpoint_name(endpoint),
            disease=disease,
        ),
        _subtitles(disease, phase, stratum.patients, results.synthetic, extra),
        traces,
        rows,
        stratum.ticks(endpoint),
        last,
        phase,
        _("Overall survival (%)") if is_os else _("Cumulative incidence (%)"),
        100.0 if is_os else _y_max(group.curves[endpoint] for group in stratum.groups),
        legend=True,
        header=_("Number at risk") if is_os else _("Number at risk (alive and relapse-free)"),
    )


# --- the landmark warnings ------------------------------------------------------------------


@dataclass(frozen=True)
class WarningSummary:
    """How many landmark estimates carry each kind of warning, and which (as sentences)."""

    few_events: tuple[str, ...]
    incomplete: tuple[str, ...]
    total: int


def warning_summary(landmarks: Iterable[Landmark]) -> WarningSummary:
    """Estimable landmarks' warnings by kind: each warning comes with its kind's key from
    lib.cohort (`Landmark.warning_kinds`), never read back from the wording."""
    few, incomplete, total = [], [], 0
    for lm in landmarks:
        if lm.estimate is None:
            continue
        total += 1
        where = _f(
            "{disease} {phase}, {group}: {endpoint} at {months}",
            disease=lm.disease,
            phase=phase_text(lm.phase),
            group=group_name(lm.group),
            endpoint=ENDPOINT_SHORT[lm.endpoint],
            months=fmt.in_months(lm.months),
        )
        for kind, warning in zip(lm.warning_kinds, lm.warnings, strict=True):
            if kind in ("few_events", "incomplete"):
                line = _f("{where} ({warning})", where=where, warning=warning)
                (few if kind == "few_events" else incomplete).append(line)
    return WarningSummary(tuple(few), tuple(incomplete), total)


# --- beside the literature: forest rows ---------------------------------------------------------


def literature_blocks(
    rows: Sequence[BesideLiterature],
) -> list[tuple[tuple[str, float], list[BesideLiterature]]]:
    """The rows by (endpoint, months), in endpoint then time order."""
    blocks: dict[tuple[str, float], list[BesideLiterature]] = {}
    for row in rows:
        blocks.setdefault((row.endpoint, row.months), []).append(row)
    order = list(ENDPOINTS)
    return sorted(blocks.items(), key=lambda item: (order.index(item[0][0]), item[0][1]))


def _published_label(row: BesideLiterature) -> str:
    parts = [row.study_label, row.arm_label]
    if row.subgroup:
        parts.append(row.subgroup)
    return " · ".join(parts)


def _published_value(row: BesideLiterature) -> str:
    if row.published_value is None:
        return _f("printed as “{printed}”, not plotted", printed=row.published_as_printed)
    return fmt.estimate_percent(row.published_value, row.published_ci_low, row.published_ci_high)


def _origin_name(origin: str) -> str:
    return _("publication") if origin == "publication" else _("document")


def _published_hover(row: BesideLiterature) -> str:
    lines = [
        f"<b>{plotly_html(row.study_label)}</b> · {plotly_html(row.arm_label)}",
        plotly_html(
            _f(
                "{endpoint}, {time}",
                endpoint=endpoint_text(row.endpoint),
                time=row.time_label,
            )
        ),
        plotly_html(
            _f(
                "Published: {value}; printed as “{printed}”",
                value=_published_value(row),
                printed=row.published_as_printed,
            )
        ),
        plotly_html(display_n(row.published_n)),
        _("95% CI as published") if row.published_ci_low is not None else _("95% CI not published"),
        plotly_html(
            _f(
                "Source: {source} ({origin})",
                source=row.source_label,
                origin=_origin_name(row.origin),
            )
        ),
        plotly_html(
            _f(
                "Verification: {status}",
                status=_(VERIFICATION_LABELS.get(row.verification, row.verification)),
            )
        ),
        plotly_html(_f("Study phase: {phase}", phase=phase_text(row.study_phase))),
    ]
    if row.flags:
        flags = fmt.enumeration(_(FLAG_LABELS.get(flag, flag)) for flag in row.flags)
        lines.append(plotly_html(_f("Flags: {flags}", flags=flags)))
    return "<br>".join(lines)


def _centre_hover(row: BesideLiterature, synthetic: bool) -> str:
    lines = [
        f"<b>{plotly_html(centre_name(synthetic))}</b>",
        plotly_html(
            _f(
                "{disease}, time origin {phase}, {group}, {n}",
                disease=row.disease,
                phase=phase_text(row.phase),
                group=group_name(row.group),
                n=display_n(row.centre_patients),
            )
        ),
        plotly_html(
            _f(
                "{endpoint} at {months}: {estimate}",
                endpoint=endpoint_text(row.endpoint),
                months=fmt.in_months(row.months),
                estimate=fmt.estimate_percent(
                    row.centre_estimate, row.centre_ci_low, row.centre_ci_high
                ),
            )
        ),
        plotly_html(
            _f(
                "At risk {at_risk}, events so far {events}",
                at_risk=fmt.count(row.centre_at_risk),
                events=fmt.count(row.centre_events),
            )
        ),
        *(plotly_html(_f("Warning: {warning}", warning=w)) for w in row.centre_warnings),
        plotly_html(_(CAVEAT)),
    ]
    return "<br>".join(lines)


#: Forest rows: pixels per text line, and the gap between rows in lines.
FOREST_LINE_PX = 19
FOREST_ROW_GAP = 0.8


@dataclass
class _ForestRow:
    label: str
    kind: str  # "header", "centre" or "published"
    row: BesideLiterature | None = None
    value: str = ""
    top: float = 0.0  # in lines from the top of the plot

    @property
    def lines(self) -> int:
        return self.label.count("<br>") + 1

    @property
    def height(self) -> float:
        return self.lines + FOREST_ROW_GAP

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


def _forest_rows(rows: Sequence[BesideLiterature], synthetic: bool) -> list[list[_ForestRow]]:
    """Per endpoint and time: a heading, the centre's row(s), then each published figure."""
    blocks = []
    for (endpoint, months), block in literature_blocks(rows):
        heading = _f(
            "{endpoint}, {time}", endpoint=endpoint_text(endpoint), time=fmt.in_months(months)
        )
        items = [_ForestRow(f"<b>{plotly_html(heading)}</b>", "header")]
        for row in {(r.phase, r.group): r for r in block}.values():
            who = " · ".join(
                (
                    centre_name(synthetic, short=True),
                    group_name(row.group),
                    display_n(row.centre_patients),
                )
            )
            items.append(
                _ForestRow(
                    f"<span style='color:{CENTRE_COLOR}'>{_wrapped(who, 46)}</span>",
                    "centre",
                    row,
                    fmt.estimate_percent(
                        row.centre_estimate, row.centre_ci_low, row.centre_ci_high
                    ),
                )
            )
        for row in {r.record_id: r for r in block}.values():
            source = row.source_label
            if not row.same_phase:
                source += _f(" · study phase: {phase}", phase=phase_text(row.study_phase))
            items.append(
                _ForestRow(
                    _wrapped(_published_label(row), 46)
                    + f"<br><span style='font-size:12px;color:{MUTED_COLOR}'>"
                    + _wrapped(source, 58)
                    + "</span>",
                    "published",
                    row,
                    _published_value(row),
                )
            )
        blocks.append(items)
    top = 0.0
    for items in blocks:
        for item in items:
            item.top = top
            top += item.height
    return blocks


def literature_figure(
    rows: Sequence[BesideLiterature], disease: str, synthetic: bool = False
) -> go.Figure:
    """Forest-style rows for one disease: per endpoint and time point, the centre's estimate
    (vermillion diamond, its CI shaded across the block) above each published figure (black
    square, with the published CI where known), with the figure's source under its label.
    Not risk-adjusted; different patients."""
    rows = [row for row in rows if row.disease == disease]
    if not rows:
        raise ValueError(f"no {disease} rows beside the literature")
    blocks = _forest_rows(rows, synthetic)
    items = [item for block in blocks for item in block]
    total = items[-1].top + items[-1].height
    shapes = []
    for block in blocks:
        first = block[0]
        shapes.append(_forest_rule(first.top))
        centre = next((item.row for item in block if item.kind == "centre"), None)
        if centre and centre.centre_ci_low is not None and centre.centre_ci_high is not None:
            shapes.append(
                dict(
                    type="rect",
                    xref="x",
                    x0=centre.centre_ci_low,
                    x1=centre.centre_ci_high,
                    yref="y",
                    y0=block[1].top,
                    y1=block[-1].top + block[-1].height,
                    fillcolor=_rgba(CENTRE_COLOR, 0.10),
                    line=dict(width=0),
                    layer="below",
                )
            )
    notes = [
        _value_note(item.middle, item.value, CENTRE_COLOR if item.kind == "centre" else TEXT_COLOR)
        for item in items
        if item.kind != "header"
    ]
    traces = [
        _forest_trace([i for i in items if i.kind == "centre"], "centre", synthetic),
        _forest_trace([i for i in items if i.kind == "published"], "published", synthetic),
    ]
    subtitles = [_(CAVEAT) + (f" · {_(SYNTHETIC_LABEL)}" if synthetic else "")]
    top = _title_height(subtitles) + 30
    return _figure(
        data=traces,
        layout=dict(
            template=TEMPLATE,
            title=_title(
                _f("{disease}: our centre beside the published figures", disease=disease),
                subtitles,
            ),
            height=round(top + 100 + total * FOREST_LINE_PX),
            margin=dict(l=30, r=200, t=top, b=100),
            showlegend=True,
            xaxis=dict(
                title=dict(text=_("Percent, with 95% CI"), standoff=10),
                range=[0, 100],
                ticksuffix="%",
            ),
            yaxis=dict(
                tickvals=[item.middle for item in items],
                ticktext=[item.label for item in items],
                range=[total, 0],
                showgrid=False,
                zeroline=False,
                automargin=True,
                tickfont=dict(size=14),
                ticks="",
            ),
            shapes=shapes,
            annotations=[
                *notes,
                dict(
                    text="<b>" + _("Estimate (95% CI)") + "</b>",
                    showarrow=False,
                    xref="paper",
                    x=1.02,
                    xanchor="left",
                    yref="paper",
                    y=1,
                    yanchor="bottom",
                    font=dict(size=14, color=TEXT_COLOR),
                ),
            ],
        ),
    )


def _forest_rule(y: float) -> dict:
    return dict(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref="y",
        y0=y,
        y1=y,
        line=dict(color="#BBBBBB", width=1),
    )


def _value_note(y: float, text: str, color: str) -> dict:
    return dict(
        text=plotly_html(text),
        showarrow=False,
        xref="paper",
        x=1.02,
        xanchor="left",
        yref="y",
        y=y,
        font=dict(size=14, color=color),
        name="estimate",
    )


def _forest_trace(items: list[_ForestRow], kind: str, synthetic: bool) -> dict:
    centre = kind == "centre"
    rows = [item.row for item in items]
    if centre:
        values = [(r.centre_estimate, r.centre_ci_low, r.centre_ci_high) for r in rows]
        hover = [_centre_hover(r, synthetic) for r in rows]
    else:
        values = [(r.published_value, r.published_ci_low, r.published_ci_high) for r in rows]
        hover = [_published_hover(r) for r in rows]
    estimate, low, high = (
        np.array([np.nan if v is None else v for v in column], dtype=float)
        for column in (zip(*values, strict=True) if values else ((), (), ()))
    )
    return dict(
        type="scatter",
        name=plotly_html(centre_name(synthetic) if centre else _("Published figure")),
        x=estimate,
        y=[item.middle for item in items],
        mode="markers",
        marker=dict(
            symbol=CENTRE_SYMBOL if centre else "square",
            size=15 if centre else 12,
            color=CENTRE_COLOR if centre else PUBLISHED_COLOR,
            line=dict(color="white" if centre else PUBLISHED_COLOR, width=1),
        ),
        error_x=dict(
            type="data",
            symmetric=False,
            array=np.clip(high - estimate, 0, None),
            arrayminus=np.clip(estimate - low, 0, None),
            color=CENTRE_COLOR if centre else PUBLISHED_COLOR,
            thickness=2.2,
            width=5,
        ),
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
    )


def literature_frame(rows: Sequence[BesideLiterature]) -> pd.DataFrame:
    """The rows of the forest as a table: the centre's estimate and the published figure with
    its source, one row per published figure."""
    return pd.DataFrame(
        [
            {
                "disease": r.disease,
                "endpoint": ENDPOINT_SHORT[r.endpoint],
                "months": r.months,
                "centre": fmt.estimate_percent(
                    r.centre_estimate, r.centre_ci_low, r.centre_ci_high
                ),
                "centre_n": r.centre_patients,
                "centre_at_risk": r.centre_at_risk,
                "published": _published_value(r),
                "published_as_printed": r.published_as_printed,
                "published_n": r.published_n,
                "study": r.study_label,
                "arm": r.arm_label,
                "study_phase": r.study_phase,
                "source": r.source_label,
                "origin": r.origin,
                "verification": r.verification,
                "record": r.record_id,
            }
            for r in rows
        ]
    )


# --- the centre on a published chart ------------------------------------------------------------


def overlay_rows(
    chart: Chart | None,
    rows: Iterable[BesideLiterature],
    phase: str,
    diseases: Iterable[str],
) -> list[BesideLiterature]:
    """The rows whose published figure is on this chart, for the whole cohort of the page's
    phase, measured from the same time origin, and a selected disease; [] when none matches."""
    if chart is None or chart.kind not in ("arm", "single") or "figure_id" not in chart.data:
        return []
    on_chart = set(chart.data["figure_id"])
    wanted = set(diseases)
    return [
        row
        for row in rows
        if row.record_id in on_chart
        and row.group == ALL_PATIENTS
        and row.phase == phase
        and row.same_origin
        and row.disease in wanted
        and row.centre_estimate is not None
    ]


def centre_overlay(
    figure: go.Figure, chart: Chart, rows: Sequence[BesideLiterature], synthetic: bool = False
) -> go.Figure | None:
    """A copy of a published chart with the centre's matching estimates as vermillion diamonds
    (with their 95% CI) beside the bars they match; None when nothing on the chart matches the
    same disease, endpoint and time point, or when the bars cannot be located for certain.

    The figure passed in, `charts.draw(chart)` (for the screen or not), is never changed (it
    may be shared by every session); the bars' places come from the chart's own layout
    (`charts.bar_positions`), not read back from the figure."""
    positions = bar_positions(chart) if rows else None
    if not positions:
        return None
    marks: dict[tuple, tuple[float, BesideLiterature]] = {}
    for row in rows:
        if row.record_id not in positions.where:
            continue
        where, edge = positions.where[row.record_id]
        key = (where, row.disease, row.phase, row.endpoint, row.months)
        marks.setdefault(key, (where, row) if chart.kind == "single" else (where + edge, row))
    if not marks:
        return None
    copy = go.Figure(figure)
    by_disease: dict[str, list[tuple[float, BesideLiterature]]] = {}
    for where, row in sorted(marks.values(), key=lambda mark: mark[0]):
        by_disease.setdefault(row.disease, []).append((where, row))
    several = len(by_disease) > 1
    for shift, (disease, points) in enumerate(by_disease.items()):
        first = points[0][1]
        name = _f(
            "{centre}, n = {n}",
            centre=centre_name(synthetic, short=True) + (f" {disease}" if several else ""),
            n=fmt.count(first.centre_patients),
        )
        estimate = np.array([r.centre_estimate for _, r in points], dtype=float)
        low = np.array([np.nan if r.centre_ci_low is None else r.centre_ci_low for _, r in points])
        high = np.array(
            [np.nan if r.centre_ci_high is None else r.centre_ci_high for _, r in points]
        )
        errors = dict(
            type="data",
            symmetric=False,
            array=np.clip(high - estimate, 0, None),
            arrayminus=np.clip(estimate - low, 0, None),
            color=CENTRE_COLOR,
            thickness=2.5,
            width=7,
        )
        # A white halo drawn first, under the whisker: over a hatched or dark bar a thin
        # vermillion line alone is barely visible.
        halo = dict(errors, color="white", thickness=6, width=10)
        marker = dict(
            symbol=CENTRE_SYMBOL, size=13, color=CENTRE_COLOR, line=dict(color="white", width=1)
        )
        trace = dict(
            type="scatter",
            mode="markers",
            name=plotly_html(name),
            marker=marker,
            customdata=[_centre_hover(r, synthetic) for _, r in points],
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=True,
        )
        under = dict(
            type="scatter",
            mode="markers",
            marker=dict(size=1, opacity=0),
            hoverinfo="skip",
            showlegend=False,
        )
        if chart.kind == "arm":
            place = dict(x=[where + 0.08 + 0.08 * shift for where, _ in points], y=estimate)
            under.update(place, xaxis="x2", error_y=halo)
            trace.update(place, xaxis="x2", error_y=errors)
        else:
            place = dict(x=estimate, y=[where + 0.28 + 0.1 * shift for where, _ in points])
            under.update(place, yaxis="y2", error_x=halo)
            trace.update(place, yaxis="y2", error_x=errors)
        copy.add_trace(go.Scatter(**under))
        copy.add_trace(go.Scatter(**trace))
    if chart.kind == "arm":
        span = [-0.5, positions.slots - 0.5]
        copy.update_layout(
            xaxis=dict(range=span, autorange=False),
            xaxis2=dict(overlaying="x", range=span, visible=False, fixedrange=True),
        )
    else:
        span = [positions.slots - 0.5, -0.5]
        copy.update_layout(
            yaxis=dict(range=span, autorange=False),
            yaxis2=dict(overlaying="y", range=span, visible=False, fixedrange=True),
        )
    return copy


def overlay_error_bars(methods: Sequence[str]) -> str:
    """The chart's "Error bars" line when our centre's diamond is drawn on it: the published
    bars' CI methods (none: they have no error bars) and the diamond's whisker, its 95% CI, so
    that the line never says "none" under a drawn whisker."""
    if not methods:
        return _(
            "Error bars: only on our centre's diamond, its 95% CI (log-log scale); the "
            "published bars have none (no CI reported and no events/n to compute one)."
        )
    return _f(
        "Error bars: {methods} on the published bars; on our centre's diamond, its 95% CI "
        "(log-log scale).",
        methods=semicolons(methods),
    )


def overlay_caption(rows: Sequence[BesideLiterature], synthetic: bool = False) -> list[str]:
    """One sentence per centre estimate marked on a chart, for the line under it."""
    seen: dict[tuple, BesideLiterature] = {}
    for row in rows:
        seen.setdefault((row.disease, row.phase, row.endpoint, row.months), row)
    return [
        "◆ "
        + _f(
            "{centre}, {disease} from {phase}, {n}: {endpoint} at {months} {estimate}, "
            "at risk {at_risk}",
            centre=centre_name(synthetic),
            disease=row.disease,
            phase=phase_text(row.phase),
            n=display_n(row.centre_patients),
            endpoint=lower_first(endpoint_text(row.endpoint)),
            months=fmt.in_months(row.months),
            estimate=fmt.estimate_percent(
                row.centre_estimate, row.centre_ci_low, row.centre_ci_high
            ),
            at_risk=fmt.count(row.centre_at_risk),
        )
        + (
            _f(" ({warnings})", warnings=fmt.semicolons(row.centre_warnings))
            if row.centre_warnings
            else ""
        )
        for row in seen.values()
    ]


__all__ = [
    "CENTRE_COLOR",
    "FONT",
    "centre_overlay",
    "group_figure",
    "incidence_figure",
    "literature_figure",
    "literature_frame",
    "overlay_caption",
    "overlay_error_bars",
    "overlay_rows",
    "survival_figure",
    "warning_summary",
]
