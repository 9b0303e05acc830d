"""Browser measurements (3) time to painted, (4) filter change and (5) concurrency, in headless
Debian chromium against real `streamlit run` servers (tests.browser.helpers.StreamlitServer).

Every time here is taken inside the page with `performance.now()`, whose origin is the start of
the navigation, at the first animation frame where the predicate below holds:

- the app is CONNECTED and its script state is `notRunning`, no skeleton is left;
- the page heading (h1) is there, and for in-app switches it is the target page's heading;
- at least the expected number of `st.plotly_chart` elements exist (learned on a warm-up visit)
  and every one of them has a visible `.main-svg` (Plotly keeps a chart `visibility:hidden`
  until it is sized, so a visible svg means drawn).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from dataclasses import dataclass, field

from playwright.async_api import Browser, Page, async_playwright

from benchmarks.process import cpu_s, rss_kb

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic",
                 # Many sessions share one browser: without these, windows other than the front
                 # one are throttled (no animation frames), so their pages never report painted.
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                 "--disable-backgrounding-occluded-windows"]
VIEWPORT = {"width": 1440, "height": 900}

# Returns performance.now() once the page is drawn, else false. arg: [minCharts, title|null,
# sinceMs|null]; with sinceMs, a `running` state must have been recorded after it (rerun seen).
PAINTED_JS = """([minCharts, title, since]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (since !== null) {
    const seen = (window.__pwStates || []).some(([t, s]) => t >= since && s !== 'notRunning');
    if (!seen) return false;
  }
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const h1 = document.querySelector('[data-testid="stMain"] h1') || document.querySelector('h1');
  if (!h1) return false;
  if (title !== null && !h1.textContent.includes(title)) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (charts.length < minCharts) return false;
  for (const c of charts) {
    const svg = c.querySelector('.main-svg');
    if (!svg || !svg.checkVisibility({visibilityProperty: true})) return false;
  }
  return performance.now();
}"""

INFO_JS = """() => ({
  charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  exceptions: document.querySelectorAll('[data-testid="stException"]').length,
  h1: (document.querySelector('[data-testid="stMain"] h1') || {}).textContent || null,
  elements: document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stElementContainer"]').length,
})"""

# Record every script-state change with its time, to see the rerun a click starts.
WATCH_STATES_JS = """() => {
  window.__pwStates = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__pwStates.push(
      [performance.now(), app.getAttribute('data-test-script-state')]))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


# Installed before any page script: records every script-state change from navigation start, so a
# load can be split into "script finished" (server + transfer) and "charts drawn" (client).
RECORD_STATES_INIT = """
window.__pwStates = [];
new MutationObserver((records) => {
  for (const r of records) {
    const s = r.target.getAttribute('data-test-script-state');
    const last = window.__pwStates[window.__pwStates.length - 1];
    if (!last || last[1] !== s) window.__pwStates.push([performance.now(), s]);
  }
}).observe(document, {attributes: true, subtree: true,
                      attributeFilter: ['data-test-script-state']});
"""
SCRIPT_DONE_JS = """(painted) => {
  const done = (window.__pwStates || []).filter(([t, s]) => s === 'notRunning' && t <= painted);
  return done.length ? done[done.length - 1][0] : null;
}"""


@dataclass
class Target:
    name: str
    url: str
    title: str | None = None  # the page's h1 text (for in-app switches)
    charts: int = 0
    elements: int = 0


@dataclass
class Samples:
    values: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return summarize(self.values) | {"errors": len(self.errors),
                                         "error_kinds": sorted(set(self.errors))[:10]}


def summarize(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "median": None, "p95": None, "min": None, "max": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return {"n": len(values), "median": statistics.median(values), "p95": p95,
            "min": ordered[0], "max": ordered[-1]}


async def launch(playwright) -> Browser:
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def painted(page: Page, min_charts: int, title: str | None = None,
                  since: float | None = None, timeout_ms: float = 30_000) -> float:
    handle = await page.wait_for_function(PAINTED_JS, arg=[min_charts, title, since],
                                          polling="raf", timeout=timeout_ms)
    return float(await handle.json_value())


async def open_and_time(page: Page, target: Target, timeout_ms: float = 30_000) -> float:
    """Navigate (a new document, so a new Streamlit session) and return ms to painted."""
    await page.goto(target.url, wait_until="commit", timeout=timeout_ms)
    return await painted(page, target.charts, None, None, timeout_ms)


async def learn(page: Page, target: Target, settle_s: float = 1.5,
                timeout_ms: float = 60_000) -> None:
    """Warm-up visit: wait for the page, let it settle, and record how many charts it draws."""
    await page.goto(target.url, wait_until="commit", timeout=timeout_ms)
    await painted(page, 0, None, None, timeout_ms)
    await asyncio.sleep(settle_s)
    await painted(page, 0, None, None, timeout_ms)
    info = await page.evaluate(INFO_JS)
    target.charts, target.elements = info["charts"], info["elements"]
    target.title = target.title or info["h1"]


# --- (3) time to painted, against the anchor ----------------------------------------------------


async def time_to_painted(browser: Browser, anchor: Target, pages: list[Target], reps: int,
                          deadline: float, min_reps: int = 3) -> dict:
    """Interleaved: each repetition opens the anchor then every page, in one tab. At least
    `min_reps` repetitions; more up to `reps` while before `deadline`."""
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(RECORD_STATES_INIT)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    results = {t.name: Samples() for t in [anchor, *pages]}
    script_done = {t.name: [] for t in [anchor, *pages]}
    try:
        for target in [anchor, *pages]:  # warm-up: server caches, browser caches, chart counts
            await learn(page, target, settle_s=0.5)
        for rep in range(reps):
            if rep >= min_reps and time.monotonic() > deadline:
                break
            for target in [anchor, *pages]:
                try:
                    elapsed = await open_and_time(page, target)
                    results[target.name].values.append(elapsed)
                    done = await page.evaluate(SCRIPT_DONE_JS, elapsed)
                    if done is not None:
                        script_done[target.name].append(done)
                    info = await page.evaluate(INFO_JS)
                    if info["exceptions"]:
                        results[target.name].errors.append("stException on page")
                except Exception as error:  # noqa: BLE001 - a timeout is a result here
                    results[target.name].errors.append(type(error).__name__)
    finally:
        with contextlib.suppress(Exception):  # the browser may already be closing (Ctrl-C)
            await context.close()
    return {"targets": {t.name: {"url": t.url, "charts": t.charts, "elements": t.elements,
                                 **results[t.name].summary(), "values": results[t.name].values,
                                 "script_done_median": statistics.median(script_done[t.name])
                                 if script_done[t.name] else None}
                        for t in [anchor, *pages]},
            "page_errors": errors[:10]}


# --- (4) filter change ----------------------------------------------------------------------------


async def filter_change(browser: Browser, target: Target, chip: str, reps: int,
                        deadline: float, min_reps: int = 3) -> dict:
    """Open `target` with every disease, remove the `chip` disease in the sidebar, and time from
    the click to the rerun finished and every chart painted."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    samples = Samples()
    charts_after = None
    try:
        for rep in range(reps + 1):  # the first one is a warm-up
            if rep > min_reps and time.monotonic() > deadline:
                break
            try:
                await open_and_time(page, target)
                await page.evaluate(WATCH_STATES_JS)
                before_url = page.url
                button = page.get_by_test_id("stSidebar").get_by_role("button",
                                                                      name=f"Remove {chip}")
                await button.wait_for(timeout=10_000)
                t_click = await page.evaluate("performance.now()")
                await button.click()
                await page.wait_for_url(lambda url, before=before_url: url != before,
                                        timeout=10_000)
                done = await painted(page, 0, None, t_click)
                # then every chart the page still has must be drawn
                info = await page.evaluate(INFO_JS)
                done = max(done, await painted(page, info["charts"], None, None))
                charts_after = info["charts"]
                if rep:
                    samples.values.append(done - t_click)
            except Exception as error:  # noqa: BLE001
                samples.errors.append(type(error).__name__)
    finally:
        with contextlib.suppress(Exception):
            await context.close()
    return {"url": target.url, "removed": chip, "charts_after": charts_after,
            **samples.summary(), "values": samples.values}


# --- (5) concurrency ------------------------------------------------------------


async def _session_loop(context, targets: list[Target], start: int, stop_at: float,
                        first_done: list, all_open: asyncio.Event, times: Samples,
                        first_times: Samples, timeout_ms: float) -> None:
    """One browser session: open phase pages one after the other (a navigation each, so a new
    Streamlit session each) until `stop_at`; the first page is always opened."""
    page = await context.new_page()
    page.on("pageerror", lambda exc: times.errors.append("pageerror"))
    index, first = start, True
    try:
        while first or time.monotonic() < stop_at:
            target = targets[index % len(targets)]
            try:
                elapsed = await open_and_time(page, target, timeout_ms)
                (first_times if first else times).values.append(elapsed)
                if first:
                    times.values.append(elapsed)
                if (await page.evaluate(INFO_JS))["exceptions"]:
                    times.errors.append("stException on page")
            except Exception as error:  # noqa: BLE001 - a timeout is a result here
                times.errors.append(("first open: " if first else "") + type(error).__name__)
            if first:
                first = False
                first_done.append(1)
                if len(first_done) == first_done[0] + 1:  # first_done[0] = number of sessions
                    all_open.set()
            index += 1
    finally:
        with contextlib.suppress(Exception):
            await page.close()


async def concurrency(browser: Browser, server_pid: int, targets: list[Target], sessions: int,
                      duration_s: float, timeout_ms: float = 60_000, single_s: float = 10.0
                      ) -> dict:
    """`sessions` browser contexts (one chromium) open phase pages at once and keep opening the
    next phase page for `duration_s` (plus the in-flight loads, each bounded by `timeout_ms`).

    First, the same loop with one session for `single_s` gives the single-session reference on
    the same server. Server RSS is sampled before, when every session has its first page open,
    every second during the run (peak), and at the end.
    """
    result: dict = {"sessions": sessions, "duration_s": duration_s,
                    "timeout_ms": timeout_ms}

    async def run(n: int, seconds: float) -> dict:
        contexts = [await browser.new_context(viewport=VIEWPORT) for _ in range(n)]
        times, first_times = Samples(), Samples()
        all_open = asyncio.Event()
        first_done = [n]
        rss: dict = {"before_kb": rss_kb(server_pid), "samples": []}
        cpu_before = cpu_s(server_pid)
        stop = {"flag": False}

        async def sampler():
            while not stop["flag"]:
                rss["samples"].append(rss_kb(server_pid))
                await asyncio.sleep(1.0)

        async def when_open():
            await all_open.wait()
            rss["opened_kb"] = rss_kb(server_pid)
            rss["opened_after_s"] = time.monotonic() - t_start

        sampling = asyncio.create_task(sampler())
        t_start = time.monotonic()
        watcher = asyncio.create_task(when_open())
        tasks = [asyncio.create_task(_session_loop(c, targets, i, t_start + seconds, first_done,
                                                   all_open, times, first_times, timeout_ms))
                 for i, c in enumerate(contexts)]
        done, pending = await asyncio.wait(tasks, timeout=seconds + 2 * timeout_ms / 1000 + 30)
        for task in pending:
            task.cancel()
            times.errors.append("session did not stop in time")
        rss["end_kb"] = rss_kb(server_pid)
        rss["elapsed_s"] = time.monotonic() - t_start
        cpu_after = cpu_s(server_pid)
        server_cpu = (cpu_after - cpu_before) if cpu_after is not None and cpu_before is not None \
            else None
        stop["flag"] = True
        watcher.cancel()
        await sampling
        for context in contexts:
            await context.close()
        samples = [x for x in rss.pop("samples") if x]
        rss["peak_kb"] = max(samples) if samples else None
        loads = times.summary()
        return {"all": loads, "first": first_times.summary(), "rss": rss,
                "pages_per_s": loads["n"] / rss["elapsed_s"] if rss["elapsed_s"] else None,
                "server_cpu_s": server_cpu,
                "server_cpu_per_page_s": server_cpu / loads["n"] if server_cpu and loads["n"]
                else None,
                "values": times.values}

    single = await run(1, single_s)
    await asyncio.sleep(2.0)
    many = await run(sessions, duration_s)
    rss = many["rss"]
    per_session = None
    if rss.get("opened_kb") and rss.get("before_kb"):
        per_session = (rss["opened_kb"] - rss["before_kb"]) / 1024 / sessions
    result.update({"single": single, "concurrent": many, "per_session_mb": per_session,
                   "errors": many["all"]["errors"], "error_kinds": many["all"]["error_kinds"]})
    return result


# --- orchestration ------------------------------------------------------------


async def run_all(app_url: str, anchor_url: str, page_paths: list[tuple[str, str]],
                  phase_names: list[str], *, reps: int, filter_reps: int, sessions: int,
                  duration_s: float, deadline: float, concurrency_server=None,
                  parts: tuple[str, ...] = ("painted", "filter", "concurrency"),
                  out: dict | None = None) -> dict:
    """page_paths: [(name, url_path)]; concurrency_server: a callable returning (url, pid) of a
    fresh server for the concurrency run (so its memory baseline holds no earlier sessions)."""
    out = {} if out is None else out  # filled as each part finishes (kept if interrupted)
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            anchor = Target("anchor", anchor_url + "/")
            pages = [Target(name, f"{app_url}/{path}") for name, path in page_paths]
            if "painted" in parts:
                out["painted"] = await time_to_painted(browser, anchor, pages, reps, deadline)
            if "filter" in parts:
                maintenance = next((p for p in pages if p.name == "maintenance"), pages[0])
                if not maintenance.charts:
                    await learn(await (await browser.new_context()).new_page(), maintenance)
                out["filter"] = await filter_change(browser, Target(
                    maintenance.name, maintenance.url, maintenance.title, maintenance.charts),
                    "MDS", filter_reps, deadline)
            if "concurrency" in parts and concurrency_server is not None and sessions:
                url, pid = concurrency_server()
                warm = await browser.new_context(viewport=VIEWPORT)
                warm_page = await warm.new_page()
                phase_targets = []
                for name in phase_names:  # warm this server and learn the page headings
                    target = Target(name, f"{url}/{name}")
                    await learn(warm_page, target, settle_s=0.5)
                    phase_targets.append(target)
                await warm.close()
                await asyncio.sleep(2.0)
                out["concurrency"] = await concurrency(browser, pid, phase_targets, sessions,
                                                       duration_s)
        finally:
            with contextlib.suppress(Exception):
                await browser.close()
    return out
