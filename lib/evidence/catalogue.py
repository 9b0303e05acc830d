"""The dataset's catalogue: the journey overview, the bibliography, the glossary, the notes."""

from collections.abc import Iterable

import pandas as pd

from lib.dataset.records import Dataset, Note
from lib.dataset.vocabulary import CITATION_STATUS_LABELS, PHASE_LABELS, PHASE_SUMMARIES, PHASES
from lib.evidence.caveats import headlines
from lib.evidence.selection import filter_table, phase_studies


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
