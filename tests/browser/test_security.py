"""Injection through the data files, checked in Chromium against a real server.

A copy of data/ carries payloads in text fields that reach Markdown and Plotly: HTML with event
handlers, <script>, Markdown links to javascript: and images on a remote host, Streamlit's
:red[...] directive and Plotly's own HTML subset (<a href>, <b>). On every page that shows them,
with every figure card's Table and Source tabs opened, no dialog opens, no request leaves
127.0.0.1, no element carries an injected handler or remote source, and the payloads are shown
as literal text (in Markdown and inside the charts' SVG).

The tests share one browser page: the first opens its page by address, the next ones get to
theirs inside the app (the disease filter, then the sidebar link), as a reader would; a test run
alone (or first on its worker) opens its page by address. What is tested is the pages' content,
not their addresses (tests/browser/test_url_tampering.py opens addresses).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Dialog, Locator, Page, Request, expect

from lib.dataset.loading import load_dataset
from lib.dataset.vocabulary import DISEASES, PHASE_LABELS
from lib.evidence.exhibits import phase_view
from lib.evidence.figures import figure_table
from lib.evidence.text import enumeration
from tests.browser.helpers import DEFAULT_DATA_DIR, select_tab, wait_for_app
from tests.unit.conftest import arm, edit, record
from tests.unit.dataset.translation_sync import sync_translation

LOAD_TIMEOUT_MS = 90_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# maintenance (AML): the sorafenib study, its arms, one excerpt, the phase note
STUDY_TITLE = "<img src=x onerror=alert(1)>Sorafenib"
STUDY_SHORT = "<img src=x onerror=alert(5)>Sora"  # chart titles (max 40 characters)
ARM_SCRIPT = "<script>alert(2)</script>"  # legends, hover, Source tab
ARM_PLOTLY_LINK = '<a href="https://example.com/c">Control</a>'  # Plotly renders <a href>
AIM_JS_LINK = "[click](javascript:alert(3))"
AIM_REMOTE_IMAGE = "![x](https://example.com/pixel.png)"
EXCERPT_MARKUP = "<b>bold</b> :red[red] the 1-year cumulative recurrence rate"
# relapse: the DLI study (single-arm chart) and the phase note
DLI_SHORT = "<b onmouseover=alert(6)>DLI</b>"
DLI_TITLE = '<iframe src="https://example.com/frame"></iframe>DLI cohort'
DLI_ARM = '<img src="https://example.com/arm.png">DLI'
RELAPSE_AIM = "<svg onload=alert(8)>"
# induction (AML): the microtransplantation trial
FIRST_SHORT = '<a href="javascript:alert(7)">MST</a>'
FIRST_ARM = "<b>MST</b> <i>arm</i> :blue[blue]"
# induction (AML): a programme key fact; consolidation: a consensus document
KEY_FACT_LABEL = '<a href="https://example.com">x</a>'
CONSENSUS_TITLE = "![logo](https://example.com/logo.png) <img src=x onerror=alert(9)>Consensus"


def _first_card(phase: str, disease: str) -> tuple[str, str]:
    """The study of a phase page's first card and its intervention arm (the first bars): on the
    page's first screen whatever studies the data adds (a section shows six cards at a time)."""
    ds = load_dataset(DEFAULT_DATA_DIR)
    view = phase_view(ds, figure_table(ds), phase, [disease])
    study_id = next(e.key for key, _h, _c, shown in view.sections() if key == "arms" for e in shown)
    study = next(s for s in ds.studies if s.id == study_id)
    return study_id, next(a.id for a in study.arms if a.role == "intervention")


#: The first card of AML induction: the payloads in its chart title, legend and hover.
INDUCTION_FIRST = _first_card("induction", "AML")


def _payloads(data_dir: Path) -> None:
    def studies(content: dict) -> None:
        sorafenib = record(content, "studies", "sorafenib-flt3")
        sorafenib.update(title=STUDY_TITLE, short_label=STUDY_SHORT)
        arm(content, "sorafenib-flt3", "sora.sorafenib")["label"] = ARM_SCRIPT
        arm(content, "sorafenib-flt3", "sora.control")["label"] = ARM_PLOTLY_LINK
        record(content, "studies", "dli-greek").update(title=DLI_TITLE, short_label=DLI_SHORT)
        arm(content, "dli-greek", "dli.dli")["label"] = DLI_ARM
        study_id, arm_id = INDUCTION_FIRST
        record(content, "studies", study_id)["short_label"] = FIRST_SHORT
        arm(content, study_id, arm_id)["label"] = FIRST_ARM

    def notes(content: dict) -> None:
        maintenance = record(content, "notes", "note-maintenance")
        maintenance["aims"] = [AIM_JS_LINK, AIM_REMOTE_IMAGE, *maintenance["aims"]]
        record(content, "notes", "note-relapse")["aims"].insert(0, RELAPSE_AIM)
        record(content, "consensus", "elderly-aml-consensus-2018")["title"] = CONSENSUS_TITLE

    def outcomes(content: dict) -> None:
        outcome = record(content, "outcomes", "sora.cir1y.sorafenib")
        outcome["excerpt"] = outcome["excerpt"].replace(
            "the 1-year cumulative recurrence rate", EXCERPT_MARKUP
        )

    def key_facts(content: dict) -> None:
        record(content, "key_facts", "mst-centres")["label"] = KEY_FACT_LABEL

    edit(data_dir, "studies.yaml", studies)
    edit(data_dir, "notes.yaml", notes)
    edit(data_dir, "outcomes.yaml", outcomes)
    edit(data_dir, "key_facts.yaml", key_facts)
    sync_translation(data_dir)  # the Chinese carries each payload too (译：<payload>)


@dataclass(frozen=True)
class Target:
    path: str
    charts: int  # at least this many Plotly charts
    texts: list[str]  # shown literally somewhere in the page's HTML text
    chart_texts: list[str] = field(default_factory=list)  # shown literally in a chart's SVG
    source_texts: list[str] = field(default_factory=list)  # literal once the Source tabs are open
    hover: tuple[str, str] | None = None  # (title of the chart to hover, text in its hover label)


MAINTENANCE_AML = Target(
    "maintenance?disease=AML",
    charts=1,
    texts=[STUDY_TITLE, AIM_JS_LINK, AIM_REMOTE_IMAGE],
    chart_texts=[STUDY_SHORT, ARM_SCRIPT, ARM_PLOTLY_LINK],
    source_texts=[ARM_SCRIPT, EXCERPT_MARKUP],
    hover=(STUDY_SHORT, ARM_SCRIPT),
)
# In this order each is one step from the last (one sidebar link, or the filter and a link); the
# module's last tests go back to MAINTENANCE_AML.
TARGETS = [
    MAINTENANCE_AML,
    Target(
        "induction?disease=AML",
        charts=1,
        texts=[KEY_FACT_LABEL],
        chart_texts=[FIRST_SHORT, FIRST_ARM],
        hover=(FIRST_SHORT, FIRST_ARM),
    ),
    Target("consolidation?disease=AML", charts=1, texts=[CONSENSUS_TITLE]),
    Target("relapse", charts=1, texts=[RELAPSE_AIM]),
    Target(
        "maintenance?disease=ALL",  # DLI (AML/ALL) is the only maintenance study for ALL
        charts=1,
        texts=[DLI_TITLE],
        chart_texts=[DLI_SHORT],
        source_texts=[DLI_ARM],
        hover=(DLI_SHORT, DLI_ARM),
    ),
]
# Elements that only an injected payload would create (Streamlit and Plotly set none of these).
INJECTED = ", ".join(
    [
        "[onerror]",
        "[onload]",
        "[onmouseover]",
        "iframe",
        "img[src*='example.com']",
        "img[src='x']",
        "a[href^='javascript:' i]",
        ".phasewise-chart svg a",  # Plotly's <a href> subset, rendered as a link
    ]
)


#: The module's tests on one worker, so the payload server is started once.
pytestmark = pytest.mark.xdist_group("security")


@pytest.fixture(scope="module")
def payload_url(start_server, tmp_path_factory) -> str:
    data_dir = tmp_path_factory.mktemp("payloads") / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data_dir)
    _payloads(data_dir)
    load_dataset(data_dir)  # the payloads are valid data: the pages must show them
    return start_server(data_dir)


@dataclass
class Watch:
    dialogs: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


# The page shows `phase` for these diseases and the run has finished: its address, its heading
# and its caption ("… · showing AML") are the new run's, and the app is idle. Each of these is
# checked because right after a click the previous page can still read "notRunning".
SHOWS = """([path, title, showing]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  return location.pathname === path && !!h1 && h1.textContent.trim().startsWith(title)
    && [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
      .some(caption => caption.textContent.trim().endsWith(showing))
    && !!app && app.dataset.testConnectionState === 'CONNECTED'
    && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]');
}"""


@pytest.fixture
def page(shared_page: Page) -> Iterator[Page]:
    """The module's shared page (in place of a new page per test)."""
    yield shared_page


@pytest.fixture
def watch(page: Page) -> Iterator[Watch]:
    """Dialogs (dismissed, so a page cannot hang on one), requests to other hosts, page errors,
    while one test runs."""
    seen = Watch()

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_request(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob") and parts.hostname not in LOCAL_HOSTS:
            seen.remote_requests.append(request.url)

    def on_pageerror(error: Exception) -> None:
        seen.page_errors.append(str(error))

    handlers = {"dialog": on_dialog, "request": on_request, "pageerror": on_pageerror}
    for event, handler in handlers.items():
        page.on(event, handler)
    yield seen
    for event, handler in handlers.items():
        page.remove_listener(event, handler)


def chips(page: Page) -> Locator:
    """The selected-value chips of the sidebar "Disease" multiselect."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").locator("[data-tag]")


def reach(page: Page, base_url: str, path: str, charts: int) -> None:
    """Show `path` ("phase?disease=X"; no disease: all) in `page`: by its address on a fresh
    page, else inside the app: the disease filter first, then the sidebar link."""
    phase, _, query = path.partition("?")
    wanted = parse_qs(query).get("disease", list(DISEASES))
    if not page.url.startswith(base_url):
        page.goto(f"{base_url}/{path}")
    else:
        sidebar = page.get_by_test_id("stSidebar")
        shown = chips(page).all_inner_texts()
        for disease in [d for d in wanted if d not in shown]:
            sidebar.get_by_role("combobox", name="Disease").click()
            page.get_by_role("option", name=disease, exact=True).click()
            page.keyboard.press("Escape")  # close the dropdown
        for disease in [d for d in shown if d not in wanted]:
            sidebar.get_by_role("button", name=f"Remove {disease}").click()
        if urlsplit(page.url).path != f"/{phase}":
            sidebar.get_by_test_id("stSidebarNav").locator(f'a[href*="/{phase}"]').click()
    showing = ("/" + phase, PHASE_LABELS[phase], "showing " + enumeration(wanted))
    page.wait_for_function(SHOWS, arg=showing, polling="raf", timeout=LOAD_TIMEOUT_MS)
    wait_for_app(page, charts=charts, timeout=LOAD_TIMEOUT_MS)
    # Where a reader who opened the address would be: the page and the filter.
    assert (urlsplit(page.url).path, chips(page).all_inner_texts()) == (f"/{phase}", wanted)


def open_every_tab(page: Page) -> None:
    """Click each figure card's Table tab (draws a dataframe), then its Source tab."""
    cards = page.locator('[class*="st-key-card-"]')
    for index in range(cards.count()):
        card = cards.nth(index)
        for name in ("Table", "Source"):
            # (the tab's rerun waits its turn on a loaded machine: more than the default 5 s)
            select_tab(card.get_by_role("tab", name=name), timeout=LOAD_TIMEOUT_MS)


def svg_text(root: Page | Locator, text: str) -> Locator:
    """SVG text under `root` that starts with exactly this text (legend, title, tick, note).

    A wrapped title is one <text> with a <tspan> per line and no space between them, so each
    space of `text` may also be a line break."""
    words = (re.escape(word) for word in text.split(" "))
    return root.locator("svg text").filter(has_text=re.compile("^" + r"\s?".join(words)))


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.path.split("?")[0])
def test_payloads_from_data_stay_inert_text(
    page: Page, payload_url: str, watch: Watch, target: Target
) -> None:
    reach(page, payload_url, target.path, target.charts)
    for text in target.texts:
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
    for text in target.chart_texts:
        expect(svg_text(page.locator(".phasewise-chart"), text).first).to_be_attached()
    if target.hover:  # hovering a bar draws Plotly's hover label from the same data text
        title, hover_text = target.hover
        chart = page.locator(".phasewise-chart").filter(has=svg_text(page, title))
        bar = chart.locator(".bars .point path").first
        bar.scroll_into_view_if_needed()
        bar.hover(force=True)  # Plotly's drag layer on top receives the mouse
        expect(chart.locator(".hoverlayer .hovertext").first).to_contain_text(hover_text)
    open_every_tab(page)
    for text in target.source_texts:
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
    wait_for_app(page, timeout=LOAD_TIMEOUT_MS)  # a tab click reruns nothing, but be sure

    assert watch.dialogs == [], "a payload ran script"
    assert watch.remote_requests == [], "a payload made the browser fetch from another host"
    expect(page.locator(INJECTED)).to_have_count(0)
    injected_scripts = page.locator("script").filter(has_text="alert(")
    expect(injected_scripts).to_have_count(0)
    assert watch.page_errors == []
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_markdown_payloads_are_not_interpreted(page: Page, payload_url: str) -> None:
    """Streamlit's Markdown would make **bold**, links, images and coloured text from these."""
    reach(page, payload_url, MAINTENANCE_AML.path, MAINTENANCE_AML.charts)
    notes = page.locator(".st-key-notes-panel")
    expect(notes.get_by_text(AIM_JS_LINK)).to_be_visible()  # the brackets are still there
    expect(notes.get_by_text(AIM_REMOTE_IMAGE)).to_be_visible()
    expect(notes.locator("img")).to_have_count(0)
    card = page.locator(".st-key-card-sorafenib-flt3")
    select_tab(card.get_by_role("tab", name="Source"), timeout=LOAD_TIMEOUT_MS)
    excerpt = card.get_by_text(EXCERPT_MARKUP)
    expect(excerpt).to_be_visible()
    expect(card.locator("b, strong").filter(has_text=re.compile(r"^bold$"))).to_have_count(0)
    expect(card.locator("[class*='olor']").filter(has_text=re.compile(r"^red$"))).to_have_count(0)


def test_urls_in_data_text_are_not_made_links(page: Page, payload_url: str) -> None:
    reach(page, payload_url, MAINTENANCE_AML.path, MAINTENANCE_AML.charts)
    card = page.locator(".st-key-card-sorafenib-flt3")
    select_tab(card.get_by_role("tab", name="Source"), timeout=LOAD_TIMEOUT_MS)
    expect(page.get_by_text(AIM_REMOTE_IMAGE)).to_be_visible()
    # The Source tab is drawn on opening; once its excerpts show, no link can still appear.
    expect(card.get_by_text("Source document:").first).to_be_visible()
    expect(page.locator("a[href*='example.com']")).to_have_count(0, timeout=1_000)
