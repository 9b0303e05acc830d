"""lib.evidence.caveats on the shipped dataset: headline figures and caveat badges."""

import re

import pytest

from lib.evidence.caveats import Headline, headlines, study_badges
from lib.evidence.selection import filter_table

# --- headlines ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def headline_items(table) -> dict[str, Headline]:
    items = {}
    for phase in ("induction", "consolidation", "maintenance", "transplant", "relapse"):
        items.update({h.figure_id: h for h in headlines(filter_table(table, phase=phase))})
    return items


def test_headline_values_use_reassembled_numbers(headline_items):
    assert headline_items["sora.cir1y"].value == "7% vs 24.5%"
    assert headline_items["dec.cir3y"].value == "20.2% vs 39.0%"
    assert "P=0.034" in headline_items["dec.cir3y"].detail
    for item in headline_items.values():
        assert not re.search(r"\d[.,] \d", item.value + item.detail), item


def test_headline_marks_the_truncated_p_value(headline_items):
    item = headline_items["venhma.mos"]
    assert item.value == "9.7 months vs 3.0 months"
    assert "P=0. (truncated in source)" in item.detail
    assert "n=9 vs 15" in item.detail
    assert "Truncated in source" in item.flags


def test_headlines_are_the_flagged_figures(table, headline_items):
    assert set(headline_items) == set(table.loc[table["headline"].astype(bool), "figure_id"])


# --- badges, counts, overview --------------------------------------------------------------


def labels(dataset, table, study_id: str) -> list[str]:
    return [b.label for b in study_badges(table, dataset.study(study_id))]


def test_badges_of_a_randomised_trial(dataset, table):
    [badge] = study_badges(table, dataset.study("sorafenib-flt3"))
    assert (badge.label, badge.tone) == ("Randomised controlled trial", "info")


def test_badges_of_a_small_non_randomised_study(dataset, table):
    found = labels(dataset, table, "venhma-bridge")
    assert "Small n (smallest group 9)" in found
    assert "Not randomised" in found
    assert "Truncated in source" in found


def test_badges_of_a_study_with_a_truncated_figure(dataset, table):
    found = labels(dataset, table, "ifn-rux")
    assert "Truncated in source" in found
    assert "n not stated" in found
    assert not [label for label in found if label.startswith("Small n")]
