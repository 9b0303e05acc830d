"""Time to painted in Chromium: navigation to the last chart drawn, vs a bare one-chart page (ms).

Each phase page of a real `streamlit run` server (shipped data) and benchmarks/anchor_app.py (a
title and one Plotly chart, served the same way) are opened in turn in one tab, interleaved, after
one warm-up visit each. Time = performance.now() (origin: navigation start) at the first animation
frame where the app is connected and idle, the page heading is there and every chart the page drew
on its warm-up visit has a visible svg. `ratio` = page median / anchor median, same run.
"""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from benchmarks import REPO, median, verdict
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

PHASES = ["induction", "consolidation", "maintenance", "transplant", "relapse"]
TARGET_RATIO = 1.3
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


def _open(page, url: str, charts: int) -> float:
    """Navigate (a new document: a new Streamlit session) and return ms to painted."""
    page.goto(url, wait_until="commit", timeout=60_000)
    try:
        handle = page.wait_for_function(PAINTED_JS, arg=charts, polling="raf", timeout=60_000)
    except PlaywrightTimeoutError:
        shown = page.get_by_test_id("stMain").inner_text(timeout=5_000)[:500]
        raise RuntimeError(f"{url} not painted in 60 s ({charts} charts); page: {shown}") from None
    return float(handle.json_value())


def run(quick: bool) -> list[dict]:
    reps = 1 if quick else 7
    app = StreamlitServer(REPO, data_dir=REPO / "data")
    anchor = StreamlitServer(REPO, script="benchmarks/anchor_app.py")
    with app as app_url, anchor as anchor_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        targets = {"anchor": f"{anchor_url}/", **{p: f"{app_url}/{p}" for p in PHASES}}
        charts, times = {}, {name: [] for name in targets}
        for name, url in targets.items():  # warm-up: server and browser caches, chart counts
            _open(page, url, 0)
            page.wait_for_timeout(1000)
            charts[name] = page.get_by_test_id("stPlotlyChart").count()
        for _ in range(reps):
            for name, url in targets.items():
                times[name].append(_open(page, url, charts[name]))
        browser.close()
    anchor_ms = median(times["anchor"])
    rows = []
    for name, values in times.items():
        ratio = median(values) / anchor_ms
        rows.append(
            {
                "page": name,
                "charts": charts[name],
                "runs": len(values),
                "median ms": round(median(values)),
                "max ms": round(max(values)),
                "ratio": round(ratio, 2),
                "target": "-" if name == "anchor" else f"<= {TARGET_RATIO}",
                "": "-" if name == "anchor" else verdict(ratio, TARGET_RATIO, inclusive=True),
                "_times_ms": values,
            }
        )
    return rows
