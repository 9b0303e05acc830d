"""The figures of a disease selection as an ordered list of slides, for presentation mode and the
slide deck: one figure per slide, with its key numbers, caveats, source and the phase's note.

Pure: a Slide names what to draw; `slide_figure` draws it with the shared chart functions.
"""

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from lib.dataset.records import Dataset, Note, Study
from lib.dataset.vocabulary import FLAG_LABELS, PHASE_LABELS, PHASES
from lib.evidence import figures as queries
from lib.evidence.text import display_n, display_p, display_value
from lib.render import charts

_UNIT_TITLES = {"%": "rates by arm", "months": "medians by arm (months)"}


@dataclass(frozen=True)
class Slide:
    """One figure of the selection, with everything a presenter says about it."""

    number: int
    phase: str
    kind: str  # "arm" | "forest" | "single" | "facts"
    title: str
    chart_title: str
    study_ids: tuple[str, ...]
    option: str | None  # the unit of an arm chart or the scale of a forest plot
    key_numbers: tuple[str, ...]
    caveats: tuple[queries.Badge, ...]
    source_line: str
    citations: tuple[str, ...]
    note: str
    figure_ids: tuple[str, ...]

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase]


def slides(ds: Dataset, table: pd.DataFrame, diseases: list[str]) -> list[Slide]:
    """Every figure of the selection in phase order, numbered from 1."""
    drafts: list[dict] = []
    for phase in PHASES:
        in_view = queries.filter_table(table, diseases, phase)
        studies = queries.phase_studies(ds, phase, diseases)
        note = _note_text(queries.phase_notes(ds, phase, diseases))
        drafts += _arm_slides(in_view, studies, phase, note)
        drafts += _forest_slides(in_view, studies, phase, note)
        drafts += _single_slides(in_view, studies, phase, note)
        drafts += _facts_slides(in_view, phase, note)
    return [Slide(number=index, **draft) for index, draft in enumerate(drafts, start=1)]


def slide_figure(slide: Slide, table: pd.DataFrame) -> go.Figure | None:
    """The chart of a slide (None for a facts slide, which is a list of numbers)."""
    if slide.kind == "arm":
        return charts.arm_comparison(
            queries.arm_outcomes(table, slide.study_ids[0]), slide.chart_title, slide.option
        )
    if slide.kind == "single":
        values = queries.chart_values(table[table["study_id"] == slide.study_ids[0]])
        values = values[(values["arm_role"] == "single") & (values["unit"] != "months")]
        return charts.single_arm(values, slide.chart_title)
    if slide.kind == "forest":
        effects = queries.effect_rows(table, slide.study_ids)
        return charts.forest(effects, slide.chart_title, scale=slide.option)
    return None


def _arm_slides(table, studies: list[Study], phase: str, note: str) -> list[dict]:
    drafts = []
    by_study = queries.rows_by_study(table)
    for study in queries.comparative_studies(studies):
        rows = by_study.get(study.id, table.iloc[:0])
        values = queries.arm_outcomes(rows, study.id)
        for unit in charts.arm_units(values):
            drafts.append(
                _draft(
                    phase,
                    "arm",
                    study.title,
                    f"{study.short_label}: {_UNIT_TITLES[unit]}",
                    study.id,
                    unit,
                    rows,
                    rows,
                    study,
                    note,
                    values,
                )
            )
    return drafts


def _forest_slides(table, studies: list[Study], phase: str, note: str) -> list[dict]:
    effects = queries.effect_rows(table, [s.id for s in studies])
    drafts = []
    for scale, title in (
        ("ratio", "Hazard and risk ratios"),
        ("difference", "Risk differences (computed from events/n)"),
    ):
        subset = effects[
            effects["measure"].str.contains("ratio" if scale == "ratio" else "difference")
        ]
        if subset.empty:
            continue
        rows = table[table["figure_id"].isin(subset["figure_id"])]
        caveats = [queries.CROSS_TRIAL] if subset["study_id"].nunique() > 1 else []
        numbers = [
            f"{r.study}, {r.endpoint_label} ({r.time_point}): {r.measure.lower()} "
            f"{r.estimate:.2f} ({r.low:.2f} to {r.high:.2f}), {r.method}"
            for r in queries.records(subset)
        ]
        drafts.append(
            dict(
                phase=phase,
                kind="forest",
                title=f"{PHASE_LABELS[phase]}: {title.lower()}",
                chart_title=title,
                study_ids=tuple(subset["study_id"].unique()),
                option=scale,
                key_numbers=tuple(numbers),
                caveats=tuple(caveats),
                source_line=_source_line(rows),
                citations=_citations(rows),
                note=note,
                figure_ids=tuple(subset["figure_id"].unique()),
            )
        )
    return drafts


def _single_slides(table, studies: list[Study], phase: str, note: str) -> list[dict]:
    """A chart of a study's rates without a control arm; a study with only medians in months
    (another scale) gets a slide that lists them."""
    values = queries.rows_by_study(queries.single_arm_values(table, studies))
    by_study = queries.rows_by_study(table)
    drafts = []
    for study in studies:
        part = values.get(study.id)
        if part is None:
            continue
        rows = by_study[study.id]
        charted = bool((part["unit"] != "months").any())
        drafts.append(
            _draft(
                phase,
                "single" if charted else "facts",
                study.title,
                f"{study.short_label}: figures without a control arm",
                study.id,
                None,
                rows,
                rows,
                study,
                note,
                part,
            )
        )
    return drafts


def _facts_slides(table, phase: str, note: str) -> list[dict]:
    facts = table[table["kind"] == "key_fact"]
    if facts.empty:
        return []
    numbers = [
        f"{r.endpoint_label}: {_value(r)} ({r.time_point}; {r.study})"
        for r in queries.records(facts)
    ]
    return [
        dict(
            phase=phase,
            kind="facts",
            title=f"{PHASE_LABELS[phase]}: registry and programme facts",
            chart_title="Registry and programme facts",
            study_ids=(),
            option=None,
            key_numbers=tuple(numbers),
            caveats=tuple(queries.Badge(label, "warning", label) for label in _flag_labels(facts)),
            source_line=_source_line(facts),
            citations=_citations(facts),
            note=note,
            figure_ids=tuple(facts["figure_id"]),
        )
    ]


def _draft(
    phase, kind, title, chart_title, study_id, option, rows, table, study, note, values
) -> dict:
    numbers = (
        _paired_numbers(values)
        if kind == "arm"
        else [
            f"{r.arm}: {r.endpoint_label}, {r.time_point}: {_value(r)} ({display_n(r.n)})"
            for r in queries.records(values)
        ]
    )
    badges = queries.study_badges(table, study)
    return dict(
        phase=phase,
        kind=kind,
        title=title,
        chart_title=chart_title,
        study_ids=(study_id,),
        option=option,
        key_numbers=tuple(numbers),
        caveats=tuple(badges),
        source_line=_source_line(rows),
        citations=_citations(rows),
        note=note,
        figure_ids=tuple(values["figure_id"]),
    )


def _paired_numbers(values: pd.DataFrame) -> list[str]:
    """One line per comparison: 'endpoint, time: A vs B (n=.. vs ..), p as printed'."""
    lines = []
    keys = ["endpoint_label", "group_time", "subgroup", "origin"]
    for (endpoint, time, subgroup, origin), group in values.groupby(keys, sort=False, dropna=False):
        arms = group.sort_values("arm_role", key=lambda r: r.map({"intervention": 0}).fillna(1))
        numbers = " vs ".join(_value(r) for r in queries.records(arms))
        known = arms["n"].notna().all()
        ns = ("n " + " vs ".join(str(int(n)) for n in arms["n"])) if known else "n not stated"
        where = ", ".join(str(x) for x in (endpoint, subgroup, time) if isinstance(x, str) and x)
        source = " (publication)" if origin == "publication" else ""
        lines.append(
            f"{where}{source}: {numbers} ({ns}), {display_p(arms['p_as_printed'].iloc[0])}"
        )
    return lines


def _value(row) -> str:
    return display_value(row.value, row.as_printed, row.unit, row.flags, row.n)


def _flag_labels(rows: pd.DataFrame) -> list[str]:
    kinds = dict.fromkeys(k for flags in rows["flags"] for k in flags.split(";") if k)
    return [FLAG_LABELS[k] for k in kinds]


def _source_line(rows: pd.DataFrame) -> str:
    """Where the slide's numbers come from, in one line."""
    documents = [d.split(" (")[0] for d in rows["source_document"].dropna().unique() if d]
    publications = rows.loc[rows["origin"] == "publication", "citation"].dropna().unique()
    parts = [f"Source: {'; '.join(documents)}"] if documents else []
    if len(publications):
        parts.append(f"publication figures from {len(publications)} paper(s), see notes")
    return " · ".join(parts) or "Source: see notes"


def _citations(rows: pd.DataFrame) -> tuple[str, ...]:
    cites = [c for c in rows["citation"].dropna().unique() if c]
    docs = [d for d in rows["source_document"].dropna().unique() if d]
    return tuple(dict.fromkeys([*cites, *docs]))


def _note_text(notes: list[Note]) -> str:
    """The phase's integrative note as speaker-note text."""
    parts = []
    for note in notes:
        principles = "; ".join(f"{p.chinese} ({p.pinyin}): {p.gloss}" for p in note.principles)
        parts.append(
            " ".join(
                filter(
                    None,
                    [
                        f"Integrative care: {note.key_message}",
                        f"TCM principles: {principles}." if principles else "",
                        f"Evidence: {note.evidence_level}.",
                        f"Caveat: {note.caveats[0]}",
                    ],
                )
            )
        )
    return "\n".join(parts)
