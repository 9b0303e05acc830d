"""Replicas behind nginx: simulated sessions with reading pauses, 1 replica vs 2 (same run).

Each configuration is `python -m deploy.serve` (supervisord running N `streamlit run` replicas
and nginx with deploy/nginx.conf in front) on the same proxy port. A session opens a deep link
(page and disease filter from a seeded plan) with a fresh routing cookie (so its own replica and
Streamlit session), then switches page twice, reading 2-8 s after each view. Two kinds of client
drive the same plans:

* `light`: 100 sessions (10 when quick) of benchmarks/wsclient.py, a Python client of Streamlit's
  own protocol (the page's HTTP load and probes, the cookies, then `rerun_script` over the
  WebSocket). All arrive within 10 s (a meeting starting) and are open at once. `view`: from the
  rerun request sent to `script_finished` received (every delta of the run is in before it):
  what the proxy and the replicas take, nothing drawn. The client's own CPU is small, so the
  servers, nginx and the clients share the 2 cores without the clients dominating.
  `light burst`: the same 100 sessions (not when quick), all arriving within 2 s.
* `chromium`: a realism check, 10 sessions (none when quick) in headless Chromium (the real
  frontend), a pool of at most 20 browser contexts reused session after session; 9 sessions in 10
  do not draw (root `display: none`), every tenth draws. `view` from navigation start (or the
  click) to the app idle (and every chart drawn, when drawing). Chromium runs at a lower CPU
  priority than the servers.

An error: a view that times out (120 s), gets an HTTP error or a closed socket, shows an
exception, or ends with a page error. Server CPU and memory per replica from /proc;
`sessions per replica` from each replica's own WebSocket connect count; `client CPU s`: the
clients' (this process for `light`, Chromium and its driver for `chromium`); `machine busy %`:
all cores' busy time over the row's wall time (/proc/stat: every process on the machine);
`other work %`: the part of it that is none of this benchmark's processes. Target (on the `light`
rows): 0 errors; p95 view with 2 replicas at most half the p95 with 1; a verdict reached while
other work took more than 10% of the cores says so.

    python -m benchmarks.replicas [--quick] [--sessions N] [--browser-sessions N] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from benchmarks import cpu_s, rss_mb
from benchmarks.wsclient import Session, ViewError
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS
from tests.browser.served import Launched, free_ports

BROWSER_ARGS = [
    *CHROMIUM_ARGS,
    # Many pages share one browser: keep the ones behind the front window running.
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]
VIEWPORT = {"width": 1280, "height": 800}
BROWSER_NICE = 10  # Chromium yields the cores to the servers (see lower_browser_priority)

# url path -> the sidebar link that opens it
PAGES = {
    "/": "Overview",
    "/induction": "Induction",
    "/consolidation": "Consolidation",
    "/maintenance": "Maintenance",
    "/transplant": "Transplant",
    "/relapse": "Relapse",
}
SELECTIONS = ["", "?disease=AML", "?disease=MDS", "?disease=ALL", "?disease=AML&disease=MDS"]
SWITCHES = 2  # in-app page switches after the first view
PAUSE_S = (2.0, 8.0)  # reading time after each view
ARRIVAL_S = 2.0  # chromium: the first session of each slot starts within this window
LIGHT_ARRIVAL_S = 10.0  # light: every session starts within this window (a meeting starts)
BURST_ARRIVAL_S = 2.0  # light burst: the same sessions, all starting within 2 s
LIGHT_SESSIONS = 100
BROWSER_SESSIONS = 10
POOL = 20  # sessions open at once, at most (browser contexts, each reused)
DRAW_EVERY = 10  # every tenth session draws (time to painted)
VIEW_TIMEOUT_MS = 120_000
TARGET_RATIO = 0.5
OTHER_WORK_PCT = 10  # above this share of the cores used by other processes, say so
SEED = 14

# Before any page script: record every script-state change and the time of the last change to
# the page at all (origin: navigation start). A fast run can go from `running` back to
# `notRunning` within one render, so the attribute alone may not show it; the page content does.
RECORD_STATES = """
window.__pwStates = [];
window.__pwChanged = 0;
new MutationObserver((records) => {
  window.__pwChanged = performance.now();
  for (const r of records) {
    if (r.type !== 'attributes' || r.attributeName !== 'data-test-script-state') continue;
    const s = r.target.getAttribute('data-test-script-state');
    if (s) window.__pwStates.push([performance.now(), s]);
  }
}).observe(document, {attributes: true, childList: true, characterData: true, subtree: true});
"""
# Sessions that do not draw: the page's root is display:none from the start.
NO_DRAWING = """
(() => {
  const hide = () => {
    const style = document.createElement('style');
    style.textContent = 'html { display: none !important; }';
    (document.head || document.documentElement).appendChild(style);
  };
  if (document.documentElement) hide();
  else document.addEventListener('readystatechange', hide, {once: true});
})();
"""
# arg [start, path, draw, h1Before]; start: the click's time since the epoch (ms), null for a
# navigation (then navigation start). False until the view is done, then {ms, exceptions,
# reloaded}. Done: connected, script state notRunning, at `path`, and a run seen since the click
# (a `running` state, or the heading changed); its time is the last change to the page. A click
# that loads a new document is followed into it (times converted to its clock).
VIEW_DONE = """([start, path, draw, h1Before]) => {
  const since = start === null ? 0 : Math.max(0, start - performance.timeOrigin);
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (path !== null && location.pathname !== path) return false;
  const h1 = document.querySelector('h1');
  if (!h1) return false;
  const ran = start === null || start < performance.timeOrigin || h1.textContent !== h1Before
    || (window.__pwStates || []).some(([t, s]) => t >= since && s !== 'notRunning');
  if (!ran) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  let done = Math.max(since, window.__pwChanged || 0);
  if (draw) {
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      const svg = chart.querySelector('.main-svg');
      if (!svg || !svg.checkVisibility({visibilityProperty: true})) return false;
    }
    done = Math.max(done, performance.now());
  }
  return {
    ms: start === null ? done : performance.timeOrigin + done - start,
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
    reloaded: start !== null && start < performance.timeOrigin,
  };
}"""
PAGE_STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    path: location.pathname,
    connection: app && app.getAttribute('data-test-connection-state'),
    script: app && app.getAttribute('data-test-script-state'),
    h1: !!document.querySelector('h1'),
    skeleton: !!document.querySelector('[data-testid="stSkeleton"]'),
    states: (window.__pwStates || []).slice(-4).map(([t, s]) => [Math.round(t), s]),
  };
}"""
CLICK_LINK = """(path) => {
  const link = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')]
    .find((a) => new URL(a.href).pathname === path);
  if (!link) return false;
  link.click();
  return true;
}"""


# --- plan and measurements ----------------------------------------------------------------------


@dataclass
class Plan:
    """One simulated session: a deep link, then page switches, a pause after each view."""

    index: int
    entry: str  # path + query
    switches: list[str]  # paths
    pauses: list[float]
    draw: bool
    arrival: float  # s after the start (light sessions)

    @property
    def path(self) -> str:
        return self.entry.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.entry.split("?", 1)[1] if "?" in self.entry else ""


def plans(sessions: int, seed: int = SEED, arrival_s: float = LIGHT_ARRIVAL_S) -> list[Plan]:
    rng = random.Random(seed)
    result = []
    for index in range(sessions):
        path = rng.choice(list(PAGES))
        switches, current = [], path
        for _ in range(SWITCHES):
            current = rng.choice([p for p in PAGES if p != current])
            switches.append(current)
        pauses = [rng.uniform(*PAUSE_S) for _ in range(SWITCHES + 1)]
        draw = index % DRAW_EVERY == DRAW_EVERY - 1
        entry = path + rng.choice(SELECTIONS)
        arrival = rng.uniform(0, 1) * arrival_s
        result.append(Plan(index, entry, switches, pauses, draw, arrival))
    return result


@dataclass
class Results:
    views: list[float] = field(default_factory=list)  # ms, every view
    first: list[float] = field(default_factory=list)  # ms, each session's first view
    painted: list[float] = field(default_factory=list)  # ms, views of drawing sessions
    server: list[float] = field(default_factory=list)  # ms, request sent -> last message back
    http: list[float] = field(default_factory=list)  # ms, a first load's HTTP requests (light)
    errors: list[str] = field(default_factory=list)
    sessions_done: int = 0
    reloads: int = 0  # clicks that loaded a new document instead of switching in the app


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def ms(value: float | None) -> int | None:
    return None if value is None else round(value)


# --- /proc ------------------------------------------------------------------------------------


def machine_busy_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of every core since boot, from /proc/stat."""
    # user nice system idle iowait irq softirq steal (guest time is counted in user already)
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def tree(pid: int) -> list[int]:
    result, todo = [], [pid]
    while todo:
        current = todo.pop()
        result.append(current)
        todo.extend(children(current))
    return result


def client_tree(driver: list[int]) -> list[int]:
    """The Playwright driver and the Chromium it started (every process below it)."""
    return sorted({pid for root in driver for pid in tree(root)})


def lower_browser_priority(driver: list[int], nice: int = BROWSER_NICE) -> int | None:
    """Give Chromium's processes a lower CPU priority than the servers (users' browsers run on
    their own machines, not on the server's cores). Linux schedules each session as a group
    (autogroup), so the nice value is set on Chromium's own session group, and only when Chromium
    runs in a session of its own (Playwright starts it so): never on this process's group.
    Returns the browser's process id when done."""
    ours = os.getsid(0)
    for pid in client_tree(driver):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"chrom" not in command.split(b"\0")[0] or os.getsid(pid) != pid or pid == ours:
                continue
            Path(f"/proc/{pid}/autogroup").write_text(str(nice))
        except OSError:
            continue
        for member in tree(pid):
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, member, nice)
        return pid
    return None


def tree_cpu_s(pids: list[int]) -> float:
    return sum(cpu_s(pid) or 0.0 for pid in pids)


def connects(url: str) -> int | None:
    """A replica's own count of WebSocket sessions connected (its /_stcore/metrics)."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=5) as resp:
            text = resp.read().decode()
    except OSError:
        return None
    match = re.search(r'^session_events_total\{type="connect"\} (\d+)', text, re.M)
    return int(match.group(1)) if match else None


class Meter:
    """Server CPU, RSS (start, peak) and sessions per replica, nginx's CPU, the client's CPU and
    the whole machine's busy time, between `start()` and `stop()`."""

    def __init__(self, launched: Launched, client_cpu) -> None:
        self.replicas = launched.state["replicas"]
        self.pids = [r["pid"] for r in self.replicas]
        self.nginx = tree(launched.state["nginx_pid"])
        self.client_cpu = client_cpu  # () -> CPU seconds of the clients so far
        self._stop = asyncio.Event()

    def start(self) -> None:
        self.cpu = [cpu_s(p) for p in self.pids]
        self.rss = [rss_mb(p) for p in self.pids]
        self.peaks = list(self.rss)
        self.connects = [connects(r["url"]) for r in self.replicas]
        self.nginx_cpu = tree_cpu_s(self.nginx)
        self.client = self.client_cpu()
        self.machine = machine_busy_s()
        self.started = time.monotonic()
        self._sampler = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while not self._stop.is_set():
            for i, pid in enumerate(self.pids):
                self.peaks[i] = max(self.peaks[i] or 0, rss_mb(pid) or 0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), 0.5)

    async def stop(self) -> dict:
        elapsed = time.monotonic() - self.started
        self._stop.set()
        await self._sampler
        busy, total = machine_busy_s()
        busy, total = busy - self.machine[0], total - self.machine[1]
        client = self.client_cpu() - self.client
        after_cpu = [cpu_s(p) for p in self.pids]
        after_connects = [connects(r["url"]) for r in self.replicas]
        per_replica = []
        for i, replica in enumerate(self.replicas):
            per_replica.append({
                "port": replica["port"],
                "sessions": (after_connects[i] or 0) - (self.connects[i] or 0),
                "cpu_s": round((after_cpu[i] or 0) - (self.cpu[i] or 0), 1),
                "rss_mb_start": round(self.rss[i] or 0),
                "rss_mb_peak": round(self.peaks[i] or 0),
            })  # fmt: skip
        alive = all(c is not None for c in after_cpu)
        return {
            "per_replica": per_replica,
            "elapsed": elapsed,
            "client": client,
            "nginx": round(tree_cpu_s(self.nginx) - self.nginx_cpu, 2) if alive else None,
            "busy_pct": round(100 * busy / max(total, 1e-9)),
            "busy_s": busy,
            "total_s": total,
            "cores": os.cpu_count(),
        }


def row(kind: str, replicas: int, results: Results, meter: dict) -> dict:
    """One table row from a configuration's results and meter readings."""
    views = len(results.views) + len(results.errors)
    per_replica = meter["per_replica"]
    server_cpu = sum(r["cpu_s"] for r in per_replica)
    result = {
        "client": kind,
        "replicas": replicas,
        "sessions": results.sessions_done,
        "views": views,
        "errors": len(results.errors),
        "p50 view ms": ms(statistics.median(results.views)) if results.views else None,
        "p95 view ms": ms(percentile(results.views, 0.95)),
        "p95 first view ms": ms(percentile(results.first, 0.95)),
        "server CPU s (per replica)": " + ".join(f"{r['cpu_s']:.1f}" for r in per_replica),
        "CPU ms/view": ms(1000 * server_cpu / views) if views else None,
        "RSS MB start -> peak (per replica)": ", ".join(
            f"{r['rss_mb_start']}->{r['rss_mb_peak']}" for r in per_replica
        ),
        "sessions per replica": " / ".join(str(r["sessions"]) for r in per_replica),
        "nginx CPU s": meter["nginx"],
        "client CPU s": round(meter["client"], 1),
        "wall s": round(meter["elapsed"], 1),
        "machine busy %": meter["busy_pct"],
        # The machine's busy time that is none of this benchmark's processes: other work.
        "other work %": round(
            100
            * max(0.0, meter["busy_s"] - server_cpu - (meter["nginx"] or 0) - meter["client"])
            / max(meter["total_s"], 1e-9)
        ),
        "_per_replica": per_replica,
        "_load_average_after": os.getloadavg(),
        "_error_kinds": sorted(set(results.errors))[:10],
        "_views_ms": [round(v) for v in results.views],
        "_first_views_ms": [round(v) for v in results.first],
    }
    if kind.startswith("light"):
        result["_first_load_http_ms"] = [round(v) for v in results.http]
    else:
        result["p50/p95 painted ms"] = (
            f"{ms(percentile(results.painted, 0.5))} / {ms(percentile(results.painted, 0.95))}"
        )
        result["_server_ms"] = [round(v) for v in results.server]
        result["_painted_ms"] = [round(v) for v in results.painted]
        result["_reloads"] = results.reloads
    return result


# --- light sessions (benchmarks/wsclient.py) ----------------------------------------------------


async def light_session(plan: Plan, url: str, results: Results, start: float) -> None:
    await asyncio.sleep(max(0.0, start + plan.arrival - time.monotonic()))
    session = Session(url)
    try:
        views = [("open", plan.path)] + [("switch", path) for path in plan.switches]
        for (how, path), pause in zip(views, plan.pauses, strict=True):
            try:
                if how == "open":
                    view = await session.open(path, plan.query)
                    results.http.append(session.http_ms)
                    results.first.append(view.ms)
                else:
                    view = await session.switch(path)
            except ViewError as error:
                results.errors.append(str(error)[:160])
                return
            results.views.append(view.ms)
            await asyncio.sleep(pause)
        results.sessions_done += 1
    finally:
        await session.close()


async def drive_light(url: str, todo: list[Plan]) -> Results:
    results = Results()
    start = time.monotonic()
    await asyncio.gather(*(light_session(plan, url, results, start) for plan in todo))
    return results


async def warm_light(launched: Launched) -> None:
    """Every replica runs every page with every disease selection of the plans once (its own
    caches are per selection), directly, not through nginx; untimed."""
    for replica in launched.state["replicas"]:
        for selection in SELECTIONS:
            session = Session(replica["url"])
            try:
                with contextlib.suppress(ViewError):
                    await session.open("/", selection.lstrip("?"))
                    for path in PAGES:
                        if path != "/":
                            await session.switch(path)
            finally:
                await session.close()


async def measure_light(
    replicas: int, launched: Launched, todo: list[Plan], kind: str = "light"
) -> dict:
    meter = Meter(launched, time.process_time)
    meter.start()
    results = await drive_light(launched.url, todo)
    return row(kind, replicas, results, await meter.stop())


# --- chromium sessions --------------------------------------------------------------------------


class Slot:
    """A browser context and its page, reused for one session after another.

    ``frames`` logs the page's WebSocket frames as Chromium's network layer saw them (direction
    and time only; the app's messages are not read): the request a view sends to the server and
    the last message it gets back bound the server's part of the view, whatever the page then
    spends drawing.
    """

    def __init__(self, context: BrowserContext, page: Page, draw: bool, cdp) -> None:
        self.context, self.page, self.draw = context, page, draw
        self.page_errors: list[str] = []
        self.frames: list[tuple[str, float]] = []  # ("sent" | "received", seconds)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)[:120]))
        cdp.on("Network.webSocketFrameSent", lambda e: self.frames.append(("sent", e["timestamp"])))
        cdp.on("Network.webSocketFrameReceived",
               lambda e: self.frames.append(("received", e["timestamp"])))  # fmt: skip

    def server_ms(self, first_frame: int) -> float | None:
        """From the first frame sent after index ``first_frame`` to the last frame received."""
        frames = self.frames[first_frame:]
        sent = next((t for kind, t in frames if kind == "sent"), None)
        received = [
            t for kind, t in frames if kind == "received" and sent is not None and t >= sent
        ]
        return 1000 * (received[-1] - sent) if received else None


async def new_slot(browser: Browser, draw: bool) -> Slot:
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(RECORD_STATES)
    if not draw:
        await context.add_init_script(NO_DRAWING)
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    return Slot(context, page, draw, cdp)


async def view_done(
    page: Page, start: float | None, path: str | None, draw: bool, h1_before: str | None = None
) -> dict:
    handle = await page.wait_for_function(
        VIEW_DONE, arg=[start, path, draw, h1_before], polling=50, timeout=VIEW_TIMEOUT_MS
    )
    return await handle.json_value()


async def one_view(slot: Slot, results: Results, action, click: bool, path: str | None,
                   first: bool) -> bool:  # fmt: skip
    """Run ``action`` (a navigation or a click), wait for the view; record it. False on error."""
    page, errors_before, first_frame = slot.page, len(slot.page_errors), len(slot.frames)
    try:
        start, h1_before = None, None
        if click:
            start, h1_before = await page.evaluate(
                "[performance.timeOrigin + performance.now(),"
                " (document.querySelector('h1') || {}).textContent || null]"
            )
        await action()
        done = await view_done(page, start, path, slot.draw, h1_before)
    except Exception as error:  # noqa: BLE001 - a timeout or a dead page is a result here
        state = ""
        with contextlib.suppress(Exception):
            state = " " + json.dumps(await page.evaluate(PAGE_STATE))
        results.errors.append(f"{type(error).__name__} on {path or 'entry'}{state}")
        return False
    if done["exceptions"]:
        results.errors.append("exception element on the page")
        return False
    if len(slot.page_errors) > errors_before:
        results.errors.append(f"page error: {slot.page_errors[-1]}")
        return False
    elapsed = done["ms"]
    results.views.append(elapsed)
    results.reloads += bool(done["reloaded"])
    server = slot.server_ms(first_frame)
    if server is not None:
        results.server.append(server)
    if first:
        results.first.append(elapsed)
    if slot.draw:
        results.painted.append(elapsed)
    return True


async def run_session(slot: Slot, plan: Plan, url: str, results: Results) -> None:
    page = slot.page
    await slot.context.clear_cookies()  # a new routing cookie: a new replica pick

    async def open_entry() -> None:
        response = await page.goto(url + plan.entry, wait_until="commit", timeout=VIEW_TIMEOUT_MS)
        if response is None or response.status >= 400:
            raise RuntimeError(f"HTTP {response.status if response else 'no response'}")

    ok = await one_view(slot, results, open_entry, False, None, first=True)
    await asyncio.sleep(plan.pauses[0])
    for target, pause in zip(plan.switches, plan.pauses[1:], strict=True):
        if not ok:
            break

        async def click(target: str = target) -> None:
            if not await page.evaluate(CLICK_LINK, target):
                raise RuntimeError(f"no sidebar link to {target}")

        ok = await one_view(slot, results, click, True, target, first=False)
        await asyncio.sleep(pause)
    results.sessions_done += 1


async def drive(slots: list[Slot], url: str, todo: list[Plan]) -> Results:
    results = Results()
    queue = list(todo)
    rng = random.Random(SEED + 1)
    offsets = [rng.uniform(0, ARRIVAL_S) for _ in slots]

    async def worker(slot: Slot, offset: float) -> None:
        await asyncio.sleep(offset)
        while queue:
            plan = next((p for p in queue if p.draw == slot.draw), None)
            if plan is None:
                return
            queue.remove(plan)
            await run_session(slot, plan, url, results)

    await asyncio.gather(*(worker(s, o) for s, o in zip(slots, offsets, strict=True)))
    return results


async def warm_servers(page: Page, launched: Launched) -> None:
    """Every replica runs every page once (its own caches); untimed."""
    for replica in launched.state["replicas"]:
        for path in PAGES:
            with contextlib.suppress(Exception):  # untimed: a slow load is not a result here
                await page.goto(replica["url"] + path, wait_until="commit", timeout=VIEW_TIMEOUT_MS)
                await view_done(page, None, None, False)
    await page.goto("about:blank")


async def warm_browser(slots: list[Slot], url: str) -> None:
    """Every browser context loads every page once: the app's scripts, the lazily loaded ones
    such as Plotly's included, are then cached and compiled (each runs more than twice), so that
    neither configuration pays the browser's first visits; untimed, before the first one."""

    async def load(slot: Slot) -> None:
        for path in PAGES:
            with contextlib.suppress(Exception):  # untimed: a slow load is not a result here
                await slot.page.goto(url + path, wait_until="commit", timeout=VIEW_TIMEOUT_MS)
                await view_done(slot.page, None, None, slot.draw)
        await slot.page.goto("about:blank")

    await asyncio.gather(*(load(slot) for slot in slots))


async def measure_browser(replicas: int, launched: Launched, slots: list[Slot],
                          todo: list[Plan], client_pids: list[int]) -> dict:  # fmt: skip
    meter = Meter(launched, lambda: tree_cpu_s(client_tree(client_pids)))
    meter.start()
    results = await drive(slots, launched.url, todo)
    return row("chromium", replicas, results, await meter.stop())


async def simulate(
    light: int, browser_sessions: int, burst: bool = True, configs: tuple[int, ...] = (1, 2)
) -> list[dict]:
    """Per configuration: the light sessions (then the same in a burst), then the Chromium ones,
    on the same replicas."""
    light_plans = plans(light)
    burst_plans = plans(light, arrival_s=BURST_ARRIVAL_S) if burst else []
    browser_plans = plans(browser_sessions)
    port = free_ports(1)[0]  # the same origin for both configurations: the slots' caches hold
    rows: list[dict] = []
    ours = set(children(os.getpid()))
    async with contextlib.AsyncExitStack() as stack:
        slots: list[Slot] = []
        driver: list[int] = []
        lowered = None
        if browser_sessions:
            playwright = await stack.enter_async_context(async_playwright())
            driver = [p for p in children(os.getpid()) if p not in ours]  # the Playwright driver
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            stack.push_async_callback(browser.close)
            lowered = lower_browser_priority(driver)
            pool = min(POOL, browser_sessions)
            drawing = sum(p.draw for p in browser_plans)
            draw_slots = min(drawing, max(1, pool // DRAW_EVERY)) if drawing else 0
            slots = [await new_slot(browser, draw=i < draw_slots) for i in range(pool)]
        for index, replicas in enumerate(configs):
            with Launched(replicas, port=port) as launched:
                await warm_light(launched)
                if light:
                    rows.append(await measure_light(replicas, launched, light_plans))
                if burst_plans:
                    rows.append(await measure_light(replicas, launched, burst_plans, "light burst"))
                if slots:
                    try:
                        if index == 0:
                            await warm_browser(slots, launched.url)
                        await warm_servers(slots[0].page, launched)
                        result = await measure_browser(
                            replicas, launched, slots, browser_plans, driver
                        )
                    except Exception as error:  # noqa: BLE001 - keep the light rows
                        failed = f"{type(error).__name__}: {str(error)[:200]}"
                        result = {"client": "chromium", "replicas": replicas, "errors": "failed"}
                        result["p95 view ms"], result["_error_kinds"] = None, [failed]
                    result["_browser_nice"] = BROWSER_NICE if lowered else 0
                    rows.append(result)
    return rows


def run(
    quick: bool = False, sessions: int | None = None, browser_sessions: int | None = None
) -> list[dict]:
    """Rows per client kind and configuration (1 replica, then 2); the verdict on the light
    2-replica row."""
    light = sessions if sessions is not None else (10 if quick else LIGHT_SESSIONS)
    browser = (
        browser_sessions if browser_sessions is not None else (0 if quick else BROWSER_SESSIONS)
    )
    rows = asyncio.run(simulate(light, browser, burst=not quick))
    for kind in ("light", "light burst", "chromium"):
        by = {r["replicas"]: r for r in rows if r["client"] == kind}
        one = by.get(1, {}).get("p95 view ms")
        for r in by.values():
            r["p95 / p95 with 1"] = (
                round(r["p95 view ms"] / one, 2) if one and r["p95 view ms"] else None
            )
            r["target"] = "-"
        two = by.get(2, {}).get("p95 view ms")
        if kind == "light" and one and two:
            errors = sum(r["errors"] for r in by.values())
            met = two <= TARGET_RATIO * one and errors == 0
            verdict = f"{'PASS' if met else 'MISS'} (0 errors, ratio <= {TARGET_RATIO})"
            other = [by[n]["other work %"] for n in (1, 2)]
            if max(other) > OTHER_WORK_PCT:  # the two rows did not run on the same machine
                verdict += f", not comparable: other work {other[0]}% / {other[1]}% of the cores"
            by[2]["target"] = verdict
    for r in rows:
        count = browser if r["client"] == "chromium" else light
        arrival = BURST_ARRIVAL_S if r["client"] == "light burst" else LIGHT_ARRIVAL_S
        r["_simulated"] = (
            f"{count} sessions, {SWITCHES + 1} views each, pauses {PAUSE_S[0]:.0f}-"
            f"{PAUSE_S[1]:.0f} s, "
            + (
                f"all arriving within {arrival:.0f} s, protocol client"
                if r["client"] != "chromium"
                else f"pool of {min(POOL, count)} reused browser contexts in one Chromium; "
                f"every {DRAW_EVERY}th session draws"
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.replicas",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="10 light sessions, no Chromium")
    parser.add_argument("--sessions", type=int, help="light sessions (overrides --quick)")
    parser.add_argument("--browser-sessions", type=int, help="Chromium sessions (0: none)")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args(argv)
    rows = run(args.quick, args.sessions, args.browser_sessions)
    print(__doc__.strip().split("\n\n")[0] + "\n")
    shown = [k for k in dict.fromkeys(k for r in rows for k in r) if not k.startswith("_")]
    print("| " + " | ".join(shown) + " |\n|" + "---|" * len(shown))
    for r in rows:
        print("| " + " | ".join(str(r.get(k, "")) for k in shown) + " |")
    for r in rows:
        print(f"\n{r['client']}, {r['replicas']} replica(s): {r['_simulated']}.")
        if r["_error_kinds"]:
            print(f"errors: {r['_error_kinds']}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
