"""lib.render.images: PNG and SVG exports of the charts with their context, from one shared browser.

One exporter (one headless chromium, shared with test_deck) serves the whole module.
"""

import re
import struct
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest

from lib.evidence.exhibits import selection_exhibits
from lib.render import charts
from lib.render.images import (
    DEFAULT_WIDTH,
    ImageExporter,
    ImageExportError,
    caption_lines,
    figure_height,
    figure_image,
    figure_with_context,
    for_image,
    wrap_text,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def aml_slides(dataset, table):
    return selection_exhibits(dataset, table, ["AML"])


@pytest.fixture(scope="module")
def sorafenib(aml_slides):
    return next(s for s in aml_slides if s.key == "sorafenib-flt3")


@pytest.fixture(scope="module")
def sorafenib_svg(sorafenib, table, exporter, dataset):
    return figure_image(sorafenib, "svg", exporter, dataset.info.version)


def png_dimensions(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_text(data: bytes) -> str:
    """All text of an SVG, one text element a line; a multi-line element's lines joined by " "."""
    parts = []
    for text in ET.fromstring(data).iter(f"{SVG}text"):
        lines = [t for t in text if t.tag == f"{SVG}tspan" and "line" in t.get("class", "")]
        parts.append(
            " ".join("".join(line.itertext()) for line in lines)
            if lines
            else "".join(text.itertext())
        )
    return "\n".join(parts)


def plot_area(svg: bytes) -> tuple[str, ...]:
    """x, y, width, height of the plot area, from the clip path plotly.js draws for it."""
    match = re.search(
        rb'id="clip[0-9a-f]+xy"><rect x="([\d.]+)" y="([\d.]+)" '
        rb'width="([\d.]+)" height="([\d.]+)"',
        svg,
    )
    assert match, "no plot-area clip path in the SVG"
    return tuple(round(float(v)) for v in match.groups())


@pytest.mark.parametrize("scale", [1, 2])
def test_png_has_the_width_and_the_figure_height_plus_caption(
    scale, sorafenib, table, exporter, dataset
):
    png = figure_image(sorafenib, "png", exporter, dataset.info.version, scale=scale)
    fig = charts.draw(sorafenib.chart)
    context = figure_with_context(fig, caption_lines(sorafenib, dataset.info.version))
    assert context.layout.height > fig.layout.height
    assert png_dimensions(png) == (1600 * scale, context.layout.height * scale)


def test_render_honours_the_figures_own_height(exporter, table, aml_slides):
    forest = next(s for s in aml_slides if s.chart and s.chart.kind == "forest")
    fig = charts.draw(forest.chart)
    assert fig.layout.height != 700
    width, height = png_dimensions(exporter.render(fig))
    assert (width, height) == (1600, fig.layout.height)
    assert png_dimensions(exporter.render(fig, width=800, height=500)) == (800, 500)


def test_svg_holds_the_chart_and_its_context_as_text(sorafenib, sorafenib_svg, dataset):
    text = svg_text(sorafenib_svg)
    assert sorafenib.chart_title in text
    assert sorafenib.source_line in text
    assert "n=100" in text and "n=102" in text
    assert "P=0.001" in text  # printed "P=0. 001" in the source: a line-break gap, joined
    assert "1 year after transplant" in text
    assert f"Phasewise dataset v{dataset.info.version}" in text
    for badge in sorafenib.badges:
        assert badge.label in text


def test_caption_keeps_the_plot_area_where_it_was(sorafenib, table, exporter, dataset):
    fig = for_image(charts.draw(sorafenib.chart), DEFAULT_WIDTH)
    before = exporter.render(fig, "svg")
    after = figure_image(sorafenib, "svg", exporter, dataset.info.version)
    assert plot_area(after) == plot_area(before)


def test_data_html_is_escaped_in_the_svg(exporter):
    fig = go.Figure(
        go.Bar(x=["a", "b"], y=[1, 2]),
        layout=dict(template=charts.TEMPLATE, height=400, title=dict(text=f"Title {SCRIPT}")),
    )
    caption = f'Source: {SCRIPT} & <b>bold</b> "quoted"'
    svg = exporter.render(figure_with_context(fig, [caption]), "svg")
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1].lower() == "script"]
    assert caption in svg_text(svg)


def test_figure_with_context_leaves_the_input_alone(sorafenib, table, dataset):
    fig = charts.draw(sorafenib.chart)
    before = fig.to_json()
    context = figure_with_context(fig, caption_lines(sorafenib, dataset.info.version))
    assert fig.to_json() == before
    assert context is not fig
    assert context.layout.template.to_plotly_json() == fig.layout.template.to_plotly_json()
    assert [t.marker.color for t in context.data] == [t.marker.color for t in fig.data]
    captions = [a for a in context.layout.annotations if a.name == "caption"]
    assert len(captions) == 1 and captions[0].xref == captions[0].yref == "paper"
    assert len(context.layout.annotations) == len(fig.layout.annotations) + 1


def test_long_caption_lines_wrap_without_losing_words(table, sorafenib):
    fig = charts.draw(sorafenib.chart)
    line = " ".join(f"word{i}" for i in range(120))
    short = figure_with_context(fig, ["one line"])
    long = figure_with_context(fig, [line])
    text = next(a.text for a in long.layout.annotations if a.name == "caption")
    assert text.count("<br>") >= 2
    assert text.replace("<br>", " ") == line
    assert long.layout.height > short.layout.height > figure_height(fig)


def test_wrap_text_keeps_every_word():
    text = "Cumulative incidence of relapse, 2 years after transplant (publication): 11.9%"
    lines = wrap_text(text, 20)
    assert len(lines) > 1
    assert " ".join(lines) == text


def test_facts_slide_has_no_image(aml_slides, table, exporter, dataset):
    facts = next(s for s in aml_slides if s.chart is None)
    with pytest.raises(ValueError, match="no chart"):
        figure_image(facts, "png", exporter, dataset.info.version)


def test_render_refuses_other_formats(exporter, sorafenib, table):
    with pytest.raises(ValueError, match="fmt"):
        exporter.render(charts.draw(sorafenib.chart), "jpeg")


def test_render_outside_the_context_manager_is_an_error(sorafenib, table):
    with pytest.raises(ImageExportError, match="with ImageExporter"):
        ImageExporter().render(charts.draw(sorafenib.chart))


def test_missing_browser_is_reported_not_awaited(tmp_path):
    with pytest.raises(ImageExportError, match="no chromium"):
        with ImageExporter(str(tmp_path / "chromium")):
            pass


# --- a bar chart in the printed handout --------------------------------------------------------


@pytest.fixture(scope="module")
def handout_cards():
    """lang -> the phase pages' cards of every disease by key (what the handout prints)."""
    from lib.dataset.loading import load_dataset
    from lib.dataset.vocabulary import PHASES
    from lib.evidence.exhibits import phase_view
    from lib.evidence.figures import figure_table
    from lib.i18n import using_language
    from tests.unit.conftest import DATA_DIR

    cards = {}
    for lang in ("en", "zh"):
        with using_language(lang):
            dataset = load_dataset(DATA_DIR, lang)
            table = figure_table(dataset)
            cards[lang] = {
                e.key: e
                for phase in PHASES
                for e in phase_view(dataset, table, phase, ["AML", "MDS", "ALL"]).exhibits
            }
    return cards


@pytest.mark.parametrize("key", ["gdec-maintenance", "sorafenib-flt3", "single-relaza2-post-hsct"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_printed_bar_chart_fits_its_labels_at_the_page_width(handout_cards, key, lang):
    """The handout draws a bar chart at the page's printable width and the shortest height at
    which its labels fit, in 14 px type without a title of its own (the card's title is above
    it): G-CSF + decitabine's five groups, sorafenib's, RELAZA2's long rows in Chinese."""
    from lib.app.cards import HANDOUT_WIDTH
    from lib.i18n import using_language
    from lib.render.images import PRINTED_HEIGHTS, figure_fonts, printed_figure, slide_fits

    with using_language(lang):
        printed = printed_figure(charts.draw(handout_cards[lang][key].chart), HANDOUT_WIDTH)
    assert slide_fits(printed)
    assert printed.layout.width == HANDOUT_WIDTH and printed.layout.height in PRINTED_HEIGHTS
    fonts = figure_fonts(printed)
    assert "title" not in fonts and min(fonts.values()) >= 14, fonts
