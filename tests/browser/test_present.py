"""Presentation mode in a real browser: slides by URL and by keyboard, the deck and images
download, and the print handout."""

import io
import re

from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.browser.helpers import slide_of, wait_for_app


def slide_heading(page: Page):
    return page.locator("[class*='st-key-slide-body'] h1")


def wait_for_address(page: Page, search: str) -> None:
    """The address bar (not only the content) names the slide on screen."""
    page.wait_for_function("s => location.search === s", arg=search)


SORAFENIB = slide_of("sorafenib-flt3", ("AML",))


def open_slide(page: Page, base: str, query: str) -> None:
    page.goto(f"{base}/present?{query}")
    wait_for_app(page)


def test_url_names_the_slide_and_the_keys_buttons_and_a_copied_link_follow(
    page: Page, app_server: str
):
    """One deep link to a slide, then the arrow keys and the Next button move from it (the
    address following each move), and the copied address reopens the slide on screen."""
    open_slide(page, app_server, f"disease=AML&slide={SORAFENIB}")
    expect(slide_heading(page)).to_have_text(
        "Sorafenib maintenance after allo-HSCT in FLT3-ITD AML"
    )
    expect(page.get_by_text(re.compile(rf"Slide {SORAFENIB} of \d+"))).to_be_visible()
    wait_for_app(page, charts=1)  # the slide's chart drawn (a new tab loads plotly.js first)

    slide_heading(page).click()  # focus the slide itself, not a widget
    page.keyboard.press("ArrowRight")
    expect(slide_heading(page)).to_contain_text("rhG-CSF plus minimal-dose decitabine")
    wait_for_address(page, f"?disease=AML&slide={SORAFENIB + 1}")
    page.keyboard.press("ArrowLeft")
    expect(slide_heading(page)).to_contain_text("Sorafenib")
    page.keyboard.press("ArrowLeft")
    expect(slide_heading(page)).not_to_contain_text("Sorafenib")
    wait_for_address(page, f"?disease=AML&slide={SORAFENIB - 1}")

    before = slide_heading(page).inner_text()
    page.get_by_role("button", name="Next").click()
    expect(slide_heading(page)).not_to_have_text(before)
    expect(slide_heading(page)).to_contain_text("Sorafenib")
    wait_for_address(page, f"?disease=AML&slide={SORAFENIB}")
    title = slide_heading(page).inner_text()
    page.goto(page.evaluate("location.href"))
    wait_for_app(page)
    expect(slide_heading(page)).to_have_text(title)


def test_out_of_range_slide_falls_back_to_the_first(page: Page, app_server: str):
    open_slide(page, app_server, "disease=AML&slide=500")
    expect(page.get_by_text(re.compile(r"Slide 1 of \d+"))).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_figure_and_deck_downloads_for_the_selection(subtests, page: Page, app_server: str):
    """A card's SVG and the selection's deck, from one relapse page (MDS: the smallest deck, ten
    slides; the sidebar is open on phase pages)."""
    page.goto(f"{app_server}/relapse?disease=MDS")
    wait_for_app(page, charts=1)

    with subtests.test("the figure download has the context drawn in"):
        # The IFN-α2b + ruxolitinib card: its truncated "95." stays truncated in the image.
        card = page.locator(".st-key-card-single-ifn-rux")
        with page.expect_download(timeout=120_000) as info:
            card.get_by_role("button", name="SVG").first.click()
        svg = open(info.value.path(), encoding="utf-8").read()
        assert svg.startswith("<svg") or "<svg" in svg[:500]
        assert "95. (truncated in source)" in svg and "n not stated" in svg
        assert "Source: 2022 CSH talk" in svg

    with subtests.test("the deck downloads as a .pptx of the selection"):
        # A deck draws its charts on click (over 30 s on a loaded 2-core machine): a generous
        # bound, not a timing.
        with page.expect_download(timeout=300_000) as info:
            page.get_by_test_id("stSidebar").get_by_role("button", name="Download deck").click()
        download = info.value
        assert download.suggested_filename == "phasewise-MDS-v1.4.1.pptx"
        deck = Presentation(io.BytesIO(open(download.path(), "rb").read()))
        texts = " ".join(
            shape.text_frame.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_text_frame
        )
        assert "MDS" in texts and "1.4.1" in texts and "Decitabine-intensified" in texts, texts


def test_handout_view_shows_every_source_without_tabs(page: Page, app_server: str):
    page.goto(f"{app_server}/maintenance?disease=AML&handout=true")
    wait_for_app(page, charts=1)
    expect(page.get_by_role("tab")).to_have_count(0)
    expect(
        page.get_by_text(
            "the 1-year cumulative recurrence rate of sorafenib group was 7%", exact=False
        ).first
    ).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
