"""lib.app.present_page: the slide number in the address, read strictly; anything else is slide 1."""

import pytest

from lib.app import present_page as present_view
from lib.app.present_page import SLIDE_KEY, slide_from_url, slide_number

COUNT = 12  # slides in the deck


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("3", 3),
        ("03", 3),
        (str(COUNT), COUNT),  # the last slide
        (str(COUNT + 1), 1),  # past the end
        ("999999", 1),
        ("0", 1),
        ("-1", 1),
        ("+3", 1),
        ("", 1),
        (" 3", 1),  # int() would read these three as 3
        ("3 ", 1),
        ("3\n", 1),
        ("٣", 1),  # ARABIC-INDIC DIGIT THREE: int() reads it as 3
        ("²", 1),  # SUPERSCRIPT TWO: str.isdigit() is True, int() raises ValueError
        ("3.0", 1),
        ("abc", 1),
        ("0" * 6 + "3", 1),  # more than six digits, even when the value is small
        ("9" * 5000, 1),  # int() refuses more than 4,300 digits
    ],
)
def test_slide_number_accepts_only_plain_digits_naming_a_slide(text: str, expected: int):
    assert slide_number(text, COUNT) == expected


@pytest.mark.parametrize(
    ("query", "expected"), [({}, 1), ({SLIDE_KEY: "4"}, 4), ({SLIDE_KEY: "²"}, 1)]
)
def test_slide_from_url_reads_the_slide_parameter(monkeypatch, query: dict, expected: int):
    monkeypatch.setattr(present_view.st, "query_params", query)
    assert slide_from_url(COUNT) == expected
