"""The dataset's records and their rules, as frozen pydantic v2 models.

Per-record rules live on each model; cross-record rules (lib.dataset.rules) run in the root
`Dataset` validator. No I/O.
"""

from datetime import date
from datetime import date as Date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from lib.dataset.problems import DataError
from lib.dataset.rules import integrity_problems
from lib.dataset.vocabulary import (
    ArmRole,
    ArmsDefinedBy,
    CitationStatus,
    Confidence,
    Design,
    Disease,
    Endpoint,
    FlagKind,
    Origin,
    Phase,
    StudyRole,
    Unit,
    VerificationStatus,
)
from lib.i18n.languages import SOURCE_LANGUAGE

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
EvidenceRef = Annotated[str, StringConstraints(pattern=r"^D\d-\d{2}$")]


class Record(BaseModel):
    # No unknown fields, immutable once validated, and no inf/nan standing in for a number.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Flag(Record):
    """A caveat on a figure: its kind from the vocabulary and a note in our own words."""

    kind: FlagKind
    note: Text


Address = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"]+$")]


class Verification(Record):
    """What was checked: the status, a note saying what was compared and, for a figure curated
    from a publication, the date it was read and the address of the text read (the journal's
    abstract or the PubMed Central article)."""

    status: VerificationStatus
    note: Text
    date: Date | None = None
    read: Address | None = None


class Provenance(Record):
    """Where a figure comes from: the document or publication, and the text that contains it."""

    origin: Origin
    source: Id
    excerpt: Text
    evidence_ref: EvidenceRef | None = None
    # Where in the publication the figure is printed ("abstract, results"); required for a
    # figure curated from a publication (lib.dataset.rules.publication_figures).
    locator: ShortText | None = None
    verification: Verification
    flags: tuple[Flag, ...] = ()

    def has_flag(self, kind: str) -> bool:
        return any(flag.kind == kind for flag in self.flags)


class Count(Provenance):
    """A sample size or other whole number, with the provenance of the number itself."""

    value: int = Field(ge=0)
    as_printed: ShortText


class Interval(Record):
    low: float
    high: float
    level: float = Field(default=0.95, gt=0, lt=1)

    @model_validator(mode="after")
    def _ordered(self):
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class PValue(Record):
    """A p-value exactly as printed; `value` only when the printed text gives it in full."""

    as_printed: ShortText
    value: float | None = Field(default=None, gt=0, le=1)
    relation: Literal["=", "<", ">"] = "="
    # Where the source prints words instead of a p-value ("all statistically different"): the
    # words as read, translated with the dataset (the printed text stays on record).
    reads: ShortText | None = None
    # What the p tests, where the source says: the difference between the values shown
    # ("shown_values"), the hazard ratio printed with it ("hazard_ratio", a Cox model over the
    # whole follow-up), or the whole survival curves ("log_rank"). A p over values at one time
    # point that tests the whole follow-up says so wherever it is shown beside them.
    tests: Literal["shown_values", "hazard_ratio", "log_rank"] | None = None


class HazardRatio(Record):
    value: float = Field(gt=0)
    ci: Interval | None = None
    as_printed: ShortText

    @model_validator(mode="after")
    def _ci_contains_estimate(self):
        if self.ci and not self.ci.low <= self.value <= self.ci.high:
            raise ValueError(
                f"ci: {self.ci.low}-{self.ci.high} does not contain the estimate {self.value}"
            )
        return self


class TimePoint(Record):
    months: float | None = Field(default=None, ge=0, le=600)
    label: ShortText


# --- sources -------------------------------------------------------------------------------


class Document(Record):
    """One of the source documents the dataset was extracted from."""

    id: Id
    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+\.txt$")]
    title: ShortText
    outlet: ShortText
    date: ShortText
    translation_note: Text | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"]+$")] | None = None


class Publication(Record):
    """A journal article or registry report a figure most likely comes from."""

    id: Id
    short: ShortText
    citation: Text
    journal: ShortText | None = None
    year: int | None = Field(default=None, ge=1950, le=2100)
    pmid: Annotated[str, StringConstraints(pattern=r"^\d{5,9}$")] | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    url: Address | None = None
    status: CitationStatus
    checked: Text
    unconfirmed: Text | None = None


# --- studies and figures -------------------------------------------------------------------


class Arm(Record):
    id: Id
    label: ShortText
    intervention: ShortText
    source_wording: ShortText | None = None
    role: ArmRole
    n: Count | None = None


class Study(Record):
    id: Id
    title: ShortText
    short_label: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)
    ]
    phase: Phase
    phase_rationale: Text
    diseases: tuple[Disease, ...] = Field(min_length=1)
    population: Text
    # The population in a few words, shown with the design on a headline card ("adults with AML
    # who relapsed after allo-HSCT ..."): required for a study with a headline figure, and holds
    # no number (numbers come from the figures).
    population_label: ShortText | None = None
    design: Design
    design_note: Text | None = None
    role: StudyRole
    # The source document a study was extracted from; a landmark trial curated from the
    # literature has none and names its publication instead.
    document: Id | None = None
    publication: Id | None = None
    n: Count | None = None
    n_published: Count | None = None
    arms: tuple[Arm, ...] = Field(min_length=1)
    # "outcome": the arms are groups formed by what happened to the patients (e.g. reached
    # transplant or not), not allocated treatments: compared, but biased by design.
    arms_defined_by: ArmsDefinedBy = "allocation"

    @model_validator(mode="after")
    def _sourced(self):
        if self.document is None and self.publication is None:
            raise ValueError("publication: a study without a document must name its publication")
        return self

    @property
    def from_literature(self) -> bool:
        """Curated from a publication, not extracted from one of the source documents."""
        return self.document is None

    @property
    def is_comparative(self) -> bool:
        roles = {arm.role for arm in self.arms}
        return {"intervention", "control"} <= roles


def _check_value(figure) -> None:
    """Rules for any reported value: within range, never negative, missing only when flagged.

    Record-level messages start with the field they concern, which the loader reports.
    """
    if figure.unit == "percent" and figure.value is not None and not 0 <= figure.value <= 100:
        raise ValueError(f"value: a percentage must be within 0-100, got {figure.value}")
    if figure.value is not None and figure.value < 0:
        raise ValueError(f"value: must not be negative, got {figure.value}")
    if figure.value is None and not (
        figure.has_flag("truncated") or figure.has_flag("direction_only")
    ):
        raise ValueError("value: missing; flag the figure as truncated or direction_only")


def _check_phase(figure) -> None:
    """A figure placed in its own phase says why."""
    if figure.phase is not None and figure.phase_rationale is None:
        raise ValueError("phase_rationale: required when a figure names its own phase")
    if figure.phase is None and figure.phase_rationale is not None:
        raise ValueError("phase: a phase_rationale without a phase")


class Outcome(Provenance):
    """One reported value: an endpoint for one arm of a study at one time point."""

    id: Id
    study: Id
    arm: Id
    endpoint: Endpoint
    endpoint_wording: ShortText | None = None
    subgroup: ShortText | None = None
    time_point: TimePoint
    value: float | None = None
    as_printed: ShortText
    # Where the source prints words instead of a figure ("over one year"): the words as read,
    # shown in the value's place and translated with the dataset; `as_printed` stays as printed.
    reads: ShortText | None = None
    unit: Unit
    n: int | None = Field(default=None, ge=1)
    events: int | None = Field(default=None, ge=0)
    ci: Interval | None = None
    corresponds_to: Id | None = None
    headline: bool = False
    # A figure may belong to another phase than its study (e.g. a trial randomised at induction
    # whose 2-year DFS reflects the post-remission courses too); the reason is required.
    phase: Phase | None = None
    phase_rationale: Text | None = None

    @model_validator(mode="after")
    def _rules(self):
        _check_value(self)
        _check_phase(self)
        if self.events is not None and self.n is not None and self.events > self.n:
            raise ValueError(f"events: {self.events} events exceed n={self.n}")
        if self.unit == "patients" and self.value is not None and self.n is not None:
            if self.value > self.n:
                raise ValueError(f"value: {self.value:g} patients exceed n={self.n}")
        if self.ci and self.value is not None and not self.ci.low <= self.value <= self.ci.high:
            raise ValueError(
                f"ci: {self.ci.low}-{self.ci.high} does not contain the estimate {self.value}"
            )
        return self


class Comparison(Provenance):
    """Two arms of one study compared on one endpoint: direction, p as printed, hazard ratio."""

    id: Id
    study: Id
    endpoint: Endpoint
    endpoint_wording: ShortText | None = None
    subgroup: ShortText | None = None
    time_point: TimePoint
    intervention_arm: Id
    control_arm: Id
    outcomes: tuple[Id, ...] = ()
    favours: Literal["intervention", "control", "neither", "unclear"]
    statement: ShortText
    p: PValue | None = None
    hr: HazardRatio | None = None
    headline: bool = False
    phase: Phase | None = None
    phase_rationale: Text | None = None

    @model_validator(mode="after")
    def _rules(self):
        _check_phase(self)
        if self.intervention_arm == self.control_arm:
            raise ValueError("control_arm: must differ from intervention_arm")
        if len(self.outcomes) not in (0, 2):
            raise ValueError(
                "outcomes: list both arms' outcomes, or none for a direction-only claim"
            )
        return self


class KeyFact(Provenance):
    """A registry or programme statistic that belongs to a phase but to no study arm."""

    id: Id
    phase: Phase
    diseases: tuple[Disease, ...] = Field(min_length=1)
    label: ShortText
    scope: ShortText
    value: float | None = None
    as_printed: ShortText
    reads: ShortText | None = None  # as for an outcome: "over 700" read in the page's language
    unit: Literal["percent", "patients", "count", "months"]
    counted: ShortText | None = None
    time_point: TimePoint
    publication: Id | None = None
    headline: bool = False

    @model_validator(mode="after")
    def _rules(self):
        _check_value(self)
        return self


# --- integrative care ----------------------------------------------------------------------


class Editorial(Record):
    """A sentence of ours that the source does not say; shown visibly marked as editorial."""

    editorial: Text


#: A note's sentence: plain text says what the source says (in our words); a mapping
#: `{editorial: ...}` is our addition, marked as such wherever it is shown.
NoteText = Text | Editorial


class Principle(Record):
    """A TCM principle: characters, pinyin, a gloss (its explanation in the dataset's language)
    and how it is used."""

    chinese: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    pinyin: ShortText
    gloss: ShortText
    source_wording: ShortText | None = None
    use: NoteText


class Pairing(Record):
    western: ShortText
    integrative: NoteText


class Note(Record):
    """The integrative-care (TCM + Western) note for one phase, written in our own words."""

    id: Id
    phase: Phase
    diseases: tuple[Disease, ...] = Field(min_length=1)
    scope: NoteText
    key_message: NoteText
    aims: tuple[NoteText, ...] = Field(min_length=1)
    principles: tuple[Principle, ...] = ()
    pairings: tuple[Pairing, ...] = ()
    cases: tuple[NoteText, ...] = ()
    caveats: tuple[NoteText, ...] = Field(min_length=1)
    evidence_level: ShortText
    source: Id
    excerpts: tuple[Text, ...] = Field(min_length=1)


class Consensus(Record):
    """A consensus or guideline document on integrative care named in the sources."""

    id: Id
    title: ShortText
    year_as_printed: ShortText | None = None
    body: ShortText
    summary: Text
    source: Id
    excerpt: Text
    evidence_ref: EvidenceRef | None = None
    publication: Id | None = None
    flags: tuple[Flag, ...] = ()


class TermCorrection(Record):
    """A machine-translated term in a document and the correct medical term."""

    id: Id
    document: Id
    source_wording: ShortText
    correct_term: ShortText
    chinese: ShortText | None = None
    confidence: Confidence
    basis: ShortText


class ChangelogEntry(Record):
    version: ShortText
    date: date
    summary: Text


class DatasetInfo(Record):
    title: ShortText
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    last_reviewed: date
    changelog: tuple[ChangelogEntry, ...] = Field(min_length=1)


# --- the root ------------------------------------------------------------------------------


class Dataset(Record):
    """Every record, its text in one language (`lang`): the loader lays the translation over the
    English text fields before validating, so ids, numbers and excerpts are the same in each."""

    info: DatasetInfo
    documents: tuple[Document, ...]
    publications: tuple[Publication, ...] = ()
    studies: tuple[Study, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    key_facts: tuple[KeyFact, ...] = ()
    notes: tuple[Note, ...] = ()
    consensus: tuple[Consensus, ...] = ()
    glossary: tuple[TermCorrection, ...] = ()
    # Not a field: the English dataset dumps and compares as it always has.
    _lang: str = PrivateAttr(default=SOURCE_LANGUAGE)

    @property
    def lang(self) -> str:
        """The language of the text fields: "en", or "zh" when loaded with lang="zh"."""
        return self._lang

    @model_validator(mode="after")
    def _integrity(self):
        problems = integrity_problems(self)
        if problems:
            raise DataError(problems)
        return self

    def study(self, study_id: str) -> Study:
        return next(s for s in self.studies if s.id == study_id)
