"""Every figure's display text, for the screen, slides, images and exports alike.

A number split by a line break in the source ("24. 5%") is shown joined ("24.5%"); a truncated
one ("95.", "P=0.") is shown exactly as printed and marked; n prints one way everywhere. Pure.
"""

import math
import re
from collections.abc import Iterable

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


def display_value(value, as_printed: str, unit: str, flags: Iterable[str] = (), n=None) -> str:
    """The figure as a clinician should read it, with the source's precision and wording."""
    kinds = set(flags or ())
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


def display_p(as_printed, flags: Iterable[str] = ()) -> str:
    """A p-value as printed (split digits joined), or 'p not reported'; truncation is marked."""
    if _is_missing(as_printed) or not str(as_printed).strip():
        return "p not reported"
    text = join_split_digits(str(as_printed).strip())
    if "truncated" in (flags or ()) and text.endswith("."):
        return f"{text} (truncated in source)"
    return text


def display_n(n) -> str:
    """n as every page, slide and image prints it: 'n=1,234' or 'n not stated'."""
    return "n not stated" if _is_missing(n) else f"n={int(n):,}"


def display_count(n) -> str:
    """A count with the source's thousands separators ('12,744')."""
    return f"{int(n):,}"


def display_ci(low, high, decimals: int = 1) -> str:
    """A confidence interval as 'low–high', or '' when there is none."""
    if _is_missing(low) or _is_missing(high):
        return ""
    return f"{float(low):.{decimals}f}–{float(high):.{decimals}f}"


def plural(count: int, one: str, many: str) -> str:
    """'1 problem', '3 problems'."""
    return f"{count:,} {one if count == 1 else many}"


# --- sentences: one format per kind of figure, shared by cards, slides, images and exports ----


def figure_value(row) -> str:
    """A figure row's value as it should be read (see display_value)."""
    return display_value(row.value, row.as_printed, row.unit, row.flags, row.n)


def figure_sentence(row) -> str:
    """One figure: 'Endpoint: value · arm (or study) · n · time point'."""
    return " · ".join(
        part
        for part in (
            f"{row.endpoint_label}: {figure_value(row)}",
            row.arm or row.study,
            "" if row.kind == "key_fact" else display_n(row.n),
            row.time_point,
        )
        if isinstance(part, str) and part
    )


def claim_sentence(row, with_time: bool = True) -> str:
    """A comparison as the source states it: the claim, (time,) p as printed, HR if given."""
    parts = [
        row.statement,
        row.time_point if with_time else "",
        display_p(row.p_as_printed, row.flags),
    ]
    if not _is_missing(row.hr):
        parts.append(display_value(row.value, row.as_printed, row.unit))
    return " · ".join(part for part in parts if isinstance(part, str) and part)


def pair_sentence(endpoint: str, where: str, arms: list, p_as_printed, origin: str) -> str:
    """Two arms on one endpoint: 'endpoint, time: A vs B (n=.. vs ..), p as printed'."""
    numbers = " vs ".join(figure_value(arm) for arm in arms)
    known = all(not _is_missing(arm.n) for arm in arms)
    ns = ("n=" + " vs ".join(display_count(arm.n) for arm in arms)) if known else "n not stated"
    source = " (publication)" if origin == "publication" else ""
    head = ", ".join(part for part in (endpoint, where) if part)
    return f"{head}{source}: {numbers} ({ns}), {display_p(p_as_printed)}"


def reference(citation: str, pmid, doi) -> str:
    """A full reference with its identifiers: 'Citation. PMID 123. doi:10...'."""
    parts = [citation.rstrip()]
    if isinstance(pmid, str) and pmid:
        parts.append(f"PMID {pmid}.")
    if isinstance(doi, str) and doi:
        parts.append(f"doi:{doi}")
    return " ".join(parts)


def direction(favours: str, intervention: str, control: str) -> str:
    """Which arm a direction-only claim favours, in words."""
    return {
        "intervention": f"Favours {intervention}",
        "control": f"Favours {control}",
        "neither": "No difference reported",
    }.get(favours, "Direction unclear")


def effect_sentence(row) -> str:
    """A forest-plot row: 'study, endpoint (time): measure estimate (low to high), method'."""
    return (
        f"{row.study}, {row.endpoint_label} ({row.time_point}): {row.measure.lower()} "
        f"{row.estimate:.2f} ({row.low:.2f} to {row.high:.2f}), {row.method}"
    )


EDITORIAL_MARK = "Editorial (not from the sources): "


def is_editorial(item) -> bool:
    """True for a note sentence that is our addition, not something the source says."""
    return hasattr(item, "editorial")


def note_text(item) -> str:
    """A note sentence as plain text, an editorial one visibly marked as such."""
    return f"{EDITORIAL_MARK}{item.editorial}" if is_editorial(item) else str(item)


def integrative_note(notes) -> str:
    """A phase's integrative notes in a few lines: key message, scope, principles, evidence,
    first caveat."""
    parts = []
    for note in notes:
        principles = "; ".join(f"{p.chinese} ({p.pinyin}): {p.gloss}" for p in note.principles)
        parts.append(
            " ".join(
                filter(
                    None,
                    [
                        f"Integrative care: {note_text(note.key_message)}",
                        f"Scope: {note_text(note.scope)}",
                        f"TCM principles: {principles}." if principles else "",
                        f"Evidence: {note.evidence_level}.",
                        f"Caveat: {note_text(note.caveats[0])}",
                    ],
                )
            )
        )
    return "\n".join(parts)
