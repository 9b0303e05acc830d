"""Turn stored figures into display text without ever completing what the source cut off.

A number split by a line break in the source ("24. 5%") is shown joined ("24.5%"); a truncated
one ("95.", "P=0.") is shown exactly as printed and marked. Pure; no streamlit.
"""

import math
import re

# The documents split decimals at a line break after the point ("24. 5%"); a comma followed by
# a space is a list separator ("HR 0,25, 95% CI"), never a split decimal.
_SPLIT_NUMBER = re.compile(r"(\d)\. (\d)")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d.,])")
_FIRST_NUMBER = re.compile(r"\d+(?:[.,]\s?(\d+))?")


def join_split_digits(text: str) -> str:
    """Remove the line-break gap inside a number ('P=0. 001' -> 'P=0.001'); keep 'P=0.' as is."""
    return _SPLIT_NUMBER.sub(r"\1.\2", text)


def printed_decimals(as_printed: str) -> int:
    """How many decimals the source printed for its first number ('38. 2%' -> 1, '7%' -> 0)."""
    text = as_printed or ""
    match = _FIRST_NUMBER.search(text)
    if not match or not match.group(1):
        return 0
    if _THOUSANDS.match(text, match.start()):  # "12,744" is a count, not 12.744
        return 0
    return len(match.group(1))


def _is_missing(value) -> bool:
    """None, NaN and pandas' NA all mean 'not reported'."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return math.isnan(float(value))
    except TypeError:  # pandas.NA refuses float()
        return True


def display_value(value, as_printed: str, unit: str, flags: str = "", n=None) -> str:
    """The figure as a clinician should read it, with the source's precision and wording."""
    kinds = set(filter(None, (flags or "").split(";")))
    if _is_missing(value):
        suffix = " (truncated in source)" if "truncated" in kinds else ""
        return f"{join_split_digits(as_printed)}{suffix}"
    if kinds & {"approximate", "lower_bound"}:
        return join_split_digits(as_printed)
    number = f"{float(value):,.{printed_decimals(as_printed)}f}"  # 12,744 as printed
    if unit == "percent":
        return f"{number}%"
    if unit == "months":
        return f"{number} months"
    if unit == "patients":
        if not _is_missing(n):
            return f"{number}/{int(n):,}"
        return f"{number} patient" if number == "1" else f"{number} patients"
    if unit in ("hazard ratio", ""):
        return join_split_digits(as_printed)
    return f"{number} {unit}"


def display_p(as_printed, flags: str = "") -> str:
    """A p-value as printed (split digits joined), or 'p not reported'; truncation is marked."""
    if _is_missing(as_printed) or not str(as_printed).strip():
        return "p not reported"
    text = join_split_digits(str(as_printed).strip())
    if "truncated" in (flags or "").split(";") and text.endswith("."):
        return f"{text} (truncated in source)"
    return text


def display_n(n) -> str:
    return "n not stated" if _is_missing(n) else f"n={int(n):,}"
