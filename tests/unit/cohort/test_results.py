"""lib/cohort/results.py: the estimates per disease x time origin x group, frozen, and one count
of patients at risk behind both the landmark rows and the tables under the charts."""

import dataclasses

import numpy as np
import pytest

from lib.cohort.demo import load_demo_cohort
from lib.cohort.estimates import ENDPOINT_EVENT, Sample, count_at_risk, estimate_groups
from lib.cohort.loading import load_cohort
from lib.cohort.records import ALL_PATIENTS, POOLED_GROUPS, Cohort
from lib.cohort.results import centre_results, risk_ticks, stratum_results
from tests.unit.cohort.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def demo(dataset):
    return centre_results(load_demo_cohort(), dataset)


def test_the_count_at_risk_by_hand():
    """Four patients: deaths at 2 and 5, censored at 5 and 8. At risk just before t, events up
    to and including t, censorings before t."""
    sample = Sample.of(
        Cohort(
            disease=np.array(["AML"] * 4, dtype=object),
            phase=np.array(["transplant"] * 4, dtype=object),
            months_followup=np.array([2.0, 5.0, 5.0, 8.0]),
            died=np.array([True, True, False, False]),
            months_to_relapse=np.array([np.nan, 1.0, np.nan, np.nan]),
        ),
        np.ones(4, dtype=bool),
    )
    os = count_at_risk(sample, "os", [0, 2, 5, 6, 9])
    assert list(os.at_risk) == [4, 4, 3, 1, 0]
    assert list(os.events["deaths"]) == [0, 1, 2, 2, 2]
    assert list(os.censored) == [0, 0, 0, 1, 2]
    # First events: a relapse at 1 (the patient who died at 5), a death without relapse at 2.
    cir = count_at_risk(sample, "cir", [0, 1, 2, 6])
    assert list(cir.at_risk) == [4, 4, 3, 1]
    assert list(cir.events["relapses"]) == [0, 1, 1, 1]
    assert list(cir.events["nrm_deaths"]) == [0, 0, 1, 1]
    assert list(cir.censored) == [0, 0, 0, 1]


def test_landmark_rows_and_chart_tables_are_one_count(demo):
    """At every landmark of every stratum and group, the counter gives the landmark's numbers;
    where a chart's tick falls on a landmark, the chart's table gives them too."""
    checked = 0
    cohort = demo.cohort
    for stratum in demo.strata:
        members = (cohort.disease == stratum.disease) & (cohort.phase == stratum.phase)
        for group in (stratum.everyone, *stratum.groups):
            mask = (
                members if group.group == ALL_PATIENTS else members & (cohort.group == group.group)
            )
            sample = Sample.of(cohort, mask)
            for lm in group.landmarks:
                counts = count_at_risk(sample, lm.endpoint, [lm.months])
                assert counts.at_risk[0] == lm.at_risk
                assert counts.events[ENDPOINT_EVENT[lm.endpoint]][0] == lm.events
                assert counts.censored[0] == lm.censored
                assert lm.completeness == pytest.approx((lm.patients - lm.censored) / lm.patients)
                table = group.risk[lm.endpoint]
                on_tick = np.flatnonzero(table.months == lm.months)
                for index in on_tick:
                    assert table.at_risk[index] == lm.at_risk
                    assert table.events[ENDPOINT_EVENT[lm.endpoint]][index] == lm.events
                    assert table.censored[index] == lm.censored
                    checked += 1
    assert checked > 50


def test_results_hold_each_estimate_once_per_stratum_and_group(demo):
    estimates = demo.estimates
    found = [
        (stratum.disease, stratum.phase, group.group)
        for stratum in demo.strata
        for group in (stratum.everyone, *stratum.groups)
    ]
    assert found == [(m.disease, m.phase, m.group) for m in estimates.medians]
    landmarks = [lm for s in demo.strata for g in (s.everyone, *s.groups) for lm in g.landmarks]
    assert landmarks == list(estimates.landmarks)
    curves = [
        g.curves[e]
        for s in demo.strata
        for g in (s.everyone, *s.groups)
        for e in ("os", "cir", "nrm")
    ]
    assert all(a is b for a, b in zip(curves, estimates.curves, strict=True))
    assert [s.logrank for s in demo.strata] == list(estimates.logrank)
    for stratum in demo.strata:
        members = (demo.cohort.disease == stratum.disease) & (demo.cohort.phase == stratum.phase)
        assert stratum.patients == members.sum()
        assert list(stratum.group_keys) == demo.cohort.shown_groups(members)
        for group in stratum.groups:  # every group's table under the stratum's ticks
            for endpoint in ("os", "cir", "nrm"):
                assert np.array_equal(group.risk[endpoint].months, stratum.ticks(endpoint))
        assert np.array_equal(stratum.ticks("os"), risk_ticks(stratum.last("os")))


def test_the_strata_shown_and_their_groups(demo):
    assert demo.shown(["MDS"]) == [
        ("MDS", "transplant", demo.stratum("MDS", "transplant").patients)
    ]
    order = ["AML", "MDS", "ALL"]
    diseases = [d for d, _, _ in demo.shown(order)]
    assert diseases == sorted(diseases, key=order.index) and set(diseases) == set(order)
    assert sum(n for _, _, n in demo.shown(order)) == len(demo.cohort)
    assert demo.shown_groups() == sorted({g for s in demo.strata for g in s.group_keys})
    with pytest.raises(KeyError):
        demo.stratum("ALL", "relapse")


def test_pooled_small_groups_come_last(dataset):
    data = (REPO_ROOT / "tests/cohort_corpus/small-groups-pooled/input.csv").read_bytes()
    results = centre_results(load_cohort(data, filename="input.csv"), dataset)
    assert results.shown_groups()[-1] == POOLED_GROUPS


def test_without_groups_no_test_and_no_groups(dataset):
    text = "disease,phase,months_followup,died,months_to_relapse\n" + "\n".join(
        f"AML,transplant,{m},{m % 2}," for m in range(1, 21)
    )
    results = centre_results(load_cohort(text.encode(), filename="a.csv"), dataset)
    (stratum,) = results.strata
    assert stratum.groups == () and stratum.logrank is None and results.shown_groups() == []


def test_results_are_frozen_and_say_nothing_of_the_patients(demo):
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo.strata = ()  # type: ignore[misc]
    everyone = demo.strata[0].everyone
    with pytest.raises(dataclasses.FrozenInstanceError):
        everyone.patients = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        everyone.risk["os"] = everyone.risk["cir"]  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        everyone.risk["os"].at_risk[0] = 0
    with pytest.raises(ValueError, match="read-only"):
        everyone.risk["cir"].events["relapses"][0] = 0
    assert repr(demo) == "CentreResults(Cohort(320 patients, synthetic=True))"


def test_stratum_results_need_the_curves(demo):
    """Estimates made without curves cannot be drawn: the results refuse them."""
    with pytest.raises(ValueError, match="with its curves"):
        stratum_results(*estimate_groups(demo.cohort, curves=False))
