"""Browser-test fixtures: Debian chromium via pytest-playwright and real streamlit servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, StreamlitServer

BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser with ``pytest.mark.browser``."""
    for item in items:
        if BROWSER_DIR in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Debian's chromium; never `playwright install` (browser downloads are blocked).
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


StartServer = Callable[..., str]


@pytest.fixture(scope="session")
def start_server() -> Iterator[StartServer]:
    """Factory: ``start(data_dir=None, *, app_dir=REPO_ROOT, script="streamlit_app.py")``.

    Starts a streamlit server (``PHASEWISE_DATA_DIR=data_dir`` if given) and returns its
    base URL. Every server started through it is stopped at the end of the session.
    """
    servers: list[StreamlitServer] = []

    def start(
        data_dir: Path | str | None = None,
        *,
        app_dir: Path | str = REPO_ROOT,
        script: str = "streamlit_app.py",
    ) -> str:
        server = StreamlitServer(app_dir, script=script, data_dir=data_dir)
        servers.append(server)
        return server.start()

    yield start
    for server in reversed(servers):
        server.stop()


@pytest.fixture(scope="session")
def app_server(start_server: StartServer) -> str:
    """Base URL of the real Phasewise app (repo ``data/`` unless PHASEWISE_DATA_DIR is set)."""
    return start_server()


@pytest.fixture(scope="module")
def shared_page(browser: Browser) -> Iterator[Page]:
    """One page for a module's tests, where they take it from one view to the next (each
    `goto` still loads a new document, so a new Streamlit session)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Uncaught page errors and console ``error`` messages seen by ``page``, as strings.

    Page errors read ``pageerror: <message>``; console errors ``console: <text>``, followed by
    `` @ <url>`` when Chromium names the script or resource (e.g. a URL that failed to load).
    """
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            url = msg.location.get("url") if msg.location else ""
            errors.append(f"console: {msg.text}" + (f" @ {url}" if url else ""))

    def on_pageerror(exc: Error) -> None:
        errors.append(f"pageerror: {exc.message}")

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    return errors
