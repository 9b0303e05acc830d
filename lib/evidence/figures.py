"""Pure questions asked of the dataset: (Dataset, filters) -> DataFrames and small records.

Everything derives from one flat table, `figure_table`, with one row per reported value and its
full provenance, so pages, charts and exports show the same numbers with the same sources.
"""

import functools
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from lib.dataset.records import (
    Comparison,
    Count,
    Dataset,
    KeyFact,
    Note,
    Outcome,
    Provenance,
    Study,
)
from lib.dataset.vocabulary import (
    CITATION_STATUS_LABELS,
    DESIGN_LABELS,
    DISEASES,
    ENDPOINTS,
    FLAG_LABELS,
    LOWER_IS_BETTER,
    PHASE_LABELS,
    PHASE_SUMMARIES,
    PHASES,
    UNIT_LABELS,
    VERIFICATION_LABELS,
)
from lib.evidence import stats
from lib.evidence.text import display_p, display_value

SMALL_N = 20

EXPORT_COLUMNS = [
    "figure_id",
    "kind",
    "phase",
    "diseases",
    "study_id",
    "study",
    "design",
    "arm_id",
    "arm",
    "arm_role",
    "comparator_arm",
    "endpoint",
    "endpoint_label",
    "endpoint_wording",
    "subgroup",
    "time_point",
    "time_point_months",
    "value",
    "as_printed",
    "unit",
    "n",
    "n_source",
    "events",
    "ci_low",
    "ci_high",
    "p_as_printed",
    "p_value",
    "hr",
    "hr_ci_low",
    "hr_ci_high",
    "favours",
    "statement",
    "origin",
    "source_id",
    "source_document",
    "citation",
    "pmid",
    "doi",
    "url",
    "citation_status",
    "verification_status",
    "verification_note",
    "flags",
    "flag_notes",
    "excerpt",
    "evidence_ref",
    "linked_figures",
    "headline",
    "dataset_version",
    "last_reviewed",
]


# --- the flat table ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lookup:
    """Records by id, built once per table so each row is found in constant time."""

    studies: dict
    publications: dict
    documents: dict
    compared_in: dict  # outcome id -> ids of the comparisons that list it

    @classmethod
    def of(cls, ds: Dataset) -> "_Lookup":
        compared_in: dict[str, list[str]] = {}
        for comp in ds.comparisons:
            for outcome_id in comp.outcomes:
                compared_in.setdefault(outcome_id, []).append(comp.id)
        return cls(
            studies={s.id: s for s in reversed(ds.studies)},  # the first of a repeated id wins
            publications={p.id: p for p in reversed(ds.publications)},
            documents={d.id: d for d in reversed(ds.documents)},
            compared_in=compared_in,
        )


def figure_table(ds: Dataset) -> pd.DataFrame:
    """Every reported value (outcomes, comparisons, key facts, sample sizes) as one row each."""
    rows: list[dict] = []
    find = _Lookup.of(ds)
    for study in ds.studies:
        for kind, count in (("sample_size", study.n), ("sample_size", study.n_published)):
            if count is not None:
                rows.append(_count_row(find, study, None, count, kind))
        for arm in study.arms:
            if arm.n is not None:
                rows.append(_count_row(find, study, arm.id, arm.n, "sample_size"))
    rows.extend(_outcome_row(find, o) for o in ds.outcomes)
    rows.extend(_comparison_row(find, c) for c in ds.comparisons)
    rows.extend(_key_fact_row(find, f) for f in ds.key_facts)
    table = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    table["dataset_version"] = ds.info.version
    table["last_reviewed"] = ds.info.last_reviewed.isoformat()
    # Also on the frame itself, so an export of an empty selection still names its dataset.
    table.attrs.update(
        dataset_version=ds.info.version, last_reviewed=ds.info.last_reviewed.isoformat()
    )
    for column in (
        "n",
        "events",
        "time_point_months",
        "value",
        "ci_low",
        "ci_high",
        "p_value",
        "hr",
        "hr_ci_low",
        "hr_ci_high",
    ):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    for column in ("n", "events"):
        table[column] = table[column].astype("Int64")
    # Plain Python strings: pandas' Arrow-backed strings make each row filter ~4x slower here.
    strings = [c for c in table.columns if pd.api.types.is_string_dtype(table[c])]
    table = table.astype({c: object for c in strings})
    return table


def records(frame: pd.DataFrame) -> list:
    """The rows as named tuples, like `DataFrame.itertuples()` (Index first), ~15x faster on this
    wide table: pandas builds itertuples column by column, this converts the frame once."""
    row = _row_type(tuple(frame.columns))
    values = frame.to_numpy(dtype=object).tolist()
    return [row(index, *cells) for index, cells in zip(frame.index, values, strict=True)]


@functools.lru_cache(maxsize=64)
def _row_type(columns: tuple[str, ...]) -> type:
    return namedtuple("Row", ["Index", *columns], rename=True)


def filter_table(
    table: pd.DataFrame, diseases: Iterable[str] = DISEASES, phase: str | None = None
) -> pd.DataFrame:
    """Rows whose diseases overlap the selection, optionally for one phase."""
    wanted = set(diseases)
    mask = table["diseases"].map(lambda value: bool(wanted & set(value.split(";"))))
    if phase is not None:
        mask &= table["phase"] == phase
    return table[mask].reset_index(drop=True)


def _base(find: _Lookup, prov: Provenance, study: Study | None) -> dict:
    publication_id = study.publication if study else None
    if prov.origin == "publication":
        publication_id = prov.source
    publication = find.publications.get(publication_id)
    document_id = prov.source if prov.origin == "document" else (study.document if study else None)
    document = find.documents.get(document_id)
    return {
        "origin": prov.origin,
        "source_id": prov.source,
        "source_document": f"{document.title} ({document.outlet}, {document.date})"
        if document
        else "",
        "citation": publication.citation if publication else "",
        "pmid": publication.pmid if publication else None,
        "doi": publication.doi if publication else None,
        "url": (
            publication.url
            if publication and prov.origin == "publication"
            else (document.url if document else None)
        ),
        "citation_status": CITATION_STATUS_LABELS[publication.status] if publication else "",
        "verification_status": prov.verification.status,
        "verification_note": prov.verification.note,
        "flags": ";".join(f.kind for f in prov.flags),
        "flag_notes": " | ".join(f"{FLAG_LABELS[f.kind]}: {f.note}" for f in prov.flags),
        "excerpt": prov.excerpt,
        "evidence_ref": prov.evidence_ref,
    }


def _study_columns(study: Study) -> dict:
    return {
        "phase": study.phase,
        "diseases": ";".join(study.diseases),
        "study_id": study.id,
        "study": study.short_label,
        "design": study.design,
    }


def _arm_label(study: Study, arm_id: str | None) -> str:
    return next((a.label for a in study.arms if a.id == arm_id), "")


def _count_row(find: _Lookup, study: Study, arm_id: str | None, count: Count, kind: str) -> dict:
    arm = next((a for a in study.arms if a.id == arm_id), None)
    figure_id = f"{arm_id or study.id}.n" + (".pub" if count.origin == "publication" else "")
    return {
        **_base(find, count, study),
        **_study_columns(study),
        "figure_id": figure_id,
        "kind": kind,
        "arm_id": arm_id,
        "arm": arm.label if arm else "Whole study",
        "arm_role": arm.role if arm else None,
        "endpoint": "n",
        "endpoint_label": "Patients",
        "time_point": "",
        "value": count.value,
        "as_printed": count.as_printed,
        "unit": "patients",
        "n_source": count.origin,
        "headline": False,
    }


def _outcome_row(find: _Lookup, outcome: Outcome) -> dict:
    study = find.studies[outcome.study]
    compared_in = find.compared_in.get(outcome.id, [])
    arm = next(a for a in study.arms if a.id == outcome.arm)
    n, n_source = outcome.n, outcome.origin
    if outcome.has_flag("no_denominator"):  # the source gives none; never borrow one
        pass
    elif n is None and arm.n is not None:  # the arm's size, with its own provenance
        n, n_source = arm.n.value, f"arm size ({arm.n.origin})"
    elif n is None and len(study.arms) == 1 and study.n is not None:  # a whole-cohort figure
        n, n_source = study.n.value, f"study size ({study.n.origin})"
    return {
        **_base(find, outcome, study),
        **_study_columns(study),
        "figure_id": outcome.id,
        "kind": "outcome",
        "arm_id": arm.id,
        "arm": arm.label,
        "arm_role": arm.role,
        "endpoint": outcome.endpoint,
        "endpoint_label": ENDPOINTS[outcome.endpoint][0],
        "endpoint_wording": outcome.endpoint_wording,
        "subgroup": outcome.subgroup,
        "time_point": outcome.time_point.label,
        "time_point_months": outcome.time_point.months,
        "value": outcome.value,
        "as_printed": outcome.as_printed,
        "unit": outcome.unit,
        "n": n,
        "n_source": n_source if n is not None else None,
        "events": outcome.events,
        "ci_low": outcome.ci.low if outcome.ci else None,
        "ci_high": outcome.ci.high if outcome.ci else None,
        "headline": outcome.headline,
        "linked_figures": ";".join(compared_in),
    }


def _comparison_row(find: _Lookup, comp: Comparison) -> dict:
    study = find.studies[comp.study]
    return {
        **_base(find, comp, study),
        **_study_columns(study),
        "figure_id": comp.id,
        "kind": "comparison",
        "arm_id": comp.intervention_arm,
        "arm": _arm_label(study, comp.intervention_arm),
        "arm_role": "intervention",
        "comparator_arm": _arm_label(study, comp.control_arm),
        "endpoint": comp.endpoint,
        "endpoint_label": ENDPOINTS[comp.endpoint][0],
        "endpoint_wording": comp.endpoint_wording,
        "subgroup": comp.subgroup,
        "time_point": comp.time_point.label,
        "time_point_months": comp.time_point.months,
        "value": comp.hr.value if comp.hr else None,
        "as_printed": comp.hr.as_printed if comp.hr else (comp.p.as_printed if comp.p else ""),
        "unit": "hazard ratio" if comp.hr else "",
        "p_as_printed": comp.p.as_printed if comp.p else None,
        "p_value": comp.p.value if comp.p else None,
        "hr": comp.hr.value if comp.hr else None,
        "hr_ci_low": comp.hr.ci.low if comp.hr and comp.hr.ci else None,
        "hr_ci_high": comp.hr.ci.high if comp.hr and comp.hr.ci else None,
        "favours": comp.favours,
        "statement": comp.statement,
        "headline": comp.headline,
        "linked_figures": ";".join(comp.outcomes),
    }


def _key_fact_row(find: _Lookup, fact: KeyFact) -> dict:
    base = _base(find, fact, None)
    publication = find.publications.get(fact.publication)
    if publication and not base["citation"]:
        base.update(
            citation=publication.citation,
            pmid=publication.pmid,
            doi=publication.doi,
            citation_status=CITATION_STATUS_LABELS[publication.status],
        )
    return {
        **base,
        "figure_id": fact.id,
        "kind": "key_fact",
        "phase": fact.phase,
        "diseases": ";".join(fact.diseases),
        "study": fact.scope,
        "arm": "",
        "endpoint": "key_fact",
        "endpoint_label": fact.label,
        "time_point": fact.time_point.label,
        "time_point_months": fact.time_point.months,
        "value": fact.value,
        "as_printed": fact.as_printed,
        "unit": fact.counted or fact.unit,
        "headline": fact.headline,
    }


# --- phase pages ---------------------------------------------------------------------------


def phase_studies(ds: Dataset, phase: str, diseases: Iterable[str]) -> list[Study]:
    """Studies of one phase that concern at least one selected disease, in dataset order."""
    wanted = set(diseases)
    return [s for s in ds.studies if s.phase == phase and wanted & set(s.diseases)]


def studies_by_disease(ds: Dataset, phase: str) -> dict[str, int]:
    """How many studies of the phase concern each disease (for empty states)."""
    return {d: sum(1 for s in ds.studies if s.phase == phase and d in s.diseases) for d in DISEASES}


def rows_by_study(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each study's rows, split once (filtering per study would grow with studies x rows)."""
    return {study_id: rows for study_id, rows in table.groupby("study_id", sort=False)}


def comparative_studies(studies: list[Study]) -> list[Study]:
    return [s for s in studies if s.is_comparative]


def chart_values(table: pd.DataFrame) -> pd.DataFrame:
    """Outcome rows with a plotting value on one scale: percentages, or counts shown as % of n.

    Counts with a denominator become percentages marked `computed`; CIs come from the
    publication where it gives them, else from events/n (Wilson), else none. Rows without a
    usable number (truncated, direction-only, counts without n, months) keep `plot_value` NaN.
    """
    frame = table[table["kind"] == "outcome"].reset_index(drop=True)
    value, n, unit = frame["value"], frame["n"].astype("float64"), frame["unit"]
    counted = (unit == "patients") & value.notna() & (n > 0)
    frame["plot_value"] = value.where(unit.isin(["percent", "months"]))
    frame.loc[counted, "plot_value"] = 100 * value[counted] / n[counted]
    frame["plot_unit"] = unit.map(lambda u: UNIT_LABELS.get(u, u)).where(~counted, "%")
    frame["computed"] = counted
    events = frame["events"].astype("float64").where(frame["events"].notna(), value.where(counted))
    published = frame["ci_low"].notna()
    computable = ~published & events.notna() & (n > 0) & unit.isin(["percent", "patients"])
    frame["ci_method"] = ""
    frame.loc[published, "ci_method"] = "95% CI as published"
    frame.loc[computable, "ci_method"] = "95% CI computed from events/n (Wilson)"
    intervals = [
        stats.wilson_interval(int(e), int(total))
        for e, total in zip(events[computable], n[computable], strict=True)
    ]
    if intervals:
        frame.loc[computable, "ci_low"] = [100 * i.low for i in intervals]
        frame.loc[computable, "ci_high"] = [100 * i.high for i in intervals]
    return frame


def arm_outcomes(table: pd.DataFrame, study_id: str) -> pd.DataFrame:
    """A comparative study's per-arm values (intervention and control arms) with p as printed."""
    rows = table[table["study_id"] == study_id]
    values = chart_values(rows)
    values = values[values["arm_role"].isin(["intervention", "control"])].reset_index(drop=True)
    comparisons = {r.figure_id: r for r in records(rows[rows["kind"] == "comparison"])}
    linked = [
        [comparisons[i] for i in _ids(ids) if i in comparisons] for ids in values["linked_figures"]
    ]
    values["p_as_printed"] = [_printed_p(comps) for comps in linked]
    # Both arms of a comparison share its time point, even where each arm's own label differs.
    values["group_time"] = [
        comps[0].time_point if comps else time
        for comps, time in zip(linked, values["time_point"], strict=True)
    ]
    return values


def _printed_p(comparisons: list) -> str | None:
    """The printed p of the first comparison listing an outcome that prints one."""
    for comp in comparisons:
        if isinstance(comp.p_as_printed, str):
            truncated = "truncated" in comp.flags.split(";")
            return comp.p_as_printed + (" (truncated in source)" if truncated else "")
    return None


def _ids(joined) -> list[str]:
    return [i for i in (joined or "").split(";") if i]


def direction_claims(table: pd.DataFrame, study_id: str) -> pd.DataFrame:
    """A study's comparisons stated without per-arm values (direction, p, HR), as statements."""
    comps = table[(table["kind"] == "comparison") & (table["study_id"] == study_id)]
    return comps[comps["linked_figures"] == ""].reset_index(drop=True)


def single_arm_values(table: pd.DataFrame, studies: list[Study]) -> pd.DataFrame:
    """Outcomes not paired with a control: single-arm, registry and case figures of the phase."""
    ids = {s.id for s in studies}
    values = chart_values(table[table["study_id"].isin(ids)])
    return values[values["arm_role"] == "single"].reset_index(drop=True)


def effect_rows(table: pd.DataFrame, study_ids: Iterable[str]) -> pd.DataFrame:
    """Forest-plot rows: published hazard ratios and risk differences/ratios from events/n."""
    ids = set(study_ids)
    comps = table[(table["kind"] == "comparison") & table["study_id"].isin(ids)]
    outcomes = table[table["kind"] == "outcome"].set_index("figure_id")
    rows = []
    for _, comp in comps.iterrows():
        base = {
            "study": comp["study"],
            "study_id": comp["study_id"],
            "endpoint_label": comp["endpoint_label"],
            "endpoint": comp["endpoint"],
            "time_point": comp["time_point"],
            "figure_id": comp["figure_id"],
            "p_as_printed": comp["p_as_printed"],
            "origin": comp["origin"],
            "lower_is_better": comp["endpoint"] in LOWER_IS_BETTER,
        }
        if pd.notna(comp["hr"]):
            rows.append(
                {
                    **base,
                    "measure": "Hazard ratio",
                    "estimate": comp["hr"],
                    "low": comp["hr_ci_low"],
                    "high": comp["hr_ci_high"],
                    "method": "as published",
                    "n_text": "",
                }
            )
        pair = _event_pair(comp, outcomes)
        if pair is not None:
            (e_a, n_a), (e_b, n_b) = pair
            rd = stats.risk_difference(e_a, n_a, e_b, n_b)
            rr = stats.risk_ratio(e_a, n_a, e_b, n_b)
            n_text = f"{e_a}/{n_a} vs {e_b}/{n_b}"
            rows.append(
                {
                    **base,
                    "measure": "Risk difference (percentage points)",
                    "estimate": 100 * rd.value,
                    "low": 100 * rd.low,
                    "high": 100 * rd.high,
                    "method": f"computed from events/n ({rd.method})",
                    "n_text": n_text,
                }
            )
            rows.append(
                {
                    **base,
                    "measure": "Risk ratio",
                    "estimate": rr.value,
                    "low": rr.low,
                    "high": rr.high,
                    "method": f"computed from events/n ({rr.method})",
                    "n_text": n_text,
                }
            )
    columns = [
        "study",
        "study_id",
        "endpoint_label",
        "endpoint",
        "time_point",
        "figure_id",
        "p_as_printed",
        "origin",
        "lower_is_better",
        "measure",
        "estimate",
        "low",
        "high",
        "method",
        "n_text",
    ]
    return pd.DataFrame(rows, columns=columns)


def _event_pair(comp: pd.Series, outcomes: pd.DataFrame):
    """(events, n) for both arms when the comparison's outcomes print both; else None."""
    by_role = {}
    for figure_id in _ids(comp["linked_figures"]):
        row = outcomes.loc[figure_id]
        if pd.notna(row["events"]) and pd.notna(row["n"]):
            by_role[row["arm_role"]] = (int(row["events"]), int(row["n"]))
    if {"intervention", "control"} <= by_role.keys():
        return by_role["intervention"], by_role["control"]
    return None


@dataclass(frozen=True)
class Headline:
    """A key number of a phase for a metric card, with its source line and caveats."""

    figure_id: str
    label: str
    value: str
    detail: str
    source: str
    flags: tuple[str, ...]
    origin: str


def headlines(table: pd.DataFrame) -> list[Headline]:
    """The phase's headline figures (chosen in the data), formatted for metric cards."""
    items = []
    for _, row in table[table["headline"].fillna(False).astype(bool)].iterrows():
        if row["kind"] == "comparison":
            pair = table[table["figure_id"].isin(_ids(row["linked_figures"]))]
            by_role = {r["arm_role"]: r for _, r in pair.iterrows()}
            value = " vs ".join(
                _display(by_role[role]) for role in ("intervention", "control") if role in by_role
            )
            ns = " vs ".join(
                f"{int(by_role[role]['n']):,}"
                for role in ("intervention", "control")
                if role in by_role and pd.notna(by_role[role]["n"])
            )
            label = f"{row['endpoint_label']}: {row['arm']} vs {row['comparator_arm']}"
            detail = " · ".join(
                filter(
                    None,
                    [
                        row["time_point"],
                        f"n {ns}" if ns else "n not stated",
                        display_p(row["p_as_printed"], row["flags"]),
                    ],
                )
            )
        else:
            value = _display(row)
            label = (
                row["endpoint_label"]
                if row["kind"] == "key_fact"
                else (f"{row['endpoint_label']}: {row['arm']}")
            )
            n = f"n {int(row['n']):,}" if pd.notna(row["n"]) else "n not stated"
            detail = " · ".join(
                filter(None, [row["time_point"], n if row["kind"] != "key_fact" else row["study"]])
            )
        items.append(
            Headline(
                figure_id=row["figure_id"],
                label=label,
                value=value,
                detail=detail,
                source=source_line(row),
                origin=row["origin"],
                flags=tuple(FLAG_LABELS[f] for f in row["flags"].split(";") if f),
            )
        )
    return items


def _display(row: pd.Series) -> str:
    return display_value(row["value"], row["as_printed"], row["unit"], row["flags"], row["n"])


def source_line(row: pd.Series) -> str:
    """A one-line source for a figure: study, document or publication, verification."""
    where = (
        ("Publication: " + _short_citation(row["citation"]))
        if row["origin"] == "publication"
        else "Document: " + row["source_document"].split(" (")[0]
    )
    return f"{where} · {VERIFICATION_LABELS[row['verification_status']]}"


def _short_citation(citation: str) -> str:
    return citation if len(citation) <= 90 else citation[:87].rsplit(" ", 1)[0] + "…"


# --- badges --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str  # "info" | "warning"
    help: str


def study_badges(table: pd.DataFrame, study: Study) -> list[Badge]:
    """The caveats a clinician needs before reading a study's figures."""
    rows = table[table["study_id"] == study.id]
    badges = [
        Badge(
            DESIGN_LABELS[study.design],
            "info" if study.design == "rct" else "warning",
            study.design_note or "Design as reported in the source.",
        )
    ]
    if study.design != "rct" and study.is_comparative:
        badges.append(
            Badge(
                "Not randomised",
                "warning",
                "Arms were not allocated at random; differences may reflect selection.",
            )
        )
    sizes = [int(n) for n in rows.loc[rows["kind"] == "sample_size", "value"].dropna()]
    if sizes and min(sizes) < SMALL_N:
        badges.append(
            Badge(
                f"Small n (smallest group {min(sizes)})",
                "warning",
                f"At least one group has fewer than {SMALL_N} patients.",
            )
        )
    if not sizes and study.design != "case_report":
        badges.append(Badge("n not stated", "warning", "The source gives no sample size."))
    flags = set(";".join(rows["flags"].fillna("")).split(";")) - {""}
    statuses = set(rows["verification_status"])
    for kind in (
        "truncated",
        "discrepant",
        "setting_uncertain",
        "endpoint_unclear",
        "non_randomised_comparison",
    ):
        if kind in flags:
            badges.append(Badge(FLAG_LABELS[kind], "warning", _flag_help(rows, kind)))
    if (
        statuses & {"not_verified_discrepant_with_published", "discrepant_minor"}
        and "discrepant" not in flags
    ):
        badges.append(
            Badge(
                FLAG_LABELS["discrepant"],
                "warning",
                "At least one figure differs from the publication.",
            )
        )
    return badges


def _flag_help(rows: pd.DataFrame, kind: str) -> str:
    notes = rows.loc[rows["flags"].str.contains(kind), "flag_notes"]
    prefix = FLAG_LABELS[kind] + ": "
    for note in notes:
        for part in note.split(" | "):
            if part.startswith(prefix):
                return part.removeprefix(prefix)
    return FLAG_LABELS[kind]


CROSS_TRIAL = Badge(
    "Cross-trial view",
    "warning",
    "Rows come from different studies with different patients, endpoints and "
    "follow-up; compare within a row, not between rows.",
)


# --- notes, overview, bibliography ---------------------------------------------------------


def phase_notes(ds: Dataset, phase: str, diseases: Iterable[str]) -> list[Note]:
    wanted = set(diseases)
    return [n for n in ds.notes if n.phase == phase and wanted & set(n.diseases)]


def phase_overview(ds: Dataset, table: pd.DataFrame, diseases: Iterable[str]) -> pd.DataFrame:
    """One row per phase: studies and figures for the selected diseases, and its headlines."""
    diseases = list(diseases)
    selected = filter_table(table, diseases)
    rows = []
    for phase in PHASES:
        in_phase = selected[selected["phase"] == phase]
        rows.append(
            {
                "phase": phase,
                "label": PHASE_LABELS[phase],
                "summary": PHASE_SUMMARIES[phase],
                "studies": len(phase_studies(ds, phase, diseases)),
                "figures": int((in_phase["kind"] != "sample_size").sum()),
                "headlines": headlines(in_phase),
            }
        )
    return pd.DataFrame(rows)


def bibliography(ds: Dataset, table: pd.DataFrame) -> pd.DataFrame:
    """Source documents and publications with what was checked and how many figures use each."""
    uses = table.groupby("source_id")["figure_id"].count()
    study_uses = pd.Series([s.publication for s in ds.studies]).value_counts()
    rows = [
        {
            "kind": "Source document",
            "id": d.id,
            "reference": f"{d.title}. {d.outlet}, {d.date}.",
            "link": d.url,
            "status": "Source document",
            "checked": d.translation_note or "",
            "figures": int(uses.get(d.id, 0)),
        }
        for d in ds.documents
    ]
    for p in ds.publications:
        link = p.url or (f"https://doi.org/{p.doi}" if p.doi else None)
        rows.append(
            {
                "kind": "Publication",
                "id": p.id,
                "reference": p.citation,
                "link": link,
                "pmid": p.pmid,
                "doi": p.doi,
                "status": CITATION_STATUS_LABELS[p.status],
                "checked": p.checked + (f" Unconfirmed: {p.unconfirmed}" if p.unconfirmed else ""),
                "figures": int(uses.get(p.id, 0)),
                "studies": int(study_uses.get(p.id, 0)),
            }
        )
    return pd.DataFrame(rows)


def glossary_table(ds: Dataset) -> pd.DataFrame:
    documents = {d.id: d.title for d in ds.documents}
    return pd.DataFrame(
        [
            {
                "source_wording": t.source_wording,
                "correct_term": t.correct_term,
                "chinese": t.chinese or "",
                "confidence": t.confidence,
                "basis": t.basis,
                "document": documents[t.document],
            }
            for t in ds.glossary
        ]
    )
