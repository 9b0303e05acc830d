"""The slide deck (.pptx) of a disease selection: a title slide, one slide per exhibit (chart,
key numbers, caveats, source; full citations and notes in the speaker notes) and the references.

In the current language (build it inside `using_language`). Every text run, notes included,
names an East Asian typeface besides the Latin one (`<a:ea>`: python-pptx sets only `<a:latin>`,
and without it PowerPoint for Mac, LibreOffice and Google Slides draw Chinese as boxes); in a
Chinese deck every run is marked ``lang="zh-CN"`` (spelling, line breaking, font fallback).
"""

import functools
import io
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from lib.dataset.records import Dataset
from lib.evidence.catalogue import citation_text
from lib.evidence.exhibits import Exhibit, selection_exhibits
from lib.evidence.selection import ordered_diseases
from lib.evidence.text import count as count_text
from lib.evidence.text import enumeration, integrative_note, semicolons
from lib.i18n import N_, _, _f, _nf, current_language
from lib.i18n.languages import language_spec
from lib.i18n.wrap import is_cjk
from lib.render import charts, images
from lib.render.images import ImageExporter
from lib.render.text_metrics import text_width

DECK_TITLE = N_("Phasewise — leukaemia evidence by phase")
HONESTY_NOTE = N_(
    "Figures come from conference and news reports, partly machine-translated, "
    "checked against the publications where possible; see the notes for every source."
)
REFERENCES_TITLE = N_("References")

# Geometry in inches: 16:9.
SLIDE_WIDTH, SLIDE_HEIGHT = 40 / 3, 7.5
MARGIN = 0.45
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
GAP = 0.25
BODY_BOTTOM = SLIDE_HEIGHT - 0.2
PAD_X, PAD_Y = 0.06, 0.04  # text box insets

# Type in points: large enough for a tumour-board projector.
FONT = "Arial"
#: The East Asian typeface of every run: Microsoft YaHei (微软雅黑) ships with every Windows
#: since Vista and with Microsoft Office for Mac, so PowerPoint and WPS on the machines Chinese
#: hospitals use draw it as designed; a sans-serif like Arial. Where it is missing (Linux,
#: LibreOffice, Google Slides) the run's lang="zh-CN" leads the font fallback to a Simplified
#: Chinese sans (Noto Sans CJK SC here), never to a Japanese or Traditional one.
EA_FONT = "Microsoft YaHei"
#: The theme's typeface for Simplified Chinese (script "Hans") in its heading and body fonts, as
#: PowerPoint's own templates name it: the fallback PowerPoint, WPS and LibreOffice take for
#: Chinese text whose own typeface is missing.
THEME_HANS_FONT = "微软雅黑"
TITLE_SIZE = 28
#: A title longer than TITLE_LINES lines at TITLE_SIZE is set smaller, down to TITLE_MIN_SIZE
#: (still read from the back of a room), so the chart under it keeps its height.
TITLE_LINES = 2
TITLE_MIN_SIZE = 22
BODY_SIZE = 16
MIN_BODY_SIZE = 12
SMALL_SIZE = 12
BODY_SIZES = (16, 15, 14, 13, 12)
LINE = 1.2  # line height in font sizes (Arial single spacing is ~1.15)
#: A paragraph with Chinese in it: CJK fonts are taller (Microsoft YaHei ~1.32, Noto Sans CJK
#: ~1.45 at single spacing).
LINE_CJK = 1.45

# The chart is drawn at the size it is placed (lib.render.images.slide_figure: one CSS pixel
# per point, every text images.SLIDE_FONT pt as placed), at three times that pixel density for
# projectors and print.
RENDER_SCALE = 3
PANEL_WIDTHS = (3.6, 4.2, 4.8, 5.4, 6.0)
#: Narrower panels, for a chart whose labels fit beside none of PANEL_WIDTHS: taken only where
#: the caveats and the key numbers still fit, rather than drawing the chart larger.
NARROW_PANELS = (3.0, 2.4)
#: How much larger than placed a chart may be drawn whose labels do not fit at its size.
OVERSIZE = (1.1, 1.2, 1.3, 1.4, 1.5)
#: Key numbers beside a chart this size or larger are large enough: the chart gets the width.
PANEL_SIZE = 13
BADGE_SIZE = 16
BADGE_HEIGHT = 0.38
BADGE_PAD = 0.1
BADGE_GAP = 0.08

TEXT = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x4D, 0x4D, 0x4D)
ACCENT = RGBColor(0x00, 0x4F, 0x7C)
BADGE_STYLES = {  # tone -> (fill, text)
    "warning": (RGBColor(0xFF, 0xF0, 0xD1), RGBColor(0x5C, 0x33, 0x00)),
    "info": (RGBColor(0xE2, 0xEE, 0xF8), RGBColor(0x0B, 0x36, 0x55)),
}


@dataclass(frozen=True)
class _Para:
    text: str
    size: float = BODY_SIZE
    bold: bool = False
    color: RGBColor = TEXT
    bullet: bool = False
    align: PP_ALIGN = PP_ALIGN.LEFT
    space_after: float = 0.35  # in font sizes


def build_deck(
    ds: Dataset,
    table: pd.DataFrame,
    diseases: list[str],
    exporter: ImageExporter | None = None,
    centre=None,
) -> bytes:
    """The .pptx bytes of the selection's deck (starts a browser unless given an exporter).

    `centre` (lib.cohort.results.CentreResults) adds the centre's own slides, marked
    "Local data, for internal review", before the references."""
    if exporter is None:
        with ImageExporter() as own:
            return build_deck(ds, table, diseases, own, centre)
    selection = ordered_diseases(diseases)
    deck_slides = selection_exhibits(ds, table, selection)
    prs = Presentation()
    prs.slide_width = Emu(round(Inches(1) * SLIDE_WIDTH))
    prs.slide_height = Inches(SLIDE_HEIGHT)
    _theme_fonts(prs)
    _title_slide(prs, ds, selection, len(deck_slides))
    pictures = _LatePictures(exporter)
    try:
        for number, slide in enumerate(deck_slides, start=1):
            _figure_slide(prs, slide, number, len(deck_slides), selection, ds, pictures)
        pictures.place_all()
    finally:
        pictures.cancel()
    if centre is not None:
        from lib.render.cohort_slides import add_centre_slides  # it builds on this module

        add_centre_slides(prs, centre, selection, ds, exporter.browser_path, exporter.timeout)
    citations = list(
        dict.fromkeys(citation_text(c) for slide in deck_slides for c in slide.citations)
    )
    _references_slides(prs, citations, ds)
    for page in prs.slides:  # every run, whoever wrote it
        for shape in page.shapes:
            if shape.has_text_frame:
                typeset(shape.text_frame)
        typeset(page.notes_slide.notes_text_frame)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- slides ----------------------------------------------------------------------------------


def _title_slide(prs, ds: Dataset, selection: list[str], count: int) -> None:
    page = _new_slide(prs)
    bottom = _set_title(page, _(DECK_TITLE), 1.6, size=40)
    _plain_shape(page, MSO_SHAPE.RECTANGLE, MARGIN + PAD_X, bottom + 0.3, 1.6, 0.08, ACCENT)
    reviewed = ds.info.last_reviewed.isoformat()
    _text_box(
        page,
        MARGIN,
        3.05,
        CONTENT_WIDTH,
        [
            _Para(enumeration(selection) or _("No disease selected"), 32, bold=True, color=ACCENT),
            _Para(
                _nf(
                    "{count} figure slide in phase order",
                    "{count} figure slides in phase order",
                    count,
                    count=count_text(count),
                ),
                20,
                color=MUTED,
            ),
            _Para(
                _f(
                    "Dataset v{version} · last reviewed {reviewed} · deck built {built}",
                    version=ds.info.version,
                    reviewed=reviewed,
                    built=date.today().isoformat(),
                ),
                20,
            ),
        ],
    )
    box = _text_box(page, MARGIN, 5.35, CONTENT_WIDTH, [_Para(_(HONESTY_NOTE), 18)])
    box.fill.solid()
    box.fill.fore_color.rgb = BADGE_STYLES["warning"][0]
    _notes(
        page,
        [
            _(DECK_TITLE),
            ds.info.title,
            _f("Selection: {diseases}", diseases=enumeration(selection)),
            _f(
                "Dataset version {version}, last reviewed {reviewed}.",
                version=ds.info.version,
                reviewed=reviewed,
            ),
            *(
                _f(
                    "Changelog {version} ({date}): {summary}",
                    version=c.version,
                    date=c.date.isoformat(),
                    summary=c.summary,
                )
                for c in ds.info.changelog
            ),
            _(HONESTY_NOTE),
        ],
    )


def _figure_slide(
    prs,
    slide: Exhibit,
    number: int,
    total: int,
    selection: list[str],
    ds: Dataset,
    pictures: "_LatePictures",
) -> None:
    page = _new_slide(prs)
    _header(
        page,
        slide.phase_label,
        _f(
            "Figure {number} of {total} · {diseases} · dataset v{version}",
            number=number,
            total=total,
            diseases=enumeration(selection),
            version=ds.info.version,
        ),
    )
    top = _set_title(page, slide.slide_title, 0.62) + 0.12
    height = _source_line(page, slide.source_line) - 0.12 - top
    numbers = [*slide.key_numbers, *slide.statements]  # already joined (lib.evidence.text)
    if slide.chart is None:
        _facts(page, slide.badges, numbers, top, height)
    else:
        _chart_and_panel(page, slide, pictures, numbers, top, height)
    _notes(page, _slide_notes(slide, number, total, ds))


def _references_slides(prs, citations: list[str], ds: Dataset) -> None:
    if not citations:
        return
    top = 1.45
    height = BODY_BOTTOM - top
    numbered = [f"{i}. {c}" for i, c in enumerate(citations, start=1)]
    for size in BODY_SIZES:
        pages = _paginate([_Para(t, size) for t in numbered], CONTENT_WIDTH, height)
        if len(pages) <= 2:
            break
    for index, page_paras in enumerate(pages):
        page = _new_slide(prs)
        title = (
            _f(
                "References ({number} of {total})",
                number=index + 1,
                total=len(pages),
            )
            if len(pages) > 1
            else _(REFERENCES_TITLE)
        )
        _set_title(page, title, 0.45)
        _text_box(page, MARGIN, top, CONTENT_WIDTH, page_paras, height=height)
        _notes(
            page,
            [
                title,
                *(p.text for p in page_paras),
                _f("Phasewise dataset v{version}.", version=ds.info.version),
            ],
        )


# --- slide parts -----------------------------------------------------------------------------


def _theme_fonts(prs) -> None:
    """The theme's heading and body fonts name THEME_HANS_FONT for Simplified Chinese (the
    template python-pptx starts from names SimSun, 宋体, a serif)."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(part.blob)
    for scheme in ("a:majorFont", "a:minorFont"):
        for fonts in theme.iter(qn(scheme)):
            hans = [f for f in fonts.findall(qn("a:font")) if f.get("script") == "Hans"]
            entry = hans[0] if hans else None
            if entry is None:
                entry = etree.SubElement(fonts, qn("a:font"), script="Hans")
            entry.set("typeface", THEME_HANS_FONT)
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def _new_slide(prs):
    return prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only": a real title placeholder


def _header(page, phase: str, right: str) -> None:
    _text_box(page, MARGIN, 0.22, 4.0, [_Para(phase, 16, bold=True, color=ACCENT)])
    _text_box(
        page,
        MARGIN + 4.0,
        0.24,
        CONTENT_WIDTH - 4.0,
        [_Para(right, SMALL_SIZE, color=MUTED, align=PP_ALIGN.RIGHT)],
    )


def _set_title(page, text: str, top: float, size: float = TITLE_SIZE) -> float:
    """Fill the title placeholder (its height fitted to the text, its type made smaller where
    it would take more than TITLE_LINES lines); returns its bottom edge."""
    para = _Para(text, size, bold=True, space_after=0)
    while para.size > TITLE_MIN_SIZE and _lines(para, CONTENT_WIDTH) > TITLE_LINES:
        para = replace(para, size=para.size - 2)
    height = _height([para], CONTENT_WIDTH)
    shape = page.shapes.title
    shape.left, shape.top = Inches(MARGIN), Inches(top)
    shape.width, shape.height = Inches(CONTENT_WIDTH), Inches(height)
    _fill(shape.text_frame, [para])
    return top + height


def _badge_places(
    caveats, left: float, top: float, width: float
) -> list[tuple[object, float, float, float]]:
    """Where each caveat badge goes, flowing into rows: (caveat, x, y, width)."""
    places, x, y = [], left, top
    for caveat in caveats:
        badge = min(width, text_width(caveat.label) * BADGE_SIZE / 72 + 2 * BADGE_PAD)
        if x > left and x + badge > left + width:
            x, y = left, y + BADGE_HEIGHT + BADGE_GAP
        places.append((caveat, x, y, badge))
        x += badge + BADGE_GAP
    return places


def _badges_height(caveats, width: float) -> float:
    places = _badge_places(caveats, 0, 0, width)
    return places[-1][2] + BADGE_HEIGHT + 0.15 if places else 0


def _badges(page, caveats, left: float, top: float, width: float) -> float:
    """The caveats as rows of coloured labels; returns the bottom edge (plus a gap)."""
    for caveat, x, y, badge in _badge_places(caveats, left, top, width):
        fill, color = BADGE_STYLES.get(getattr(caveat, "tone", "warning"), BADGE_STYLES["warning"])
        shape = _plain_shape(page, MSO_SHAPE.ROUNDED_RECTANGLE, x, y, badge, BADGE_HEIGHT, fill)
        shape.name = "Caveat"
        _fill(
            shape.text_frame,
            [
                _Para(
                    caveat.label,
                    BADGE_SIZE,
                    bold=True,
                    color=color,
                    align=PP_ALIGN.CENTER,
                    space_after=0,
                )
            ],
            anchor=MSO_ANCHOR.MIDDLE,
            wrap=False,
            pad_x=BADGE_PAD,
            pad_y=0,
        )
    return top + _badges_height(caveats, width)


def _plain_shape(
    page, kind: MSO_SHAPE, left: float, top: float, width: float, height: float, fill: RGBColor
):
    """A filled shape without outline, shadow or theme font."""
    shape = page.shapes.add_shape(kind, Inches(left), Inches(top), Inches(width), Inches(height))
    # LibreOffice draws the theme style's shadow even under an empty effect list: drop the style.
    shape._element.remove(shape._element.find(qn("p:style")))
    shape.fill.solid()
    shape.fill.fore_color.rgb = fill
    shape.line.fill.background()
    return shape


def _source_line(page, text: str) -> float:
    """The source in small type at the bottom of the slide; returns its top edge."""
    para = _Para(text, SMALL_SIZE, color=MUTED, space_after=0)
    height = _height([para], CONTENT_WIDTH)
    _text_box(page, MARGIN, BODY_BOTTOM - height, CONTENT_WIDTH, [para], height=height)
    return BODY_BOTTOM - height


def _chart_and_panel(
    page, slide: Exhibit, pictures: "_LatePictures", numbers: list[str], top: float, height: float
) -> None:
    """The chart on the left, drawn at the size it is placed (its text SLIDE_FONT pt); caveats
    and key numbers in a panel beside it. Of the panel widths at which the chart's labels all
    fit (`images.slide_fits`), the narrowest that keeps the numbers at PANEL_SIZE or more (else
    the one with the largest numbers); where the labels fit at none, the same among the
    NARROW_PANELS (`_narrow_panel`), else the narrowest at which the numbers fit (the widest
    chart), drawn larger."""
    chart = charts.draw(slide.chart)
    # (numbers fit, their size, -panel, space) per panel width, ranked: numbers that fit, their
    # size up to PANEL_SIZE, the narrowest panel (the widest chart), then the largest numbers.
    # The chart is laid out (the costly part) in that order until its labels fit.
    panels = []
    for panel in PANEL_WIDTHS:
        size, _width, space = _fit_panel(slide.badges, numbers, height, (panel,))
        fits = _panel_fits(slide.badges, numbers, height, size, panel, space)
        panels.append((fits, size, -panel, space))
    panels.sort(key=lambda o: (o[0], min(o[1], PANEL_SIZE), o[2], o[1]), reverse=True)
    laid_out = {}
    chosen = None
    for fits, size, panel, space in panels:
        fig = laid_out[panel] = images.slide_figure(chart, CONTENT_WIDTH + panel - GAP, height)
        if images.slide_fits(fig):
            chosen = (True, fits, size, panel, space, fig)
            break
    fitting = [chosen] if chosen else _narrow_panel(chart, slide.badges, numbers, height)
    if fitting:  # numbers at 13 pt or more, then the widest chart, then the largest numbers
        _, _, size, panel, space, fig = max(
            fitting, key=lambda o: (o[1], min(o[2], PANEL_SIZE), o[3], o[2])
        )
    else:  # the widest chart, for its labels' sake
        fits, size, panel, space = max(panels, key=lambda o: (o[0], o[2], o[1]))
        fig = laid_out[panel]
    panel = -panel
    chart_width = CONTENT_WIDTH - panel - GAP
    if not fitting:
        # Its labels do not fit at SLIDE_FONT pt even at the widest: drawn larger and placed
        # smaller (text SLIDE_FONT / scale pt) rather than overlapping.
        for scale in OVERSIZE:
            fig = images.slide_figure(chart, chart_width * scale, height * scale)
            if images.slide_fits(fig):
                break
    aspect = fig.layout.width / fig.layout.height
    placed = min(chart_width, fig.layout.width / images.SLIDE_DPI)
    pictures.add(
        page,
        fig,
        (MARGIN, top, placed, placed / aspect),
        what=f"exhibit {slide.key} ({slide.phase})",
        # Alt text for screen readers and for anyone reusing the picture.
        descr=_f("{title}. {numbers}", title=slide.chart_title, numbers=semicolons(numbers)),
    )
    left = MARGIN + chart_width + GAP
    _panel(page, slide.badges, numbers, size, left, top, panel, height, space)


class _LatePictures:
    """The deck's charts, drawn by the export browser while the next slides are laid out: each
    picture is put in its slide, at the place in the slide's shape order where it was asked for,
    once every slide is laid out (`place_all`)."""

    def __init__(self, exporter: ImageExporter):
        self.exporter = exporter
        self._pending: list[tuple] = []

    def add(self, page, fig, box: tuple[float, float, float, float], what: str, descr: str):
        """A picture of `fig` at `box` (left, top, width, height in inches)."""
        image = self.exporter.render_soon(fig, "png", scale=RENDER_SCALE, what=what)
        position = len(page.shapes._spTree)  # where add_picture would put it now
        self._pending.append((page, image, position, box, descr))

    def place_all(self) -> None:
        for page, image, position, (left, top, width, height), descr in self._pending:
            picture = page.shapes.add_picture(
                io.BytesIO(image.result()),
                Inches(left),
                Inches(top),
                Emu(round(Inches(1) * width)),
                Emu(round(Inches(1) * height)),
            )
            picture.name = "Chart"
            picture._element.nvPicPr.cNvPr.set("descr", descr)
            tree = page.shapes._spTree
            tree.remove(picture._element)
            tree.insert(position, picture._element)
        self._pending.clear()

    def cancel(self) -> None:
        """Drop the images not placed (a slide failed to build)."""
        for _page, image, *_rest in self._pending:
            image.cancel()
        self._pending.clear()


def _narrow_panel(chart, caveats, numbers: list[str], height: float) -> list[tuple]:
    """For a chart whose labels fit at no panel width of PANEL_WIDTHS: the options (as
    `_chart_and_panel` ranks them) of NARROW_PANELS at which they fit, every caveat's label
    still fits on its one line and the key numbers fit at a readable size; else none."""
    widest_badge = max(
        (text_width(c.label) * BADGE_SIZE / 72 + 2 * BADGE_PAD for c in caveats), default=0
    )
    options = []
    for panel in NARROW_PANELS:
        size, _width, space = _fit_panel(caveats, numbers, height, (panel,))
        if widest_badge > panel or not _panel_fits(caveats, numbers, height, size, panel, space):
            continue
        fig = images.slide_figure(chart, CONTENT_WIDTH - panel - GAP, height)
        if images.slide_fits(fig):
            options.append((True, True, size, -panel, space, fig))
    return options


def _panel_fits(
    caveats, numbers: list[str], height: float, size: float, width: float, space: float
) -> bool:
    paras = _number_paras(numbers, size, space)
    return _badges_height(caveats, width) + _height(paras, width) <= height


def _facts(page, caveats, numbers: list[str], top: float, height: float) -> None:
    """A facts slide: caveats, then the key numbers as a bulleted list across the slide."""
    size, _, space = _fit_panel(
        caveats, numbers, height, (CONTENT_WIDTH,), sizes=(24, 20, *BODY_SIZES)
    )
    _panel(page, caveats, numbers, size, MARGIN, top, CONTENT_WIDTH, height, space)


def _panel(
    page,
    caveats,
    numbers: list[str],
    size: float,
    left: float,
    top: float,
    width: float,
    height: float,
    space: float = 0.35,
) -> None:
    numbers_top = _badges(page, caveats, left, top, width)
    height -= numbers_top - top
    paras = _number_paras(numbers, size, space)
    shown = list(numbers)
    while shown and _height(paras, width) > height:
        # Beyond the smallest readable size: the last numbers go to the speaker notes (which
        # list every one), and the panel says how many, rather than shrink or overflow.
        shown.pop()
        more = len(numbers) - len(shown)
        rest = _nf(
            "{n} more key number in the speaker notes",
            "{n} more key numbers in the speaker notes",
            more,
            n=more,
        )
        paras = _number_paras([*shown, rest], size, space)
    box = _text_box(page, left, numbers_top, width, paras, height=height)
    box.name = "Key numbers"


#: Space after each key number, in font sizes: as usual, then tighter where even the smallest
#: size does not fit.
SPACINGS = (0.35, 0.1)


def _number_paras(numbers: list[str], size: float, space: float = SPACINGS[0]) -> list[_Para]:
    return [
        _Para(_("Key numbers"), size, bold=True, color=ACCENT, space_after=min(0.25, space)),
        *(_Para(n, size, bullet=True, space_after=space) for n in numbers),
    ]


def _fit_panel(
    caveats,
    numbers: list[str],
    height: float,
    widths: tuple[float, ...],
    sizes: tuple[float, ...] = BODY_SIZES,
) -> tuple[float, float, float]:
    """The largest font (then the narrowest panel) at which caveats and numbers all fit, with
    the usual space between the numbers, else at the smallest size with less space: (size,
    width, space after each number)."""
    tries = [(size, SPACINGS[0]) for size in sizes] + [(sizes[-1], SPACINGS[-1])]
    for size, space in tries:
        for width in widths:
            if _panel_fits(caveats, numbers, height, size, width, space):
                return size, width, space
    return sizes[-1], widths[-1], SPACINGS[-1]


def _slide_notes(slide: Exhibit, number: int, total: int, ds: Dataset) -> list[str]:
    caveats = [
        "- " + _f("{caveat}: {explanation}", caveat=badge.label, explanation=badge.help)
        if badge.help not in ("", badge.label)
        else f"- {badge.label}"
        for badge in slide.badges
    ]
    return [
        slide.slide_title,
        _f(
            "{phase} · figure {number} of {total} · {chart}",
            phase=slide.phase_label,
            number=number,
            total=total,
            chart=slide.chart_title,
        ),
        "",
        _("Key numbers:"),
        *(f"- {n}" for n in (*slide.key_numbers, *slide.statements)),
        "",
        *([_("Caveats:"), *caveats, ""] if caveats else []),
        slide.source_line,
        "",
        _("Integrative care note:"),
        integrative_note(slide.notes) or _("No integrative note for this phase."),
        "",
        _("Citations:"),
        *(f"{i}. {citation_text(c)}" for i, c in enumerate(slide.citations, start=1)),
        "",
        _f(
            "Phasewise dataset v{version}, last reviewed {reviewed}.",
            version=ds.info.version,
            reviewed=ds.info.last_reviewed.isoformat(),
        ),
    ]


def _notes(page, lines: list[str]) -> None:
    frame = page.notes_slide.notes_text_frame
    frame.text = "\n".join(lines)
    typeset(frame)


# --- text ------------------------------------------------------------------------------------


def _text_box(
    page, left: float, top: float, width: float, paras: list[_Para], height: float | None = None
):
    height = _height(paras, width) if height is None else height
    box = page.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _fill(box.text_frame, paras)
    return box


def _fill(
    frame,
    paras: list[_Para],
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    wrap: bool = True,
    pad_x: float = PAD_X,
    pad_y: float = PAD_Y,
) -> None:
    frame.word_wrap = wrap
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(pad_x)
    frame.margin_top = frame.margin_bottom = Inches(pad_y)
    frame.clear()
    for index, para in enumerate(paras):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = para.align
        paragraph.line_spacing = 1.0
        paragraph.space_after = Pt(para.size * para.space_after)
        if para.bullet:
            _bullet(paragraph, para.size)
        run = paragraph.add_run()
        run.text = para.text
        font = run.font
        font.name, font.size, font.bold = FONT, Pt(para.size), para.bold
        font.color.rgb = para.color
    typeset(frame)


#: What may follow <a:ea> in <a:rPr> (CT_TextCharacterProperties' sequence).
_AFTER_EA = tuple(
    qn(tag) for tag in ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")
)


def typeset(frame, lang: str | None = None) -> None:
    """Every run of a text frame: the East Asian typeface (EA_FONT) besides the Latin one, and
    in Chinese (default: the current language) lang="zh-CN" with English as the alternative
    language. Idempotent."""
    tag = language_spec(lang or current_language()).document_tag
    for run in frame._txBody.iter(qn("a:r")):
        properties = run.get_or_add_rPr()
        east_asian = properties.find(qn("a:ea"))
        if east_asian is None:
            east_asian = etree.Element(qn("a:ea"))
            latin = properties.find(qn("a:latin"))
            following = next((c for c in properties if c.tag in _AFTER_EA), None)
            if latin is not None:
                latin.addnext(east_asian)
            elif following is not None:
                following.addprevious(east_asian)
            else:
                properties.append(east_asian)
        east_asian.set("typeface", EA_FONT)
        if tag:
            properties.set("lang", tag)
            properties.set("altLang", "en-US")


def _bullet(paragraph, size: float) -> None:
    indent = Emu(Pt(size * 0.9))
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(indent))
    p_pr.set("indent", str(-indent))
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        for old in p_pr.findall(qn(tag)):
            p_pr.remove(old)
    etree.SubElement(p_pr, qn("a:buChar"), char="•")


#: Space a viewer adds where Chinese meets Latin letters or digits (LibreOffice's "Asian-Latin
#: spacing", on by default; WPS does the same), in ems per change of script.
SCRIPT_CHANGE_EM = 0.25
#: The share of a box's width the estimate lets a line fill: fonts differ a little between
#: viewers (Arial, Liberation Sans; Microsoft YaHei, Noto Sans CJK SC).
FILL = 0.97


def _script_changes(text: str) -> int:
    kinds = [is_cjk(c) for c in text if not c.isspace()]
    return sum(a != b for a, b in zip(kinds, kinds[1:], strict=False))


@functools.lru_cache(maxsize=16_384)  # the panel and pagination fits ask again and again
def _lines(para: _Para, width: float) -> int:
    """How many lines a viewer will break the paragraph into (wrapped as PowerPoint wraps: at
    spaces, and between Chinese characters by the rules of Chinese line breaking), the room
    narrowed by the space viewers add between Chinese and Latin text."""
    usable = FILL * (width - 2 * PAD_X - (para.size * 0.9 / 72 if para.bullet else 0))
    em = usable * 72 / para.size
    natural = text_width(para.text)
    if natural:
        em *= natural / (natural + SCRIPT_CHANGE_EM * _script_changes(para.text))
    return max(1, len(images.wrap_text(para.text, em)))


def _line_height(para: _Para) -> float:
    return LINE_CJK if any(is_cjk(char) for char in para.text) else LINE


def _height(paras: list[_Para], width: float) -> float:
    """Inches a text box needs for these paragraphs (estimated a little generously)."""
    points = sum(
        _lines(p, width) * p.size * _line_height(p) + p.size * p.space_after for p in paras
    )
    return points / 72 + 2 * PAD_Y + 0.04


def _paginate(paras: list[_Para], width: float, height: float) -> list[list[_Para]]:
    pages: list[list[_Para]] = [[]]
    for para in paras:
        if pages[-1] and _height([*pages[-1], para], width) > height:
            pages.append([])
        pages[-1].append(para)
    return pages


# --- checks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overflow:
    """A text box whose text, by the estimate, needs more room than the box has."""

    slide: int  # 1-based
    name: str
    text: str
    needed: float  # inches: height, or width of a box that does not wrap
    room: float


def overflowing_boxes(prs) -> list[Overflow]:
    """Every text box of a deck (read back) whose text the estimate this module sizes boxes
    by (`_height`; for a box that does not wrap, the line's width) says does not fit, and every
    box left to the viewer to shrink (auto-size "shrink text on overflow")."""
    found = []
    for number, page in enumerate(prs.slides, start=1):
        for shape in page.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            frame = shape.text_frame
            paras = [_para_of(p) for p in frame.paragraphs if p.runs]
            if frame.word_wrap is False:
                pad = (frame.margin_left + frame.margin_right) / Inches(1)
                needed = max(text_width(p.text) * p.size / 72 for p in paras) + pad
                room = shape.width / Inches(1)
            else:
                needed = _height(paras, shape.width / Inches(1))
                room = shape.height / Inches(1)
            if needed > room + 0.01 or frame.auto_size == MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE:
                found.append(Overflow(number, shape.name, frame.text, needed, room))
    return found


def _para_of(paragraph) -> _Para:
    """A paragraph of a deck read back, as the estimate sees it."""
    size = paragraph.runs[0].font.size.pt
    after = paragraph.space_after.pt / size if paragraph.space_after is not None else 0
    bullet = paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("a:buChar")) is not None
    return _Para("".join(r.text for r in paragraph.runs), size, bullet=bullet, space_after=after)
