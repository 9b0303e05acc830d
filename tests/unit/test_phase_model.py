"""lib.evidence.exhibits on the shipped data: what each phase page shows, computed without Streamlit."""

import pytest

from lib.dataset.vocabulary import PHASES
from lib.evidence.exhibits import NUMBER_COLUMNS, PRINT_COLUMNS, phase_view

ALL = ["AML", "MDS", "ALL"]


def cards(view) -> dict:
    return {card.key: card for section in view.sections for card in section.cards}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("diseases", [["AML"], ["MDS"], ["ALL"], ALL])
def test_every_figure_of_the_selection_is_in_exactly_one_card_table(
    dataset, table, phase, diseases
):
    view = phase_view(dataset, table, phase, diseases)
    shown = [fid for card in cards(view).values() for fid in card.numbers["Figure"]]
    assert all(list(card.numbers.columns) == NUMBER_COLUMNS for card in cards(view).values())
    in_phase = table[
        (table["phase"] == phase)
        & table["diseases"].map(lambda d: bool(set(d.split(";")) & set(diseases)))
    ]
    headline_facts = in_phase[(in_phase["kind"] == "key_fact") & in_phase["headline"]]
    # Every outcome and comparison of the phase's studies, and every non-headline fact, is shown.
    expected = set(in_phase.loc[in_phase["kind"].isin(["outcome", "comparison"]), "figure_id"])
    expected |= set(in_phase.loc[in_phase["kind"] == "key_fact", "figure_id"]) - set(
        headline_facts["figure_id"]
    )
    assert expected <= set(shown)


def test_transplant_aml_sections_cards_and_captions(dataset, table):
    view = phase_view(dataset, table, "transplant", ["AML"])
    assert view.title == "Transplant"
    assert view.caption.endswith("showing AML")
    assert [s.key for s in view.sections] == ["arms", "single", "facts"]
    assert "dec-mbucy-mds" not in cards(view)  # an MDS study
    assert view.empty_message == ""
    arm = cards(view)["kps-mac-ric"]
    assert arm.figures == () and arm.error_bars == ""  # direction-only claims: no chart
    assert any("lower relapse incidence with MAC" in s for s in arm.statements)
    assert all("p not reported" in s or "P" in s for s in arm.statements)


def test_truncated_p_stays_as_printed(dataset, table):
    view = phase_view(dataset, table, "transplant", ["AML"])
    printed = " ".join(
        " ".join(card.numbers["p as printed"]) + " ".join(card.statements)
        for card in cards(view).values()
    )
    assert "P=0. (truncated in source)" in printed  # shown as printed, never completed


def test_charted_cards_name_their_error_bars_and_slides(dataset, table):
    view = phase_view(dataset, table, "maintenance", ALL)
    sorafenib = cards(view)["sorafenib-flt3"]
    assert len(sorafenib.figures) == len(sorafenib.figure_refs) >= 1
    assert {ref.kind for ref in sorafenib.figure_refs} == {"arm"}
    assert sorafenib.error_bars.startswith("Error bars: ")
    forest = cards(view)["forest-ratio"]
    assert forest.figure_refs[0].kind == "forest" and forest.figure_refs[0].option == "ratio"


def test_sources_carry_excerpts_links_and_verification(dataset, table):
    view = phase_view(dataset, table, "maintenance", ["AML"])
    groups = cards(view)["gdec-maintenance"].sources
    assert {g.origin for g in groups} <= {"document", "publication"}
    entries = [e for g in groups for e in g.entries]
    assert entries and all(e.excerpt and e.verification for e in entries)
    links = [label for g in groups for label, _ in g.links]
    assert any(label.startswith(("PubMed", "DOI")) for label in links)
    assert all(url.startswith("https://") for g in groups for _, url in g.links)
    sizes = [e for e in entries if e.endpoint == "Patients"]
    assert all(e.n == "" for e in sizes)  # a sample size is its own n


def test_facts_are_sentences_not_a_chart(dataset, table):
    view = phase_view(dataset, table, "transplant", ALL)
    facts = cards(view)["key-facts"]
    assert facts.figures == ()
    assert any("12,744" in s for s in facts.statements)
    assert list(facts.print_numbers.columns) == PRINT_COLUMNS


def test_empty_phase_names_other_diseases(dataset, table):
    view = phase_view(dataset, table, "transplant", ["ALL"])
    assert "No ALL studies in the transplant phase" in view.empty_message
    assert "AML: 4" in view.empty_message


def test_notes_and_consensus_by_phase(dataset, table):
    induction = phase_view(dataset, table, "induction", ALL)
    relapse = phase_view(dataset, table, "relapse", ALL)
    assert induction.consensus and not relapse.consensus
    assert all(set(n.diseases) & set(ALL) for n in induction.notes)


def test_single_arm_medians_in_months_are_listed_not_dropped(dataset, table):
    view = phase_view(dataset, table, "induction", ["AML"])
    case = next(c for c in cards(view).values() if "hu-case-2.survival" in set(c.numbers["Figure"]))
    assert any("over one year" in s and "n=1" in s for s in case.statements)  # as printed


@pytest.mark.parametrize("diseases", [["AML"], ["MDS"], ["ALL"], ALL])
def test_every_chart_has_the_slide_its_image_download_draws(dataset, table, diseases):
    from lib.evidence.slides import slides

    drawn = {(s.kind, s.study_ids, s.option) for s in slides(dataset, table, diseases)}
    for phase in PHASES:
        for card in cards(phase_view(dataset, table, phase, diseases)).values():
            for ref in card.figure_refs:
                assert (ref.kind, ref.study_ids, ref.option) in drawn, (phase, card.key)
