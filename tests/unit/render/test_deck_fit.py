"""The deck in a meeting room: chart text at 14 pt or more as placed on the slide, every text
box big enough for its text (by the estimate the deck sizes its boxes with), the theme's font
for Simplified Chinese, and the reference notes in the deck's language.

The decks of every disease are built once per session (`built_decks`, tests/unit/render/
conftest.py) and read back with python-pptx.
"""

import pytest
from lxml import etree
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Inches

from lib.i18n import using_language
from lib.render import charts, images
from lib.render.pptx import (
    CONTENT_WIDTH,
    OVERSIZE,
    RENDER_SCALE,
    SMALL_SIZE,
    THEME_HANS_FONT,
    _height,
    _lines,
    _Para,
    _para_of,
    overflowing_boxes,
)

LANGS = ("en", "zh")
pytestmark = pytest.mark.xdist_group("decks")


def chart_pictures(built_decks, lang):
    """(exhibit, picture shape) of every figure slide with a chart."""
    exhibits, _, prs = built_decks[lang]
    pages = list(prs.slides)[1 : 1 + len(exhibits)]
    out = []
    for exhibit, page in zip(exhibits, pages, strict=True):
        pictures = [s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == (exhibit.chart is not None), exhibit.key
        out += [(exhibit, p) for p in pictures]
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_chart_text_is_at_least_14_pt_as_placed(built_decks, lang):
    """Every chart's text prints at SLIDE_MIN_FONT pt or more, derived from the fonts of the
    figure as laid out for the picture and the picture's placed width against the width it
    was drawn at; the exception, a chart whose labels cannot fit at that size beside its
    numbers, is drawn larger and placed smaller (no overlap), at no less than 14 / 1.5 pt."""
    pictures = chart_pictures(built_decks, lang)
    assert len(pictures) >= 10
    smallest, oversized = {}, []
    for exhibit, picture in pictures:
        image_width, image_height = images.png_size(picture.image.blob)
        drawn_width, drawn_height = image_width / RENDER_SCALE, image_height / RENDER_SCALE
        # The figure as the deck laid it out for the size it was drawn at.
        with using_language(lang):
            chart = charts.draw(exhibit.chart)
            fig = images.slide_figure(
                chart, drawn_width / images.SLIDE_DPI, drawn_height / images.SLIDE_DPI
            )
        assert (fig.layout.width, fig.layout.height) == (drawn_width, drawn_height)
        fonts = images.figure_fonts(fig)
        assert {"xaxis ticks", "yaxis ticks"} <= set(fonts), exhibit.key
        assert "title" not in fonts, exhibit.key  # the slide's heading names the chart
        # Aspect kept: the picture is not stretched one way.
        assert picture.height / picture.width == pytest.approx(image_height / image_width, 0.01)
        placed_points = picture.width / Inches(1) * 72
        points = {where: px * placed_points / drawn_width for where, px in fonts.items()}
        smallest[f"{exhibit.phase}/{exhibit.key}"] = min(points.values())
        if placed_points < drawn_width * 72 / images.SLIDE_DPI - 1:
            oversized.append(f"{exhibit.phase}/{exhibit.key}")
            with using_language(lang):  # at its placed size its labels would not fit
                placed = images.slide_figure(chart, placed_points / 72, picture.height / Inches(1))
            assert not images.slide_fits(placed), exhibit.key
            assert min(points.values()) >= images.SLIDE_MIN_FONT / OVERSIZE[-1], exhibit.key
        else:
            assert min(points.values()) >= images.SLIDE_MIN_FONT, (exhibit.key, points)
    # Today every chart, in both languages, prints at SLIDE_MIN_FONT pt or more: bar groups
    # named in their slide words (charts._slide_category), no chart title under the slide's
    # heading, a title of more than two lines set smaller, and a long forest plot or an arm
    # chart of more than four groups as several slides (exhibits.slide_parts).
    print(lang, "smallest chart text as placed (pt):", sorted(smallest.items(), key=lambda i: i[1]))
    assert oversized == []
    assert len(pictures) - len(oversized) >= 10


def test_the_font_sizes_read_from_a_figure_follow_plotly_inheritance():
    fig = charts.go.Figure(
        layout=dict(
            font=dict(size=10),
            title=dict(text="t"),
            xaxis=dict(tickfont=dict(size=13)),
            showlegend=True,
            legend=dict(title=dict(text="legend")),
            annotations=[dict(text="a", font=dict(size=9)), dict(text="b")],
        )
    )
    fonts = images.figure_fonts(fig)
    assert fonts["xaxis ticks"] == 13 and fonts["yaxis ticks"] == 10
    assert fonts["title"] == 14 and fonts["legend"] == 10 and fonts["legend title"] == 12
    assert fonts["annotation 0 ()"] == 9 and fonts["annotation 1 ()"] == 10


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_box_fits_by_the_estimate(built_decks, lang):
    prs = built_decks[lang][2]
    assert overflowing_boxes(prs) == []


def test_the_estimate_finds_an_overflowing_box(built_decks):
    """The check itself: a box made one line shorter than its text needs is found."""
    prs = built_decks["zh"][2]
    page = prs.slides[1]
    box = max(
        (s for s in page.shapes if s.has_text_frame and s.name == "Key numbers"),
        key=lambda s: s.height,
    )
    height = box.height
    paras = [_para_of(p) for p in box.text_frame.paragraphs if p.runs]
    needed = _height(paras, box.width / Inches(1))
    try:
        box.height = Inches(needed - 0.3)
        assert [o.name for o in overflowing_boxes(prs)] == ["Key numbers"]
    finally:
        box.height = height


def test_a_chinese_source_line_that_filled_one_line_gets_two():
    # The zh source line of eight slides: the estimate without the space viewers put between
    # Chinese and Latin text said one line; LibreOffice drew two, over the slide's edge.
    source = (
        "来源：Xia Linghui教授2022年CSH（中华医学会血液学分会）学术会议报告：高危AML/MDS"
        "异基因造血干细胞移植(allo-HSCT)后复发的防治 · 1篇发表文献中的数据"
    )
    assert _lines(_Para(source, SMALL_SIZE), CONTENT_WIDTH) == 2


@pytest.mark.parametrize("lang", LANGS)
def test_the_theme_names_a_simplified_chinese_font(built_decks, lang):
    prs = built_decks[lang][2]
    theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
    for scheme in ("a:majorFont", "a:minorFont"):
        (fonts,) = theme.iter(qn(scheme))
        hans = [f.get("typeface") for f in fonts.findall(qn("a:font")) if f.get("script") == "Hans"]
        assert hans == [THEME_HANS_FONT] == ["微软雅黑"]


ENGLISH_NOTES = (
    "Unconfirmed:",
    "Candidate:",
    "Probable:",
    "Not identified.",
    "Probably",
    "(letter)",
)


def test_reference_notes_are_chinese_in_the_chinese_deck(built_decks):
    exhibits, _, prs = built_decks["zh"]
    references = [p for p in prs.slides if p.shapes.title.text.startswith("参考文献")]
    listed = "\n".join(s.text_frame.text for p in references for s in p.shapes if s.has_text_frame)
    notes = "\n".join(p.notes_slide.notes_text_frame.text for p in prs.slides)
    for english in ENGLISH_NOTES:
        assert english not in listed and english not in notes, english
    raw = "\n".join(c for e in exhibits for c in e.citations)
    for english, chinese in (("Unconfirmed: ", "未确认："), (" Not identified.", "未找到原文献")):
        if english in raw:
            assert chinese in listed and chinese in notes


def test_reference_notes_stay_english_in_the_english_deck(built_decks):
    exhibits, _, prs = built_decks["en"]
    notes = "\n".join(p.notes_slide.notes_text_frame.text for p in prs.slides)
    for citation in {c for e in exhibits for c in e.citations}:
        assert citation in notes
