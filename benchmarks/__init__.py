"""Phasewise benchmarks (`make bench`, `python -m benchmarks.run`): see docs/benchmarks.md.

Each section is a module here with `run(quick: bool) -> list[dict]`, one dict per table row;
keys starting with `_` go to the JSON only. These helpers are shared by the sections.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(func: Callable[[], object], reps: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (this process, all threads) per call of `func`, `reps` calls. CPU time
    tells slow code from a busy machine: other processes inflate the wall time only."""
    walls, cpus = [], []
    for _ in range(reps):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def verdict(value: float | None, limit: float | None, inclusive: bool = False) -> str:
    """PASS/MISS against a target; '-' when there is no target or no figure."""
    if value is None or limit is None:
        return "-"
    return "PASS" if value < limit or (inclusive and value == limit) else "MISS"


def cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far, from /proc; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float | None:
    """A process's resident memory in MB, from /proc; None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
