"""Property-based tests: the models' numeric rules and display text that never adds digits."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from lib.dataset.records import HazardRatio, Interval, Outcome, PValue
from lib.evidence.text import display_p, display_value, join_split_digits

BASE = dict(
    id="o1",
    study="s",
    arm="a",
    endpoint="os",
    time_point={"label": "2 years"},
    as_printed="x",
    origin="document",
    source="d1",
    excerpt="text",
    verification={"status": "verified", "note": "checked"},
)
finite = st.floats(allow_nan=False, allow_infinity=False, width=32)


def outcome(**fields) -> Outcome:
    return Outcome(**{**BASE, **fields})


@given(value=st.floats(0, 100), n=st.integers(1, 10_000), data=st.data())
def test_a_percentage_within_range_with_events_up_to_n_is_valid(value, n, data):
    events = data.draw(st.integers(0, n))
    assert outcome(value=value, unit="percent", n=n, events=events).events == events


@given(value=finite.filter(lambda v: v > 100 or v < 0))
def test_a_percentage_outside_0_100_is_rejected(value):
    with pytest.raises(ValidationError):
        outcome(value=value, unit="percent")


@given(n=st.integers(1, 10_000), extra=st.integers(1, 1000))
def test_more_events_than_patients_is_rejected(n, extra):
    with pytest.raises(ValidationError, match="exceed"):
        outcome(value=10, unit="percent", n=n, events=n + extra)


@given(bounds=st.lists(st.floats(0, 100), min_size=3, max_size=3))
def test_a_ci_is_accepted_exactly_when_it_contains_the_estimate(bounds):
    low, high = min(bounds[0], bounds[1]), max(bounds[0], bounds[1])
    value = bounds[2]
    ci = {"low": low, "high": high}
    if low <= value <= high:
        assert outcome(value=value, unit="percent", ci=ci).ci.low == low
    else:
        with pytest.raises(ValidationError, match="does not contain"):
            outcome(value=value, unit="percent", ci=ci)


@given(low=st.floats(0.01, 10), high=st.floats(0.01, 10), hr=st.floats(0.01, 10))
def test_hazard_ratio_ci_rule_matches_containment(low, high, hr):
    low, high = min(low, high), max(low, high)
    build = lambda: HazardRatio(value=hr, ci=Interval(low=low, high=high), as_printed="HR")  # noqa: E731
    if low <= hr <= high:
        assert build().value == hr
    else:
        with pytest.raises(ValidationError):
            build()


@given(p=finite)
def test_a_numeric_p_must_lie_in_0_1(p):
    if 0 < p <= 1:
        assert PValue(as_printed="p", value=p).value == p
    else:
        with pytest.raises(ValidationError):
            PValue(as_printed="p", value=p)


printed = st.text(alphabet="Pp=<> .,%0123456789abc", max_size=30)


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@given(printed)
def test_display_of_a_p_value_never_adds_or_drops_digits(text):
    shown = display_p(text, ("truncated",))
    assert digits(shown) == digits(text) or shown == "p not reported"


@given(printed)
def test_joining_split_digits_only_removes_spaces(text):
    joined = join_split_digits(text)
    assert joined.replace(" ", "") == text.replace(" ", "")


@given(printed.filter(lambda t: t.strip()))
def test_a_truncated_value_is_shown_as_printed(text):
    shown = display_value(None, text, "percent", ("truncated",))
    assert shown.startswith(join_split_digits(text))
    assert shown.endswith("(truncated in source)")
