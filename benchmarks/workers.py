"""Measurements that must run in a fresh process, started by benchmarks.run. Each prints one JSON
object on its last stdout line.

    python -m benchmarks.workers load DATA_DIR [--raise-limit]
    python -m benchmarks.workers apptest SPEC_JSON
    python -m benchmarks.workers deck DATA_DIR
    python -m benchmarks.workers pages
"""

from __future__ import annotations

import time

_T_START = time.perf_counter()  # before any heavy import: cold import time is part of the story

import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _status_kb(field: str) -> int | None:
    """VmRSS / VmHWM of this process, in kB, from /proc/self/status."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _emit(result: dict) -> None:
    sys.stdout.flush()
    print("\n" + json.dumps(result, default=str), flush=True)


# --- (2) cold load + validation ---------------------------------------------------------------


def load(data_dir: str, raise_limit: bool = False) -> dict:
    """Cold load_dataset + figure_table in this fresh process, with the parse/validate split."""
    from lib import dataset as dataset_module
    from lib.queries import figure_table

    t_imported = time.perf_counter()
    spent = {"parse": 0.0, "records": 0.0}

    def timed(name, func):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t0
        return wrapper

    # load_dataset looks these up as module globals at call time, so wrapping them here splits
    # its time without touching lib/: YAML read+parse, per-record validation, and the rest
    # (the root Dataset model with its cross-record integrity rules).
    dataset_module._read_yaml = timed("parse", dataset_module._read_yaml)
    dataset_module._validate_collection = timed("records", dataset_module._validate_collection)
    sizes = {name: (Path(data_dir) / name).stat().st_size for name in dataset_module.FILES}
    limit = dataset_module.MAX_FILE_BYTES
    if raise_limit:
        dataset_module.MAX_FILE_BYTES = max(limit, max(sizes.values()) + 1)
    rss_before = _status_kb("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        ds = dataset_module.load_dataset(data_dir)
    except dataset_module.DataError as error:
        return {"ok": False, "error": [str(p) for p in error.problems[:5]],
                "load_s": time.perf_counter() - t0, "bytes": sum(sizes.values())}
    t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    table = figure_table(ds)
    t_table, c_table = time.perf_counter() - t0, time.process_time() - c0
    return {
        "ok": True, "import_s": t_imported - _T_START, "load_s": t_load,
        "parse_s": spent["parse"], "records_s": spent["records"],
        "integrity_s": t_load - spent["parse"] - spent["records"], "table_s": t_table,
        "load_cpu_s": c_load, "table_cpu_s": c_table,
        "rows": len(table), "studies": len(ds.studies), "outcomes": len(ds.outcomes),
        "bytes": sum(sizes.values()), "largest_file_bytes": max(sizes.values()),
        "limit_bytes": limit, "limit_raised": raise_limit and max(sizes.values()) > limit,
        "rss_before_kb": rss_before, "hwm_kb": _status_kb("VmHWM"),
        "peak_delta_mb": ((_status_kb("VmHWM") or 0) - (rss_before or 0)) / 1024,
    }


# --- (1) page script time through AppTest -----------------------------------------------------


PAGES = ["overview", "induction", "consolidation", "maintenance", "transplant", "relapse",
         "sources"]
ALL_DISEASES = ["AML", "MDS", "ALL"]


def apptest(spec: dict) -> dict:
    """Warm-cache page runs per data size. spec: {"sizes": [[scale, dir, reps, weight], ...],
    "budget_s": seconds for the whole worker}; a size gets `weight` shares of what is left.

    Three clocks per run: `wall` is AppTest.run() (script + AppTest's own element-tree work),
    `script` is the script body (the exec of streamlit_app.py, which runs the page and footer),
    and `page` is StreamlitPage.run() alone (the page script without the entrypoint frame).
    """
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.navigation.page import StreamlitPage
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    clocks: dict[str, float] = {}
    original_exec = script_runner.exec_func_with_error_handling
    original_page_run = StreamlitPage.run

    def exec_timed(func, ctx):
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            return original_exec(func, ctx)
        finally:
            clocks["script"] = time.perf_counter() - t0
            clocks["script_cpu"] = time.thread_time() - c0

    def page_timed(self):
        t0 = time.perf_counter()
        try:
            return original_page_run(self)
        finally:
            clocks["page"] = time.perf_counter() - t0

    script_runner.exec_func_with_error_handling = exec_timed
    StreamlitPage.run = page_timed

    app = str(REPO / "streamlit_app.py")
    deadline = _T_START + float(spec.get("budget_s", 600))
    out: dict = {"floor": None, "sizes": [], "registered": None}

    def one_run(at) -> dict:
        clocks.clear()
        t0 = time.perf_counter()
        try:
            at.run()
        except RuntimeError as error:  # AppTest's own timeout: the script thread runs on
            return {"wall": time.perf_counter() - t0, "script": None, "page": None,
                    "script_cpu": None, "exception": [], "error": str(error)[:200]}
        wall = time.perf_counter() - t0
        return {"wall": wall, "script": clocks.get("script"), "page": clocks.get("page"),
                "script_cpu": clocks.get("script_cpu"),
                "exception": [str(e.value)[:200] for e in at.exception][:1]}

    def save_partial() -> None:
        if spec.get("partial_path"):
            Path(spec["partial_path"]).write_text(json.dumps(out, default=str))

    def open_page(script: str | None, timeout: float):
        at = AppTest.from_file(app, default_timeout=max(60.0, timeout))
        if script:
            at.switch_page(script)
        at.query_params["disease"] = ALL_DISEASES
        return at

    # AppTest floor: a bare script with one small chart; the first runs warm streamlit+plotly.
    floor = AppTest.from_file(str(REPO / "benchmarks" / "apptest_floor_app.py"),
                              default_timeout=60)
    runs = [one_run(floor) for _ in range(12)][2:]
    out["floor"] = {k: statistics.median(r[k] for r in runs)
                    for k in ("wall", "script", "script_cpu")}

    previous: dict[str, float] = {}
    previous_scale = None
    fill_s = 0.0
    pages: list[tuple[str, str | None]] = []  # (name, script for switch_page)
    for index, (scale, data_dir, reps, _weight) in enumerate(spec["sizes"]):
        os.environ["PHASEWISE_DATA_DIR"] = str(data_dir)
        entry: dict = {"scale": scale, "data_dir": str(data_dir), "reps": reps, "pages": {}}
        out["sizes"].append(entry)
        remaining = deadline - time.perf_counter()
        from lib import dataset as dataset_module

        largest = max((Path(data_dir) / name).stat().st_size for name in dataset_module.FILES)
        if largest > dataset_module.MAX_FILE_BYTES:
            entry["skipped"] = (f"load_dataset refuses files over "
                                f"{dataset_module.MAX_FILE_BYTES / 1e6:.0f} MB (largest here "
                                f"{largest / 1e6:.1f} MB): every page shows the error panel")
            entry["refused"] = True
            continue
        if previous and previous_scale:
            # The cache fill and the cheapest page must fit (both grow at least linearly).
            # (the first size's fill also pays every import, so it is not projected from;
            # the load section's cold load+table time at this size is the better guide)
            hint = (spec.get("fill_hint") or {}).get(str(scale))
            fill = 1.3 * hint if hint else fill_s * scale / previous_scale
            need = fill + min(previous.values()) * scale / previous_scale
            if need > remaining:
                entry["skipped"] = (f"projected >= {need:.0f} s for the cache fill and the "
                                    f"cheapest page > {remaining:.0f} s left in the budget")
                continue
        # Cache fill: the app's first run at this size loads, validates and tabulates the
        # dataset (cache_resource), on the default page (overview).
        at = open_page(None, remaining + 30)
        entry["cache_fill"] = one_run(at)
        fill_s = entry["cache_fill"]["wall"] if index else 0.0
        if entry["cache_fill"].get("error"):
            entry["skipped"] = f"the cache-filling first run failed: {entry['cache_fill']['error']}"
            save_partial()
            break  # its script thread may still be running: measure nothing more
        if index == 0:
            registered = getattr(at, "_registered_pages", {}) or {}
            for info in registered.values():
                script = Path(info.get("script_path", ""))
                name = info.get("url_pathname") or "overview"
                rel = f"pages/{script.name}" if script.parent.name == "pages" else None
                pages.append((name, None if name == "overview" else rel))
            if not pages:
                pages = [(p, None if p == "overview" else f"pages/{p}.py") for p in PAGES]
            out["registered"] = [{"name": n, "url_path": "" if n == "overview" else n,
                                  "script": s} for n, s in pages]
        order = sorted(pages, key=lambda p: previous.get(p[0], 0.0))  # cheapest first
        # This size's share of the remaining budget; what it leaves unused flows to the next.
        weights = [0 if _refused(d) else w for _, d, _, w in spec["sizes"][index:]]
        size_deadline = time.perf_counter() + (deadline - time.perf_counter()) * weights[0] / sum(
            weights)
        sessions: dict[str, object] = {}
        firsts: dict[str, dict] = {}
        timed: dict[str, list[dict]] = {name: [] for name, _ in order}
        # Round 0 warms each page (its own caches, e.g. slides per selection) and is reported
        # as `first`; then round-robin timed reruns: every page once before any page twice.
        for round_ in range(reps + 1):
            for name, script in order:
                remaining = size_deadline - time.perf_counter()
                seen = [r["wall"] for r in timed[name]] + (
                    [firsts[name]["wall"]] if name in firsts else [])
                if seen:
                    projected = min(seen)
                elif name in previous and previous_scale:
                    projected = previous[name] * scale / previous_scale
                else:
                    projected = 0.0
                if projected > remaining or (round_ and name not in firsts):
                    if name not in firsts and name not in entry["pages"]:
                        entry["pages"][name] = {"skipped": f"projected >= {projected:.0f} s > "
                                                           f"{max(remaining, 0):.0f} s left"}
                    continue
                if round_ == 0:
                    sessions[name] = open_page(script, deadline - time.perf_counter())
                    firsts[name] = one_run(sessions[name])
                else:
                    timed[name].append(one_run(sessions[name]))
                if (timed[name] or [firsts[name]])[-1].get("error"):
                    break  # a timed-out script thread is still running: stop this size
            else:
                continue
            break
        current: dict[str, float] = {}
        for name, _ in order:
            timed_runs = timed[name]
            if name not in firsts:  # carry the projection on, so the next size skips it too
                if name in previous and previous_scale:
                    current[name] = previous[name] * scale / previous_scale
                continue
            at = sessions[name]
            warm = bool(timed_runs)
            timed_runs = timed_runs or [firsts[name]]  # only the first run fitted the budget
            result = {"runs": timed_runs, "first": firsts[name], "warm": warm,
                      "charts": len(at.get("plotly_chart")),
                      "elements": sum(1 for _ in _walk(at._tree)),
                      "title": at.title[0].value if len(at.title) else None,
                      "exception": timed_runs[-1]["exception"],
                      "error": timed_runs[-1].get("error")}
            for key in ("wall", "script", "page", "script_cpu"):
                values = [r[key] for r in timed_runs if r[key] is not None]
                result[key] = statistics.median(values) if values else None
            result["n"] = len(timed_runs)
            entry["pages"][name] = result
            current[name] = result["wall"]
        sessions.clear()
        # keep the display order of the app
        entry["pages"] = {n: entry["pages"][n] for n, _ in pages if n in entry["pages"]}
        previous, previous_scale = current, scale
        save_partial()
        if any(r.get("error") for r in [*firsts.values(), *sum(timed.values(), [])]):
            entry["stopped"] = "an AppTest run timed out; later sizes not measured"
            break
    return out


def registered_pages() -> list[dict]:
    """The app's pages as st.navigation registers them: name, URL path, script."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
    pages = []
    for info in (getattr(at, "_registered_pages", {}) or {}).values():
        name = info.get("url_pathname") or "overview"
        pages.append({"name": name, "url_path": info.get("url_pathname") or "",
                      "script": f"pages/{Path(info.get('script_path', '')).name}"})
    return pages


def _refused(data_dir) -> bool:
    """True when load_dataset would refuse the directory for its file sizes alone."""
    from lib import dataset as dataset_module

    return any((Path(data_dir) / n).stat().st_size > dataset_module.MAX_FILE_BYTES
               for n in dataset_module.FILES)


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


# --- (6) deck export ---------------------------------------------------------------------------


def deck(data_dir: str) -> dict:
    """Full-deck build time, cold (first build in a fresh process) and warm (second build)."""
    try:
        from lib import deck as deck_module
    except ImportError as error:
        return {"available": False, "reason": f"lib/deck.py not importable ({error})"}
    build = getattr(deck_module, "build_deck", None)
    if build is None:
        return {"available": False, "reason": "lib.deck has no build_deck yet"}
    from lib.dataset import load_dataset
    from lib.queries import figure_table
    from lib.vocabulary import DISEASES

    ds = load_dataset(data_dir)
    table = figure_table(ds)
    times, sizes = [], []
    for _ in range(2):
        t0 = time.perf_counter()
        result = build(ds, table, list(DISEASES))
        times.append(time.perf_counter() - t0)
        sizes.append(_size_of(result))
    out = {"available": True, "cold_s": times[0], "warm_s": times[1], "output_bytes": sizes[-1],
           "output_type": type(result).__name__}
    # The same deck with one exporter (headless browser) kept across builds, as a server would:
    # separates the browser start from the per-build work.
    try:
        import inspect

        from lib import images

        if "exporter" in inspect.signature(build).parameters:
            exporter = images.ImageExporter().__enter__()
            try:
                shared = []
                for _ in range(2):
                    t0 = time.perf_counter()
                    build(ds, table, list(DISEASES), exporter)
                    shared.append(time.perf_counter() - t0)
                out["shared_exporter_first_s"], out["shared_exporter_second_s"] = shared
            finally:
                exporter.__exit__(None, None, None)
    except Exception as error:  # noqa: BLE001 - an optional extra measurement
        out["shared_exporter_error"] = f"{type(error).__name__}: {error}"[:200]
    out["hwm_kb"] = _status_kb("VmHWM")
    return out


def _size_of(result) -> int | None:
    if isinstance(result, bytes | bytearray):
        return len(result)
    if hasattr(result, "getbuffer"):
        return result.getbuffer().nbytes
    if isinstance(result, str | Path) and Path(result).exists():
        return Path(result).stat().st_size
    if hasattr(result, "save"):  # a python-pptx Presentation
        import io

        buffer = io.BytesIO()
        result.save(buffer)
        return buffer.getbuffer().nbytes
    return None


def main(argv: list[str]) -> int:
    command, *rest = argv
    if command == "load":
        result = load(rest[0], raise_limit="--raise-limit" in rest)
    elif command == "apptest":
        result = apptest(json.loads(rest[0]))
    elif command == "deck":
        result = deck(rest[0])
    elif command == "pages":
        result = {"registered": registered_pages()}
    else:
        print(__doc__, file=sys.stderr)
        return 2
    _emit(result)
    # A timed-out AppTest script thread may still be running; do not wait for it.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
