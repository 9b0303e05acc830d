"""The reusable Streamlit pieces: filter state, badges, metric cards, the integrative-care note
panel, the error panel and the footer.

Text from data files is shown as text: it passes through the one escaper before Markdown.
"""

from collections.abc import Iterable, Sequence

import streamlit as st

from lib.app.chart_element import show_figure
from lib.app.keys import DISEASE_KEY, HANDOUT_KEY
from lib.app.navigation import phase_page
from lib.app.state import DataState, current_data
from lib.dataset.records import Consensus, Note
from lib.dataset.vocabulary import DISEASES, FLAG_LABELS
from lib.evidence import text as fmt
from lib.evidence.catalogue import Reference
from lib.evidence.caveats import Badge, Headline
from lib.evidence.escape import markdown
from lib.evidence.text import bracketed, is_editorial, labelled
from lib.i18n import _, _f, _nf


def handout_mode() -> bool:
    """The print-friendly view: every card's chart, numbers and sources shown at once."""
    return bool(st.session_state.get(HANDOUT_KEY))


def show_chart(figure, key: str, *, fixed_width: bool = False) -> None:
    """Every chart on screen, the same way (lib/app/chart_element): drawn once, without a mode
    bar, in the house theme; at once on a printed page, where nothing is scrolled into view."""
    show_figure(figure, key, fixed_width=fixed_width, eager=handout_mode())


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
        st.info(_("Select at least one disease in the sidebar (AML, MDS or ALL) to see figures."))
        footer(state)
        st.stop()
    return state, diseases


def error_panel(problems: Sequence, stale: bool) -> None:
    """List data problems as `file: record: field: message` lines, never a traceback."""
    lines = "\n".join(str(p) for p in problems[:200])
    hidden = len(problems) - 200
    more = "\n" + _nf("… and {n} more", "… and {n} more", hidden) if hidden > 0 else ""
    count = len(problems)
    if stale:
        st.warning(
            _nf(
                "The data files were changed and are now invalid ({n} problem). Showing the "
                "last valid dataset until they are fixed.",
                "The data files were changed and are now invalid ({n} problems). Showing the "
                "last valid dataset until they are fixed.",
                count,
                n=fmt.count(count),
            ),
            icon="⚠️",
        )
    else:
        st.error(
            _nf(
                "The dataset could not be loaded: {n} problem. Fix the data files; this page "
                "reloads the data on the next view.",
                "The dataset could not be loaded: {n} problems. Fix the data files; this page "
                "reloads the data on the next view.",
                count,
                n=fmt.count(count),
            ),
            icon="🚫",
        )
    st.code(lines + more, language=None, wrap_lines=True)


def badges(items: Iterable[Badge]) -> None:
    """One row of caveat badges, warnings in orange, facts in blue, each with an explanation."""
    with st.container(horizontal=True, gap="small"):
        for item in items:
            st.badge(
                item.label,
                color="orange" if item.tone == "warning" else "blue",
                help=markdown(item.help),
            )


#: A key-number card's width (px): a row holds as many as fit and wraps the rest, two beside
#: the notes at 1280 px. (Four fixed columns there were 120 px wide and broke words inside:
#: "Convention al care", "chemothera py".)
HEADLINE_WIDTH = 230


def headline_row(items: list[Headline]) -> None:
    """Metric cards for a phase's key numbers, each with its source and caveats beneath."""
    if not items:
        return
    with st.container(horizontal=True, gap="small"):
        for item in items:
            with st.container(border=True, width=HEADLINE_WIDTH):
                headline_item(item)


def headline_item(item: Headline, with_source: bool = True) -> None:
    """One key number: what it is, the value as the source gives it, n/time/p, source, caveats."""
    st.markdown(f"**{markdown(item.label)}**", help=markdown(item.source))
    if item.context:
        st.caption(markdown(item.context))
    st.markdown(f"### {markdown(item.value)}")
    st.caption(markdown(item.detail))
    if with_source:
        origin = _("From the publication") if item.origin == "publication" else ""
        st.caption(markdown(" · ".join(filter(None, [origin, item.source]))))
    if item.flags:
        badges(Badge(flag, "warning", flag) for flag in item.flags)


def note_panel(
    notes: list[Note],
    consensus: Sequence[Consensus],
    documents: dict[str, str],
    passages_open: bool = False,
) -> None:
    """The integrative-care notes for the phase, set apart from the trial data (the source
    passages open in the print handout)."""
    heading = _("Integrative care (TCM + Western)")
    st.markdown(f"### :material/spa: {markdown(heading)}")
    if not notes:
        st.caption(_("The sources give no integrative-care note for this selection."))
    for note in notes:
        st.info(_note_markdown(note.key_message))
        st.caption(_f("Scope: {scope}", scope=_note_markdown(note.scope)))
        st.markdown(bold(_("Aims")))
        st.markdown("\n".join(f"- {_note_markdown(aim)}" for aim in note.aims))
        if note.principles:
            st.markdown(bold(_("TCM principles")))
            for principle in note.principles:
                st.markdown(
                    f"**{markdown(principle.chinese)}** *{markdown(principle.pinyin)}* · "
                    f"{markdown(principle.gloss)}"
                )
                wording = (
                    _f("Source wording: '{wording}'.", wording=principle.source_wording)
                    if principle.source_wording
                    else ""
                )
                st.caption(f"{_note_markdown(principle.use)} {markdown(wording)}".rstrip())
        if note.pairings:
            st.markdown(bold(_("With the Western treatment on this page")))
            st.markdown(
                "\n".join(
                    "- " + labelled(f"**{markdown(p.western)}**", _note_markdown(p.integrative))
                    for p in note.pairings
                )
            )
        if note.cases:
            st.markdown(bold(_("Cases (anecdotal)")))
            st.markdown("\n".join(f"- {_note_markdown(case)}" for case in note.cases))
        st.markdown(bold(_("Caveats")))
        st.markdown("\n".join(f"- {_note_markdown(c)}" for c in note.caveats))
        # Orange text, not a badge: a badge keeps one line and the panel's width cut the level
        # before its key caveat.
        level = _f("Evidence: {level}", level=note.evidence_level)
        st.markdown(f":orange[**{markdown(level)}**]")
        with st.expander(_("Source passages"), expanded=passages_open):
            document = documents.get(note.source, note.source)
            st.caption(markdown(_f("From: {document}", document=document)))
            for excerpt in note.excerpts:
                st.markdown(f"> {excerpt_label()} {markdown(excerpt)}")
    if consensus:
        st.markdown(bold(_("Consensus documents")))
        for item in consensus:
            title = (
                bracketed(item.title, item.year_as_printed) if item.year_as_printed else item.title
            )
            st.markdown(f"- {markdown(labelled(title, item.summary))}")
            for flag in item.flags:
                label = markdown(_(FLAG_LABELS[flag.kind]))
                st.caption(f":orange-badge[{label}] {markdown(flag.note)}")


def footer(state: DataState) -> None:
    """Dataset version and review date, shown on every page."""
    if state.dataset is None:
        return
    info = state.dataset.info
    st.divider()
    st.caption(
        markdown(
            _f(
                "Dataset {version}, last reviewed {date}. Every number is taken from the data "
                "files with its source excerpt; figures from different studies are not directly "
                "comparable. For clinical teams' discussion, not a substitute for the "
                "publications.",
                version=info.version,
                date=info.last_reviewed.isoformat(),
            )
        )
    )


def _note_markdown(item) -> str:
    """A note sentence as escaped Markdown; our own additions carry a visible Editorial badge
    (编者注 in Chinese)."""
    if is_editorial(item):
        label = _("Editorial")
        return f":orange-badge[{markdown(label)}] {markdown(item.editorial)}"
    return markdown(item)


def bold(text: str) -> str:
    """A short heading in bold, escaped (the text is a translation)."""
    return f"**{markdown(text)}**"


def excerpt_label() -> str:
    """The mark before a source excerpt shown as printed (English in both languages): 'Source
    excerpt', 原文 in Chinese."""
    label = _("Source excerpt")
    return f":gray-badge[{markdown(label)}]"


def reference_entry(reference: Reference) -> None:
    """A numbered bibliography entry: citation, links, status, what was checked, its figures."""
    with st.container(border=True, key=f"reference-{reference.number}"):
        st.markdown(f"**{reference.number}.** {markdown(reference.citation)}")
        if reference.links:
            with st.container(horizontal=True, gap="small"):
                for label, url in reference.links:
                    st.link_button(label, url, icon=":material/open_in_new:")
        status = "" if reference.status == reference.kind else f" · {reference.status}"
        st.caption(markdown(reference.kind + status))
        if reference.checked:
            st.caption(markdown(_f("Checked: {checked}", checked=reference.checked)))
        if reference.figures:
            count = len(reference.figures)
            with st.expander(
                _nf("{n} figure rests on it", "{n} figures rest on it", count, n=fmt.count(count))
            ):
                for phase in dict.fromkeys(phase for phase, _label in reference.figures):
                    st.page_link(phase_page(phase))
                    st.markdown(
                        "\n".join(
                            f"- {markdown(label)}" for p, label in reference.figures if p == phase
                        )
                    )
        else:
            st.caption(_("No figure on these pages rests on it."))
