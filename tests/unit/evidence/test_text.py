"""lib.evidence.text: display text joins split digits, never completes a truncated figure."""

import collections
import math

import pandas as pd
import pytest

from lib.evidence import text as txt
from lib.evidence.text import (
    display_n,
    display_p,
    display_value,
    join_split_digits,
    printed_decimals,
    unit_value,
)
from lib.i18n import using_language
from tests.unit.evidence.chinese import english_left, has_chinese, numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("P=0.", "P=0.", id="truncated-p-kept"),
        pytest.param("P=0. 001", "P=0.001", id="split-p-joined"),
        pytest.param("24. 5%", "24.5%", id="split-percent"),
        pytest.param("(20. 2% vs 39. 0%, P=0. 034)", "(20.2% vs 39.0%, P=0.034)", id="several"),
        pytest.param("95.", "95.", id="truncated-value-kept"),
        pytest.param("9. 7 vs 3. 0 months, P=0.", "9.7 vs 3.0 months, P=0.", id="mixed"),
        pytest.param("11,9%", "11,9%", id="decimal-comma-untouched"),
        pytest.param("n = 7/10", "n = 7/10", id="no-number-split"),
    ],
)
def test_join_split_digits(text, expected):
    assert join_split_digits(text) == expected


def test_join_split_digits_keeps_list_commas():
    # a comma and a space between two numbers separate a list; they are not a split decimal
    assert join_split_digits("HR 0,25, 95% CI 0,11-0,57") == "HR 0,25, 95% CI 0,11-0,57"
    # ... and a reader sees the number with a decimal point (the printed form stays on record)
    assert display_value(0.25, "HR 0,25, 95% CI 0,11-0,57", "hazard ratio") == "HR 0.25"


@pytest.mark.parametrize(
    ("as_printed", "decimals"),
    [
        ("38. 2%", 1),
        ("7%", 0),
        ("11,9%", 1),
        ("15.0% (95% CI, 8.0% to 22.1%)", 1),
        ("over 700", 0),
        ("12,744", 0),
        ("8,162", 0),
    ],
)
def test_printed_decimals(as_printed, decimals):
    assert printed_decimals(as_printed) == decimals


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # truncated: the printed text, marked, never completed
        pytest.param(
            (None, "95.", "percent", ("truncated", "no_denominator")),
            "95. (truncated in source)",
            id="truncated",
        ),
        pytest.param(
            (math.nan, "95.", "percent", ("truncated",)),
            "95. (truncated in source)",
            id="truncated-nan",
        ),
        pytest.param(
            (None, "relapse remains the leading cause", "percent", ("direction_only",)),
            "relapse remains the leading cause",
            id="direction-only",
        ),
        # approximate and lower bounds keep their words
        pytest.param(
            (3, "about three months", "months", ("approximate", "no_citation")),
            "about three months",
            id="approximate",
        ),
        pytest.param(
            (700, "over 700", "patients", ("lower_bound", "promotional")),
            "over 700",
            id="lower-bound",
        ),
        pytest.param(
            (12, "over one year", "months", ("anecdotal", "lower_bound")),
            "over one year",
            id="lower-bound-months",
        ),
        # percentages with the source's decimals, split digits joined
        pytest.param((24.5, "24. 5%", "percent", ("reassembled",)), "24.5%", id="reassembled"),
        pytest.param((7, "7%", "percent", ()), "7%", id="no-decimals"),
        pytest.param(
            (15.0, "15.0% (95% CI, 8.0% to 22.1%)", "percent", ()),
            "15.0%",
            id="keeps-trailing-zero",
        ),
        pytest.param((38.0, "38%", "percent", ()), "38%", id="integer-percent"),
        pytest.param((11.9, "11,9%", "percent", ()), "11.9%", id="decimal-comma"),
        pytest.param((9.7, "9. 7 months", "months", ("reassembled",)), "9.7 months", id="months"),
        # patients: with n as a fraction, without n as a count
        pytest.param((5, "five were alive", "patients", "", 6), "5/6", id="patients-with-n"),
        pytest.param(
            (3, "3 patients", "patients", "", None), "3 patients", id="patients-without-n"
        ),
        pytest.param(
            (3, "3 patients", "patients", "", math.nan), "3 patients", id="patients-nan-n"
        ),
        pytest.param((32, "32", "provinces", ""), "32 provinces", id="counted-unit"),
        pytest.param((0.48, "HR 0,48", "hazard ratio", ()), "HR 0.48", id="hazard-ratio"),
    ],
)
def test_display_value(args, expected):
    assert display_value(*args) == expected


def test_display_value_with_pandas_na():
    # figure_table's n column is Int64, so a missing n arrives as pd.NA
    assert display_value(3, "3 patients", "patients", "", pd.NA) == "3 patients"
    assert display_value(pd.NA, "95.", "percent", ("truncated",)) == "95. (truncated in source)"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param((12744, "12,744", "patients", ()), "12,744 patients", id="count"),
        pytest.param((8162, "8,162", "patients", "", 8162), "8,162/8,162", id="sample-size"),
    ],
)
def test_display_value_with_thousands_separator(args, expected):
    # "12,744" is a count with a thousands separator, not 12.744
    assert display_value(*args) == expected


@pytest.mark.parametrize(
    ("as_printed", "flags", "expected"),
    [
        pytest.param(
            "P=0.",
            ("truncated", "non_randomised_comparison"),
            "P=0. (truncated in source)",
            id="truncated",
        ),
        pytest.param("P=0.", (), "P=0.", id="unflagged-kept"),
        pytest.param("P=0. 001", ("reassembled",), "P=0.001", id="reassembled"),
        pytest.param("  P < .01 ", (), "P < .01", id="stripped"),
        pytest.param("all statistically different", (), "all statistically different", id="words"),
        pytest.param(None, (), "p not reported", id="none"),
        pytest.param(pd.NA, (), "p not reported", id="pandas-na"),
        pytest.param(math.nan, (), "p not reported", id="nan"),
        pytest.param("   ", (), "p not reported", id="blank"),
    ],
)
def test_display_p(as_printed, flags, expected):
    assert display_p(as_printed, flags) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (10, "n=10"),
        (None, "n not stated"),
        (math.nan, "n not stated"),
        (pd.NA, "n not stated"),
    ],
)
def test_display_n(n, expected):
    assert display_n(n) == expected


def test_every_table_row_can_be_displayed(table):
    """The ui shows every row through these two functions (Int64 n, NaN values, empty text)."""
    for item in table.itertuples():
        text = display_value(item.value, item.as_printed, item.unit, item.flags, item.n)
        assert isinstance(text, str)
        assert text or not item.as_printed, item.figure_id  # empty only for direction-only
        assert display_n(item.n).startswith("n"), item.figure_id


# --- in Chinese -----------------------------------------------------------------------------


ZH_VALUES = [
    ((None, "95.", "percent", ("truncated",)), "95.（原文截断）"),
    ((9.7, "9. 7 months", "months", ("reassembled",)), "9.7个月"),
    ((3, "3 patients", "patients", "", None), "3例"),
    ((1, "one patient", "patients", "", None), "1例"),
    ((12744, "12,744", "patients", ()), "12,744例"),
    ((5, "five were alive", "patients", "", 6), "5/6"),
    ((24.5, "24. 5%", "percent", ("reassembled",)), "24.5%"),
    ((32, "32", "省份", ""), "32个省份"),
    ((0.48, "HR 0,48", "hazard ratio", ()), "HR 0.48"),  # the number, with a decimal point
    ((700, "over 700", "patients", ("lower_bound",)), "原文“over 700”"),  # the source's words
]


@pytest.mark.parametrize(("args", "expected"), ZH_VALUES, ids=[e for _, e in ZH_VALUES])
def test_display_value_in_chinese_keeps_the_numbers(zh, args, expected):
    shown = display_value(*args)
    assert shown == expected
    with using_language("en"):
        english = display_value(*args)
    assert numbers(shown) == numbers(english)  # no number changes with the language


def test_p_and_n_in_chinese(zh):
    assert display_p(None) == "未报告P值"
    assert display_p("P=0.", ("truncated",)) == "P=0.（原文截断）"
    assert display_p("P=0. 001") == "P=0.001"  # as printed, joined
    assert display_p("all statistically different") == "原文“all statistically different”"
    with using_language("en"):
        assert display_p("all statistically different") == "all statistically different"
    assert display_n(None) == "分母未说明"
    assert display_n(1234) == "n=1,234"  # n prints one way in every language


Arm = collections.namedtuple("Arm", "value as_printed unit flags n")


def test_pair_sentence_in_chinese_is_one_sentence_with_chinese_punctuation(zh):
    arms = [Arm(38.2, "38. 2%", "percent", (), 100), Arm(20.1, "20.1%", "percent", (), 102)]
    line = txt.pair_sentence("总生存(OS)", "2年", arms, "P=0.03", "publication")
    assert line == "总生存(OS)，2年（发表文献）：38.2% vs 20.1%（n=100 vs 102），P=0.03"
    with using_language("en"):
        english = txt.pair_sentence("Overall survival", "2 years", arms, "P=0.03", "publication")
    assert (
        english == "Overall survival, 2 years (publication): 38.2% vs 20.1% (n=100 vs 102), P=0.03"
    )
    assert numbers(line) == numbers(english)
    unknown = [Arm(38.2, "38.2%", "percent", (), None), Arm(20.1, "20.1%", "percent", (), 102)]
    assert "分母未说明" in txt.pair_sentence("总生存(OS)", "", unknown, None, "document")


def test_direction_and_effect_sentence_in_chinese(zh):
    assert txt.direction("intervention", "索拉非尼", "无维持治疗") == "有利于索拉非尼"
    assert txt.direction("neither", "a", "b") == "报告无差异"
    assert txt.direction(None, "a", "b") == "方向不明"
    Row = collections.namedtuple(
        "Row", "study endpoint_label time_point measure estimate low high method"
    )
    row = Row(
        "索拉非尼维持治疗",
        "累积复发率(CIR)",
        "1年",
        "Hazard ratio",
        0.25,
        0.11,
        0.57,
        "as published",
    )
    sentence = txt.effect_sentence(row)
    assert (
        sentence
        == "索拉非尼维持治疗，累积复发率(CIR)（1年）：风险比(HR) 0.25（0.11至0.57），按发表数据"
    )
    with using_language("en"):
        english = txt.effect_sentence(row)
    assert english.startswith(
        "索拉非尼维持治疗, 累积复发率(CIR) (1年): hazard ratio 0.25 (0.11 to 0.57)"
    )
    assert numbers(sentence) == numbers(english)


def test_punctuation_follows_the_language(zh):
    assert txt.labelled("终点", "7%") == "终点：7%"
    assert txt.enumeration(["AML", "MDS"]) == "AML、MDS"
    assert txt.clauses(["亚组", "", "2年"]) == "亚组，2年"
    assert txt.bracketed("标题", "来源") == "标题（来源）"
    assert txt.sentences(["一句。", "两句。"]) == "一句。两句。"
    assert txt.lower_first("风险比(HR)") == "风险比(HR)"
    with using_language("en"):
        assert txt.labelled("Endpoint", "7%") == "Endpoint: 7%"
        assert txt.enumeration(["AML", "MDS"]) == "AML, MDS"
        assert txt.lower_first("Hazard ratio") == "hazard ratio"
        assert txt.lower_first("HR and RR") == "HR and RR"  # an acronym keeps its case


def test_notes_in_chinese(zh, dataset_zh):
    notes = dataset_zh.notes
    assert notes
    written = txt.integrative_note(notes)
    assert has_chinese(written)
    for label in ("中西医结合：", "适用范围：", "证据等级：", "注意："):
        assert label in written
    pinyin = {p.pinyin for note in notes for p in note.principles}
    assert not english_left(written, pinyin), english_left(written, pinyin)
    editorial = next(
        (
            s
            for note in notes
            for s in (note.key_message, note.scope, *note.caveats)
            if txt.is_editorial(s)
        ),
        None,
    )
    if editorial is not None:
        assert txt.note_text(editorial).startswith("编者注（非来源内容）：")


def test_every_table_row_displays_in_chinese(table_zh):
    for item in table_zh.itertuples():
        shown = display_value(item.value, item.as_printed, item.unit, item.flags, item.n)
        assert not english_left(shown, [join_split_digits(item.as_printed or "")]), item.figure_id


# --- one formatter: numbers, decimal commas, lists ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "comma"),
    [
        ("p<0,0001", True),
        ("HR 0,25, 95% CI 0,11-0,57", True),
        ("68,0%", True),
        ("p=0,012", True),  # a leading 0 is never a thousands group
        ("12,744", False),
        ("n=8,160", False),
        ("1,234,567 patients", False),
        ("HR 0.25, 95% CI 0.11–0.57", False),
        ("24. 5%", False),
        ("1,23", True),
    ],
)
def test_has_decimal_comma(text, comma):
    assert txt.has_decimal_comma(text) is comma


def test_printed_decimals_reads_a_decimal_comma_after_zero():
    assert printed_decimals("p=0,012") == 3
    assert printed_decimals("12,744") == 0


@pytest.mark.parametrize(
    ("printed", "value", "relation", "shown"),
    [
        ("p<0,0001", 0.0001, "<", "p<0.0001"),
        ("p=0,0010", 0.001, "=", "p=0.0010"),  # the printed precision kept
        ("p=0,012", 0.012, "=", "p=0.012"),
        ("P = .006", 0.006, "=", "P = .006"),  # a decimal point: as printed
        ("P=0. 001", 0.001, "=", "P=0.001"),
    ],
)
def test_display_p_shows_a_decimal_point(printed, value, relation, shown):
    assert display_p(printed, (), value, relation) == shown


def test_display_p_never_completes_a_truncated_p():
    assert display_p("P=0.", ("truncated",), None) == "P=0. (truncated in source)"
    # a decimal comma without its number stays as printed: nothing is invented
    assert display_p("p<0,0001", (), None) == "p<0,0001"


def test_display_hr_from_its_numbers_where_printed_with_commas():
    printed = "HR 0,25, 95% CI 0,11-0,57"
    assert txt.display_hr(0.25, printed, 0.11, 0.57) == "HR 0.25, 95% CI 0.11–0.57"
    with using_language("zh"):
        assert txt.display_hr(0.25, printed, 0.11, 0.57) == "HR 0.25，95%置信区间 0.11–0.57"
    # Printed in English words, read from its numbers in every language (no English on a
    # Chinese page); the printed form stays in the Table and Source tabs.
    point = "hazard ratio (HR) of 0.32 (95% CI, 0.18 to 0.57; P < .01)"
    assert txt.display_hr(0.32, point, 0.18, 0.57) == "HR 0.32, 95% CI 0.18–0.57"
    with using_language("zh"):
        assert txt.display_hr(0.32, point, 0.18, 0.57) == "HR 0.32，95%置信区间 0.18–0.57"
    assert txt.display_hr(None, point) == point


def test_a_bound_keeps_the_decimals_printed_for_it():
    # Blood Adv 2020 printed the upper bound with one decimal: 1.1 is not shown as 1.10.
    printed = "hazard ratios of 0.73 [95% confidence interval, 0.49-1.1; P = .14]"
    assert txt.display_hr(0.73, printed, 0.49, 1.1) == "HR 0.73, 95% CI 0.49–1.1"
    assert txt.decimals_printed_for(1.1, printed, 2) == 1
    assert txt.decimals_printed_for(0.49, printed, 0) == 2
    assert txt.decimals_printed_for(0.5, printed, 2) == 2  # not printed: the default
    assert txt.decimals_printed_for(0.25, "HR 0,25, 95% CI 0,11-0,57", 0) == 2
    assert txt.estimate_interval(0.73, 0.49, 1.1, 2, as_printed=printed) == "0.73 (0.49–1.1)"
    assert txt.estimate_interval(0.73, 0.49, 1.1, 2) == "0.73 (0.49–1.10)"  # computed
    effect = txt.publication_effect(0.73, 0.49, 1.1, "P = .14", printed)
    assert effect == "publication: HR 0.73 (95% CI 0.49–1.1), P = .14"


def test_numbers_print_one_way():
    assert txt.number(-3.25, 1) == "\u22123.2"
    assert txt.number(0.5, 2) == "0.50"
    assert txt.count(12744) == "12,744"
    assert txt.plain(12.0) == "12" and txt.plain(0.01) == "0.01"
    assert txt.share(0.8) == "80%"
    assert txt.percent(62.71) == "62.7%" and txt.percent(7, 0) == "7%"
    assert txt.estimate_percent(62.7, 54.91, 69.44) == "62.7% (54.9–69.4)"
    assert txt.estimate_percent(62.7, None, None) == "62.7%"
    assert txt.events_of(5, 6, 83.33) == "5/6 (83%)"
    assert txt.computed_p(0.6412) == "p = 0.64"
    assert txt.computed_p(0.0031) == "p = 0.003"
    assert txt.computed_p(0.0001) == "p < 0.001"
    assert txt.table_number_format(1) == "%.1f" and txt.table_number_format(None) == "%g"
    assert txt.printed_estimate(38.3, "38. 3%", "percent", 28.8, 47.9) == "38.3% (28.8–47.9)"
    assert txt.printed_estimate(68.0, "68,0%", "percent") == "68.0%"


def test_intervals_and_lists_join_in_the_language():
    assert txt.estimate_interval(0.25, 0.11, 0.57, 2) == "0.25 (0.11–0.57)"
    assert txt.estimate_interval(-3.2, -10.1, 4.5, 1, signed=True) == (
        "\u22123.2 (\u221210.1 to 4.5)"
    )
    assert txt.enumeration(["AML", "MDS", ""]) == "AML, MDS"
    with using_language("zh"):
        assert txt.estimate_interval(-3.2, -10.1, 4.5, 1, signed=True) == (
            "\u22123.2 (\u221210.1至4.5)"
        )
        assert txt.enumeration(["AML", "MDS", "ALL"]) == "AML、MDS、ALL"
        assert txt.in_months(6) == "6个月"
        assert has_chinese(txt.median_survival(28.21, 18.1, None))
        assert "28.2" in txt.median_survival(28.21, 18.1, None)


def test_one_missing_value_predicate():
    for missing in (None, float("nan"), pd.NA, math.nan):
        assert txt.is_missing(missing)
    for present in ("", "x", 0, 0.0, (), ("truncated",)):
        assert not txt.is_missing(present)


@pytest.mark.parametrize(
    ("value", "printed", "shown"),
    [
        (75.0, "0.75; 95% CI, 0.67 to 0.81", "75%"),  # FORUM prints proportions
        (91.0, "TBI 0.91 (95% CI, 0.86 to 0.95)", "91%"),
        (38.2, "38. 2%", "38.2%"),  # a percentage keeps its own decimals
        (0.5, "0.5%", "0.5%"),
        (0.0, "0%", "0%"),
    ],
)
def test_a_percentage_printed_as_a_proportion_keeps_its_precision(value, printed, shown):
    """'0.75' is 75%, not 75.00%: two decimals of a proportion are none of a percentage."""
    assert display_value(value, printed, "percent") == shown
    assert unit_value(value, printed, "%") == shown
