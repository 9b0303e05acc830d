"""The load test's light client (benchmarks/wsclient.py) speaks Streamlit's protocol to the app:
a deep link's first view, a page switch, references to messages it already has."""

import asyncio
import concurrent.futures
from pathlib import Path

import pytest

from benchmarks.wsclient import Session, ViewError
from tests.browser.helpers import StreamlitServer

REPO = Path(__file__).resolve().parents[2]


async def _views(url: str):
    session = Session(url)
    try:
        first = await session.open("/induction", "disease=AML")
        switch = await session.switch("/maintenance")
        again = await session.switch("/maintenance")
        with pytest.raises(ViewError):
            await session.switch("/no-such-page")
        return session, first, switch, again
    finally:
        await session.close()


def test_views_over_the_websocket():
    with StreamlitServer(REPO, data_dir=REPO / "data") as url:
        # In a thread of its own: a browser test earlier in this worker may have left the sync
        # Playwright API's event loop running in this thread, where asyncio.run refuses to start.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            session, first, switch, again = pool.submit(asyncio.run, _views(url)).result()
    assert session.cookie("_streamlit_xsrf")
    assert {"/", "/induction", "/maintenance"} <= set(session.pages)
    for view in (first, switch, again):
        assert view.deltas > 10 and view.ms > 0
    # The same page again: the client declared the cacheable messages it had, so some came back
    # as references.
    assert again.refs > 0 and again.received_bytes < switch.received_bytes
