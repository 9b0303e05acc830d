"""An exhibit as a card: title, caveats and statements, then Chart, Table and Source tabs.

Only the open tab is drawn (tabs rerun just their card), so a page sends its charts and not every
hidden table and excerpt. The print handout shows everything at once instead.
"""

import functools
from collections.abc import Callable, Sequence
from contextlib import nullcontext

import streamlit as st

from lib import export
from lib.app import exports
from lib.app.centre_session import centre_error_bars, published_chart
from lib.app.language import in_session_language
from lib.app.state import DataState, figure_for, numbers_for, sources_for
from lib.app.widgets import badges, excerpt_label, handout_mode, show_chart
from lib.evidence.escape import markdown
from lib.evidence.exhibits import (
    Exhibit,
    Passage,
    PrintedSources,
    SourceEntry,
    SourceGroup,
    passages,
    printed_once,
    said_once,
)
from lib.evidence.text import bracketed, semicolons
from lib.i18n import _, _f, _nf, current_language

MAX_STATEMENTS = 12  # sentences above a card's tabs; the Table tab lists every figure
#: The handout's width on screen: an A4 page's printable width at Chromium's 96 px per inch
#: (210 mm less two 1 cm margins). The page is laid out (and its charts drawn) on screen at the
#: width it prints at, so printing never clips a chart, the first time or the second.
HANDOUT_WIDTH = 718
#: A printed forest plot's size against the screen's: 12 px labels, and a page holds more. (A
#: bar chart is drawn for the page instead: `images.printed_figure`, in `_chart`.)
PRINTED_CHART_SCALE = 0.8
# Static styling for the handout view (no data goes into it): the page at its printed width and
# a smaller type, no app chrome or buttons in print, headings kept with what follows, charts,
# table rows, list items and quoted passages never split (a whole card may: most are longer
# than a page, and keeping them whole left pages holding only a heading).
PRINT_CSS = f"""
<style>
html {{ font-size: 12px; }}
.stMainBlockContainer {{ max-width: {HANDOUT_WIDTH}px !important; padding-left: 0 !important;
  padding-right: 0 !important; margin-left: 0 !important; }}
/* A card is a rule above its title, not a box: the first card of a section carries the
   section's heading above its title (`exhibit_card`), and a box's side padding took width. */
[data-testid="stMain"] [class*="st-key-card-"] {{ border: none !important;
  border-top: 1px solid rgba(49, 51, 63, 0.25) !important; border-radius: 0 !important;
  padding-left: 0 !important; padding-right: 0 !important; }}
@media print {{
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stElementToolbar"], [data-testid="stSidebarCollapsedControl"], .modebar,
  button, .stElementContainer:has(input[role="switch"]) {{ display: none !important; }}
  [data-testid="stMainBlockContainer"] {{ padding: 0 !important; }}
  [data-testid="stAppViewContainer"],
  [data-testid="stMain"] [data-testid="stVerticalBlock"], [data-testid="stMain"] .stLayoutWrapper,
  [data-testid="stMainBlockContainer"], [data-testid="stMain"]
    {{ display: block !important; overflow: visible !important; height: auto !important; }}
  /* Streamlit keeps a bordered container holding a chart on one page: a card is longer. */
  [data-testid="stMain"] [data-testid="stVerticalBlock"] {{ break-inside: auto !important; }}
  [data-testid="stMain"] [data-testid="stVerticalBlock"] > * {{ margin-bottom: 0.35rem; }}
  h1, h2, h3, h4, h5, .stElementContainer:has(h1, h2, h3, h4, h5),
  .stElementContainer:has(h1, h2, h3, h4, h5)
    + .stElementContainer:has([data-testid="stCaptionContainer"]),
  [data-testid="stExpander"] summary, .stElementContainer:has(strong:only-child),
  [data-testid="stMain"] .stLayoutWrapper:has(> [data-testid="stHorizontalBlock"])
    {{ break-after: avoid; }}
  [data-testid="stMain"]
    .stLayoutWrapper:has(> [data-testid="stHorizontalBlock"] [data-testid="stBadge"])
    {{ break-inside: avoid; }}
  th, td {{ padding: 0.15rem 0.35rem !important; }}
  /* A card's numbers in the type of its sources: rows of one line, not two. */
  [class*="st-key-card-"] [data-testid="stTable"] :is(th, td)
    {{ font-size: 10px !important; line-height: 1.3 !important; }}
  /* A table's scrolling box would be moved whole to the next page: let its rows break. */
  [data-testid="stTable"], [data-testid="stTable"] > div {{ overflow: visible !important; }}
  .phasewise-chart, .stElementContainer:has(.phasewise-chart), tr, li,
  blockquote, [data-testid="stMetric"], .stElementContainer:has([data-testid="stBadge"])
    {{ break-inside: avoid; }}
  [data-testid="stExpander"] details {{ border: none; }}
  /* A printed card's head and chart: one unbreakable block (an inline block: Chromium let a
     page break inside it under `break-inside: avoid`), moved whole to the next page if need
     be: only where they fit one page (PRINTED_LEAD_CHART_HEIGHT). */
  [data-testid="stMain"] [class*="st-key-print-lead-"]
    {{ display: inline-block !important; width: 100% !important; }}
  /* Forest plots at PRINTED_CHART_SCALE of their screen size (`_printed_chart`). */
  [class*="st-key-print-h"] {{ transform: scale({PRINTED_CHART_SCALE});
    transform-origin: top left; }}
  /* A card's sources in reference type, as a paper sets its references. */
  [class*="st-key-print-sources-"] :is(p, li, blockquote) {{ font-size: 10px !important;
    line-height: 1.35 !important; margin-top: 0 !important; margin-bottom: 0.15rem !important; }}
  /* Streamlit's Markdown block pulls what follows it up by a paragraph's usual margin (-1rem):
     with the smaller margins above, the link buttons covered the last line. */
  [class*="st-key-print-sources-"] [data-testid="stMarkdownContainer"]
    {{ margin-bottom: 0 !important; }}
  [class*="st-key-print-sources-"] blockquote {{ padding-top: 0 !important;
    padding-bottom: 0 !important; }}
  /* Streamlit wraps a Markdown block in a flex row, which Chromium moves to the next page
     whole: a card's list of sources then left a third of a page blank above it. (Lists only:
     a badge's row holds its tooltip, shown when the row is a block.) */
  [data-testid="stMain"] [data-testid="stMarkdown"]:has(ul) > div
    {{ display: block !important; }}
}}
</style>
"""


def exhibit_card(
    state: DataState,
    diseases: list[str],
    exhibit: Exhibit,
    printed: PrintedSources | None = None,
    section: tuple[str, str] | None = None,
) -> None:
    """A bordered card for one exhibit (tabbed, or everything at once in the handout, with the
    sources `printed` says: see `handout_sources`; the first card of a section prints the
    section's heading and caption, `section`, with its title)."""
    if handout_mode():
        leads = bool(exhibit.chart) and _fits_a_printed_page(state, diseases, exhibit)
        sources = printed or PrintedSources(sources_for(state, diseases, exhibit), ())
        _card_frame(
            exhibit,
            lambda: _handout_card(
                state, diseases, exhibit, sources, chart=bool(exhibit.chart) and not leads
            ),
            lead=(lambda: _chart(state, diseases, exhibit, downloads=False)) if leads else None,
            section=section,
        )
    else:
        _tabbed_card(state, diseases, exhibit)


#: The tallest chart (px on screen) that a printed page holds with its card's head: drawn at
#: four fifths (PRINT_CSS) on the page's 1,047 px (A4 less 1 cm margins at 96 px per inch).
PRINTED_LEAD_CHART_HEIGHT = 900


def _fits_a_printed_page(state: DataState, diseases: list[str], exhibit: Exhibit) -> bool:
    """Whether the card's head and chart fit one printed page (then printed as one block);
    a taller chart (a long forest plot) is printed in the page flow."""
    height = figure_for(state, diseases, exhibit).layout.height
    return height is not None and height <= PRINTED_LEAD_CHART_HEIGHT


def _card_frame(
    exhibit: Exhibit,
    body: Callable[[], None],
    lead: Callable[[], None] | None = None,
    section: tuple[str, str] | None = None,
) -> None:
    """The card: its head (title, badges, statements), then `body`. In the handout the title
    and badges and their `lead` (the chart, where it fits a page) are one block that a printed
    page never splits, so a title is never left at the foot of a page with its chart on the
    next; the statements follow the chart there, in the page flow, so the block is no taller
    than it needs to be (a smaller block leaves less of a page blank when it moves on)."""
    with st.container(border=True, key=f"card-{exhibit.key}"):
        printed = handout_mode()
        with st.container(key=f"print-lead-{exhibit.key}") if printed else nullcontext():
            if section:
                heading, caption = section
                st.subheader(heading)
                if caption:
                    st.caption(caption)
            _card_title(exhibit)
            if lead:
                lead()
            else:
                _card_figures(exhibit)
        if lead:
            _card_figures(exhibit)
        body()


def _card_title(exhibit: Exhibit) -> None:
    """Title, where else the exhibit is shown, caveat badges."""
    st.markdown(f"#### {markdown(exhibit.title)}")
    if exhibit.placement:
        shown_here = _f("Shown in this phase: {placement}", placement=exhibit.placement)
        st.caption(f":material/swap_horiz: {markdown(shown_here)}")
    if exhibit.badges:
        badges(exhibit.badges)


def _card_figures(exhibit: Exhibit) -> None:
    """The exhibit's figures as sentences (or as a table, where it prefers one)."""
    if exhibit.prefers_table:
        st.table(exhibit.claims_table, hide_index=True)
    elif exhibit.statements:
        # every one in the handout, which has no Table tab to point to
        shown = exhibit.statements if handout_mode() else exhibit.statements[:MAX_STATEMENTS]
        more = len(exhibit.statements) - len(shown)
        st.markdown("\n".join(f"- {markdown(sentence)}" for sentence in shown))
        if more:
            st.caption(_nf("{n} more in the Table tab.", "{n} more in the Table tab.", more))


@st.fragment
@in_session_language  # a fragment rerun runs without the page script's language around it
def _tabbed_card(state: DataState, diseases: list[str], exhibit: Exhibit) -> None:
    def body() -> None:
        # A card without a chart states its figures above the tabs; the passages they come from
        # are the next thing to read (and the table's grid script loads only when asked for).
        names = ["chart", "table", "source"] if exhibit.chart else ["source", "table"]
        labels = {"chart": _("Chart"), "table": _("Table"), "source": _("Source")}
        shown = st.tabs(
            [labels[name] for name in names], key=f"tabs-{exhibit.key}", on_change="rerun"
        )
        tabs = dict(zip(names, shown, strict=True))
        if "chart" in tabs and tabs["chart"].open:
            with tabs["chart"]:
                _chart(state, diseases, exhibit, downloads=True)
        if tabs["table"].open:
            with tabs["table"]:
                _numbers(state, diseases, exhibit)
        if tabs["source"].open:
            with tabs["source"]:
                source_list(sources_for(state, diseases, exhibit))

    _card_frame(exhibit, body)


def _printed_chart(figure, key: str) -> None:
    """The chart in the handout, printed at PRINTED_CHART_SCALE: scaled by a transform (CSS zoom
    changed the box Plotly measures, and it redrew the chart smaller on the next print), with
    the room the transform leaves under it taken back by a margin made from the chart's
    height alone (a number, never text from the data)."""
    height = int(figure.layout.height or 0)
    taken_back = round(height * (1 - PRINTED_CHART_SCALE))
    st.html(
        f"<style>@media print {{ [class*='st-key-print-h{height}-'] "
        f"{{ margin-bottom: -{taken_back}px !important; }} }}</style>"
    )
    with st.container(key=f"print-h{height}-{key}"):
        show_chart(figure, key=f"chart-{key}")


def _chart(state: DataState, diseases: list[str], exhibit: Exhibit, downloads: bool) -> None:
    """The exhibit's chart, its image downloads, and a line saying what the error bars are."""
    figure = figure_for(state, diseases, exhibit)
    figure, centre = published_chart(state, diseases, exhibit, figure)  # a copy when marked
    if handout_mode() and exhibit.chart.kind in ("arm", "single"):
        # A bar chart drawn for the page: its width, the least height at which its labels fit
        # (18 pages to 15 for /transplant with every disease). Imported with the handout only:
        # the module brings the export browser's library.
        from lib.render import images

        show_chart(images.printed_figure(figure, HANDOUT_WIDTH), key=f"chart-{exhibit.key}")
    elif handout_mode():
        _printed_chart(figure, exhibit.key)
    else:
        show_chart(figure, key=f"chart-{exhibit.key}")
    if centre:
        st.caption("  \n".join(markdown(line) for line in centre))
    if downloads:
        _image_buttons(exhibit.key, exports.image_download(state, exhibit))
    if centre:  # the line names the centre's whisker too, never "none" under a drawn one
        st.caption(centre_error_bars(exhibit))
    elif exhibit.error_bars:
        st.caption(exhibit.error_bars)


def _image_buttons(key: str, render) -> None:
    """PNG and SVG of the chart with title, n, time point, p and source drawn in (on click)."""
    with st.container(horizontal=True, gap="small"):
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                fmt.upper(),
                functools.partial(render, fmt),  # render runs in the page's language
                file_name=f"phasewise-{key}.{fmt}",
                mime=mime,
                key=f"{fmt}-{key}",
                icon=":material/image:",
                on_click="ignore",
                help=_("Image with n, time point, p and source"),
            )


def handout_sources(
    state: DataState,
    diseases: list[str],
    sections: Sequence[tuple[str, str, str, tuple[Exhibit, ...]]],
) -> dict[str, PrintedSources]:
    """Every printed card's sources by exhibit key, each passage printed once: with the first
    card that shows it (`printed_once`)."""
    shown = [exhibit for *_head, exhibits in sections for exhibit in exhibits]
    return dict(
        zip(
            (exhibit.key for exhibit in shown),
            printed_once([(ex.title, sources_for(state, diseases, ex)) for ex in shown]),
            strict=True,
        )
    )


def _handout_card(
    state: DataState,
    diseases: list[str],
    exhibit: Exhibit,
    sources: PrintedSources,
    chart: bool,
) -> None:
    """The rest of a printed card after its head: the `chart` where it did not lead (taller
    than a page), then the sources not printed before, each figure with its value, n, CI and
    verification (the Table tab's grid would print the same numbers twice)."""
    if chart:
        _chart(state, diseases, exhibit, downloads=False)
    with st.container(key=f"print-sources-{exhibit.key}"):  # set in reference type (PRINT_CSS)
        source_list(sources.groups)
        if sources.printed_with:
            shown_with = _f(
                "Source passages already printed with the cards above: {cards}.",
                cards=semicolons(sources.printed_with),
            )
            st.caption(markdown(shown_with))


def _numbers(state: DataState, diseases: list[str], exhibit: Exhibit) -> None:
    """The numbers behind the exhibit, as printed and as read, with CSV and XLSX downloads."""
    numbers = numbers_for(state, diseases, exhibit)
    st.dataframe(numbers, hide_index=True, width="stretch")
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            _("Download CSV"),
            # Excel: Chinese intact
            exports.deferred(lambda: export.BOM + export.to_csv_text(numbers)),
            file_name=f"phasewise-{exhibit.key}.csv",
            mime="text/csv",
            key=f"csv-{exhibit.key}",
            icon=":material/download:",
            on_click="ignore",
        )
        st.download_button(
            _("Download XLSX"),
            exports.deferred(lambda: export.frame_to_xlsx(numbers)),  # typed cells
            file_name=f"phasewise-{exhibit.key}.xlsx",
            mime=export.XLSX_MIME,
            key=f"xlsx-{exhibit.key}",
            icon=":material/download:",
            on_click="ignore",
        )


def source_list(groups: Sequence[SourceGroup]) -> None:
    """Each figure's document, excerpt, publication (with links), verification and flags."""
    for group in groups:
        heading, entries = _source_markdown(group, current_language())
        st.markdown(heading)
        if group.links:
            with st.container(horizontal=True, gap="small"):
                for label, url in group.links:
                    st.link_button(label, url, icon=":material/open_in_new:")
        st.markdown(entries)


@functools.lru_cache(maxsize=4096)
def _source_markdown(group: SourceGroup, lang: str) -> tuple[str, str]:
    """(heading with citation detail, entries) as escaped Markdown; groups are immutable, so
    each is made once per language (`lang`, the current language, is part of the key: the
    labels around the group's text are translated here)."""
    if group.origin == "document":
        heading = _f("**Source document:** {document}", document=markdown(group.document))
        detail = (
            _f(
                "Probable publication: {citation} ({status})",
                citation=group.citation,
                status=group.citation_status,
            )
            if group.citation
            else ""
        )
    else:
        heading = _f("**Publication:** {citation}", citation=markdown(group.citation))
        detail = (
            _f("Citation: {status}", status=group.citation_status) if group.citation_status else ""
        )
    shared = said_once(group)
    verified = _f("Verification: {note}", note=shared.verification_note)
    for line in (
        detail,
        " · ".join(part for part in (shared.printed_in, shared.read) if part),
        verified if shared.verification_note else "",
    ):
        if line:
            heading += f"\n\n{_small(line)}"
    entries = "\n\n".join(_passage_markdown(passage) for passage in passages(group))
    return heading, entries


def _figure_line(entry: SourceEntry) -> str:
    """'**Endpoint**, arm, time point: value (n) · 95% CI · verification' as escaped Markdown
    (every figure's numbers: the handout prints these lines, not the Table tab's grid)."""
    value = bracketed(entry.value, entry.n) if entry.n else entry.value
    head = _f(
        "**{endpoint}**, {subject}, {time_point}: {value}",
        endpoint=markdown(entry.endpoint),
        subject=markdown(entry.subject),
        time_point=markdown(entry.time_point),
        value=markdown(value),
    )
    return " · ".join(
        part for part in (head, markdown(entry.ci), markdown(entry.verification)) if part
    )


def _small(text: str) -> str:
    """Escaped text in the small grey type of a caption, inside a Markdown block."""
    return f":small[:gray[{markdown(text)}]]"


def _passage_markdown(passage: Passage) -> str:
    """The figures one passage holds, a line each, then the excerpt quoted as printed
    (labelled as the source's own words), then verification, where it was read and flags,
    small."""
    note, ref = passage.verification_note, passage.evidence_ref
    if note and ref:
        verification = _f("Verification: {note} · Evidence ref {ref}", note=note, ref=ref)
    elif note:
        verification = _f("Verification: {note}", note=note)
    else:  # the group's heading says how its figures were verified
        verification = _f("Evidence ref {ref}", ref=ref) if ref else ""
    figures = "\\\n    ".join(_figure_line(entry) for entry in passage.entries)
    lines = ["- " + figures, f"    > {excerpt_label()} {markdown(passage.excerpt)}"]
    # one small line: how it was verified, where it is printed and what was read
    checked = " · ".join(part for part in (verification, passage.printed_in, passage.read) if part)
    if checked:
        lines += ["", f"    {_small(checked)}"]
    if passage.flag_notes:
        flags = _f("Flags: {flags}", flags=" | ".join(passage.flag_notes))
        lines += ["", f"    {_small(flags)}"]
    return "\n".join(lines)
