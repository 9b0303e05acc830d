"""lib.evidence.catalogue on the shipped dataset: the journey overview."""

import pytest

from lib.evidence.catalogue import bibliography, glossary_table, phase_overview
from lib.evidence.figures import figure_table
from lib.i18n import using_language
from tests.unit.evidence.chinese import has_chinese


def test_phase_overview_for_all(dataset, table):
    overview = phase_overview(dataset, table, ["ALL"]).set_index("phase")
    assert (
        overview.loc["maintenance", "studies"] == 3
    )  # dli-greek (AML/ALL), eortc58951-pulses, ukall2011-pulses
    assert overview.loc["consolidation", "studies"] == 1  # e1910-blina
    assert overview.loc["induction", "studies"] == 1  # cccg-ph-das (dasatinib vs imatinib)
    assert overview.loc["induction", "figures"] > 0
    assert overview.loc["relapse", "studies"] == 3  # ifn-rux, tower-blina, inovate-ino
    assert list(overview.index) == [
        "induction",
        "consolidation",
        "maintenance",
        "transplant",
        "relapse",
    ]


def test_bibliography_is_numbered_with_links_and_the_figures_resting_on_each(dataset, table):
    references = bibliography(dataset, table)
    assert [r.number for r in references] == list(range(1, len(references) + 1))
    assert [r.kind for r in references[: len(dataset.documents)]] == ["Source document"] * len(
        dataset.documents
    )
    gdec = next(r for r in references if "Gao L" in r.citation)
    assert "PMID 33108244" in gdec.citation and "doi:10.1200/JCO.19.03277" in gdec.citation
    assert ("PubMed 33108244", "https://pubmed.ncbi.nlm.nih.gov/33108244/") in gdec.links
    assert gdec.figures and {phase for phase, _ in gdec.figures} == {"maintenance"}
    documents = references[: len(dataset.documents)]
    from_documents = [label for r in documents for _, label in r.figures]
    figures = table[table["kind"] != "sample_size"]
    # every figure the documents print is listed under its document
    assert len(from_documents) == (figures["origin"] == "document").sum()


@pytest.mark.parametrize(
    ("short", "study"), [("venhma", "venhma-bridge"), ("decbucy-mds", "dec-mbucy-mds")]
)
def test_a_publication_not_found_still_lists_the_figures_of_the_study_citing_it(
    dataset, table, short, study
):
    """The document's figures of a study are attributed to the publication it cites, even when
    that publication was not found: Sources must not say no figure rests on it."""
    publication = next(p for p in dataset.publications if p.id == short)
    [reference] = [
        r
        for r in bibliography(dataset, table)
        if r.citation.startswith(publication.citation.rstrip())
    ]
    shown = table[(table["study_id"] == study) & (table["kind"] != "sample_size")]
    assert len(reference.figures) == len(shown) > 0


# --- in Chinese -----------------------------------------------------------------------------


def test_overview_and_bibliography_in_chinese(dataset_zh, table_zh):
    overview = phase_overview(dataset_zh, table_zh, ["AML"])
    assert list(overview["phase"]) == [
        "induction",
        "consolidation",
        "maintenance",
        "transplant",
        "relapse",
    ]
    assert all(has_chinese(v) for c in ("label", "summary") for v in overview[c])
    with using_language("en"):
        english = phase_overview(dataset_zh, figure_table(dataset_zh), ["AML"])
    assert overview[["phase", "studies", "figures"]].equals(
        english[["phase", "studies", "figures"]]
    )
    references = bibliography(dataset_zh, table_zh)
    assert {r.kind for r in references} == {"源文档", "发表文献"}
    assert all(has_chinese(r.status) for r in references)
    assert all(
        has_chinese(label)
        for r in references
        for label, _url in r.links
        if not label.startswith(("PubMed", "DOI"))
    )
    gdec = next(r for r in references if "Gao L" in r.citation)
    assert "PMID 33108244" in gdec.citation  # identifiers as they are
    with using_language("en"):
        english_refs = bibliography(dataset_zh, figure_table(dataset_zh))
    assert [
        (r.number, [u for _l, u in r.links], [p for p, _f in r.figures]) for r in references
    ] == [(r.number, [u for _l, u in r.links], [p for p, _f in r.figures]) for r in english_refs]
    document = references[0]
    assert document.citation.endswith("。") and "，" in document.citation


def test_glossary_confidence_in_chinese(dataset_zh, zh):
    glossary = glossary_table(dataset_zh)
    assert set(glossary["confidence"]) <= {"高", "中", "低"}
    with using_language("en"):
        assert set(glossary_table(dataset_zh)["confidence"]) <= {"high", "medium", "low"}


def test_no_cited_publication_says_no_figure_rests_on_it(dataset, table):
    """Sources said 'no figure rests on it' beside publications whose figures the pages show
    (venetoclax bridging, Dec-mBuCy2, the CIBMTR and 2021 registry facts)."""
    shown = table[table["kind"] != "sample_size"]
    cited = {s.publication for s in dataset.studies if s.id in set(shown["study_id"])}
    cited |= {f.publication for f in dataset.key_facts}
    cited.discard(None)
    references = bibliography(dataset, table)
    for publication in dataset.publications:
        if publication.id not in cited:
            continue
        [reference] = [r for r in references if r.citation.startswith(publication.citation)]
        assert reference.figures, publication.id
