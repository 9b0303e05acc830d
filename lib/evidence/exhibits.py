"""The one model of what is shown: exhibits. An exhibit is one chart (or one list of figures)
with the figures behind it, each once, its caveats, key numbers and sources.

Phase pages show a phase's exhibits as cards in sections; the presentation and the deck number
the exhibits of a selection as slides; an image download draws the exhibit it sits under. Pure.

Text (titles, sentences, badges, table columns, captions) comes out in the session's language
(`lib.i18n`), made when called; keys, ids and phases never change with it. Module-level tables
keep the English, marked `N_`, and are translated where used.
"""

import dataclasses
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from lib.dataset.records import Consensus, Dataset, Note, Study
from lib.dataset.vocabulary import (
    DISEASES,
    FLAG_LABELS,
    ORIGIN_LABELS,
    PHASE_LABELS,
    PHASE_SUMMARIES,
    PHASES,
    VERIFICATION_LABELS,
)
from lib.evidence import coverage, selection, text
from lib.evidence.catalogue import phase_notes
from lib.evidence.caveats import Badge, Headline, cross_trial, headlines, study_badges
from lib.i18n import N_, _, _f, _nf

Section = Literal["arms", "effects", "single", "facts"]
SECTIONS: dict[str, tuple[str, str]] = {
    # key: (title, caption), English: translated by `PhaseView.sections`
    "arms": (N_("Arm comparisons"), ""),
    "effects": (N_("Effects"), ""),
    "single": (
        N_("Single-arm, registry and case figures"),
        N_("No control arm: read each bar on its own, not against bars of other studies."),
    ),
    "facts": (N_("Registry and programme facts"), ""),
}
CLAIMS_AS_TABLE = 4  # direction-only claims from which a card shows a table, not sentences
#: An arm chart's title by value axis (the axis, "%" or "months", is part of an exhibit's key).
_UNIT_TITLES = {"%": N_("{study}: rates by arm"), "months": N_("{study}: medians by arm (months)")}
_FOREST_TITLES = {
    "ratio": N_("Hazard and risk ratios"),
    "difference": N_("Risk differences (computed from events/n)"),
}
#: The columns of `numbers_table`, in English; the table itself carries them translated
#: (`number_columns()`).
NUMBER_COLUMNS = [
    N_("Figure"),
    N_("Study"),
    N_("Arm"),
    N_("Endpoint"),
    N_("Time point"),
    N_("Value"),
    N_("As printed"),
    N_("n"),
    N_("Events"),
    N_("95% CI"),
    N_("CI method"),
    N_("p as printed"),
    N_("Origin"),
    N_("Verification"),
    N_("Flags"),
]
#: The columns of `Exhibit.claims_table`, in English.
CLAIM_COLUMNS = [
    N_("Subgroup"),
    N_("Endpoint"),
    N_("Time point"),
    N_("Direction"),
    N_("p as printed"),
    N_("Source"),
]


def number_columns() -> list[str]:
    """The columns of `numbers_table` as it names them: in the session's language."""
    return [_(column) for column in NUMBER_COLUMNS]


@dataclass(frozen=True)
class Chart:
    """How to draw an exhibit: the chart function's kind, its title, rows and option."""

    kind: Literal["arm", "forest", "single"]
    title: str
    data: pd.DataFrame = field(repr=False, compare=False)
    option: str | None = None  # the value axis of an arm chart, the scale of a forest plot


@dataclass(frozen=True)
class Exhibit:
    """One chart or list of figures, as a card on its phase page and as one slide."""

    key: str  # unique within a phase
    section: Section
    title: str
    chart: Chart | None
    key_numbers: tuple[str, ...]  # the charted figures as sentences
    statements: tuple[str, ...]  # the figures no chart shows, as sentences
    badges: tuple[Badge, ...]
    rows: pd.DataFrame = field(repr=False, compare=False)  # the figures behind it, each once
    phase: str = ""  # set with the notes when the phase's exhibits are put together
    notes: tuple[Note, ...] = field(default=(), repr=False, compare=False)  # integrative notes

    @property
    def phase_label(self) -> str:
        return _(PHASE_LABELS[self.phase])

    @functools.cached_property  # the exhibit is read-only: made once, read on every view
    def placement(self) -> str:
        """Why figures of a study of another phase are shown here ('' for the study's own)."""
        reasons = [r for r in dict.fromkeys(self.rows["phase_rationale"].dropna()) if r]
        return " ".join(reasons)

    @property
    def slide_title(self) -> str:
        """The title on a slide, where the page's section heading is not there to name the
        phase of a cross-study exhibit."""
        if self.section in ("effects", "facts"):
            return text.labelled(self.phase_label, text.lower_first(self.title))
        return self.title

    @property
    def chart_title(self) -> str:
        return self.chart.title if self.chart else self.title

    @property
    def figure_ids(self) -> tuple[str, ...]:
        return tuple(self.rows["figure_id"])

    @property
    def error_bars(self) -> str:
        """What the chart's error bars are ('' without a chart or bars)."""
        if self.chart is None or self.chart.kind == "forest":
            return ""
        methods = sorted({m for m in self.chart.data.get("ci_method", ()) if m})
        what = text.semicolons(methods) or _("none (no CI reported and no events/n to compute one)")
        return _f("Error bars: {methods}.", methods=what)

    @property
    def source_line(self) -> str:
        """Where the numbers come from, in one line."""
        documents = [d for d in dict.fromkeys(self.rows["document_title"].dropna()) if d]
        publications = self.rows.loc[self.rows["origin"] == "publication", "citation"]
        parts = (
            [_f("Source: {documents}", documents=text.semicolons(documents))] if documents else []
        )
        count = publications.dropna().nunique()
        if count:
            parts.append(
                _nf(
                    "publication figures from {n} paper",
                    "publication figures from {n} papers",
                    count,
                )
            )
        if not documents and count:  # a trial curated from its publication alone
            return _nf(
                "Source: publication figures from {n} paper",
                "Source: publication figures from {n} papers",
                count,
            )
        return " · ".join(parts) or _("Source: see the Sources page")

    @property
    def citations(self) -> tuple[str, ...]:
        """Full references: publications with PMID and DOI where known, then the documents."""
        rows = self.rows[self.rows["citation"].map(lambda c: isinstance(c, str) and bool(c))]
        cites = [
            text.reference(r.citation, r.pmid, r.doi)
            for r in selection.records(rows.drop_duplicates("citation"))
        ]
        docs = [d for d in self.rows["source_document"].dropna().unique() if d]
        return tuple(dict.fromkeys([*cites, *docs]))

    @functools.cached_property
    def claims_table(self) -> pd.DataFrame:
        """Direction-only claims as a compact table (subgroup x endpoint x direction, p as
        printed): read in seconds where a list of sentences would not."""
        claims = self.rows[
            (self.rows["kind"] == "comparison") & (self.rows["linked_figures"].map(len) == 0)
        ]
        records = selection.records(claims)
        columns = dict(
            zip(
                CLAIM_COLUMNS,
                [
                    claims["subgroup"].fillna(_("All patients")),
                    claims["endpoint_label"],
                    claims["time_point"],
                    [text.direction(r.favours, r.arm, r.comparator_arm) for r in records],
                    [text.p_text(r) for r in records],
                    claims["origin"].map(lambda origin: _(ORIGIN_LABELS[origin])),
                ],
                strict=True,
            )
        )
        frame = pd.DataFrame(columns, columns=CLAIM_COLUMNS).reset_index(drop=True)
        return frame.rename(columns=_)

    @functools.cached_property
    def prefers_table(self) -> bool:
        """Many direction-only claims (e.g. subgroups of one trial) read better as a table."""
        return self.chart is None and len(self.claims_table) >= CLAIMS_AS_TABLE


@dataclass(frozen=True)
class PhaseView:
    """Everything one phase page shows for one disease selection."""

    phase: str
    title: str
    caption: str
    headlines: tuple[Headline, ...]
    coverage: tuple[str, ...]  # one line per selected disease: what the dataset holds here
    empty_message: str  # "" when the phase has studies for the selection
    exhibits: tuple[Exhibit, ...]
    notes: tuple[Note, ...]
    consensus: tuple[Consensus, ...]
    documents: dict[str, str] = field(repr=False)  # document id -> "title (outlet)"

    def sections(self) -> list[tuple[str, str, str, tuple[Exhibit, ...]]]:
        """(key, title, caption, exhibits) for each section that has exhibits, in page order."""
        grouped = []
        for key, (title, caption) in SECTIONS.items():
            items = tuple(e for e in self.exhibits if e.section == key)
            if items:
                grouped.append((key, _(title), _(caption) if caption else "", items))
        return grouped


def phase_view(ds: Dataset, table: pd.DataFrame, phase: str, diseases: list[str]) -> PhaseView:
    """The phase page for the selected diseases."""
    studies = selection.phase_studies(ds, phase, diseases)
    # A study shown here for figures placed in this phase brings its sample sizes along.
    sizes = table[
        (table["kind"] == "sample_size") & table["study_id"].isin({s.id for s in studies})
    ]
    in_view = _unique(selection.filter_table(table, diseases, phase), sizes)
    notes = tuple(phase_notes(ds, phase, diseases))
    return PhaseView(
        phase=phase,
        title=_(PHASE_LABELS[phase]),
        caption=_f(
            "{summary} · showing {diseases}",
            summary=_(PHASE_SUMMARIES[phase]),
            diseases=text.enumeration(diseases),
        ),
        headlines=tuple(headlines(in_view)),
        coverage=tuple(coverage.phase_line(ds, disease, phase) for disease in diseases),
        empty_message="" if studies else _empty_message(ds, phase, diseases),
        exhibits=phase_exhibits(in_view, studies, phase, notes),
        notes=notes,
        consensus=ds.consensus if phase in ("induction", "consolidation") else (),
        documents={d.id: text.bracketed(d.title, d.outlet) for d in ds.documents},
    )


#: The most rows of a forest plot one slide holds with its text at projector size (14 pt as
#: placed in the deck, in both languages): on one slide, the induction forest's 11 rows printed
#: at 11.7 pt and the maintenance forest's 10 rows at 9.3 pt; in parts of up to 6 rows, the
#: Chinese parts (longer row labels, on more lines) still at 11.7-12.7 pt.
SLIDE_FOREST_ROWS = 4
#: The most groups of bars an arm chart's slide holds at 14 pt as placed: G-CSF + decitabine's
#: five endpoints on one slide printed at 12.7 pt (their slide words, four lines under five
#: narrow groups, left the bars too little height).
SLIDE_ARM_GROUPS = 4


def selection_exhibits(ds: Dataset, table: pd.DataFrame, diseases: list[str]) -> list[Exhibit]:
    """Every exhibit of the selection in phase order: the slides of the presentation and deck
    (a forest plot longer than a slide holds as several slides, `slide_parts`)."""
    return [
        part
        for phase in PHASES
        for exhibit in phase_view(ds, table, phase, diseases).exhibits
        for part in slide_parts(exhibit)
    ]


def slide_parts(exhibit: Exhibit) -> list[Exhibit]:
    """The exhibit as slides: itself, or as near-equal parts, each titled with its place
    ("(1 of 2)") and with its own key numbers: a forest plot of more than SLIDE_FOREST_ROWS
    rows in parts of whole studies (each with its own cross-trial caveat), an arm chart of more
    than SLIDE_ARM_GROUPS groups of bars in parts of whole groups (the study's other
    statements on the first)."""
    chart = exhibit.chart
    if chart is None:
        return [exhibit]
    if exhibit.section == "effects" and len(chart.data) > SLIDE_FOREST_ROWS:
        return _forest_parts(exhibit, chart)
    if exhibit.section == "arms" and chart.kind == "arm":
        on_axis = chart.data[selection.chart_scale(chart.data) == chart.option]
        groups = on_axis.groupby(ARM_GROUP, sort=False, dropna=False).ngroup()
        if groups.max() + 1 > SLIDE_ARM_GROUPS:
            return _arm_parts(exhibit, chart, on_axis, groups)
    return [exhibit]


#: The columns that make one group of bars in an arm chart (and one key-number sentence).
ARM_GROUP = ["endpoint_label", "group_time", "subgroup", "origin"]


def _part(exhibit: Exhibit, number: int, parts: int, **changes) -> Exhibit:
    """Part `number` of `parts` of an exhibit on slides: keyed and titled with its place."""
    title = _f("{title} ({part} of {parts})", title=exhibit.title, part=number, parts=parts)
    chart = dataclasses.replace(exhibit.chart, title=title, data=changes.pop("data"))
    return dataclasses.replace(
        exhibit, key=f"{exhibit.key}-{number}", title=title, chart=chart, **changes
    )


def _forest_parts(exhibit: Exhibit, chart: Chart) -> list[Exhibit]:
    data = chart.data
    sizes = data.groupby("study_id", sort=False).size()
    parts = _packed(list(sizes.index), list(sizes), -(-len(data) // SLIDE_FOREST_ROWS))
    slides = []
    for number, studies in enumerate(parts, start=1):
        subset = data[data["study_id"].isin(studies)].reset_index(drop=True)
        slides.append(
            _part(
                exhibit,
                number,
                len(parts),
                data=subset,
                key_numbers=tuple(text.effect_sentence(r) for r in selection.records(subset)),
                badges=(cross_trial(),) if subset["study_id"].nunique() > 1 else (),
                rows=exhibit.rows[exhibit.rows["figure_id"].isin(subset["figure_id"])],
            )
        )
    return slides


def _arm_parts(
    exhibit: Exhibit, chart: Chart, on_axis: pd.DataFrame, groups: pd.Series
) -> list[Exhibit]:
    count = int(groups.max()) + 1
    runs = _packed(list(range(count)), [1] * count, -(-count // SLIDE_ARM_GROUPS))
    slides = []
    for number, run in enumerate(runs, start=1):
        shown = on_axis[groups.isin(run)]
        ids = set(shown["figure_id"])
        left_out = set(on_axis["figure_id"]) - ids
        rows = exhibit.rows
        linked = rows["linked_figures"].map(lambda linked_ids: set(linked_ids or ()))
        keep = ~rows["figure_id"].isin(left_out) & (
            (rows["kind"] != "comparison")
            | linked.map(lambda own, ids=ids: not own or bool(own & ids))
        )
        slides.append(
            _part(
                exhibit,
                number,
                len(runs),
                data=shown.reset_index(drop=True),
                key_numbers=_paired_numbers(shown),
                statements=exhibit.statements if number == 1 else (),
                rows=rows[keep],
            )
        )
    return slides


def _packed(items: list, sizes: list[int], count: int) -> list[list]:
    """`items` in order, in at most `count` runs whose largest total size is the smallest
    possible (a study's rows, a group's bars, stay on one slide)."""

    def runs(limit: int) -> list[list]:
        packed: list[list] = [[]]
        filled = 0
        for item, size in zip(items, sizes, strict=True):
            if packed[-1] and filled + size > limit:
                packed.append([])
                filled = 0
            packed[-1].append(item)
            filled += size
        return packed

    limit = max(sizes)
    while len(runs(limit)) > count:
        limit += 1
    return runs(limit)


def phase_exhibits(
    table: pd.DataFrame, studies: list[Study], phase: str, notes: tuple[Note, ...]
) -> tuple[Exhibit, ...]:
    """A phase's exhibits in page order: arm comparisons, effects, single-arm figures, facts."""
    by_study = selection.rows_by_study(table)
    empty = table.iloc[:0]
    exhibits = [
        *(
            exhibit
            for study in selection.comparative_studies(studies)
            for exhibit in _arm_exhibits(study, by_study.get(study.id, empty))
        ),
        *_forest_exhibits(table, studies),
        *_single_arm_exhibits(table, studies, by_study),
        *_facts_exhibits(table),
    ]
    return tuple(dataclasses.replace(exhibit, phase=phase, notes=notes) for exhibit in exhibits)


def _empty_message(ds: Dataset, phase: str, diseases: list[str]) -> str:
    counts = selection.studies_by_disease(ds, phase)
    others = [
        _f("{disease}: {count}", disease=d, count=counts[d])
        for d in DISEASES
        if d not in diseases and counts[d]
    ]
    where = (
        _f("Studies in this phase for other diseases: {counts}.", counts=text.enumeration(others))
        if others
        else _("No disease has studies in this phase in the dataset.")
    )
    wanted = set(diseases)
    facts = any(f.phase == phase and wanted & set(f.diseases) for f in ds.key_facts)
    notes = any(n.phase == phase and wanted & set(n.diseases) for n in ds.notes)
    values = {
        "diseases": text.enumeration(diseases),
        "phase": text.lower_first(_(PHASE_LABELS[phase])),
        "where": where,
    }
    # say only what the page does show (MDS maintenance has notes but no registry figure)
    if facts and notes:
        return _f(
            "No {diseases} studies in the {phase} phase in these sources. {where} Registry "
            "figures and notes below still apply.",
            **values,
        )
    if facts:
        return _f(
            "No {diseases} studies in the {phase} phase in these sources. {where} The registry "
            "figures on this page still apply.",
            **values,
        )
    if notes:
        return _f(
            "No {diseases} studies in the {phase} phase in these sources. {where} The "
            "integrative-care notes on this page still apply.",
            **values,
        )
    return _f("No {diseases} studies in the {phase} phase in these sources. {where}", **values)


# --- the four kinds of exhibit ---------------------------------------------------------------


def _unique(*frames: pd.DataFrame) -> pd.DataFrame:
    """The figures of several frames, each once (the first frame's row wins)."""
    present = [frame for frame in frames if len(frame)]
    if not present:
        return frames[0].iloc[:0]
    return pd.concat(present, ignore_index=True).drop_duplicates("figure_id", ignore_index=True)


def _arm_exhibits(study: Study, rows: pd.DataFrame) -> list[Exhibit]:
    """One exhibit per value axis of a comparative study (rates, medians); one list exhibit
    when nothing can be charted (direction-only claims)."""
    values = selection.arm_outcomes(rows, study.id)
    claims = selection.direction_claims(rows, study.id)
    comparisons = rows[rows["kind"] == "comparison"]
    sizes = rows[rows["kind"] == "sample_size"]
    if values.empty and comparisons.empty:
        return []
    badges = tuple(study_badges(rows, study))
    claim_lines = tuple(
        text.claim_sentence(r, arm_sizes=selection.compared_arm_sizes(r, sizes))
        for r in selection.records(claims)
    )
    units = selection.arm_units(values)
    if not units:
        return [
            Exhibit(
                key=study.id,
                section="arms",
                title=study.title,
                chart=None,
                key_numbers=(),
                statements=claim_lines
                + tuple(text.figure_sentence(r) for r in selection.records(values)),
                badges=badges,
                rows=_unique(values, comparisons, sizes),
            )
        ]
    drafts = []
    for index, unit in enumerate(units):
        on_axis = values[selection.chart_scale(values) == unit]
        # A comparison goes with the axis of the outcomes it lists; claims without outcomes and
        # the sample sizes go with the first exhibit: every figure in exactly one exhibit.
        shown = set(on_axis["figure_id"])
        own = comparisons[
            comparisons["linked_figures"].map(
                lambda ids, first=index == 0, shown=shown: bool(set(ids) & shown) if ids else first
            )
        ]
        drafts.append(
            Exhibit(
                key=study.id if index == 0 else f"{study.id}-{unit}",
                section="arms",
                title=study.title,
                chart=Chart("arm", _f(_UNIT_TITLES[unit], study=study.short_label), values, unit),
                key_numbers=_paired_numbers(on_axis),
                statements=claim_lines if index == 0 else (),
                badges=badges,
                rows=_unique(on_axis, own, sizes if index == 0 else sizes.iloc[:0]),
            )
        )
    return drafts


def _paired_numbers(values: pd.DataFrame) -> tuple[str, ...]:
    """One sentence per endpoint, time point and subgroup: both arms with n and p."""
    lines = []
    keys = ["endpoint_label", "group_time", "subgroup", "origin"]
    for (endpoint, time, subgroup, origin), group in values.groupby(keys, sort=False, dropna=False):
        arms = group.sort_values("arm_role", key=lambda r: r.map({"intervention": 0}).fillna(1))
        where = text.clauses((subgroup, time))
        lines.append(
            text.pair_sentence(
                endpoint, where, selection.records(arms), arms["p_shown"].iloc[0], origin
            )
        )
    return tuple(lines)


def _forest_exhibits(table: pd.DataFrame, studies: list[Study]) -> list[Exhibit]:
    effects = selection.effect_rows(table, [s.id for s in studies])
    drafts = []
    for scale, english in _FOREST_TITLES.items():
        subset = effects[effects["scale"] == scale]
        if subset.empty:
            continue
        title = _(english)
        drafts.append(
            Exhibit(
                key=f"forest-{scale}",
                section="effects",
                title=title,
                chart=Chart("forest", title, subset.reset_index(drop=True), scale),
                key_numbers=tuple(text.effect_sentence(r) for r in selection.records(subset)),
                statements=(),
                badges=(cross_trial(),) if subset["study_id"].nunique() > 1 else (),
                rows=_unique(table[table["figure_id"].isin(subset["figure_id"])]),
            )
        )
    return drafts


def _single_arm_exhibits(
    table: pd.DataFrame, studies: list[Study], by_study: dict[str, pd.DataFrame]
) -> list[Exhibit]:
    """One exhibit per study for figures without a control arm: rates charted, medians in
    months (another scale) listed as sentences."""
    values = selection.rows_by_study(selection.single_arm_values(table, studies))
    drafts = []
    for study in studies:
        if study.id not in values:
            continue
        rows, study_rows = values[study.id], by_study[study.id]
        rates, months = rows[rows["unit"] != "months"], rows[rows["unit"] == "months"]
        if not rates["plot_value"].notna().any():  # nothing to draw: no empty axis, sentences
            rates, months = rates.iloc[:0], rows
        title = _f("{study}: figures without a control arm", study=study.short_label)
        drafts.append(
            Exhibit(
                key=f"single-{study.id}",
                section="single",
                title=study.title,
                chart=Chart("single", title, rates.reset_index(drop=True)) if len(rates) else None,
                key_numbers=tuple(text.figure_sentence(r) for r in selection.records(rates)),
                statements=tuple(text.figure_sentence(r) for r in selection.records(months)),
                badges=tuple(study_badges(study_rows, study)),
                rows=_unique(rows, study_rows[study_rows["kind"] == "sample_size"]),
            )
        )
    return drafts


def _facts_exhibits(table: pd.DataFrame) -> list[Exhibit]:
    """Registry and programme figures as one list: they share no scale."""
    facts = table[table["kind"] == "key_fact"]
    if facts.empty:
        return []
    flagged = dict.fromkeys(kind for kinds in facts["flags"] for kind in kinds)
    title, _caption = SECTIONS["facts"]  # the English, translated below
    notes = {kind: note for pairs in facts["flag_notes"] for kind, note in pairs}
    return [
        Exhibit(
            key="key-facts",
            section="facts",
            title=_(title),
            chart=None,
            key_numbers=(),
            statements=tuple(text.figure_sentence(r) for r in selection.records(facts)),
            badges=tuple(Badge(_(FLAG_LABELS[k]), "warning", notes[k]) for k in flagged),
            rows=_unique(facts),
        )
    ]


# --- the numbers and sources behind an exhibit ------------------------------------------------


@dataclass(frozen=True)
class SourceEntry:
    """One figure as its source gives it, with the excerpt that contains it."""

    endpoint: str
    subject: str  # arm, or the study for whole-study figures
    time_point: str
    value: str
    n: str  # "" for a sample size (its own n) and a comparison (the arms carry theirs)
    ci: str  # "95% CI as published: 8.0–26.0" (or computed from events/n), "" without one
    verification: str
    excerpt: str
    verification_note: str
    evidence_ref: str
    flag_notes: tuple[str, ...]
    printed_in: str = ""  # where in a publication the figure is printed ("Printed in: abstract")
    read: str = ""  # what text was read to verify it, and when ("read on <date>: <address>")


@dataclass(frozen=True)
class SourceGroup:
    """The figures of an exhibit that share one source (document or publication)."""

    origin: str  # "document" | "publication"
    document: str
    citation: str
    citation_status: str
    links: tuple[tuple[str, str], ...]  # (label, address)
    entries: tuple[SourceEntry, ...]


@dataclass(frozen=True)
class Passage:
    """The figures of a source that one excerpt holds and one verification covers: listed
    together under the excerpt, so a passage quoted for four figures is printed once. A line
    the whole group shares is "" here and said once under the group's heading (`said_once`)."""

    entries: tuple[SourceEntry, ...]
    excerpt: str
    verification_note: str
    evidence_ref: str
    flag_notes: tuple[str, ...]
    printed_in: str
    read: str


@dataclass(frozen=True)
class SaidOnce:
    """The lines every figure of a source group shares, said once under its heading ("" where
    the figures differ, or where there is one passage to say them with)."""

    printed_in: str
    read: str
    verification_note: str


def said_once(group: SourceGroup) -> SaidOnce:
    """Where the group's figures are printed, what was read and when, and how they were
    verified, where that is one line for all of them (the RICMAC abstract was read at one
    address for all its figures, though they are printed in two parts of it)."""

    def common(values: set[str]) -> str:
        return values.pop() if len(values) == 1 and len(group.entries) > 1 else ""

    return SaidOnce(
        printed_in=common({entry.printed_in for entry in group.entries}),
        read=common({entry.read for entry in group.entries}),
        verification_note=common({entry.verification_note for entry in group.entries}),
    )


def passages(group: SourceGroup) -> tuple[Passage, ...]:
    """The group's figures by the passage that holds them (excerpt, verification, flags and
    where it was read all alike), in the order the figures come; a line the whole group shares
    left empty (`said_once`)."""
    shared = said_once(group)
    keyed: dict[tuple, list[SourceEntry]] = {}
    for entry in group.entries:
        key = (
            entry.excerpt,
            "" if shared.verification_note else entry.verification_note,
            entry.evidence_ref,
            entry.flag_notes,
            "" if shared.printed_in else entry.printed_in,
            "" if shared.read else entry.read,
        )
        keyed.setdefault(key, []).append(entry)
    return tuple(Passage(tuple(entries), *key) for key, entries in keyed.items())


@dataclass(frozen=True)
class PrintedSources:
    """A printed card's sources: its source groups less the passages an earlier card of the
    handout printed, and the titles of those earlier cards (to say where the rest are)."""

    groups: tuple[SourceGroup, ...]
    printed_with: tuple[str, ...]


def printed_once(cards: Sequence[tuple[str, Sequence[SourceGroup]]]) -> list[PrintedSources]:
    """Each card's sources for a handout, given every card as (title, its source groups) in
    print order: a passage (a source's excerpt) is printed with the first card that shows it;
    a later card names that card instead (the forest plot and the study cards share theirs)."""
    first_card: dict[tuple, int] = {}
    printed = []
    for index, (_title, groups) in enumerate(cards):
        kept, earlier = [], []
        for group in groups:
            source = (group.origin, group.document, group.citation)
            entries = []
            for entry in group.entries:
                first = first_card.setdefault((source, entry.excerpt), index)
                if first == index:
                    entries.append(entry)
                elif cards[first][0] not in earlier:
                    earlier.append(cards[first][0])
            if entries:
                kept.append(dataclasses.replace(group, entries=tuple(entries)))
        printed.append(PrintedSources(tuple(kept), tuple(earlier)))
    return printed


def numbers_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind an exhibit, as printed and as read, one row per figure; columns
    named in the session's language (`number_columns()`)."""
    rows = rows.reset_index(drop=True)
    records = selection.records(rows)
    ci_method = rows["ci_method"].fillna("") if "ci_method" in rows else ""
    return pd.DataFrame(
        {
            "Figure": rows["figure_id"],
            "Study": rows["study"],
            "Arm": rows["arm"],
            "Endpoint": rows["endpoint_label"],
            "Time point": rows["time_point"],
            "Value": [text.figure_value(r) for r in records],
            "As printed": rows["as_printed"],
            "n": rows["n"],
            "Events": rows["events"],
            "95% CI": [text.display_ci(r.ci_low, r.ci_high) for r in records],
            "CI method": ci_method,
            "p as printed": rows["p_as_printed"].fillna(""),
            "Origin": rows["origin"].map(lambda origin: _(ORIGIN_LABELS[origin])),
            "Verification": rows["verification_status"].map(
                lambda status: _(VERIFICATION_LABELS[status])
            ),
            "Flags": rows["flags"].map(
                lambda kinds: text.enumeration(_(FLAG_LABELS[k]) for k in kinds)
            ),
        },
        columns=NUMBER_COLUMNS,
    ).rename(columns=_)


def source_groups(rows: pd.DataFrame) -> tuple[SourceGroup, ...]:
    """Each figure's document, excerpt, publication (with links), verification and flags."""
    groups = []
    for _source, group in rows.groupby("source_id", sort=False):
        records = selection.records(group)
        first = records[0]
        groups.append(
            SourceGroup(
                origin=first.origin,
                document=_text(first.source_document),
                citation=_text(first.citation),
                citation_status=_text(first.citation_status),
                links=_links(first),
                entries=tuple(_source_entry(r) for r in records),
            )
        )
    return tuple(groups)


def _source_entry(row) -> SourceEntry:
    return SourceEntry(
        endpoint=row.endpoint_label,
        # a key fact's subject is its scope, whole sentences: its full stop would sit before the
        # comma that joins the time point ("。，")
        subject=(row.arm or row.study).rstrip("。. "),
        time_point=row.time_point or _("no time point"),
        value=text.claim_sentence(row, with_time=False)
        if row.kind == "comparison"
        else text.figure_value(row),
        n="" if row.kind in ("sample_size", "comparison") else text.display_n(row.n),
        ci=_ci_line(row),
        verification=_(VERIFICATION_LABELS[row.verification_status]),
        excerpt=row.excerpt,
        verification_note=row.verification_note,
        evidence_ref=_text(row.evidence_ref),
        flag_notes=tuple(
            text.labelled(_(FLAG_LABELS[kind]), note) for kind, note in row.flag_notes
        ),
        printed_in=(
            _f("Printed in: {locator}", locator=_locator_text(row.locator))
            if _text(row.locator)
            else ""
        ),
        read=(
            _f("read on {date}: {address}", date=row.verified_on, address=row.read_url)
            if _text(row.verified_on) and _text(row.read_url)
            else ""
        ),
    )


#: The locators the dataset uses (where in a paper a figure is printed), translated when shown;
#: another locator is shown as written.
LOCATORS = (
    N_("abstract"),
    N_("abstract, results"),
    N_("abstract, findings"),
    N_("abstract, patients and methods"),
)


#: A table or figure of a paper ("Table 3", "Figure 2"): its number kept, its word translated.
_NUMBERED_LOCATOR = re.compile(r"(Table|Figure) (\w+)")


def _locator_text(locator: str) -> str:
    """Where in a paper a figure is printed, in the reader's language where the words are known
    ('abstract, results', 'Table 3'), else as written."""
    if locator in LOCATORS:
        return _(locator)
    numbered = _NUMBERED_LOCATOR.fullmatch(locator)
    if numbered and numbered.group(1) == "Table":
        return _f("Table {number}", number=numbered.group(2))
    if numbered:
        return _f("Figure {number}", number=numbered.group(2))
    return locator


def _ci_line(row) -> str:
    """The interval a figure is drawn with, named by how it was obtained ('95% CI as published:
    8.0–26.0'); '' where it has none (the chart's rows carry `ci_method`)."""
    interval = text.display_ci(row.ci_low, row.ci_high)
    method = _text(getattr(row, "ci_method", None))
    return text.labelled(method, interval) if interval and method else ""


def _text(value) -> str:
    """A text cell, or "" where the table holds nothing (None or NaN)."""
    return value if isinstance(value, str) else ""


def _links(row) -> tuple[tuple[str, str], ...]:
    """PubMed, DOI and page links for a source (addresses are validated in the data)."""
    pmid, doi, url = (_text(v) for v in (row.pmid, row.doi, row.url))
    links = []
    if pmid:
        links.append((f"PubMed {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    if doi:
        links.append((f"DOI {doi}", f"https://doi.org/{doi}"))
    if url:
        links.append((_("Open source page"), url))
    return tuple(links)
