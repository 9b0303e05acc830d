"""Our-centre cohort: validate + estimate + chart 2,000 and 50,000 synthetic patients (s), memory.

One row per size and file format; the target is on validate + estimate + chart. `page run s`: the
page script (AppTest) from the upload to the page drawn. Last row: a 137-patient file in Chromium,
from the file set in the uploader to every chart painted. Columns: docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import functools
import gc
import io
import time
import tracemalloc

import numpy as np

from benchmarks import REPO, Tab, app_test, chromium, cpu_s, median, timed, verdict
from lib.cohort.estimates import estimate_cohort, landmark_times
from lib.cohort.literature import literature_time_points
from lib.cohort.loading import load_cohort
from lib.cohort.records import ALL_PATIENTS
from lib.cohort.results import CentreResults, centre_results
from lib.dataset.loading import load_dataset
from lib.dataset.vocabulary import DISEASES, PHASES
from lib.render import cohort_charts as charts

TARGETS_S = {2_000: 1.0, 50_000: 5.0}  # patients: validate + estimate + chart (issue 13)
_HEADER = "case_code,disease,phase,group,year,age_band,months_followup,died,months_to_relapse"


def synthetic_cohort_csv(patients: int, seed: int = 7) -> bytes:
    """A full-width cohort file of `patients` simulated patients, as an upload's bytes."""
    rng = np.random.default_rng(seed)
    relapse = rng.exponential(30, patients)
    nrm = rng.exponential(60, patients)
    censor = rng.uniform(0, 96, patients)
    death = np.where(relapse < nrm, relapse + rng.exponential(12, patients), nrm)
    follow_up = np.round(np.minimum(death, censor), 1)
    relapse_at = np.char.mod("%.1f", np.minimum(np.floor(relapse * 10) / 10, follow_up))
    relapse_text = np.where((relapse < nrm) & (relapse <= censor), relapse_at, "")
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

    book, numeric = openpyxl.Workbook(), {"year", "months_followup", "died", "months_to_relapse"}
    header, *rows = csv.reader(io.StringIO(data.decode()))
    book.active.append(header)
    for row in rows:
        cells = zip(header, row, strict=True)
        book.active.append([(float(c) if c else None) if h in numeric else c for h, c in cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def page_figures(results: CentreResults, groups: bool = False) -> list[str]:
    """Every figure the page draws on opening (`groups`: in its By group tabs), as sent (JSON)."""
    figures = []
    for disease, phase, _ in results.shown(DISEASES):
        if groups:
            if len(results.stratum(disease, phase).groups) > 1:
                figures += [
                    charts.group_figure(results, disease, phase, endpoint)
                    for endpoint in ("os", "cir", "nrm")
                ]
            continue
        figures.append(charts.survival_figure(results, disease, phase))
        figures.append(charts.incidence_figure(results, disease, phase))
    if not groups:
        beside = results.beside
        origin = next(
            (p for p in ("transplant", *PHASES) if any(r.phase == p for r in beside)), None
        )
        rows = [r for r in beside if r.phase == origin and r.group == ALL_PATIENTS]
        figures += [
            charts.literature_figure(rows, disease, results.synthetic)
            for disease in DISEASES
            if any(row.disease == disease for row in rows)
        ]
    return [figure.to_json() for figure in figures]


def run(quick: bool) -> list[dict]:
    dataset = load_dataset(REPO / "data")  # its published time points are landmarks too
    times = landmark_times(literature_time_points(dataset))
    reps = 1 if quick else 5
    rows = []
    for patients, target in TARGETS_S.items():
        data = synthetic_cohort_csv(patients)
        for kind, upload in (("CSV", data), (".xlsx", as_workbook(data))):
            name = f"cohort.{kind.lower().strip('.')}"
            rows.append(_measure(kind, patients, target, upload, name, dataset, times, reps))
        rows[-2]["page run s"] = round(_page_run(data, reps), 3)  # the CSV row
    # The ward's file of issue 19 in a real browser: from the upload to every chart painted.
    return [*rows, {"file": "CSV, upload to painted (Chromium)", **upload_painted(reps)}]


def _page_run(data: bytes, reps: int) -> float:
    """Median seconds of the page script from an upload to the drawn page (AppTest)."""
    walls = []
    for _ in range(reps + 1):  # the first run fills the dataset's caches: not counted
        at = app_test("centre", timeout=120).run()
        (uploader,) = [w for w in at.file_uploader if w.key.startswith("centre-upload")]
        uploader.set_value(("cohort.csv", data, "text/csv"))
        walls += timed(at.run, 1)[0]
        if at.exception or not at.get("plotly_chart"):
            raise RuntimeError("the Our centre page did not draw the uploaded cohort")
    return median(walls[1:])


def _measure(kind, patients, target, data, filename, dataset, times, reps) -> dict:
    load = functools.partial(load_cohort, data, filename=filename)

    def validate_estimate_chart():
        results = centre_results(load(), dataset)
        return results, page_figures(results)

    results, figures = validate_estimate_chart()  # untimed: first calls
    walls, cpus = timed(validate_estimate_chart, reps)
    chart_s = median(timed(lambda: page_figures(results), reps)[0])
    groups_s = median(timed(lambda: page_figures(results, groups=True), reps)[0])
    estimate_s = median(timed(lambda: estimate_cohort(results.cohort, times), reps)[0])
    load_s = median(timed(load, reps)[0])
    cohort, held_bytes, load_peak = _traced(load)
    estimates = estimate_cohort(cohort, times)
    _, session_bytes, _ = _traced(lambda: centre_results(load(), dataset))  # the session's
    median_s = median(walls)
    return {
        "patients": f"{patients:,}",
        "file": kind,
        "file MB": round(len(data) / 1e6, 2),
        "runs": reps,
        "validate + estimate + chart s": round(median_s, 3),
        "read + validate s": round(load_s, 3),
        "estimate s": round(estimate_s, 3),
        "chart s": round(chart_s, 3),
        "CPU s": round(median(cpus), 3),
        "target": f"< {target:g} s",
        "": verdict(median_s, target),
        "cohort MB": round(cohort.memory_bytes() / 1e6, 2),
        "held after load MB": round(held_bytes / 1e6, 2),
        "peak in load MB": round(load_peak / 1e6, 1),
        "held in the session MB": round(session_bytes / 1e6, 2),
        "landmarks": len(estimates.landmarks),
        "by-group tab s": round(groups_s, 3),
        "charts MB": round(sum(len(spec) for spec in figures) / 1e6, 2),
        "_times_s": walls,
        "_curve_points": int(sum(len(curve.months) for curve in estimates.curves)),
    }


def _traced(func):
    """`func()`, the bytes it left allocated (its result held) and its peak (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    result = func()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, held, peak


PAINTED_PATIENTS, PAINTED_TARGET_S = 137, 1.0  # the ward file of issue 19 (2.3 s then)


def upload_painted(reps: int) -> dict:
    """From a file set in the Our centre uploader to every chart of the results painted (and to
    the charts of the first screen), in Chromium against `streamlit run` (a new session each
    time, after a warm-up upload); medians."""
    from tests.browser.helpers import StreamlitServer, wait_for_app

    data = synthetic_cohort_csv(PAINTED_PATIENTS)
    walls, cpus, counts, chart_bytes, mains, firsts = [], [], [], [], [], []
    with (server := StreamlitServer(REPO)) as url, chromium() as browser:
        for rep in range(reps + 1):  # the first: server caches, plotly.js fetched
            tab = Tab(browser)
            tab.page.goto(f"{url}/centre", timeout=300_000)
            wait_for_app(tab.page, timeout=300_000)
            tab.payloads.clear()
            before, main_before = cpu_s(server.proc.pid), tab.main_thread_ms()
            start = time.perf_counter()
            tab.page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
                files=[{"name": "cohort.csv", "mimeType": "text/csv", "buffer": data}]
            )
            tab.painted(1, "Landmark estimates", timeout=300_000, first_screen=True)
            first = time.perf_counter() - start
            count = tab.painted(1, "Landmark estimates", timeout=300_000)[1]
            wall = time.perf_counter() - start
            if rep:
                mains.append(tab.main_thread_ms() - main_before)
                walls.append(wall)
                firsts.append(first)
                cpus.append(cpu_s(server.proc.pid) - before)
                counts.append(count)
                chart_bytes.append(sum(tab.summary()["charts"]))
            tab.context.close()
    return {
        "patients": PAINTED_PATIENTS,
        "runs": reps,
        "upload to painted s": round(median(walls), 2),
        "min s": round(min(walls), 2),
        "to the first screen s": round(median(firsts), 2),
        "server CPU s": round(median(cpus), 2),
        "browser main-thread CPU s": round(median(mains) / 1000, 2),
        "charts": median(counts),
        "chart KB": round(median(chart_bytes) / 1024),
        "target": f"< {PAINTED_TARGET_S:g} s",
        "": verdict(median(walls), PAINTED_TARGET_S),
    }
