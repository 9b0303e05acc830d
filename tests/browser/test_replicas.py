"""Two replicas behind nginx under supervisord: deploy/serve.py (make serve-replicas).

Every page loads through the proxy and paints its charts; the routing cookie keeps a browser on
one replica (its WebSocket included) and spreads browsers over both; uploads pass the proxy's
body limit and reach the session's replica; and killing the replica a browser sits on leaves
that browser working on the other one with what its URL holds, while /_stcore/health through the
proxy stays ``ok``, and supervisord starts the killed replica again.

The stack runs as a subprocess on free ports (tests/browser/served.py, so parallel workers do
not collide). Which replica answered is read from nginx's ``X-Upstream`` header; where a
session's WebSocket lives is read from each replica's own ``/_stcore/metrics`` (connect counters).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.helpers import REPO_ROOT, wait_for_app
from tests.browser.served import Launched, healthy, process_tree

# url path -> at least this many charts painted (all diseases selected, repo data/). Every page
# goes through the same proxy location; these three are its three kinds of request: the root, a
# deep link (whose health probe Streamlit's frontend first sends under the page's path), and
# the presentation (its own query parameters and keyboard handling).
PAGES = {"": 0, "transplant": 1, "present": 1}
ROUTE_COOKIE = "phasewise_route"
# The start of each study's title, in English and Chinese (data/translations/zh.yaml):
MDS_TRANSPLANT_STUDY = "Decitabine-intensified|高危骨髓增生异常综合征"  # dec-mbucy-mds, MDS only
# tbf-conditioning, AML only
AML_TRANSPLANT_STUDY = r"Thiotepa-busulfan-fludarabine|急性髓系白血病\(AML\)塞替派"
DEMO_COHORT = REPO_ROOT / "data" / "demo_cohort.csv"
UPLOADS = 4  # two in a browser session on each replica
EXPECT_TIMEOUT_MS = 30_000
LOAD_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module", autouse=True)
def _patient_expect() -> Iterator[None]:
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield
    expect.set_options(timeout=None)


#: Every test of the module on one worker, around one pair of replicas (one test kills one of
#: them and waits until supervisord has started it again).
pytestmark = pytest.mark.xdist_group("replicas")


@pytest.fixture(scope="module")
def proxy() -> Iterator[Launched]:
    """Two replicas behind nginx for the module's tests. Stopped at the end, where stopping
    supervisord must stop every process it started (nginx, its workers, the replicas, a
    restarted one included): none left for the harness to kill."""
    launched = Launched(2).start()
    try:
        yield launched
    finally:
        tree = process_tree(launched.proc.pid) if launched.proc else set()
        code = launched.stop()
    assert code == 0 and launched.leftovers == []
    assert len(tree) >= 5  # supervisord, nginx master and worker(s), both replicas
    assert [pid for pid in tree if running(pid)] == []


# --- helpers ------------------------------------------------------------------------------------


def upstream_of(context: BrowserContext, url: str) -> str:
    """The replica (host:port) nginx routes this browser context to, by its routing cookie."""
    response = context.request.get(f"{url}/_stcore/health")
    assert response.ok and response.text() == "ok"
    return response.headers["x-upstream"]


def context_on(browser: Browser, url: str, address: str, tries: int = 40) -> BrowserContext:
    """A new browser context whose routing cookie sends it to the replica at ``address``."""
    for _ in range(tries):
        context = browser.new_context()
        if upstream_of(context, url) == address:
            return context
        context.close()
    raise AssertionError(f"no routing cookie sent a context to {address} in {tries} tries")


def connects(replica: dict) -> int:
    """How many WebSocket sessions this replica has seen connect (its own metrics)."""
    with urllib.request.urlopen(f"{replica['url']}/_stcore/metrics", timeout=5) as resp:
        text = resp.read().decode()
    match = re.search(r'^session_events_total\{type="connect"\} (\d+)', text, re.M)
    assert match, text[:500]
    return int(match.group(1))


def health(url: str, cookie: str | None = None) -> str:
    request = urllib.request.Request(f"{url}/_stcore/health")
    if cookie:
        request.add_header("Cookie", f"{ROUTE_COOKIE}={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return f"{resp.status} {resp.read().decode()}"
    except urllib.error.HTTPError as error:
        return f"{error.code}"
    except (OSError, http.client.HTTPException) as error:  # refused, timed out, cut short
        return type(error).__name__


def expect_painted(page: Page, charts: int) -> None:
    wait_for_app(page, charts=charts, timeout=LOAD_TIMEOUT_MS)
    expect(page.locator("h1").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def chips(page: Page):
    return page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").locator("[data-tag]")


def expect_mds_only(page: Page) -> None:
    expect(chips(page)).to_have_text(["MDS"])
    study = page.get_by_role("heading", name=re.compile(f"^({MDS_TRANSPLANT_STUDY})"))
    expect(study).to_be_visible()
    aml = page.get_by_role("heading", name=re.compile(f"^({AML_TRANSPLANT_STUDY})"))
    expect(aml).to_have_count(0)


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# --- every page through the proxy ---------------------------------------------------------------


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_page_loads_and_paints_through_the_proxy(page: Page, proxy: Launched, path: str) -> None:
    response = page.goto(f"{proxy.url}/{path}")
    assert response is not None and response.ok
    assert response.headers["x-upstream"] in {
        f"127.0.0.1:{r['port']}" for r in proxy.state["replicas"]
    }
    expect_painted(page, PAGES[path])
    if PAGES[path]:  # every chart the page has drawn is visible
        svgs = page.locator(".phasewise-chart .main-svg:first-of-type")
        for index in range(svgs.count()):
            expect(svgs.nth(index)).to_be_visible()


# --- stickiness ---------------------------------------------------------------------------------


def test_routing_cookie_is_set_once_and_keeps_a_browser_on_one_replica(
    browser: Browser, proxy: Launched
) -> None:
    context = browser.new_context()
    try:
        first = context.request.get(f"{proxy.url}/")
        set_cookie = [
            h["value"] for h in first.headers_array
            if h["name"].lower() == "set-cookie" and h["value"].startswith(ROUTE_COOKIE)
        ]  # fmt: skip
        assert len(set_cookie) == 1, first.headers_array
        assert re.fullmatch(
            rf"{ROUTE_COOKIE}=[0-9a-f]{{32}}; Path=/; HttpOnly; SameSite=Lax", set_cookie[0]
        )
        replica = first.headers["x-upstream"]
        for path in ["/", "/_stcore/health", "/_stcore/host-config", "/transplant"] * 3:
            response = context.request.get(f"{proxy.url}{path}")
            assert response.headers["x-upstream"] == replica, path
            assert ROUTE_COOKIE not in response.headers.get("set-cookie", "")
    finally:
        context.close()


def test_two_browsers_land_on_different_replicas_with_their_websockets(
    browser: Browser, proxy: Launched
) -> None:
    """Each browser's WebSocket session opens on the replica its cookie names, and only there."""
    replicas = proxy.state["replicas"]
    contexts = [context_on(browser, proxy.url, f"127.0.0.1:{r['port']}") for r in replicas]
    try:
        for context, replica in zip(contexts, replicas, strict=True):
            before = [connects(r) for r in replicas]
            page = context.new_page()
            page.goto(f"{proxy.url}/transplant?disease=MDS")
            expect_painted(page, 1)
            expect_mds_only(page)
            after = [connects(r) for r in replicas]
            opened = [a - b for a, b in zip(after, before, strict=True)]
            assert opened == [int(r is replica) for r in replicas], (replica["port"], opened)
    finally:
        for context in contexts:
            context.close()


# --- uploads ------------------------------------------------------------------------------------


def put(url: str, size: int) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/no-such-session/file", data=b"x" * size, method="PUT"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, dict(resp.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_proxy_passes_uploads_up_to_the_apps_limit(proxy: Launched) -> None:
    """A 9.5 MB body reaches a replica (which refuses this fake session itself); nginx's own
    limit stops only bodies beyond the app's 10 MB (nginx's default would stop 1 MB)."""
    status, headers = put(proxy.url, int(9.5 * 1024 * 1024))
    assert status != 413 and headers.get("X-Upstream"), (status, headers)
    status, headers = put(proxy.url, 12 * 1024 * 1024)
    assert status == 413 and not headers.get("X-Upstream"), (status, headers)


# Counts the app's script runs from the document's start (a `running` state each).
COUNT_RUNS = """
window.__runs = 0;
new MutationObserver((records) => {
  for (const r of records)
    if (r.target.getAttribute('data-test-script-state') === 'running') window.__runs++;
}).observe(document, {attributes: true, subtree: true,
                      attributeFilter: ['data-test-script-state']});
"""
RAN_SINCE = """(runs) => window.__runs > runs && document.querySelector('[data-testid="stApp"]')
  .getAttribute('data-test-script-state') === 'notRunning'"""


def test_centre_cohort_upload_succeeds_every_time(browser: Browser, proxy: Launched) -> None:
    """Half of the uploads in a browser session on each replica, each replacing the last."""
    statuses: list[int] = []
    replicas = proxy.state["replicas"]
    for replica in replicas:
        address = f"127.0.0.1:{replica['port']}"
        context = context_on(browser, proxy.url, address)
        try:
            context.add_init_script(COUNT_RUNS)
            page = context.new_page()
            page.goto(f"{proxy.url}/centre")
            wait_for_app(page, timeout=LOAD_TIMEOUT_MS)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            # (re-found each time: the page may put a new uploader in place after a load)
            dropzone = page.get_by_test_id("stFileUploaderDropzoneInput").first
            for _ in range(UPLOADS // len(replicas)):
                dropzone.set_input_files([])  # the same file again is no change otherwise
                runs = page.evaluate("window.__runs")
                with page.expect_response(
                    lambda r: "/_stcore/upload_file/" in r.url and r.request.method == "PUT"
                ) as uploaded:
                    dropzone.set_input_files(DEMO_COHORT)
                statuses.append(uploaded.value.status)
                assert uploaded.value.headers["x-upstream"] == address
                # the run the upload starts has finished, with the file read and no error shown
                page.wait_for_function(RAN_SINCE, arg=runs, timeout=LOAD_TIMEOUT_MS)
                wait_for_app(page, timeout=LOAD_TIMEOUT_MS)
                # a failed upload leaves its file chip marked invalid (with a retry button)
                expect(
                    page.locator('[data-testid="stFileChip"][aria-invalid="true"]')
                ).to_have_count(0)
                expect(page.get_by_test_id("stException")).to_have_count(0)
                expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        finally:
            context.close()
    assert len(statuses) == UPLOADS and all(200 <= s < 300 for s in statuses), statuses


# --- a replica dies -----------------------------------------------------------------------------


# Records the app's connection states from now on (the reconnection can take well under 1 s).
RECORD_CONNECTION_STATES = """() => {
  window.__states = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__states.push(app.getAttribute('data-test-connection-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-connection-state']});
}"""


class HealthPoller:
    """Polls /_stcore/health through the proxy (with and without a routing cookie) until stopped."""

    def __init__(self, url: str, cookie: str) -> None:
        self.url, self.cookie = url, cookie
        self.polls: list[tuple[float, float, str]] = []  # (sent, answered, answer), monotonic
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for cookie in (self.cookie, None):
                sent = time.monotonic()
                answer = health(self.url, cookie)
                self.polls.append((sent, time.monotonic(), answer))
            self._stop.wait(0.05)

    def answers_apart_from(self, moment: float) -> list[str]:
        """The answers of every poll not in flight at `moment` (a request the killed replica
        was answering when it died can be cut short; every other one must be answered)."""
        return [answer for sent, answered, answer in self.polls if not sent < moment <= answered]

    def in_flight_at(self, moment: float) -> list[str]:
        return [answer for sent, answered, answer in self.polls if sent < moment <= answered]

    def __enter__(self) -> HealthPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


RESTART_TIMEOUT_S = 120
VIEW = "disease=MDS&lang=zh"  # what the URL keeps: the disease and the language


def restarted(launched: Launched, victim: dict) -> bool:
    """supervisord runs a new process for ``victim`` and it answers its health check on its port."""
    info = launched.info(victim["name"])
    new = info["statename"] == "RUNNING" and info["pid"] != victim["pid"]
    return new and healthy(victim["url"])


def test_killing_a_browsers_replica_moves_it_to_the_other_and_supervisord_restarts_it(
    browser: Browser, proxy: Launched, record_property
) -> None:
    """SIGKILL the replica a browser sits on (the module's stack, healthy again after). The
    page, the disease and the language (Chinese here) live in the URL and survive it; the
    killed replica is started again and answers on its own port."""
    launched = proxy
    seen = {replica["port"]: connects(replica) for replica in launched.state["replicas"]}
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{launched.url}/transplant?{VIEW}")
        expect_painted(page, 1)
        expect_mds_only(page)
        victim = launched.replica(upstream_of(context, launched.url))
        (survivor,) = [r for r in launched.state["replicas"] if r is not victim]
        # this browser's WebSocket is on the victim (the earlier tests' sessions aside)
        assert (connects(victim), connects(survivor)) == (
            seen[victim["port"]] + 1,
            seen[survivor["port"]],
        )
        before = seen[survivor["port"]]
        cookie = next(c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE)

        page.evaluate(RECORD_CONNECTION_STATES)
        with HealthPoller(launched.url, cookie) as poller:
            killed = time.monotonic()
            os.kill(victim["pid"], signal.SIGKILL)
            # The frontend notices, pings /_stcore/health and reconnects through nginx, which
            # sends the dead replica's cookie to the survivor.
            page.wait_for_function("() => window.__states.includes('CONNECTED')")
            expect_painted(page, 1)
            reconnected_s = time.monotonic() - killed
            assert connects(survivor) == before + 1  # the session now lives there
            assert upstream_of(context, launched.url) == f"127.0.0.1:{survivor['port']}"
            expect_mds_only(page)
            assert page.url == f"{launched.url}/transplant?{VIEW}"
            expect(page.get_by_role("heading", level=1)).to_have_text("移植")

            # supervisord starts the killed replica again (bounded wait: a cold start on a busy
            # machine), while the proxy keeps answering.
            deadline = killed + RESTART_TIMEOUT_S
            while not restarted(launched, victim) and time.monotonic() < deadline:
                time.sleep(0.1)
            restarted_s = time.monotonic() - killed
            assert restarted(launched, victim), launched.output()

            # The new session still works: a sidebar link keeps the URL's selection (a page run
            # on a cold replica: as long as a load)...
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="复发").click()
            expect(page).to_have_url(f"{launched.url}/relapse?{VIEW}", timeout=LOAD_TIMEOUT_MS)
            expect_painted(page, 1)
            expect(chips(page)).to_have_text(["MDS"])
            # ...and so does a reload.
            page.goto(f"{launched.url}/transplant?{VIEW}")
            expect_painted(page, 1)
            expect_mds_only(page)
            time.sleep(0.3)  # a few more health polls after the reload
        record_property("reconnected_after_kill_s", round(reconnected_s, 2))
        record_property("restarted_after_kill_s", round(restarted_s, 2))
        print(f"\nreconnected and painted {reconnected_s:.2f} s after the kill, replica back "
              f"after {restarted_s:.2f} s; {len(poller.polls)} health checks through the "
              f"proxy, {poller.in_flight_at(killed)} in flight at the kill")  # fmt: skip
        answered = poller.answers_apart_from(killed)
        assert answered and set(answered) == {"200 ok"}, answered
        assert len(poller.in_flight_at(killed)) <= 1  # one poll at a time
        assert health(launched.url) == "200 ok"
    finally:
        context.close()
