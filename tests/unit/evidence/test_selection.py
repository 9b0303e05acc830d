"""lib.evidence.selection on the shipped dataset: filters, chart values and effects."""

import math

import pandas as pd
import pytest

from lib.evidence.selection import (
    arm_outcomes,
    chart_values,
    effect_rows,
    filter_table,
    phase_studies,
    studies_by_disease,
)
from lib.i18n import using_language
from tests.unit.evidence.chinese import has_chinese


def row(frame: pd.DataFrame, figure_id: str) -> pd.Series:
    rows = frame[frame["figure_id"] == figure_id]
    assert len(rows) == 1, f"{figure_id}: {len(rows)} rows"
    return rows.iloc[0]


@pytest.mark.parametrize("disease", ["AML", "MDS", "ALL"])
def test_filter_table_by_disease(table, disease):
    selection = filter_table(table, [disease])
    assert len(selection) > 0
    assert all(disease in value for value in selection["diseases"])
    left_out = table[~table["figure_id"].isin(selection["figure_id"])]
    assert not any(disease in value for value in left_out["diseases"])


def test_filter_table_by_phase_and_disease(table):
    selection = filter_table(table, ["ALL"], "transplant")
    assert {"hid-share-2019", "allo-count-2021", "relapse-leading-death"} <= set(
        selection["figure_id"]
    )
    # the ALL transplant trials, and the registry facts above
    assert set(selection["study_id"].dropna()) == {"forum-tbi", "bmtctn1703-ptcy"}
    assert set(filter_table(table, ["ALL"], "induction")["study_id"].dropna()) == {"cccg-ph-das"}
    assert filter_table(table, ["MDS"], "consolidation").empty
    all_maintenance = filter_table(table, ["ALL"], "maintenance")
    assert set(all_maintenance["study_id"]) == {
        "dli-greek",
        "eortc58951-pulses",
        "ukall2011-pulses",
    }
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
        "morpho.rfs": (0.679, 0.459, 1.005),
        "azapost.rfs": (0.73, 0.49, 1.1),
        "azapost.os": (0.84, 0.55, 1.29),
        "hovon97.dfs12m": (0.62, 0.41, 0.95),
    }
    assert set(hrs["method"]) == {"as published"}
    lower_is_better = dict(zip(hrs["figure_id"], hrs["lower_is_better"], strict=True))
    assert lower_is_better == {
        "sora.cir1y.pub": True,
        "sora.cir2y.pub": True,
        "sora.os2y.pub": False,
        "gdec.cir2y.pub": True,
        "morpho.rfs": False,
        "azapost.rfs": False,
        "azapost.os": False,
        "hovon97.dfs12m": False,
    }


def test_a_hazard_ratio_beside_rates_names_the_rates_time_not_its_own(maintenance_effects):
    """HOVON97's DFS at 12 months (64% vs 42%) is printed with a Cox model's hazard ratio over
    the follow-up: the ratio's row says the 12 months are the rates', the rows computed from
    the rates at 12 months keep their time point, and a ratio over a stated period keeps it."""
    rows = maintenance_effects.set_index(["figure_id", "measure"])
    assert rows.loc[("hovon97.dfs12m", "Hazard ratio"), "time_point"] == "rates at 12 months"
    assert rows.loc[("hovon97.dfs12m", "Hazard ratio"), "time_of_rates"]
    assert rows.loc[("gdec.cir2y.pub", "Hazard ratio"), "time_point"] == "rates at 2 years"
    # the rates stay in the passage, not in the data: still the rates' time
    assert rows.loc[("sora.cir1y.pub", "Hazard ratio"), "time_point"] == (
        "rates at 1 year after transplant"
    )
    assert rows.loc[("morpho.rfs", "Hazard ratio"), "time_point"] == (
        "whole follow-up (hazard ratio)"
    )
    assert not rows.loc[("morpho.rfs", "Hazard ratio"), "time_of_rates"]
    computed = maintenance_effects[maintenance_effects["method"] != "as published"]
    assert not computed["time_of_rates"].any()
    assert not computed["time_point"].str.startswith("rates at").any()


def test_a_hazard_ratio_with_medians_keeps_its_time_point(dataset, table):
    effects = effect_rows(table, [s.id for s in phase_studies(dataset, "induction", ["AML"])])
    viale = effects[(effects["figure_id"] == "viale.mos") & (effects["measure"] == "Hazard ratio")]
    assert list(viale["time_point"]) == ["median"]
    ed60 = effects[(effects["figure_id"] == "aml17.ed60") & (effects["measure"] == "Hazard ratio")]
    assert list(ed60["time_point"]) == ["rates at day 60"]


def _computed(effects: pd.DataFrame, n_text: str) -> dict[str, pd.Series]:
    rows = effects[effects["n_text"] == n_text]
    return {r["measure"]: r for _, r in rows.iterrows()}


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
    effects = effect_rows(table, [s.id for s in phase_studies(dataset, "consolidation", ["MDS"])])
    assert effects.empty


def test_studies_by_disease_for_transplant(dataset):
    # venhma-bridge, kps-mac-ric, flamsa-bu, tbf-conditioning, bmtctn0901-mac-ric,
    # haplo-isd-aml-cr1, bmtctn1703-ptcy (AML); dec-mbucy-mds, bmtctn0901-mac-ric,
    # bmtctn1703-ptcy, bmtctn1102-mds, ricmac-mds (MDS); forum-tbi, bmtctn1703-ptcy (ALL)
    assert studies_by_disease(dataset, "transplant") == {"AML": 7, "MDS": 5, "ALL": 2}


# --- in Chinese -----------------------------------------------------------------------------


def test_chart_values_in_chinese_keep_their_keys_and_numbers(table_zh, table):
    chinese = chart_values(table_zh)
    with using_language("en"):
        english = chart_values(table)
    assert list(chinese["figure_id"]) == list(english["figure_id"])
    assert list(chinese["plot_unit"]) == list(english["plot_unit"])  # a key: "%", "months"
    for column in ("plot_value", "ci_low", "ci_high", "n", "events", "computed"):
        assert chinese[column].equals(english[column]), column
    methods = {m for m in chinese["ci_method"] if m}
    assert methods and all(has_chinese(m) for m in methods)
    assert "95%置信区间（由事件数/例数计算，Wilson法）" in methods


def test_effect_rows_in_chinese(dataset_zh, table_zh, table):
    ids = [s.id for s in phase_studies(dataset_zh, "maintenance", ["AML"])]
    chinese = effect_rows(table_zh, ids)
    with using_language("en"):
        english = effect_rows(table, ids)
    # the keys the charts read stay English; the labels are the language's
    for column in ("figure_id", "measure", "method", "n_text", "estimate", "low", "high"):
        assert chinese[column].equals(english[column]), column
    assert set(english["measure_label"]) == set(english["measure"])
    assert set(english.loc[english["method"] == "as published", "method_label"]) == {"as published"}
    assert set(chinese["measure_label"]) == {
        "风险比(HR)",
        "率差(RD)（百分点）",
        "相对危险度(RR)",
    }
    assert all(has_chinese(m) for m in chinese["method_label"])
    assert "由事件数/例数计算（Newcombe混合得分区间）" in set(chinese["method_label"])


def test_truncated_p_of_an_arm_in_chinese(table_zh):
    values = arm_outcomes(table_zh, "venhma-bridge")
    assert set(values["p_as_printed"].dropna()) == {"P=0.（原文截断）"}
    assert set(values["p_shown"].dropna()) == {"P=0.（原文截断）"}  # never completed


def test_a_p_of_the_hazard_ratio_says_so_over_the_rates(table, table_zh):
    """HOVON97 prints P=0.026 for the adjusted hazard ratio (whole follow-up) beside the 12-month
    rates; shown over the rates, the p says what it tests, in both languages. A p printed for
    the rates themselves (UKALL 2011's P = .016 beside the 5-year EFS) stays bare."""
    with using_language("en"):
        english = arm_outcomes(table, "hovon97-aza-maint")
        ukall = arm_outcomes(table, "ukall2011-pulses")
    with using_language("zh"):
        chinese = arm_outcomes(table_zh, "hovon97-aza-maint")
    assert set(english["p_shown"].dropna()) == {"P=0.026 for the HR"}
    assert set(chinese["p_shown"].dropna()) == {"P=0.026（针对HR）"}
    assert set(english["p_as_printed"].dropna()) == {"P=0.026"}  # the record keeps the print
    assert "P = .016" in set(ukall["p_shown"])


def test_the_rates_time_beside_a_hazard_ratio_in_chinese(dataset_zh, table_zh):
    ids = [s.id for s in phase_studies(dataset_zh, "maintenance", ["AML"])]
    rows = effect_rows(table_zh, ids).set_index(["figure_id", "measure"])
    assert rows.loc[("hovon97.dfs12m", "Hazard ratio"), "time_point"] == "12个月时的率"
