"""lib.evidence.caveats on the shipped dataset: headline figures and caveat badges."""

import re

import pandas as pd
import pytest

from lib.dataset.rules import headline_refusal
from lib.dataset.vocabulary import PHASES
from lib.evidence.caveats import Headline, cross_trial, headline_rows, headlines, study_badges
from lib.evidence.figures import figure_table
from lib.evidence.selection import filter_table
from lib.i18n import using_language
from tests.unit.evidence.chinese import english_left, has_chinese, numbers, verbatim_strings

# --- headlines ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def headline_items(table) -> dict[str, Headline]:
    items = {}
    for phase in ("induction", "consolidation", "maintenance", "transplant", "relapse"):
        items.update({h.figure_id: h for h in headlines(filter_table(table, phase=phase))})
    return items


def test_headline_values_use_reassembled_numbers(headline_items):
    assert headline_items["sora.cir1y"].value == "7% vs 24.5%"
    assert "n=100 vs 102" in headline_items["sora.cir1y"].detail
    for item in headline_items.values():
        assert not re.search(r"\d[.,] \d", item.value + item.detail), item


def test_headlines_are_the_flagged_figures(table, headline_items):
    assert set(headline_items) == set(table.loc[table["headline"].astype(bool), "figure_id"])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"flags": ("truncated",)}, "flagged truncated"),
        ({"flags": ("setting_uncertain",)}, "flagged setting_uncertain"),
        ({"arms_defined_by": "outcome"}, "defined by an outcome"),
        ({"endpoint": "cr_cri"}, "not a relapse or survival endpoint"),
        ({"time_point_months": float("nan")}, None),  # a headline needs its time point
    ],
)
def test_the_headline_rule_refuses_what_a_clinician_should_not_see_first(table, change, reason):
    proposed = table[table["figure_id"] == "sora.cir1y"].assign(
        **{k: [v] for k, v in change.items()}
    )
    assert headline_rows(pd.concat([table[table["figure_id"] != "sora.cir1y"], proposed])).pipe(
        lambda rows: "sora.cir1y" not in set(rows["figure_id"])
    )
    if reason:
        row = proposed.iloc[0]
        why = headline_refusal(
            "comparison", row["endpoint"], row["flags"], row["arms_defined_by"], True, True
        )
        assert reason in why


def test_a_programme_count_is_never_a_headline(table):
    facts = table[table["kind"] == "key_fact"].assign(headline=True)
    assert headline_rows(facts).empty


def test_randomised_headlines_come_first(table):
    designs = list(headline_rows(table)["design"])
    assert designs == sorted(designs, key=lambda d: d != "rct")


# --- badges, counts, overview --------------------------------------------------------------


def labels(dataset, table, study_id: str) -> list[str]:
    return [b.label for b in study_badges(table, dataset.study(study_id))]


def test_badges_of_a_randomised_trial(dataset, table):
    role, design = study_badges(table, dataset.study("sorafenib-flt3"))
    assert (role.label, role.tone) == ("Newer therapy", "info")
    assert (design.label, design.tone) == ("Randomised controlled trial", "info")


def test_a_reference_trial_says_so_first(dataset, table):
    assert labels(dataset, table, "aza-001-mds")[:2] == [
        "Standard-of-care reference",
        "Randomised controlled trial",
    ]
    assert labels(dataset, table, "rif-ato-apl-2013")[0] == "Integrative / TCM"


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


# --- in Chinese -----------------------------------------------------------------------------


def test_badges_in_chinese(dataset_zh, table_zh):
    kept = verbatim_strings(table_zh, dataset_zh)
    for study in dataset_zh.studies:
        for badge in study_badges(table_zh, study):
            assert has_chinese(badge.label) and has_chinese(badge.help), (study.id, badge)
            assert not english_left(badge.label + " " + badge.help, kept), (study.id, badge)
    venhma = [b.label for b in study_badges(table_zh, dataset_zh.study("venhma-bridge"))]
    assert "样本量小（最小组9例）" in venhma and "非随机" in venhma and "原文截断" in venhma
    badge = cross_trial()
    assert (badge.label, badge.tone) == ("跨试验比较", "warning") and has_chinese(badge.help)


def test_cross_trial_badge_is_made_in_the_language_asked_for():
    with using_language("en"):
        assert cross_trial().label == "Cross-trial view"


def test_headlines_in_chinese_keep_ids_and_numbers(dataset_zh, table_zh):
    kept = verbatim_strings(table_zh, dataset_zh)
    with using_language("en"):
        english = {
            h.figure_id: h
            for phase in PHASES
            for h in headlines(filter_table(figure_table(dataset_zh), phase=phase))
        }
    chinese = {
        h.figure_id: h for phase in PHASES for h in headlines(filter_table(table_zh, phase=phase))
    }
    assert chinese and set(chinese) == set(english)
    for figure_id, item in chinese.items():
        assert has_chinese(item.label) and has_chinese(item.source), item
        for shown in (item.label, item.detail, item.source, *item.flags):
            assert not english_left(shown, kept), (figure_id, shown)
        assert numbers(item.value) == numbers(english[figure_id].value), figure_id
        assert numbers(item.detail) == numbers(english[figure_id].detail), figure_id
    assert chinese["sora.cir1y"].value == "7% vs 24.5%"
