"""lib.render.charts on the shipped data and hand-made frames: traces, labels, p, CIs, escaping."""

import html
import math
import re

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from lib.dataset.loading import load_dataset
from lib.dataset.vocabulary import DISEASES, PHASES
from lib.evidence import figures
from lib.evidence import selection as q
from lib.evidence.escape import plotly_html
from lib.evidence.text import has_decimal_comma, join_split_digits, printed_decimals
from lib.render import charts

ALLOWED_TAGS = {"<br>", "<b>", "</b>", "<i>", "</i>", "<extra>", "</extra>"}
LINK = '<a href="javascript:alert(1)">x</a>'
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def ds():
    return load_dataset("data")


@pytest.fixture(scope="module")
def table(ds):
    return figures.figure_table(ds)


@pytest.fixture(scope="module")
def sorafenib(table):
    return q.arm_outcomes(table, "sorafenib-flt3")


@pytest.fixture(scope="module")
def maintenance_effects(ds, table):
    return q.effect_rows(table, [s.id for s in q.phase_studies(ds, "maintenance", DISEASES)])


@pytest.fixture(scope="module")
def relapse_single(ds, table):
    return q.single_arm_values(table, q.phase_studies(ds, "relapse", DISEASES))


def notes(fig, name: str) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name == name]


def plain(text: str) -> str:
    """What a viewer reads: our own tags dropped, line breaks as spaces, entities decoded."""
    return html.unescape(re.sub(r"</?(i|b)>", "", text).replace("<br>", " "))


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from strings(value)


def tags(fig) -> set[str]:
    """Every HTML tag anywhere in the figure (data, layout, template)."""
    return {tag for text in strings(fig.to_plotly_json()) for tag in re.findall(r"<[^>]*>", text)}


def bar_of(fig, figure_id: str, values: pd.DataFrame):
    """(trace, index) of the bar drawn for one figure id."""
    row = values[values["figure_id"] == figure_id].iloc[0]
    for trace in fig.data:
        if trace.name == row["arm"]:
            matches = [
                i for i, hover in enumerate(trace.customdata) if f"“{row['as_printed']}”" in hover
            ]
            return trace, matches[0]
    raise AssertionError(f"{figure_id} not drawn")


def comparative_cases():
    """(study, unit) for every comparative study with per-arm values, for every unit it has."""
    table = figures.figure_table(load_dataset("data"))
    outcomes = table[
        (table["kind"] == "outcome") & table["arm_role"].isin(["intervention", "control"])
    ]
    return [
        (study_id, unit)
        for study_id in outcomes["study_id"].unique()
        for unit in q.arm_units(q.arm_outcomes(table, study_id))
    ]


# --- theme -----------------------------------------------------------------------------------


def test_template_is_registered_with_the_house_theme():
    layout = pio.templates[charts.TEMPLATE].layout
    families = [f.strip() for f in layout.font.family.split(",")]
    # Latin first (each character takes the first family that has it), then Chinese ones.
    assert families[:2] == ["Source Sans Pro", "Arial"] and families[-1] == "sans-serif"
    assert {"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei"} <= set(families[2:])
    assert layout.hoverlabel.font.family == layout.font.family
    assert (layout.font.size, layout.title.font.size) == (16, 20)
    assert layout.title.xanchor == "left"
    assert layout.plot_bgcolor == layout.paper_bgcolor == "white"
    assert layout.xaxis.gridcolor == layout.yaxis.gridcolor == charts.GRID_COLOR


def test_role_and_method_encodings_are_distinct_and_okabe_ito():
    assert charts.ROLE_COLORS == {
        "intervention": "#0072B2",
        "control": "#E69F00",
        "single": "#009E73",
    }
    assert set(charts.ROLE_COLORS.values()) <= set(charts.OKABE_ITO)
    assert len(set(charts.METHOD_COLORS.values())) == len(set(charts.METHOD_SYMBOLS.values())) == 2


def test_every_chart_uses_the_theme_whatever_the_default(
    monkeypatch, sorafenib, maintenance_effects, relapse_single
):
    monkeypatch.setattr(pio.templates, "default", "plotly_dark")  # what importing streamlit does
    figs = [
        charts.arm_comparison(sorafenib, "Arms"),
        charts.forest(maintenance_effects, "HR"),
        charts.single_arm(relapse_single, "Single"),
    ]
    for fig in figs:
        assert fig.layout.template.layout.font.family == charts.FONT
        assert fig.layout.template.layout.plot_bgcolor == "white"


@pytest.mark.parametrize("title", ["", "   ", None])
def test_every_chart_requires_a_title(title, sorafenib, maintenance_effects, relapse_single):
    for build in (
        lambda: charts.arm_comparison(sorafenib, title),
        lambda: charts.forest(maintenance_effects, title),
        lambda: charts.single_arm(relapse_single, title),
    ):
        with pytest.raises(ValueError, match="title"):
            build()


# --- arm comparison --------------------------------------------------------------------------


def test_arm_comparison_has_one_trace_per_arm_in_role_order(sorafenib):
    fig = charts.arm_comparison(sorafenib.iloc[::-1], "Sorafenib")  # control rows first
    assert [t.name for t in fig.data] == ["Sorafenib", "No maintenance"]
    assert [t.marker.color for t in fig.data] == [
        charts.ROLE_COLORS["intervention"],
        charts.ROLE_COLORS["control"],
    ]
    assert {t.type for t in fig.data} == {"bar"}
    assert fig.layout.title.text == "Sorafenib"


def test_arm_comparison_categories_name_endpoint_time_and_publication(sorafenib):
    fig = charts.arm_comparison(sorafenib, "Sorafenib")
    categories = [plain(c) for c in fig.layout.xaxis.categoryarray]
    assert len(categories) == 3
    assert categories[0] == "Cumulative incidence of relapse 1 year after transplant"
    assert categories[1].endswith("2 years after transplant (publication)")


@pytest.mark.parametrize(
    "figure_id, value, n",
    [
        ("sora.cir1y.control", "24.5%", "n=102"),  # printed "24. 5%": the gap is not shown
        ("sora.cir1y.sorafenib", "7%", "n=100"),
        ("sora.cir2y.sorafenib", "11.9%", "n=100"),  # printed "11,9%"
        ("sora.os2y.control", "68.0%", "n=102"),  # printed decimals kept
    ],
)
def test_arm_comparison_bar_text_shows_printed_value_and_n(sorafenib, figure_id, value, n):
    fig = charts.arm_comparison(sorafenib, "Sorafenib")
    trace, i = bar_of(fig, figure_id, sorafenib)
    assert trace.text[i] == f"{value}<br>{n}"
    assert f"{value}<br>{n}" in notes(fig, "value")


def test_arm_comparison_marks_computed_values_and_missing_n(table):
    mst = q.arm_outcomes(table, "mst-elderly-aml")
    fig = charts.arm_comparison(mst, "MST")
    trace, i = bar_of(fig, "mst.gvhd.pub", mst)
    assert trace.text[i] == "0/30 (0%)<br>n=30"  # a count, computed as % of n
    assert "computed from events/n" in trace.customdata[i]
    dec = charts.arm_comparison(q.arm_outcomes(table, "dec-mbucy-mds"), "Dec")
    assert all(text.endswith("<br>n not stated") for text in dec.data[0].text)


def test_arm_comparison_joins_a_p_split_by_a_line_break(table, sorafenib):
    stored = table.loc[table["figure_id"] == "sora.cir1y", "p_as_printed"]
    assert stored.iloc[0] == "P=0. 001"  # as stored: digits split by the source's line break
    fig = charts.arm_comparison(sorafenib, "Sorafenib")
    assert plain(notes(fig, "p")[0]) == "P=0.001"


def test_arm_comparison_shows_a_p_printed_with_a_decimal_comma_as_its_number(sorafenib):
    # The Dutch summary prints "p<0,0001" and "p=0,012": the chart shows the numbers.
    fig = charts.arm_comparison(sorafenib, "Sorafenib")
    assert [plain(text) for text in notes(fig, "p")][1:] == [
        "p<0.0001 for the HR",
        "p=0.012 for the HR",
    ]


def test_arm_comparison_keeps_a_truncated_p_as_printed(table, sorafenib):
    venhma = charts.arm_comparison(q.arm_outcomes(table, "venhma-bridge"), "V", unit="months")
    (p,) = notes(venhma, "p")
    assert plain(p).startswith("P=0.") and not re.match(r"P=0\.\d", plain(p))
    fig = charts.arm_comparison(sorafenib.assign(p_shown="P=0."), "Truncated")
    assert {plain(text) for text in notes(fig, "p")} == {"P=0."}
    fig = charts.arm_comparison(sorafenib.assign(p_shown=None), "Missing")
    assert {plain(text) for text in notes(fig, "p")} == {"p not reported"}


@pytest.mark.parametrize(
    "study_id", ["sorafenib-flt3", "gdec-maintenance", "mst-elderly-aml", "dec-mbucy-mds"]
)
def test_arm_comparison_p_per_group_is_the_shown_p_of_its_rows(table, study_id):
    values = q.arm_outcomes(table, study_id)
    fig = charts.arm_comparison(values, "Arms")
    drawn = values[values["plot_value"].notna()]
    expected = []
    for category in fig.layout.xaxis.categoryarray:
        width = charts.category_width(drawn)
        rows = drawn[[charts._category(r, width) == category for r in drawn.to_dict("records")]]
        printed = rows["p_as_printed"].dropna()
        shown = rows["p_shown"].dropna()
        assert len(shown) == len(printed)
        expected.append(shown.iloc[0] if len(shown) else "p not reported")
        if len(printed) and not has_decimal_comma(printed.iloc[0]):
            # as printed, joined; a p of the hazard ratio says so ("P < .01 for the HR")
            assert shown.iloc[0].startswith(join_split_digits(printed.iloc[0]))
    assert [plain(text) for text in notes(fig, "p")] == expected


def test_arm_comparison_error_bars_only_where_a_ci_exists(table, sorafenib):
    gdec = q.arm_outcomes(table, "gdec-maintenance")
    gdec_fig = charts.arm_comparison(gdec, "G-Dec")
    for figure_id in ("gdec.relapse.gdec", "gdec.relapse.control"):
        trace, i = bar_of(gdec_fig, figure_id, gdec)
        assert trace.error_y.visible
        assert trace.error_y.array[i] > 0 and trace.error_y.arrayminus[i] > 0
        assert "95% CI computed from events/n (Wilson)" in trace.customdata[i]
    fig = charts.arm_comparison(sorafenib, "Sorafenib")
    trace, i = bar_of(fig, "sora.cir1y.control", sorafenib)
    assert trace.error_y.array is None or math.isnan(trace.error_y.array[i])
    assert "No CI reported" in trace.customdata[i]


def test_arm_comparison_error_bars_use_published_bounds(table):
    values = q.arm_outcomes(table, "gdec-maintenance")
    fig = charts.arm_comparison(values, "G-Dec")
    trace, i = bar_of(fig, "gdec.cir2y.gdec.pub", values)
    row = values[values["figure_id"] == "gdec.cir2y.gdec.pub"].iloc[0]
    assert trace.y[i] - trace.error_y.arrayminus[i] == pytest.approx(row["ci_low"])
    assert trace.y[i] + trace.error_y.array[i] == pytest.approx(row["ci_high"])
    assert "95% CI as published" in trace.customdata[i]


def test_arm_comparison_without_any_ci_hides_error_bars(table):
    fig = charts.arm_comparison(q.arm_outcomes(table, "dec-mbucy-mds"), "Dec")
    assert [t.error_y.visible for t in fig.data] == [False, False]


def test_arm_comparison_hatches_publication_bars_only(sorafenib):
    fig = charts.arm_comparison(sorafenib, "Sorafenib")
    for trace in fig.data:
        publication = ["Source: publication" in hover for hover in trace.customdata]
        assert [s == charts.PUBLICATION_HATCH for s in trace.marker.pattern.shape] == publication
    assert any(s == "/" for t in fig.data for s in t.marker.pattern.shape)
    assert any(s == "" for t in fig.data for s in t.marker.pattern.shape)
    assert "publication" in fig.layout.legend.title.text


def test_arm_comparison_percent_axis(sorafenib):
    fig = charts.arm_comparison(sorafenib, "Sorafenib")
    assert fig.layout.yaxis.title.text == "Patients (%)"
    assert list(fig.layout.yaxis.range) == [0, 100 * charts.HEADROOM]  # room for the labels
    assert list(fig.layout.yaxis.tickvals)[-1] == 100  # but the scale stops at 100%


def test_value_labels_sit_above_every_bar_of_their_group_in_separate_rows(table):
    gdec = q.arm_outcomes(table, "gdec-maintenance")
    fig = charts.arm_comparison(gdec, "G-Dec")
    labels = [a for a in fig.layout.annotations if a.name == "value"]
    drawn = gdec[gdec["plot_value"].notna()]
    tops = drawn[["plot_value", "ci_high"]].max(axis=1)
    assert all(a.y >= min(tops) for a in labels)
    by_x = {}
    for a in labels:
        group = round(a.x)  # the category the label belongs to
        by_x.setdefault(group, []).append(a.yshift)
    assert all(len(set(shifts)) == len(shifts) for shifts in by_x.values())  # one row per arm


def test_arm_comparison_months_axis_named_after_the_endpoint(table):
    values = q.arm_outcomes(table, "venhma-bridge")
    assert q.arm_units(values) == ["months"]
    fig = charts.arm_comparison(values, "Bridging", unit="months")
    assert fig.layout.yaxis.title.text == "Median overall survival (months)"
    assert [plain(t) for t in notes(fig, "value")] == ["9.7 months n=9", "3.0 months n=15"]


def test_arm_comparison_without_rows_in_the_unit_raises(sorafenib):
    assert q.arm_units(sorafenib) == ["%"]
    with pytest.raises(ValueError, match="no arm values"):
        charts.arm_comparison(sorafenib, "Sorafenib", unit="months")


def test_arm_comparison_value_labels_sit_over_their_bars(sorafenib):
    fig = charts.arm_comparison(sorafenib, "Sorafenib")
    categories = list(fig.layout.xaxis.categoryarray)
    centres = {
        (t.x[i], round(t.offset + t.width / 2, 6)) for t in fig.data for i in range(len(t.x))
    }
    labels = [a for a in fig.layout.annotations if a.name == "value"]
    assert len(labels) == sum(len(t.x) for t in fig.data)
    for label in labels:
        index = round(label.x)
        assert (categories[index], round(label.x - index, 6)) in centres


@pytest.mark.parametrize("study_id, unit", comparative_cases())
def test_arm_comparison_draws_every_comparative_study(table, study_id, unit):
    values = q.arm_outcomes(table, study_id)
    fig = charts.arm_comparison(values, study_id, unit=unit)
    drawn = values[(values["plot_value"].notna())]
    assert sum(len(t.y) for t in fig.data) == len(drawn[q.chart_scale(drawn) == unit])
    by_outcome = (values["arms_defined_by"] == "outcome").any()
    colours = charts.OUTCOME_GROUP_COLORS if by_outcome else charts.ROLE_COLORS
    assert all(t.marker.color in colours.values() for t in fig.data)
    assert all(" n" in plain(text) for t in fig.data for text in t.text)
    assert fig.layout.yaxis.title.text and fig.layout.title.text
    assert tags(fig) <= ALLOWED_TAGS


def test_groups_formed_by_outcome_are_grey_and_say_so(table):
    values = q.arm_outcomes(table, "venhma-bridge")
    fig = charts.arm_comparison(values, "Bridging", unit="months")
    assert {t.marker.color for t in fig.data} == set(charts.OUTCOME_GROUP_COLORS.values())
    assert fig.layout.legend.title.text.startswith(charts.OUTCOME_GROUP_NOTE)
    assert all("group defined by outcome" in h for t in fig.data for h in t.customdata)
    assert fig.layout.xaxis.categoryarray == ("Median overall survival",)  # no "median" twice


# --- forest ----------------------------------------------------------------------------------


def test_forest_ratio_is_log_with_a_dashed_null_line_at_one(maintenance_effects):
    fig = charts.forest(maintenance_effects, "Ratios")
    assert fig.layout.xaxis.type == "log"
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1, line.line.dash) == (1, 1, "dash")
    assert "log scale" in fig.layout.xaxis.title.text


def test_forest_ratio_rows_labels_and_estimates(maintenance_effects):
    fig = charts.forest(maintenance_effects, "Ratios")
    ratios = maintenance_effects[
        maintenance_effects["measure"].isin(["Hazard ratio", "Risk ratio"])
    ]
    labels = [plain(label) for label in fig.layout.yaxis.categoryarray]
    assert len(labels) == len(ratios)
    assert labels[0] == (
        "Sorafenib maintenance · Cumulative incidence of relapse · "
        "rates at 1 year after transplant · Hazard ratio"  # the ratio's own period unstated
    )
    assert "0.25 (0.11–0.57)" in notes(fig, "estimate")
    assert "0.39 (0.23–0.67) · computed" in notes(fig, "estimate")


def test_forest_encodes_method_by_colour_and_symbol(maintenance_effects):
    fig = charts.forest(maintenance_effects, "Ratios")
    assert [t.name for t in fig.data] == ["As published", "Computed from events/n"]
    assert [t.marker.color for t in fig.data] == [
        charts.METHOD_COLORS["as published"],
        charts.METHOD_COLORS["computed"],
    ]
    assert [t.marker.symbol for t in fig.data] == [
        charts.METHOD_SYMBOLS["as published"],
        charts.METHOD_SYMBOLS["computed"],
    ]


def test_forest_whiskers_span_the_interval(maintenance_effects):
    fig = charts.forest(maintenance_effects, "Ratios")
    published = fig.data[0]
    i = list(published.x).index(0.25)
    assert published.x[i] - published.error_x.arrayminus[i] == pytest.approx(0.11)
    assert published.x[i] + published.error_x.array[i] == pytest.approx(0.57)


def test_forest_direction_note_for_relapse_type_and_hazard_rows(maintenance_effects):
    fig = charts.forest(maintenance_effects, "Ratios")
    assert notes(fig, "direction") == ["← favours intervention | favours control →"]
    assert all("Below 1 favours intervention" in h for t in fig.data for h in t.customdata)


def test_forest_difference_is_linear_with_null_at_zero(maintenance_effects):
    fig = charts.forest(maintenance_effects, "Differences", scale="difference")
    assert fig.layout.xaxis.type in (None, "linear", "-")
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1) == (0, 0)
    assert [t.name for t in fig.data] == ["Computed from events/n"]
    differences = maintenance_effects["measure"] == "Risk difference (percentage points)"
    assert len(notes(fig, "estimate")) == differences.sum()
    assert "−23.2 (−34.5 to −11.1) · computed" in notes(fig, "estimate")
    assert any("15/100 vs 39/102" in hover for hover in fig.data[0].customdata)
    assert notes(fig, "direction") == ["← favours intervention | favours control →"]


def test_forest_mixed_directions_are_explained_per_row(maintenance_effects):
    survival = maintenance_effects[maintenance_effects["measure"] == "Risk ratio"].assign(
        endpoint_label="Overall survival", lower_is_better=False
    )
    fig = charts.forest(pd.concat([maintenance_effects, survival]), "Mixed")
    # said on the chart itself: a slide, an image or a print has no hover
    assert notes(fig, "direction") == ["Below 1 favours intervention, except Overall survival"]
    computed = fig.data[1].customdata
    assert any("Below 1 favours control" in h for h in computed)
    assert any("Below 1 favours intervention" in h for h in computed)


def test_forest_higher_is_better_differences_flip_the_note(maintenance_effects):
    rows = maintenance_effects[maintenance_effects["measure"].str.startswith("Risk difference")]
    fig = charts.forest(rows.assign(lower_is_better=False), "Survival", scale="difference")
    assert notes(fig, "direction") == ["← favours control | favours intervention →"]


def test_forest_without_rows_raises(maintenance_effects):
    with pytest.raises(ValueError, match="no effect rows"):
        charts.forest(maintenance_effects.iloc[0:0], "Nothing")
    with pytest.raises(ValueError, match="scale"):
        charts.forest(maintenance_effects, "Bad", scale="odds")


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("scale", ["ratio", "difference"])
def test_forest_for_every_phase(ds, table, phase, scale):
    effects = q.effect_rows(table, [s.id for s in q.phase_studies(ds, phase, DISEASES)])
    measures = {
        "ratio": ("Hazard ratio", "Risk ratio"),
        "difference": ("Risk difference (percentage points)",),
    }[scale]
    wanted = effects[effects["measure"].isin(measures)]
    if wanted.empty:
        with pytest.raises(ValueError, match="no effect rows"):
            charts.forest(effects, phase, scale=scale)
        return
    fig = charts.forest(effects, phase, scale=scale)
    assert sum(len(t.x) for t in fig.data) == len(wanted)
    assert fig.layout.xaxis.title.text and fig.layout.title.text == phase
    assert tags(fig) <= ALLOWED_TAGS


# --- single arm ------------------------------------------------------------------------------


def test_single_arm_one_green_trace_with_a_row_per_figure(relapse_single):
    fig = charts.single_arm(relapse_single, "Relapse")
    (trace,) = fig.data
    assert (trace.type, trace.orientation, trace.name) == ("bar", "h", charts.SINGLE_ARM_NAME)
    assert trace.marker.color == charts.ROLE_COLORS["single"]
    assert len(trace.y) == len(relapse_single[relapse_single["plot_unit"] != "months"])
    assert fig.layout.xaxis.title.text == "Patients (%)"
    assert list(fig.layout.xaxis.range)[0] == 0
    assert max(fig.layout.xaxis.tickvals) == 100  # room past 100 is for row texts, not data


def test_single_arm_truncated_value_keeps_a_labelled_row_without_bar(relapse_single):
    fig = charts.single_arm(relapse_single, "Relapse")
    (trace,) = fig.data
    i = next(
        i
        for i, label in enumerate(trace.y)
        if plain(label).startswith("IFN-α2b + ruxolitinib · MRD-positive")
    )
    assert np.isnan(trace.x[i])
    shown = [plain(text) for text in notes(fig, "not plotted")]  # wrapped to the card
    assert "printed as '95.' — truncated in source, not plotted" in shown
    assert "95." in trace.customdata[i] and "nan" not in trace.customdata[i]


def test_single_arm_count_without_denominator_is_explained(relapse_single):
    fig = charts.single_arm(relapse_single, "Relapse")
    shown = [plain(text) for text in notes(fig, "not plotted")]  # wrapped to the card
    assert "3 patients — denominator not stated, not plotted" in shown
    assert len(notes(fig, "not plotted")) == relapse_single["plot_value"].isna().sum()


@pytest.mark.parametrize(
    "label_start, text",
    [
        ("IFN-α2b + ruxolitinib · Haematologic relapse", "100% · n not stated"),
        ("CLL-1 CAR-T · Not bridged · Early death", "3/4 (75%) · n=4"),
    ],
)
def test_single_arm_text_shows_value_and_n(relapse_single, label_start, text):
    (trace,) = charts.single_arm(relapse_single, "Relapse").data
    i = next(i for i, label in enumerate(trace.y) if plain(label).startswith(label_start))
    assert plain(trace.text[i]) == text  # in lines that fit beside the bar on a card


def test_single_arm_hatch_and_error_bars_follow_the_rows(relapse_single):
    fig = charts.single_arm(relapse_single, "Relapse")
    (trace,) = fig.data
    rows = relapse_single[relapse_single["plot_unit"] != "months"]
    assert [s == "/" for s in trace.marker.pattern.shape] == list(rows["origin"] == "publication")
    has_ci = list(rows["ci_low"].notna())
    assert [not math.isnan(v) for v in trace.error_x.array] == has_ci
    assert any(has_ci) and not all(has_ci)


def test_single_arm_ignores_months_rows(ds, table, relapse_single):
    months = q.single_arm_values(table, q.phase_studies(ds, "induction", DISEASES))
    assert set(months["plot_unit"]) == {"months"}
    with pytest.raises(ValueError, match="no single-arm values"):
        charts.single_arm(months, "Induction")
    fig = charts.single_arm(pd.concat([relapse_single, months]), "Both")
    assert len(fig.data[0].y) == len(relapse_single)


def test_single_arm_duplicate_labels_stay_separate_rows(relapse_single):
    twice = pd.concat([relapse_single.iloc[:1], relapse_single.iloc[:1].assign(figure_id="copy")])
    (trace,) = charts.single_arm(twice, "Twice").data
    assert len(set(trace.y)) == 2


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("disease", DISEASES)
def test_single_arm_for_every_phase_and_disease(ds, table, phase, disease):
    values = q.single_arm_values(table, q.phase_studies(ds, phase, [disease]))
    percent = values[values["plot_unit"] != "months"]
    if percent.empty:
        with pytest.raises(ValueError):
            charts.single_arm(values, phase)
        return
    fig = charts.single_arm(values, phase)
    assert len(fig.data[0].y) == len(percent)
    assert len(fig.layout.annotations) == len(percent)
    assert fig.layout.height >= 420
    assert tags(fig) <= ALLOWED_TAGS


# --- text helpers and escaping ---------------------------------------------------------------


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("P=0. 001", "P=0.001"),
        ("24. 5%", "24.5%"),
        ("P=0.", "P=0."),
        ("p<0,0001", "p<0,0001"),
        ("95.", "95."),
        ("38. 2% (39/102 patients)", "38.2% (39/102 patients)"),
    ],
)
def test_unsplit_joins_only_numbers_split_by_a_line_break(printed, expected):
    assert join_split_digits(printed) == expected


@pytest.mark.parametrize(
    "printed, decimals",
    [
        ("24. 5%", 1),
        ("7%", 0),
        ("11,9%", 1),
        ("15.0% (95% CI, 8.0% to 22.1%)", 1),
        ("over one year", None),
        ("100%", 0),
    ],
)
def test_decimals_follow_the_first_printed_number(printed, decimals):
    assert printed_decimals(printed) == (decimals or 0)


def test_safe_escapes_markup_and_keeps_quotes_readable():
    assert plotly_html(IMG) == "&lt;img src=x onerror=alert(1)&gt;"
    assert plotly_html(LINK) == "&lt;a href=&#34;javascript:alert(1)&#34;&gt;x&lt;/a&gt;"
    assert plotly_html(None) == plotly_html(float("nan")) == plotly_html(pd.NA) == ""


def test_label_wraps_at_separators_and_escapes_each_line():
    label = charts._label(["Sorafenib maintenance", "Cumulative incidence of relapse", IMG], 30)
    assert label.split("<br>")[0] == "Sorafenib maintenance ·"
    assert IMG not in label and "&lt;img" in label


def test_data_markup_is_escaped_in_every_chart(sorafenib, maintenance_effects, relapse_single):
    evil = dict(arm=LINK, endpoint_label=IMG, time_point=LINK, as_printed=IMG, study=LINK)
    arms = sorafenib.assign(
        arm=sorafenib["arm"] + evil["arm"],
        endpoint_label=IMG,
        p_shown="<b>P</b>=0.01",
        flags="truncated",
    )
    figs = [
        charts.arm_comparison(arms, f"{IMG} title"),
        charts.forest(maintenance_effects.assign(study=LINK, endpoint_label=IMG, n_text=IMG), LINK),
        charts.single_arm(relapse_single.assign(**evil), IMG),
    ]
    for fig in figs:
        assert tags(fig) <= ALLOWED_TAGS
        text = fig.to_json()
        assert "javascript:alert(1)" in text  # shown, as inert text
        assert "<a " not in text and "<img" not in text
    assert notes(figs[0], "p")[0] == "<i>&lt;b&gt;P&lt;/b&gt;=0.01</i>"
    # (the title wrapped to a card's width: a line break where a space was)
    assert (
        figs[0].layout.title.text.replace("<br>", " ") == "&lt;img src=x onerror=alert(1)&gt; title"
    )
    assert all("&lt;a href" in t.name for t in figs[0].data)


def test_hover_templates_are_complete_sentences_not_column_dumps(sorafenib, relapse_single):
    figs = [charts.arm_comparison(sorafenib, "Sorafenib"), charts.single_arm(relapse_single, "S")]
    for trace in (t for fig in figs for t in fig.data):
        assert trace.hovertemplate == "%{customdata}<extra></extra>"
        for hover in trace.customdata:
            assert all(key in hover for key in ("Value:", "Printed as:", "Source:"))
            assert ("95% CI" in hover) != ("No CI reported" in hover)
            assert not re.search(r"\b(nan|None|<NA>)\b", hover)


# --- margins presized for the screen (docs/benchmarks.md: the chart drawn once) ------------


def test_for_screen_presizes_margins_and_leaves_the_figure_alone(sorafenib, relapse_single):
    for fig in (charts.arm_comparison(sorafenib, "t"), charts.single_arm(relapse_single, "t")):
        before = fig.to_json()
        screen = charts.for_screen(fig)
        assert fig.to_json() == before  # images and slides keep Plotly's own margins
        margin = screen.layout.margin
        assert (margin.l, margin.r, margin.t, margin.b) >= (0, 0, 100, 60)
        assert margin.b > 60  # room for the category labels and the legend below the plot


def test_presized_left_margin_grows_with_the_widest_label():
    layout = {"yaxis": {"categoryarray": ["short"]}}
    narrow = charts._presized_margin([], layout)["l"]
    layout = {"yaxis": {"categoryarray": ["short", "a much longer label<br>on two lines"]}}
    wide = charts._presized_margin([], layout)["l"]
    chinese = charts._presized_margin([], {"yaxis": {"categoryarray": ["全部复发患者 · 总生存"]}})
    assert narrow == 90 < wide  # the template's margin is the floor
    assert chinese["l"] >= 1.05 * 16 * 11  # a Chinese character is a full em wide


# --- labels laid out for the narrowest card (tests/browser/test_chart_labels.py measures them) -


def _words(label: str) -> list[str]:
    return [w for line in plain(label).split() for w in re.split(r"(?<=[^\W\d_]-)", line) if w]


@pytest.mark.parametrize("study_id", ["gdec-maintenance", "sorafenib-flt3", "alfa0701-go"])
def test_category_labels_fit_their_group_upright_or_read_upwards(table, study_id):
    values = q.arm_outcomes(table, study_id)
    fig = charts.arm_comparison(values, "Arms")
    categories = list(fig.layout.xaxis.categoryarray)
    group = charts.CARD_PLOT_WIDTH / len(categories)
    widest = max(charts.estimate_em(w) for c in categories for w in _words(c))
    if fig.layout.xaxis.tickangle == -90:  # turned: its lines side by side across the group
        assert widest * charts.TICK_FONT_SIZE > group - 8  # only where a word would not fit
        lines = max(c.count("<br>") + 1 for c in categories)
        assert lines * charts.TICK_LINE <= group - 4
    else:
        assert not fig.layout.xaxis.tickangle
        for c in categories:
            for line in c.split("<br>"):
                assert charts.estimate_em(html.unescape(line)) * charts.TICK_FONT_SIZE <= group


def test_gdec_labels_read_upwards_and_its_wide_p_values_are_staggered(table):
    fig = charts.arm_comparison(q.arm_outcomes(table, "gdec-maintenance"), "G-Dec")
    assert fig.layout.xaxis.tickangle == -90  # "Cumulative" is wider than a fifth of the plot
    shifts = [a.yshift for a in fig.layout.annotations if a.name == "p"]
    assert len(set(shifts[0::2])) == 1 and len(set(shifts[1::2])) == 1
    assert shifts[1] > shifts[0]  # neighbours in two rows: "all statistically different" twice
    tallest = max(a.y for a in fig.layout.annotations if a.name == "value")
    assert {a.y for a in fig.layout.annotations if a.name == "p"} == {tallest}  # one p row


def test_labels_above_the_bars_end_inside_the_plot_under_the_title(ds, table):
    for study in ("gdec-maintenance", "aza-001-mds", "sorafenib-flt3", "venhma-bridge"):
        values = q.arm_outcomes(table, study)
        unit = "months" if study in ("aza-001-mds", "venhma-bridge") else "%"
        fig = charts.for_screen(charts.arm_comparison(values, "A title long enough to wrap " * 3,
                                                      unit=unit))  # fmt: skip
        margin, height = fig.layout.margin, fig.layout.height
        plot = height - margin.t - margin.b
        span = fig.layout.yaxis.range[1]
        title_lines = fig.layout.title.text.count("<br>") + 1
        assert margin.t >= charts.title_bottom(title_lines, height) + charts.TITLE_GAP
        for note in fig.layout.annotations:
            if note.name in ("value", "p"):
                lines = note.text.count("<br>") + 1
                top_px = note.y / span * plot + note.yshift + lines * 18
                assert top_px <= plot, (study, note.text)


def test_card_forest_puts_label_and_estimate_above_each_row(maintenance_effects):
    fig = charts.forest(maintenance_effects, "Ratios", card=True)
    rows = [plain(a.text) for a in fig.layout.annotations if a.name == "row"]
    assert len(rows) == len(fig.layout.yaxis.categoryarray)
    assert rows[0] == (
        "Sorafenib maintenance · Cumulative incidence of relapse · rates at 1 year after "
        "transplant Hazard ratio: 0.25 (0.11–0.57), 95% CI"
    )
    assert any(r.endswith("95% CI · computed") for r in rows)
    assert fig.layout.yaxis.showticklabels is False
    for note in fig.layout.annotations:
        if note.name == "row":
            for line in note.text.split("<br>"):
                width = charts.estimate_em(html.unescape(line)) * charts.LABEL_FONT_SIZE
                assert width <= charts.ROW_TEXT_PX
    # The plot keeps the card: no label column left of it, no estimate column right of it.
    margin = charts.for_screen(fig).layout.margin
    assert charts.CARD_CHART_WIDTH - margin.l - margin.r >= 400
    sides = [(a.text, a.x, a.xanchor) for a in fig.layout.annotations if a.name == "direction"]
    assert sides == [("← favours intervention", 0, "left"), ("favours control →", 1, "right")]


def test_card_forest_rows_have_room_for_their_text(maintenance_effects):
    fig = charts.for_screen(charts.forest(maintenance_effects, "Ratios", card=True))
    margin = fig.layout.margin
    plot = fig.layout.height - margin.t - margin.b
    low, high = fig.layout.yaxis.range  # reversed: the first row at the top
    row_px = plot / (low - high)
    tallest = max(a.text.count("<br>") + 1 for a in fig.layout.annotations if a.name == "row")
    assert row_px >= tallest * charts.ROW_TEXT_LINE + charts.MARKER_GAP + 14
    first = next(a for a in fig.layout.annotations if a.name == "row")
    above_first = -high * row_px  # px from the plot's top to the first marker
    assert above_first >= (first.text.count("<br>") + 1) * charts.ROW_TEXT_LINE + first.yshift


def test_single_arm_texts_end_inside_the_card(relapse_single):
    fig = charts.single_arm(relapse_single, "Relapse")
    margin = charts.for_screen(fig).layout.margin
    plot = charts.CARD_CHART_WIDTH - margin.l - margin.r
    for note in fig.layout.annotations:
        start = note.x / charts.SINGLE_AXIS_END * plot + note.xshift
        for line in note.text.removeprefix("<i>").removesuffix("</i>").split("<br>"):
            width = charts.estimate_em(html.unescape(line)) * charts.LABEL_FONT_SIZE
            assert start + width <= plot + margin.r, note.text


def test_a_forest_slide_names_each_row_in_few_words(maintenance_effects):
    # 20 px type on a projector: a 9-row forest's full labels ran to 4 lines and overlapped.
    fig = charts.forest(maintenance_effects, "Maintenance", "ratio")
    slide = charts.for_slide(fig, 900, 700)
    ticks = list(slide.layout.yaxis.ticktext)
    assert list(slide.layout.yaxis.tickvals) == list(fig.layout.yaxis.categoryarray)
    assert len(ticks) == len(set(ticks)) == len(fig.layout.yaxis.categoryarray)
    assert all(tick.count("<br>") <= 1 for tick in ticks), ticks  # two lines at most
    # sorafenib's two relapse ratios told apart by the time of the rates printed with each
    assert "Sorafenib maintenance · CIR ·<br>rates at 12 months" in ticks, ticks
    assert "HOVON97 · DFS" in ticks, ticks  # no time the ratio does not cover
    assert not any("[" in tick for tick in ticks), ticks  # told apart without figure ids
    # The card keeps its full labels: only the slide is shortened.
    assert fig.layout.yaxis.ticktext is None


def test_a_slide_names_each_group_of_bars_in_few_words(dataset, table):
    """UKALL 2011's three endpoints at 5 years read 'EFS · 5 years' on a slide (the card keeps
    the full label); G-Dec's document and publication relapse at 2 years stay apart (on the
    first of its two slides)."""
    from lib.evidence.exhibits import selection_exhibits
    from lib.render import images

    exhibits = {e.key: e for e in selection_exhibits(dataset, table, list(DISEASES))}

    def slide_groups(key: str) -> list[str]:
        fig = images.slide_figure(charts.draw(exhibits[key].chart), 8, 4.5)
        return [label.replace("<br>", " ") for label in fig.layout.xaxis.categoryarray]

    assert slide_groups("ukall2011-pulses") == ["EFS · 5 years", "OS · 5 years", "CIR · 5 years"]
    gdec = slide_groups("gdec-maintenance-1")
    assert len(set(gdec)) == len(gdec)
    assert "CIR · 2 years" in gdec and "CIR · 2 years (publication)" in gdec
