"""Landmarks, warnings, medians, log-rank rules and curves of lib/cohort/estimates.py."""

import numpy as np
import pytest

from lib.cohort.estimates import (
    DEFAULT_LANDMARKS,
    estimate_cohort,
    landmark_times,
    log_log_interval,
    methods,
)
from lib.cohort.records import ALL_PATIENTS, Cohort


def cohort(follow_up, died, relapse=None, *, group=None, disease="AML", phase="transplant"):
    n = len(follow_up)
    return Cohort(
        disease=np.array([disease] * n, dtype=object) if isinstance(disease, str) else disease,
        phase=np.array([phase] * n, dtype=object) if isinstance(phase, str) else phase,
        months_followup=np.asarray(follow_up, dtype=float),
        died=np.asarray(died, dtype=bool),
        months_to_relapse=np.full(n, np.nan) if relapse is None else np.asarray(relapse, float),
        group=None if group is None else np.asarray(group, dtype=object),
    )


def landmarks(estimates, endpoint, group=ALL_PATIENTS):
    return {
        lm.months: lm for lm in estimates.landmarks if lm.endpoint == endpoint and lm.group == group
    }


def test_landmark_times_add_extra_times_to_the_defaults():
    assert landmark_times() == DEFAULT_LANDMARKS == (12.0, 24.0, 36.0)
    assert landmark_times([6, 24, 60.0]) == (6.0, 12.0, 24.0, 36.0, 60.0)


def test_an_estimate_beyond_the_longest_follow_up_is_not_made():
    estimates = estimate_cohort(cohort([5, 10, 20, 30], [1, 0, 0, 0]), (20, 30, 36))
    os = landmarks(estimates, "os")
    assert os[30].estimate == pytest.approx(75.0)  # the last follow-up time is still estimable
    assert os[36].estimate is None and os[36].ci_low is None
    assert "not estimable beyond the longest follow-up (30.0 months)" in os[36].warnings
    assert landmarks(estimates, "cir")[36].estimate is None


def test_survival_that_reached_zero_stays_zero():
    os = landmarks(estimate_cohort(cohort([1, 2, 3], [1, 1, 1]), (12,)), "os")
    assert os[12].estimate == 0 and os[12].at_risk == 0 and os[12].events == 3


def test_fewer_than_ten_events_and_incomplete_follow_up_are_flagged():
    # 20 patients: 4 deaths by month 6; 10 censored at month 3 (lost), 6 followed to 30 months.
    follow_up = [1, 2, 4, 6] + [3] * 10 + [30] * 6
    died = [1, 1, 1, 1] + [0] * 16
    os = landmarks(estimate_cohort(cohort(follow_up, died), (12,)), "os")[12]
    assert os.events == 4
    assert os.completeness == pytest.approx(10 / 20)  # 4 died before 12 + 6 followed past it
    assert os.warnings == (
        "4 events by 12 months: fewer than 10, unstable",
        "follow-up 50% complete at 12 months (below 90%)",
    )


def test_a_well_followed_stratum_with_enough_events_has_no_warning():
    follow_up = list(range(1, 13)) + [40] * 28
    os = landmarks(estimate_cohort(cohort(follow_up, [1] * 12 + [0] * 28), (12,)), "os")[12]
    assert os.events == 12 and os.completeness == 1.0 and os.warnings == ()


def test_relapse_on_the_day_of_death_is_a_relapse_not_a_non_relapse_death():
    estimates = estimate_cohort(cohort([6, 12], [1, 1], relapse=[6, np.nan]), (12,))
    assert landmarks(estimates, "cir")[12].events == 1
    assert landmarks(estimates, "nrm")[12].events == 1
    assert landmarks(estimates, "cir")[12].estimate == pytest.approx(50)


def test_incidence_before_any_event_is_zero_without_an_interval():
    estimates = estimate_cohort(cohort([10, 20, 30], [0, 1, 0], relapse=[np.nan] * 3), (5,))
    cir = landmarks(estimates, "cir")[5]
    assert cir.estimate == 0 and cir.ci_low is None and cir.ci_high is None


def test_log_log_interval_is_undefined_at_zero_and_one():
    low, high = log_log_interval(np.array([0.0, 0.2, 1.0]), np.array([0.0, 0.05, 0.0]))
    assert np.isnan(low[[0, 2]]).all() and np.isnan(high[[0, 2]]).all()
    assert low[1] < 0.2 < high[1]


def test_strata_are_disease_by_phase_then_groups():
    # Five patients per cell: a smaller group is not shown on its own (the small-cell rule).
    diseases = np.repeat(np.array(["MDS", "AML", "AML", "MDS"], dtype=object), 5)
    phases = np.repeat(
        np.array(["transplant", "transplant", "induction", "transplant"], dtype=object), 5
    )
    groups = np.repeat(np.array(["B", "A", "A", "A"], dtype=object), 5)
    estimates = estimate_cohort(
        cohort(
            np.repeat([5, 6, 7, 8], 5),
            np.repeat([1, 0, 1, 0], 5),
            disease=diseases,
            phase=phases,
            group=groups,
        ),
        (12,),
        curves=False,
    )
    order = list(dict.fromkeys((lm.disease, lm.phase, lm.group) for lm in estimates.landmarks))
    assert order == [
        ("AML", "induction", ALL_PATIENTS),
        ("AML", "induction", "A"),
        ("AML", "transplant", ALL_PATIENTS),
        ("AML", "transplant", "A"),
        ("MDS", "transplant", ALL_PATIENTS),
        ("MDS", "transplant", "A"),
        ("MDS", "transplant", "B"),
    ]
    assert [lm.endpoint for lm in estimates.landmarks[:3]] == ["os", "cir", "nrm"]


def test_no_logrank_p_when_a_group_has_fewer_than_ten_patients():
    follow_up = list(range(1, 16))
    groups = ["A"] * 10 + ["B"] * 5
    (test,) = estimate_cohort(cohort(follow_up, [1] * 15, group=groups), curves=False).logrank
    assert test.p_value is None and test.chi_square is None
    assert test.reason == "a group has fewer than 10 patients (5)"


def test_no_logrank_p_for_one_group_or_without_deaths():
    (one,) = estimate_cohort(cohort([1] * 12, [1] * 12, group=["A"] * 12), curves=False).logrank
    assert one.reason == "one group only"
    (none,) = estimate_cohort(
        cohort([1] * 20, [0] * 20, group=["A", "B"] * 10), curves=False
    ).logrank
    assert none.reason == "no deaths"


def test_no_logrank_without_a_group_column():
    assert estimate_cohort(cohort([1, 2], [1, 0]), curves=False).logrank == ()


def test_median_not_reached_is_none():
    (median,) = estimate_cohort(cohort([1, 5, 9, 30], [1, 0, 0, 0])).medians
    assert median.months is None and median.ci_high is None and median.deaths == 1


def test_curves_start_at_the_origin_and_carry_censor_marks():
    estimates = estimate_cohort(
        cohort([2, 4, 4, 8, 10], [1, 0, 1, 0, 1], relapse=[1] + [np.nan] * 4)
    )
    curves = {curve.endpoint: curve for curve in estimates.curves}
    assert curves["os"].months[0] == 0 and curves["os"].estimate[0] == 100
    assert curves["cir"].estimate[0] == 0 and curves["nrm"].estimate[0] == 0
    assert list(curves["os"].censored_months) == [4.0, 8.0]
    assert curves["cir"].estimate[-1] == pytest.approx(20)
    assert np.all(np.diff(curves["os"].estimate) <= 0)


def test_methods_state_variance_and_interval():
    text = " ".join(methods()).lower()
    for words in ("greenwood", "log(-log)", "aalen-johansen", "brookmeyer-crowley", "log-rank"):
        assert words in text
