"""Replicas behind nginx: simulated sessions with reading pauses, 1 replica vs 2 (same run).

Each configuration is `python -m deploy.replicas` (deploy/nginx.conf in front of N `streamlit
run` replicas) on the same proxy port. A session is the real Streamlit frontend in headless
Chromium: a fresh routing cookie (so its own replica and Streamlit session), a full load of a
deep link (page and disease filter from a seeded plan), then 2 page switches through the sidebar
links, with 2-8 s of reading after each view. One Chromium drives every session: a pool of at
most 20 browser contexts, each reused session after session (cookies cleared; the app's assets
stay cached), so at most 20 sessions are open at once and the first 20 arrive within 2 s (a
meeting starting). 9 sessions in 10 do not draw (the page's root is `display: none`: the
frontend receives and applies every message but lays out and paints nothing); every tenth draws
and gives the time to charts painted. Chromium runs at a lower CPU priority than the servers
(users' browsers are not on the server's cores). `view` runs from navigation start (or the click)
to the app idle again after its run (and every chart's svg visible, when drawing); `server part`
from the request leaving the browser to the last message back (WebSocket frame times from
Chromium's network layer; the messages are not read), i.e. what the proxy and the replicas take.
An error: a view that times out (120 s), shows an exception element, raises a page error or ends
disconnected. Server CPU and memory per replica from /proc; `sessions per replica` from each
replica's own WebSocket connect count; `client CPU s`: Chromium and its driver, which share the
2 cores with the servers. Target: 0 errors; p95 view with 2 replicas at most half that with 1.

    python -m benchmarks.replicas [--quick] [--sessions N] [--json PATH]
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

from deploy.replicas import Launched, free_ports
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS

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
ARRIVAL_S = 2.0  # the first session of each slot starts within this window (a meeting starts)
POOL = 20  # sessions open at once, at most (browser contexts, each reused)
DRAW_EVERY = 10  # every tenth session draws (time to painted)
VIEW_TIMEOUT_MS = 120_000
TARGET_RATIO = 0.5
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


def plans(sessions: int, seed: int = SEED) -> list[Plan]:
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
        result.append(Plan(index, path + rng.choice(SELECTIONS), switches, pauses, draw))
    return result


@dataclass
class Results:
    views: list[float] = field(default_factory=list)  # ms, every view
    first: list[float] = field(default_factory=list)  # ms, each session's first view
    painted: list[float] = field(default_factory=list)  # ms, views of drawing sessions
    server: list[float] = field(default_factory=list)  # ms, request sent -> last message back
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


def cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


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


# --- sessions -----------------------------------------------------------------------------------


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
            await page.goto(replica["url"] + path, wait_until="commit")
            with contextlib.suppress(Exception):
                await view_done(page, None, None, False)
    await page.goto("about:blank")


async def warm_browser(slots: list[Slot], url: str) -> None:
    """Every browser context loads every page once: the app's scripts, the lazily loaded ones
    such as Plotly's included, are then cached and compiled (each runs more than twice), so that
    neither configuration pays the browser's first visits; untimed, before the first one."""

    async def load(slot: Slot) -> None:
        for path in PAGES:
            await slot.page.goto(url + path, wait_until="commit")
            with contextlib.suppress(Exception):
                await view_done(slot.page, None, None, slot.draw)
        await slot.page.goto("about:blank")

    await asyncio.gather(*(load(slot) for slot in slots))


async def measure(replicas: int, port: int, slots: list[Slot], todo: list[Plan],
                  client_pids: list[int], warm_the_browser: bool) -> dict:  # fmt: skip
    with Launched(replicas, port=port) as launched:
        if warm_the_browser:
            await warm_browser(slots, launched.url)
        await warm_servers(slots[0].page, launched)
        reps = launched.state["replicas"]
        pids = [r["pid"] for r in reps]
        nginx = tree(launched.state["nginx_pid"])
        before = {
            "cpu": [cpu_s(p) for p in pids],
            "rss": [rss_mb(p) for p in pids],
            "connects": [connects(r["url"]) for r in reps],
            "nginx": tree_cpu_s(nginx),
            "client": tree_cpu_s(client_tree(client_pids)),
        }
        peaks = list(before["rss"])
        stop = asyncio.Event()

        async def sample() -> None:
            while not stop.is_set():
                for i, pid in enumerate(pids):
                    peaks[i] = max(peaks[i] or 0, rss_mb(pid) or 0)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.5)

        sampler = asyncio.create_task(sample())
        started = time.monotonic()
        results = await drive(slots, launched.url, todo)
        elapsed = time.monotonic() - started
        stop.set()
        await sampler
        client_now = tree_cpu_s(client_tree(client_pids))
        after_cpu = [cpu_s(p) for p in pids]
        after_connects = [connects(r["url"]) for r in reps]
        per_replica = []
        for i, replica in enumerate(reps):
            cpu = (after_cpu[i] or 0) - (before["cpu"][i] or 0)
            sessions = (after_connects[i] or 0) - (before["connects"][i] or 0)
            per_replica.append({
                "port": replica["port"],
                "sessions": sessions,
                "cpu_s": round(cpu, 1),
                "rss_mb_start": round(before["rss"][i] or 0),
                "rss_mb_peak": round(peaks[i] or 0),
            })  # fmt: skip
        alive = all(cpu_s(p) is not None for p in pids)
    views = len(results.views) + len(results.errors)
    server_cpu = sum(r["cpu_s"] for r in per_replica)
    return {
        "replicas": replicas,
        "sessions": results.sessions_done,
        "views": views,
        "errors": len(results.errors),
        "p50 view ms": ms(statistics.median(results.views)) if results.views else None,
        "p95 view ms": ms(percentile(results.views, 0.95)),
        "p95 first view ms": ms(percentile(results.first, 0.95)),
        "p50/p95 server part ms": f"{ms(percentile(results.server, 0.5))} / "
        f"{ms(percentile(results.server, 0.95))}",
        "p50/p95 painted ms": f"{ms(percentile(results.painted, 0.5))} / "
        f"{ms(percentile(results.painted, 0.95))}",
        "server CPU s (per replica)": " + ".join(f"{r['cpu_s']:.1f}" for r in per_replica),
        "CPU ms/view": ms(1000 * server_cpu / views) if views else None,
        "RSS MB start -> peak (per replica)": ", ".join(
            f"{r['rss_mb_start']}->{r['rss_mb_peak']}" for r in per_replica
        ),
        "sessions per replica": " / ".join(str(r["sessions"]) for r in per_replica),
        "client CPU s": round(client_now - before["client"], 1),
        "_per_replica": per_replica,
        "_elapsed_s": round(elapsed, 1),
        "_load_average_after": os.getloadavg(),
        "_nginx_cpu_s": round(tree_cpu_s(nginx) - before["nginx"], 2) if alive else None,
        "_error_kinds": sorted(set(results.errors))[:10],
        "_views_ms": [round(v) for v in results.views],
        "_server_ms": [round(v) for v in results.server],
        "_reloads": results.reloads,
        "_painted_ms": [round(v) for v in results.painted],
    }


async def simulate(sessions: int, configs: tuple[int, ...] = (1, 2)) -> list[dict]:
    todo = plans(sessions)
    drawing = sum(p.draw for p in todo)
    pool = min(POOL, sessions)
    draw_slots = min(drawing, max(1, pool // DRAW_EVERY)) if drawing else 0
    port = free_ports(1)[0]  # the same origin for both configurations: the slots' caches hold
    rows = []
    ours = set(children(os.getpid()))
    async with async_playwright() as playwright:
        driver = [p for p in children(os.getpid()) if p not in ours]  # the Playwright driver
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        lowered = lower_browser_priority(driver)
        try:
            slots = [await new_slot(browser, draw=i < draw_slots) for i in range(pool)]
            for replicas in configs:
                row = await measure(replicas, port, slots, todo, driver, not rows)
                row["_browser_nice"] = BROWSER_NICE if lowered else 0
                rows.append(row)
        finally:
            with contextlib.suppress(Exception):
                await browser.close()
    return rows


def run(quick: bool = False, sessions: int | None = None) -> list[dict]:
    """One row per configuration (1 replica, then 2), and the verdict on the 2-replica row."""
    count = sessions or (10 if quick else 100)
    rows = asyncio.run(simulate(count))
    by = {row["replicas"]: row for row in rows}
    one, two = by.get(1, {}).get("p95 view ms"), by.get(2, {}).get("p95 view ms")
    for row in rows:
        row["p95 / p95 with 1"] = round(row["p95 view ms"] / one, 2) if one and row[
            "p95 view ms"] else None  # fmt: skip
        row["target"] = "-"
    if one and two:
        errors = sum(row["errors"] for row in rows)
        met = two <= TARGET_RATIO * one and errors == 0
        by[2]["target"] = f"{'PASS' if met else 'MISS'} (0 errors, ratio <= {TARGET_RATIO})"
    for row in rows:
        row["_simulated"] = (
            f"{count} sessions, {SWITCHES + 1} views each, pauses {PAUSE_S[0]:.0f}-"
            f"{PAUSE_S[1]:.0f} s, pool of {min(POOL, count)} reused browser contexts in one "
            f"Chromium; every {DRAW_EVERY}th session draws"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.replicas",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="10 sessions instead of 100")
    parser.add_argument("--sessions", type=int, help="number of sessions (overrides --quick)")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args(argv)
    rows = run(args.quick, args.sessions)
    print(__doc__.strip().split("\n\n")[0] + "\n")
    shown = [k for k in dict.fromkeys(k for row in rows for k in row) if not k.startswith("_")]
    print("| " + " | ".join(shown) + " |\n|" + "---|" * len(shown))
    for row in rows:
        print("| " + " | ".join(str(row.get(k, "")) for k in shown) + " |")
    print(f"\nSimulated: {rows[0]['_simulated']}." if rows else "")
    for row in rows:
        if row["_error_kinds"]:
            print(f"errors with {row['replicas']} replica(s): {row['_error_kinds']}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
