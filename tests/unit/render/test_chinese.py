"""The charts, images and deck in Chinese: interface text translated, Chinese fonts named, the
Chinese line-breaking rules kept, and every number as in English.

One English and one Chinese deck of every disease with the demo centre's slides, built once for
the session (tests/conftest.py, shared with the other tests that read a full deck).
"""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Pt

from lib.export import deck_filename
from lib.i18n import missing_translations, using_language
from lib.i18n.wrap import NO_BREAK_AFTER, NO_BREAK_BEFORE, is_cjk
from lib.render import charts, images
from lib.render import cohort_charts as cc
from lib.render.pptx import EA_FONT
from tests.unit.conftest import DATA_DIR, REPO_ROOT

#: One worker builds the decks (tests/conftest.py), so each is built once per run.
pytestmark = pytest.mark.xdist_group("decks")

ALL = ["AML", "MDS", "ALL"]
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
CHINESE_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei")


def cjk(text: str) -> bool:
    return any(is_cjk(char) for char in text)


def numbers(text: str) -> Counter:
    return Counter(NUMBER.findall(text))


#: The last line of a key-number panel whose other numbers went to the speaker notes.
MORE_IN_NOTES = re.compile(r"more key numbers? in the speaker notes|项关键数据见演讲者备注")


def same_numbers(english: str, chinese: str) -> bool:
    """Every number of the English is in the Chinese as often (the Chinese of a date may add
    one: "May 2015" is "2015年5月")."""
    return not numbers(english) - numbers(chinese)


@pytest.fixture(scope="module")
def built(chinese, full_deck):
    """lang -> (dataset, figure table, exhibits, demo centre, deck reopened): the session's full
    decks (tests/conftest.py)."""
    out = {}
    for lang in ("en", "zh"):
        deck = full_deck(lang)
        out[lang] = (deck.dataset, deck.table, deck.exhibits, deck.centre, deck.presentation())
    return out


def slide_text(page) -> str:
    return "\n".join(s.text_frame.text for s in page.shapes if s.has_text_frame)


# --- the deck ----------------------------------------------------------------------------------


def test_every_run_has_the_chinese_typeface_and_language(built):
    prs = built["zh"][-1]
    frames = [
        shape.text_frame._txBody
        for page in prs.slides
        for shape in page.shapes
        if shape.has_text_frame
    ] + [page.notes_slide.notes_text_frame._txBody for page in prs.slides]
    runs = [run for body in frames for run in body.iter(qn("a:r"))]
    assert len(runs) > 500
    for run in runs:
        properties = run.find(qn("a:rPr"))
        assert properties is not None
        assert properties.get("lang") == "zh-CN" and properties.get("altLang") == "en-US"
        (east_asian,) = properties.findall(qn("a:ea"))
        assert east_asian.get("typeface") == EA_FONT
        # The schema's order: ... latin, ea, cs, sym, hlinkClick ...
        tags = [child.tag for child in properties]
        if qn("a:latin") in tags:
            assert tags.index(qn("a:ea")) == tags.index(qn("a:latin")) + 1


def test_english_runs_name_the_typeface_but_no_language(built):
    prs = built["en"][-1]
    runs = [
        run
        for page in prs.slides
        for shape in page.shapes
        if shape.has_text_frame
        for run in shape.text_frame._txBody.iter(qn("a:r"))
    ]
    assert all(run.find(qn("a:rPr")).find(qn("a:ea")) is not None for run in runs)
    assert not any(run.find(qn("a:rPr")).get("lang") for run in runs)


def test_every_slide_title_is_chinese(built):
    for page in built["zh"][-1].slides:
        title = page.shapes.title.text
        assert cjk(title), title


def is_references(page) -> bool:
    return page.shapes.title.text.startswith(("References", "参考文献"))


def test_the_chinese_deck_has_the_english_slides_and_numbers(built):
    """The title, figure and centre slides one to one; the reference slides as a whole (the
    languages' lines differ in length, so the list may break onto its pages at another
    citation)."""
    english, chinese = built["en"][-1], built["zh"][-1]
    slides = [
        [page for page in deck.slides if not is_references(page)] for deck in (english, chinese)
    ]
    titles = [[page.shapes.title.text for page in pages] for pages in slides]
    assert len(slides[0]) == len(slides[1]), titles
    for index, (en, zh) in enumerate(zip(*slides, strict=True)):
        pictures = [[s.width for s in page.shapes if s.shape_type == 13] for page in (en, zh)]
        assert len(pictures[0]) == len(pictures[1]), index
        if index == 0:  # the title slide: versions and dates
            assert numbers(slide_text(zh)) == numbers(slide_text(en))
        boxes = [
            [s.text_frame.text for s in page.shapes if s.name == "Key numbers"] for page in (en, zh)
        ]
        assert len(boxes[0]) == len(boxes[1]), index
        # The speaker notes' key numbers (a figure slide's fourth line starts them), and
        # every number of a centre slide's notes (estimates, at risk, events).
        notes = [page.notes_slide.notes_text_frame.text for page in (en, zh)]
        if boxes[0]:
            notes = [text.split("\n\n")[1] for text in notes]
        assert same_numbers(*notes), (index, *notes)
        for english_box, chinese_box in zip(*boxes, strict=True):
            shown = [box.rsplit("\n", 1) for box in (english_box, chinese_box)]
            moved = [MORE_IN_NOTES.search(last) is not None for _first, last in shown]
            if not any(moved):
                assert same_numbers(english_box, chinese_box), (index, english_box, chinese_box)
                continue
            # A panel ending "n more key numbers in the speaker notes": what it shows is in its
            # notes, which hold every key number (compared above).
            for (first, last), note, cut in zip(shown, notes, moved, strict=True):
                panel = first if cut else f"{first}\n{last}"
                assert not numbers(panel) - numbers(note), (index, panel, note)
    # The references: after every other slide in both decks, each list numbered 1, 2, ... to
    # the same count, with the same numbers in their notes.
    pages = [[page for page in deck.slides if is_references(page)] for deck in (english, chinese)]
    for deck, listed in zip((english, chinese), pages, strict=True):
        assert listed and list(deck.slides)[-len(listed) :] == listed
    entries = [
        re.findall(
            r"^(\d+)\. ",
            "\n".join(
                s.text_frame.text
                for page in listed
                for s in page.shapes
                if s.has_text_frame and s != page.shapes.title
            ),
            flags=re.MULTILINE,
        )
        for listed in pages
    ]
    cited = list(dict.fromkeys(c for e in built["en"][2] for c in e.citations))
    assert entries[0] == entries[1] == [str(i) for i in range(1, len(cited) + 1)]
    # Every citation's numbers in the notes (without the pages' titles, "(1 of 2)").
    references = [
        "\n".join(page.notes_slide.notes_text_frame.text.split("\n", 1)[1] for page in listed)
        for listed in pages
    ]
    assert references[0] and same_numbers(*references)


def test_notes_and_references_are_chinese(built):
    prs = built["zh"][-1]
    for page in prs.slides:
        notes = page.notes_slide.notes_text_frame.text
        assert cjk(notes)
    references = [p for p in prs.slides if p.shapes.title.text.startswith("参考文献")]
    assert references
    figure = prs.slides[1].notes_slide.notes_text_frame.text
    for heading in ("关键数据：", "引用文献："):
        assert heading in figure


def test_the_chinese_deck_lists_diseases_with_the_enumeration_comma(built):
    prs = built["zh"][-1]
    title = slide_text(prs.slides[0])
    notes = "\n".join(page.notes_slide.notes_text_frame.text for page in prs.slides)
    assert "AML、MDS、ALL" in title
    assert "AML, MDS, ALL" not in title + notes


def test_chinese_slides_stay_on_the_slide_in_readable_type(built):
    prs = built["zh"][-1]
    for page in prs.slides:
        for shape in page.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width + Pt(1)
            assert shape.top + shape.height <= prs.slide_height + Pt(1)
            if shape.has_text_frame and shape.text_frame.text:
                sizes = [run.font.size for p in shape.text_frame.paragraphs for run in p.runs]
                assert min(size for size in sizes if size is not None) >= Pt(12)


def test_deck_filename_marks_a_chinese_deck():
    assert deck_filename(["AML"], "1.0.0", "zh") == "phasewise-AML-v1.0.0-zh.pptx"
    assert deck_filename(["AML"], "1.0.0", "en") == "phasewise-AML-v1.0.0.pptx"
    with using_language("zh"):
        assert deck_filename(["MDS", "AML"], "1.0.0") == "phasewise-AML-MDS-v1.0.0-zh.pptx"


def test_cli_builds_a_chinese_deck(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lib.deck", "--disease", "MDS", "--lang", "zh", str(DATA_DIR)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    (written,) = tmp_path.glob("*.pptx")
    assert written.name.endswith("-zh.pptx")
    prs = Presentation(str(written))
    run = next(prs.slides[0].shapes.title.text_frame._txBody.iter(qn("a:r")))
    assert run.find(qn("a:rPr")).get("lang") == "zh-CN"


# --- charts and images -------------------------------------------------------------------------


def chinese_figures(built):
    ds, _, exhibits, centre, _ = built["zh"]
    figures = {e.key: charts.draw(e.chart) for e in exhibits if e.chart is not None}
    for disease, phase, _n in centre.shown(ALL):
        figures[f"os {disease} {phase}"] = cc.survival_figure(centre, disease, phase)
        figures[f"cir {disease} {phase}"] = cc.incidence_figure(centre, disease, phase)
        if centre.stratum(disease, phase).groups:
            figures[f"groups {disease} {phase}"] = cc.group_figure(centre, disease, phase, "cir")
    for disease in ALL:
        if any(row.disease == disease for row in centre.beside):
            figures[f"literature {disease}"] = cc.literature_figure(
                centre.beside, disease, centre.synthetic
            )
    return figures


@pytest.fixture(scope="module")
def zh_figures(built):
    with using_language("zh"):
        return chinese_figures(built)


def test_chinese_charts_have_chinese_titles_axes_and_hover(zh_figures):
    assert len(zh_figures) > 15
    for key, fig in zh_figures.items():
        layout = fig.layout
        assert cjk(layout.title.text), key
        axes = [layout.xaxis.title.text or "", layout.yaxis.title.text or ""]
        assert any(cjk(text) for text in axes), key
        hovers = [str(c) for trace in fig.data for c in (trace.customdata or ())]
        assert hovers and all(cjk(h) for h in hovers), key
        named = [t.name for t in fig.data if t.showlegend is not False and t.name]
        assert all(cjk(name) or "n =" in name for name in named if "(" not in name), key


def test_chinese_chart_lines_keep_the_line_breaking_rules(zh_figures):
    texts = []
    for fig in zh_figures.values():
        layout = fig.layout
        texts += [a.text for a in layout.annotations or ()]
        texts += [str(t) for axis in (layout.xaxis, layout.yaxis) for t in (axis.ticktext or ())]
        for trace in fig.data:  # category labels; numbers are not wrapped
            for values in (getattr(trace, "x", None), getattr(trace, "y", None)):
                texts += [t for t in (() if values is None else values) if isinstance(t, str)]
    lines = [re.sub(r"<[^>]+>", "", line) for text in texts for line in str(text).split("<br>")]
    wrapped = [line for line in lines if cjk(line)]
    assert wrapped
    for line in wrapped:
        assert line[:1] not in NO_BREAK_BEFORE, line
        assert line[-1:] not in NO_BREAK_AFTER, line


def test_chinese_png_and_svg_render_with_chinese_fonts(built, exporter):
    ds, _, exhibits, _, _ = built["zh"]
    exhibit = next(e for e in exhibits if e.key == "sorafenib-flt3")
    with using_language("zh"):
        png = images.figure_image(exhibit, "png", exporter, ds.info.version)
        svg = images.figure_image(exhibit, "svg", exporter, ds.info.version)
    width, height = images.png_size(png)
    assert width == images.DEFAULT_WIDTH and height > 400 and len(png) > 50_000
    texts = "".join(ET.fromstring(svg).itertext())
    assert exhibit.chart_title in texts and "Phasewise数据集" in texts
    # SVG embeds no font: it names them, the Chinese ones after the Latin ones.
    assert all(font in svg.decode() for font in CHINESE_FONTS)


def test_nothing_shown_in_chinese_lacks_a_translation(built, zh_figures):
    # Every _() the charts, images and deck called in Chinese found its translation.
    assert not {msgid for lang, msgid in missing_translations() if lang == "zh"}


def test_chinese_captions_and_slide_text_wrap_by_the_chinese_rules():
    text = (
        "来源：夏凌辉教授2022年CSH（中华医学会血液学分会）学术会议报告：高危AML/MDS异基因"
        "造血干细胞移植(allo-HSCT)后复发的防治，数据已尽可能与发表文献核对。"
    )
    for width in (8, 11, 17, 30):
        lines = images.wrap_text(text, width)
        assert len(lines) > 1
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # no character lost
        for line in lines:
            assert line[0] not in NO_BREAK_BEFORE and line[-1] not in NO_BREAK_AFTER
        assert any("allo-HSCT" in line for line in lines)  # a Latin word stays whole
