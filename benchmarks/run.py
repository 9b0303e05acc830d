"""Phasewise benchmark harness (`make bench`): a script, not timed tests.

    python -m benchmarks.run [--quick] [--sizes 1,10,100,1000]
                             [--json benchmarks/results/latest.json]
                             [--only load,pages,browser,deck] [--max-total 720] [--wait-quiet 0]

Prints one Markdown table per measurement (median, p95 where relevant, target, PASS/MISS) and
writes every raw number to JSON. All times are medians over repeated runs; every comparison is a
ratio of two numbers taken in the same run. Slow sizes are bounded: before each measurement the
harness projects its cost from the previous size (at least linear growth, or the growth already
observed) and skips it, saying so, when it would not fit the time budget.

  (1) page script time per page, warm cache, AppTest (benchmarks.workers apptest)
  (2) cold load + validation + flat table, fresh process per run (benchmarks.workers load)
  (3) time to painted per page vs a bare one-chart page (benchmarks/anchor_app.py), chromium
  (4) filter change on /maintenance (remove a disease chip -> charts repainted)
  (5) 20 concurrent browser sessions for 60 s: errors, median/p95, server RSS per session
  (6) deck export (lib.deck.build_deck), cold and warm
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import synthetic  # noqa: E402

DEFAULT_JSON = REPO / "benchmarks" / "results" / "latest.json"
PYTHON = sys.executable

TARGETS = {
    "page_ms": {1: 50.0, 100: 250.0},
    "load_s": {1: 0.3, 100: 3.0},
    "linear_exponent": 1.15,  # growth t ~ size^k; k <= 1.15 counts as linear
    "painted_ratio": 1.3,
    "filter_ms": 500.0,
    "p95_vs_single": 3.0,
    "mb_per_session": 15.0,
}


class Budget(Exception):
    """The harness ran out of its total time budget."""


# --- small helpers ---------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f}"


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "MISS")


def table(title: str, header: list[str], rows: list[list], note: str = "") -> str:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def exponent(t1: float | None, t2: float | None, s1: int, s2: int) -> float | None:
    """k in t ~ size^k between two sizes (1.0 = linear, 2.0 = quadratic)."""
    if not t1 or not t2 or t1 <= 0 or t2 <= 0 or s1 == s2:
        return None
    return math.log(t2 / t1) / math.log(s2 / s1)


def run_worker(args: list[str], timeout: float) -> dict:
    """Run `python -m benchmarks.workers ARGS` and parse the JSON on its last stdout line."""
    cmd = [PYTHON, "-m", "benchmarks.workers", *args]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    try:
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "timeout_s": timeout}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"failed": True, "returncode": proc.returncode,
                "stderr": proc.stderr[-2000:], "stdout": proc.stdout[-500:]}
    return json.loads(lines[-1])


def machine() -> dict:
    info: dict = {"nproc": os.cpu_count(), "python": platform.python_version(),
                  "platform": platform.platform()}
    try:
        info["nproc"] = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
    except (OSError, ValueError):
        pass
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                           if line.startswith("model name"))
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(next(line.split()[1] for line in meminfo.splitlines()
                      if line.startswith("MemTotal")))
        info["ram_gb"] = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError):
        pass
    for package in ("streamlit", "plotly", "pandas", "pydantic", "PyYAML", "kaleido",
                    "playwright", "orjson"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    try:
        chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True,
                                  text=True, timeout=20).stdout.strip()
        info["chromium"] = chromium
    except (OSError, subprocess.TimeoutExpired):
        info["chromium"] = None
    return info


def code_hash() -> str:
    """A hash of the measured code (streamlit_app.py, lib/, pages/): which version ran."""
    digest = hashlib.sha256()
    files = [REPO / "streamlit_app.py", *sorted((REPO / "lib").glob("*.py")),
             *sorted((REPO / "pages").glob("*.py"))]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def wait_quiet(max_wait_s: float, threshold: float) -> float:
    """Wait (bounded) for other work on the machine to calm down; return the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < max_wait_s and os.getloadavg()[0] > threshold:
        time.sleep(2.0)
    return time.monotonic() - t0


def load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- (2) load + validation --------------------------------------------------------------------


def bench_load(dirs: dict[int, Path], reps: dict[int, int], budget_s: float) -> dict:
    from lib.dataset import FILES, MAX_FILE_BYTES

    deadline = time.monotonic() + budget_s
    out: dict = {}
    previous: list[tuple[int, float]] = []  # (scale, seconds per fresh-process run)
    for scale, data_dir in dirs.items():
        sizes = {name: (Path(data_dir) / name).stat().st_size for name in FILES}
        entry: dict = {"scale": scale, "dir": str(data_dir), "runs": [],
                       "bytes": sum(sizes.values())}
        out[scale] = entry
        args = ["load", str(data_dir)]
        largest = max(sizes.values())
        if largest > MAX_FILE_BYTES:  # load_dataset refuses it outright; measure past the limit
            entry["refused"] = [f"file is {largest / 1e6:.1f} MB; the limit is "
                                f"{MAX_FILE_BYTES / 1e6:.0f} MB"]
            args.append("--raise-limit")
        per_run = None
        if previous:
            (s0, t0) = previous[-1]
            k = 1.0
            if len(previous) >= 2:
                k = max(1.0, exponent(previous[-2][1], t0, previous[-2][0], s0) or 1.0)
            per_run = t0 * (scale / s0) ** k
            entry["projected_s"] = per_run
        want = reps.get(scale, 1)
        while len(entry["runs"]) < want:
            remaining = deadline - time.monotonic()
            if per_run is not None and per_run > remaining:
                entry["skipped"] = (f"{len(entry['runs'])} of {want} runs: projected "
                                    f"{per_run:.0f} s per run > {max(remaining, 0):.0f} s left")
                break
            result = run_worker(args, timeout=max(30, remaining + 15))
            if not result.get("ok"):
                entry["error"] = result
                break
            entry["runs"].append(result)
            per_run = result["load_s"] + result["table_s"] + result["import_s"]
        if entry["runs"]:
            for key in ("load_s", "parse_s", "records_s", "integrity_s", "table_s", "import_s",
                        "peak_delta_mb", "hwm_kb", "load_cpu_s", "table_cpu_s"):
                entry[key] = statistics.median(r[key] for r in entry["runs"])
            entry["n"] = len(entry["runs"])
            entry["limit_raised"] = entry["runs"][0].get("limit_raised", False)
            entry["rows"] = entry["runs"][0]["rows"]
            previous.append((scale, statistics.median(
                r["load_s"] + r["table_s"] + r["import_s"] for r in entry["runs"])))
    return out


def report_load(load: dict) -> str:
    rows = []
    scales = sorted(load)
    for scale in scales:
        e = load[scale]
        target = TARGETS["load_s"].get(scale)
        total = (e["load_s"] + e["table_s"]) if "load_s" in e else None
        ok = None if target is None or "load_s" not in e else e["load_s"] < target
        if "load_s" not in e and target is not None:
            ok = False if e.get("projected_s", 0) > target else None
        note = []
        if e.get("refused"):
            note.append("refused by load_dataset: " + e["refused"][0]
                        + (" (measured with the limit raised)" if "load_s" in e else ""))
        if e.get("skipped"):
            note.append("skipped " + e["skipped"])
        if e.get("projected_s") and "load_s" not in e:
            note.append(f"projected ~{e['projected_s']:.0f} s")
        if e.get("error"):
            err = e["error"]
            note.append(f"timed out after {err['timeout_s']:.0f} s" if err.get("timeout")
                        else "error: " + str(err)[:120])
        rows.append([f"{scale}x", _fmt((e.get("bytes") or 0) / 1e6, 1), e.get("rows", "-"),
                     e.get("n", 0), _fmt(e.get("load_s"), 3), _fmt(e.get("parse_s"), 3),
                     _fmt(e.get("records_s"), 3), _fmt(e.get("integrity_s"), 3),
                     _fmt(e.get("table_s"), 3), _fmt(total, 3),
                     _fmt((e["load_cpu_s"] + e["table_cpu_s"]) if "load_cpu_s" in e else None, 3),
                     _fmt(e.get("peak_delta_mb"), 1),
                     "-" if target is None else f"< {target} s", verdict(ok), "; ".join(note)])
    growth = []
    measured = [s for s in scales if "load_s" in load[s]]
    for a, b in zip(measured, measured[1:], strict=False):
        for key, label in (("load_s", "load+validate"), ("table_s", "figure_table"),
                           ("peak_delta_mb", "peak memory")):
            ea, eb = load[a][key], load[b][key]
            k = exponent(ea, eb, a, b)
            ok = None if k is None or key == "peak_delta_mb" else k <= TARGETS["linear_exponent"]
            growth.append([f"{a}x -> {b}x", label, _fmt(eb / ea if ea else None, 1),
                           f"{b // a}", _fmt(k, 2), "linear (k <= 1.15)" if key != "peak_delta_mb"
                           else "-", verdict(ok)])
    text = table("(2) Cold load + validation (fresh process per run, seconds)",
                 ["size", "MB", "rows", "n", "load_dataset", "YAML parse", "record validation",
                  "integrity", "figure_table", "load+table", "load+table CPU", "peak mem MB",
                  "target", "",
                  "note"], rows,
                 "load_dataset = parse + record validation + integrity (the root Dataset model). "
                 "peak mem = VmHWM after load+table minus VmRSS before (imports excluded).")
    text += "\n" + table("(2b) Growth between sizes", ["sizes", "what", "time ratio",
                                                        "size ratio", "exponent k", "target", ""],
                         growth, "k = log(t2/t1)/log(s2/s1): 1 = linear, 2 = quadratic.")
    return text


# --- (1) page script time ---------------------------------------------------------------------


def bench_pages(dirs: dict[int, Path], reps: dict[int, int], budget_s: float,
                load: dict | None = None) -> dict:
    weights = {1: 2, 10: 3, 100: 3}
    partial = Path("/tmp") / f"phasewise-bench-pages-{os.getpid()}.json"
    spec = {"sizes": [[scale, str(d), reps.get(scale, 1), weights.get(scale, 1)]
                      for scale, d in dirs.items()],
            "budget_s": budget_s, "partial_path": str(partial),
            # the cold load+table time per size, to project the AppTest cache fill
            "fill_hint": {str(k): e["load_s"] + e["table_s"] for k, e in (load or {}).items()
                          if "load_s" in e}}
    result = run_worker(["apptest", json.dumps(spec)], timeout=budget_s + 90)
    if (result.get("failed") or result.get("timeout")) and partial.exists():
        # keep the sizes the worker finished before it failed or ran out of time
        result = {**json.loads(partial.read_text()), "worker_error": result}
    partial.unlink(missing_ok=True)
    return result


def report_pages(pages: dict) -> str:
    if pages.get("timeout") or pages.get("failed"):
        detail = pages.get("stderr", "")[-300:] if pages.get("failed") else "timed out"
        return table("(1) Page script time", ["error"], [[detail.replace("\n", " ")]])
    floor = pages["floor"]
    sizes = pages["sizes"]
    rows = []
    for entry in sizes:
        scale = entry["scale"]
        target = TARGETS["page_ms"].get(scale)
        if entry.get("skipped"):
            rows.append([f"{scale}x", "(all)", "-", "-", "-", "-", "-", "-", "-", "-", "-",
                         "-" if target is None else f"< {target:.0f} ms",
                         "MISS (projected)" if target and not entry.get("refused") else "-",
                         entry["skipped"]])
        for name, r in entry["pages"].items():
            if "skipped" in r:
                ok = "-"
                if target and r.get("projected_s") is not None:
                    ok = "MISS (projected)" if r["projected_s"] * 1000 > target \
                        else "PASS (projected)"
                rows.append([f"{scale}x", name, "-", "-", "-", "-", "-", "-", "-", "-", "-",
                             "-" if target is None else f"< {target:.0f} ms", ok, r["skipped"]])
                continue
            ok = None if target is None or r["script"] is None else r["script"] * 1000 < target
            n = r["n"] if r.get("warm", True) else f"{r['n']}*"
            rows.append([f"{scale}x", name, n, _ms(r.get("first", {}).get("script")),
                         _ms(r["wall"]), _ms(r["script"]),
                         _ms(r.get("script_cpu")), _ms(r["page"]), _ms(r["wall"] - floor["wall"]),
                         _fmt(r["wall"] / floor["wall"], 0), r["charts"],
                         "-" if target is None else f"< {target:.0f} ms", verdict(ok),
                         "; ".join(r["exception"] + ([r["error"]] if r.get("error") else []))
                         [:160]])
    fills = ", ".join(f"{e['scale']}x {e['cache_fill']['wall']:.1f} s" for e in sizes
                      if e.get("cache_fill"))
    note = (f"AppTest floor (bare script, one small chart): AppTest.run {_ms(floor['wall'])} ms, "
            f"script {_ms(floor['script'])} ms. `script` = exec of streamlit_app.py (frame + page "
            f"+ footer, what the target is judged on); `script CPU` = CPU time of the script "
            f"thread (robust to other load on the machine); `page` = StreamlitPage.run alone; "
            f"`AppTest.run` adds AppTest's element-tree parsing. Cache-filling first run "
            f"(load + validate + table at that size): {fills}. `first run` = the page's first "
            f"run in its session (fills per-page caches, script ms), not in the median; n* = only "
            f"that first run fitted the time budget. All three diseases selected.")
    if pages.get("worker_error"):
        note += f" The worker stopped early: {str(pages['worker_error'])[-200:]}"
    return table("(1) Page script time, warm cache (ms, median)",
                 ["size", "page", "n", "first run", "AppTest.run", "script", "script CPU",
                  "page only",
                  "run - floor",
                  "run / floor", "charts", "target", "", "note"], rows, note)


def project_pages(pages: dict) -> None:
    """Fill `projected_s` for skipped pages from the two previous sizes' growth."""
    if pages.get("failed") or pages.get("timeout"):
        return
    sizes = pages["sizes"]
    history: dict[str, list[tuple[int, float]]] = {}
    for entry in sizes:
        if entry.get("skipped") and not entry.get("refused"):
            entry["pages"] = {name: {"skipped": "size not measured"} for name in history}
        elif not entry.get("refused"):  # pages the budget (or a timeout) left unmeasured
            order = list(history) + [n for n in entry["pages"] if n not in history]
            entry["pages"] = {n: entry["pages"].get(n, {"skipped": "not measured"})
                              for n in order}
        for name, r in entry["pages"].items():
            if "skipped" in r or r.get("script") is None:
                points = history.get(name, [])
                if points:
                    s0, t0 = points[-1]
                    k = 1.0
                    if len(points) >= 2:
                        k = max(0.0, exponent(points[-2][1], t0, points[-2][0], s0) or 1.0)
                    r["projected_s"] = t0 * (entry["scale"] / s0) ** k
                    r["skipped"] = (r.get("skipped") or r.get("error") or "not measured") + (
                        f"; projected ~{r['projected_s']:,.1f} s per run "
                        f"(from {s0}x, growth k={k:.2f})")
                continue
            if r.get("warm", True):  # a first-run-only (cold page cache) value would mislead
                history.setdefault(name, []).append((entry["scale"], r["script"]))


# --- (3)(4)(5) browser ------------------------------------------------------------------------


def bench_browser(page_paths: list[tuple[str, str]], phases: list[str], *, reps: int,
                  filter_reps: int, sessions: int, duration_s: float, budget_s: float,
                  parts: tuple[str, ...], out: dict) -> dict:
    from benchmarks import browser
    from tests.browser.helpers import StreamlitServer

    servers: list = []

    def start(script: str = "streamlit_app.py") -> StreamlitServer:
        server = StreamlitServer(REPO, script=script, data_dir=REPO / "data")
        servers.append(server)
        server.start()
        return server

    try:
        app = start()
        anchor = start("benchmarks/anchor_app.py")

        def concurrency_server():
            server = start()
            return server.url, server.proc.pid

        deadline = time.monotonic() + budget_s
        result = asyncio.run(browser.run_all(
            app.url, anchor.url, page_paths, phases, reps=reps, filter_reps=filter_reps,
            sessions=sessions, duration_s=duration_s, deadline=deadline,
            concurrency_server=concurrency_server, parts=parts, out=out))
        result["load_avg_after"] = load_avg()
        return result
    finally:
        for server in reversed(servers):
            server.stop()


def report_browser(b: dict, single_page_open: dict | None = None) -> str:
    text = ""
    painted = b.get("painted")
    if painted:
        targets = painted["targets"]
        anchor = targets["anchor"]
        rows = []
        for name, t in targets.items():
            ratio = t["median"] / anchor["median"] if t["median"] and anchor["median"] else None
            ok = None if name == "anchor" or ratio is None else ratio <= TARGETS["painted_ratio"]
            if name != "anchor" and t["median"] is None:
                ok = False
            done = t.get("script_done_median")
            rows.append([name, t["n"], _fmt(t["median"], 0), _fmt(t["p95"], 0),
                         _fmt(t["min"], 0), _fmt(t["max"], 0), _fmt(done, 0),
                         _fmt(t["median"] - done if done and t["median"] else None, 0),
                         t["charts"], t["elements"],
                         _fmt(ratio, 2), "-" if name == "anchor" else "<= 1.3x", verdict(ok),
                         t["errors"] or ""])
        text += table("(3) Time to painted, navigation -> last chart drawn (ms)",
                      ["page", "n", "median", "p95", "min", "max", "script done", "drawing",
                       "charts", "elements", "vs anchor", "target", "", "errors"], rows,
                      "Anchor = benchmarks/anchor_app.py (st.title + one go.Bar), served the "
                      "same way, measured interleaved in the same run. Times from "
                      "performance.now() in the page (origin = navigation start). `script done` "
                      "= median time the script state last turned notRunning (server run + "
                      "transfer); `drawing` = median - script done (browser layout and Plotly).")
    f = b.get("filter")
    if f:
        ok = None if f["median"] is None else f["median"] < TARGETS["filter_ms"]
        if f["median"] is None:
            ok = False
        text += "\n" + table("(4) Filter change (ms)",
                             ["page", "action", "n", "median", "p95", "max", "charts after",
                              "target", "", "errors"],
                             [[f["url"].rsplit("/", 1)[-1], f"remove {f['removed']}", f["n"],
                               _fmt(f["median"], 0), _fmt(f["p95"], 0), _fmt(f["max"], 0),
                               f["charts_after"], "< 500 ms", verdict(ok),
                               ", ".join(f["error_kinds"]) or ""]],
                             "From the click on the chip's remove button to the rerun finished "
                             "(a `running` state seen, then `notRunning`) and every chart drawn.")
    c = b.get("concurrency")
    if c:
        single, conc = c["single"]["all"], c["concurrent"]["all"]
        ref = single["median"]
        ratio = conc["p95"] / ref if conc["p95"] and ref else None
        ratio_p95 = conc["p95"] / single["p95"] if conc["p95"] and single["p95"] else None
        rss = c["concurrent"]["rss"]
        per = c["per_session_mb"]
        mb = lambda key: _fmt((rss.get(key) or 0) / 1024, 0)  # noqa: E731
        rows = [
            [f"errors ({c['sessions']} sessions)", conc["errors"], "0",
             verdict(conc["errors"] == 0), ", ".join(conc["error_kinds"])],
            ["1 session: median / p95 (ms)",
             f"{_fmt(single['median'], 0)} / {_fmt(single['p95'], 0)} (n={single['n']})", "-",
             "-", f"reference; errors {single['errors']}"],
            [f"{c['sessions']} sessions: median / p95 (ms)",
             f"{_fmt(conc['median'], 0)} / {_fmt(conc['p95'], 0)} (n={conc['n']})", "-", "-",
             f"max {_fmt(conc['max'], 0)}; {_fmt(c['concurrent']['pages_per_s'], 2)} pages/s "
             f"vs {_fmt(c['single']['pages_per_s'], 2)} with 1 session"],
            [f"p95 ({c['sessions']}) / median (1)", _fmt(ratio, 2), "< 3x",
             verdict(None if ratio is None else ratio < TARGETS["p95_vs_single"]),
             f"p95 ({c['sessions']}) / p95 (1) = {_fmt(ratio_p95, 2)}"],
            ["server CPU per page drawn (ms)",
             f"{_fmt((c['single'].get('server_cpu_per_page_s') or 0) * 1000, 0)} (1 session) / "
             f"{_fmt((c['concurrent'].get('server_cpu_per_page_s') or 0) * 1000, 0)} "
             f"({c['sessions']} sessions)", "-", "-",
             f"server CPU in the {c['sessions']}-session run "
             f"{_fmt(c['concurrent'].get('server_cpu_s'), 1)} s for {conc['n']} pages drawn; "
             "scripts share one GIL, so at most ~1 core of page runs"],
            [f"first page, {c['sessions']} at once: median / p95 (ms)",
             f"{_fmt(c['concurrent']['first']['median'], 0)} / "
             f"{_fmt(c['concurrent']['first']['p95'], 0)}", "-", "-",
             f"all open after {_fmt(rss.get('opened_after_s'), 1)} s"],
            ["server RSS before / all open / peak / end (MB)",
             f"{mb('before_kb')} / {mb('opened_kb')} / {mb('peak_kb')} / {mb('end_kb')}", "-",
             "-", f"run {_fmt(rss.get('elapsed_s'), 0)} s"],
            ["server memory per added session (MB)", _fmt(per, 1), "< 15 MB",
             verdict(None if per is None else per < TARGETS["mb_per_session"]),
             f"(RSS all open - RSS before) / {c['sessions']}"],
        ]
        text += "\n" + table(f"(5) Concurrency: {c['sessions']} sessions for "
                             f"{c['duration_s']:.0f} s", ["metric", "value", "target", "", "note"],
                             rows,
                             "Each session (its own browser context, one chromium) opens a "
                             "phase page and keeps opening the next one (a navigation each) until "
                             "the time is up; each load is bounded by "
                             f"{c['timeout_ms'] / 1000:.0f} s (a timeout is an error). Time = "
                             "navigation -> every chart drawn, as in (3). The single-session "
                             "reference is the same loop with one session on the same server in "
                             "the same run. Chromium runs on the same 2 cores as the server.")
    return text


# --- (5b) server under 20 protocol-level sessions -------------------------------------------------

THINK_S = 3.0  # a clinician reads a page for a few seconds before opening the next


def bench_sessions(sessions: int, duration_s: float) -> dict:
    """20 light clients speaking Streamlit's WebSocket protocol (benchmarks.sessions): the
    server's own behaviour, without 20 Chromium renderers competing for the same 2 cores."""
    from benchmarks.sessions import PHASE_PAGES, run_sessions
    from tests.browser.helpers import StreamlitServer

    out = {}
    for mode, think in (("back_to_back", 0.0), ("reading", THINK_S)):
        server = StreamlitServer(REPO, data_dir=REPO / "data")
        with server as url:
            out[mode] = run_sessions(url, server.proc.pid, PHASE_PAGES, sessions, duration_s,
                                     think_s=think)
    return out


def report_sessions(r: dict) -> str:
    rows = []
    for mode, label in (("back_to_back", "back to back"), ("reading", f"reading ~{THINK_S:.0f} s")):
        m = r.get(mode)
        if not m:
            continue
        one, many = m["single"]["views"], m["concurrent"]["views"]
        first = m["concurrent"]["first_views"]
        errors = m["concurrent"]["errors"]["total"]
        ratio = m["p95_vs_single_median"]
        health = m["health"]
        rows.append([
            label, m["sessions"], errors, f"{_fmt(one['median_ms'], 0)} / {_fmt(one['p95_ms'], 0)}",
            f"{_fmt(many['median_ms'], 0)} / {_fmt(many['p95_ms'], 0)} (n={many['n']})",
            f"{_fmt(first['median_ms'], 0)} / {_fmt(first['p95_ms'], 0)}",
            f"{_fmt(ratio, 1)}x", verdict(None if ratio is None else ratio < 3),
            _fmt(m["concurrent"]["views_per_s"], 1),
            _fmt(m["concurrent"]["server_cpu_per_view_ms"], 0),
            _fmt(m["mb_per_session"], 2),
            f"{health['count']} / {health['failures']} / {_fmt(health['max_ms'], 0)}",
        ])
    return table(
        "(5b) Server under concurrent sessions (protocol-level clients, 60 s)",
        ["sessions open pages", "n", "errors", "1 session median / p95 (ms)",
         "20 sessions median / p95 (ms)", "first view, all at once: median / p95",
         "p95 (20) / median (1)", "< 3x", "views/s", "server CPU per view (ms)",
         "MB per session", "health polls / failures / max ms"],
        rows,
        "Each session is one WebSocket connection speaking Streamlit's protocol "
        "(benchmarks/sessions.py) that opens the five phase pages in turn, starting together; "
        "time = rerun request -> script finished (server work + transfer; no browser drawing, "
        "which (3) measures). `back to back`: no pause between views (a stress test: the "
        "server's capacity); `reading`: 1.5-4.5 s between views. Script runs share one Python "
        "interpreter (GIL), so 20 requests at the same moment queue behind each other: the first "
        "views show that queue. /_stcore/health polled every 0.5 s during the run and 5 s after.",
    )


# --- (6) deck ------------------------------------------------------------------------------------


def bench_deck(timeout_s: float) -> dict:
    if not (REPO / "lib" / "deck.py").exists():
        return {"available": False, "reason": "lib/deck.py does not exist yet"}
    return run_worker(["deck", str(REPO / "data")], timeout=timeout_s)


def report_deck(d: dict) -> str:
    if not d.get("available"):
        reason = d.get("reason") or ("timed out" if d.get("timeout") else str(d)[:300])
        return table("(6) Deck export", ["status"], [[f"not available: {reason}"]])
    return table("(6) Deck export, full deck (all diseases), seconds",
                 ["cold (first build)", "warm (second build)", "shared exporter: 1st / 2nd",
                  "output", "peak RSS MB"],
                 [[_fmt(d["cold_s"], 2), _fmt(d["warm_s"], 2),
                   f"{_fmt(d.get('shared_exporter_first_s'), 2)} / "
                   f"{_fmt(d.get('shared_exporter_second_s'), 2)}",
                   f"{(d.get('output_bytes') or 0) / 1e6:.1f} MB {d.get('output_type')}",
                   _fmt((d.get("hwm_kb") or 0) / 1024, 0)]],
                 "No target. build_deck(ds, table, diseases) without an exporter starts its own "
                 "kaleido/chromium each call, so `warm` has warm imports but a cold browser; "
                 "`shared exporter` passes one lib.images.ImageExporter to two builds (the first "
                 "pays the browser start, the second is the per-build work).")


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions, sizes 1,10, 15 s concurrency (for iterating)")
    parser.add_argument("--sizes", default=None, help="comma-separated scales (default 1,10,100,"
                                                      "1000; --quick: 1,10)")
    parser.add_argument("--json", default=str(DEFAULT_JSON), help="where to write results")
    parser.add_argument("--only", default="load,pages,browser,sessions,deck",
                        help="comma-separated sections: load,pages,browser,sessions,deck "
                             "(browser = painted,filter,concurrency, which can also be chosen "
                             "alone)")
    parser.add_argument("--max-total", type=float, default=None,
                        help="hard limit for the whole run in seconds (default 1080, quick 540)")
    parser.add_argument("--sessions", type=int, default=20,
                        help="protocol-level sessions for (5b)")
    parser.add_argument("--browser-sessions", type=int, default=5,
                        help="browser sessions for (5): each is a Chromium renderer on the "
                             "same 2 cores as the server, so 20 of them measure the browser")
    parser.add_argument("--budget-scale", type=float, default=1.0,
                        help="multiply every section's time budget (and --max-total) by this, "
                             "e.g. 4 to measure the 10x/100x pages a 10-minute run projects")
    parser.add_argument("--wait-quiet", type=float, default=0.0,
                        help="wait up to this many seconds for the 1-minute load average to "
                             "drop below --quiet-load before starting (default 0 = no wait)")
    parser.add_argument("--quiet-load", type=float, default=1.0)
    return parser.parse_args(argv)


@contextlib.contextmanager
def section(results: dict, name: str):
    """A failing measurement is reported and the next one still runs (Ctrl-C still stops)."""
    try:
        yield
    except Exception as error:  # noqa: BLE001
        results.setdefault("section_errors", {})[name] = f"{type(error).__name__}: {error}"
        print(f"({name}) failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)


def _on_alarm(signum, frame):
    raise Budget("total time budget exceeded")


def _on_term(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quick = args.quick
    sizes = [int(s) for s in (args.sizes or ("1,10" if quick else "1,10,100,1000")).split(",")]
    only = set(args.only.split(","))
    max_total = args.max_total or (540 if quick else 1080) * args.budget_scale
    # Per-section budgets (seconds); slow sizes are skipped with a projection, not run over time.
    budgets = {"load": 60 if quick else 90, "pages": 100 if quick else 180,
               "painted": 45 if quick else 60, "deck": 150}
    budgets = {k: v * args.budget_scale for k, v in budgets.items()}
    reps_load = {1: 5, 10: 3, 100: 1, 1000: 1} if not quick else {1: 3, 10: 1}
    reps_pages = {1: 5, 10: 2, 100: 1, 1000: 1} if not quick else {1: 3, 10: 1}
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGALRM, _on_alarm)
    waited = wait_quiet(args.wait_quiet, args.quiet_load)
    signal.alarm(int(max_total))
    t_start = time.monotonic()
    results: dict = {
        "waited_for_quiet_s": waited,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick, "sizes": sizes, "budgets": budgets, "machine": machine(),
        "code_hash": code_hash(),
        "data_hash": synthetic.data_hash(), "load_avg_start": load_avg(), "targets": TARGETS,
    }
    out_path = Path(args.json)
    report: list[str] = []
    status = 0
    try:
        m = results["machine"]
        if results["load_avg_start"][0] > (os.cpu_count() or 1):
            print(f"warning: load average {results['load_avg_start']} on {os.cpu_count()} cores:"
                  " other work is running; wall times will be inflated (CPU times less so)",
                  flush=True)
        print(f"Phasewise benchmarks {results['date']} on {m.get('nproc')} x {m.get('cpu')}, "
              f"{m.get('ram_gb')} GB; python {m['python']}, streamlit {m['streamlit']}, "
              f"plotly {m['plotly']}; load average {results['load_avg_start']}", flush=True)
        t0 = time.monotonic()
        dirs = {scale: synthetic.cached(scale) for scale in sizes}
        results["generate_s"] = time.monotonic() - t0
        results["data_dirs"] = {str(k): str(v) for k, v in dirs.items()}

        if "load" in only:
            print("(2) load + validation ...", flush=True)
            with section(results, "load"):
                results["load"] = bench_load(dirs, reps_load, budgets["load"])
                report.append(report_load(results["load"]))
                print(report[-1], flush=True)

        registered = None
        if "pages" in only:
            print("(1) page script time (AppTest) ...", flush=True)
            with section(results, "pages"):
                results["pages"] = bench_pages(dirs, reps_pages, budgets["pages"],
                                               results.get("load"))
                registered = results["pages"].get("registered")
                project_pages(results["pages"])
                report.append(report_pages(results["pages"]))
                print(report[-1], flush=True)

        browser_parts = tuple(p for p in ("painted", "filter", "concurrency")
                              if p in only or "browser" in only)
        if browser_parts:
            print("(3)-(5) browser ...", flush=True)
            if not registered:
                registered = run_worker(["pages"], timeout=120).get("registered")
            page_paths = [(p["name"], p["url_path"]) for p in registered] if registered else \
                _default_pages()
            phases = [name for name, path in page_paths if name in _phases()]
            results["browser"] = {}
            with section(results, "browser"):
                bench_browser(
                    page_paths, phases, reps=3 if quick else 5, filter_reps=3 if quick else 5,
                    sessions=args.browser_sessions, duration_s=15 if quick else 60,
                    budget_s=budgets["painted"], parts=browser_parts, out=results["browser"])
                report.append(report_browser(results["browser"]))
                print(report[-1], flush=True)

        if "sessions" in only:
            print("(5b) protocol-level sessions ...", flush=True)
            with section(results, "sessions"):
                results["sessions"] = bench_sessions(args.sessions, 15 if quick else 60)
                report.append(report_sessions(results["sessions"]))
                print(report[-1], flush=True)

        if "deck" in only:
            print("(6) deck export ...", flush=True)
            with section(results, "deck"):
                results["deck"] = bench_deck(budgets["deck"])
                report.append(report_deck(results["deck"]))
                print(report[-1], flush=True)
    except (KeyboardInterrupt, Budget) as stop:
        results["interrupted"] = type(stop).__name__
        print(f"stopped: {type(stop).__name__}; writing partial results", file=sys.stderr)
        status = 130 if isinstance(stop, KeyboardInterrupt) else 1
    finally:
        signal.alarm(0)
        if results.get("browser") and not any(r.startswith(("### (3)", "### (4)", "### (5)"))
                                               for r in report):
            report.append(report_browser(results["browser"]))  # what finished before the stop
            print(report[-1], flush=True)
        try:
            report.append(summary(results))
            print(report[-1], flush=True)
        except Exception as error:  # noqa: BLE001 - never lose the JSON over the summary
            print(f"summary failed: {error}", file=sys.stderr)
        results["elapsed_s"] = time.monotonic() - t_start
        results["load_avg_end"] = load_avg()
        results["report_markdown"] = "\n".join(report)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(results, indent=1, default=str))
        print(f"total {results['elapsed_s']:.0f} s; load average start {results['load_avg_start']}"
              f" end {results['load_avg_end']}; JSON: {out_path}", flush=True)
    return status


def summary(results: dict) -> str:
    """One line per target of the issue, PASS/MISS, from this run's numbers."""
    rows = []
    pages = results.get("pages") or {}
    for entry in pages.get("sizes", []):
        target = TARGETS["page_ms"].get(entry["scale"])
        if target is None:
            continue
        measured = {n: r for n, r in entry.get("pages", {}).items() if r.get("script")}
        if measured:
            worst = max(measured.items(), key=lambda kv: kv[1]["script"])
            ok = all(r["script"] * 1000 < target for r in measured.values())
            passing = sum(r["script"] * 1000 < target for r in measured.values())
            rows.append([f"page script < {target:.0f} ms at {entry['scale']}x",
                         f"{passing} of {len(measured)} measured pages pass; worst "
                         f"{worst[0]} {worst[1]['script'] * 1000:,.0f} ms", verdict(ok)])
        projected = [r for r in entry.get("pages", {}).values() if r.get("projected_s")]
        if projected or entry.get("skipped"):
            rows.append([f"page script < {target:.0f} ms at {entry['scale']}x (not measured)",
                         f"{len(projected)} pages projected at "
                         f"{min(r['projected_s'] for r in projected):,.1f}-"
                         f"{max(r['projected_s'] for r in projected):,.1f} s" if projected
                         else entry.get("skipped", ""), "MISS (projected)"])
    load = results.get("load") or {}
    for scale, target in TARGETS["load_s"].items():
        e = load.get(scale) or load.get(str(scale))
        if e and "load_s" in e:
            rows.append([f"load+validation < {target} s at {scale}x",
                         f"{e['load_s']:.3f} s (+ figure_table {e['table_s']:.3f} s)",
                         verdict(e["load_s"] < target)])
        elif e:
            rows.append([f"load+validation < {target} s at {scale}x",
                         f"not measured: projected {e.get('projected_s', 0):.0f} s",
                         "MISS (projected)" if e.get("projected_s", 0) > target else "-"])
    scales = sorted(int(k) for k, e in load.items() if "load_s" in e)
    for a, b in zip(scales, scales[1:], strict=False):
        ea, eb = load.get(a) or load.get(str(a)), load.get(b) or load.get(str(b))
        k = exponent(ea["load_s"], eb["load_s"], a, b)
        rows.append([f"load grows linearly {a}x -> {b}x", f"k = {k:.2f}",
                     verdict(k <= TARGETS["linear_exponent"])])
    b = results.get("browser") or {}
    if b.get("painted"):
        t = b["painted"]["targets"]
        anchor = t["anchor"]["median"]
        ratios = {n: v["median"] / anchor for n, v in t.items()
                  if n != "anchor" and v["median"] and anchor}
        worst = max(ratios.items(), key=lambda kv: kv[1]) if ratios else ("-", 0)
        rows.append(["time to painted <= 1.3x bare page",
                     f"{sum(r <= TARGETS['painted_ratio'] for r in ratios.values())} of "
                     f"{len(t) - 1} pages; worst {worst[0]} {worst[1]:.2f}x",
                     verdict(len(ratios) == len(t) - 1 and
                             all(r <= TARGETS["painted_ratio"] for r in ratios.values()))])
    if b.get("filter"):
        f = b["filter"]
        rows.append(["filter change < 500 ms", f"{_fmt(f['median'], 0)} ms median",
                     verdict(f["median"] is not None and f["median"] < TARGETS["filter_ms"])])
    c = b.get("concurrency")
    if c:
        conc, single = c["concurrent"]["all"], c["single"]["all"]
        rows.append([f"{c['sessions']} sessions: zero errors", f"{c['errors']} errors",
                     verdict(c["errors"] == 0)])
        ratio = conc["p95"] / single["median"] if conc["p95"] and single["median"] else None
        rows.append([f"{c['sessions']} sessions: p95 < 3x single-session",
                     f"{_fmt(ratio, 2)}x", verdict(ratio is not None and ratio < 3)])
        per = c["per_session_mb"]
        rows.append(["< 15 MB per added session", f"{_fmt(per, 1)} MB",
                     verdict(per is not None and per < TARGETS["mb_per_session"])])
    for mode, m in (results.get("sessions") or {}).items():
        errors = m["concurrent"]["errors"]["total"]
        ratio = m["p95_vs_single_median"]
        health = m["health"]
        label = "back to back" if mode == "back_to_back" else "reading"
        rows.append([f"{m['sessions']} protocol sessions ({label}): zero errors, health answers",
                     f"{errors} errors; health {health['count'] - health['failures']} of "
                     f"{health['count']} ok (max {_fmt(health['max_ms'], 0)} ms)",
                     verdict(errors == 0 and health["failures"] == 0)])
        rows.append([f"{m['sessions']} protocol sessions ({label}): p95 < 3x single",
                     f"{_fmt(ratio, 1)}x (first views all at once: p95 "
                     f"{_fmt(m['concurrent']['first_views']['p95_ms'], 0)} ms)",
                     verdict(ratio is not None and ratio < 3)])
        rows.append([f"< 15 MB per added session ({label})", f"{_fmt(m['mb_per_session'], 2)} MB",
                     verdict(m["mb_per_session"] is not None
                             and m["mb_per_session"] < TARGETS["mb_per_session"])])
    return table("Summary against the issue's targets", ["target", "this run", ""], rows)


def _phases() -> list[str]:
    from lib.vocabulary import PHASES

    return list(PHASES)


def _default_pages() -> list[tuple[str, str]]:
    return [("overview", ""), *[(p, p) for p in _phases()], ("sources", "sources")]


if __name__ == "__main__":
    sys.exit(main())
