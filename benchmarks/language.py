"""Switching language, per page: server time of the run that redraws the page in the other
language (AppTest on streamlit_app.py, shipped data, all diseases selected; ms).

`cold switch`: the first to 中文 after the app's caches were emptied (the Chinese dataset loaded,
the page's Chinese content built); `warm`: later switches. Target (issue 12): cold < 0.5 s.
"""

from __future__ import annotations

import os
from unittest import mock

import streamlit as st

from benchmarks import app_test, median, timed, verdict
from benchmarks.scripts import page_paths

SWITCH = "language-switch"  # lib/app/language.py SWITCH_KEY
TARGET_MS = 500.0


def run(quick: bool) -> list[dict]:
    rows = []
    with mock.patch.dict(os.environ):  # PHASEWISE_DATA_DIR as it was, afterwards
        os.environ.pop("PHASEWISE_DATA_DIR", None)  # the shipped data
        for page in page_paths()[:2] if quick else page_paths():
            st.cache_resource.clear()  # a fresh process: nothing in Chinese is cached yet
            at = app_test(page)
            at.query_params["lang"] = "en"
            at.run()

            def switch(lang: str, at=at) -> float:
                at.sidebar.radio(key=SWITCH).set_value(lang)
                return timed(at.run, 1)[0][0] * 1000

            cold, warm = switch("zh"), [(switch("en"), switch("zh")) for _ in range(3 - 2 * quick)]
            errors = len(at.exception)
            rows.append(
                {
                    "page": page,
                    "cold switch to 中文 ms": round(cold),
                    "warm switch to English ms": round(median([en for en, _ in warm])),
                    "warm switch to 中文 ms": round(median([zh for _, zh in warm])),
                    "errors": errors,
                    "target": f"< {TARGET_MS:.0f} ms (cold)",
                    "": verdict(cold, TARGET_MS) if not errors else "ERROR",
                }
            )
    return rows
