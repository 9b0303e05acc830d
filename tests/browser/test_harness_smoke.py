"""Harness smoke test (temporary scaffolding; the real browser tests will replace it).

Proves the browser harness itself works — server helper, Debian chromium, wait_for_app —
against a throwaway app, independent of the real Phasewise app.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.helpers import StreamlitServer, wait_for_app

THROWAWAY_APP = """\
import plotly.graph_objects as go
import streamlit as st

st.title("Harness smoke")
st.plotly_chart(go.Figure(go.Bar(x=["AML", "MDS", "ALL"], y=[3, 1, 2])))
"""


def test_harness_serves_and_renders_a_plotly_app(
    tmp_path: Path, page: Page, console_errors: list[str]
) -> None:
    (tmp_path / "streamlit_app.py").write_text(THROWAWAY_APP)
    with StreamlitServer(tmp_path) as url:
        page.goto(url)
        wait_for_app(page, charts=1)
        expect(page.get_by_role("heading", name="Harness smoke")).to_be_visible()
        assert console_errors == []
