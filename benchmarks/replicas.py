"""Replicas behind nginx: simulated sessions with reading pauses, 1 replica vs 2 (same run).

`light`: 100 sessions (10 when quick) of the protocol client benchmarks/wsclient.py, arriving
within 10 s; `light burst`: the same within 2 s; `chromium`: 10 sessions in the real frontend (none
when quick). Target (light): 0 errors, p95 with 2 replicas <= half that with 1 (flagged when other
work took > 10% of the cores). Method and columns: docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.request import urlopen

from playwright.async_api import Browser, async_playwright

from benchmarks import cpu_s, median, percentile, rss_mb
from benchmarks.wsclient import Session, View, ViewError
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS
from tests.browser.served import Launched, free_ports, process_tree

# Many pages share one browser: keep the ones behind the front window running.
BACKGROUND = "renderer-backgrounding background-timer-throttling backgrounding-occluded-windows"
BROWSER_ARGS = [*CHROMIUM_ARGS, *(f"--disable-{flag}" for flag in BACKGROUND.split())]
BROWSER_NICE = 10  # Chromium yields the cores to the servers (see lower_browser_priority)
PAGES = ["/", "/induction", "/consolidation", "/maintenance", "/transplant", "/relapse"]
SELECTIONS = ["", "?disease=AML", "?disease=MDS", "?disease=ALL", "?disease=AML&disease=MDS"]
SWITCHES = 2  # in-app page switches after the first view
PAUSE_S = (2.0, 8.0)  # reading time after each view
ARRIVAL_S = 2.0  # chromium: the first session of each slot starts within this window
LIGHT_ARRIVAL_S = 10.0  # light: every session starts within this window (a meeting starts)
BURST_ARRIVAL_S = 2.0  # light burst: the same sessions, all starting within 2 s
LIGHT_SESSIONS, BROWSER_SESSIONS = 100, 10
POOL = 20  # sessions open at once, at most (browser contexts, each reused)
DRAW_EVERY = 10  # every tenth session draws (time to painted)
TIMEOUT_MS, TARGET_RATIO = 120_000, 0.5  # the target: p95 with 2 replicas / with 1
OTHER_WORK_PCT = 10  # above this share of the cores used by other processes, say so
SEED = 14
CONNECTS = re.compile(r'^session_events_total\{type="connect"\} (\d+)', re.M)  # in /_stcore/metrics
RAMP = (5, 10, 20, 40, 80, 160)  # views/s offered to one replica in turn (not when quick) ...
RAMP_S, CARRIED_MS = 15, 1000  # ... each by sessions of 3 views, no pauses, within 15 s

# Before any page script: every script-state change, and the time of the last change to the page
# (a fast run can go from `running` back to `notRunning` within one render: the content shows it).
RECORD_STATES = """window.__pwStates = []; window.__pwChanged = 0;
new MutationObserver((records) => {
  window.__pwChanged = performance.now();
  for (const r of records) {
    const s = r.type === 'attributes' && r.attributeName === 'data-test-script-state'
      && r.target.getAttribute('data-test-script-state');
    if (s) window.__pwStates.push([performance.now(), s]);
  }
}).observe(document, {attributes: true, childList: true, characterData: true, subtree: true});"""
# Sessions that do not draw: the page's root is display:none from the start.
NO_DRAWING = """(() => {
  const hide = () => (document.head || document.documentElement).appendChild(Object.assign(
    document.createElement('style'), {textContent: 'html { display: none !important; }'}));
  if (document.documentElement) hide();
  else document.addEventListener('readystatechange', hide, {once: true});
})();"""
# [start, path, draw, h1Before]; start: the click's time since the epoch (ms), null for a navigation
# (then navigation start). Done: connected, idle, at `path`, a run seen since the click (a `running`
# state or another heading); its time: the last change to the page. A click that loads a new
# document is followed into it (times converted to its clock). Gives {ms, exceptions}.
VIEW_DONE = """([start, path, draw, h1Before]) => {
  const since = start === null ? 0 : Math.max(0, start - performance.timeOrigin);
  const app = document.querySelector('[data-testid="stApp"]');
  const h1 = document.querySelector('h1');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED' || !h1
    || app.getAttribute('data-test-script-state') !== 'notRunning'
    || (path !== null && location.pathname !== path)) return false;
  const ran = start === null || start < performance.timeOrigin || h1.textContent !== h1Before
    || (window.__pwStates || []).some(([t, s]) => t >= since && s !== 'notRunning');
  if (!ran || document.querySelector('[data-testid="stSkeleton"]')) return false;
  let done = Math.max(since, window.__pwChanged || 0);
  if (draw) {
    const charts = [...document.querySelectorAll('.phasewise-chart')];
    const shown = (c) => c.querySelector('.main-svg')?.checkVisibility({visibilityProperty: true});
    if (!charts.every(shown)) return false;
    done = Math.max(done, performance.now());
  }
  return {
    ms: start === null ? done : performance.timeOrigin + done - start,
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
  };
}"""
# The click's time (ms since the epoch) and the heading before it; then the click on the link.
BEFORE_CLICK = """[performance.timeOrigin + performance.now(),
  (document.querySelector('h1') || {}).textContent || null]"""
CLICK_LINK = """(path) => {
  const link = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')]
    .find((a) => new URL(a.href).pathname === path);
  if (link) link.click();
  return !!link;
}"""


@dataclass
class Plan:
    """One simulated session: a deep link, then page switches, a pause after each view."""

    path: str
    query: str
    switches: list[str]  # paths
    pauses: list[float]
    draw: bool
    arrival: float  # s after the start (light sessions)


def plans(sessions: int, arrival_s: float = LIGHT_ARRIVAL_S) -> list[Plan]:
    rng, result = random.Random(SEED), []
    for index in range(sessions):
        path = current = rng.choice(PAGES)
        switches = []
        for _ in range(SWITCHES):
            current = rng.choice([p for p in PAGES if p != current])
            switches.append(current)
        pauses = [rng.uniform(*PAUSE_S) for _ in range(SWITCHES + 1)]
        draw = index % DRAW_EVERY == DRAW_EVERY - 1
        query = rng.choice(SELECTIONS).lstrip("?")
        result.append(Plan(path, query, switches, pauses, draw, rng.uniform(0, 1) * arrival_s))
    return result


@dataclass
class Results:
    views: list[float] = field(default_factory=list)  # ms, every view
    first: list[float] = field(default_factory=list)  # ms, each session's first view
    painted: list[float] = field(default_factory=list)  # ms, views of drawing sessions
    errors: list[str] = field(default_factory=list)
    sessions_done: int = 0


def ms(value: float | None) -> int | None:
    return None if value is None else round(value)


def machine_busy_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of every core since boot, from /proc/stat."""
    # user nice system idle iowait irq softirq steal (guest time is counted in user already)
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - values[3] - values[4]) / tick, sum(values) / tick  # idle, iowait


def trees_cpu_s(roots) -> float:
    """CPU seconds so far of `roots` and every process below them."""
    return sum(cpu_s(pid) or 0.0 for pid in set().union(*map(process_tree, roots)))


def lower_browser_priority(driver: set[int], nice: int = BROWSER_NICE) -> None:
    """Chromium below the servers' CPU priority (users' browsers run on their own machines): Linux
    schedules a session as a group, so on Chromium's own session group, never ours."""
    ours = os.getsid(0)
    for pid in sorted(set().union(*map(process_tree, driver))):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"chrom" not in command.split(b"\0")[0] or os.getsid(pid) != pid or pid == ours:
                continue
            Path(f"/proc/{pid}/autogroup").write_text(str(nice))
        except OSError:
            continue
        for member in process_tree(pid):
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, member, nice)
        return


def connects(url: str) -> int:
    """A replica's own count of WebSocket sessions connected (its /_stcore/metrics)."""
    with contextlib.suppress(OSError), urlopen(f"{url}/_stcore/metrics", timeout=5) as resp:
        found = CONNECTS.search(resp.read().decode())
        return int(found.group(1)) if found else 0
    return 0


async def measure(kind: str, launched: Launched, client_cpu, driving) -> dict:
    """`driving`'s row: what it took of the replicas, nginx, the clients (`client_cpu()`), all."""
    replicas = launched.state["replicas"]
    pids, nginx = [r["pid"] for r in replicas], {launched.state["nginx_pid"]}
    cpu, rss = [cpu_s(p) or 0.0 for p in pids], [round(rss_mb(p) or 0) for p in pids]
    peaks, connected = list(rss), [connects(r["url"]) for r in replicas]
    nginx_cpu, client, machine = trees_cpu_s(nginx), client_cpu(), machine_busy_s()
    started = time.monotonic()

    async def sample() -> None:
        while True:
            peaks[:] = [
                max(peak, round(rss_mb(p) or 0)) for peak, p in zip(peaks, pids, strict=True)
            ]
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    results = await driving
    elapsed = time.monotonic() - started
    sampler.cancel()
    busy, total = (after - before for after, before in zip(machine_busy_s(), machine, strict=True))
    client = client_cpu() - client
    after = [cpu_s(p) for p in pids]
    nginx_s = round(trees_cpu_s(nginx) - nginx_cpu, 2) if None not in after else None
    used = [round((a or 0) - b, 1) for a, b in zip(after, cpu, strict=True)]
    sessions = [connects(r["url"]) - n for r, n in zip(replicas, connected, strict=True)]
    views = len(results.views) + len(results.errors)
    row = {
        "client": kind,
        "replicas": len(replicas),
        "sessions": results.sessions_done,
        "views": views,
        "errors": len(results.errors),
        "p50 view ms": ms(median(results.views)),
        "p95 view ms": ms(percentile(results.views, 0.95)),
        "p95 first view ms": ms(percentile(results.first, 0.95)),
        "server CPU s (per replica)": " + ".join(f"{c:.1f}" for c in used),
        "CPU ms/view": ms(1000 * sum(used) / views) if views else None,
        "RSS MB start -> peak (per replica)": ", ".join(
            f"{a}->{b}" for a, b in zip(rss, peaks, strict=True)
        ),
        "sessions per replica": " / ".join(map(str, sessions)),
        "nginx CPU s": nginx_s,
        "client CPU s": round(client, 1),
        "wall s": round(elapsed, 1),
        "machine busy %": round(100 * busy / max(total, 1e-9)),
        # The machine's busy time that is none of this benchmark's processes: other work.
        "other work %": round(
            100 * max(0.0, busy - sum(used) - (nginx_s or 0) - client) / max(total, 1e-9)
        ),
        "_error_kinds": sorted(set(results.errors))[:10],
        "_views_ms": [round(v) for v in results.views],
        "_first_views_ms": [round(v) for v in results.first],
    }
    if kind.startswith("light"):
        return row
    painted = [ms(percentile(results.painted, q)) for q in (0.5, 0.95)]
    return {
        **row,
        "p50/p95 painted ms": f"{painted[0]} / {painted[1]}",
        "_painted_ms": [round(v) for v in results.painted],
    }


async def ramp(port: int) -> list[dict]:
    """A fresh replica at rising rates of views until a view fails or the p95 passes 1 s: what one
    replica carries is the last rate within it (`views/s`: views over the row's wall time)."""
    rows = []
    with Launched(1, port=port) as launched:
        await warm_light(launched)
        for rate in RAMP:
            todo = [replace(p, pauses=[0.0] * 3) for p in plans(rate * RAMP_S // 3, RAMP_S)]
            driving = drive_light(launched.url, todo)
            row = await measure("light ramp", launched, time.process_time, driving)
            ok = "PASS" if not row["errors"] and row["p95 view ms"] <= CARRIED_MS else "MISS"
            row |= {"offered views/s": rate, "views/s": round(row["views"] / row["wall s"], 1)}
            rows.append(row | {"target": f"p95 <= {CARRIED_MS} ms", "": ok})
            if ok == "MISS":
                break
    return rows


# --- the sessions: benchmarks/wsclient.py's Session, or a Slot of Chromium --------------------


async def session(client, plan: Plan, results: Results) -> None:
    """A plan's views by `client` (its `open` and `switch` give a View or raise ViewError)."""
    views = zip([plan.path, *plan.switches], plan.pauses, strict=True)
    for i, (path, pause) in enumerate(views):
        try:
            view = await (client.switch(path) if i else client.open(path, plan.query))
        except ViewError as error:
            results.errors.append(str(error)[:160])
            return
        results.views.append(view.ms)
        if i == 0:
            results.first.append(view.ms)
        if getattr(client, "draw", False):
            results.painted.append(view.ms)
        await asyncio.sleep(pause)
    results.sessions_done += 1


async def drive_light(url: str, todo: list[Plan]) -> Results:
    """Every plan in a Session of its own, each starting at its arrival time."""
    results, start = Results(), time.monotonic()

    async def light(plan: Plan) -> None:
        await asyncio.sleep(max(0.0, start + plan.arrival - time.monotonic()))
        client = Session(url)
        try:
            await session(client, plan, results)
        finally:
            await client.close()

    await asyncio.gather(*map(light, todo))
    return results


async def warm_light(launched: Launched) -> None:
    """Every replica runs every page with every selection once (caches are per selection)."""
    for replica, selection in itertools.product(launched.state["replicas"], SELECTIONS):
        client = Session(replica["url"])
        plan = Plan("/", selection.lstrip("?"), PAGES[1:], [0.0] * len(PAGES), False, 0.0)
        try:
            await session(client, plan, Results())
        finally:
            await client.close()


class Slot:
    """A browser context and its page, reused session after session; `open`, `switch`: Session's."""

    url = ""

    @classmethod
    async def new(cls, browser: Browser, draw: bool) -> Slot:
        slot = cls()
        slot.draw, slot.page_errors = draw, []
        slot.context = await browser.new_context(viewport={"width": 1280, "height": 800})
        for script in (RECORD_STATES, *([] if draw else [NO_DRAWING])):
            await slot.context.add_init_script(script)
        slot.page = await slot.context.new_page()
        slot.page.on("pageerror", lambda error: slot.page_errors.append(str(error)[:120]))
        return slot

    async def _view(self, action, path: str | None = None) -> View:
        """Run `action` (a navigation, or with `path` a click) and wait for the view."""
        errors = len(self.page_errors)
        try:
            start, h1_before = await self.page.evaluate(BEFORE_CLICK) if path else (None, None)
            await action()
            done = await self.done(start, path, h1_before)
        except Exception as error:  # noqa: BLE001 - a timeout or a dead page is a result here
            raise ViewError(f"{type(error).__name__} on {path or 'entry'}") from None
        if done["exceptions"]:
            raise ViewError("exception element on the page")
        if len(self.page_errors) > errors:
            raise ViewError(f"page error: {self.page_errors[-1]}")
        return View(ms=done["ms"])

    async def done(self, start=None, path=None, h1_before=None) -> dict:
        arg = [start, path, self.draw, h1_before]
        js = await self.page.wait_for_function(VIEW_DONE, arg=arg, polling=50, timeout=TIMEOUT_MS)
        return await js.json_value()

    async def visit_all(self, url: str) -> None:
        """Every page of `url` once, untimed (a slow load is not a result here)."""
        for path in PAGES:
            with contextlib.suppress(Exception):
                await self.page.goto(url + path, wait_until="commit", timeout=TIMEOUT_MS)
                await self.done()
        await self.page.goto("about:blank")

    async def open(self, path: str, query: str) -> View:
        await self.context.clear_cookies()  # a new routing cookie: a new replica pick

        async def entry() -> None:
            url = self.url + path + (f"?{query}" if query else "")
            response = await self.page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            if response is None or response.status >= 400:
                raise RuntimeError(f"HTTP {response.status if response else 'no response'}")

        return await self._view(entry)

    async def switch(self, path: str) -> View:
        async def click() -> None:
            if not await self.page.evaluate(CLICK_LINK, path):
                raise RuntimeError(f"no sidebar link to {path}")

        return await self._view(click, path)


async def drive(slots: list[Slot], url: str, todo: list[Plan]) -> Results:
    """The plans in the slots, each slot taking the next plan of its kind (drawing or not)."""
    results, queue, rng = Results(), list(todo), random.Random(SEED + 1)

    async def worker(slot: Slot, offset: float) -> None:
        slot.url = url
        await asyncio.sleep(offset)
        while plan := next((p for p in queue if p.draw == slot.draw), None):
            queue.remove(plan)
            await session(slot, plan, results)

    await asyncio.gather(*(worker(slot, rng.uniform(0, ARRIVAL_S)) for slot in slots))
    return results


async def simulate(light: int, browser_sessions: int, burst: bool) -> list[dict]:
    """1 replica, then 2: the light sessions, the same in a burst, then the Chromium ones."""
    light_plans, browser_plans = plans(light), plans(browser_sessions)
    burst_plans = plans(light, arrival_s=BURST_ARRIVAL_S) if burst else []
    port = free_ports(1)[0]  # the same origin for both configurations: the slots' caches hold
    rows: list[dict] = []
    async with contextlib.AsyncExitStack() as stack:
        slots: list[Slot] = []
        if browser_sessions:
            ours = process_tree(os.getpid())
            playwright = await stack.enter_async_context(async_playwright())
            driver = process_tree(os.getpid()) - ours  # the Playwright driver
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            stack.push_async_callback(browser.close)
            lower_browser_priority(driver)
            pool = min(POOL, browser_sessions)
            drawing = sum(p.draw for p in browser_plans)
            draw_slots = min(drawing, max(1, pool // DRAW_EVERY)) if drawing else 0
            slots = [await Slot.new(browser, draw=i < draw_slots) for i in range(pool)]
        for replicas in (1, 2):
            with Launched(replicas, port=port) as launched:
                await warm_light(launched)
                for kind, todo in (("light", light_plans), ("light burst", burst_plans)):
                    if todo:
                        driving = drive_light(launched.url, todo)
                        rows.append(await measure(kind, launched, time.process_time, driving))
                if not slots:
                    continue
                try:
                    if replicas == 1:  # every context loads every page once: scripts cached
                        await asyncio.gather(*(slot.visit_all(launched.url) for slot in slots))
                    for replica in launched.state["replicas"]:  # every replica's own caches
                        await slots[0].visit_all(replica["url"])
                    driving = drive(slots, launched.url, browser_plans)
                    result = await measure(
                        "chromium", launched, lambda: trees_cpu_s(driver), driving
                    )
                except Exception as error:  # noqa: BLE001 - keep the light rows
                    result = {"client": "chromium", "replicas": replicas, "errors": "failed"}
                    result["p95 view ms"] = None
                    result["_error_kinds"] = [f"{type(error).__name__}: {str(error)[:200]}"]
                rows.append(result)
    return rows + (await ramp(port) if burst else [])  # the ramp: not when quick


def run(quick: bool) -> list[dict]:
    light, browser = (10, 0) if quick else (LIGHT_SESSIONS, BROWSER_SESSIONS)
    rows = asyncio.run(simulate(light, browser, burst=not quick))
    for kind in ("light", "light burst", "chromium"):
        by = {r["replicas"]: r for r in rows if r["client"] == kind}
        one, two = (by.get(n, {}).get("p95 view ms") for n in (1, 2))
        for r in by.values():
            p95, r["target"] = r["p95 view ms"], "-"
            r["p95 / p95 with 1"] = round(p95 / one, 2) if one and p95 else None
        if kind == "light" and one and two:
            met = two <= TARGET_RATIO * one and not sum(r["errors"] for r in by.values())
            verdict = f"{'PASS' if met else 'MISS'} (0 errors, ratio <= {TARGET_RATIO})"
            other = [by[n]["other work %"] for n in (1, 2)]
            if max(other) > OTHER_WORK_PCT:  # the two rows did not run on the same machine
                verdict += f", not comparable: other work {other[0]}% / {other[1]}% of the cores"
            by[2]["target"] = verdict
    return rows
