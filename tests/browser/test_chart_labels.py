"""Chart labels measured in a real browser: on every phase page, in English and Chinese, at
1280, 1440 and 1920 px, no tick, annotation, legend or axis-title text of a Plotly chart runs
past the chart's own SVG, and no two of them overlap. Boxes are the browser's own text bounding
boxes (not a picture compared with a picture). One server; one page per window width, reused.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from lib.dataset.vocabulary import PHASES
from tests.browser.helpers import wait_for_app

WIDTHS = (1280, 1440, 1920)
LANGS = ("en", "zh")
SLACK = 1.0  # px: sub-pixel rounding of glyph boxes
OVERLAP = 2.0  # px: two boxes overlap when they share more than this in both directions

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


@pytest.fixture(scope="module")
def pages(browser: Browser) -> Iterator[dict[int, Page]]:
    """One page per window width, kept for the module."""
    contexts = {w: browser.new_context(viewport={"width": w, "height": 1000}) for w in WIDTHS}
    yield {w: c.new_page() for w, c in contexts.items()}
    for context in contexts.values():
        context.close()


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


def problems(charts: list[dict]) -> list[str]:
    """Every label outside its chart and every pair of overlapping labels, as readable lines."""
    found = []
    for chart in charts:
        name = f"chart {chart['chart'] + 1} ({chart['title'][:50]!r})"
        texts = chart["texts"]
        found += [
            f"{name}: {box['text']!r} runs outside the chart"
            for box in texts
            if outside(box, chart["svg"])
        ]
        found += [
            f"{name}: {a['text']!r} overlaps {b['text']!r}"
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
    found = problems([{"chart": 0, "title": "", "svg": svg, "texts": [inside, cut, touching]}])
    assert any("runs outside" in line for line in found)
    assert any("overlaps" in line for line in found)


#: Still failing where a card is narrowest (measured 2026-12-07): legend items past the right
#: edge (arm names in a horizontal legend), G-Dec's five category labels and its four wrapped
#: printed p values, side-by-side value labels of two bars ("64.9% n not stated"), a not-plotted
#: note and a value label past a single-arm plot, risk-difference ticks on a plot of ~40 px.
#: Each case fails on purpose until fixed; a fixed one shows as XPASS.
KNOWN = {
    ("induction", 1280): "legend item 'Chemotherapy + microtransplantation' (en)",
    ("consolidation", 1280): "legend item 'Chemotherapy + microtransplantation' (en)",
    ("maintenance", 1280): "legend items, G-Dec category labels and printed p, RD ticks",
    ("transplant", 1280): "side-by-side value labels of the Dec-mBuCy2 bars",
    ("transplant", 1440): "legend item 'Did not reach allo-HSCT' (en)",
    ("relapse", 1280): "IFN-α2b + ruxolitinib: not-plotted note and value label",
    # Charts of the trials added in dataset 1.2.0, measured failing after the merge, not yet fixed:
    ("induction", 1440): "AZA-001 medians: the printed 'stratified log-rank p=0.0001' over the "
    "wrapped title (en)",
    ("induction", 1920): "AZA-001 medians: the printed 'stratified log-rank p=0.0001' over the "
    "wrapped title (en)",
    ("consolidation", 1440): "RIF vs arsenic trioxide (2025): legend item outside the chart",
    ("relapse", 1440): "a chart of TOWER or INO-VATE (en)",
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("phase", PHASES)
def test_no_label_is_cut_or_overlaps(
    request: pytest.FixtureRequest,
    pages: dict[int, Page],
    app_server: str,
    phase: str,
    width: int,
    lang: str,
) -> None:
    if (phase, width) in KNOWN:  # measured, listed above; not yet fixed
        request.node.add_marker(pytest.mark.xfail(reason=KNOWN[phase, width], strict=False))
    page = pages[width]
    page.goto(f"{app_server}/{phase}?lang={lang}")
    wait_for_app(page, charts=1, timeout=120_000)
    page.wait_for_timeout(300)  # Plotly's second draw after automargin
    charts = page.evaluate(MEASURE)
    assert charts, "no chart on the page"
    assert problems(charts) == []
