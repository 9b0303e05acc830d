"""lib.evidence.stats against hand-computed intervals, edge cases and input validation."""

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.evidence.stats import (
    Estimate,
    risk_difference,
    risk_ratio,
    wilson_interval,
    z_for,
)

TOL = 1e-4


def close(x: float) -> object:
    return pytest.approx(x, abs=TOL)


# --- z_for -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "z"),
    [
        (0.95, 1.959964),  # Phi^-1(0.975)
        (0.90, 1.644854),  # Phi^-1(0.95)
        (0.99, 2.575829),  # Phi^-1(0.995)
    ],
)
def test_z_for_matches_normal_table(level: float, z: float) -> None:
    assert z_for(level) == close(z)


def test_z_for_default_is_95_percent() -> None:
    assert z_for() == close(1.959964)


@pytest.mark.parametrize("level", [0, 1, -0.1, 1.5, 95, math.nan, True, "0.95", None])
def test_z_for_rejects_levels_outside_open_unit_interval(level: object) -> None:
    with pytest.raises(ValueError, match="level"):
        z_for(level)  # type: ignore[arg-type]


# --- wilson_interval -------------------------------------------------------------------------


def test_wilson_15_of_100() -> None:
    # z = 1.959964, z^2 = 3.841459, p = 0.15, n = 100
    # denom  = 1 + z^2/n                        = 1.038415
    # centre = (p + z^2/(2n)) / denom           = (0.15 + 0.019207) / 1.038415 = 0.162948
    # half   = z*sqrt(p(1-p)/n + z^2/(4n^2)) / denom
    #        = 1.959964*sqrt(0.001275 + 0.0000960) / 1.038415
    #        = 1.959964*0.0370275 / 1.038415                                  = 0.069888
    # bounds = 0.162948 -/+ 0.069888                                          = 0.093060, 0.232836
    est = wilson_interval(15, 100)
    assert est.value == 0.15
    assert est.low == close(0.093060)
    assert est.high == close(0.232836)
    assert est.method == "Wilson score interval"


def test_wilson_39_of_102() -> None:
    # p = 39/102 = 0.382353
    # denom  = 1 + 3.841459/102                                = 1.037661
    # centre = (0.382353 + 3.841459/204) / 1.037661
    #        = (0.382353 + 0.018831) / 1.037661                = 0.386623
    # half   = 1.959964*sqrt(0.382353*0.617647/102 + 3.841459/41616) / 1.037661
    #        = 1.959964*sqrt(0.0023153 + 0.0000923) / 1.037661
    #        = 1.959964*0.0490672 / 1.037661                   = 0.092680
    # bounds = 0.386623 -/+ 0.092680                           = 0.293943, 0.479302
    est = wilson_interval(39, 102)
    assert est.value == close(0.382353)
    assert est.low == close(0.293943)
    assert est.high == close(0.479302)


def test_wilson_at_90_percent_is_narrower() -> None:
    # z = 1.644854, z^2 = 2.705543
    # denom  = 1 + 2.705543/100                           = 1.027055
    # centre = (0.15 + 0.013528) / 1.027055               = 0.159219
    # half   = 1.644854*sqrt(0.001275 + 0.0000676) / 1.027055
    #        = 1.644854*0.0366420 / 1.027055              = 0.058683
    # bounds = 0.159219 -/+ 0.058683                      = 0.100537, 0.217903
    narrow = wilson_interval(15, 100, level=0.9)
    wide = wilson_interval(15, 100, level=0.95)
    assert narrow.low == close(0.100537)
    assert narrow.high == close(0.217903)
    assert wide.low < narrow.low < narrow.high < wide.high


def test_wilson_zero_events_starts_at_zero() -> None:
    # p = 0, n = 10: denom = 1 + 3.841459/10 = 1.384146
    # centre = (0 + 0.192073) / 1.384146 = 0.138766
    # half   = 1.959964*sqrt(0 + 3.841459/400) / 1.384146 = 0.192073/1.384146 = 0.138766
    # bounds = 0, 0.277533
    est = wilson_interval(0, 10)
    assert est.value == 0.0
    assert est.low == 0.0
    assert est.high == close(0.277533)


def test_wilson_all_events_ends_at_one() -> None:
    # mirror image of 0/10: bounds = 1 - 0.277533, 1 = 0.722467, 1
    est = wilson_interval(10, 10)
    assert est.value == 1.0
    assert est.low == close(0.722467)
    assert est.high == 1.0


@pytest.mark.parametrize("n", [1, 2, 5, 37, 1000, 10**6])
@pytest.mark.parametrize("all_events", [False, True])
def test_wilson_extremes_stay_in_unit_interval(n: int, all_events: bool) -> None:
    est = wilson_interval(n if all_events else 0, n)
    assert 0.0 <= est.low <= est.value <= est.high <= 1.0


@pytest.mark.parametrize(
    ("events", "n", "message"),
    [
        (1, 0, "n must be positive"),
        (0, -5, "n must be positive"),
        (-1, 10, "events must not be negative"),
        (11, 10, r"events \(11\) must not exceed n \(10\)"),
        (1.5, 10, "events must be an integer"),
        (1, 10.0, "n must be an integer"),
        (True, 10, "events must be an integer"),
        ("3", 10, "events must be an integer"),
        (None, 10, "events must be an integer"),
    ],
)
def test_wilson_rejects_invalid_counts(events: object, n: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wilson_interval(events, n)  # type: ignore[arg-type]


def test_wilson_rejects_invalid_level() -> None:
    with pytest.raises(ValueError, match="level"):
        wilson_interval(15, 100, level=1.2)


def test_estimate_is_frozen() -> None:
    est = wilson_interval(15, 100)
    assert isinstance(est, Estimate)
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.value = 0.5  # type: ignore[misc]


# --- risk_difference -------------------------------------------------------------------------


def test_newcombe_risk_difference_15_of_100_vs_39_of_102() -> None:
    # Wilson 95%: arm a 0.15 in [0.093060, 0.232836]; arm b 0.382353 in [0.293943, 0.479302]
    # RD   = 0.15 - 0.382353                                             = -0.232353
    # low  = RD - sqrt((p_a - l_a)^2 + (u_b - p_b)^2)
    #      = -0.232353 - sqrt(0.056940^2 + 0.096949^2)
    #      = -0.232353 - sqrt(0.0032422 + 0.0093991) = -0.232353 - 0.112434 = -0.344787
    # high = RD + sqrt((u_a - p_a)^2 + (p_b - l_b)^2)
    #      = -0.232353 + sqrt(0.082836^2 + 0.088410^2)
    #      = -0.232353 + sqrt(0.0068618 + 0.0078163) = -0.232353 + 0.121153 = -0.111200
    est = risk_difference(15, 100, 39, 102)
    assert est.value == close(-0.232353)
    assert est.low == close(-0.344787)
    assert est.high == close(-0.111200)
    assert est.method == "Newcombe hybrid score interval"


def test_risk_difference_swapping_arms_mirrors_interval() -> None:
    forward = risk_difference(15, 100, 39, 102)
    back = risk_difference(39, 102, 15, 100)
    assert back.value == close(-forward.value)
    assert back.low == close(-forward.high)
    assert back.high == close(-forward.low)


def test_risk_difference_at_90_percent_is_narrower() -> None:
    narrow = risk_difference(15, 100, 39, 102, level=0.9)
    wide = risk_difference(15, 100, 39, 102)
    assert wide.low < narrow.low < narrow.value < narrow.high < wide.high


def test_risk_difference_extreme_arms_stay_within_bounds() -> None:
    # 10/10 vs 0/10: RD = 1; Wilson a = [0.722467, 1], b = [0, 0.277533]
    # low = 1 - sqrt((1 - 0.722467)^2 + (0.277533 - 0)^2) = 1 - 0.277533*sqrt(2) = 0.607509
    est = risk_difference(10, 10, 0, 10)
    assert est.value == 1.0
    assert est.low == close(0.607509)
    assert est.high == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 0, 1, 10), "n_a must be positive"),
        ((1, 10, 1, 0), "n_b must be positive"),
        ((-1, 10, 1, 10), "events_a must not be negative"),
        ((1, 10, -1, 10), "events_b must not be negative"),
        ((11, 10, 1, 10), "events_a"),
        ((1, 10, 11, 10), "events_b"),
        ((1.0, 10, 1, 10), "events_a must be an integer"),
    ],
)
def test_risk_difference_rejects_invalid_counts(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        risk_difference(*args)


# --- risk_ratio ------------------------------------------------------------------------------


def test_katz_risk_ratio_15_of_100_vs_39_of_102() -> None:
    # RR     = (15/100) / (39/102) = 0.15 / 0.382353          = 0.392308
    # log RR = ln(0.392308)                                   = -0.935709
    # SE     = sqrt(1/15 - 1/100 + 1/39 - 1/102)
    #        = sqrt(0.066667 - 0.01 + 0.025641 - 0.009804)
    #        = sqrt(0.072504)                                 = 0.269265
    # bounds = exp(-0.935709 -/+ 1.959964*0.269265)
    #        = exp(-1.463460), exp(-0.407958)                 = 0.231434, 0.665006
    est = risk_ratio(15, 100, 39, 102)
    assert est.value == close(0.392308)
    assert est.low == close(0.231434)
    assert est.high == close(0.665006)
    assert est.method == "Katz log interval"


def test_katz_zero_cell_adds_half_to_every_cell() -> None:
    # 0/20 vs 5/20 -> cells 0.5, 20.5, 5.5, 15.5; arm totals 21 and 21
    # RR     = (0.5/21) / (5.5/21) = 1/11                     = 0.090909
    # log RR = ln(1/11)                                       = -2.397895
    # SE     = sqrt(1/0.5 - 1/21 + 1/5.5 - 1/21)
    #        = sqrt(2 - 0.047619 + 0.181818 - 0.047619)
    #        = sqrt(2.086580)                                 = 1.444500
    # bounds = exp(-2.397895 -/+ 1.959964*1.444500)
    #        = exp(-5.229085), exp(0.433296)                  = 0.005359, 1.542297
    est = risk_ratio(0, 20, 5, 20)
    assert est.value == close(0.090909)
    assert est.low == close(0.005359)
    assert est.high == close(1.542297)
    assert est.method == "Katz log interval, 0.5 added to each cell"


@pytest.mark.parametrize(
    "args",
    [
        (0, 20, 5, 20),  # no events in arm a
        (5, 20, 0, 20),  # no events in arm b
        (20, 20, 5, 20),  # no non-events in arm a
        (5, 20, 20, 20),  # no non-events in arm b
    ],
)
def test_katz_any_zero_cell_triggers_correction(args: tuple[int, int, int, int]) -> None:
    est = risk_ratio(*args)
    assert est.method == "Katz log interval, 0.5 added to each cell"
    assert 0 < est.low <= est.value <= est.high < math.inf


def test_katz_no_zero_cell_means_no_correction() -> None:
    assert risk_ratio(1, 20, 19, 20).method == "Katz log interval"


def test_katz_non_event_zero_cell_value() -> None:
    # 20/20 vs 5/20 -> cells 20.5, 0.5, 5.5, 15.5; totals 21, 21
    # RR = (20.5/21) / (5.5/21) = 20.5/5.5 = 3.727273
    assert risk_ratio(20, 20, 5, 20).value == close(3.727273)


def test_katz_both_zero_raises() -> None:
    with pytest.raises(ValueError, match="both zero"):
        risk_ratio(0, 20, 0, 30)


def test_katz_at_90_percent_is_narrower() -> None:
    narrow = risk_ratio(15, 100, 39, 102, level=0.9)
    wide = risk_ratio(15, 100, 39, 102)
    assert wide.low < narrow.low < narrow.value < narrow.high < wide.high


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 0, 1, 10), "n_a must be positive"),
        ((1, 10, 1, -3), "n_b must be positive"),
        ((-1, 10, 1, 10), "events_a must not be negative"),
        ((1, 10, 12, 10), r"events_b \(12\) must not exceed n_b \(10\)"),
        ((1, 10, 1, 10.5), "n_b must be an integer"),
    ],
)
def test_risk_ratio_rejects_invalid_counts(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        risk_ratio(*args)


# --- properties ------------------------------------------------------------------------------


@st.composite
def counts(draw: st.DrawFn, max_n: int = 100_000) -> tuple[int, int]:
    n = draw(st.integers(min_value=1, max_value=max_n))
    events = draw(st.integers(min_value=0, max_value=n))
    return events, n


levels = st.floats(min_value=0.5, max_value=0.999)


@given(counts(), levels)
def test_wilson_contains_proportion_and_stays_in_unit_interval(
    arm: tuple[int, int], level: float
) -> None:
    events, n = arm
    est = wilson_interval(events, n, level)
    assert est.value == events / n
    assert 0.0 <= est.low <= est.value <= est.high <= 1.0


@given(counts(), counts(), levels)
def test_risk_difference_contains_estimate_and_stays_in_bounds(
    arm_a: tuple[int, int], arm_b: tuple[int, int], level: float
) -> None:
    est = risk_difference(*arm_a, *arm_b, level)
    assert -1.0 <= est.low <= est.value <= est.high <= 1.0


@given(counts(), counts(), levels)
def test_risk_ratio_contains_estimate(
    arm_a: tuple[int, int], arm_b: tuple[int, int], level: float
) -> None:
    if arm_a[0] == 0 and arm_b[0] == 0:
        with pytest.raises(ValueError):
            risk_ratio(*arm_a, *arm_b, level)
        return
    est = risk_ratio(*arm_a, *arm_b, level)
    assert 0.0 < est.low <= est.value <= est.high < math.inf
