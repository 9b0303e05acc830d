"""The reusable Streamlit pieces: filter state, figure card (Chart/Table/Source), note panel,
badges, metric cards, error panel and footer.

Text from data files is shown as text: it is escaped before any Markdown rendering.
"""

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from lib import deck, export
from lib.app_data import DataState, current_data
from lib.app_export import deck_download
from lib.formatting import display_n, display_p, display_value
from lib.models import Consensus, Note
from lib.queries import Badge, Headline, filter_table
from lib.vocabulary import (
    DISEASES,
    FLAG_LABELS,
    ORIGIN_LABELS,
    PHASE_LABELS,
    VERIFICATION_LABELS,
)

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
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$&])")


def md(text) -> str:
    """Escape text from data so Markdown shows it literally (no links, images, HTML, directives)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


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


def figure_card(
    title: str,
    key: str,
    charts: Sequence,
    rows: pd.DataFrame,
    card_badges: Sequence[Badge] = (),
    before_tabs=None,
    images: Sequence = (),
) -> None:
    """A bordered card with Chart, Table (CSV download) and Source tabs for one figure.

    `images` holds, per chart, a callable fmt -> bytes for PNG/SVG downloads (or None).
    """
    with st.container(border=True, key=f"card-{key}"):
        st.markdown(f"#### {md(title)}")
        if card_badges:
            badges(card_badges)
        if before_tabs:
            before_tabs()
        if handout_mode():
            _handout_card(key, charts, rows)
            return
        chart_tab, table_tab, source_tab = st.tabs(["Chart", "Table", "Source"])
        with chart_tab:
            _charts(key, charts, rows, images)
        with table_tab:
            numbers_table(rows, key)
        with source_tab:
            source_list(rows)


def _charts(key: str, charts: Sequence, rows: pd.DataFrame, images: Sequence = ()) -> None:
    """The card's charts with image downloads, and a line saying what the error bars are."""
    for index, figure in enumerate(charts):
        st.plotly_chart(figure, key=f"chart-{key}-{index}", config=CHART_CONFIG, theme=None)
        render = images[index] if index < len(images) else None
        if render is not None:
            _image_buttons(f"{key}-{index}", render)
    if not charts:
        st.caption("No chartable numbers: see the statements above and the Table tab.")
        return
    methods = sorted({m for m in rows.get("ci_method", pd.Series(dtype=str)).dropna() if m})
    st.caption(
        "Error bars: "
        + (
            "; ".join(methods)
            if methods
            else "none (no CI reported and no events/n to compute one)"
        )
        + "."
    )


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


def _handout_card(key: str, charts: Sequence, rows: pd.DataFrame) -> None:
    """Everything at once, for printing: charts, the numbers as a static table, the sources."""
    _charts(key, charts, rows)
    st.table(
        _numbers_frame(rows)[
            [
                "Arm",
                "Endpoint",
                "Time point",
                "Value",
                "n",
                "95% CI",
                "p as printed",
                "Origin",
                "Flags",
            ]
        ],
        hide_index=True,
    )
    source_list(rows)


def numbers_table(rows: pd.DataFrame, key: str) -> None:
    """The numbers behind a figure, as printed and as read, with a CSV download."""
    frame = _numbers_frame(rows)
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button(
        "Download CSV",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"phasewise-{key}.csv",
        mime="text/csv",
        key=f"csv-{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def _numbers_frame(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.reset_index(drop=True)
    ci_method = rows["ci_method"].fillna("") if "ci_method" in rows else ""
    frame = pd.DataFrame(
        {
            "Figure": rows["figure_id"],
            "Study": rows["study"],
            "Arm": rows["arm"],
            "Endpoint": rows["endpoint_label"],
            "Time point": rows["time_point"],
            "Value": [
                display_value(r.value, r.as_printed, r.unit, r.flags, r.n)
                for r in rows.itertuples()
            ],
            "As printed": rows["as_printed"],
            "n": rows["n"],
            "Events": rows["events"],
            "95% CI": [
                f"{r.ci_low:.1f}–{r.ci_high:.1f}" if pd.notna(r.ci_low) else ""
                for r in rows.itertuples()
            ],
            "CI method": ci_method,
            "p as printed": rows["p_as_printed"].fillna(""),
            "Origin": rows["origin"].map(ORIGIN_LABELS),
            "Verification": rows["verification_status"].map(VERIFICATION_LABELS),
            "Flags": rows["flags"].map(
                lambda f: ", ".join(FLAG_LABELS[k] for k in f.split(";") if k)
            ),
        }
    )
    return frame


def source_list(rows: pd.DataFrame) -> None:
    """Each figure's document, excerpt, publication (with links), verification and flags."""
    for _, group in rows.groupby("source_id", sort=False):
        first = group.iloc[0]
        if first["origin"] == "document":
            st.markdown(f"**Source document:** {md(first['source_document'])}")
        else:
            st.markdown(f"**Publication:** {md(first['citation'])}")
            if first["citation_status"]:
                st.caption(md(f"Citation: {first['citation_status']}"))
        if first["origin"] == "document" and first["citation"]:
            st.caption(
                md(f"Probable publication: {first['citation']} ({first['citation_status']})")
            )
        links(first)
        for row in group.itertuples():
            value = display_value(row.value, row.as_printed, row.unit, row.flags, row.n)
            st.markdown(
                f"- **{md(row.endpoint_label)}**, {md(row.arm or row.study)}, "
                f"{md(row.time_point or 'no time point')}: {md(value)} "
                f"({md(display_n(row.n))}) · {md(VERIFICATION_LABELS[row.verification_status])}"
            )
            st.markdown(f"    > {md(row.excerpt)}")
            st.caption(
                md(
                    f"Verification: {row.verification_note}"
                    + (f" · Evidence ref {row.evidence_ref}" if row.evidence_ref else "")
                )
            )
            if row.flag_notes:
                st.caption(md(f"Flags: {row.flag_notes}"))


def links(row: pd.Series) -> None:
    """PMID, DOI and page links for a figure's source, as buttons (URLs are validated in data)."""
    pmid, doi, url = (
        row.get(k) if isinstance(row.get(k), str) else "" for k in ("pmid", "doi", "url")
    )
    targets = []
    if pmid:
        targets.append((f"PubMed {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    if doi:
        targets.append((f"DOI {doi}", f"https://doi.org/{doi}"))
    if url:
        targets.append(("Open source page", url))
    if targets:
        with st.container(horizontal=True, gap="small"):
            for label, url in targets:
                st.link_button(label, url, icon=":material/open_in_new:")


def statements(rows: pd.DataFrame) -> None:
    """Direction-only claims (no numbers) as plain statements with their caveats."""
    for row in rows.itertuples():
        parts = [row.statement, row.time_point, display_p(row.p_as_printed, row.flags)]
        if pd.notna(row.hr):
            parts.append(display_value(row.value, row.as_printed, row.unit))
        st.markdown(f"- {md(' · '.join(parts))} · *{md(ORIGIN_LABELS[row.origin])}*")


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
    st.sidebar.caption("Link to this view (copy with the icon)")
    st.sidebar.code(
        view_link(st.context.url, page_path, diseases, extra), language=None, wrap_lines=True
    )
    if state.table is None or not diseases:
        return
    selection = filter_table(state.table, diseases)
    version = state.dataset.info.version
    name = f"phasewise-{'-'.join(diseases)}-v{version}"
    with st.sidebar.container(horizontal=True, gap="small"):
        st.download_button(
            "CSV",
            lambda: export.to_csv(selection),
            file_name=f"{name}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            help="Every figure for the selected diseases, with sources",
            key="all-csv",
        )
        st.download_button(
            "JSON",
            lambda: export.to_json(selection),
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
