"""Load + validation: load_dataset on the shipped data and on synthetic 10x and 100x data (s)."""

from __future__ import annotations

from benchmarks import median, timed, verdict
from lib.dataset.loading import load_dataset
from tests.fixtures import synthetic

TARGETS_S = {1: 0.3, 100: 3.0}


def run(quick: bool) -> list[dict]:
    reps = {1: 3} if quick else {1: 5, 10: 3, 100: 2}
    rows = []
    for scale, n in reps.items():
        data_dir = synthetic.cached(scale)
        dataset = load_dataset(data_dir)  # untimed: first-call costs, and the record counts
        times, cpu = timed(lambda d=data_dir: load_dataset(d), n)
        target = TARGETS_S.get(scale)
        rows.append(
            {
                "data": f"{scale}x",
                "MB": round(sum(p.stat().st_size for p in data_dir.glob("*.yaml")) / 1e6, 1),
                "studies": len(dataset.studies),
                "outcomes": len(dataset.outcomes),
                "runs": n,
                "median s": round(median(times), 3),
                "CPU s": round(median(cpu), 3),
                "target": f"< {target} s" if target else "-",
                "": verdict(median(times), target),
                "_times_s": times,
            }
        )
    return rows
