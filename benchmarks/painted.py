"""Time to painted in Chromium: navigation to the last chart drawn, vs a bare one-chart page (ms).

Each phase page (en, zh) and the bare page (benchmarks/anchor_app.py, at / and at the deep link
/deep) in turn in one tab, 7 rounds. `ratio to /deep` is the target's. `first screen`: the same
navigation until the charts whose top is in the window are drawn (the others are drawn after, when
the browser is idle). `switch to` rows (not when quick): a sidebar click on a warm session.
Columns: docs/benchmarks.md. Quick: transplant, en.
"""

from __future__ import annotations

import collections
import contextlib
import itertools

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from benchmarks import PAINTED_JS, REPO, Tab, chromium, cpu_s, median, rss_mb, verdict
from tests.browser.helpers import StreamlitServer

PHASES = ["induction", "consolidation", "maintenance", "transplant", "relapse"]
LANGS = ["en", "zh"]
TARGET_RATIO = 1.3
DEEP = "anchor at /deep"
# After a sidebar click: painted once the page's heading is another than before (the old page's
# state would otherwise pass at once).
SWITCHED_JS = f"""([oldHeading, minCharts]) => {{
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  if (!h1 || h1.textContent === oldHeading) return false;
  return ({PAINTED_JS})([minCharts, '', false]);
}}"""


def _open(tab: Tab, url: str, charts: int, timeout_s: int = 60) -> list:
    """Navigate (a new document: a new Streamlit session); PAINTED_JS's answer, with the ms at
    which the first screen's charts were drawn appended."""
    tab.page.goto(url, wait_until="commit", timeout=60_000)
    try:
        first = tab.painted(charts, timeout=timeout_s * 1000, first_screen=True)[0]
        return [*tab.painted(charts, timeout=timeout_s * 1000), first]
    except PlaywrightTimeoutError:
        shown = tab.page.get_by_test_id("stMain").inner_text(timeout=5_000)[:500]
        raise RuntimeError(f"{url} not painted in {timeout_s} s; page: {shown}") from None


def _switch(tab: Tab, link: str, charts: int) -> float:
    """Click the sidebar link named `link` on the open page (a warm session); ms to painted."""
    heading = tab.page.locator('[data-testid="stMain"] h1').first.text_content()
    start = tab.page.evaluate("performance.now()")
    tab.page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    arg = [heading, charts]
    js = tab.page.wait_for_function(SWITCHED_JS, arg=arg, polling="raf", timeout=60_000)
    return float(js.json_value()[0]) - start


def _switches(tab: Tab, urls: dict[str, str], sent: dict, reps: int) -> list[dict]:
    """The bare two-page app's own switch, then each language's overview to each phase page."""
    from lib.dataset.vocabulary import PHASE_LABELS
    from lib.i18n import _, using_language

    times = collections.defaultdict(list)
    for _rep in range(reps):
        _open(tab, f"{urls['nav']}/", 1)
        times["anchor switch"].append(_switch(tab, "Second", 1))
        for lang, phase in itertools.product(LANGS, PHASES):
            _open(tab, f"{urls['app']}/?lang={lang}", 0)
            with using_language(lang):
                link = _(PHASE_LABELS[phase])
            charts = len(sent[f"{phase} ({lang})"]["charts"])
            times[f"{phase} ({lang})"].append(_switch(tab, link, charts))
    anchor = median(times["anchor switch"])
    rows = []
    for name, got in times.items():
        ratio, bare = median(got) / anchor, name == "anchor switch"
        rows.append(
            {
                "switch to": name,
                "runs": len(got),
                "median ms": round(median(got)),
                "max ms": round(max(got)),
                "ratio to the bare switch": round(ratio, 2),
                "target": "-" if bare else f"<= {TARGET_RATIO}",
                "": "-" if bare else verdict(ratio, TARGET_RATIO, True),
                "_times_ms": got,
            }
        )
    return rows


def run(quick: bool) -> list[dict]:
    reps = 1 if quick else 7
    servers = {
        "app": StreamlitServer(REPO, data_dir=REPO / "data"),
        "anchor": StreamlitServer(REPO, script="benchmarks/anchor_app.py"),
        "deep": StreamlitServer(REPO, script="benchmarks/anchor_deep_app.py"),
        **({} if quick else {"nav": StreamlitServer(REPO, script="benchmarks/anchor_nav_app.py")}),
    }
    with contextlib.ExitStack() as stack, chromium() as browser:
        urls = {name: stack.enter_context(server) for name, server in servers.items()}
        pids = {name: server.proc.pid for name, server in servers.items()}
        tab = Tab(browser)
        # The two bare pages, then every phase page in each language: (row, url, server).
        langs, phases = (["en"], ["transplant"]) if quick else (LANGS, PHASES)
        bare = [("anchor", f"{urls['anchor']}/", "anchor"), (DEEP, f"{urls['deep']}/deep", "deep")]
        targets = bare + [
            (f"{phase} ({lang})", f"{urls['app']}/{phase}?lang={lang}", "app")
            for lang, phase in itertools.product(langs, phases)
        ]
        sent, rss = {}, {}
        for name, url, server in targets:  # in turn: each row's memory is its first view's
            tab.payloads.clear()  # an untimed visit: server and browser caches, the charts sent
            _open(tab, url, 0, timeout_s=300)  # a first view on a busy machine can take minutes
            tab.page.wait_for_timeout(1000)  # any message still on its way
            sent[name], rss[name] = tab.summary(), rss_mb(pids[server])
            if tab.page.get_by_test_id("stException").count():
                raise RuntimeError(f"{url} shows an exception")
        samples = collections.defaultdict(lambda: collections.defaultdict(list))
        for _rep in range(reps):
            for name, url, server in targets:
                tab.payloads.clear()
                before = cpu_s(pids[server]) or 0.0
                wall, _charts, nodes, probe, first = _open(tab, url, len(sent[name]["charts"]))
                got = samples[name]
                got["first"].append(first)
                got["server"].append(1000 * ((cpu_s(pids[server]) or 0.0) - before))
                got["wall"].append(wall)
                got["cpu"].append(tab.main_thread_ms())
                got["probe"].append(probe)
                got["nodes"].append(nodes)
                got["bytes"].append(tab.summary()["bytes"])
        switches = [] if quick else _switches(tab, urls, sent, max(3, reps // 2))
    anchor_wall, deep_wall = median(samples["anchor"]["wall"]), median(samples[DEEP]["wall"])
    deep_first = median(samples[DEEP]["first"])
    deep_cpu = median(samples[DEEP]["cpu"])
    rows = []
    for name, _url, server in targets:
        got, phase = samples[name], server == "app"
        ratio = median(got["wall"]) / deep_wall
        rows.append(
            {
                "page": name,
                "charts": len(sent[name]["charts"]),
                "runs": len(got["wall"]),
                "median ms": round(median(got["wall"])),
                "max ms": round(max(got["wall"])),
                "ratio to /deep": round(ratio, 2),
                "target": f"<= {TARGET_RATIO}" if phase else "-",
                "": verdict(ratio, TARGET_RATIO, inclusive=True) if phase else "-",
                "ratio to /": round(median(got["wall"]) / anchor_wall, 2),
                "first screen ms": round(median(got["first"])),
                "first screen ratio to /deep": round(median(got["first"]) / deep_first, 2),
                "main-thread CPU ms": round(median(got["cpu"])),
                "CPU ratio to /deep": round(median(got["cpu"]) / deep_cpu, 2) if deep_cpu else None,
                "server CPU ms": round(median(got["server"])),
                "server MB after 1st view": round(rss[name] or 0),
                "probe ms": round(median(got["probe"])),
                "DOM nodes": round(median(got["nodes"])),
                "WS KB": round(median(got["bytes"]) / 1024, 1),
                "chart KB": round(sum(sent[name]["charts"]) / 1024, 1),
                "_times_ms": got["wall"],
                "_main_thread_cpu_ms": [round(v) for v in got["cpu"]],
                "_server_cpu_ms": [round(v) for v in got["server"]],
                "_chart_bytes": sent[name]["charts"],
            }
        )
    return rows + switches
