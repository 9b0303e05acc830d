"""lib.evidence.catalogue on the shipped dataset: the journey overview."""

from lib.evidence.catalogue import phase_overview


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
