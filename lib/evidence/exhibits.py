"""What a phase page shows, computed once per dataset version, phase and disease selection.

Pure: (Dataset, figure table, phase, diseases) -> PhaseView, a read-only tree of sections and
cards holding their figures, numbers and sources as plain text. The Streamlit layer caches it and
only draws it, so a page view costs the drawing, not the queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from lib.dataset.records import Consensus, Dataset, Note
from lib.dataset.vocabulary import (
    DISEASES,
    FLAG_LABELS,
    ORIGIN_LABELS,
    PHASE_LABELS,
    PHASE_SUMMARIES,
    VERIFICATION_LABELS,
)
from lib.evidence import figures as queries
from lib.evidence.figures import Badge, Headline
from lib.evidence.text import display_n, display_p, display_value
from lib.render import charts

_UNIT_TITLES = {"%": "rates by arm", "months": "medians by arm (months)"}
NUMBER_COLUMNS = [
    "Figure",
    "Study",
    "Arm",
    "Endpoint",
    "Time point",
    "Value",
    "As printed",
    "n",
    "Events",
    "95% CI",
    "CI method",
    "p as printed",
    "Origin",
    "Verification",
    "Flags",
]
PRINT_COLUMNS = [
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


@dataclass(frozen=True)
class SourceEntry:
    """One figure as its source gives it, with the excerpt that contains it."""

    endpoint: str
    subject: str  # arm, or the study for whole-study figures
    time_point: str
    value: str
    n: str  # "" for a sample size (its own n) and a comparison (the arms carry theirs)
    verification: str
    excerpt: str
    verification_note: str
    evidence_ref: str
    flag_notes: str


@dataclass(frozen=True)
class SourceGroup:
    """The figures of a card that share one source (document or publication)."""

    origin: str  # "document" | "publication"
    document: str
    citation: str
    citation_status: str
    links: tuple[tuple[str, str], ...]  # (label, address)
    entries: tuple[SourceEntry, ...]


@dataclass(frozen=True)
class FigureRef:
    """Which slide draws the same chart (for image downloads): kind, studies and option."""

    kind: str
    study_ids: tuple[str, ...]
    option: str | None


@dataclass(frozen=True)
class Card:
    """One bordered card: a study's (or a cross-study) figures with their numbers and sources."""

    key: str
    title: str
    badges: tuple[Badge, ...]
    statements: tuple[str, ...]  # figures shown as sentences (direction-only claims, facts)
    figures: tuple[go.Figure, ...]  # shared and cached: never mutate
    figure_refs: tuple[FigureRef | None, ...]
    error_bars: str  # what the error bars are; "" when there is no chart
    numbers: pd.DataFrame = field(repr=False)  # NUMBER_COLUMNS, one row per figure
    sources: tuple[SourceGroup, ...] = ()

    @property
    def print_numbers(self) -> pd.DataFrame:
        return self.numbers[PRINT_COLUMNS]


@dataclass(frozen=True)
class Section:
    """A titled list of cards. Each card is built the first time it is shown, so a view costs
    the cards on screen, however many studies the phase has."""

    key: str
    title: str
    caption: str
    plans: tuple[Callable[[], Card], ...]  # one per card, in order
    _built: dict = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.plans)

    def cards_between(self, start: int, stop: int) -> tuple[Card, ...]:
        """Cards start..stop-1, built on first use and kept (sessions may share them)."""
        for index in range(start, min(stop, len(self.plans))):
            if index not in self._built:
                self._built[index] = self.plans[index]()
        return tuple(self._built[i] for i in range(start, min(stop, len(self.plans))))

    @property
    def cards(self) -> tuple[Card, ...]:
        return self.cards_between(0, len(self.plans))


@dataclass(frozen=True)
class PhaseView:
    """Everything one phase page shows for one disease selection."""

    phase: str
    title: str
    caption: str
    headlines: tuple[Headline, ...]
    empty_message: str  # "" when the phase has studies for the selection
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    consensus: tuple[Consensus, ...]
    documents: dict[str, str] = field(repr=False)  # document id -> "title (outlet)"


def phase_view(ds: Dataset, table: pd.DataFrame, phase: str, diseases: list[str]) -> PhaseView:
    """The phase page for the selected diseases."""
    in_view = queries.filter_table(table, diseases, phase)
    studies = queries.phase_studies(ds, phase, diseases)
    sections = (
        _arm_section(in_view, studies),
        _effects_section(in_view, studies),
        _single_arm_section(in_view, studies),
        _facts_section(in_view),
    )
    return PhaseView(
        phase=phase,
        title=PHASE_LABELS[phase],
        caption=f"{PHASE_SUMMARIES[phase]} · showing {', '.join(diseases)}",
        headlines=tuple(queries.headlines(in_view)),
        empty_message="" if studies else _empty_message(ds, phase, diseases),
        sections=tuple(s for s in sections if s.plans),
        notes=tuple(queries.phase_notes(ds, phase, diseases)),
        consensus=ds.consensus if phase in ("induction", "consolidation") else (),
        documents={d.id: f"{d.title} ({d.outlet})" for d in ds.documents},
    )


def _empty_message(ds: Dataset, phase: str, diseases: list[str]) -> str:
    counts = queries.studies_by_disease(ds, phase)
    others = [f"{d}: {counts[d]}" for d in DISEASES if d not in diseases and counts[d]]
    where = (
        "Studies in this phase for other diseases: " + ", ".join(others) + "."
        if others
        else "No disease has studies in this phase in the dataset."
    )
    return (
        f"No {', '.join(diseases)} studies in the {PHASE_LABELS[phase].lower()} phase in "
        f"these sources. {where} Registry figures and notes below still apply."
    )


# --- sections --------------------------------------------------------------------------------


def _arm_section(table: pd.DataFrame, studies) -> Section:
    by_study = queries.rows_by_study(table)
    plans = tuple(
        partial(_arm_card, study, by_study.get(study.id, table.iloc[:0]))
        for study in queries.comparative_studies(studies)
    )
    return Section("arms", "Arm comparisons", "", plans)


def _arm_card(study, rows: pd.DataFrame) -> Card:
    values = queries.arm_outcomes(rows, study.id)
    claims = queries.direction_claims(rows, study.id)
    units = charts.arm_units(values)
    figures = tuple(
        charts.arm_comparison(values, f"{study.short_label}: {_UNIT_TITLES[unit]}", unit)
        for unit in units
    )
    shown = values if len(values) else rows
    return _card(
        key=study.id,
        title=study.title,
        figures=figures,
        refs=tuple(FigureRef("arm", (study.id,), unit) for unit in units),
        rows=_with_claims(shown, claims, rows),
        badges=queries.study_badges(rows, study),
        statements=_claim_sentences(claims),
    )


def _with_claims(values, claims, rows) -> pd.DataFrame:
    """The numbers behind a card: charted values, direction-only claims and sample sizes."""
    sizes = rows[rows["kind"] == "sample_size"]
    others = rows[(rows["kind"] == "comparison") & ~rows["figure_id"].isin(claims["figure_id"])]
    return pd.concat([values, claims, others, sizes], ignore_index=True)


def _claim_sentences(claims: pd.DataFrame) -> tuple[str, ...]:
    """Direction-only claims (no per-arm numbers) as sentences with their p and origin."""
    return tuple(
        f"{_comparison_text(row, with_time=True)} · {ORIGIN_LABELS[row.origin]}"
        for row in queries.records(claims)
    )


def _comparison_text(row, with_time: bool = False) -> str:
    """A comparison as the source states it: the claim, (time,) p as printed, HR if given."""
    parts = [
        row.statement,
        row.time_point if with_time else "",
        display_p(row.p_as_printed, row.flags),
    ]
    if pd.notna(row.hr):
        parts.append(display_value(row.value, row.as_printed, row.unit))
    return " · ".join(part for part in parts if part)


def _effects_section(table: pd.DataFrame, studies) -> Section:
    effects = queries.effect_rows(table, [s.id for s in studies])
    if effects.empty:
        return Section("effects", "Effects", "", ())
    badges = (queries.CROSS_TRIAL,) if effects["study_id"].nunique() > 1 else ()
    comparisons = table[table["figure_id"].isin(effects["figure_id"])]
    plans = []
    for scale, title in (
        ("ratio", "Hazard and risk ratios"),
        ("difference", "Risk differences (computed from events/n)"),
    ):
        subset = effects[effects["measure"].str.contains(scale)]
        if subset.empty:
            continue
        plans.append(partial(_forest_card, subset, scale, title, comparisons, badges))
    return Section("effects", "Effects", "", tuple(plans))


def _forest_card(effects: pd.DataFrame, scale: str, title: str, comparisons, badges) -> Card:
    return _card(
        key=f"forest-{scale}",
        title=title,
        figures=(charts.forest(effects, title, scale=scale),),
        refs=(FigureRef("forest", tuple(effects["study_id"].unique()), scale),),
        rows=comparisons,
        badges=badges,
    )


def _single_arm_section(table: pd.DataFrame, studies) -> Section:
    """One card per study for figures without a control arm, with that study's caveats.

    Rates are charted; medians in months (another scale) are listed as sentences and tabled.
    """
    values = queries.rows_by_study(queries.single_arm_values(table, studies))
    by_study = queries.rows_by_study(table)
    plans = tuple(
        partial(_single_arm_card, study, values[study.id], by_study[study.id])
        for study in studies
        if study.id in values
    )
    return Section(
        "single",
        "Single-arm, registry and case figures",
        "No control arm: read each bar on its own, not against bars of other studies.",
        plans,
    )


def _single_arm_card(study, rows: pd.DataFrame, study_rows: pd.DataFrame) -> Card:
    rates, months = rows[rows["unit"] != "months"], rows[rows["unit"] == "months"]
    sizes = study_rows[study_rows["kind"] == "sample_size"]
    chart_title = f"{study.short_label}: figures without a control arm"
    return _card(
        key=f"single-{study.id}",
        title=study.title,
        figures=(charts.single_arm(rates, chart_title),) if len(rates) else (),
        refs=(FigureRef("single", (study.id,), None),) if len(rates) else (),
        rows=pd.concat([rows, sizes], ignore_index=True),
        badges=queries.study_badges(study_rows, study),
        statements=_value_sentences(months),
    )


def _value_sentences(rows: pd.DataFrame) -> tuple[str, ...]:
    """Figures as sentences: what, value as printed, group, n and time point."""
    return tuple(
        " · ".join(
            filter(
                None,
                [
                    f"{row.endpoint_label}: "
                    + display_value(row.value, row.as_printed, row.unit, row.flags, row.n),
                    row.arm or row.study,
                    "" if row.kind == "key_fact" else display_n(row.n),
                    row.time_point,
                ],
            )
        )
        for row in queries.records(rows)
    )


def _facts_section(table: pd.DataFrame) -> Section:
    """Registry and programme figures (not headlines) as a list: they share no scale."""
    facts = table[(table["kind"] == "key_fact") & ~table["headline"].astype(bool)]
    if facts.empty:
        return Section("facts", "Registry and programme facts", "", ())
    plan = partial(
        _card,
        key="key-facts",
        title="Registry and programme facts",
        figures=(),
        refs=(),
        rows=facts,
        statements=_value_sentences(facts),
    )
    return Section("facts", "Registry and programme facts", "", (plan,))


# --- cards -----------------------------------------------------------------------------------


def _card(
    *,
    key: str,
    title: str,
    figures: tuple,
    refs: tuple,
    rows: pd.DataFrame,
    badges=(),
    statements: tuple[str, ...] = (),
) -> Card:
    return Card(
        key=key,
        title=title,
        badges=tuple(badges),
        statements=statements,
        figures=tuple(charts.frozen(figure) for figure in figures),
        figure_refs=refs,
        error_bars=_error_bars(rows) if figures else "",
        numbers=numbers_frame(rows),
        sources=source_groups(rows),
    )


def _error_bars(rows: pd.DataFrame) -> str:
    methods = sorted({m for m in rows.get("ci_method", pd.Series(dtype=object)).dropna() if m})
    what = "; ".join(methods) if methods else "none (no CI reported and no events/n to compute one)"
    return f"Error bars: {what}."


def numbers_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind a figure, as printed and as read, one row per figure."""
    rows = rows.reset_index(drop=True)
    records = queries.records(rows)
    ci_method = rows["ci_method"].fillna("") if "ci_method" in rows else ""
    return pd.DataFrame(
        {
            "Figure": rows["figure_id"],
            "Study": rows["study"],
            "Arm": rows["arm"],
            "Endpoint": rows["endpoint_label"],
            "Time point": rows["time_point"],
            "Value": [display_value(r.value, r.as_printed, r.unit, r.flags, r.n) for r in records],
            "As printed": rows["as_printed"],
            "n": rows["n"],
            "Events": rows["events"],
            "95% CI": [
                f"{r.ci_low:.1f}–{r.ci_high:.1f}" if pd.notna(r.ci_low) else "" for r in records
            ],
            "CI method": ci_method,
            "p as printed": rows["p_as_printed"].fillna(""),
            "Origin": rows["origin"].map(ORIGIN_LABELS),
            "Verification": rows["verification_status"].map(VERIFICATION_LABELS),
            "Flags": rows["flags"].map(
                lambda f: ", ".join(FLAG_LABELS[k] for k in f.split(";") if k)
            ),
        },
        columns=NUMBER_COLUMNS,
    )


def source_groups(rows: pd.DataFrame) -> tuple[SourceGroup, ...]:
    """Each figure's document, excerpt, publication (with links), verification and flags."""
    groups = []
    for _, group in rows.groupby("source_id", sort=False):
        records = queries.records(group)
        first = records[0]
        groups.append(
            SourceGroup(
                origin=first.origin,
                document=_text(first.source_document),
                citation=_text(first.citation),
                citation_status=_text(first.citation_status),
                links=_links(first),
                entries=tuple(
                    SourceEntry(
                        endpoint=r.endpoint_label,
                        subject=r.arm or r.study,
                        time_point=r.time_point or "no time point",
                        value=_comparison_text(r)
                        if r.kind == "comparison"
                        else display_value(r.value, r.as_printed, r.unit, r.flags, r.n),
                        n="" if r.kind in ("sample_size", "comparison") else display_n(r.n),
                        verification=VERIFICATION_LABELS[r.verification_status],
                        excerpt=r.excerpt,
                        verification_note=r.verification_note,
                        evidence_ref=_text(r.evidence_ref),
                        flag_notes=_text(r.flag_notes),
                    )
                    for r in records
                ),
            )
        )
    return tuple(groups)


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
        links.append(("Open source page", url))
    return tuple(links)
