"""lib.evidence.figures on the shipped dataset: the flat table, chart values, effects, headlines, badges."""

import math
import re

import pandas as pd
import pytest

from lib.evidence import figures as queries
from lib.evidence.figures import (
    chart_values,
    effect_rows,
    filter_table,
    headlines,
    phase_overview,
    phase_studies,
    studies_by_disease,
    study_badges,
)


def row(frame: pd.DataFrame, figure_id: str) -> pd.Series:
    rows = frame[frame["figure_id"] == figure_id]
    assert len(rows) == 1, f"{figure_id}: {len(rows)} rows"
    return rows.iloc[0]


# --- figure_table ---------------------------------------------------------------------------


def test_one_row_per_reported_value(dataset, table):
    counts = table["kind"].value_counts().to_dict()
    sizes = sum(
        (s.n is not None) + (s.n_published is not None) + sum(a.n is not None for a in s.arms)
        for s in dataset.studies
    )
    assert counts == {
        "outcome": len(dataset.outcomes),
        "comparison": len(dataset.comparisons),
        "key_fact": len(dataset.key_facts),
        "sample_size": sizes,
    }
    assert table["figure_id"].is_unique
    assert set(table.loc[table["kind"] == "outcome", "figure_id"]) == {
        o.id for o in dataset.outcomes
    }
    assert set(table.loc[table["kind"] == "comparison", "figure_id"]) == {
        c.id for c in dataset.comparisons
    }


def test_table_rows_carry_provenance(table):
    sora = row(table, "sora.cir1y.control")
    assert sora["as_printed"] == "24. 5%"
    assert sora["value"] == 24.5
    assert sora["n"] == 102 and sora["n_source"] == "arm size (publication)"
    assert sora["source_id"] == "d1" and sora["evidence_ref"] == "D1-24"
    assert sora["flags"] == "reassembled"
    sizes = table[table["kind"] == "sample_size"]
    assert row(sizes, "gdec-maintenance.n.pub")["value"] == 204
    assert row(sizes, "gdec-maintenance.n")["value"] == 202


@pytest.mark.parametrize("disease", ["AML", "MDS", "ALL"])
def test_filter_table_by_disease(table, disease):
    selection = filter_table(table, [disease])
    assert len(selection) > 0
    assert all(disease in value.split(";") for value in selection["diseases"])
    left_out = table[~table["figure_id"].isin(selection["figure_id"])]
    assert not any(disease in value.split(";") for value in left_out["diseases"])


def test_filter_table_by_phase_and_disease(table):
    selection = filter_table(table, ["ALL"], "transplant")
    assert set(selection["figure_id"]) == {
        "hid-share-2019",
        "allo-count-2021",
        "relapse-leading-death",
    }
    assert filter_table(table, ["ALL"], "maintenance").empty
    assert set(filter_table(table, phase="maintenance")["phase"]) == {"maintenance"}


# --- chart_values ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def values(table) -> pd.DataFrame:
    return chart_values(table)


def test_chart_values_are_outcomes_only(values, dataset):
    assert set(values["kind"]) == {"outcome"}
    assert len(values) == len(dataset.outcomes)


def test_count_with_denominator_becomes_a_computed_percentage(values):
    alive = row(values, "cll1.alive.bridged")
    assert alive["plot_value"] == pytest.approx(83.33, abs=0.005)  # 5/6
    assert alive["computed"]
    # Wilson 95%, z = 1.95996: centre (5/6 + z²/12) / (1 + z²/6) = 0.70322,
    # half-width z·sqrt(5/6·1/6/6 + z²/144) / (1 + z²/6) = 0.26672 -> 43.65% to 96.99%
    assert alive["ci_low"] == pytest.approx(43.65, abs=0.01)
    assert alive["ci_high"] == pytest.approx(96.99, abs=0.01)
    assert "Wilson" in alive["ci_method"]


def test_published_ci_is_kept(values):
    pub = row(values, "gdec.cir2y.gdec.pub")
    assert (pub["plot_value"], pub["ci_low"], pub["ci_high"]) == (15.0, 8.0, 22.1)
    assert "as published" in pub["ci_method"]
    assert not pub["computed"]
    # events/n exist here too (31/53), but the published 44-72% wins over a Wilson interval
    relaza = row(values, "relaza2.rfs6m.pub")
    assert (relaza["ci_low"], relaza["ci_high"]) == (44.0, 72.0)
    assert "as published" in relaza["ci_method"]


@pytest.mark.parametrize(
    ("figure_id", "plot_value"),
    [
        pytest.param("dli.os", 76.0, id="percent-n-without-events"),
        pytest.param("venhma.mos.transplanted", 9.7, id="months"),
        pytest.param("ifnrux.orr.mrd", None, id="truncated"),
        pytest.param("unicar.bridged", None, id="count-without-n"),
    ],
)
def test_no_interval_without_events_and_n(values, figure_id, plot_value):
    item = row(values, figure_id)
    if plot_value is None:
        assert math.isnan(item["plot_value"])
    else:
        assert item["plot_value"] == pytest.approx(plot_value)
    assert pd.isna(item["ci_low"]) and pd.isna(item["ci_high"])
    assert item["ci_method"] == ""
    assert not item["computed"]


# --- effect_rows ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def maintenance_effects(dataset, table) -> pd.DataFrame:
    return effect_rows(table, [s.id for s in phase_studies(dataset, "maintenance", ["AML"])])


def test_published_hazard_ratios(maintenance_effects):
    hrs = maintenance_effects[maintenance_effects["measure"] == "Hazard ratio"]
    found = {r.figure_id: (r.estimate, r.low, r.high) for r in hrs.itertuples()}
    assert found == {
        "sora.cir1y.pub": (0.25, 0.11, 0.57),
        "sora.cir2y.pub": (0.29, 0.15, 0.58),
        "sora.os2y.pub": (0.48, 0.27, 0.86),
        "gdec.cir2y.pub": (0.32, 0.18, 0.57),
    }
    assert set(hrs["method"]) == {"as published"}
    assert hrs["lower_is_better"].tolist() == [True, True, False, True]


def _computed(effects: pd.DataFrame, n_text: str) -> dict[str, pd.Series]:
    rows = effects[effects["n_text"] == n_text]
    return {r["measure"]: r for _, r in rows.iterrows()}


def test_risk_difference_and_ratio_from_sorafenib_counts(maintenance_effects):
    measures = _computed(maintenance_effects, "11/100 vs 32/102")
    rd = measures["Risk difference (percentage points)"]
    # 11/100 - 32/102 = 0.11 - 0.31373 = -0.20373 -> -20.37 percentage points
    assert rd["estimate"] == pytest.approx(-20.37, abs=0.01)
    assert rd["low"] < rd["estimate"] < rd["high"] < 0
    assert "Newcombe" in rd["method"]
    rr = measures["Risk ratio"]
    # (11/100) / (32/102) = 0.11 / 0.31373 = 0.3506
    assert rr["estimate"] == pytest.approx(0.3506, abs=0.0001)
    assert rr["low"] < rr["estimate"] < rr["high"] < 1
    assert rd["figure_id"] == rr["figure_id"] == "sora.relapses.pub"


def test_risk_difference_and_ratio_from_gdec_counts(maintenance_effects):
    # gdec.relapse is linked to its outcomes by `outcomes`, though their time-point labels differ
    measures = _computed(maintenance_effects, "15/100 vs 39/102")
    # 15/100 - 39/102 = 0.15 - 0.38235 = -0.23235 -> -23.24 percentage points
    assert measures["Risk difference (percentage points)"]["estimate"] == pytest.approx(
        -23.24, abs=0.01
    )
    # (15/100) / (39/102) = 0.15 / 0.38235 = 0.3923
    assert measures["Risk ratio"]["estimate"] == pytest.approx(0.3923, abs=0.0001)


def test_effects_stay_within_the_selected_studies(dataset, table):
    effects = effect_rows(table, [s.id for s in phase_studies(dataset, "maintenance", ["MDS"])])
    assert effects.empty


# --- headlines ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def headline_items(table) -> dict[str, queries.Headline]:
    items = {}
    for phase in ("induction", "consolidation", "maintenance", "transplant", "relapse"):
        items.update({h.figure_id: h for h in headlines(filter_table(table, phase=phase))})
    return items


def test_headline_values_use_reassembled_numbers(headline_items):
    assert headline_items["sora.cir1y"].value == "7% vs 24.5%"
    assert headline_items["dec.cir3y"].value == "20.2% vs 39.0%"
    assert "P=0.034" in headline_items["dec.cir3y"].detail
    for item in headline_items.values():
        assert not re.search(r"\d[.,] \d", item.value + item.detail), item


def test_headline_marks_the_truncated_p_value(headline_items):
    item = headline_items["venhma.mos"]
    assert item.value == "9.7 months vs 3.0 months"
    assert "P=0. (truncated in source)" in item.detail
    assert "n 9 vs 15" in item.detail
    assert "Truncated in source" in item.flags


def test_headlines_are_the_flagged_figures(table, headline_items):
    assert set(headline_items) == set(table.loc[table["headline"].astype(bool), "figure_id"])


# --- badges, counts, overview --------------------------------------------------------------


def labels(dataset, table, study_id: str) -> list[str]:
    return [b.label for b in study_badges(table, dataset.study(study_id))]


def test_badges_of_a_randomised_trial(dataset, table):
    [badge] = study_badges(table, dataset.study("sorafenib-flt3"))
    assert (badge.label, badge.tone) == ("Randomised controlled trial", "info")


def test_badges_of_a_small_non_randomised_study(dataset, table):
    found = labels(dataset, table, "venhma-bridge")
    assert "Small n (smallest group 9)" in found
    assert "Not randomised" in found
    assert "Truncated in source" in found


def test_badges_of_a_study_with_a_truncated_figure(dataset, table):
    found = labels(dataset, table, "ifn-rux")
    assert "Truncated in source" in found
    assert "n not stated" in found
    assert not [label for label in found if label.startswith("Small n")]


def test_studies_by_disease_for_transplant(dataset):
    # venhma-bridge, kps-mac-ric, flamsa-bu, tbf-conditioning (AML); dec-mbucy-mds (MDS)
    assert studies_by_disease(dataset, "transplant") == {"AML": 4, "MDS": 1, "ALL": 0}


def test_phase_overview_for_all(dataset, table):
    overview = phase_overview(dataset, table, ["ALL"]).set_index("phase")
    assert overview.loc["maintenance", "studies"] == 0
    assert overview.loc["maintenance", "figures"] == 0
    assert overview.loc["relapse", "studies"] == 2  # ifn-rux, dli-greek
    assert list(overview.index) == [
        "induction",
        "consolidation",
        "maintenance",
        "transplant",
        "relapse",
    ]
