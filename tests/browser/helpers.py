"""Shared helpers for the browser tests: a real ``streamlit run`` server and a page waiter.

Import them as ``from tests.browser.helpers import StreamlitServer, wait_for_app``.
"""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# This machine's closed network refuses Chromium's background connections; these flags
# stop Chromium from trying (and --no-sandbox is needed when running as root in CI).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    """Ask the OS for a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """One ``streamlit run`` subprocess on a free port; usable as a context manager.

    ``app_dir`` is the working directory and ``script`` the entrypoint inside it.
    ``data_dir`` sets ``PHASEWISE_DATA_DIR``; when ``None`` an inherited value is kept,
    otherwise it defaults to the repository's ``data/``.
    """

    def __init__(
        self,
        app_dir: Path | str = REPO_ROOT,
        *,
        script: str = "streamlit_app.py",
        data_dir: Path | str | None = None,
        timeout: float = STARTUP_TIMEOUT_S,
    ) -> None:
        self.app_dir = Path(app_dir)
        self.script = script
        self.data_dir = data_dir
        self.timeout = timeout
        self.port: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        assert self.port is not None, "server not started"
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.data_dir is not None:
            env["PHASEWISE_DATA_DIR"] = str(Path(self.data_dir).resolve())
        else:
            env.setdefault("PHASEWISE_DATA_DIR", str(DEFAULT_DATA_DIR))
        return env

    def output(self) -> str:
        """The server's captured stderr and stdout so far (for failure messages)."""
        if self._log_dir is None:
            return ""
        parts = []
        for name in ("stderr", "stdout"):
            text = (Path(self._log_dir.name) / name).read_text(errors="replace").strip()
            if text:
                parts.append(f"--- {name} ---\n{text}")
        return "\n".join(parts) or "(no output)"

    def start(self) -> str:
        """Start the server, wait until ``/_stcore/health`` answers ``ok``; return the base URL."""
        self.port = free_port()
        # Log to files, not pipes: a long-running server could fill a pipe buffer and block.
        self._log_dir = tempfile.TemporaryDirectory(prefix="streamlit-server-")
        logs = Path(self._log_dir.name)
        cmd = [
            sys.executable, "-m", "streamlit", "run", self.script,
            f"--server.port={self.port}",
            "--server.address=127.0.0.1",
            "--server.headless=true",
            "--browser.gatherUsageStats=false",
        ]  # fmt: skip
        with open(logs / "stdout", "wb") as out, open(logs / "stderr", "wb") as err:
            self.proc = subprocess.Popen(
                cmd, cwd=self.app_dir, env=self._env(), stdout=out, stderr=err
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self.url

    def _wait_healthy(self) -> None:
        assert self.proc is not None
        health = f"{self.url}/_stcore/health"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit server exited with code {self.proc.returncode} before it was "
                    f"healthy (cwd={self.app_dir}, script={self.script})\n{self.output()}"
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as resp:
                    if resp.status == 200 and resp.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"streamlit server not healthy after {self.timeout:.0f} s at {health}\n{self.output()}"
        )

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 10 s). Safe to call twice."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log_dir is not None:
            self._log_dir.cleanup()
            self._log_dir = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def select_tab(tab: Locator, *, timeout: float = 90_000, attempts: int = 3) -> None:
    """Click a tab and wait until it is the selected one and the rerun it asked for has ended.

    A tab with ``on_change="rerun"`` sends its choice to the server; a click that lands while
    an earlier rerun of the same card is still running can be dropped, and the tab then stays
    unselected (seen once in CI under load). The click is repeated, never more than
    `attempts` times, before the wait fails on the attribute it was waiting for."""
    page = tab.page
    for attempt in range(1, attempts + 1):
        tab.click()
        last = attempt == attempts
        try:
            wait = timeout if last else timeout / attempts
            expect(tab).to_have_attribute("aria-selected", "true", timeout=wait)
            break
        except AssertionError:
            if last:
                raise
            wait_for_app(page, timeout=timeout)
    wait_for_app(page, timeout=timeout)


def wait_for_app(page: Page, charts: int = 0, *, timeout: float = 30_000) -> None:
    """Wait until the Streamlit app is connected, idle and (optionally) has drawn its charts.

    ``charts``: the minimum number of chart elements expected, each drawn (its ``.main-svg``):
    the element draws the charts out of sight after the others, when the browser is idle.
    ``timeout`` is in milliseconds (a cold first load fetches the 4.8 MB plotly.js).
    The conditions are checked together in the page on every frame, so the wait ends as soon as
    they hold (Playwright's `expect` polls up to 1 s apart and overshoots); when they do not
    within `timeout`, the `expect` checks (one more second) name the one that fails.
    After a click, first wait on a real change (URL or content): right after an
    interaction the DOM can still say ``notRunning`` before the rerun starts.
    """
    try:
        page.wait_for_function(_APP_IDLE, arg=charts, polling="raf", timeout=timeout)
    except PlaywrightTimeoutError:
        _expect_app(page, charts, timeout=1_000)  # AssertionError naming what is missing


def _expect_app(page: Page, charts: int, timeout: float) -> None:
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
    if charts > 0:
        expect(page.locator(".phasewise-chart .main-svg").first).to_be_visible(timeout=timeout)
        expect(page.locator(".phasewise-chart").nth(charts - 1)).to_be_attached(timeout=timeout)
        expect(page.locator(".phasewise-chart:not(:has(.main-svg))")).to_have_count(0)


_APP_IDLE = """(charts) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED'
      || app.dataset.testScriptState !== 'notRunning'
      || document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (charts === 0) return true;
  const boxes = [...document.querySelectorAll('.phasewise-chart')];
  const svg = document.querySelector('.phasewise-chart .main-svg');
  return !!svg && svg.checkVisibility({visibilityProperty: true})
    && boxes.length >= charts && boxes.every((box) => box.querySelector('.main-svg'));
}"""


@functools.cache
def slide_of(exhibit_key: str, diseases: tuple[str, ...]) -> int:
    """The slide number of an exhibit in the shipped data (slides are the exhibits in order, the
    same in every language: an exhibit's key never changes). Computed once per process: the
    browser modules ask for it while they are collected."""
    from lib.dataset.loading import DEFAULT_DATA_DIR, load_dataset
    from lib.evidence.exhibits import selection_exhibits
    from lib.evidence.figures import figure_table

    dataset = load_dataset(DEFAULT_DATA_DIR)
    keys = [e.key for e in selection_exhibits(dataset, figure_table(dataset), list(diseases))]
    return keys.index(exhibit_key) + 1
