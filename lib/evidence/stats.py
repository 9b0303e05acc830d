"""Confidence intervals for clinical proportions: Wilson, Newcombe risk difference, Katz risk ratio.

The intervals come from statsmodels; this module checks the counts and names the method.
Results are fractions, never percentages.
"""

import operator
from dataclasses import dataclass
from statistics import NormalDist

from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

WILSON = "Wilson score interval"
NEWCOMBE = "Newcombe hybrid score interval"
KATZ = "Katz log interval"
KATZ_CORRECTED = "Katz log interval, 0.5 added to each cell"


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence bounds and a short label naming the method."""

    value: float
    low: float
    high: float
    method: str


def _count(value: object, name: str) -> int:
    # operator.index accepts numpy/pandas integers but rejects floats, so 14.6 "events" fail loudly
    # instead of being truncated; bool is refused because True/False are never counts.
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer count, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer count, got {value!r}") from None


def _counts(events: object, n: object, events_name: str, n_name: str) -> tuple[int, int]:
    e = _count(events, events_name)
    total = _count(n, n_name)
    if total <= 0:
        raise ValueError(f"{n_name} must be positive, got {total}")
    if e < 0:
        raise ValueError(f"{events_name} must not be negative, got {e}")
    if e > total:
        raise ValueError(f"{events_name} ({e}) must not exceed {n_name} ({total})")
    return e, total


def z_for(level: float = 0.95) -> float:
    """Two-sided standard normal quantile for a confidence level in (0, 1)."""
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ValueError(f"level must be a number strictly between 0 and 1, got {level!r}")
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(events: int, n: int, level: float = 0.95) -> Estimate:
    """Proportion events/n as a fraction with its Wilson score interval."""
    e, total = _counts(events, n, "events", "n")
    z_for(level)  # validates the level
    low, high = proportion_confint(e, total, alpha=1 - level, method="wilson")
    # At 0/n and n/n the exact bound is 0 or 1, but rounding leaves it a hair off (e.g. 3e-17).
    low = 0.0 if e == 0 else max(0.0, float(low))
    high = 1.0 if e == total else min(1.0, float(high))
    return Estimate(e / total, low, high, WILSON)


def risk_difference(
    events_a: int, n_a: int, events_b: int, n_b: int, level: float = 0.95
) -> Estimate:
    """Risk difference p_a - p_b with Newcombe's hybrid score interval (1998, method 10)."""
    e_a, t_a = _counts(events_a, n_a, "events_a", "n_a")
    e_b, t_b = _counts(events_b, n_b, "events_b", "n_b")
    z_for(level)
    low, high = confint_proportions_2indep(
        e_a, t_a, e_b, t_b, method="newcomb", compare="diff", alpha=1 - level
    )
    diff = e_a / t_a - e_b / t_b
    return Estimate(diff, max(-1.0, float(low)), min(1.0, float(high)), NEWCOMBE)


def risk_ratio(events_a: int, n_a: int, events_b: int, n_b: int, level: float = 0.95) -> Estimate:
    """Risk ratio p_a / p_b with the Katz log interval (0.5 correction if any cell is zero)."""
    e_a, t_a = _counts(events_a, n_a, "events_a", "n_a")
    e_b, t_b = _counts(events_b, n_b, "events_b", "n_b")
    if e_a == 0 and e_b == 0:
        raise ValueError("risk ratio is undefined when events_a and events_b are both zero")
    cells = (e_a, t_a - e_a, e_b, t_b - e_b)
    if 0 in cells:
        # A zero cell makes log RR or its SE infinite: 0.5 is added to each of the four cells
        # (Haldane), and to the point estimate too, so the value lies inside its own interval.
        a, c, m_a, m_b = e_a + 0.5, e_b + 0.5, t_a + 1.0, t_b + 1.0
        method = KATZ_CORRECTED
    else:
        a, c, m_a, m_b = e_a, e_b, t_a, t_b
        method = KATZ
    z_for(level)
    low, high = confint_proportions_2indep(
        a, m_a, c, m_b, method="log", compare="ratio", alpha=1 - level
    )
    return Estimate((a / m_a) / (c / m_b), float(low), float(high), method)
