"""Chinese-aware wrapping: spaces in Latin text, between CJK characters, never before closing or
after opening punctuation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.i18n.wrap import NO_BREAK_AFTER, NO_BREAK_BEFORE, WHOLE_TERMS, estimate_em, fill, wrap


def chars(text: str) -> float:
    """One em per character: easy widths to reason about."""
    return float(len(text))


def test_latin_breaks_at_spaces():
    assert wrap("the quick brown fox jumps", 10, chars) == ["the quick", "brown fox", "jumps"]


def test_a_latin_word_is_not_split_unless_too_long_for_a_line():
    assert wrap("tiny venetoclax", 12, chars) == ["tiny", "venetoclax"]
    assert wrap("azacitidinevenetoclax", 10, chars) == ["azacitidin", "evenetocla", "x"]


def test_chinese_breaks_between_any_two_characters():
    assert wrap("甲乙丙丁戊己庚辛壬癸", 4, chars) == ["甲乙丙丁", "戊己庚辛", "壬癸"]


def test_a_clinical_word_stays_whole():
    # Read on a chart at dataset 1.3.0: "2年无白血病生/存", "中位总生存期 · 高/三尖杉酯碱组".
    assert wrap("2年无白血病生存", 7, chars) == ["2年", "无白血病生存"]
    assert wrap("中位总生存期 · 高三尖杉酯碱组", 8, chars) == ["中位总生存期 ·", "高三尖杉酯碱组"]
    assert wrap("累积复发率(CIR)对比", 10, chars) == ["累积复发率(CIR)", "对比"]
    # The longest term wins where two overlap (中位总生存期 holds 总生存).
    assert wrap("中位总生存期", 4, chars) == ["中位总生", "存期"]  # wider than a line: cut
    assert all(term in WHOLE_TERMS for term in ("无白血病生存", "累积复发率", "维奈克拉"))


def test_every_endpoint_term_stays_whole_on_a_line_that_holds_it():
    from lib.dataset.vocabulary import ENDPOINTS
    from lib.i18n import _, using_language

    with using_language("zh"):
        labels = [_(label) for label, _definition in ENDPOINTS.values()]
    for label in labels:
        for term in (t for t in WHOLE_TERMS if t in label):
            lines = wrap(f"甲乙{label}丙", len(label) + 1, chars)
            assert any(term in line for line in lines), (label, term, lines)


def test_never_before_closing_punctuation():
    # "，" would start the second line: the character before it goes down with it.
    assert wrap("甲乙丙丁，戊己庚辛", 4, chars) == ["甲乙丙", "丁，戊己", "庚辛"]
    for mark in "，。、；：）」":
        for width in range(2, 8):
            lines = wrap(f"甲乙丙丁{mark}戊己庚辛{mark}壬癸", width, chars)
            assert not any(line.startswith(mark) for line in lines), (mark, width, lines)


def test_never_after_opening_punctuation():
    assert wrap("甲乙丙（丁戊）己", 4, chars) == ["甲乙丙", "（丁戊）", "己"]
    for mark in "（「":
        for width in range(2, 8):
            lines = wrap(f"甲乙丙丁{mark}戊己庚{mark}辛壬", width, chars)
            assert not any(line.endswith(mark) for line in lines[:-1]), (mark, width, lines)


def test_an_abbreviation_stays_with_its_term():
    for width in range(6, 12):  # 6: the widest term with its abbreviation, 率(CIR)
        lines = wrap("患者的总生存(OS)与累积复发率(CIR)", width, chars)
        assert "".join(lines) == "患者的总生存(OS)与累积复发率(CIR)"
        assert not any(line.startswith("(") for line in lines), lines
        assert any("存(OS)" in line for line in lines) and any("率(CIR)" in line for line in lines)


def test_may_break_after_an_abbreviation():
    assert wrap("移植(allo-HSCT)后复发", 13, chars) == ["移植(allo-HSCT)", "后复发"]


def test_mixed_chinese_and_latin():
    lines = wrap("维奈克拉 venetoclax 联合阿扎胞苷治疗", 12, chars)
    assert lines == ["维奈克拉", "venetoclax 联", "合阿扎胞苷治疗"]


def test_spaces_newlines_and_fill():
    assert wrap("  a   b  ", 10, chars) == ["a b"]
    assert wrap("甲乙\n\n丙丁", 10, chars) == ["甲乙", "", "丙丁"]
    assert wrap("", 10, chars) == [""]
    assert fill("甲乙丙丁", 2, chars) == "甲乙\n丙丁"
    with pytest.raises(ValueError):
        wrap("x", 0, chars)


def test_a_space_beside_punctuation_is_no_break():
    assert wrap("甲乙 ，丙丁", 3, chars) == ["甲", "乙 ，", "丙丁"]
    assert wrap("甲乙（ 丙丁", 3, chars) == ["甲乙", "（ 丙", "丁"]


def test_estimated_widths():
    assert estimate_em("中文") == 2.0
    assert estimate_em("ab") == pytest.approx(1.12)
    assert estimate_em("i.") == pytest.approx(0.6) and estimate_em("mW") == pytest.approx(1.8)
    assert estimate_em("e\u0301") == pytest.approx(0.56)  # a combining accent takes no room
    assert wrap("各行来自不同研究，患者、终点和随访均不相同。", 9) == [
        "各行来自不同研究，",
        "患者、终点和随访均",
        "不相同。",
    ]


ALPHABET = "甲乙丙丁戊己庚辛壬癸ab1 （「，。、；：）」"


@given(st.text(alphabet=ALPHABET, max_size=60), st.integers(min_value=1, max_value=12))
def test_rules_hold_for_any_text(text, width):
    lines = wrap(text, width, chars)
    # nothing lost but spaces
    assert "".join("".join(lines).split()) == "".join(text.split())
    for i, line in enumerate(lines):
        if i > 0:
            assert not line[:1] or line[0] not in NO_BREAK_BEFORE, lines
        if i < len(lines) - 1:
            assert not line[-1:] or line[-1] not in NO_BREAK_AFTER, lines
        assert line == line.strip()


@given(st.text(alphabet="甲乙丙丁戊己庚辛壬癸", max_size=60), st.integers(1, 12))
def test_plain_chinese_fills_every_line(text, width):
    lines = wrap(text, width, chars)
    assert all(len(line) <= width for line in lines)
    assert all(len(line) == width for line in lines[:-1])
