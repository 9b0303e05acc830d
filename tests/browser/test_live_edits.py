"""Editing the data files while the app runs, checked in Chromium against a real server.

A valid change shows on the next page view; an invalid change keeps the last valid dataset on
screen with a warning that lists the problems, on every page, until the file is fixed; a data
directory that is invalid from the start shows the error panel (and recovers once fixed). Each
test has its own server on its own copy of data/, so the edits cannot leak into other tests.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import DEFAULT_DATA_DIR, StreamlitServer, wait_for_app
from tests.unit.conftest import edit, record
from tests.unit.dataset.translation_sync import sync_translation

LOAD_TIMEOUT_MS = 90_000
TITLE = "Sorafenib maintenance after allo-HSCT in FLT3-ITD AML"  # studies.yaml sorafenib-flt3
EDITED_TITLE = "Sorafenib maintenance after transplant (title edited live)"
BAD_VALUE_PROBLEM = (
    "outcomes.yaml: sora.cir1y.control: value: a percentage must be within 0-100, got 250.0"
)
STALE_WARNING = "The data files were changed and are now invalid (1 problem)"
LOAD_ERROR = "The dataset could not be loaded: 2 problems"
DATASET_FOOTER = "Dataset 1.4.1"


def touch_later(path: Path, before_ns: int) -> None:
    """Make sure the file's mtime moved past `before_ns`: the app notices edits by size and
    mtime, and on a coarse filesystem clock an edit could keep the old mtime."""
    stamp = max(path.stat().st_mtime_ns, before_ns + 1_000_000)
    os.utime(path, ns=(stamp, stamp))


def change(data_dir: Path, file_name: str, mutate) -> bytes:
    """Edit one data file in place (as an editor would save it); return its previous bytes."""
    path = data_dir / file_name
    before, old = path.stat().st_mtime_ns, path.read_bytes()
    edit(data_dir, file_name, mutate)
    _follow_in_chinese(data_dir)
    touch_later(path, before)
    return old


def _follow_in_chinese(data_dir: Path) -> None:
    """Keep translations/zh.yaml in step with an English text edit (a stand-in Chinese), as an
    editor would, so the edit under test is the only change that can make the data invalid."""
    chinese = data_dir / "translations" / "zh.yaml"
    before = chinese.stat().st_mtime_ns
    if sync_translation(data_dir):
        touch_later(chinese, before)


def restore(data_dir: Path, file_name: str, content: bytes) -> None:
    path = data_dir / file_name
    before = path.stat().st_mtime_ns
    path.write_bytes(content)
    _follow_in_chinese(data_dir)
    touch_later(path, before)


def set_title(title: str):
    return lambda c: record(c, "studies", "sorafenib-flt3").update(title=title)


def set_value(outcome_id: str, value: float):
    return lambda c: record(c, "outcomes", outcome_id).update(value=value)


def view(page: Page, url: str, charts: int = 0) -> None:
    page.goto(url)
    wait_for_app(page, charts=charts, timeout=LOAD_TIMEOUT_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def problem_list(page: Page):
    """The error panel's code block (the sidebar has one too: the link to the view)."""
    return page.get_by_test_id("stMainBlockContainer").get_by_test_id("stCode")


def stale_warning(page: Page):
    return page.get_by_test_id("stAlertContentWarning").filter(has_text=STALE_WARNING)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def test_valid_edit_shows_invalid_edit_keeps_last_valid_until_fixed(
    page: Page, start_server, data_dir: Path
) -> None:
    base = start_server(data_dir)
    maintenance = f"{base}/maintenance?disease=AML"
    view(page, maintenance, charts=1)
    expect(page.get_by_text(TITLE).first).to_be_visible()

    # 1. A valid edit shows on the next page view.
    change(data_dir, "studies.yaml", set_title(EDITED_TITLE))
    view(page, maintenance, charts=1)
    expect(page.get_by_text(EDITED_TITLE).first).to_be_visible()
    expect(page.get_by_text(TITLE)).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(0)

    # 2. An invalid edit: the last valid dataset stays on screen, with the problem listed.
    good_outcomes = change(data_dir, "outcomes.yaml", set_value("sora.cir1y.control", 250))
    view(page, maintenance, charts=1)
    expect(stale_warning(page)).to_be_visible()
    expect(problem_list(page).filter(has_text=BAD_VALUE_PROBLEM)).to_be_visible()
    expect(page.get_by_text(EDITED_TITLE).first).to_be_visible()
    # The control arm's 1-year relapse bar still reads 24.5% (the valid value), not 250.
    bar_labels = page.locator(".st-key-card-sorafenib-flt3 svg text")
    expect(bar_labels.filter(has_text=re.compile(r"^24\.5%n=102$"))).to_have_count(1)
    expect(bar_labels.filter(has_text=re.compile(r"^250"))).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)

    # ... on every page, for as long as the file stays broken.
    view(page, f"{base}/sources")
    expect(page.get_by_role("heading", name="Sources and glossary")).to_be_visible()
    expect(stale_warning(page)).to_be_visible()
    expect(problem_list(page).filter(has_text=BAD_VALUE_PROBLEM)).to_be_visible()
    expect(page.get_by_text(DATASET_FOOTER)).to_be_visible()

    # 3. Fixed: the warning goes, the data (with the valid edit) stays.
    restore(data_dir, "outcomes.yaml", good_outcomes)
    view(page, maintenance, charts=1)
    expect(page.get_by_text(EDITED_TITLE).first).to_be_visible()
    expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(0)
    expect(page.get_by_text(BAD_VALUE_PROBLEM)).to_have_count(0)


def test_invalid_data_from_the_start_shows_the_error_panel_then_recovers(
    page: Page, start_server, data_dir: Path
) -> None:
    good_studies = change(data_dir, "studies.yaml", lambda c: record(c, "studies", "ifn-rux")
                          .update(phase="salvage"))  # fmt: skip
    good_outcomes = change(data_dir, "outcomes.yaml", set_value("dli.os", 176))
    base = start_server(data_dir)

    for path in ("/maintenance?disease=AML", "/"):
        view(page, base + path)
        expect(page.get_by_test_id("stAlertContentError")).to_contain_text(LOAD_ERROR)
        problems = problem_list(page)
        expect(problems).to_contain_text("studies.yaml: ifn-rux: phase: Input should be")
        expect(problems).to_contain_text(
            "outcomes.yaml: dli.os: value: a percentage must be within 0-100, got 176.0"
        )
        expect(page.locator(".phasewise-chart")).to_have_count(0)
        expect(page.get_by_text(DATASET_FOOTER)).to_have_count(0)

    restore(data_dir, "studies.yaml", good_studies)
    restore(data_dir, "outcomes.yaml", good_outcomes)
    view(page, f"{base}/sources")
    expect(page.get_by_role("heading", name="Sources and glossary")).to_be_visible()
    expect(page.get_by_text(DATASET_FOOTER)).to_be_visible()
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(0)


def test_deeply_nested_file_saved_while_running_keeps_the_server_up(
    page: Page, data_dir: Path
) -> None:
    """A 200 KB glossary of 100,000 nested block sequences ("- - - ... x") once crashed the
    server (SIGSEGV in libyaml's composer); it must be one more invalid edit."""
    # Its own server, outside the session's factory: this edit may take the process down.
    server = StreamlitServer(data_dir=data_dir)
    base = server.start()
    try:
        view(page, f"{base}/sources")
        glossary = data_dir / "glossary.yaml"
        before = glossary.stat().st_mtime_ns
        glossary.write_text("glossary:\n  " + "- " * 100_000 + "x\n", encoding="utf-8")
        touch_later(glossary, before)
        page.reload()
        deadline = time.monotonic() + 30
        while True:  # settled, or the server is gone (fail at once rather than time out)
            assert server.proc.poll() is None, f"server exited with {server.proc.returncode}"
            try:
                wait_for_app(page, timeout=1_000)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
        expect(stale_warning(page)).to_be_visible()
        expect(problem_list(page)).to_contain_text("glossary.yaml: line ")
        expect(page.get_by_test_id("stException")).to_have_count(0)
    finally:
        server.stop()
