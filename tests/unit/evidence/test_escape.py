"""lib.evidence.escape: data text is inert in Markdown, Plotly's HTML and spreadsheet cells."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.evidence.escape import markdown, plotly_html, spreadsheet_cell

SPECIAL = set("\\`*_{}[]()#+-.!|<>:~$&")


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_markdown_escaping_leaves_no_active_character(text):
    escaped = markdown(text)
    index = 0
    while index < len(escaped):
        char = escaped[index]
        if char == "\\":
            assert index + 1 < len(escaped) and escaped[index + 1] in SPECIAL
            index += 2
            continue
        assert char not in SPECIAL, (text, escaped)
        index += 1


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_spreadsheet_formulas_become_text(cell):
    assert spreadsheet_cell(cell) == "'" + cell


@pytest.mark.parametrize("value", ["AML", "P=0.", "12,744", 3, 2.5, None])
def test_other_cells_are_unchanged(value):
    assert spreadsheet_cell(value) == value


def test_plotly_html_makes_markup_inert():
    assert (
        plotly_html("<a href='javascript:x'>y</a>")
        == "&lt;a href=&#x27;javascript:x&#x27;&gt;y&lt;/a&gt;"
    )
    assert plotly_html(None) == ""
