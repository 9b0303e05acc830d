"""Cross-record rules: unique ids, references that resolve, arms of a comparison in one study.

Each rule is one function over the dataset yielding located problems; `integrity_problems` runs
them all, so every problem is reported at once. Pure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lib.dataset.problems import COLLECTION_FILE, Problem
from lib.dataset.vocabulary import HEADLINE_ENDPOINTS, NO_HEADLINE_FLAGS

if TYPE_CHECKING:  # records imports this module to validate the root model
    from lib.dataset.records import Dataset, Provenance

COLLECTIONS = (
    "documents",
    "publications",
    "studies",
    "outcomes",
    "comparisons",
    "key_facts",
    "notes",
    "consensus",
    "glossary",
)


def problem(collection: str, record: str, field: str, message: str) -> Problem:
    return Problem(COLLECTION_FILE[collection], record, field, message)


@dataclass(frozen=True)
class _Index:
    """The dataset's ids, looked up by every rule."""

    documents: set[str]
    publications: set[str]
    studies: dict
    outcomes: dict
    arm_owner: dict[str, str]  # arm id -> the last study that declares it

    @classmethod
    def of(cls, ds: Dataset) -> _Index:
        owner: dict[str, str] = {}
        for study in ds.studies:
            for arm in study.arms:
                owner[arm.id] = study.id
        return cls(
            documents={d.id for d in ds.documents},
            publications={p.id for p in ds.publications},
            studies={s.id: s for s in ds.studies},
            outcomes={o.id: o for o in ds.outcomes},
            arm_owner=owner,
        )

    def provenance(self, collection: str, record: str, field: str, prov: Provenance):
        """A figure's source must be a document or publication, as its origin says."""
        pool = self.documents if prov.origin == "document" else self.publications
        if prov.source not in pool:
            kind = "document" if prov.origin == "document" else "publication"
            yield problem(
                collection,
                record,
                f"{field}source".lstrip("."),
                f"unknown {kind} {prov.source!r} (origin is {prov.origin!r})",
            )

    def publication(self, collection: str, record: str, publication: str | None):
        if publication is not None and publication not in self.publications:
            yield problem(collection, record, "publication", f"unknown publication {publication!r}")


Rule = Callable[["Dataset", _Index], Iterator[Problem]]


def unique_ids(ds: Dataset, index: _Index) -> Iterator[Problem]:
    for name in COLLECTIONS:
        for record_id, count in Counter(r.id for r in getattr(ds, name)).items():
            if count > 1:
                yield problem(name, record_id, "id", f"duplicate id ({count} records)")
    seen: dict[str, str] = {}
    for study in ds.studies:
        for arm in study.arms:
            if arm.id in seen:
                yield problem(
                    "studies",
                    study.id,
                    f"arms.{arm.id}.id",
                    f"duplicate arm id {arm.id!r} (also in study {seen[arm.id]!r})",
                )
            seen[arm.id] = study.id


def study_references(ds: Dataset, index: _Index) -> Iterator[Problem]:
    for study in ds.studies:
        if study.document is not None and study.document not in index.documents:
            yield problem("studies", study.id, "document", f"unknown document {study.document!r}")
        yield from index.publication("studies", study.id, study.publication)
        for field, count in (("n.", study.n), ("n_published.", study.n_published)):
            if count is not None:
                yield from index.provenance("studies", study.id, field, count)
        for arm in study.arms:
            if arm.n is not None:
                yield from index.provenance("studies", study.id, f"arms.{arm.id}.n.", arm.n)


def outcome_references(ds: Dataset, index: _Index) -> Iterator[Problem]:
    for outcome in ds.outcomes:
        yield from index.provenance("outcomes", outcome.id, "", outcome)
        study = index.studies.get(outcome.study)
        if study is None:
            yield problem("outcomes", outcome.id, "study", f"unknown study {outcome.study!r}")
        elif outcome.arm not in {a.id for a in study.arms}:
            owner = index.arm_owner.get(outcome.arm)
            where = f"belongs to study {owner!r}" if owner else "does not exist"
            yield problem(
                "outcomes", outcome.id, "arm", f"arm {outcome.arm!r} {where}, not {study.id!r}"
            )
        if outcome.corresponds_to is not None:
            twin = index.outcomes.get(outcome.corresponds_to)
            if twin is None:
                message = f"unknown outcome {outcome.corresponds_to!r}"
            elif twin.arm != outcome.arm or twin.endpoint != outcome.endpoint:
                message = f"{twin.id!r} reports another arm or endpoint"
            else:
                continue
            yield problem("outcomes", outcome.id, "corresponds_to", message)


def comparison_references(ds: Dataset, index: _Index) -> Iterator[Problem]:
    for comp in ds.comparisons:
        yield from index.provenance("comparisons", comp.id, "", comp)
        study = index.studies.get(comp.study)
        if study is None:
            yield problem("comparisons", comp.id, "study", f"unknown study {comp.study!r}")
            continue
        own_arms = {a.id for a in study.arms}
        for field in ("intervention_arm", "control_arm"):
            arm = getattr(comp, field)
            if arm in own_arms:
                continue
            owner = index.arm_owner.get(arm)
            message = (
                f"arm {arm!r} belongs to study {owner!r}, not {study.id!r}: "
                "a comparison cannot span studies"
                if owner
                else f"unknown arm {arm!r}"
            )
            yield problem("comparisons", comp.id, field, message)
        for position, outcome_id in enumerate(comp.outcomes):
            outcome = index.outcomes.get(outcome_id)
            expected = (comp.intervention_arm, comp.control_arm)[position]
            if outcome is None:
                message = f"unknown outcome {outcome_id!r}"
            elif outcome.arm != expected or outcome.endpoint != comp.endpoint:
                message = f"{outcome_id!r} is not the {comp.endpoint} outcome of arm {expected!r}"
            else:
                continue
            yield problem("comparisons", comp.id, f"outcomes.{position}", message)


def other_references(ds: Dataset, index: _Index) -> Iterator[Problem]:
    for fact in ds.key_facts:
        yield from index.provenance("key_facts", fact.id, "", fact)
        yield from index.publication("key_facts", fact.id, fact.publication)
    for note in ds.notes:
        if note.source not in index.documents:
            yield problem("notes", note.id, "source", f"unknown document {note.source!r}")
    for item in ds.consensus:
        if item.source not in index.documents:
            yield problem("consensus", item.id, "source", f"unknown document {item.source!r}")
        yield from index.publication("consensus", item.id, item.publication)
    for term in ds.glossary:
        if term.document not in index.documents:
            yield problem("glossary", term.id, "document", f"unknown document {term.document!r}")


# --- rules about what a figure claims ---------------------------------------------------------


def headline_refusal(
    kind: str,
    endpoint: str,
    flags: tuple[str, ...],
    arms_defined_by: str,
    n_known: bool,
    time_known: bool,
) -> str | None:
    """Why a figure may not be a headline, or None when it may.

    A headline is a clinical relapse or survival figure with its n and time point: never a
    registry or programme count, a promotional claim, a comparison of groups formed by outcome,
    or a figure whose setting is uncertain or whose text is cut off or garbled. The same rule
    validates the data (`headline: true`) and chooses the cards on screen.
    """
    if kind not in ("outcome", "comparison"):
        return "a registry or programme statistic, not a study's relapse or survival figure"
    if endpoint not in HEADLINE_ENDPOINTS:
        return f"{endpoint!r} is not a relapse or survival endpoint"
    refused = sorted(set(flags) & NO_HEADLINE_FLAGS)
    if refused:
        return f"flagged {', '.join(refused)}"
    if arms_defined_by == "outcome":
        return "compares groups defined by an outcome (biased by design)"
    if not n_known:
        return "n not stated"
    if not time_known:
        return "no time point"
    return None


def _time_known(figure) -> bool:
    return figure.time_point.months is not None or figure.endpoint == "median_os"


def _outcome_refusal(outcome, study) -> str | None:
    arm = next((a for a in study.arms if a.id == outcome.arm), None)
    n_known = (
        outcome.n is not None or (arm is not None and arm.n is not None) or study.n is not None
    )
    flags = tuple(f.kind for f in outcome.flags)
    return headline_refusal(
        "outcome", outcome.endpoint, flags, study.arms_defined_by, n_known, _time_known(outcome)
    )


def _comparison_refusal(comp, study) -> str | None:
    arms = [a for a in study.arms if a.id in (comp.intervention_arm, comp.control_arm)]
    n_known = all(a.n is not None for a in arms) or study.n is not None
    flags = tuple(f.kind for f in comp.flags)
    return headline_refusal(
        "comparison", comp.endpoint, flags, study.arms_defined_by, n_known, _time_known(comp)
    )


_REFUSAL = {"outcomes": _outcome_refusal, "comparisons": _comparison_refusal}


def headlines(ds: Dataset, index: _Index) -> Iterator[Problem]:
    for name, refusal in _REFUSAL.items():
        for figure in getattr(ds, name):
            study = index.studies.get(figure.study)
            if not figure.headline or study is None:
                continue
            why = refusal(figure, study)
            if why:
                yield problem(name, figure.id, "headline", f"not a headline figure: {why}")
    for fact in ds.key_facts:
        if fact.headline:
            yield problem(
                "key_facts",
                fact.id,
                "headline",
                "not a headline figure: "
                + headline_refusal("key_fact", "", (), "allocation", False, False),
            )


#: A figure typed into a label: a number not part of a name such as FLT3-ITD or CR1.
_TYPED_NUMBER = re.compile(r"(?<![A-Za-z0-9.-])\d+(?:[.,]\d+)?%?")


def headline_populations(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """A headline card names its population and design (a relapse headline read under "AML, MDS,
    ALL" must not pass for all relapsed leukaemia): its study needs a `population_label` and a
    reported design. A population label holds no number: the numbers come from the figures."""
    for name in ("outcomes", "comparisons"):
        for figure in getattr(ds, name):
            study = index.studies.get(figure.study)
            if not figure.headline or study is None or _REFUSAL[name](figure, study):
                continue  # not a headline at all: the headline rule says why
            missing = []
            if study.population_label is None:
                missing.append(f"study {study.id!r} has no population_label")
            if study.design == "not_reported":
                missing.append(f"study {study.id!r} does not report its design")
            if missing:
                yield problem(
                    name,
                    figure.id,
                    "headline",
                    "a headline names its population and design: " + "; ".join(missing),
                )
    for study in ds.studies:
        typed = _TYPED_NUMBER.search(study.population_label or "")
        if typed:
            yield problem(
                "studies",
                study.id,
                "population_label",
                f"holds the number {typed.group()!r}; a label names the population, the figures "
                "give the numbers",
            )


#: Words in an excerpt that report remission with incomplete count recovery.
_CRI_WORDS = re.compile(
    r"\bCR[ip]\b|incomplete (hematologic|haematologic|count|blood)", re.IGNORECASE
)


def remission_endpoints(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """A figure labelled CR/CRi must come from an excerpt or endpoint wording that reports CRi
    (or CRp); one that reports complete remission only is endpoint `cr` (the Blood 2011
    microtransplantation trial)."""
    for name in ("outcomes", "comparisons"):
        for figure in getattr(ds, name):
            reported = f"{figure.excerpt} {getattr(figure, 'endpoint_wording', None) or ''}"
            if figure.endpoint == "cr_cri" and not _CRI_WORDS.search(reported):
                yield problem(
                    name,
                    figure.id,
                    "endpoint",
                    "cr_cri, but the excerpt reports complete remission without CRi: use cr",
                )


def p_scopes(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """A p printed with a hazard ratio is usually the ratio's test over the whole follow-up,
    not a test of the arms' values at the comparison's time point (HOVON97: P=0.026 for the
    adjusted HR above the 12-month rates). Where such a p is shown over the arms' values, the
    record says what it tests (`p.tests`), so the reader is told."""
    for comp in ds.comparisons:
        if comp.p and comp.hr and comp.outcomes and comp.p.tests is None:
            yield problem(
                "comparisons",
                comp.id,
                "p.tests",
                "a p printed with a hazard ratio and shown over the arms' values: say what it "
                "tests (shown_values, hazard_ratio or log_rank)",
            )


def discrepancy_flags(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """'Differs from publication' is for a count that differs. A document's n verified with a
    nuance (it counts the analysed patients where the publication counts the randomised) is
    flagged `analysed_vs_randomised`; one a few patients off is a `minor_discrepancy`."""
    instead = {
        "verified": "analysed_vs_randomised",
        "verified_with_nuance": "analysed_vs_randomised",
        "discrepant_minor": "minor_discrepancy",
    }
    for study in ds.studies:
        counts = [("n.", study.n), ("n_published.", study.n_published)]
        counts += [(f"arms.{arm.id}.n.", arm.n) for arm in study.arms]
        for prefix, count in counts:
            if count is None or count.verification.status not in instead:
                continue
            for position, flag in enumerate(count.flags):
                if flag.kind == "discrepant":
                    yield problem(
                        "studies",
                        study.id,
                        f"{prefix}flags.{position}.kind",
                        f"'discrepant' on a count whose status is {count.verification.status}: "
                        f"name what differs ({instead[count.verification.status]})",
                    )


#: A printed text that is words, not only a figure: "over 700", "all statistically different".
_PRINTED_WORDS = re.compile(r"[a-z]{3,}")


def printed_words(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """Where the source prints words in a figure's place, the figure says how they read
    (`reads`, translated with the dataset): a Chinese page must not show English there."""
    for name in ("outcomes", "key_facts"):
        for figure in getattr(ds, name):
            kinds = {flag.kind for flag in figure.flags}
            words = (figure.value is None and "truncated" not in kinds) or kinds & {
                "approximate",
                "lower_bound",
            }
            if words and _PRINTED_WORDS.search(figure.as_printed) and figure.reads is None:
                yield problem(
                    name,
                    figure.id,
                    "reads",
                    f"shown as the source's words {figure.as_printed!r}: say how they read "
                    "(reads), so that each language shows them in its own words",
                )
    for comp in ds.comparisons:
        if comp.p and _PRINTED_WORDS.search(comp.p.as_printed) and comp.p.reads is None:
            yield problem(
                "comparisons",
                comp.id,
                "p.reads",
                f"the p-value is printed as words {comp.p.as_printed!r}: say how they read "
                "(p.reads), so that each language shows them in its own words",
            )


#: Words in a verification note that say something was not found or does not match.
_UNVERIFIED_WORDS = re.compile(
    r"\b(not (found|reported|checked|given|stated)|not in (that|the|its) "
    r"(abstract|paper|publication|report)|missing|"
    r"does not (report|give|state)|could not)\b",
    re.IGNORECASE,
)


def verification_notes(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """'verified' must mean verified: a note that says something is missing contradicts it."""
    for name in ("outcomes", "comparisons", "key_facts"):
        for figure in getattr(ds, name):
            note = figure.verification.note
            if figure.verification.status == "verified" and _UNVERIFIED_WORDS.search(note):
                yield problem(
                    name,
                    figure.id,
                    "verification.status",
                    "'verified', but its note says something was not found or not reported "
                    "(use partially_verified)",
                )


def programme_counts(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """A programme count or promotional claim is not a publication's finding: no link to one."""
    for fact in ds.key_facts:
        if fact.publication is not None and fact.has_flag("promotional"):
            yield problem(
                "key_facts",
                fact.id,
                "publication",
                "a promotional programme count cannot cite a publication",
            )


def figure_phases(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """A figure placed in another phase than its study's names a different phase."""
    for name in ("outcomes", "comparisons"):
        for figure in getattr(ds, name):
            study = index.studies.get(figure.study)
            if figure.phase is not None and study is not None and figure.phase == study.phase:
                yield problem(
                    name,
                    figure.id,
                    "phase",
                    f"same as its study's phase ({study.phase}); leave it out",
                )


# --- figures curated from a publication ----------------------------------------------------------


def _study_figures(ds: Dataset) -> Iterator[tuple[str, str, str, Provenance, str | None]]:
    """(collection, record, field prefix, figure, study id) for every figure with provenance:
    sample sizes of studies and arms, outcomes and comparisons."""
    for study in ds.studies:
        for field, count in (("n.", study.n), ("n_published.", study.n_published)):
            if count is not None:
                yield "studies", study.id, field, count, study.id
        for arm in study.arms:
            if arm.n is not None:
                yield "studies", study.id, f"arms.{arm.id}.n.", arm.n, study.id
    for outcome in ds.outcomes:
        yield "outcomes", outcome.id, "", outcome, outcome.study
    for comp in ds.comparisons:
        yield "comparisons", comp.id, "", comp, comp.study


def publication_figures(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """A figure curated from a publication (its study has no source document, or it names a
    locator) says where it was read: the publication's PMID or DOI, the locator in the paper,
    and a verification record with the date and the address of the text read."""
    pubs = {p.id: p for p in ds.publications}
    for collection, record, prefix, prov, study_id in _study_figures(ds):
        study = index.studies.get(study_id)
        curated = (study is not None and study.from_literature) or prov.locator is not None
        if not curated or prov.origin != "publication":
            continue
        pub = pubs.get(prov.source)
        if pub is not None and pub.pmid is None and pub.doi is None:
            yield problem(
                collection,
                record,
                f"{prefix}source",
                f"publication {pub.id!r} has neither PMID nor DOI",
            )
        if prov.locator is None:
            yield problem(
                collection,
                record,
                f"{prefix}locator",
                "missing: say where the figure is printed (e.g. 'abstract, results')",
            )
        for field, what in (("date", "the date it was read"), ("read", "the address read")):
            if getattr(prov.verification, field) is None:
                yield problem(
                    collection,
                    record,
                    f"{prefix}verification.{field}",
                    f"missing: a publication figure's verification records {what}",
                )


def arm_totals(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """Arm sizes from one source add up to the study's total from that source, or the total
    carries the flag `arms_do_not_add_up` saying why (e.g. patients excluded after
    randomisation)."""
    for study in ds.studies:
        for field, total in (("n", study.n), ("n_published", study.n_published)):
            if total is None:
                continue
            arms = [a.n for a in study.arms]
            if any(n is None or n.source != total.source for n in arms):
                continue
            added = sum(n.value for n in arms if n is not None)
            if added != total.value and not total.has_flag("arms_do_not_add_up"):
                yield problem(
                    "studies",
                    study.id,
                    f"{field}.value",
                    f"the arms add up to {added}, not {total.value}; correct the figures or "
                    "flag the total arms_do_not_add_up",
                )


def _when(figure) -> tuple:
    return (figure.time_point.months, figure.time_point.label.casefold())


def duplicate_figures(ds: Dataset, index: _Index) -> Iterator[Problem]:
    """One figure per trial, arm, endpoint, time point, subgroup and source: a second is a
    duplicate (the same value read twice, or two values for one thing)."""
    keyed = [("outcomes", o.id, (o.study, o.arm), "arm", o) for o in ds.outcomes] + [
        ("comparisons", c.id, (c.study, c.intervention_arm, c.control_arm), "arms", c)
        for c in ds.comparisons
    ]
    seen: dict[tuple, str] = {}
    for file, record_id, who, arms, figure in keyed:
        key = (file, *who, figure.endpoint, figure.subgroup, *_when(figure), figure.source)
        if key in seen and seen[key] != record_id:  # a repeated id is reported as such
            yield problem(
                file,
                record_id,
                "endpoint",
                f"duplicate of {seen[key]!r}: same study, {arms}, endpoint, time point and source",
            )
        seen.setdefault(key, record_id)


RULES: tuple[Rule, ...] = (
    unique_ids,
    study_references,
    outcome_references,
    comparison_references,
    other_references,
    headlines,
    headline_populations,
    remission_endpoints,
    discrepancy_flags,
    printed_words,
    verification_notes,
    programme_counts,
    p_scopes,
    figure_phases,
    publication_figures,
    arm_totals,
    duplicate_figures,
)


def integrity_problems(ds: Dataset) -> list[Problem]:
    """Every cross-record rule, checked at once so all problems are reported together."""
    index = _Index.of(ds)
    return [found for rule in RULES for found in rule(ds, index)]
