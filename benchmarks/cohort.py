"""Our-centre cohort: validate + estimate 2,000 and 50,000 synthetic patients (s), and memory.

`run(quick)` gives one row per cohort size and file format (CSV, .xlsx) for the harness;
`python -m benchmarks.cohort` prints them as a Markdown table. Charting is not timed yet (the
page comes later).
"""

from __future__ import annotations

import csv
import gc
import io
import statistics
import sys
import time
import tracemalloc

import numpy as np

from lib.cohort.estimates import estimate_cohort, landmark_times
from lib.cohort.literature import literature_time_points
from lib.cohort.loading import load_cohort
from lib.dataset.loading import load_dataset

#: Patients -> target seconds of server time for validate + estimate (issue 13).
TARGETS_S = {2_000: 1.0, 50_000: 5.0}
_HEADER = "case_code,disease,phase,group,year,age_band,months_followup,died,months_to_relapse"


def synthetic_cohort_csv(patients: int, seed: int = 7) -> bytes:
    """A full-width cohort file of `patients` simulated patients, as an upload's bytes."""
    rng = np.random.default_rng(seed)
    relapse = rng.exponential(30, patients)
    nrm = rng.exponential(60, patients)
    censor = rng.uniform(0, 96, patients)
    death = np.where(relapse < nrm, relapse + rng.exponential(12, patients), nrm)
    follow_up = np.round(np.minimum(death, censor), 1)
    relapsed = (relapse < nrm) & (relapse <= censor)
    relapse_text = np.where(
        relapsed, np.char.mod("%.1f", np.minimum(np.floor(relapse * 10) / 10, follow_up)), ""
    )
    columns = [
        np.char.mod("C%06d", np.arange(patients)),
        rng.choice(["AML", "MDS", "ALL"], patients, p=[0.6, 0.25, 0.15]),
        rng.choice(["transplant", "consolidation"], patients, p=[0.85, 0.15]),
        rng.choice(["Maintenance", "No maintenance"], patients),
        rng.integers(2015, 2025, patients).astype(str),
        rng.choice(["18-39", "40-59", "60-69", "70+"], patients),
        np.char.mod("%.1f", follow_up),
        np.where(death <= censor, "1", "0"),
        relapse_text,
    ]
    lines = [",".join(cells) for cells in zip(*columns, strict=True)]
    return ("\n".join([_HEADER, *lines]) + "\n").encode()


def as_workbook(data: bytes) -> bytes:
    """The same cohort as an .xlsx workbook, numbers as numbers, as Excel would save it."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    numeric = {"year", "months_followup", "died", "months_to_relapse"}
    rows = csv.reader(io.StringIO(data.decode()))
    header = next(rows)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [
                (float(cell) if cell else None) if name in numeric else cell
                for name, cell in zip(header, row, strict=True)
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _validate_and_estimate(data: bytes, filename: str, times: tuple[float, ...]):
    cohort = load_cohort(data, filename=filename)
    return cohort, estimate_cohort(cohort, times)


def run(quick: bool) -> list[dict]:
    times = landmark_times(literature_time_points(load_dataset_for_times()))
    reps = 1 if quick else 5
    rows = []
    for patients, target in TARGETS_S.items():
        data = synthetic_cohort_csv(patients)
        rows.append(_measure("CSV", patients, target, data, "cohort.csv", times, reps))
        workbook = as_workbook(data)
        rows.append(_measure(".xlsx", patients, target, workbook, "cohort.xlsx", times, reps))
    return rows


def _measure(kind, patients, target, data, filename, times, reps) -> dict:
    _validate_and_estimate(data, filename, times)  # untimed: imports and first-call costs
    walls, cpus = [], []
    for _ in range(reps):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        _validate_and_estimate(data, filename, times)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    load_s = _median_time(lambda: load_cohort(data, filename=filename), reps)
    gc.collect()
    tracemalloc.start()
    cohort = load_cohort(data, filename=filename)
    held_bytes, load_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    estimates = estimate_cohort(cohort, times)
    median_s = statistics.median(walls)
    return {
        "patients": f"{patients:,}",
        "file": kind,
        "file MB": round(len(data) / 1e6, 2),
        "runs": reps,
        "validate + estimate s": round(median_s, 3),
        "of which read + validate s": round(load_s, 3),
        "CPU s": round(statistics.median(cpus), 3),
        "target": f"< {target:g} s",
        "": "PASS" if median_s < target else "MISS",
        "cohort MB": round(cohort.memory_bytes() / 1e6, 2),
        "held after load MB": round(held_bytes / 1e6, 2),
        "peak in load MB": round(load_peak / 1e6, 1),
        "landmarks": len(estimates.landmarks),
        "_times_s": walls,
        "_curve_points": int(sum(len(curve.months) for curve in estimates.curves)),
    }


def load_dataset_for_times():
    """The shipped dataset: its published time points are landmarks too, as on the page."""
    from benchmarks import REPO

    return load_dataset(REPO / "data")


def _median_time(func, reps: int) -> float:
    walls = []
    for _ in range(reps):
        gc.collect()
        start = time.perf_counter()
        func()
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def markdown(rows: list[dict]) -> str:
    columns = [key for key in rows[0] if not key.startswith("_")]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines += ["| " + " | ".join(str(row[key]) for key in columns) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run(quick="--quick" in sys.argv[1:])))
