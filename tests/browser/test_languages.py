"""The app in Chinese in a real browser: deep links with ``lang=zh``, the language kept through
the sidebar's navigation and the slides, the English / 中文 switch and the address bar, the
browser's own language when the link names none, Plotly painting Chinese, and no English
interface text left on screen (tests/untranslated.py over the visible text, source excerpts,
labelled 原文, set aside).

One session server (``app_server``) serves every test; each page test saves a screenshot to
test-results/zh-<page>.png when one of its checks fails. Waits are on real changes (URL,
content, script state), never on sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lib.dataset.loading import DEFAULT_DATA_DIR
from tests.browser.helpers import REPO_ROOT, slide_of, wait_for_app
from tests.untranslated import EXCERPT_LABEL, has_cjk, scan, verbatim_pattern

EXPECT_TIMEOUT_MS = 30_000
LOAD_TIMEOUT_MS = 90_000
URL_TIMEOUT_MS = 10_000  # the page has drawn: its address is final, or nearly
SETTLED_TIMEOUT_MS = 5_000  # what a drawn page shows is final: a failing check fails fast
RESULTS = REPO_ROOT / "test-results"
# For Playwright's text checks: Playwright hands a pattern's source to JavaScript, which reads
# CJK's ``\U0002xxxx`` (a Python escape) as the letter U, a range from "0" to "U" that any digit
# or capital matches ("Transplant" passed as Chinese). So the Basic Multilingual Plane's CJK
# blocks, written as the characters themselves; `has_cjk` (Python) checks the rest.
CHINESE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


SORAFENIB = slide_of("sorafenib-flt3", ("AML",))

# Every page in Chinese: one deep link (the overview, AML and ALL), then the sidebar to every
# other page, as a reader goes (Streamlit reads ``lang`` from the address the same way for every
# page; the slides' own deep link is the slides test's). path -> charts expected. The sources
# page carries the detector's proof; the presentation comes last (its sidebar starts closed).
DEEP_LINK = "disease=AML&disease=ALL"  # not every disease: the address then names none
WALK = {
    "induction": True,
    "consolidation": True,
    "maintenance": True,
    "transplant": True,
    "relapse": True,
    "centre": False,
    "sources": False,
    "present": None,  # slide 1: its chart, when it has one, is checked
}

# Visible text that is not the app's: Streamlit's own keyboard link and header, the icons' font
# ligatures (``open_in_new``), and the file uploader's drop zone, whose words Streamlit fixes in
# English (streamlit#10380; the centre page says so in Chinese beside it).
NOT_OURS = (
    '[data-testid="stSkipToContent"]',
    '[data-testid="stHeader"]',
    '[data-testid="stToolbar"]',
    '[data-testid="stIconMaterial"]',
    '[data-testid="stFileUploaderDropzone"]',
)
# Reads what a reader sees, with the excerpts (blockquotes opening with their 原文 label) and
# the elements above hidden for the moment of reading: the whole text, and the short texts of
# what names things (headings, buttons, tabs, labels, links, expanders) for the label rule.
VISIBLE_TEXT_JS = """
([label, notOurs]) => {
  const hidden = [];
  const hide = (el) => {
    const style = el.style;
    hidden.push([el, style.getPropertyValue('display'), style.getPropertyPriority('display')]);
    el.style.setProperty('display', 'none', 'important');
  };
  document.querySelectorAll('blockquote').forEach((b) => {
    if (b.innerText.trim().startsWith(label)) hide(b);
  });
  document.querySelectorAll(notOurs.join(',')).forEach(hide);
  const body = document.body.innerText;
  const names = Array.from(document.querySelectorAll(
    'h1, h2, h3, h4, h5, h6, button, [role=tab], label, summary, a, [data-testid=stMarkdownBadge]'
  )).filter((el) => el.checkVisibility()).map((el) => el.innerText.trim()).filter(Boolean);
  hidden.reverse().forEach(([el, value, priority]) => {
    if (value) el.style.setProperty('display', value, priority);
    else el.style.removeProperty('display');
  });
  return {body, names};
}
"""
CHART_TEXT_JS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot svg text')).map((t) => t.textContent)
"""


@pytest.fixture(scope="module", autouse=True)
def _patient_expect() -> Iterator[None]:
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield
    expect.set_options(timeout=None)


def shoot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
    except Exception:  # a screenshot must never hide the failure itself
        pass


@contextmanager
def check(subtests, name: str, page: Page, shot: str) -> Iterator[None]:
    """One check of a page, reported on its own; a failure saves the page's screenshot."""
    with subtests.test(name):
        try:
            yield
        except BaseException:
            shoot(page, shot)
            raise


def main_heading(page: Page):
    return page.get_by_test_id("stMain").locator("h1").first


def nav_texts(page: Page) -> list[str]:
    """The sidebar navigation's page titles and section headings, icons left out."""
    return page.get_by_test_id("stSidebarNav").evaluate(
        """(nav) => Array.from(nav.querySelectorAll(
             '[data-testid=stSidebarNavLink], [data-testid=stNavSectionHeader]'))
           .map((el) => {
             const copy = el.cloneNode(true);
             copy.querySelectorAll('[data-testid=stIconMaterial]').forEach((i) => i.remove());
             return copy.textContent.trim();
           }).filter(Boolean)"""
    )


def english_left(page: Page) -> list[str]:
    """What the detector finds on screen: the body's lines, and the names of things as labels."""
    shown = page.evaluate(VISIBLE_TEXT_JS, [EXCERPT_LABEL, list(NOT_OURS)])
    items = [("screen", line, False) for line in shown["body"].split("\n") if line.strip()]
    items += [("screen", name, True) for name in shown["names"] if "\n" not in name]
    return [str(f) for f in scan(items, verbatim_pattern(DEFAULT_DATA_DIR))]


def lang_in_url(page: Page) -> list[str]:
    return re.findall(r"[?&]lang=([^&]*)", page.url)


def wait_for_url_lang(page: Page, lang: str) -> None:
    """The address names `lang` (written by the run that drew the page: a few seconds at most)."""
    expect(page).to_have_url(re.compile(rf"[?&]lang={lang}(&|$)"), timeout=URL_TIMEOUT_MS)


# --- 1. every page in Chinese: a deep link, then the sidebar ----------------------------------


def check_page_in_chinese(
    subtests, page: Page, path: str, charts: bool | None, query: str = DEEP_LINK
) -> None:
    """Every check of one page drawn in Chinese, each reported on its own (with a screenshot);
    the address names `query`'s diseases and lang=zh."""
    shot = f"zh-{path or 'overview'}"
    with check(subtests, f"{path or 'overview'}: no exception or error shown", page, shot):
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    with check(subtests, f"{path or 'overview'}: Chinese heading", page, shot):
        expect(main_heading(page)).to_have_text(CHINESE, timeout=SETTLED_TIMEOUT_MS)
    with check(subtests, f"{path or 'overview'}: Chinese navigation", page, shot):
        titles = nav_texts(page)
        assert len(titles) >= 9, titles
        assert [t for t in titles if not has_cjk(t)] == [], titles
    if charts or (charts is None and page.locator(".js-plotly-plot").count()):
        with check(subtests, f"{path or 'overview'}: charts painted with Chinese text", page,
                   shot):  # fmt: skip
            expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
            painted = page.evaluate(CHART_TEXT_JS)
            assert any(has_cjk(t) for t in painted), painted
    with check(subtests, f"{path or 'overview'}: no English interface text on screen", page,
               shot):  # fmt: skip
        found = english_left(page)
        assert found == [], f"{len(found)} English text(s) left:\n" + "\n".join(found[:40])
    with check(subtests, f"{path or 'overview'}: the address keeps lang=zh and the diseases",
               page, shot):  # fmt: skip
        assert lang_in_url(page) == ["zh"], page.url
        diseases = [part for part in query.split("&") if part.startswith("disease=")]
        assert re.findall(r"[?&](disease=[^&]*)", page.url) == diseases, page.url


def plant_and_find(page: Page) -> list[str]:
    """The detector, proven on the real page: an English sentence and an excerpt labelled 原文
    (as the cards draw it) added to the page; what it finds; the page then put back."""
    page.get_by_test_id("stMain").evaluate(
        """(main) => {
             const planted = document.createElement('div');
             planted.id = 'planted-by-the-test';
             planted.innerHTML = '<p>Select at least one disease to see the figures.</p>'
               + '<blockquote><p><span data-testid="stMarkdownBadge">原文</span> the 1-year '
               + 'cumulative recurrence rate of the sorafenib group was lower than that of the '
               + 'control group</p></blockquote>';
             main.prepend(planted);
           }"""
    )
    try:
        return english_left(page)
    finally:
        page.evaluate("() => document.getElementById('planted-by-the-test').remove()")


def test_every_page_in_chinese_from_a_deep_link_and_the_sidebar(
    subtests, page: Page, app_server: str
) -> None:
    page.goto(f"{app_server}/?{DEEP_LINK}&lang=zh")
    wait_for_app(page, timeout=LOAD_TIMEOUT_MS)
    check_page_in_chinese(subtests, page, "", False)

    for path, charts in WALK.items():
        heading = main_heading(page).inner_text()
        with check(subtests, f"{path}: the sidebar opens it", page, f"zh-{path}"):
            page.get_by_test_id("stSidebarNav").locator(f'a[href$="/{path}"]').click()
            expect(page).to_have_url(re.compile(rf"/{path}\?"))
            expect(main_heading(page)).not_to_have_text(heading)
            wait_for_app(page, charts=1 if charts else 0, timeout=LOAD_TIMEOUT_MS)
        check_page_in_chinese(subtests, page, path, charts)
        if path == "sources":
            with check(subtests, "the detector finds planted English, not an excerpt", page,
                       "zh-detector"):  # fmt: skip
                found = plant_and_find(page)
                assert any("Select at least one disease" in f for f in found), found
                assert not any("recurrence rate" in f for f in found), found
                assert english_left(page) == []  # the page put back


# --- 2. the language is kept through the slides -----------------------------------------------


def test_language_kept_through_the_slides(subtests, page: Page, app_server: str) -> None:
    page.goto(f"{app_server}/present?disease=AML&slide={SORAFENIB}&lang=zh")  # a deep link
    wait_for_app(page, charts=1, timeout=LOAD_TIMEOUT_MS)
    heading = page.locator("[class*='st-key-slide-body'] h1")
    expect(heading).to_have_text(CHINESE)
    check_page_in_chinese(subtests, page, "present", True, f"disease=AML&slide={SORAFENIB}")
    first = heading.inner_text()
    page.locator(".st-key-slide-next button").click()
    expect(heading).not_to_have_text(first)
    with check(subtests, "the next slide (button) is in Chinese", page, "zh-present"):
        expect(heading).to_have_text(CHINESE)
        wait_for_url_lang(page, "zh")
        expect(page).to_have_url(re.compile(rf"slide={SORAFENIB + 1}(&|$)"))
    second = heading.inner_text()
    heading.click()  # the slide itself has the focus, not a widget
    page.keyboard.press("ArrowRight")
    expect(heading).not_to_have_text(second)
    with check(subtests, "the next slide (arrow key) is in Chinese", page, "zh-present"):
        expect(heading).to_have_text(CHINESE)
        expect(page).to_have_url(re.compile(rf"slide={SORAFENIB + 2}(&|$)"))
        wait_for_url_lang(page, "zh")
    with check(subtests, "the slide's chart is painted in Chinese", page, "zh-present"):
        wait_for_app(page, timeout=LOAD_TIMEOUT_MS)
        if page.locator(".js-plotly-plot").count():
            expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
            assert any(has_cjk(t) for t in page.evaluate(CHART_TEXT_JS))


# --- 3. the switch and the address bar --------------------------------------------------------


def choose_language(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_test_id("stRadio").get_by_text(name, exact=True).click()


TRANSPLANT = re.compile(r"^Transplant$")


def test_browser_language_the_switch_and_copied_addresses(
    subtests, browser: Browser, app_server: str
) -> None:
    """A link without lang opens in the browser's language and stays without lang; the switch
    writes lang into the address; the address, copied, opens in the language it names whatever
    the recipient's browser language."""
    contexts = {locale: browser.new_context(locale=locale) for locale in ("zh-CN", "en-US")}
    try:
        pages = {locale: context.new_page() for locale, context in contexts.items()}
        for locale, lang, heading in (("zh-CN", "zh", CHINESE), ("en-US", "en", TRANSPLANT)):
            page = pages[locale]
            page.goto(f"{app_server}/transplant?disease=MDS")
            wait_for_app(page, timeout=LOAD_TIMEOUT_MS)
            with check(subtests, f"{locale} opens in {lang}", page, f"locale-{locale}"):
                expect(main_heading(page)).to_have_text(heading, timeout=SETTLED_TIMEOUT_MS)
            with check(subtests, f"{locale}: the switch shows it", page, f"locale-{locale}"):
                radio = page.get_by_test_id("stSidebar").get_by_test_id("stRadio")
                name = "中文" if lang == "zh" else "English"
                option = radio.get_by_role("radio", name=name, exact=True)
                expect(option).to_be_checked(timeout=SETTLED_TIMEOUT_MS)
            with check(subtests, f"{locale}: the address stays without lang", page,
                       f"locale-{locale}"):  # fmt: skip
                # An address without lang opens in each reader's browser language; the run
                # writes lang only once it differs from the browser's (a switch) or the URL had
                # one.
                assert "lang=" not in page.url, page.url

        page = pages["zh-CN"]
        choose_language(page, "English")
        expect(main_heading(page)).to_have_text("Transplant")
        with check(subtests, "English: lang=en in the address", page, "switch-en"):
            wait_for_url_lang(page, "en")
            assert "disease=MDS" in page.url
        english_link = page.url

        choose_language(page, "中文")
        expect(main_heading(page)).to_have_text(CHINESE)
        with check(subtests, "中文: lang=zh in the address", page, "switch-zh"):
            wait_for_url_lang(page, "zh")
            assert "disease=MDS" in page.url
        chinese_link = page.url

        for link, locale, heading in (
            (english_link, "zh-CN", TRANSPLANT),
            (chinese_link, "en-US", CHINESE),
        ):
            other = pages[locale]
            other.goto(link)
            wait_for_app(other, timeout=LOAD_TIMEOUT_MS)
            with check(subtests, f"the copied address opens in its language ({locale})", other,
                       f"copied-{locale}"):  # fmt: skip
                expect(main_heading(other)).to_have_text(heading, timeout=SETTLED_TIMEOUT_MS)
    finally:
        for context in contexts.values():
            context.close()


def test_screenshots_go_to_an_ignored_folder() -> None:
    ignored = (REPO_ROOT / ".gitignore").read_text().split()
    assert "test-results/" in ignored
    assert Path(RESULTS).name == "test-results"
