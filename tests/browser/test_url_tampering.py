"""Tampered addresses against the real app: unknown, repeated or mis-cased disease values, unknown
pages, slide numbers out of range or not numbers, very long query strings, markup in a value.

Each loads without an exception element or a page error, falls back to a sane default, and the
server still answers its health check. What "sane" means is written next to each case: it is what
the app does, checked to be sensible. Every case opens its address in a new document (a new
Streamlit session); the cases share one browser page, which saves a browser context per case.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Error, Locator, Page, expect

from tests.browser.helpers import wait_for_app

ALL = ["AML", "MDS", "ALL"]
OVERVIEW = "Leukaemia care, phase by phase"
SELECT_A_DISEASE = "Select at least one disease"
LOAD_TIMEOUT_MS = 60_000
LONG = 20_000  # characters in the "very long" query strings


@dataclass(frozen=True)
class Tampered:
    path: str  # what the visitor types after the host
    chips: list[str] | None  # the disease filter shown; None: not checked
    url: str  # regex for the address after the app has settled (path and query)
    heading: str | None = None  # the page's h1
    caption: str | None = None  # regex for a caption, e.g. the slide counter
    note: str = ""  # why this outcome is the sane one
    bug: str = ""  # when set: an app bug keeps the app from doing this (strict xfail)


CASES = [
    Tampered("/transplant?disease=XYZ", ALL, r"/transplant", "Transplant",
             note="an unknown value is dropped; nothing valid is left, so the default (all)"),
    Tampered("/?disease=AML&disease=XYZ&disease=AML", ["AML"], r"/\?disease=AML", OVERVIEW,
             note="a repeated value counts once, an unknown one is dropped, the address tidied"),
    Tampered("/?disease=aml", ALL, r"/", OVERVIEW,
             note="values are case-sensitive: 'aml' is unknown, so the default"),
    Tampered("/maintenance?disease=%3Cscript%3Ealert(1)%3C%2Fscript%3E", ALL, r"/maintenance",
             "Maintenance", note="markup in a value is just an unknown value"),
    Tampered("/nope-page", ALL, r"/", OVERVIEW,
             note="Streamlit shows its 'Page not found' dialog and runs the overview"),
    Tampered("/present?slide=99999", ALL, r"/present", caption=r"slide 1 of \d+ · AML, MDS, ALL",
             note="a slide number past the end falls back to slide 1"),
    Tampered("/present?slide=-1", ALL, r"/present", caption=r"slide 1 of \d+ ·.*",
             note="a negative slide number falls back to slide 1"),
    Tampered("/present?slide=abc", ALL, r"/present", caption=r"slide 1 of \d+ ·.*",
             note="a slide 'number' that is not a number falls back to slide 1"),
    Tampered("/present?slide=2&slide=5", ALL, r"/present\?(slide=2&)?slide=5",
             caption=r"slide 5 of \d+ ·.*",
             note="for a repeated single-value parameter the last one wins"),
    Tampered("/present?slide=%C2%B2", ALL, r"/present", caption=r"slide 1 of \d+ ·.*",
             note="'²' is not a slide number: slide 1"),
    Tampered("/present?disease=MDS&slide=40", ["MDS"], r"/present\?disease=MDS",
             caption=r"slide 1 of \d+ · MDS",
             note="a slide number valid for all diseases but past the end of the MDS deck"),
    Tampered("/present?slide=" + "9" * LONG, ALL, r"/present", caption=r"slide 1 of \d+ ·.*",
             note="a 20,000-digit slide number falls back to slide 1"),
    Tampered("/?disease=MDS&utm=" + "a" * LONG, ["MDS"], r"/\?disease=MDS&utm=a+", OVERVIEW,
             note="a 20,000-character unknown parameter is ignored and kept"),
    Tampered("/?" + "&".join(["disease=MDS"] * 1700), ALL, r"/\?(disease=MDS&){1699}disease=MDS",
             OVERVIEW,
             note="Streamlit ignores a query string of more than 1,000 parameters (20,400 "
             "characters here) as a whole, so the default (all); the address is left as typed"),
]  # fmt: skip


def health(base_url: str) -> bytes:
    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=10) as response:
        return response.read().strip()


def chips(page: Page) -> Locator:
    """The selected-value chips of the sidebar "Disease" multiselect."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").locator("[data-tag]")


def _param(case: Tampered):
    name = re.sub(r"(.)\1{20,}", r"\1…", case.path)[:60].strip("/") or "root"
    marks = [pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else []
    return pytest.param(case, id=name, marks=marks)


@pytest.fixture
def page_errors(shared_page: Page) -> Iterator[list[str]]:
    """Uncaught errors of `shared_page` while one case runs."""
    errors: list[str] = []

    def on_pageerror(error: Error) -> None:
        errors.append(error.message)

    shared_page.on("pageerror", on_pageerror)
    yield errors
    shared_page.remove_listener("pageerror", on_pageerror)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_tampered_address_falls_back_to_a_sane_default(
    shared_page: Page, app_server: str, page_errors: list[str], case: Tampered
) -> None:
    page = shared_page
    page.goto(app_server + case.path)
    wait_for_app(page, timeout=LOAD_TIMEOUT_MS)
    # The run has finished: an exception or error element would be on the page already.
    expect(page.get_by_test_id("stException")).to_have_count(0, timeout=1_000)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0, timeout=1_000)
    if case.heading:
        expect(page.get_by_role("heading", name=case.heading, exact=True)).to_be_visible()
    if case.caption:
        expect(page.get_by_text(re.compile(case.caption)).first).to_be_visible()
    if case.chips is not None:
        expect(chips(page)).to_have_text(case.chips)
    expect(page).to_have_url(re.compile(re.escape(app_server) + case.url + "$"))
    expect(page.get_by_text(SELECT_A_DISEASE)).to_have_count(0)  # a default, not an empty filter
    if case.path == "/nope-page":
        expect(page.get_by_role("dialog")).to_contain_text("Page not found")
    assert page_errors == [], case.note
    assert health(app_server) == b"ok"
