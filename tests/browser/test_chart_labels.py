"""Chart labels measured in a real browser: on every phase page, in English and Chinese, at
1280, 1440 and 1920 px, no tick, annotation, legend or axis-title text of a Plotly chart runs
past the chart's own SVG, and no two of them overlap. Boxes are the browser's own text bounding
boxes (not a picture compared with a picture).

Every chart also fits the margins set before it was drawn (charts.for_screen), so Plotly's
automargin has nothing to push and draws it once.

One page per language: the first phase is opened by its address, the others through the
sidebar, and each is measured at every width by resizing the window (the charts are redrawn at
their new width; measured 2026-12-07: the same problems as a fresh page at that width). Each
(phase, width) is a subtest. The problems still present are listed in KNOWN: a problem not
listed fails, and so does a listed one no longer found (the list is then trimmed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from lib.dataset.vocabulary import PHASES
from tests.browser.helpers import wait_for_app

WIDTHS = (1280, 1440, 1920)
HEIGHT = 1000
LANGS = ("en", "zh")
SLACK = 1.0  # px: sub-pixel rounding of glyph boxes
OVERLAP = 2.0  # px: two boxes overlap when they share more than this in both directions
LOAD_TIMEOUT_MS = 120_000

# Every text a chart draws, and the chart's SVG box; (chart index, label, box) per text.
MEASURE = """() => {
  const labels = '.xtick text, .ytick text, .annotation-text, .legendtext, .legendtitletext, '
    + '.g-xtitle text, .g-ytitle text, .gtitle';
  return [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')].map((plot, i) => {
    const svg = plot.querySelector('.main-svg').getBoundingClientRect();
    const texts = [...plot.querySelectorAll(labels)].filter(t => t.textContent.trim()).map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent.slice(0, 60), l: r.left, r: r.right, t: r.top, b: r.bottom};
    }).filter(b => b.r > b.l && b.b > b.t);
    return {chart: i, title: (plot.querySelector('.gtitle') || {}).textContent || '',
            svg: {l: svg.left, r: svg.right, t: svg.top, b: svg.bottom}, texts};
  });
}"""
# Drawn: every shown chart element holds a Plotly plot whose SVG is as wide as its box (after a
# resize the box changes at once, the SVG when Plotly has redrawn), and the label boxes are the
# same on two frames running.
SETTLED = f"""() => {{
  const shown = [...document.querySelectorAll('[data-testid="stMain"] .phasewise-chart')]
    .filter(chart => chart.offsetWidth > 0);
  const sized = shown.length > 0 && shown.every(chart => {{
    const plot = chart;  // the chart element is Plotly's plot
    const svg = plot.querySelector('.main-svg');
    return !!svg && !!plot._fullLayout
      && Math.abs(svg.getBoundingClientRect().width - plot.offsetWidth) < 1;
  }});
  const boxes = JSON.stringify(({MEASURE})());
  const same = boxes === window.__labelBoxes;
  window.__labelBoxes = boxes;
  return sized && same;
}}"""


# Margins Plotly's automargin pushed beyond those set before drawing (charts.for_screen): a
# push means the chart is drawn a second time (docs/benchmarks.md: Plotly's automargin redraw).
PUSHED_MARGINS = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
  .flatMap(gd => {
    const set = gd._fullLayout.margin, drawn = gd._fullLayout._size;
    return ['l', 'r', 't', 'b'].filter(side => drawn[side] > set[side] + 0.5)
      .map(side => `${gd.layout.title.text}: ${side}`);
  })"""


@dataclass(frozen=True)
class Problem:
    chart: str  # the chart's title as drawn (wrapped lines run together), first 50 characters
    what: str  # "'<label>' runs outside the chart" or "'<label>' overlaps '<label>'"

    def __str__(self) -> str:
        return f"{self.chart!r}: {self.what}"


def outside(box: dict, svg: dict) -> bool:
    return (
        box["l"] < svg["l"] - SLACK
        or box["r"] > svg["r"] + SLACK
        or box["t"] < svg["t"] - SLACK
        or box["b"] > svg["b"] + SLACK
    )


def overlap(a: dict, b: dict) -> bool:
    return (
        min(a["r"], b["r"]) - max(a["l"], b["l"]) > OVERLAP
        and min(a["b"], b["b"]) - max(a["t"], b["t"]) > OVERLAP
    )


def problems(charts: list[dict]) -> list[Problem]:
    """Every label outside its chart and every pair of overlapping labels."""
    found = []
    for chart in charts:
        title, texts = chart["title"][:50], chart["texts"]
        found += [
            Problem(title, f"{box['text']!r} runs outside the chart")
            for box in texts
            if outside(box, chart["svg"])
        ]
        found += [
            Problem(title, f"{a['text']!r} overlaps {b['text']!r}")
            for i, a in enumerate(texts)
            for b in texts[i + 1 :]
            if overlap(a, b)
        ]
    return found


def test_the_measure_sees_an_overflow_and_an_overlap() -> None:
    svg = {"l": 0, "r": 100, "t": 0, "b": 100}
    inside = {"text": "a", "l": 10, "r": 40, "t": 10, "b": 20}
    cut = {"text": "· comput", "l": 80, "r": 130, "t": 10, "b": 20}
    touching = {"text": "b", "l": 30, "r": 60, "t": 12, "b": 22}
    assert problems([{"chart": 0, "title": "", "svg": svg, "texts": [inside]}]) == []
    found = problems([{"chart": 0, "title": "T", "svg": svg, "texts": [inside, cut, touching]}])
    assert [str(p) for p in found] == [
        "'T': '· comput' runs outside the chart",
        "'T': 'a' overlaps 'b'",
    ]


@dataclass(frozen=True)
class Known:
    """A label problem measured and not yet fixed, where it shows."""

    phase: str
    width: int
    lang: str
    chart: str  # the start of the chart's title as drawn
    what: str  # as in Problem.what
    reason: str

    def matches(self, problem: Problem) -> bool:
        return problem.chart.startswith(self.chart) and problem.what == self.what


def _cut(label: str) -> str:
    return f"{label!r} runs outside the chart"


def _over(label: str, other: str) -> str:
    return f"{label!r} overlaps {other!r}"


#: Measured 2026-12-07 (dataset 1.2.0), every problem of every phase, width and language: none.
KNOWN: list[Known] = []


def compare(found: list[Problem], known: list[Known]) -> str:
    """'' when `found` are exactly the `known` problems; else what is new and what is gone."""
    new = [str(p) for p in found if not any(k.matches(p) for k in known)]
    gone = [f"{k.chart!r}: {k.what} ({k.reason})" for k in known if not any(map(k.matches, found))]
    parts = []
    if new:
        parts.append("label problems not in KNOWN:\n  " + "\n  ".join(dict.fromkeys(new)))
    if gone:
        parts.append("KNOWN problems no longer found (remove them):\n  " + "\n  ".join(gone))
    return "\n".join(parts)


def test_compare_reports_new_and_gone() -> None:
    cut = Problem("Sorafenib maintenance", _cut("No maintenance"))
    known = Known("maintenance", 1280, "en", "Sorafenib", _cut("No maintenance"), "an example")
    assert compare([cut, cut], [known]) == ""
    assert "not in KNOWN:\n  'Sorafenib maintenance': 'No maintenance'" in compare([cut], [])
    assert "no longer found (remove them):\n  'Sorafenib'" in compare([], [known])


def open_phase(page: Page, base_url: str, phase: str, lang: str) -> None:
    """The first phase by its address, the next ones by the sidebar link (no page load)."""
    if not page.url.startswith(base_url):
        page.goto(f"{base_url}/{phase}?lang={lang}")
    else:
        title = page.locator("h1").first.text_content()
        page.get_by_test_id("stSidebarNav").locator(f'a[href*="/{phase}"]').click()
        page.wait_for_url(re.compile(rf"/{phase}(\?|$)"))
        page.wait_for_function(
            "t => { const h = document.querySelector('h1'); return !!h && h.textContent !== t; }",
            arg=title,
            polling="raf",
            timeout=LOAD_TIMEOUT_MS,
        )
    wait_for_app(page, charts=1, timeout=LOAD_TIMEOUT_MS)


@pytest.mark.parametrize("lang", LANGS)
def test_no_label_is_cut_or_overlaps(
    subtests: pytest.Subtests, page: Page, app_server: str, lang: str
) -> None:
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    for index, phase in enumerate(PHASES):
        open_phase(page, app_server, phase, lang)
        # There and back: the window already has the first width of the next phase.
        for width in WIDTHS if index % 2 == 0 else WIDTHS[::-1]:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            page.wait_for_function(SETTLED, polling="raf", timeout=LOAD_TIMEOUT_MS)
            charts = page.evaluate(MEASURE)
            with subtests.test(phase=phase, width=width, lang=lang):
                assert charts, "no chart on the page"
                known = [k for k in KNOWN if (k.phase, k.width, k.lang) == (phase, width, lang)]
                assert not (message := compare(problems(charts), known)), message
            with subtests.test("margins presized", phase=phase, width=width, lang=lang):
                assert page.evaluate(PUSHED_MARGINS) == []
