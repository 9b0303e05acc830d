"""The centre's estimates beside the dataset's published figures."""

import pytest

from lib.cohort.demo import load_demo_cohort
from lib.cohort.estimates import estimate_cohort, landmark_times
from lib.cohort.literature import (
    CAVEAT,
    beside_literature,
    comparable_outcomes,
    figure_origin,
    literature_time_points,
    split_by_origin,
)
from lib.cohort.records import ALL_PATIENTS
from lib.dataset.loading import load_dataset
from lib.dataset.vocabulary import ENDPOINTS


@pytest.fixture(scope="module")
def dataset():
    return load_dataset("data")


@pytest.fixture(scope="module")
def rows(dataset):
    estimates = estimate_cohort(load_demo_cohort(), landmark_times(literature_time_points(dataset)))
    return beside_literature(dataset, estimates)


def test_only_time_to_event_figures_in_percent_at_a_time_point_are_comparable(dataset):
    outcomes = comparable_outcomes(dataset)
    assert outcomes
    assert {outcome.endpoint for outcome in outcomes} <= {"os", "cir", "nrm"} <= set(ENDPOINTS)
    assert all(o.unit == "percent" and o.time_point.months is not None for o in outcomes)
    skipped = {o.endpoint for o in dataset.outcomes} - {o.endpoint for o in outcomes}
    assert {"relapse_crude", "lfs"} <= skipped


def test_every_comparable_figure_of_a_cohort_disease_has_its_row(dataset, rows):
    studies = {study.id: study for study in dataset.studies}
    expected = {
        outcome.id
        for outcome in comparable_outcomes(dataset)
        if {"AML", "MDS", "ALL"} & set(studies[outcome.study].diseases)
    }
    assert {row.record_id for row in rows} == expected


def test_rows_match_on_disease_endpoint_and_time_and_carry_provenance(dataset, rows):
    outcomes = {outcome.id: outcome for outcome in dataset.outcomes}
    for row in rows:
        outcome = outcomes[row.record_id]
        assert row.endpoint == outcome.endpoint
        assert row.months == outcome.time_point.months
        assert row.disease in row.study_diseases
        assert row.published_value == outcome.value
        assert row.source_id == outcome.source and row.source_label
        assert row.study_label and row.arm_label and row.time_label
        if row.centre_ci_low is not None:
            assert row.centre_ci_low <= row.centre_estimate <= row.centre_ci_high


def test_a_published_ci_is_passed_on(rows):
    (row,) = [r for r in rows if r.record_id == "gdec.cir2y.gdec.pub" and r.group == ALL_PATIENTS][
        :1
    ]
    assert (row.published_ci_low, row.published_ci_high) == (8.0, 22.1)


def test_the_centre_phase_is_told_apart_from_the_study_phase(rows):
    sorafenib = [
        r for r in rows if r.record_id == "sora.os2y.sorafenib" and r.group == ALL_PATIENTS
    ]
    assert {(r.phase, r.study_phase, r.same_phase) for r in sorafenib} == {
        ("consolidation", "maintenance", False),
        ("transplant", "maintenance", False),
    }
    assert CAVEAT == "Not risk-adjusted; different patients."


def test_no_row_for_a_time_the_estimates_do_not_include(dataset):
    estimates = estimate_cohort(load_demo_cohort(), (6.0,), curves=False)
    assert beside_literature(dataset, estimates) == ()


def test_a_landmark_trial_from_the_literature_joins_the_rows_by_its_data_alone(dataset, rows):
    # E1910 (blinatumomab consolidation, ALL) was curated from its abstract: 3-year overall
    # survival per arm. Nothing names it in the code; the demo cohort's ALL patients meet it on
    # disease, endpoint and time point, with the figure's provenance.
    e1910 = {row.record_id: row for row in rows if row.study_id == "e1910-blina"}
    assert {"e1910.os3y.blina", "e1910.os3y.chemo"} <= set(e1910)
    row = e1910["e1910.os3y.blina"]
    assert (row.disease, row.endpoint, row.months) == ("ALL", "os", 36.0)
    assert (row.published_value, row.published_as_printed) == (85, "85%")
    assert row.origin == "publication" and row.source_id == "litzow-2024-e1910"
    assert row.verification == "verified"
    # And a curated transplant figure (BMT CTN 0901, 4-year transplant-related mortality) meets
    # the AML and MDS strata.
    trm = {(row.disease, row.endpoint) for row in rows if row.record_id == "ct0901.trm4y.mac"}
    assert trm == {("AML", "nrm"), ("MDS", "nrm")}


@pytest.mark.parametrize(
    "label, study_phase, origin",
    [
        ("2 years after transplant", "maintenance", "transplant"),
        ("2 years from relapse", "relapse", "relapse"),
        ("2 years", "maintenance", "maintenance"),
        ("3 years", "transplant", "transplant"),
        ("6 months after starting azacitidine", "relapse", "relapse"),
    ],
)
def test_a_published_figure_counts_from_the_origin_its_time_point_names(label, study_phase, origin):
    assert figure_origin(label, study_phase) == origin


def test_figures_from_another_time_origin_are_never_beside_the_cohort(rows):
    same, other = split_by_origin(rows)
    assert same and other
    assert all(row.published_origin == row.phase for row in same)
    assert all(row.published_origin != row.phase for row in other)
    # 'EBMT, 2 years from relapse' is never set beside a transplant-origin estimate.
    assert not [r for r in same if r.record_id == "ebmt.os2y" and r.phase == "transplant"]


def test_every_figure_has_one_time_origin_in_both_languages():
    # A Chinese session reads the translated time-point labels: 移植后2年 must count from
    # transplant as "2 years after transplant" does, or the two languages set different
    # published figures beside the same cohort.
    from lib.cohort.literature import comparable_outcomes
    from lib.dataset.loading import load_dataset
    from tests.unit.conftest import DATA_DIR

    english = load_dataset(DATA_DIR, "en")
    chinese = {o.id: o for o in comparable_outcomes(load_dataset(DATA_DIR, "zh"))}
    pairs = [
        (o, chinese[o.id], english.study(o.study).phase)
        for o in comparable_outcomes(english)
        if o.study
    ]
    assert pairs
    assert [
        (en.id, en.time_point.label, zh.time_point.label)
        for en, zh, phase in pairs
        if figure_origin(en.time_point.label, phase) != figure_origin(zh.time_point.label, phase)
    ] == []
