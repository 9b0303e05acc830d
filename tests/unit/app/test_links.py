"""lib.app.links: share links round-trip the view and always name the language; a slide number
is read strictly (else 1)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.app.links import slide_number, view_link, view_query
from lib.dataset.vocabulary import DISEASES
from lib.i18n import SUPPORTED

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


@given(
    diseases=st.lists(st.sampled_from(DISEASES), min_size=1, max_size=3, unique=True),
    slide=st.integers(1, 500),
    lang=st.sampled_from(SUPPORTED),
)
def test_a_view_link_round_trips_the_view(diseases, slide, lang):
    link = view_link("http://example.org:8501/x?y=1", "present", diseases, {"slide": slide}, lang)
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "example.org:8501", "/present")
    assert query.get("disease", list(DISEASES)) == [d for d in diseases] or sorted(
        diseases
    ) == sorted(DISEASES)
    assert query.get("slide", ["1"]) == [str(slide)]
    assert query["lang"] == [lang]  # opens in the language it was copied in


@pytest.mark.parametrize(
    ("diseases", "extra", "lang", "expected"),
    [
        (list(DISEASES), {}, "en", "?lang=en"),  # defaults: only the language
        (list(DISEASES), {}, "zh", "?lang=zh"),
        (["MDS"], {}, "zh", "?disease=MDS&lang=zh"),
        (["AML", "ALL"], {"slide": 3}, "en", "?disease=AML&disease=ALL&slide=3&lang=en"),
        (["MDS"], {"slide": 1, "handout": ""}, "zh", "?disease=MDS&lang=zh"),  # defaults left out
        (["MDS"], {"handout": "true"}, "zh", "?disease=MDS&handout=true&lang=zh"),
    ],
)
def test_a_view_query_always_names_the_language(diseases, extra, lang, expected):
    assert view_query(diseases, extra, lang) == expected


@pytest.mark.parametrize("lang", ["", "fr", "ZH", "zh-CN", "zh&x=1"])
def test_a_view_query_refuses_a_language_the_app_does_not_have(lang):
    with pytest.raises(ValueError):
        view_query(["MDS"], {}, lang)
