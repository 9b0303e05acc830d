"""Phasewise benchmarks (`make bench`, `python -m benchmarks.run`; docs/benchmarks.md): what the
sections share: timing, /proc readings, the app in AppTest, Chromium and its WebSocket frames."""

from __future__ import annotations

import base64
import contextlib
import gc
import logging
import math
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# AppTest's sessions are outside a script thread, which Streamlit warns about each time (a filter:
# Streamlit resets its loggers' levels when AppTest loads the config).
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: "missing ScriptRunContext" not in record.getMessage()
)
# Painted: connected, idle, the heading there (`heading`: an h2 containing it, else any h1) and at
# least `minCharts` charts, each with a visible svg (Plotly hides it until sized). Returns
# [performance.now() (origin: navigation start), charts, DOM nodes, deep-link probe ms]: a deep
# link makes the frontend try `<path>/_stcore/health` first, then the root's 100 ms later.
PAINTED_JS = """([minCharts, heading, firstScreen]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const heads = [...document.querySelectorAll(`[data-testid="stMain"] ${heading ? 'h2' : 'h1'}`)];
  if (!heads.some((h) => !heading || h.textContent.includes(heading))) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"], .phasewise-chart');
  if (charts.length < minCharts) return false;
  // The first screen: the charts whose top is inside the window (the others are drawn after).
  const waited = firstScreen
    ? [...charts].filter((c) => c.getBoundingClientRect().top < window.innerHeight) : [...charts];
  const visible = (c) => c.querySelector('.main-svg')?.checkVisibility({visibilityProperty: true});
  if (!waited.every(visible)) return false;
  const now = performance.now();
  const probes = performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/_stcore/health'));
  const root = probes.find((e) => new URL(e.name).pathname === '/_stcore/health');
  const probe = root && probes[0] !== root ? root.startTime - probes[0].startTime : 0;
  return [now, charts.length, document.getElementsByTagName('*').length, probe];
}"""


def timed(func: Callable[[], object], reps: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (this process, all threads) of `reps` calls, each after an untimed
    garbage collection. CPU time tells slow code from a busy machine (that inflates wall time)."""
    walls, cpus = [], []
    for _ in range(reps):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], q: float) -> float | None:  # nearest rank
    return sorted(values)[max(0, math.ceil(q * len(values)) - 1)] if values else None


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
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def app_test(page: str | None = None, timeout: float = 300):
    """streamlit_app.py in Streamlit's AppTest, switched to the page at /`page` (e.g. centre,
    transplant; None or overview: the default page)."""
    from streamlit.testing.v1 import AppTest

    from tests.app.navigate import open_page

    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=timeout)
    return open_page(at, page) if page and page != "overview" else at


@contextlib.contextmanager
def chromium():
    """Headless Debian Chromium driven by Playwright (sync API), closed on exit."""
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Tab:
    """A new browser context's page, the WebSocket messages it receives, its main-thread CPU."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        self.payloads: list[bytes] = []
        self.cdp.on(
            "Network.webSocketFrameReceived",
            lambda e: self.payloads.append(base64.b64decode(e["response"]["payloadData"])),
        )

    def painted(
        self, charts: int = 0, heading: str = "", timeout: float = 60_000, first_screen=False
    ) -> list:
        """PAINTED_JS checked on every animation frame until true: [ms, charts, nodes, probe].
        `first_screen`: only the charts whose top is in the window need be drawn."""
        arg = [charts, heading, first_screen]
        js = self.page.wait_for_function(PAINTED_JS, arg=arg, polling="raf", timeout=timeout)
        return js.json_value()

    def summary(self) -> dict:
        """Bytes received since `payloads` was cleared, and of each chart among them (Streamlit's
        chart element or the app's own)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        from lib.app.chart_element import COMPONENT_NAME

        charts = []
        for payload in self.payloads:
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            element = msg.delta.new_element if msg.WhichOneof("type") == "delta" else None
            kind = element.WhichOneof("type") if element is not None else None
            ours = (
                kind == "bidi_component" and element.bidi_component.component_name == COMPONENT_NAME
            )
            if kind == "plotly_chart" or ours:
                charts.append(len(payload))
        return {"bytes": sum(map(len, self.payloads)), "charts": charts}

    def main_thread_ms(self) -> float:
        """CPU time of the renderer's main thread for the current document."""
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return 1000 * next((m["value"] for m in metrics if m["name"] == "ThreadTime"), 0.0)
