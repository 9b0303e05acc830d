"""lib.render.cohort_charts on the synthetic demo cohort and hand-made cohorts: curves, bands,
censor marks and risk tables against lib.cohort's own counts; forest rows; the centre's mark on
a published chart (a copy, the shared figure untouched); labels from the upload shown as text."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from pptx.util import Inches

from lib import export
from lib.cohort.demo import load_demo_cohort
from lib.cohort.export import SCREEN_LANDMARK_COLUMNS, landmark_frame
from lib.cohort.literature import CAVEAT
from lib.cohort.loading import load_cohort
from lib.cohort.records import ALL_PATIENTS
from lib.cohort.results import centre_results
from lib.evidence.escape import plotly_html
from lib.evidence.exhibits import phase_view
from lib.evidence.selection import chart_scale
from lib.i18n import using_language
from lib.render import charts
from lib.render import cohort_charts as cc

HOSTILE = (
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://x.example","y")',
    "%{x} <a href='javascript:alert(1)'>a</a>",
)


@pytest.fixture(scope="module")
def demo(dataset):
    return centre_results(load_demo_cohort(), dataset)


def hostile_cohort():
    """30 patients per hostile group label, AML from transplant, deterministic."""
    rng = np.random.default_rng(3)
    lines = ["group,disease,phase,months_followup,died,months_to_relapse"]
    for label in HOSTILE:
        quoted = '"' + label.replace('"', '""') + '"'
        for _ in range(30):
            follow = round(float(rng.uniform(1, 40)), 1)
            relapse = round(follow * 0.5, 1) if rng.random() < 0.3 else ""
            lines.append(f"{quoted},AML,transplant,{follow},{int(rng.random() < 0.4)},{relapse}")
    return load_cohort("\n".join(lines).encode(), filename="hostile.csv")


def annotations(fig, name: str) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name == name]


def lines(fig):
    return [t for t in fig.data if t.mode == "lines" and t.fill != "toself"]


# --- curves ------------------------------------------------------------------------------------


def test_survival_curve_band_censor_marks_and_start(demo):
    fig = cc.survival_figure(demo, "AML", "transplant")
    bands = [t for t in fig.data if t.fill == "toself"]
    (line,) = lines(fig)
    marks = [t for t in fig.data if t.mode == "markers"]
    assert len(bands) == 1 and len(marks) == 1
    assert line.line.shape == "hv"
    assert line.x[0] == 0 and line.y[0] == 100
    curve = next(
        c
        for c in demo.estimates.curves
        if (c.disease, c.phase, c.group, c.endpoint) == ("AML", "transplant", ALL_PATIENTS, "os")
    )
    # The drawn curve is the library's estimate, held flat to the last follow-up.
    assert np.allclose(np.asarray(line.y)[: len(curve.estimate)], curve.estimate)
    stratum = (demo.cohort.disease == "AML") & (demo.cohort.phase == "transplant")
    assert np.asarray(line.x)[-1] == pytest.approx(demo.cohort.months_followup[stratum].max())
    # Every band point lies between 0 and 100, and the band encloses the curve.
    assert np.nanmin(bands[0].y) >= 0 and np.nanmax(bands[0].y) <= 100
    # A censor mark sits on the curve at each censored time.
    at = np.searchsorted(curve.months, np.asarray(marks[0].x), side="right") - 1
    assert np.allclose(marks[0].y, curve.estimate[at])
    assert fig.layout.yaxis.range == (0, 100)
    assert "synthetic" in fig.layout.title.text


@pytest.mark.parametrize("endpoint", ["os", "cir"])
def test_the_drawn_risk_table_is_lib_cohorts_count(demo, endpoint):
    """Each number under the axis is the results' count at its tick (lib.cohort counts them, the
    landmark rows with the same counter: tests/unit/cohort/test_results.py)."""
    draw = cc.survival_figure if endpoint == "os" else cc.incidence_figure
    fig = draw(demo, "AML", "transplant")
    counts = demo.stratum("AML", "transplant").everyone.risk[endpoint]
    ticks = list(fig.layout.xaxis.tickvals)
    assert ticks == list(counts.months)
    numbers = [a.text for a in fig.layout.annotations if a.name == "at risk" and a.xref == "x"]
    expected = [counts.at_risk, *counts.events.values(), counts.censored]
    assert numbers == [str(int(n)) for row in expected for n in row]


def test_risk_table_is_drawn_under_the_axis(demo):
    fig = cc.survival_figure(demo, "AML", "transplant")
    notes = [a for a in fig.layout.annotations if a.name == "at risk"]
    assert {a.yref for a in notes} == {"paper"} and all(a.yshift < 0 for a in notes)
    texts = [a.text for a in notes]
    for label in ("At risk", "Deaths", "Censored"):
        assert label in texts
    ticks = list(fig.layout.xaxis.tickvals)
    numbers = [a for a in notes if a.xref == "x"]
    assert len(numbers) == 3 * len(ticks)
    assert numbers[0].text == str(demo.stratum("AML", "transplant").patients)
    # The bottom margin holds the heading and three rows.
    assert fig.layout.margin.b >= cc.RISK_TOP_PX + 4 * cc.RISK_LINE_PX


def test_incidence_figure_has_relapse_and_nrm_with_bands(demo):
    fig = cc.incidence_figure(demo, "MDS", "transplant")
    assert [t.name for t in lines(fig)] == [cc.ENDPOINT_NAMES["cir"], cc.ENDPOINT_NAMES["nrm"]]
    assert sum(t.fill == "toself" for t in fig.data) == 2
    assert all(t.y[0] == 0 for t in lines(fig))
    assert {"Relapses", "NRM deaths", "At risk", "Censored"} <= set(annotations(fig, "at risk"))
    assert 50 <= fig.layout.yaxis.range[1] <= 100


def test_bands_have_no_corner_markers(demo):
    fig = cc.incidence_figure(demo, "AML", "consolidation")
    assert all(t.mode == "lines" for t in fig.data if t.fill == "toself")


def test_group_figure_one_curve_per_group_and_the_logrank_as_computed(demo):
    fig = cc.group_figure(demo, "AML", "transplant", "os")
    groups = demo.stratum("AML", "transplant").group_keys
    assert [t.name for t in lines(fig)] == list(groups)
    test = next(t for t in demo.estimates.logrank if (t.disease, t.phase) == ("AML", "transplant"))
    assert f"p = {test.p_value:.2f}" in fig.layout.title.text
    cir = cc.group_figure(demo, "AML", "transplant", "cir")
    assert "no test for cumulative incidence" in cir.layout.title.text
    assert "log-rank" not in cir.layout.title.text


def test_no_p_value_when_a_group_is_small(dataset):
    small = centre_results(hostile_cohort(), dataset)
    # Each group has 30 patients: a p-value. Keep 9 of one group: none, and the reason.
    assert small.estimates.logrank[0].p_value is not None
    text = "\n".join(
        ["disease,phase,group,months_followup,died,months_to_relapse"]
        + [f"AML,transplant,A,{m},1," for m in range(1, 10)]
        + [f"AML,transplant,B,{m},{m % 2}," for m in range(1, 31)]
    )
    few = centre_results(load_cohort(text.encode(), filename="few.csv"), dataset)
    fig = cc.group_figure(few, "AML", "transplant", "os")
    assert "no log-rank test: a group has fewer than 10 patients (9)" in fig.layout.title.text
    assert "p =" not in fig.layout.title.text


# --- labels from the upload -----------------------------------------------------------------------


def test_group_labels_are_escaped_and_never_in_a_hover_template(dataset):
    hostile = centre_results(hostile_cohort(), dataset)
    figures = [
        cc.group_figure(hostile, "AML", "transplant", endpoint) for endpoint in ("os", "cir", "nrm")
    ]
    for fig in figures:
        spec = fig.to_json()
        assert "<img" not in spec and "<a href" not in spec
        assert "&lt;img src=x onerror=alert(1)&gt;" in [t.name for t in fig.data]
        for trace in fig.data:
            assert "HYPERLINK" not in (trace.hovertemplate or "")
            assert "%{x} " not in (trace.hovertemplate or "")
        risk = [a.text for a in fig.layout.annotations]
        assert any("&lt;img" in text for text in risk)


def test_landmark_csv_neutralises_formulas_through_the_one_escaper(dataset):
    hostile = centre_results(hostile_cohort(), dataset)
    text = export.to_csv_text(landmark_frame(hostile.estimates.landmarks))
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_landmark_frame_columns_and_filter(demo):
    frame = landmark_frame(demo.estimates.landmarks, ["MDS"])
    assert tuple(frame.columns) == SCREEN_LANDMARK_COLUMNS
    assert set(frame["disease"]) == {"MDS"}
    assert {12.0, 24.0, 36.0} <= set(frame["months"])
    assert frame["completeness"].between(0, 100).all()


def test_warning_summary_counts_estimates_with_few_events(demo):
    summary = cc.warning_summary(demo.estimates.landmarks)
    expected = sum(
        any("fewer than 10" in w for w in lm.warnings)
        for lm in demo.estimates.landmarks
        if lm.estimate is not None
    )
    assert len(summary.few_events) == expected > 0


# --- beside the literature ------------------------------------------------------------------


def transplant_rows(demo, disease):
    return [
        row
        for row in demo.beside
        if (row.disease, row.phase, row.group) == (disease, "transplant", ALL_PATIENTS)
    ]


def test_forest_rows_pair_the_centre_with_each_published_figure(demo):
    rows = transplant_rows(demo, "AML")
    fig = cc.literature_figure(rows, "AML", synthetic=True)
    centre, published = fig.data
    blocks = cc.literature_blocks(rows)
    assert len(centre.x) == len(blocks)
    assert len(published.x) == len({r.record_id for r in rows})
    assert centre.marker.symbol == cc.CENTRE_SYMBOL and centre.marker.color == cc.CENTRE_COLOR
    assert CAVEAT in fig.layout.title.text and "synthetic" in fig.layout.title.text
    labels = " ".join(fig.layout.yaxis.ticktext)
    for row in rows:
        assert row.source_label.split(":")[0] in labels or row.source_label[:20] in labels
    # The published CI is drawn where the record gives one, and only there.
    with_ci = [r for r in {r.record_id: r for r in rows}.values() if r.published_ci_low is not None]
    drawn = np.asarray(published.error_x.array)
    assert np.isfinite(drawn).sum() == len(with_ci)
    # Row positions never overlap: each row's label has its own band of lines.
    ticks = np.asarray(fig.layout.yaxis.tickvals)
    assert np.all(np.diff(ticks) > 0)


def test_forest_needs_rows_for_its_disease(demo):
    with pytest.raises(ValueError):
        cc.literature_figure(transplant_rows(demo, "AML"), "ALL")


def test_literature_frame_carries_the_source(demo):
    frame = cc.literature_frame(transplant_rows(demo, "MDS"))
    assert {"source", "published", "centre", "verification", "record"} <= set(frame.columns)
    assert frame["source"].str.len().gt(0).all()


# --- the centre on a published chart ------------------------------------------------------


@pytest.fixture(scope="module")
def transplant(dataset, table):
    return {
        e.key: e for e in phase_view(dataset, table, "transplant", ["AML", "MDS", "ALL"]).exhibits
    }


@pytest.mark.parametrize("key", ["dec-mbucy-mds", "single-kps-mac-ric"])
def test_overlay_marks_a_copy_and_leaves_the_shared_figure(demo, transplant, key):
    exhibit = transplant[key]
    shared = charts.frozen(charts.draw(exhibit.chart))
    before = json.dumps(shared.to_dict(), sort_keys=True, default=str)
    rows = cc.overlay_rows(exhibit.chart, demo.beside, "transplant", ["AML", "MDS", "ALL"])
    assert rows
    marked = cc.centre_overlay(shared, exhibit.chart, rows, synthetic=True)
    assert marked is not None and marked is not shared
    assert json.dumps(shared.to_dict(), sort_keys=True, default=str) == before
    halo, mark = marked.data[len(shared.data) :]
    assert mark.marker.symbol == cc.CENTRE_SYMBOL
    # The whisker is drawn over a white halo, wider and thicker, so it shows over hatched bars.
    whisker, under = (
        (mark.error_y, halo.error_y)
        if exhibit.chart.kind == "arm"
        else (mark.error_x, halo.error_x)
    )
    assert under.color == "white" and whisker.color == cc.CENTRE_COLOR
    assert under.thickness > whisker.thickness >= 2.5 and under.width > whisker.width
    assert list(under.array) == list(whisker.array) and not halo.showlegend
    assert "Our centre" in mark.name and "n = " in mark.name and "synthetic" in mark.name
    estimates = sorted({r.centre_estimate for r in rows})
    drawn = mark.y if exhibit.chart.kind == "arm" else mark.x
    assert sorted(set(np.round(np.asarray(drawn, dtype=float), 9))) == sorted(
        set(np.round(estimates, 9))
    )


def test_overlay_sits_beside_its_group_of_bars(demo, transplant):
    exhibit = transplant["dec-mbucy-mds"]
    figure = charts.draw(exhibit.chart)
    rows = cc.overlay_rows(exhibit.chart, demo.beside, "transplant", ["MDS"])
    marked = cc.centre_overlay(figure, exhibit.chart, rows)
    mark = marked.data[-1]
    categories = list(figure.layout.xaxis.categoryarray)
    bars = [t for t in figure.data if t.type == "bar"]
    right = max(t.offset + t.width for t in bars)
    assert len(mark.x) == len({(r.endpoint, r.months) for r in rows})
    for x in mark.x:
        index = round(x)
        assert 0 <= index < len(categories)
        assert right < x - index < 0.5  # right of the bars, within the category's slot
    assert marked.layout.xaxis2.overlaying == "x"
    assert tuple(marked.layout.xaxis2.range) == tuple(marked.layout.xaxis.range)


def test_no_overlay_without_a_match(demo, dataset, table):
    maintenance = phase_view(dataset, table, "maintenance", ["AML"]).exhibits
    # The demo cohort has no maintenance time origin: nothing to mark.
    for exhibit in maintenance:
        assert cc.overlay_rows(exhibit.chart, demo.beside, "maintenance", ["AML"]) == []
    # Another disease than the selection's: nothing.
    rows = cc.overlay_rows(
        next(e for e in phase_view(dataset, table, "transplant", ["MDS"]).exhibits).chart,
        demo.beside,
        "transplant",
        ["ALL"],
    )
    assert rows == []


def test_no_overlay_on_a_months_chart_or_a_forest(demo, transplant, dataset, table):
    exhibit = transplant["venhma-bridge"]  # medians in months
    rows = [r for r in demo.beside if r.phase == "transplant"]
    assert cc.centre_overlay(charts.draw(exhibit.chart), exhibit.chart, rows) is None
    forest = next(
        e
        for e in phase_view(dataset, table, "maintenance", ["AML"]).exhibits
        if e.chart and e.chart.kind == "forest"
    )
    assert cc.overlay_rows(forest.chart, demo.beside, "maintenance", ["AML"]) == []


def drawn_bar_positions(figure, chart) -> dict[str, tuple[float, float]]:
    """figure_id -> (category position, right edge of its category's bars) as the drawn figure
    has them (only here, to check `charts.bar_positions`: the overlay never reads a figure)."""
    bars = [trace for trace in figure.data if trace.type == "bar"]
    if chart.kind == "single":
        (bar,) = bars
        assert len(bar.y) == len(chart.data.loc[chart_scale(chart.data) == "%"])
        ids = chart.data.loc[chart_scale(chart.data) == "%", "figure_id"]
        return {figure_id: (float(i), 0.0) for i, figure_id in enumerate(ids)}
    categories = list(figure.layout.xaxis.categoryarray)
    rows = chart.data.loc[(chart_scale(chart.data) == "%") & chart.data["plot_value"].notna()]
    right: dict[str, float] = {}
    placed = []
    for trace in bars:
        part = rows[[plotly_html(arm) == trace.name for arm in rows["arm"]]]
        assert np.allclose(part["plot_value"].to_numpy(float), np.asarray(trace.y, float))
        for figure_id, category in zip(part["figure_id"], trace.x, strict=True):
            right[category] = max(right.get(category, -1.0), trace.offset + trace.width)
            placed.append((figure_id, category))
    return {f: (float(categories.index(c)), right[c]) for f, c in placed}


def test_bar_positions_are_where_the_bars_are_drawn(dataset, table):
    """The overlay places the centre's diamond from the chart's own layout: for every arm and
    single-arm chart of percentages in the dataset, that layout is where the figure's bars are."""
    checked = 0
    for phase in ("induction", "consolidation", "maintenance", "transplant", "relapse"):
        for exhibit in phase_view(dataset, table, phase, ["AML", "MDS", "ALL"]).exhibits:
            chart = exhibit.chart
            if chart is None or chart.kind not in ("arm", "single"):
                continue
            positions = charts.bar_positions(chart)
            if chart.kind == "arm" and (chart.option or "%") != "%":
                assert positions is None  # medians in months: no diamond
                continue
            figure = charts.draw(chart)
            assert positions.where == drawn_bar_positions(figure, chart), exhibit.key
            axis = figure.layout.xaxis.categoryarray if chart.kind == "arm" else figure.data[0].y
            assert positions.slots == len(axis)
            checked += 1
    assert checked > 10


def test_overlay_caption_states_estimate_ci_and_risk(demo, transplant):
    exhibit = transplant["single-kps-mac-ric"]
    rows = cc.overlay_rows(exhibit.chart, demo.beside, "transplant", ["AML"])
    (line,) = cc.overlay_caption(rows, synthetic=True)
    row = rows[0]
    assert line.startswith("◆ Our centre (synthetic demo data, not patients), AML from transplant")
    assert f"{row.centre_estimate:.1f}%" in line and f"at risk {row.centre_at_risk}" in line


# --- the deck's centre slides --------------------------------------------------------------------


def centre_slide_count(centre, diseases) -> int:
    """The section slide, one curves slide per stratum shown and one slide per stratum and
    endpoint with published figures beside it."""
    shown = centre.shown(diseases)
    beside = {
        (row.disease, row.phase, row.endpoint) for row in centre.beside if row.group == ALL_PATIENTS
    }
    endpoints = sum((d, p, e) in beside for d, p, _ in shown for e in cc.ENDPOINT_SHORT)
    return 1 + len(shown) + endpoints if shown else 0


def test_centre_slides_say_local_data_and_synthetic(demo, dataset):
    from pptx import Presentation

    from lib.render.cohort_slides import LOCAL_DATA, add_centre_slides
    from lib.render.pptx import SLIDE_HEIGHT, SLIDE_WIDTH

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_WIDTH), Inches(SLIDE_HEIGHT)
    added = add_centre_slides(prs, demo, ["MDS"], dataset)
    # A section slide, the curves of MDS from transplant, and one slide per endpoint the
    # literature has beside it.
    assert added == len(prs.slides) == centre_slide_count(demo, ["MDS"])
    for page in prs.slides:
        words = " ".join(s.text_frame.text for s in page.shapes if s.has_text_frame)
        assert LOCAL_DATA in words and "SYNTHETIC" in words
        for shape in page.shapes:  # nothing runs off the slide
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width + Inches(0.01)
            assert shape.top + shape.height <= prs.slide_height + Inches(0.01)
    pictures = [s for page in prs.slides for s in page.shapes if s.shape_type == 13]
    assert len(pictures) == 2 + (added - 2)  # two curves, one chart per literature slide
    assert CAVEAT in prs.slides[0].notes_slide.notes_text_frame.text


def test_no_centre_slides_for_diseases_it_lacks(dataset):
    from pptx import Presentation

    from lib.render.cohort_slides import add_centre_slides

    text = "disease,phase,months_followup,died,months_to_relapse\nAML,transplant,12,1,\n"
    only_aml = centre_results(load_cohort(text.encode(), filename="a.csv"), dataset)
    assert add_centre_slides(Presentation(), only_aml, ["MDS"], dataset) == 0


@pytest.mark.xdist_group("decks")
def test_the_deck_takes_the_centre_slides_before_its_references(built_deck):
    from lib.render.cohort_slides import LOCAL_DATA
    from lib.render.pptx import REFERENCES_TITLE

    deck = built_deck("en", ["MDS"])  # with the demo centre's slides (tests/conftest.py)
    prs = deck.presentation()
    titles = [page.shapes.title.text if page.shapes.title else "" for page in prs.slides]
    local = [
        index
        for index, page in enumerate(prs.slides)
        if any(LOCAL_DATA in s.text_frame.text for s in page.shapes if s.has_text_frame)
    ]
    figures = len(deck.exhibits)
    assert local == list(range(1 + figures, 1 + figures + centre_slide_count(deck.centre, ["MDS"])))
    assert all(title.startswith(REFERENCES_TITLE) for title in titles[local[-1] + 1 :])
    assert titles[local[-1] + 1 :]


# --- issue 19: specs built without Plotly's validation, labels on their row, the session cache --


def test_every_centre_figure_is_a_valid_plotly_spec(demo):
    """The figures are built with _validate=False for speed: here Plotly validates them."""
    figures = [
        cc.survival_figure(demo, "AML", "transplant"),
        cc.incidence_figure(demo, "AML", "transplant"),
        *(
            cc.group_figure(demo, "AML", "transplant", endpoint)
            for endpoint in ("os", "cir", "nrm")
        ),
        cc.literature_figure(
            [r for r in demo.beside if r.disease == "AML" and r.group == ALL_PATIENTS], "AML"
        ),
    ]
    for figure in figures:
        go.Figure(figure.to_plotly_json())  # raises on any invalid property


def test_a_long_group_label_stays_on_the_line_of_its_numbers(dataset):
    rows = []
    for label, n in (("Sorafenib maintenance after allo-HSCT", 8), ("None", 8)):
        rows += [f"AML,transplant,{6 + i},{i % 2},,{label}" for i in range(n)]
    data = "disease,phase,months_followup,died,months_to_relapse,group\n" + "\n".join(rows)
    cohort = load_cohort(data.encode())
    results = centre_results(cohort, dataset)
    figure = cc.group_figure(results, "AML", "transplant", "os")
    notes = [a for a in figure.layout.annotations if a.name == "at risk"]
    label = next(a for a in notes if a.text.endswith("…"))
    assert label.hovertext == "Sorafenib maintenance after allo-HSCT"
    same_line = [a for a in notes if a.yshift == label.yshift and a.xref == "x"]
    assert len(same_line) == len(figure.layout.xaxis.tickvals)  # its numbers, on its line
    assert len({a.yshift for a in notes}) == 3  # heading and two groups: no extra line


def test_figures_are_built_once_per_session_and_language(demo, dataset):
    results = centre_results(demo.cohort, dataset)
    built = []

    def build():
        built.append(1)
        return cc.survival_figure(results, "AML", "transplant")

    first = results.drawn(("os", "AML", "transplant"), build)
    assert results.drawn(("os", "AML", "transplant"), build) is first
    with using_language("zh"):
        assert results.drawn(("os", "AML", "transplant"), build) is not first
    assert len(built) == 2
    assert not demo.figures or demo.figures is not results.figures


def test_the_error_bar_line_names_the_centre_whisker():
    assert "only on our centre's diamond" in cc.overlay_error_bars([])
    assert "none" not in cc.overlay_error_bars([]).split(";")[0]
    line = cc.overlay_error_bars(["Clopper-Pearson"])
    assert line.startswith("Error bars: Clopper-Pearson on the published bars")
