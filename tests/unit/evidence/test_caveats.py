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


@pytest.mark.parametrize("study_id", ["dec-mbucy-mds", "flamsa-bu", "tbf-conditioning"])
def test_a_study_whose_design_is_not_reported_is_not_called_non_randomised(
    dataset, table, study_id
):
    found = labels(dataset, table, study_id)
    assert "Design not reported" in found
    assert "Not randomised" not in found


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


# --- headlines name their population and design; nuances are not 'differs' -----------------


def test_every_headline_names_its_population_and_design(dataset, table):
    cards = {
        h.figure_id: h for phase in PHASES for h in headlines(filter_table(table, phase=phase))
    }
    assert cards
    for card in cards.values():
        design, _colon, population = card.context.partition(": ")
        assert design and population, card
    relapse = cards["ebmt.os2y"].context
    assert relapse.startswith("Registry analysis: ")
    assert "relapsed after allo-HSCT" in relapse and "first complete remission" in relapse
    assert "EBMT" in relapse
    assert cards["sora.cir1y"].context.startswith("Randomised controlled trial: ")


def test_headline_population_and_design_in_chinese(table_zh):
    cards = {
        h.figure_id: h for phase in PHASES for h in headlines(filter_table(table_zh, phase=phase))
    }
    relapse = cards["ebmt.os2y"].context
    assert relapse.startswith("登记研究：") and "首次完全缓解" in relapse and "复发" in relapse
    assert "EBMT" in relapse


def test_a_count_verified_with_a_nuance_is_not_called_different(dataset, table):
    gdec = labels(dataset, table, "gdec-maintenance")
    assert "Analysed vs randomised n" in gdec
    assert "Differs from publication" not in gdec
    ebmt = labels(dataset, table, "ebmt-relapse")
    assert "Minor difference from publication" in ebmt
    assert "Differs from publication" not in ebmt


def test_nuance_badges_in_chinese(dataset_zh, table_zh):
    gdec = [b.label for b in study_badges(table_zh, dataset_zh.study("gdec-maintenance"))]
    ebmt = [b.label for b in study_badges(table_zh, dataset_zh.study("ebmt-relapse"))]
    assert "分析例数与随机例数有别" in gdec and "与发表文献不符" not in gdec
    assert "与发表文献略有出入" in ebmt and "与发表文献不符" not in ebmt


# --- no English in a value's place on Chinese pages -------------------------------------------


def test_printed_words_read_in_chinese_in_a_values_place(table_zh):
    """'over one year', 'over 700', 'about 40', 'all statistically different' read in Chinese
    where the figure stands; the printed words stay in the table's as-printed column. (Hazard
    ratios printed in full are shown from their numbers by the number formatting.)"""
    from lib.evidence import text
    from lib.evidence.selection import records

    shown = {}
    for row in records(table_zh[table_zh["kind"] != "sample_size"]):
        if row.unit == "hazard ratio":
            continue
        value = text.figure_value(row)
        p = text.p_text(row) if row.kind == "comparison" else ""
        assert not re.search(r"[a-z]{3,}", value + p), (row.figure_id, value, p)
        shown[row.figure_id] = (value, p)
    assert shown["hu-case-2.survival"][0] == "一年以上"
    assert shown["mst-patients"][0] == "700余例"
    assert shown["mst-centres"][0] == "约40家"
    assert shown["untreated-secondary-aml"][0] == "约三个月"
    assert shown["gdec.cir2y"][1] == "均有统计学差异"
    printed = table_zh.set_index("figure_id")["as_printed"]
    assert (
        printed["mst-patients"] == "over 700" and printed["hu-case-2.survival"] == "over one year"
    )


def test_a_p_given_in_words_shows_the_publications_figures_beside_them(table, table_zh):
    with using_language("en"):
        english = {h.figure_id: h for h in headlines(filter_table(table, phase="maintenance"))}
    assert english["gdec.cir2y"].detail.endswith(
        "all statistically different (publication: HR 0.32 (95% CI 0.18–0.57), P < .01)"
    )
    with using_language("zh"):
        chinese = {h.figure_id: h for h in headlines(filter_table(table_zh, phase="maintenance"))}
    assert chinese["gdec.cir2y"].detail.endswith(
        "均有统计学差异（发表文献：HR 0.32（95% CI 0.18–0.57），P < .01）"
    )


def test_a_randomised_trial_leads_the_aml_relapse_headlines(table):
    # ADMIRAL (gilteritinib vs salvage chemotherapy, curated from its 2-year follow-up report)
    # is the first randomised relapse figure for AML: the headline rule puts it ahead of the
    # EBMT registry's figures from its data alone, with its hazard ratio's p as printed.
    rows = headline_rows(filter_table(table, diseases=["AML"], phase="relapse"))
    ids = list(rows["figure_id"])
    assert ids[0] == "admiral.mos"
    assert "ebmt.os2y" in ids[1:]
    card = next(
        h for h in headlines(filter_table(table, ["AML"], "relapse")) if h.figure_id == ids[0]
    )
    assert card.value == "9.3 months vs 5.6 months"
    assert "n=247 vs 124" in card.detail and ".0013" in card.detail
    assert card.context.startswith("Randomised controlled trial: ")
