"""The dataset's catalogue: the journey overview, the bibliography, the glossary, the notes.

Labels come out in the session's language (`lib.i18n`); phase ids and reference numbers never
change with it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from lib.dataset.records import Dataset, Note
from lib.dataset.vocabulary import CITATION_STATUS_LABELS, PHASE_LABELS, PHASE_SUMMARIES, PHASES
from lib.evidence import text
from lib.evidence.caveats import headlines
from lib.evidence.selection import filter_table, phase_studies
from lib.i18n import N_, _, _f

#: A glossary term's confidence (the data's value, shown translated).
CONFIDENCE_LABELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


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
                "label": _(PHASE_LABELS[phase]),
                "summary": _(PHASE_SUMMARIES[phase]),
                "studies": len(phase_studies(ds, phase, diseases)),
                "figures": int((in_phase["kind"] != "sample_size").sum()),
                "headlines": headlines(in_phase),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Reference:
    """One numbered entry of the bibliography, with the figures that rest on it."""

    number: int
    kind: str  # "Source document" | "Publication", in the session's language
    citation: str
    status: str
    checked: str
    links: tuple[tuple[str, str], ...]  # (label, address)
    figures: tuple[tuple[str, str], ...]  # (phase, "study · endpoint · time point"), page order


def bibliography(ds: Dataset, table: pd.DataFrame) -> list[Reference]:
    """The source documents, then the publications, numbered: full citation, PubMed and DOI
    links, citation status, what was checked, and which figures rest on each."""
    document, publication = _("Source document"), _("Publication")
    entries = [
        (
            document,
            d.id,
            text.sentences(
                [text.full_stop(d.title), text.full_stop(text.clauses((d.outlet, d.date)))]
            ),
            document,
            d.translation_note or "",
            ((_("Open source page"), d.url),) if d.url else (),
        )
        for d in ds.documents
    ]
    entries += [
        (
            publication,
            p.id,
            text.reference(p.citation, p.pmid, p.doi),
            _(CITATION_STATUS_LABELS[p.status]),
            text.sentences(
                [p.checked, _f("Unconfirmed: {what}", what=p.unconfirmed) if p.unconfirmed else ""]
            ),
            _publication_links(p),
        )
        for p in ds.publications
    ]
    figures = table[table["kind"] != "sample_size"]
    # A publication also carries the document's figures of the studies that cite it (venetoclax
    # bridging, Dec-mBuCy2: the document reports them, the publication is what they come from).
    citing: dict[str, set[str]] = {}
    for record in (*ds.studies, *ds.key_facts):  # a study's id, or a key fact's figure id
        if record.publication:
            citing.setdefault(record.publication, set()).add(record.id)
    return [
        Reference(
            number,
            kind,
            citation,
            status,
            checked,
            links,
            _resting_on(figures, ref_id, citing.get(ref_id, set())),
        )
        for number, (kind, ref_id, citation, status, checked, links) in enumerate(entries, 1)
    ]


def _publication_links(publication) -> tuple[tuple[str, str], ...]:
    links = []
    if publication.pmid:
        links.append(
            (f"PubMed {publication.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{publication.pmid}/")
        )
    if publication.doi:
        links.append((f"DOI {publication.doi}", f"https://doi.org/{publication.doi}"))
    if publication.url:
        links.append((_("Open page"), publication.url))
    return tuple(links)


def _resting_on(
    figures: pd.DataFrame, source_id: str, studies: set[str] = frozenset()
) -> tuple[tuple[str, str], ...]:
    """The figures taken from a source, or from the studies and key facts that cite it
    (`studies`: their ids), as (phase, label) in phase order."""
    rows = figures[
        (figures["source_id"] == source_id)
        | figures["study_id"].isin(studies)
        | ((figures["kind"] == "key_fact") & figures["figure_id"].isin(studies))
    ]
    rows = rows.sort_values("phase", key=lambda p: p.map(PHASES.index), kind="stable")
    return tuple(
        (r.phase, " · ".join(x for x in (r.study, r.endpoint_label, r.time_point) if x))
        for r in rows.itertuples()
    )


def glossary_table(ds: Dataset) -> pd.DataFrame:
    documents = {d.id: d.title for d in ds.documents}
    return pd.DataFrame(
        [
            {
                "source_wording": t.source_wording,
                "correct_term": t.correct_term,
                "chinese": t.chinese or "",
                "confidence": _(CONFIDENCE_LABELS[t.confidence])
                if t.confidence in CONFIDENCE_LABELS
                else t.confidence,
                "basis": t.basis,
                "document": documents[t.document],
            }
            for t in ds.glossary
        ]
    )


#: The notes the data's citations carry in English around the reference itself (which stays as
#: published): how sure the match is, and an article type. Each is shown in the reader's
#: language; the reference between them is untouched.
_CITATION_PREFIXES = {
    "Unconfirmed: ": N_("Unconfirmed: "),
    "Candidate: ": N_("Candidate: "),
    "Probable: ": N_("Probable: "),
}
_CITATION_SUFFIXES = {" Not identified.": N_(" Not identified."), " (letter).": N_(" (letter).")}
_PROBABLY = ". Probably "


def citation_text(citation: str) -> str:
    """A data citation with its English notes ("Unconfirmed:", "Candidate:", "Probable:",
    ". Probably ", "Not identified.", "(letter)") in the session's language (lib.i18n)."""
    out = citation
    for english, msgid in _CITATION_PREFIXES.items():
        if out.startswith(english):
            out = _(msgid) + out[len(english) :]
    for english, msgid in _CITATION_SUFFIXES.items():
        if out.endswith(english):
            out = out[: -len(english)] + _(msgid)
    if _PROBABLY in out:
        out = out.replace(_PROBABLY, _(". Probably "), 1)
    return out
