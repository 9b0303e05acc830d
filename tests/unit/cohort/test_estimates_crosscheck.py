"""The cohort estimates against a second, independent implementation: scikit-survival.

lib/cohort/estimates.py uses scipy (Kaplan-Meier and its log-log CI) and statsmodels (Aalen-
Johansen cumulative incidence, its delta-method SE, log-rank). scikit-survival implements each
of these on its own, so agreement to 1e-10 means neither got the counting, ties, censoring or the
competing risks wrong. CIs are compared where the methods are the same: Kaplan-Meier log-log with
Greenwood's variance, and cumulative incidence log-log with the Dinse-Larson approximate
(delta-method) variance, which is what statsmodels computes (scikit-survival's default, Aalen's
variance, differs slightly by design).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sksurv.compare import compare_survival
from sksurv.nonparametric import cumulative_incidence_competing_risks, kaplan_meier_estimator
from sksurv.util import Surv

from lib.cohort.estimates import estimate_cohort
from lib.cohort.records import ALL_PATIENTS, Cohort

# scikit-survival's own divide-by-zero warnings where a variance is undefined.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:sksurv")
POINT_TOLERANCE = 1e-10
CI_TOLERANCE = 1e-8
TIMES = (1.0, 3.0, 6.0, 12.0, 18.0, 24.0, 36.0)


def simulated(seed: int, n: int, *, groups: bool = False) -> Cohort:
    """A transplant cohort with ties (times to 0.1 month), censoring and both competing events.

    Its longest follow-up is a censored survivor (censoring at most 60 months, one patient at
    60): scikit-survival's Dinse-Larson variance is NaN at every time when the last time has as
    many events as patients at risk (0 x inf in its einsum), and then its CI collapses onto the
    estimate. statsmodels' SE is undefined only from that last time on.
    """
    rng = np.random.default_rng(seed)
    relapse = rng.exponential(20, n)
    nrm = rng.exponential(40, n)
    censor = rng.uniform(1, 60, n)
    relapse[0] = nrm[0] = 1e9
    censor[0] = 60.0
    death_after_relapse = relapse + rng.exponential(10, n)
    death = np.where(relapse < nrm, death_after_relapse, nrm)
    follow_up = np.round(np.minimum(death, censor), 1)
    relapsed = (relapse < nrm) & (relapse <= censor)
    return Cohort(
        disease=np.array(["AML"] * n, dtype=object),
        phase=np.array(["transplant"] * n, dtype=object),
        months_followup=follow_up,
        died=death <= censor,
        months_to_relapse=np.where(relapsed, np.minimum(np.round(relapse, 1), follow_up), np.nan),
        group=rng.choice(["A", "B", "C"], n).astype(object) if groups else None,
    )


def _value_at(times: np.ndarray, values: np.ndarray, month: float, before: float) -> float:
    index = np.searchsorted(times, month, side="right") - 1
    return before if index < 0 else values[index]


def _sksurv_km(cohort: Cohort, month: float) -> tuple[float, float, float]:
    times, survival, ci = kaplan_meier_estimator(
        cohort.died, cohort.months_followup, conf_type="log-log"
    )
    return (
        _value_at(times, survival, month, 1.0),
        _value_at(times, ci[0], month, np.nan),
        _value_at(times, ci[1], month, np.nan),
    )


def _sksurv_incidence(cohort: Cohort, month: float) -> dict[str, tuple[float, float, float]]:
    """scikit-survival's CIR and NRM at `month` with log-log CIs (Dinse-Larson approx. variance).

    scikit-survival raises when a cause has no event ("Some risks do not appear"), which small
    groups often have, and fails with a single cause; a missing cause's curve is zero, and with
    only one cause its incidence is 1 - Kaplan-Meier (no competing risk), from scikit-survival.
    """
    relapsed = ~np.isnan(cohort.months_to_relapse)
    time = np.where(relapsed, cohort.months_to_relapse, cohort.months_followup)
    cause = np.where(relapsed, 1, np.where(cohort.died, 2, 0))
    present = [c for c in (1, 2) if (cause == c).any()]
    result = {"cir": (0.0, np.nan, np.nan), "nrm": (0.0, np.nan, np.nan)}
    if not present:
        return result
    if len(present) == 1:
        times, survival, ci = kaplan_meier_estimator(cause > 0, time, conf_type="log-log")
        result["cir" if present[0] == 1 else "nrm"] = (
            1 - _value_at(times, survival, month, 1.0),
            1 - _value_at(times, ci[1], month, np.nan),
            1 - _value_at(times, ci[0], month, np.nan),
        )
        return result
    relabelled = np.zeros_like(cause)
    for label, c in enumerate(present, start=1):
        relabelled[cause == c] = label
    times, incidence, ci = cumulative_incidence_competing_risks(
        relabelled, time, conf_type="log-log", var_type="Dinse_Approx"
    )
    for label, c in enumerate(present, start=1):
        endpoint = "cir" if c == 1 else "nrm"
        result[endpoint] = (
            _value_at(times, incidence[label], month, 0.0),
            _value_at(times, ci[label, 0], month, np.nan),
            _value_at(times, ci[label, 1], month, np.nan),
        )
    return result


def _ours(cohort: Cohort, times=TIMES):
    estimates = estimate_cohort(cohort, times, curves=False)
    return {
        (landmark.endpoint, landmark.months): landmark
        for landmark in estimates.landmarks
        if landmark.group == ALL_PATIENTS
    }


def _close(ours: float | None, theirs: float, tolerance: float) -> bool:
    if ours is None:
        return not np.isfinite(theirs) or theirs in (0.0, 1.0)
    return abs(ours / 100 - theirs) <= tolerance


@pytest.mark.parametrize("seed, n", [(1, 30), (2, 300), (3, 300), (4, 1000)])
def test_kaplan_meier_agrees_with_scikit_survival(seed, n):
    cohort = simulated(seed, n)
    ours = _ours(cohort)
    last = cohort.months_followup.max()
    for month in TIMES:
        if month > last:
            continue
        estimate, low, high = _sksurv_km(cohort, month)
        landmark = ours["os", month]
        assert abs(landmark.estimate / 100 - estimate) <= POINT_TOLERANCE
        assert _close(landmark.ci_low, low, CI_TOLERANCE)
        assert _close(landmark.ci_high, high, CI_TOLERANCE)


@pytest.mark.parametrize("seed, n", [(1, 30), (2, 300), (3, 300), (4, 1000)])
def test_cumulative_incidence_agrees_with_scikit_survival(seed, n):
    cohort = simulated(seed, n)
    ours = _ours(cohort)
    last = np.nanmax(cohort.months_followup)
    for month in TIMES:
        if month > last:
            continue
        theirs = _sksurv_incidence(cohort, month)
        for endpoint in ("cir", "nrm"):
            estimate, low, high = theirs[endpoint]
            landmark = ours[endpoint, month]
            assert abs(landmark.estimate / 100 - estimate) <= POINT_TOLERANCE
            assert _close(landmark.ci_low, low, CI_TOLERANCE)
            assert _close(landmark.ci_high, high, CI_TOLERANCE)


def test_the_landmarks_are_checked_where_the_intervals_are_defined():
    # Guard against a vacuous pass: in a 300-patient cohort every landmark has both CI bounds.
    ours = _ours(simulated(2, 300))
    assert all(
        landmark.ci_low is not None and landmark.ci_high is not None
        for (_endpoint, month), landmark in ours.items()
        if month >= 3
    )


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_logrank_agrees_with_scikit_survival(seed):
    cohort = simulated(seed, 400, groups=True)
    (test,) = estimate_cohort(cohort, curves=False).logrank
    chi_square, p_value = compare_survival(
        Surv.from_arrays(cohort.died, cohort.months_followup), cohort.group.astype(str)
    )
    assert test.chi_square == pytest.approx(chi_square, rel=1e-10)
    assert test.p_value == pytest.approx(p_value, rel=1e-8, abs=1e-15)


def test_a_group_without_relapse_or_without_nrm_is_estimated_as_zero():
    # scikit-survival raises on such data; statsmodels gives curves only up to the largest
    # cause present. Both cases must give an incidence of 0 with no interval, not an error.
    n = 12
    no_relapse = Cohort(
        disease=np.array(["MDS"] * n, dtype=object),
        phase=np.array(["transplant"] * n, dtype=object),
        months_followup=np.arange(1.0, n + 1),
        died=np.arange(n) % 2 == 0,
        months_to_relapse=np.full(n, np.nan),
    )
    ours = _ours(no_relapse, (6.0,))
    assert ours["cir", 6.0].estimate == 0 and ours["cir", 6.0].ci_low is None
    assert ours["nrm", 6.0].estimate > 0
    with pytest.raises(ValueError, match="Some risks do not appear"):
        cumulative_incidence_competing_risks(
            np.where(no_relapse.died, 2, 0), no_relapse.months_followup
        )
    assert ours["nrm", 6.0].estimate == pytest.approx(
        100 * _sksurv_incidence(no_relapse, 6.0)["nrm"][0], abs=1e-8
    )
    no_nrm = Cohort(
        disease=no_relapse.disease,
        phase=no_relapse.phase,
        months_followup=no_relapse.months_followup,
        died=np.zeros(n, dtype=bool),
        months_to_relapse=np.where(np.arange(n) % 3 == 0, np.arange(1.0, n + 1), np.nan),
    )
    ours = _ours(no_nrm, (6.0,))
    assert ours["nrm", 6.0].estimate == 0 and ours["nrm", 6.0].ci_low is None
    assert ours["cir", 6.0].estimate == pytest.approx(
        100 * _sksurv_incidence(no_nrm, 6.0)["cir"][0], abs=1e-8
    )


@st.composite
def small_cohorts(draw):
    n = draw(st.integers(min_value=1, max_value=40))
    follow_up = np.array(draw(st.lists(st.integers(0, 60), min_size=n, max_size=n)), dtype=float)
    died = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    fractions = draw(st.lists(st.sampled_from([None, 0.0, 0.5, 1.0]), min_size=n, max_size=n))
    relapse = np.array(
        [
            np.nan if f is None else np.floor(f * t)
            for f, t in zip(fractions, follow_up, strict=True)
        ]
    )
    return Cohort(
        disease=np.array(["ALL"] * n, dtype=object),
        phase=np.array(["transplant"] * n, dtype=object),
        months_followup=follow_up,
        died=died,
        months_to_relapse=relapse,
    )


@settings(max_examples=150, deadline=None)
@given(small_cohorts(), st.sampled_from([0.0, 1.0, 6.0, 12.0, 30.0, 59.0]))
def test_any_small_cohort_agrees_with_scikit_survival(cohort, month):
    """Integer times make heavy ties, relapse at time 0 and on the day of death included."""
    ours = _ours(cohort, (month,))
    if month <= cohort.months_followup.max():
        estimate, _low, _high = _sksurv_km(cohort, month)
        assert abs(ours["os", month].estimate / 100 - estimate) <= POINT_TOLERANCE
    relapsed = ~np.isnan(cohort.months_to_relapse)
    first_event = np.where(relapsed, cohort.months_to_relapse, cohort.months_followup)
    if month <= first_event.max():
        theirs = _sksurv_incidence(cohort, month)
        for endpoint in ("cir", "nrm"):
            assert (
                abs(ours[endpoint, month].estimate / 100 - theirs[endpoint][0]) <= POINT_TOLERANCE
            )


@settings(max_examples=100, deadline=None)
@given(small_cohorts(), st.sampled_from([1.0, 6.0, 12.0, 30.0]))
def test_relapse_and_nrm_add_up_to_one_minus_event_free_survival(cohort, month):
    """CIR + NRM = 1 - KM of the first event (relapse or death): the Aalen-Johansen identity."""
    relapsed = ~np.isnan(cohort.months_to_relapse)
    first_event = np.where(relapsed, cohort.months_to_relapse, cohort.months_followup)
    if month > first_event.max():
        return
    times, survival = kaplan_meier_estimator(relapsed | cohort.died, first_event)
    event_free = _value_at(times, survival, month, 1.0)
    ours = _ours(cohort, (month,))
    total = (ours["cir", month].estimate + ours["nrm", month].estimate) / 100
    assert total == pytest.approx(1 - event_free, abs=1e-12)
