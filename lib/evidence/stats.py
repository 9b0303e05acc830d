"""Confidence intervals for clinical proportions: Wilson, Newcombe risk difference, Katz risk ratio.

Pure stdlib (math, statistics.NormalDist); results are fractions, never percentages.
"""

import math
import operator
from dataclasses import dataclass
from statistics import NormalDist

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


def _wilson_bounds(events: int, n: int, z: float) -> tuple[float, float]:
    p = events / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # At 0/n and n/n the exact bound is 0 or 1, but rounding leaves it a hair off (e.g. 3e-17).
    low = 0.0 if events == 0 else max(0.0, centre - half)
    high = 1.0 if events == n else min(1.0, centre + half)
    return low, high


def wilson_interval(events: int, n: int, level: float = 0.95) -> Estimate:
    """Proportion events/n as a fraction with its Wilson score interval."""
    e, total = _counts(events, n, "events", "n")
    low, high = _wilson_bounds(e, total, z_for(level))
    return Estimate(e / total, low, high, WILSON)


def risk_difference(
    events_a: int, n_a: int, events_b: int, n_b: int, level: float = 0.95
) -> Estimate:
    """Risk difference p_a - p_b with Newcombe's hybrid score interval (1998, method 10)."""
    e_a, t_a = _counts(events_a, n_a, "events_a", "n_a")
    e_b, t_b = _counts(events_b, n_b, "events_b", "n_b")
    z = z_for(level)
    p_a, p_b = e_a / t_a, e_b / t_b
    l_a, u_a = _wilson_bounds(e_a, t_a, z)
    l_b, u_b = _wilson_bounds(e_b, t_b, z)
    diff = p_a - p_b
    # Each side combines the two single-arm Wilson distances that push the difference that way.
    low = diff - math.sqrt((p_a - l_a) ** 2 + (u_b - p_b) ** 2)
    high = diff + math.sqrt((u_a - p_a) ** 2 + (p_b - l_b) ** 2)
    return Estimate(diff, max(-1.0, low), min(1.0, high), NEWCOMBE)


def risk_ratio(events_a: int, n_a: int, events_b: int, n_b: int, level: float = 0.95) -> Estimate:
    """Risk ratio p_a / p_b with the Katz log interval (0.5 correction if any cell is zero)."""
    e_a, t_a = _counts(events_a, n_a, "events_a", "n_a")
    e_b, t_b = _counts(events_b, n_b, "events_b", "n_b")
    if e_a == 0 and e_b == 0:
        raise ValueError("risk ratio is undefined when events_a and events_b are both zero")
    cells = (e_a, t_a - e_a, e_b, t_b - e_b)
    if 0 in cells:
        # A zero cell makes log RR or its SE infinite; the correction is applied to the point
        # estimate too so the value always lies inside its own interval.
        a, c = e_a + 0.5, e_b + 0.5
        m_a, m_b = t_a + 1.0, t_b + 1.0
        method = KATZ_CORRECTED
    else:
        a, c = float(e_a), float(e_b)
        m_a, m_b = float(t_a), float(t_b)
        method = KATZ
    log_rr = math.log((a / m_a) / (c / m_b))
    se = math.sqrt(1 / a - 1 / m_a + 1 / c - 1 / m_b)
    z = z_for(level)
    return Estimate(math.exp(log_rr), math.exp(log_rr - z * se), math.exp(log_rr + z * se), method)


def small_sample(n: int | None, threshold: int = 20) -> bool:
    """True when n is known and below threshold."""
    limit = _count(threshold, "threshold")
    if limit <= 0:
        raise ValueError(f"threshold must be positive, got {limit}")
    if n is None:
        return False
    size = _count(n, "n")
    if size < 0:
        raise ValueError(f"n must not be negative, got {size}")
    return size < limit


def format_p(as_printed: str | None) -> str:
    """The p-value text exactly as printed, or "p not reported" when absent."""
    if as_printed is None:
        return "p not reported"
    if not isinstance(as_printed, str):
        raise ValueError(f"as_printed must be a string or None, got {as_printed!r}")
    if not as_printed.strip():
        return "p not reported"
    # Returned verbatim: a truncated source value such as "P=0." must stay visibly truncated
    # rather than be completed into a number the paper never printed.
    return as_printed
