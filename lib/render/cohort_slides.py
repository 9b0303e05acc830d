"""The centre's own slides for the deck: "Local data, for internal review" on every one.

A section slide (patients, what the estimates are and are not), one slide per disease and time
origin (overall survival; relapse and non-relapse mortality, with their risk tables) and one per
disease, time origin and endpoint beside the published figures. The demo cohort's slides say
they are synthetic. Images are drawn by a private exporter whose memory of images ends with the
deck, so no picture of a cohort outlives the build.
"""

import io
from datetime import date

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from lib.cohort.literature import CAVEAT
from lib.cohort.records import ALL_PATIENTS
from lib.dataset.records import Dataset
from lib.dataset.vocabulary import ENDPOINTS
from lib.evidence.text import display_n, plural
from lib.render import cohort_charts as cc
from lib.render.images import ImageExporter, png_size
from lib.render.pptx import (
    ACCENT,
    BADGE_STYLES,
    BODY_BOTTOM,
    CONTENT_WIDTH,
    MARGIN,
    MUTED,
    SMALL_SIZE,
    _new_slide,
    _notes,
    _Para,
    _plain_shape,
    _set_title,
    _text_box,
)

LOCAL_DATA = "Local data, for internal review"
SECTION_TITLE = "Our centre beside the literature"
CHART_WIDTH_PX = 760  # each of two charts side by side
FOREST_WIDTH_PX = 1100
SCALE = 2
GAP = 0.3


def local_label(synthetic: bool) -> str:
    """The words on every centre slide."""
    return LOCAL_DATA + (" · SYNTHETIC DEMO DATA, not patients" if synthetic else "")


def add_centre_slides(
    prs, centre: cc.CentreResults, diseases: list[str], ds: Dataset, browser_path=None
) -> int:
    """Append the centre's slides for the selected diseases; returns how many were added."""
    shown = cc.strata(centre.cohort, diseases)
    if not shown:
        return 0
    before = len(prs.slides)
    _section_slide(prs, centre, shown, ds)
    # A private exporter: the shared one remembers its last images, and a cohort's must not
    # outlive this deck. The browser itself is shared (it is already running in the app).
    with ImageExporter(browser_path) as exporter:
        for disease, phase, patients in shown:
            _curves_slide(prs, centre, disease, phase, patients, exporter)
        for disease, phase, _ in shown:
            rows = [
                row
                for row in centre.beside
                if (row.disease, row.phase, row.group) == (disease, phase, ALL_PATIENTS)
            ]
            for endpoint in cc.ENDPOINT_SHORT:
                mine = [row for row in rows if row.endpoint == endpoint]
                if mine:
                    _literature_slide(prs, centre, disease, phase, endpoint, mine, exporter)
    return len(prs.slides) - before


def _banner(page, synthetic: bool, where: str) -> None:
    """The header line and the 'local data' label in the top right corner."""
    _text_box(page, MARGIN, 0.22, 4.0, [_Para(where, 16, bold=True, color=ACCENT)])
    fill, color = BADGE_STYLES["warning"]
    width = 4.6 if not synthetic else 6.8
    shape = _plain_shape(
        page, MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN + CONTENT_WIDTH - width, 0.18, width, 0.38, fill
    )
    shape.name = "Local data"
    frame = shape.text_frame
    frame.text = local_label(synthetic)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    run = paragraph.runs[0]
    run.font.size = Pt(14)
    run.font.bold = True
    run.font.color.rgb = color


def _section_slide(prs, centre: cc.CentreResults, shown, ds: Dataset) -> None:
    page = _new_slide(prs)
    _banner(page, centre.synthetic, "Our centre")
    bottom = _set_title(page, SECTION_TITLE, 0.9, size=34)
    cohort = centre.cohort
    counts = ", ".join(f"{d} {p} {display_n(n)}" for d, p, n in shown)
    paras = [
        _Para(
            f"{plural(len(cohort), 'patient', 'patients')} in the file; shown: {counts}",
            20,
            bold=True,
        ),
        _Para(
            "Overall survival: Kaplan-Meier. Relapse and non-relapse mortality: cumulative "
            "incidence with competing risks (Aalen-Johansen), never 1 - Kaplan-Meier. "
            "Pointwise 95% CIs on the log(-log) scale.",
            16,
        ),
        _Para(
            f"{CAVEAT} The published figures come from other patients, selected, treated and "
            "followed differently.",
            16,
            bold=True,
        ),
        _Para(
            f"Deck built {date.today().isoformat()} · Phasewise dataset v{ds.info.version}",
            SMALL_SIZE,
            color=MUTED,
        ),
    ]
    if centre.synthetic:
        paras.insert(0, _Para(cc.SYNTHETIC_LABEL.capitalize() + ".", 20, bold=True))
    _text_box(page, MARGIN, bottom + 0.4, CONTENT_WIDTH, paras)
    _notes(page, [SECTION_TITLE, local_label(centre.synthetic), CAVEAT, *centre.estimates.methods])


def _picture(page, png: bytes, left: float, top: float, width: float, height: float, name: str):
    """The image as large as fits the box, keeping its shape."""
    pixels_wide, pixels_high = png_size(png)
    scale = min(width / pixels_wide, height / pixels_high)
    picture = page.shapes.add_picture(
        io.BytesIO(png),
        Inches(left),
        Inches(top),
        Inches(pixels_wide * scale),
        Inches(pixels_high * scale),
    )
    picture.name = name
    return picture


def _curves_slide(prs, centre, disease: str, phase: str, patients: int, exporter) -> None:
    page = _new_slide(prs)
    _banner(page, centre.synthetic, "Our centre")
    top = _set_title(page, f"{disease}, time origin {phase}: {display_n(patients)}", 0.62) + 0.1
    median = next(
        (
            m
            for m in centre.estimates.medians
            if (m.disease, m.phase, m.group) == (disease, phase, ALL_PATIENTS)
        ),
        None,
    )
    line = _text_box(page, MARGIN, top, CONTENT_WIDTH, [_Para(cc.median_text(median), 14)])
    top += line.height.inches + 0.05
    width = (CONTENT_WIDTH - GAP) / 2
    height = BODY_BOTTOM - top
    figures = (
        ("Overall survival", cc.survival_figure(centre.cohort, centre.estimates, disease, phase)),
        (
            "Relapse and non-relapse mortality",
            cc.incidence_figure(centre.cohort, centre.estimates, disease, phase),
        ),
    )
    for index, (name, figure) in enumerate(figures):
        png = exporter.render(figure, "png", width=CHART_WIDTH_PX, scale=SCALE)
        _picture(page, png, MARGIN + index * (width + GAP), top, width, height, name)
    landmarks = [
        lm
        for lm in centre.estimates.landmarks
        if (lm.disease, lm.phase, lm.group) == (disease, phase, ALL_PATIENTS)
    ]
    _notes(
        page,
        [
            f"{disease}, time origin {phase}, {display_n(patients)}",
            local_label(centre.synthetic),
            cc.median_text(median),
            *(
                f"{cc.ENDPOINT_SHORT[lm.endpoint]} at {cc.months_text(lm.months)}: "
                f"{cc.estimate_text(lm.estimate, lm.ci_low, lm.ci_high)}, at risk {lm.at_risk}, "
                f"events {lm.events}" + (f" ({'; '.join(lm.warnings)})" if lm.warnings else "")
                for lm in landmarks
            ),
        ],
    )


def _literature_slide(prs, centre, disease, phase, endpoint, rows, exporter) -> None:
    page = _new_slide(prs)
    _banner(page, centre.synthetic, "Our centre")
    title = f"{disease} from {phase}: {ENDPOINTS[endpoint][0].lower()} beside the literature"
    top = _set_title(page, title, 0.62) + 0.1
    figure = cc.literature_figure(rows, disease, centre.synthetic)
    png = exporter.render(figure, "png", width=FOREST_WIDTH_PX, scale=SCALE)
    _picture(page, png, MARGIN, top, CONTENT_WIDTH, BODY_BOTTOM - top, "Beside the literature")
    _notes(
        page,
        [
            title,
            local_label(centre.synthetic),
            CAVEAT,
            *(
                f"{row.study_label} · {row.arm_label} ({row.time_label}): published "
                f"{row.published_as_printed}; source {row.source_label}; ours "
                f"{cc.estimate_text(row.centre_estimate, row.centre_ci_low, row.centre_ci_high)}"
                for row in {r.record_id: r for r in rows}.values()
            ),
        ],
    )
