"""The centre's own slides for the deck: "Local data, for internal review" on every one.

A section slide (patients, what the estimates are and are not), one slide per disease and time
origin (overall survival; relapse and non-relapse mortality, with their risk tables) and one per
disease, time origin and endpoint beside the published figures. The demo cohort's slides say
they are synthetic. Images are drawn by a private exporter whose memory of images ends with the
deck, so no picture of a cohort outlives the build. In the current language, like the deck.
"""

import io
from datetime import date

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches

from lib.cohort.literature import CAVEAT
from lib.cohort.records import ALL_PATIENTS
from lib.cohort.results import CentreResults
from lib.dataset.records import Dataset
from lib.evidence import text as fmt
from lib.evidence.text import display_n
from lib.i18n import N_, _, _f, _nf
from lib.render import cohort_charts as cc
from lib.render.images import RENDER_TIMEOUT_S, ImageExporter, png_size
from lib.render.pptx import (
    ACCENT,
    BADGE_STYLES,
    BODY_BOTTOM,
    CONTENT_WIDTH,
    MARGIN,
    MUTED,
    SMALL_SIZE,
    _fill,
    _height,
    _new_slide,
    _notes,
    _Para,
    _plain_shape,
    _set_title,
    _text_box,
)

LOCAL_DATA = N_("Local data, for internal review")
SECTION_TITLE = N_("Our centre beside the literature")
CHART_WIDTH_PX = 760  # each of two charts side by side
FOREST_WIDTH_PX = 1100
SCALE = 2
GAP = 0.3


def local_label(synthetic: bool) -> str:
    """The words on every centre slide."""
    if synthetic:
        return _("Local data, for internal review · SYNTHETIC DEMO DATA, not patients")
    return _(LOCAL_DATA)


def add_centre_slides(
    prs,
    centre: CentreResults,
    diseases: list[str],
    ds: Dataset,
    browser_path=None,
    timeout: float = RENDER_TIMEOUT_S,
) -> int:
    """Append the centre's slides for the selected diseases; returns how many were added.
    `timeout`: the exporter's wait for each image (see lib.render.images)."""
    shown = centre.shown(diseases)
    if not shown:
        return 0
    before = len(prs.slides)
    _section_slide(prs, centre, shown, ds)
    # A private exporter: the shared one remembers its last images, and a cohort's must not
    # outlive this deck. The browser itself is shared (it is already running in the app).
    with ImageExporter(browser_path, timeout=timeout) as exporter:
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
    """The header line and the 'local data' label in the top right corner, the label's height
    from the deck's estimate (Chinese lines are taller)."""
    _text_box(page, MARGIN, 0.22, 4.0, [_Para(where, 16, bold=True, color=ACCENT)])
    fill, color = BADGE_STYLES["warning"]
    width = 4.6 if not synthetic else 6.8  # the English is the longer
    label = _Para(
        local_label(synthetic), 14, bold=True, color=color, align=PP_ALIGN.CENTER, space_after=0
    )
    height = max(0.38, _height([label], width))
    shape = _plain_shape(
        page, MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN + CONTENT_WIDTH - width, 0.18, width, height, fill
    )
    shape.name = "Local data"
    _fill(shape.text_frame, [label], anchor=MSO_ANCHOR.MIDDLE)


def _section_slide(prs, centre: CentreResults, shown, ds: Dataset) -> None:
    page = _new_slide(prs)
    _banner(page, centre.synthetic, _("Our centre"))
    bottom = _set_title(page, _(SECTION_TITLE), 0.9, size=34)
    cohort = centre.cohort
    counts = fmt.enumeration(f"{d} {cc.phase_text(p)} {display_n(n)}" for d, p, n in shown)
    paras = [
        _Para(
            _nf(
                "{count} patient in the file; shown: {counts}",
                "{count} patients in the file; shown: {counts}",
                len(cohort),
                count=fmt.count(len(cohort)),
                counts=counts,
            ),
            20,
            bold=True,
        ),
        _Para(
            _(
                "Overall survival: Kaplan-Meier. Relapse and non-relapse mortality: cumulative "
                "incidence with competing risks (Aalen-Johansen), never 1 - Kaplan-Meier. "
                "Pointwise 95% CIs on the log(-log) scale."
            ),
            16,
        ),
        _Para(
            _f(
                "{caveat} The published figures come from other patients, selected, treated "
                "and followed differently.",
                caveat=_(CAVEAT),
            ),
            16,
            bold=True,
        ),
        _Para(
            _f(
                "Deck built {built} · Phasewise dataset v{version}",
                built=date.today().isoformat(),
                version=ds.info.version,
            ),
            SMALL_SIZE,
            color=MUTED,
        ),
    ]
    if centre.synthetic:
        paras.insert(0, _Para(_("Synthetic demo data, not patients."), 20, bold=True))
    _text_box(page, MARGIN, bottom + 0.4, CONTENT_WIDTH, paras)
    _notes(
        page,
        [
            _(SECTION_TITLE),
            local_label(centre.synthetic),
            _(CAVEAT),
            *centre.estimates.methods,  # in the language they were made in
        ],
    )


def _picture(page, png: bytes, left: float, top: float, width: float, height: float, name: str):
    """The image as large as fits the box, keeping its shape; `name` is also its alt text."""
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
    picture._element.nvPicPr.cNvPr.set("descr", name)  # for screen readers
    return picture


def _curves_slide(prs, centre, disease: str, phase: str, patients: int, exporter) -> None:
    page = _new_slide(prs)
    _banner(page, centre.synthetic, _("Our centre"))
    where = dict(disease=disease, phase=cc.phase_text(phase), n=display_n(patients))
    top = _set_title(page, _f("{disease}, time origin {phase}: {n}", **where), 0.62) + 0.1
    everyone = centre.stratum(disease, phase).everyone
    median = everyone.median
    line = _text_box(page, MARGIN, top, CONTENT_WIDTH, [_Para(cc.median_text(median), 14)])
    top += line.height.inches + 0.05
    width = (CONTENT_WIDTH - GAP) / 2
    height = BODY_BOTTOM - top
    figures = (
        (
            _("Overall survival"),
            cc.survival_figure(centre, disease, phase),
        ),
        (
            _("Relapse and non-relapse mortality"),
            cc.incidence_figure(centre, disease, phase),
        ),
    )
    for index, (name, figure) in enumerate(figures):
        what = f"centre chart {index + 1} of the {disease} {phase} slide"
        png = exporter.render(figure, "png", width=CHART_WIDTH_PX, scale=SCALE, what=what)
        _picture(page, png, MARGIN + index * (width + GAP), top, width, height, name)
    landmarks = everyone.landmarks
    _notes(
        page,
        [
            _f("{disease}, time origin {phase}, {n}", **where),
            local_label(centre.synthetic),
            cc.median_text(median),
            *(
                _f(
                    "{endpoint} at {months}: {estimate}, at risk {at_risk}, events {events}",
                    endpoint=cc.ENDPOINT_SHORT[lm.endpoint],
                    months=fmt.in_months(lm.months),
                    estimate=fmt.estimate_percent(lm.estimate, lm.ci_low, lm.ci_high),
                    at_risk=lm.at_risk,
                    events=lm.events,
                )
                + (_f(" ({warnings})", warnings=fmt.semicolons(lm.warnings)) if lm.warnings else "")
                for lm in landmarks
            ),
        ],
    )


def _literature_slide(prs, centre, disease, phase, endpoint, rows, exporter) -> None:
    page = _new_slide(prs)
    _banner(page, centre.synthetic, _("Our centre"))
    title = _f(
        "{disease} from {phase}: {endpoint} beside the literature",
        disease=disease,
        phase=cc.phase_text(phase),
        endpoint=fmt.lower_first(cc.endpoint_text(endpoint)),
    )
    top = _set_title(page, title, 0.62) + 0.1
    figure = cc.literature_figure(rows, disease, centre.synthetic)
    what = f"centre chart {disease} {phase} {endpoint} beside the literature"
    png = exporter.render(figure, "png", width=FOREST_WIDTH_PX, scale=SCALE, what=what)
    _picture(page, png, MARGIN, top, CONTENT_WIDTH, BODY_BOTTOM - top, _("Beside the literature"))
    _notes(
        page,
        [
            title,
            local_label(centre.synthetic),
            _(CAVEAT),
            *(
                _f(
                    "{study} · {arm} ({time}): published {published}; source {source}; ours {ours}",
                    study=row.study_label,
                    arm=row.arm_label,
                    time=row.time_label,
                    published=fmt.printed_estimate(
                        row.published_value,
                        row.published_as_printed,
                        "percent",
                        row.published_ci_low,
                        row.published_ci_high,
                        row.flags,
                    ),
                    source=row.source_label,
                    ours=fmt.estimate_percent(
                        row.centre_estimate, row.centre_ci_low, row.centre_ci_high
                    ),
                )
                for row in {r.record_id: r for r in rows}.values()
            ),
        ],
    )
