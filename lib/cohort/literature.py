"""The centre's estimates beside the published figures of the dataset, with their provenance.

Matches on disease, endpoint (os, cir, nrm) and time point in months; reads the Dataset's
validated records (studies, outcomes, sources) directly. Not risk-adjusted: different patients.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lib.cohort.estimates import ENDPOINTS, CohortEstimates, Landmark
from lib.cohort.records import ALL_PATIENTS
from lib.dataset.vocabulary import DISEASES, PHASES
from lib.i18n import N_

if TYPE_CHECKING:  # the records are read, never built, here
    from lib.dataset.records import Arm, Dataset, Outcome, Study

#: What the page writes over every comparison (English; show it as ``_(CAVEAT)``).
CAVEAT = N_("Not risk-adjusted; different patients.")
#: Dataset endpoint id -> the cohort endpoint it is comparable with. Only time-to-event figures
#: read at a time point compare: a crude relapse proportion (relapse_crude) or leukaemia-free
#: survival (lfs) is a different quantity from the cohort's CIR or OS.
DATASET_ENDPOINTS = {endpoint: endpoint for endpoint in ENDPOINTS}
_SAME_MONTH = 1e-9


@dataclass(frozen=True)
class BesideLiterature:
    """One published figure and the centre's estimate for the same disease, endpoint and time.

    Values in percent. The `published_*` fields and `record_id`, `source_*`, `verification` and
    `flags` are the figure's provenance; `phase` is the cohort's time origin and `study_phase`
    the phase the study belongs to (e.g. post-transplant maintenance: maintenance, timed from
    transplant), so `same_phase` is a hint, not a rule.
    """

    record_id: str
    study_id: str
    study_label: str
    arm_label: str
    subgroup: str | None
    study_phase: str
    study_diseases: tuple[str, ...]
    endpoint: str
    months: float
    time_label: str
    published_value: float | None
    published_as_printed: str
    published_ci_low: float | None
    published_ci_high: float | None
    published_n: int | None
    origin: str
    source_id: str
    source_label: str
    verification: str
    flags: tuple[str, ...]
    disease: str
    phase: str
    group: str
    centre_patients: int
    centre_estimate: float | None
    centre_ci_low: float | None
    centre_ci_high: float | None
    centre_at_risk: int
    centre_events: int
    centre_warnings: tuple[str, ...]
    #: The time origin the published figure is measured from (see `figure_origin`).
    published_origin: str = ""

    @property
    def same_phase(self) -> bool:
        return self.phase == self.study_phase

    @property
    def same_origin(self) -> bool:
        """Whether the published figure counts time from the cohort's time origin: only then
        do the two stand on one axis."""
        return self.published_origin == self.phase


#: A time point's label that names its origin (the dataset's labels are English).
# The words of a time-point label that name its origin, in the dataset's two languages (a
# Chinese session reads the translated label; tests check both give every figure one origin).
_ORIGIN_IN_LABEL = (
    (
        "transplant",
        re.compile(r"transplant|hsct|\bhct\b|\bsct\b|allograft|移植", re.IGNORECASE),
    ),
    (
        "relapse",
        re.compile(r"from relapse|after relapse|since relapse|复发后|自复发", re.IGNORECASE),
    ),
    ("induction", re.compile(r"induction|diagnosis|诱导|诊断", re.IGNORECASE)),
    ("consolidation", re.compile(r"consolidation|\bremission\b|巩固|缓解", re.IGNORECASE)),
)


def figure_origin(time_label: str, study_phase: str) -> str:
    """The time origin of a published figure: the one its time point names ("2 years after
    transplant", "2 years from relapse"), else the phase its study belongs to."""
    for origin, pattern in _ORIGIN_IN_LABEL:
        if pattern.search(time_label or ""):
            return origin
    return study_phase


def split_by_origin(
    rows: Iterable["BesideLiterature"],
) -> tuple[list["BesideLiterature"], list["BesideLiterature"]]:
    """(rows on the cohort's time origin, rows measured from another): never one axis for two
    origins."""
    same, other = [], []
    for row in rows:
        (same if row.same_origin else other).append(row)
    return same, other


def comparable_outcomes(dataset: "Dataset") -> list["Outcome"]:
    """The dataset's outcomes a cohort estimate can stand beside: percent, a time in months."""
    return [
        outcome
        for outcome in dataset.outcomes
        if outcome.endpoint in DATASET_ENDPOINTS
        and outcome.unit == "percent"
        and outcome.time_point.months is not None
    ]


def literature_time_points(
    dataset: "Dataset", diseases: Iterable[str] | None = None
) -> tuple[float, ...]:
    """Every time point (months) of a comparable published figure, for the given diseases.

    Pass them as extra landmark times so that every published figure finds its centre estimate.
    """
    wanted = None if diseases is None else set(diseases)
    studies = {study.id: study for study in dataset.studies}
    return tuple(
        sorted(
            {
                float(outcome.time_point.months)
                for outcome in comparable_outcomes(dataset)
                if wanted is None or wanted & set(studies[outcome.study].diseases)
            }
        )
    )


def beside_literature(
    dataset: "Dataset", estimates: CohortEstimates | Iterable[Landmark]
) -> tuple[BesideLiterature, ...]:
    """Each comparable published figure next to each centre estimate that matches it.

    A centre estimate matches when its disease is one of the study's diseases and its endpoint
    and time (months) are the figure's; every phase and group of the cohort is listed, so the
    page can choose. A published figure whose time the estimates do not include is left out:
    ask for `literature_time_points(dataset)` when estimating.
    """
    landmarks = estimates.landmarks if isinstance(estimates, CohortEstimates) else estimates
    studies = {study.id: study for study in dataset.studies}
    arms = {arm.id: arm for study in dataset.studies for arm in study.arms}
    sources = {document.id: document.title for document in dataset.documents}
    sources.update({publication.id: publication.short for publication in dataset.publications})
    by_key: dict[tuple[str, str], list[Landmark]] = {}
    for landmark in landmarks:
        by_key.setdefault((landmark.disease, landmark.endpoint), []).append(landmark)
    rows = []
    for outcome in comparable_outcomes(dataset):
        study = studies[outcome.study]
        months = float(outcome.time_point.months)
        for disease in study.diseases:
            for landmark in by_key.get((disease, DATASET_ENDPOINTS[outcome.endpoint]), ()):
                if abs(landmark.months - months) < _SAME_MONTH:
                    rows.append(_row(outcome, study, arms[outcome.arm], sources, landmark))
    return tuple(sorted(rows, key=_display_order))


def _row(
    outcome: "Outcome", study: "Study", arm: "Arm", sources: dict[str, str], landmark: Landmark
) -> BesideLiterature:
    return BesideLiterature(
        record_id=outcome.id,
        study_id=study.id,
        study_label=study.short_label,
        arm_label=arm.label,
        subgroup=outcome.subgroup,
        study_phase=study.phase,
        study_diseases=tuple(study.diseases),
        endpoint=outcome.endpoint,
        months=float(outcome.time_point.months),
        time_label=outcome.time_point.label,
        published_value=outcome.value,
        published_as_printed=outcome.as_printed,
        published_ci_low=outcome.ci.low if outcome.ci else None,
        published_ci_high=outcome.ci.high if outcome.ci else None,
        published_n=outcome.n,
        origin=outcome.origin,
        source_id=outcome.source,
        source_label=sources.get(outcome.source, outcome.source),
        verification=outcome.verification.status,
        flags=tuple(flag.kind for flag in outcome.flags),
        disease=landmark.disease,
        phase=landmark.phase,
        group=landmark.group,
        centre_patients=landmark.patients,
        centre_estimate=landmark.estimate,
        centre_ci_low=landmark.ci_low,
        centre_ci_high=landmark.ci_high,
        centre_at_risk=landmark.at_risk,
        centre_events=landmark.events,
        centre_warnings=landmark.warnings,
        published_origin=figure_origin(outcome.time_point.label, study.phase),
    )


def _display_order(row: BesideLiterature) -> tuple:
    return (
        DISEASES.index(row.disease),
        ENDPOINTS.index(row.endpoint),
        row.months,
        PHASES.index(row.phase),
        row.group != ALL_PATIENTS,
        row.group,
        row.study_label,
        row.record_id,
    )
