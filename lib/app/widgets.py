"""The reusable Streamlit pieces: filter state, figure card (Chart/Table/Source), note panel,
badges, metric cards, error panel and footer.

Text from data files is shown as text: it is escaped before any Markdown rendering.
"""

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlencode, urlsplit

import streamlit as st

from lib import export
from lib.app.exports import deck_download
from lib.app.state import DataState, current_data
from lib.dataset.records import Consensus, Note
from lib.dataset.vocabulary import (
    DISEASES,
    FLAG_LABELS,
)
from lib.evidence.exhibits import Card, FigureRef, SourceEntry, SourceGroup
from lib.evidence.figures import Badge, Headline, filter_table
from lib.render import pptx as deck

DISEASE_KEY = "disease"
HANDOUT_KEY = "handout"
# Static print styling for the handout view (no data goes into it): no app chrome, no buttons,
# cards not split across pages.
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stElementToolbar"], .modebar, button { display: none !important; }
  [data-testid="stVerticalBlockBorderWrapper"] { break-inside: avoid; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
}
</style>
"""
MAX_STATEMENTS = 12  # sentences above a card's tabs; the Table tab lists every figure
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$&])")
# Where Markdown still makes something of text whose punctuation is escaped, because these rules
# match the rendered text itself: GFM autolink literals (https://, www., a@b.org) and Streamlit's
# :material/icon:, :streamlit: and :emoji: shortcodes. A zero-width space there breaks each one.
_AUTOLINK_OR_SHORTCODE_START = re.compile(
    r"(?<=:)(?=//|material/|[\w+-]+:)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE
)
_ZERO_WIDTH_SPACE = "\u200b"


def md(text) -> str:
    """Escape text from data so Markdown shows it literally (no links, images, HTML, directives,
    icons or emoji). URLs, e-mail addresses and shortcodes get an invisible zero-width space."""
    plain = _AUTOLINK_OR_SHORTCODE_START.sub(_ZERO_WIDTH_SPACE, " ".join(str(text).split()))
    return _MD_SPECIAL.sub(r"\\\1", plain)


def selected_diseases() -> list[str]:
    """The diseases chosen in the sidebar filter (bound to the URL), in canonical order."""
    chosen = st.session_state.get(DISEASE_KEY) or []
    return [d for d in DISEASES if d in chosen]


def page_data() -> tuple[DataState, list[str]]:
    """The dataset and disease selection for this view; stops the page when nothing can be drawn."""
    state = current_data()
    if state.dataset is None:
        error_panel(state.problems, stale=False)
        st.stop()
    if state.stale:
        error_panel(state.problems, stale=True)
    diseases = selected_diseases()
    if not diseases:
        st.info("Select at least one disease in the sidebar (AML, MDS or ALL) to see figures.")
        footer(state)
        st.stop()
    return state, diseases


def error_panel(problems: Sequence, stale: bool) -> None:
    """List data problems as `file: record: field: message` lines, never a traceback."""
    lines = "\n".join(str(p) for p in problems[:200])
    more = f"\n… and {len(problems) - 200} more" if len(problems) > 200 else ""
    if stale:
        st.warning(
            f"The data files were changed and are now invalid ({len(problems)} problem(s)). "
            "Showing the last valid dataset until they are fixed.",
            icon="⚠️",
        )
    else:
        st.error(
            f"The dataset could not be loaded: {len(problems)} problem(s). "
            "Fix the data files; this page reloads the data on the next view.",
            icon="🚫",
        )
    st.code(lines + more, language=None, wrap_lines=True)


def badges(items: Iterable[Badge]) -> None:
    """One row of caveat badges, warnings in orange, facts in blue, each with an explanation."""
    with st.container(horizontal=True, gap="small"):
        for item in items:
            st.badge(
                item.label, color="orange" if item.tone == "warning" else "blue", help=md(item.help)
            )


def headline_row(items: list[Headline]) -> None:
    """Metric cards for a phase's key numbers, each with its source and caveats beneath."""
    if not items:
        return
    columns = st.columns(min(len(items), 4))
    for index, item in enumerate(items):
        with columns[index % len(columns)]:
            with st.container(border=True, height="stretch"):
                headline_item(item)


def headline_item(item: Headline, with_source: bool = True) -> None:
    """One key number: what it is, the value as the source gives it, n/time/p, source, caveats."""
    st.markdown(f"**{md(item.label)}**", help=md(item.source))
    st.markdown(f"### {md(item.value)}")
    st.caption(md(item.detail))
    if with_source:
        origin = "From the publication" if item.origin == "publication" else ""
        st.caption(md(" · ".join(filter(None, [origin, item.source]))))
    if item.flags:
        badges(Badge(flag, "warning", flag) for flag in item.flags)


def figure_card(card: Card, images: Callable[[FigureRef], Callable | None]) -> None:
    """A bordered card with its caveats and statements, then Chart, Table and Source tabs.

    Only the open tab is drawn (tabs rerun just this card), so a page sends its charts and
    not every hidden table and excerpt. The print handout shows everything at once instead.
    `images(ref)` gives the PNG/SVG renderer of a chart's slide (or None).
    """
    if handout_mode():
        _card_frame(card, lambda: _handout_card(card))
    else:
        _tabbed_card(card, images)


def _card_frame(card: Card, body: Callable[[], None]) -> None:
    with st.container(border=True, key=f"card-{card.key}"):
        st.markdown(f"#### {md(card.title)}")
        if card.badges:
            badges(card.badges)
        if card.statements:
            shown = card.statements[:MAX_STATEMENTS]
            more = len(card.statements) - len(shown)
            st.markdown("\n".join(f"- {md(sentence)}" for sentence in shown))
            if more:
                st.caption(f"{more} more in the Table tab.")
        body()


@st.fragment
def _tabbed_card(card: Card, images: Callable[[FigureRef], Callable | None]) -> None:
    def body() -> None:
        # A card without a chart states its figures above the tabs; the passages they come from
        # are the next thing to read (and the table's grid script loads only when asked for).
        names = ["Chart", "Table", "Source"] if card.figures else ["Source", "Table"]
        tabs = dict(
            zip(names, st.tabs(names, key=f"tabs-{card.key}", on_change="rerun"), strict=True)
        )
        if "Chart" in tabs and tabs["Chart"].open:
            with tabs["Chart"]:
                _charts(card, images)
        if tabs["Table"].open:
            with tabs["Table"]:
                numbers_table(card)
        if tabs["Source"].open:
            with tabs["Source"]:
                source_list(card.sources)

    _card_frame(card, body)


def _charts(card: Card, images: Callable[[FigureRef], Callable | None] | None = None) -> None:
    """The card's charts with image downloads, and a line saying what the error bars are."""
    for index, (figure, ref) in enumerate(zip(card.figures, card.figure_refs, strict=True)):
        st.plotly_chart(figure, key=f"chart-{card.key}-{index}", config=CHART_CONFIG, theme=None)
        render = images(ref) if images and ref else None
        if render is not None:
            _image_buttons(f"{card.key}-{index}", render)
    if card.error_bars:
        st.caption(card.error_bars)


def _image_buttons(key: str, render) -> None:
    """PNG and SVG of the chart with title, n, time point, p and source drawn in (on click)."""
    with st.container(horizontal=True, gap="small"):
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                fmt.upper(),
                lambda f=fmt: render(f),
                file_name=f"phasewise-{key}.{fmt}",
                mime=mime,
                key=f"{fmt}-{key}",
                icon=":material/image:",
                on_click="ignore",
                help="Image with n, time point, p and source",
            )


def _handout_card(card: Card) -> None:
    """Everything at once, for printing: charts, the numbers as a static table, the sources."""
    _charts(card)
    st.table(card.print_numbers, hide_index=True)
    source_list(card.sources)


def numbers_table(card: Card) -> None:
    """The numbers behind a figure, as printed and as read, with a CSV download."""
    st.dataframe(card.numbers, hide_index=True, width="stretch")
    st.download_button(
        "Download CSV",
        lambda: card.numbers.to_csv(index=False).encode("utf-8"),
        file_name=f"phasewise-{card.key}.csv",
        mime="text/csv",
        key=f"csv-{card.key}",
        icon=":material/download:",
        on_click="ignore",
    )


def source_list(groups: Sequence[SourceGroup]) -> None:
    """Each figure's document, excerpt, publication (with links), verification and flags."""
    for group in groups:
        heading, entries = _source_markdown(group)
        st.markdown(heading)
        if group.links:
            with st.container(horizontal=True, gap="small"):
                for label, url in group.links:
                    st.link_button(label, url, icon=":material/open_in_new:")
        st.markdown(entries)


@functools.lru_cache(maxsize=4096)
def _source_markdown(group: SourceGroup) -> tuple[str, str]:
    """(heading with citation detail, entries) as escaped Markdown; groups are immutable, so
    each is made once."""
    if group.origin == "document":
        heading = f"**Source document:** {md(group.document)}"
        detail = (
            f"Probable publication: {group.citation} ({group.citation_status})"
            if group.citation
            else ""
        )
    else:
        heading = f"**Publication:** {md(group.citation)}"
        detail = f"Citation: {group.citation_status}" if group.citation_status else ""
    if detail:
        heading += f"\n\n{_small(detail)}"
    entries = "\n\n".join(_entry_markdown(entry) for entry in group.entries)
    return heading, entries


def _small(text: str) -> str:
    """Escaped text in the small grey type of a caption, inside a Markdown block."""
    return f":small[:gray[{md(text)}]]"


def _entry_markdown(entry: SourceEntry) -> str:
    """One figure: what and where, the excerpt quoted, then verification and flags, small."""
    verification = f"Verification: {entry.verification_note}" + (
        f" · Evidence ref {entry.evidence_ref}" if entry.evidence_ref else ""
    )
    lines = [
        f"- **{md(entry.endpoint)}**, {md(entry.subject)}, {md(entry.time_point)}: "
        f"{md(entry.value)}{f' ({md(entry.n)})' if entry.n else ''} · {md(entry.verification)}",
        f"    > {md(entry.excerpt)}",
        "",
        f"    {_small(verification)}",
    ]
    if entry.flag_notes:
        lines += ["", f"    {_small(f'Flags: {entry.flag_notes}')}"]
    return "\n".join(lines)


def note_panel(
    notes: list[Note], consensus: Sequence[Consensus], documents: dict[str, str]
) -> None:
    """The integrative-care notes for the phase, set apart from the trial data."""
    st.markdown("### :material/spa: Integrative care (TCM + Western)")
    if not notes:
        st.caption("The sources give no integrative-care note for this selection.")
    for note in notes:
        st.info(md(note.key_message))
        st.caption(md(f"Applies to: {', '.join(note.diseases)}. {note.scope}"))
        st.markdown("**Aims**")
        st.markdown("\n".join(f"- {md(aim)}" for aim in note.aims))
        if note.principles:
            st.markdown("**TCM principles**")
            for principle in note.principles:
                st.markdown(
                    f"**{md(principle.chinese)}** *{md(principle.pinyin)}* · {md(principle.gloss)}"
                )
                wording = (
                    f" Source wording: '{principle.source_wording}'."
                    if principle.source_wording
                    else ""
                )
                st.caption(md(principle.use + wording))
        if note.pairings:
            st.markdown("**With the Western treatment on this page**")
            st.markdown(
                "\n".join(f"- **{md(p.western)}**: {md(p.integrative)}" for p in note.pairings)
            )
        if note.cases:
            st.markdown("**Cases (anecdotal)**")
            st.markdown("\n".join(f"- {md(case)}" for case in note.cases))
        st.markdown("**Caveats**")
        st.markdown("\n".join(f"- {md(c)}" for c in note.caveats))
        st.badge(f"Evidence: {note.evidence_level}", color="orange")
        with st.expander("Source passages"):
            st.caption(md(f"From: {documents.get(note.source, note.source)}"))
            for excerpt in note.excerpts:
                st.markdown(f"> {md(excerpt)}")
    if consensus:
        st.markdown("**Consensus documents**")
        for item in consensus:
            year = f" ({item.year_as_printed})" if item.year_as_printed else ""
            st.markdown(f"- {md(item.title + year)}: {md(item.summary)}")
            for flag in item.flags:
                st.caption(md(f"{FLAG_LABELS[flag.kind]}: {flag.note}"))


def footer(state: DataState) -> None:
    """Dataset version and review date, shown on every page."""
    if state.dataset is None:
        return
    info = state.dataset.info
    st.divider()
    st.caption(
        md(
            f"Dataset {info.version}, last reviewed {info.last_reviewed.isoformat()}. "
            "Every number is taken from the data files with its source excerpt; figures "
            "from different studies are not directly comparable. For clinical teams' "
            "discussion, not a substitute for the publications."
        )
    )


def view_link(current_url: str, page_path: str, diseases: list[str], extra: dict) -> str:
    """An address that reopens this view: page, diseases (omitted when all) and extra params."""
    parts = urlsplit(current_url or "http://localhost:8501/")
    params = [] if list(diseases) == list(DISEASES) else [(DISEASE_KEY, d) for d in diseases]
    params += [(key, str(value)) for key, value in extra.items() if value not in (None, "", 1)]
    query = f"?{urlencode(params)}" if params else ""
    return f"{parts.scheme}://{parts.netloc}/{page_path}{query}"


def sidebar_tools(page_path: str) -> None:
    """Copy-able link to the current view, the whole selection as CSV or JSON, and the deck."""
    state = current_data()
    diseases = selected_diseases()
    extra = {}
    if page_path == "present":  # a button click's slide is pending until the page runs
        extra["slide"] = st.session_state.get("slide-target") or st.query_params.get("slide")
    if st.session_state.get(HANDOUT_KEY):
        extra[HANDOUT_KEY] = "true"
    # In a popover: the code block's highlighter (1.5 MB of script) loads only when opened.
    with st.sidebar.popover("Link to this view", icon=":material/link:", width="stretch"):
        st.caption("Copy it with the icon: it reopens this page with this selection.")
        st.code(
            view_link(st.context.url, page_path, diseases, extra), language=None, wrap_lines=True
        )
    if state.table is None or not diseases:
        return
    table = state.table  # filtered on click: the downloads cost nothing until asked for
    version = state.dataset.info.version
    name = f"phasewise-{'-'.join(diseases)}-v{version}"
    with st.sidebar.container(horizontal=True, gap="small"):
        st.download_button(
            "CSV",
            lambda: export.to_csv(filter_table(table, diseases)),
            file_name=f"{name}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            help="Every figure for the selected diseases, with sources",
            key="all-csv",
        )
        st.download_button(
            "JSON",
            lambda: export.to_json(filter_table(table, diseases)),
            file_name=f"{name}.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
            key="all-json",
            help="Every figure for the selected diseases, with sources",
        )
    st.sidebar.download_button(
        "Download deck (.pptx)",
        deck_download(state, diseases),
        file_name=deck.deck_filename(diseases, version),
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        icon=":material/slideshow:",
        on_click="ignore",
        key="deck",
        help="One slide per figure with its source; citations and the integrative note in the "
        "speaker notes. Builds in a few seconds.",
    )


def handout_mode() -> bool:
    """The print-friendly view: every card's chart, numbers and sources shown at once."""
    return bool(st.session_state.get(HANDOUT_KEY))
