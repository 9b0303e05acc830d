"""Time to painted in Chromium: navigation to the last chart drawn, vs a bare one-chart page (ms).

Each phase page of a real `streamlit run` server (shipped data) and benchmarks/anchor_app.py (a
title and one Plotly chart, served the same way) are opened in turn in one tab, interleaved, after
one warm-up visit each. Time = performance.now() (origin: navigation start) at the first animation
frame where the app is connected and idle, the page heading is there and every chart the page's
run sent (the `plotly_chart` elements in its WebSocket messages, counted on the warm-up visit) has
a visible svg. Every phase page is measured in English and in Chinese (`?lang=`). The target's
reference is `anchor at /deep`: the same bare page served at a deep link
(benchmarks/anchor_deep_app.py), as every phase page is, so Streamlit's deep-link probe counts on
both sides (`ratio to /deep` = page median / its median, same run); `ratio to /` compares with the
bare page at the root. `server MB after 1st view`: the serving process's resident memory once
that page has been viewed the first time (rows in the order viewed, so the growth from one row to
the next is what that page's first view loaded). Quick mode: transplant in English only.

In-app navigation (not in quick mode; the rows with `switch to`): on a warm session, a click on a
phase page's sidebar link from the overview, to the last chart painted, against the same click
in benchmarks/anchor_nav_app.py (the bare page twice, as two pages of one app).

Where the time goes (medians; these hold on a busy machine, where wall times do not):
`main-thread CPU ms` is the CPU time of the renderer's main thread for the document up to
painted (Chromium's ThreadTime metric): JavaScript, style, layout, text shaping, Plotly's drawing;
`CPU ratio to /deep` compares it with the bare deep-link page's. `server CPU ms`: the page's
server process, per view.
`probe ms`: a deep link (`/induction`) makes Streamlit's frontend first try
`/induction/_stcore/health`, which fails, and retry at the root 100 ms later; this is the time
from that first probe to the second (the anchor, at `/`, has none). `DOM nodes` and `WS KB`
(every message of the run, its charts' figures in `chart KB`) at painted.
"""

from __future__ import annotations

import base64
import contextlib
import statistics
from dataclasses import dataclass

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks import REPO, cpu_s, median, rss_mb, verdict
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

PHASES = ["induction", "consolidation", "maintenance", "transplant", "relapse"]
LANGS = ["en", "zh"]
TARGET_RATIO = 1.3
DEEP = "anchor at /deep"
# Plotly keeps a chart's svg hidden until it is sized, so a visible svg means drawn.
PAINTED_JS = """(minCharts) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (charts.length < minCharts) return false;
  for (const c of charts) {
    const svg = c.querySelector('.main-svg');
    if (!svg || !svg.checkVisibility({visibilityProperty: true})) return false;
  }
  return performance.now();
}"""
# After painted: the document's size, and the deep-link probe (see the docstring).
PAGE_FACTS_JS = """() => {
  const health = performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/_stcore/health'));
  const root = health.find((e) => new URL(e.name).pathname === '/_stcore/health');
  const first = health[0];
  return {
    nodes: document.getElementsByTagName('*').length,
    probe: root && first && first !== root ? root.startTime - first.startTime : 0,
  };
}"""


class Frames:
    """The WebSocket messages a page receives (Chromium's network events, decoded)."""

    def __init__(self, context, page) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        self.payloads: list[bytes] = []
        self.cdp.on(
            "Network.webSocketFrameReceived",
            lambda e: self.payloads.append(base64.b64decode(e["response"]["payloadData"])),
        )

    def clear(self) -> None:
        self.payloads.clear()

    def summary(self) -> dict:
        """Message bytes, and the plotly_chart elements' count and bytes."""
        charts = []
        for payload in self.payloads:
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            delta = msg.delta if msg.WhichOneof("type") == "delta" else None
            if (
                delta is not None
                and delta.WhichOneof("type") == "new_element"
                and delta.new_element.WhichOneof("type") == "plotly_chart"
            ):
                charts.append(len(payload))
        return {"bytes": sum(map(len, self.payloads)), "charts": charts}

    def main_thread_ms(self) -> float:
        """CPU time of the renderer's main thread for the current document."""
        metrics = {
            m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]
        }
        return 1000 * metrics.get("ThreadTime", 0.0)


def _open(page, url: str, charts: int) -> float:
    """Navigate (a new document: a new Streamlit session) and return ms to painted."""
    page.goto(url, wait_until="commit", timeout=60_000)
    try:
        handle = page.wait_for_function(PAINTED_JS, arg=charts, polling="raf", timeout=60_000)
    except PlaywrightTimeoutError:
        shown = page.get_by_test_id("stMain").inner_text(timeout=5_000)[:500]
        raise RuntimeError(f"{url} not painted in 60 s ({charts} charts); page: {shown}") from None
    return float(handle.json_value())


# After a sidebar click: painted once the page's heading is another than before and its charts
# are drawn (the old page's state would otherwise pass at once).
SWITCHED_JS = (
    "([oldHeading, minCharts]) => {\n"
    "  const h1 = document.querySelector('[data-testid=\"stMain\"] h1');\n"
    "  if (!h1 || h1.textContent === oldHeading) return false;\n"
    f"  return ({PAINTED_JS})(minCharts);\n"
    "}"
)


def _switch(page, link: str, charts: int) -> float:
    """Click the sidebar link named `link` on the open page (a warm session); ms to painted."""
    heading = page.locator('[data-testid="stMain"] h1').first.text_content()
    start = page.evaluate("performance.now()")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    handle = page.wait_for_function(
        SWITCHED_JS, arg=[heading, charts], polling="raf", timeout=60_000
    )
    return float(handle.json_value()) - start


def _switches(page, urls: dict[str, str], sent: dict, reps: int) -> list[dict]:
    """In-app navigation: the bare two-page app's own switch, then from each language's overview
    to every phase page by its sidebar link (medians of `reps`)."""
    times: dict[str, list[float]] = {}
    for _ in range(reps):
        _open(page, f"{urls['nav']}/", 1)
        times.setdefault("anchor switch", []).append(_switch(page, "Second", 1))
        for lang in LANGS:
            for phase in PHASES:
                _open(page, f"{urls['app']}/?lang={lang}", 0)
                charts = len(sent[f"{phase} ({lang})"]["charts"])
                link = _link_name(phase, lang)
                times.setdefault(f"{phase} ({lang})", []).append(_switch(page, link, charts))
    anchor = median(times["anchor switch"])
    return [
        {
            "switch to": name,
            "runs": len(got),
            "median ms": round(median(got)),
            "max ms": round(max(got)),
            "ratio to the bare switch": round(median(got) / anchor, 2),
            "target": "-" if name == "anchor switch" else f"<= {TARGET_RATIO}",
            "": "-"
            if name == "anchor switch"
            else verdict(median(got) / anchor, TARGET_RATIO, True),
            "_times_ms": got,
        }
        for name, got in times.items()
    ]


def _link_name(phase: str, lang: str) -> str:
    from lib.dataset.vocabulary import PHASE_LABELS
    from lib.i18n import _, using_language

    with using_language(lang):
        return _(PHASE_LABELS[phase])


def _warm(page, frames: Frames, url: str) -> dict:
    """One untimed visit: server and browser caches; the charts the page's run sent."""
    frames.clear()
    _open(page, url, 0)
    page.wait_for_timeout(1000)  # any message still on its way
    summary = frames.summary()
    exceptions = page.get_by_test_id("stException").count()
    if exceptions:
        raise RuntimeError(f"{url} shows {exceptions} exception(s)")
    return summary


@dataclass(frozen=True)
class Target:
    name: str  # the row's label
    url: str
    server: str  # "app", "anchor" or "deep"
    phase: str = ""
    lang: str = ""


def _targets(urls: dict[str, str], quick: bool) -> list[Target]:
    """The two bare pages, then every phase page in each language (quick: transplant, English)."""
    langs, phases = (["en"], ["transplant"]) if quick else (LANGS, PHASES)
    return [
        Target("anchor", f"{urls['anchor']}/", "anchor"),
        Target(DEEP, f"{urls['deep']}/deep", "deep"),
        *(
            Target(f"{phase} ({lang})", f"{urls['app']}/{phase}?lang={lang}", "app", phase, lang)
            for lang in langs
            for phase in phases
        ),
    ]


def run(quick: bool) -> list[dict]:
    reps = 1 if quick else 7
    servers = {
        "app": StreamlitServer(REPO, data_dir=REPO / "data"),
        "anchor": StreamlitServer(REPO, script="benchmarks/anchor_app.py"),
        "deep": StreamlitServer(REPO, script="benchmarks/anchor_deep_app.py"),
        **({} if quick else {"nav": StreamlitServer(REPO, script="benchmarks/anchor_nav_app.py")}),
    }
    with contextlib.ExitStack() as stack, sync_playwright() as playwright:
        urls = {name: stack.enter_context(server) for name, server in servers.items()}
        pids = {name: server.proc.pid for name, server in servers.items()}
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        frames = Frames(context, page)
        targets = _targets(urls, quick)
        started_mb = rss_mb(pids["app"])
        sent, rss = {}, {}
        for target in targets:  # in turn, so each row's memory is what its first view added
            sent[target.name] = _warm(page, frames, target.url)
            rss[target.name] = rss_mb(pids[target.server])
        names = ("wall", "cpu", "server", "probe", "nodes", "bytes")
        samples = {t.name: {k: [] for k in names} for t in targets}
        for _ in range(reps):
            for target in targets:
                frames.clear()
                before = cpu_s(pids[target.server]) or 0.0
                wall = _open(page, target.url, len(sent[target.name]["charts"]))
                server_ms = 1000 * ((cpu_s(pids[target.server]) or 0.0) - before)
                facts = page.evaluate(PAGE_FACTS_JS)
                got = samples[target.name]
                got["wall"].append(wall)
                got["cpu"].append(frames.main_thread_ms())
                got["server"].append(server_ms)
                got["probe"].append(facts["probe"])
                got["nodes"].append(facts["nodes"])
                got["bytes"].append(frames.summary()["bytes"])
        switches = [] if quick else _switches(page, urls, sent, max(3, reps // 2))
        browser.close()
    anchor_wall = median(samples["anchor"]["wall"])
    deep_wall = median(samples[DEEP]["wall"])
    deep_cpu = median(samples[DEEP]["cpu"])
    rows = []
    for target in targets:
        got = samples[target.name]
        ratio = median(got["wall"]) / deep_wall
        phase = bool(target.phase)
        rows.append(
            {
                "page": target.name,
                "charts": len(sent[target.name]["charts"]),
                "runs": len(got["wall"]),
                "median ms": round(median(got["wall"])),
                "max ms": round(max(got["wall"])),
                "ratio to /deep": round(ratio, 2),
                "target": f"<= {TARGET_RATIO}" if phase else "-",
                "": verdict(ratio, TARGET_RATIO, inclusive=True) if phase else "-",
                "ratio to /": round(median(got["wall"]) / anchor_wall, 2),
                "main-thread CPU ms": round(median(got["cpu"])),
                "CPU ratio to /deep": round(median(got["cpu"]) / deep_cpu, 2) if deep_cpu else None,
                "server CPU ms": round(median(got["server"])),
                "server MB after 1st view": round(rss[target.name] or 0),
                "probe ms": round(median(got["probe"])),
                "DOM nodes": round(median(got["nodes"])),
                "WS KB": round(median(got["bytes"]) / 1024, 1),
                "chart KB": round(sum(sent[target.name]["charts"]) / 1024, 1),
                "_lang": target.lang,
                "_app_server_mb_at_start": round(started_mb or 0),
                "_times_ms": got["wall"],
                "_main_thread_cpu_ms": [round(v) for v in got["cpu"]],
                "_server_cpu_ms": [round(v) for v in got["server"]],
                "_chart_bytes": sent[target.name]["charts"],
                "_spread_ms": round(statistics.pstdev(got["wall"])) if len(got["wall"]) > 1 else 0,
            }
        )
    return rows + switches
