"""The flat figure table: one row per reported value with its full provenance, typed cells.

Pages, slides, images and exports all read this one table. List-like cells (diseases, flags,
flag notes, linked figures) hold tuples; they become text only at the edge (CSV/JSON, screen).

Labels in the table (endpoint labels, citation status, "Whole study", where an n comes from)
are in the session's language when the table is made; ids, codes and numbers never change.
The app makes the table once per data version and language.
"""

from dataclasses import dataclass

import pandas as pd

from lib.dataset.records import (
    Comparison,
    Count,
    Dataset,
    KeyFact,
    Outcome,
    Provenance,
    Study,
)
from lib.dataset.vocabulary import (
    CITATION_STATUS_LABELS,
    ENDPOINTS,
    FLAG_LABELS,
)
from lib.evidence.text import bracketed, clauses, labelled
from lib.i18n import N_, _

SMALL_N = 20

#: Where an n borrowed from the arm or the whole study comes from (the `n_source` column).
_BORROWED_N = {
    ("arm", "document"): N_("arm size (document)"),
    ("arm", "publication"): N_("arm size (publication)"),
    ("study", "document"): N_("study size (document)"),
    ("study", "publication"): N_("study size (publication)"),
}

EXPORT_COLUMNS = [
    "figure_id",
    "kind",
    "phase",
    "phase_rationale",
    "diseases",
    "study_id",
    "study",
    "design",
    "arms_defined_by",
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
    "p_tests",
    "hr",
    "hr_ci_low",
    "hr_ci_high",
    "favours",
    "statement",
    "origin",
    "source_id",
    "source_document",
    "document_title",
    "citation",
    "pmid",
    "doi",
    "url",
    "citation_status",
    "verification_status",
    "verification_note",
    "locator",
    "verified_on",
    "read_url",
    "flags",
    "flag_notes",
    "excerpt",
    "evidence_ref",
    "linked_figures",
    "headline",
    "dataset_version",
    "last_reviewed",
]


#: Columns the pages read that the exports leave out (the exports keep the printed text): the
#: headline cards' population label, the printed words as read in the session's language
#: (`reads`, `p_reads`), and how a p-value relates to its `p_value` ("=", "<", ">"), for showing
#: it from the number where the printed form has no decimal point.
DISPLAY_COLUMNS = ["population_label", "reads", "p_reads", "p_relation", "comparator_arm_id"]


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
    # Display-only columns ride along, not exported.
    table = pd.DataFrame(rows, columns=[*EXPORT_COLUMNS, *DISPLAY_COLUMNS])
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
    table["linked_figures"] = [v if isinstance(v, tuple) else () for v in table["linked_figures"]]
    # Plain Python strings: pandas' Arrow-backed strings make every row filter slower here.
    strings = [c for c in table.columns if pd.api.types.is_string_dtype(table[c])]
    table = table.astype({c: object for c in strings})
    return table


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
        "source_document": bracketed(document.title, clauses((document.outlet, str(document.date))))
        if document
        else "",
        "document_title": document.title if document else "",
        "citation": publication.citation if publication else "",
        "pmid": publication.pmid if publication else None,
        "doi": publication.doi if publication else None,
        "url": (
            publication.url
            if publication and prov.origin == "publication"
            else (document.url if document else None)
        ),
        "citation_status": _(CITATION_STATUS_LABELS[publication.status]) if publication else "",
        "verification_status": prov.verification.status,
        "verification_note": prov.verification.note,
        "locator": prov.locator,
        "verified_on": prov.verification.date.isoformat() if prov.verification.date else None,
        "read_url": prov.verification.read,
        "flags": tuple(f.kind for f in prov.flags),
        "flag_notes": tuple((f.kind, f.note) for f in prov.flags),
        "excerpt": prov.excerpt,
        "evidence_ref": prov.evidence_ref,
    }


def _study_columns(study: Study, figure=None) -> dict:
    """The study's columns; a figure placed in another phase carries its own phase and reason."""
    own_phase = getattr(figure, "phase", None)
    return {
        "phase": own_phase or study.phase,
        "phase_rationale": getattr(figure, "phase_rationale", None) if own_phase else None,
        "diseases": tuple(study.diseases),
        "study_id": study.id,
        "study": study.short_label,
        "design": study.design,
        "arms_defined_by": study.arms_defined_by,
        "population_label": study.population_label,
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
        "arm": arm.label if arm else _("Whole study"),
        "arm_role": arm.role if arm else None,
        "endpoint": "n",
        "endpoint_label": _("Patients"),
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
        n, n_source = arm.n.value, _borrowed_n("arm", arm.n.origin)
    elif n is None and len(study.arms) == 1 and study.n is not None:  # a whole-cohort figure
        n, n_source = study.n.value, _borrowed_n("study", study.n.origin)
    return {
        **_base(find, outcome, study),
        **_study_columns(study, outcome),
        "figure_id": outcome.id,
        "kind": "outcome",
        "arm_id": arm.id,
        "arm": arm.label,
        "arm_role": arm.role,
        "endpoint": outcome.endpoint,
        "endpoint_label": _(ENDPOINTS[outcome.endpoint][0]),
        "endpoint_wording": outcome.endpoint_wording,
        "subgroup": outcome.subgroup,
        "time_point": outcome.time_point.label,
        "time_point_months": outcome.time_point.months,
        "value": outcome.value,
        "as_printed": outcome.as_printed,
        "reads": outcome.reads,
        "unit": outcome.unit,
        "n": n,
        "n_source": n_source if n is not None else None,
        "events": outcome.events,
        "ci_low": outcome.ci.low if outcome.ci else None,
        "ci_high": outcome.ci.high if outcome.ci else None,
        "headline": outcome.headline,
        "linked_figures": tuple(compared_in),
    }


def _borrowed_n(whose: str, origin: str) -> str:
    """'arm size (document)': where a borrowed n comes from, in the session's language."""
    return _(_BORROWED_N[whose, origin])


def _comparison_row(find: _Lookup, comp: Comparison) -> dict:
    study = find.studies[comp.study]
    return {
        **_base(find, comp, study),
        **_study_columns(study, comp),
        "figure_id": comp.id,
        "kind": "comparison",
        "arm_id": comp.intervention_arm,
        "arm": _arm_label(study, comp.intervention_arm),
        "arm_role": "intervention",
        "comparator_arm": _arm_label(study, comp.control_arm),
        "comparator_arm_id": comp.control_arm,
        "endpoint": comp.endpoint,
        "endpoint_label": _(ENDPOINTS[comp.endpoint][0]),
        "endpoint_wording": comp.endpoint_wording,
        "subgroup": comp.subgroup,
        "time_point": comp.time_point.label,
        "time_point_months": comp.time_point.months,
        "value": comp.hr.value if comp.hr else None,
        "as_printed": comp.hr.as_printed if comp.hr else (comp.p.as_printed if comp.p else ""),
        "unit": "hazard ratio" if comp.hr else "",
        "reads": comp.p.reads if comp.p and not comp.hr else None,
        "p_as_printed": comp.p.as_printed if comp.p else None,
        "p_reads": comp.p.reads if comp.p else None,
        "p_value": comp.p.value if comp.p else None,
        "p_relation": comp.p.relation if comp.p else None,
        "p_tests": comp.p.tests if comp.p else None,
        "hr": comp.hr.value if comp.hr else None,
        "hr_ci_low": comp.hr.ci.low if comp.hr and comp.hr.ci else None,
        "hr_ci_high": comp.hr.ci.high if comp.hr and comp.hr.ci else None,
        "favours": comp.favours,
        "statement": comp.statement,
        "headline": comp.headline,
        "linked_figures": tuple(comp.outcomes),
    }


def _key_fact_row(find: _Lookup, fact: KeyFact) -> dict:
    base = _base(find, fact, None)
    publication = find.publications.get(fact.publication)
    if publication and not base["citation"]:
        base.update(
            citation=publication.citation,
            pmid=publication.pmid,
            doi=publication.doi,
            citation_status=_(CITATION_STATUS_LABELS[publication.status]),
        )
    return {
        **base,
        "figure_id": fact.id,
        "kind": "key_fact",
        "phase": fact.phase,
        "diseases": tuple(fact.diseases),
        "study": fact.scope,
        "arm": "",
        "endpoint": "key_fact",
        "endpoint_label": fact.label,
        "time_point": fact.time_point.label,
        "time_point_months": fact.time_point.months,
        "value": fact.value,
        "as_printed": fact.as_printed,
        "reads": fact.reads,
        "unit": fact.counted or fact.unit,
        "headline": fact.headline,
    }


def export_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The table as text at the edge: list cells joined (';' for ids, ' | ' for notes). Column
    names stay the ids; flag labels are in the session's language."""
    frame = table[EXPORT_COLUMNS].copy()
    for column in ("diseases", "flags", "linked_figures"):
        frame[column] = frame[column].map(";".join)
    frame["flag_notes"] = frame["flag_notes"].map(
        lambda notes: " | ".join(labelled(_(FLAG_LABELS[kind]), note) for kind, note in notes)
    )
    return frame


def export_headers() -> list[str]:
    """The export's column headings in the session's language: the ids themselves in English
    (what scripts read), their Chinese names in Chinese."""
    return [_(column) for column in EXPORT_COLUMNS]
