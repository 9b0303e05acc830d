"""Coverage: what the dataset holds per disease x phase, generated from the data."""

import pytest

from lib.dataset.vocabulary import DISEASES, PHASES, STUDY_ROLES
from lib.evidence import coverage, selection


def test_docs_table_is_the_generated_one(dataset):
    # docs/coverage.md is written by `python -m lib.evidence.coverage --write`, never by hand.
    assert coverage.DOCS_FILE.read_text(encoding="utf-8") == coverage.coverage_markdown(dataset)


def test_docs_table_has_every_disease_and_phase(dataset):
    table = coverage.coverage_markdown(dataset)
    for disease in DISEASES:
        for phase in PHASES:
            cell = coverage.cell(dataset, disease, phase)
            label = phase.capitalize()
            assert f"| {disease} | {label} | {len(cell.randomised)} | {len(cell.other)} |" in table


@pytest.mark.parametrize("disease", DISEASES)
@pytest.mark.parametrize("phase", PHASES)
def test_phase_line_counts_the_studies_or_says_none(dataset, disease, phase):
    line = coverage.phase_line(dataset, disease, phase)
    cell = coverage.cell(dataset, disease, phase)
    assert line.startswith(f"{disease} {phase}: ")
    if cell.randomised:
        assert f"{len(cell.randomised)} randomised trial" in line
    else:
        assert "no randomised trial in the dataset" in line


@pytest.mark.parametrize("disease", DISEASES)
@pytest.mark.parametrize("phase", PHASES)
def test_phase_line_in_chinese(zh, dataset_zh, disease, phase):
    line = coverage.phase_line(dataset_zh, disease, phase)
    cell = coverage.cell(dataset_zh, disease, phase)
    assert line.startswith(disease)
    assert ("随机试验" in line) and ("无随机试验" in line) == (not cell.randomised)


def test_randomised_means_allocated_arms(dataset):
    for study in dataset.studies:
        if coverage.is_randomised(study):
            assert study.design == "rct" and study.arms_defined_by == "allocation"


@pytest.mark.parametrize("phase", PHASES)
def test_references_come_first_on_a_phase_page(dataset, phase):
    studies = selection.phase_studies(dataset, phase, DISEASES)
    order = [STUDY_ROLES.index(s.role) for s in studies]
    assert order == sorted(order)


def test_overview_line_names_phases_with_and_without_trials(dataset):
    for disease in DISEASES:
        line = coverage.overview_line(dataset, disease)
        missing = [p for p in PHASES if not coverage.cell(dataset, disease, p).randomised]
        if len(missing) == len(PHASES):
            assert line == f"{disease}: no randomised trial in the dataset"
        elif missing:
            assert "; none for " in line and all(p in line for p in missing)
