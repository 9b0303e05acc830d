"""The Our centre page in Chromium against a real server, files through the real uploader.

The template and the synthetic demo file upload and paint their curves, the landmark table and
the forest rows beside the literature; the centre's mark appears on a phase page of the same
session; a second browser context sees nothing of the first's cohort; "Remove our data" clears
it; group labels carrying HTML or a spreadsheet formula are drawn as text; an identifying
column is refused without its values. The server's own output never holds a patient's value.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lib.cohort.demo import DEMO_PATH
from lib.cohort.template import template_csv
from tests.browser.helpers import REPO_ROOT, StreamlitServer, wait_for_app

TIMEOUT_MS = 60_000
CORPUS = REPO_ROOT / "tests" / "cohort_corpus"
CHART = ".phasewise-chart"
IMG_LABEL = "<img src=x onerror=window.__injected=1>"
FORMULA_LABEL = '=HYPERLINK("http://x.example","y")'


#: The module's tests on one worker, so its own server is started once.
pytestmark = pytest.mark.xdist_group("centre")


@pytest.fixture(scope="module")
def server() -> Iterator[StreamlitServer]:
    """Our own server, so that its output can be searched for patients' values."""
    with_server = StreamlitServer(REPO_ROOT)
    with_server.start()
    yield with_server
    with_server.stop()


def open_centre(page: Page, server: StreamlitServer, query: str = "") -> None:
    page.goto(f"{server.url}/centre{query}")
    wait_for_app(page, timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Our centre beside the literature")).to_be_visible()


def upload(page: Page, name: str, data: bytes, mime: str = "text/csv") -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )


def wait_for_results(page: Page, charts: int) -> None:
    expect(page.get_by_role("heading", name="Landmark estimates")).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page, charts=charts, timeout=TIMEOUT_MS)


def hostile_csv() -> bytes:
    lines = ["group,disease,phase,months_followup,died,months_to_relapse"]
    for index in range(24):
        label = IMG_LABEL if index % 2 else FORMULA_LABEL
        quoted = '"' + label.replace('"', '""') + '"'
        relapse = f"{index / 3:.1f}" if index % 5 == 0 else ""
        lines.append(f"{quoted},AML,transplant,{index + 1.5},{index % 3 == 0:d},{relapse}")
    return ("\n".join(lines) + "\n").encode()


def test_template_uploads_and_draws_curves(page: Page, server: StreamlitServer):
    open_centre(page, server)
    upload(page, "phasewise-cohort-template.csv", template_csv("en"))
    wait_for_results(page, charts=6)
    expect(page.get_by_text("A synthetic cohort is loaded in this session")).to_be_visible()
    expect(page.get_by_text("4 patients (AML 2, MDS 1, ALL 1)")).to_be_visible()
    expect(page.locator(f"{CHART} .main-svg").first).to_be_visible()
    # The uploader is empty again: the file is no longer held by the widget.
    expect(page.get_by_test_id("stFileUploaderFile")).to_have_count(0)


def test_demo_upload_landmarks_literature_and_the_phase_page(
    page: Page, browser: Browser, server: StreamlitServer
):
    open_centre(page, server, "?disease=MDS")
    upload(page, DEMO_PATH.name, DEMO_PATH.read_bytes())
    wait_for_results(page, charts=3)
    # Curves with their risk tables, the landmark table and the forest rows.
    expect(
        page.locator(f"{CHART} .gtitle").filter(has_text="Overall survival, MDS").first
    ).to_be_visible()
    expect(
        page.locator(f"{CHART} .annotation-text").filter(has_text="At risk").first
    ).to_be_attached()
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    expect(page.get_by_role("heading", name="Beside the literature", exact=True)).to_be_visible()
    forest = page.locator(CHART).filter(has_text="our centre beside the published figures")
    expect(forest.first).to_be_attached()
    expect(
        forest.first.locator(".ytick").filter(has_text="Decitabine + mBuCy2").first
    ).to_be_attached()
    expect(forest.first.locator(".legendtext").filter(has_text="Our centre")).to_have_count(1)

    # The same session's phase page marks the centre beside the published chart.
    page.get_by_test_id("stSidebar").get_by_role("link", name="Transplant").click()
    page.wait_for_url("**/transplant**")
    wait_for_app(page, charts=1, timeout=TIMEOUT_MS)
    card = page.locator(".st-key-card-dec-mbucy-mds")
    card.scroll_into_view_if_needed()
    expect(
        card.locator(".legendtext").filter(has_text="Our centre (synthetic), n = 70")
    ).to_be_visible(timeout=TIMEOUT_MS)

    # A second browser context is another session: it sees nothing of the first's cohort.
    other = browser.new_context()
    try:
        second = other.new_page()
        open_centre(second, server)
        expect(second.locator(CHART)).to_have_count(0)
        expect(second.get_by_text("is loaded in this session")).to_have_count(0)
        expect(second.get_by_text("Landmark estimates")).to_have_count(0)
        second.goto(f"{server.url}/transplant?disease=MDS")
        wait_for_app(second, charts=1, timeout=TIMEOUT_MS)
        card = second.locator(".st-key-card-dec-mbucy-mds")
        card.scroll_into_view_if_needed()
        expect(card.locator(".legendtext").first).to_be_visible(timeout=TIMEOUT_MS)
        expect(second.locator(".legendtext").filter(has_text="Our centre")).to_have_count(0)
    finally:
        other.close()


def test_remove_our_data(page: Page, server: StreamlitServer):
    open_centre(page, server, "?disease=MDS")
    page.get_by_role("button", name="Try the demo cohort (synthetic)").click()
    wait_for_results(page, charts=2)
    page.get_by_role("button", name="Remove our data").click()
    expect(
        page.get_by_text("Removed: nothing of the cohort is kept in this session.")
    ).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS)
    expect(page.locator(CHART)).to_have_count(0)
    expect(page.get_by_text("Landmark estimates")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove our data")).to_have_count(0)
    # Nor is it on a phase page afterwards.
    page.get_by_test_id("stSidebar").get_by_role("link", name="Transplant").click()
    page.wait_for_url("**/transplant**")
    wait_for_app(page, charts=1, timeout=TIMEOUT_MS)
    expect(page.locator(".legendtext").filter(has_text="Our centre")).to_have_count(0)


def test_html_and_formula_group_labels_show_as_text(page: Page, server: StreamlitServer):
    open_centre(page, server, "?disease=AML")
    upload(page, "groups.csv", hostile_csv())
    wait_for_results(page, charts=2)
    page.get_by_role("tab", name="By group").click()
    wait_for_app(page, charts=3, timeout=TIMEOUT_MS)
    legends = page.locator(f"{CHART} .legendtext")
    expect(legends.filter(has_text=IMG_LABEL).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(legends.filter(has_text=FORMULA_LABEL).first).to_be_visible()
    # Shown as text: no element was made from the label, and its handler never ran.
    expect(page.locator(f"{CHART} img")).to_have_count(0)
    assert page.evaluate("window.__injected") is None
    median = page.get_by_text("Median overall survival by group")
    expect(median).to_be_visible()
    expect(page.get_by_text(IMG_LABEL, exact=False).first).to_be_attached()
    assert IMG_LABEL not in server.output() and "HYPERLINK" not in server.output()


def test_identifying_column_refused_without_values(page: Page, server: StreamlitServer):
    open_centre(page, server)
    case = CORPUS / "name-column" / "input.csv"
    upload(page, case.name, case.read_bytes())
    expect(page.get_by_text("Refused: the file looks like it identifies patients.")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_text("refused (name)", exact=False)).to_be_visible()
    wait_for_app(page, timeout=TIMEOUT_MS)
    expect(page.locator(CHART)).to_have_count(0)
    body = page.locator("body").inner_text()
    output = server.output()
    for secret in ("张伟", "李娜"):
        assert secret not in body and secret not in output


def test_a_workbook_with_several_sheets_offers_its_sheets(page: Page, server: StreamlitServer):
    open_centre(page, server)
    book = CORPUS / "workbook-several-sheets" / "input.xlsx"
    upload(
        page,
        book.name,
        Path(book).read_bytes(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    chooser = page.get_by_text("The workbook has several sheets: which one holds the patients?")
    expect(chooser).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Patients").click()
    wait_for_results(page, charts=2)
    expect(page.get_by_text("3 patients (AML 1, MDS 1, ALL 1)")).to_be_visible()
