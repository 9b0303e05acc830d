"""Phasewise benchmarks (`make bench`, `python -m benchmarks.run`): see docs/benchmarks.md.

Each section is a module here with `run(quick: bool) -> list[dict]`, one dict per table row;
keys starting with `_` go to the JSON only. These helpers are shared by the sections.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(func: Callable[[], object], reps: int) -> list[float]:
    """Seconds per call of `func`, `reps` calls."""
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def verdict(value: float | None, limit: float | None, inclusive: bool = False) -> str:
    """PASS/MISS against a target; '-' when there is no target or no figure."""
    if value is None or limit is None:
        return "-"
    return "PASS" if value < limit or (inclusive and value == limit) else "MISS"
