"""lib.evidence.catalogue on the shipped dataset: the journey overview."""

from lib.evidence.catalogue import bibliography, phase_overview


def test_phase_overview_for_all(dataset, table):
    overview = phase_overview(dataset, table, ["ALL"]).set_index("phase")
    assert overview.loc["maintenance", "studies"] == 1  # dli-greek (AML/ALL)
    assert overview.loc["consolidation", "studies"] == 0
    assert overview.loc["consolidation", "figures"] == 0
    assert overview.loc["relapse", "studies"] == 1  # ifn-rux
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
    everything = [label for r in references for _, label in r.figures]
    figures = table[table["kind"] != "sample_size"]
    assert len(everything) == len(figures)  # every figure rests on exactly one source
