"""Every figure's display text, for the screen, slides, images and exports alike: the one
module that formats a number (`number`, `count`, `plain`, `percent`, intervals, p, n, HR,
months, medians) and joins a list (`enumeration`, `clauses`, `semicolons`, `span`). Nothing
else in lib/ uses a format spec or joins shown values with ", " by hand
(tests/unit/evidence/test_one_formatter.py); lib/dataset and lib/i18n, below this module, keep
their own few messages.

A number split by a line break in the source ("24. 5%") is shown joined ("24.5%"); a truncated
one ("95.", "P=0.") is shown exactly as printed and marked; n prints one way everywhere. A
reader sees a decimal point: a figure printed with a decimal comma ("p<0,0001", "68,0%", "HR
0,25, 95% CI 0,11-0,57") is shown from its number; the printed form stays on record (Table and
Source tabs). Pure.

Words come out in the session's language (`lib.i18n`): every sentence is one template with
placeholders, never English fragments glued together, so Chinese can order it its own way. The
punctuation that joins pieces (a label and its value, a list, a bracketed note) follows the
language too (`labelled`, `clauses`, `enumeration`...): full-width ，、；：（） in Chinese. Numbers,
n, p and CIs print the same in every language.
"""

import re
from collections.abc import Iterable

import pandas as pd

from lib.i18n import N_, _, _f, _nf, current_language
from lib.i18n.languages import SOURCE_LANGUAGE, language_spec

# The documents split decimals at a line break after the point ("24. 5%"); a comma followed by
# a space is a list separator ("HR 0,25, 95% CI"), never a split decimal.
_SPLIT_NUMBER = re.compile(r"(\d)\. (\d)")
# Thousands separators: "12,744", "1,234,567" (never after a leading 0: "0,012" is a decimal).
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?![\d.,])")
# A decimal comma ("0,25", "68,0%", "p<0,0001"): a comma between digits that is no thousands
# separator.
_DIGITS_WITH_COMMAS = re.compile(r"(?<![\d,.])\d+(?:,\d+)+")
_FIRST_NUMBER = re.compile(r"\d+(?:[.,·]\s?(\d+))?")
# Every number with its decimals: "0.49-1.1" -> ("0", "49"), ("1", "1").
_ANY_NUMBER = re.compile(r"(\d+)(?:[.,·](\d+))?")
# The Lancet's decimal point, a raised dot ("0·58", "p=0·0003").
_RAISED_DOT_DECIMAL = re.compile(r"\d·\d")


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


def decimals_printed_for(value, as_printed: str, default: int) -> int:
    """The decimals the source printed for `value` itself ('0.73 [95% CI, 0.49-1.1]': 1.1 -> 1,
    0.49 -> 2), so a bound printed with one decimal is not shown with two; `default` where the
    printed form holds no such number (a computed figure, words)."""
    text = join_split_digits(str(as_printed or ""))
    if is_missing(value) or not text:
        return default
    for match in _ANY_NUMBER.finditer(text):
        whole, decimals = match.group(1), match.group(2) or ""
        if _THOUSANDS.match(text, match.start()):
            continue
        if abs(float(f"{whole}.{decimals or 0}") - abs(float(value))) < 1e-9:
            return len(decimals)
    return default


def number_as_printed(value: float, as_printed: str, default: int) -> str:
    """`value` with the decimals its source printed for it (`decimals_printed_for`)."""
    return number(value, decimals_printed_for(value, as_printed, default))


def has_decimal_comma(text: str) -> bool:
    """Whether `text` writes a decimal with anything but a point: a comma ('0,25', 'p<0,0001',
    '68,0%'), as Dutch, French and German summaries do, or the Lancet's raised dot ('0·58');
    '12,744' (thousands) is not one."""
    return bool(_RAISED_DOT_DECIMAL.search(text or "")) or any(
        not _THOUSANDS.fullmatch(match.group())
        for match in _DIGITS_WITH_COMMAS.finditer(text or "")
    )


def is_missing(value: object) -> bool:
    """None, NaN and pandas' NA mean 'not reported'; a string (even '') or a list-like is
    something. The one test of a missing value for every module that shows figures."""
    if value is None or isinstance(value, str):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list-like: something to show
        return False


# --- punctuation: how pieces join in the current language ------------------------------------


def _mark(name: str) -> str:
    return language_spec(current_language()).punctuation[name]


def _present(parts: Iterable) -> list[str]:
    return [part for part in parts if isinstance(part, str) and part]


def labelled(label: str, value: str) -> str:
    """'label: value' ('标签：值' in Chinese)."""
    return f"{label}{_mark('colon')}{value}"


def bracketed(text: str, note: str) -> str:
    """'text (note)' ('文字（注）' in Chinese)."""
    return f"{text}{_mark('open')}{note}{_mark('close')}"


def clauses(parts: Iterable) -> str:
    """Non-empty parts joined as clauses: 'a, b' ('a，b' in Chinese)."""
    return _mark("comma").join(_present(parts))


def enumeration(parts: Iterable) -> str:
    """A list of items: 'AML, MDS' ('AML、MDS' in Chinese)."""
    return _mark("enumeration").join(_present(parts))


def semicolons(parts: Iterable) -> str:
    """'a; b' ('a；b' in Chinese)."""
    return _mark("semicolon").join(_present(parts))


def full_stop(text: str) -> str:
    """A sentence ended: 'text.' ('文字。' in Chinese)."""
    return f"{text}{_mark('stop')}"


def sentences(parts: Iterable) -> str:
    """Whole sentences one after the other (a space between them in English, none in Chinese)."""
    return _mark("sentence").join(_present(parts))


def lower_first(text: str) -> str:
    """A capitalised word made lower case for the middle of a sentence ('Hazard ratio' ->
    'hazard ratio'); acronyms ('HR ...') and Chinese are left alone."""
    if len(text) > 1 and text[0].isascii() and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def span(low: str, high: str) -> str:
    """Two formatted bounds that may be negative: 'low to high' ('low至high' in Chinese)."""
    return f"{low}{_mark('to')}{high}"


# --- numbers: every format of a number shown anywhere ----------------------------------------

MINUS = "\u2212"  # a minus sign, not a hyphen: "−3.2"


def number(value: float, decimals: int) -> str:
    """A number with a decimal point and `decimals` places, negatives with a minus sign
    ('0.25', '−3.2'); the same in every language."""
    return f"{float(value):.{decimals}f}".replace("-", MINUS)


def count(n) -> str:
    """A whole count with thousands separators ('12,744'; a float is rounded: 600.0 -> '600')."""
    return f"{round(float(n)):,}"


def plain(value: float) -> str:
    """A number in its shortest form, no trailing zeros ('6', '12.5', '0.01'): months, ticks,
    limits and settings."""
    return f"{float(value):g}"


def percent(value: float | None, decimals: int = 1) -> str:
    """An estimate in percent ('62.7%'), or 'not estimable'."""
    return _("not estimable") if is_missing(value) else f"{number(value, decimals)}%"


def estimate_percent(estimate, low, high) -> str:
    """An estimate in percent with its CI: '62.7% (54.9–69.4)', the CI left out where it is
    undefined."""
    ci = display_ci(low, high)
    return percent(estimate) + (f" ({ci})" if ci else "")


def printed_estimate(value, as_printed: str, unit: str, low=None, high=None, flags=()) -> str:
    """A published figure as read (display_value: the source's decimals, a decimal point) with
    its CI where published: '38.3% (28.8–47.9)'."""
    shown = display_value(value, as_printed, unit, flags)
    if is_missing(value):
        return shown
    ci = display_ci(low, high, printed_decimals(as_printed))
    return f"{shown} ({ci})" if ci else shown


def share(fraction: float) -> str:
    """A fraction in whole percent ('0.8' -> '80%'): thresholds and completeness."""
    return f"{float(fraction):.0%}"


def in_months(value: float) -> str:
    """A duration: '6 months' ('6个月')."""
    return _f("{months} months", months=plain(value))


def rates_at(time: str) -> str:
    """The time point beside a hazard ratio that is the time of the rates compared with it, not
    a period the ratio covers: 'rates at 12 months' ('12个月时的率')."""
    return _f("rates at {time}", time=time)


def events_of(events, n, percent_value: float) -> str:
    """A count as the reader checks it: '5/6 (83%)'."""
    return f"{int(events)}/{int(n)} ({number(percent_value, 0)}%)"


def count_pairs(pairs: Iterable[tuple[int, int]]) -> str:
    """Events/n of each arm: '5/6 vs 3/7'."""
    return " vs ".join(f"{int(e)}/{int(n)}" for e, n in pairs)


def estimate_interval(
    estimate: float, low: float, high: float, decimals: int, signed=False, as_printed: str = ""
) -> str:
    """An estimate and its interval: '0.25 (0.11–0.57)'; bounds that may be negative are
    joined in words, '−3.2 (−10.1 to 4.5)' ('−3.2 (−10.1至4.5)'). A published estimate keeps
    the decimals its source printed for each number (`as_printed`: '0.73 (0.49–1.1)')."""
    lower, upper = (number_as_printed(v, as_printed, decimals) for v in (low, high))
    bounds = span(lower, upper) if signed else f"{lower}–{upper}"
    return f"{number_as_printed(estimate, as_printed, decimals)} ({bounds})"


def computed_p(p: float) -> str:
    """A p-value this dashboard computed (a log-rank test): 'p = 0.64', 'p = 0.003',
    'p < 0.001'."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {number(p, 2)}" if p >= 0.01 else f"p = {number(p, 3)}"


def median_survival(months_value, ci_low, ci_high) -> str:
    """'Median overall survival 28.2 months (95% CI 18.1–not reached)', or not reached."""
    if is_missing(months_value):
        if is_missing(ci_low):
            return _("Median overall survival not reached")
        return _f(
            "Median overall survival not reached (95% CI from {low} months)",
            low=number(ci_low, 1),
        )
    return _f(
        "Median overall survival {months} months (95% CI {low}–{high})",
        months=number(months_value, 1),
        low="–" if is_missing(ci_low) else number(ci_low, 1),
        high=_("not reached") if is_missing(ci_high) else number(ci_high, 1),
    )


def table_number_format(decimals: int | None) -> str:
    """The printf format of a table column of numbers (Streamlit's NumberColumn): '%.1f' for
    one decimal, '%g' (shortest) for None."""
    return "%g" if decimals is None else f"%.{int(decimals)}f"


def file_size_mb(size_bytes: float) -> str:
    """A size in whole megabytes with separators ('1,024')."""
    return f"{size_bytes / 1024 / 1024:,.0f}"


def seconds(value: float, decimals: int | None = None) -> str:
    """A duration in seconds: '60 s', or with fixed decimals '12.3 s'."""
    return f"{plain(value) if decimals is None else number(value, decimals)} s"


def unit_value(value: float, as_printed: str, unit: str, unit_label: str = "") -> str:
    """A plotted value with the source's decimals: '38.2%', '14.5 months', '3 patients'
    (`unit` a key: '%', 'months', or another shown as `unit_label`)."""
    figure = number(value, _shown_decimals(value, str(as_printed), percent=unit == "%"))
    if unit == "%":
        return figure + "%"
    if unit == "months":
        return _f("{number} months", number=figure)
    return f"{figure} {unit_label or unit}"


# --- figures ---------------------------------------------------------------------------------

# A lowercase word: the source's own words stand where a figure would ("over 700").
_SOURCE_WORDS = re.compile(r"[a-z]{3,}")


def source_words(text: str) -> str:
    """Words of the source shown where a figure would be ('over 700', 'all statistically
    different'), unchanged: in English as they are; in Chinese, where they stay English, quoted
    and labelled as the source's own (原文“over 700”). Numbers alone ('P=0.') are left bare."""
    if current_language() == SOURCE_LANGUAGE or not _SOURCE_WORDS.search(text):
        return text
    label = _("Source excerpt")  # 原文
    return f"{label}“{text}”"


def truncated(text: str) -> str:
    """A figure the source cut off, marked as such: 'P=0. (truncated in source)'."""
    return _f("{value} (truncated in source)", value=text)


def display_value(value, as_printed: str, unit: str, flags: Iterable[str] = (), n=None) -> str:
    """The figure as a clinician should read it, with the source's precision and wording."""
    kinds = set(flags or ())
    if is_missing(value):
        printed = join_split_digits(as_printed)
        return truncated(printed) if "truncated" in kinds else source_words(printed)
    if kinds & {"approximate", "lower_bound"}:
        return source_words(join_split_digits(as_printed))
    decimals = _shown_decimals(value, as_printed, percent=unit == "percent")
    number = f"{float(value):,.{decimals}f}"  # 12,744 as printed
    if unit == "percent":
        return f"{number}%"
    if unit == "months":
        return _f("{number} months", number=number)
    if unit == "patients":
        if not is_missing(n):
            return f"{number}/{count(n)}"
        return _nf(
            "{number} patient", "{number} patients", 1 if number == "1" else 2, number=number
        )
    if unit == "hazard ratio":
        return display_hr(value, as_printed)
    if unit == "":
        return source_words(join_split_digits(as_printed))
    return _f("{number} {unit}", number=number, unit=unit)


def _shown_decimals(value, as_printed: str, percent: bool) -> int:
    """The decimals a value is shown with: the source's, but a percentage the source printed
    as a proportion ('0.75') loses the two that became its whole part (75%, not 75.00%)."""
    decimals = printed_decimals(as_printed)
    if percent and _printed_as_proportion(value, as_printed):
        return max(decimals - 2, 0)
    return decimals


def _printed_as_proportion(value, as_printed: str) -> bool:
    """Whether the source printed a percentage as a proportion ('0.75' for 75%): its first
    number is the value over 100."""
    match = _FIRST_NUMBER.search(join_split_digits(as_printed or ""))
    if not match:
        return False
    printed = float(re.sub(r"[,·]\s?", ".", match.group(0)))
    return abs(printed * 100 - float(value)) < 1e-6 and abs(printed - float(value)) > 1e-9


def display_p(as_printed, flags: Iterable[str] = (), value=None, relation="=") -> str:
    """A p-value as printed (split digits joined), or 'p not reported'; truncation is marked.
    A printed form with a decimal comma ('p<0,0001') is shown from its `value` and `relation`
    with the printed decimals ('p<0.0001'): a reader sees a decimal point; the printed form
    stays on record (Table and Source tabs)."""
    if is_missing(as_printed) or not str(as_printed).strip():
        return _("p not reported")
    text = join_split_digits(str(as_printed).strip())
    if "truncated" in (flags or ()) and text.endswith("."):
        return truncated(text)
    if has_decimal_comma(text) and not is_missing(value):
        relation = relation if relation in ("=", "<", ">") else "="
        return f"p{relation}{number(value, printed_decimals(text))}"
    return source_words(text)


#: What a p tests, said where it is shown over arms' values it does not test (`PValue.tests`).
_P_TESTS = {
    "hazard_ratio": N_("{p} for the HR"),
    "log_rank": N_("{p}, log-rank"),
}


def p_beside_values(p_shown: str, tests) -> str:
    """A p shown over the arms' values at one time point, with what it tests where that is
    not those values: 'P=0.026 for the HR' (HOVON97: the adjusted hazard ratio over the whole
    follow-up, printed beside the 12-month rates)."""
    if not isinstance(tests, str) or tests not in _P_TESTS:
        return p_shown
    return _f(_P_TESTS[tests], p=p_shown)


def display_hr(value, as_printed: str, low=None, high=None) -> str:
    """A hazard ratio shown from its numbers with a decimal point and the decimals the source
    printed ('HR 0,25, 95% CI 0,11-0,57' and 'hazard ratio (HR) of 0.32' read 'HR 0.25, 95% CI
    0.11–0.57' and 'HR 0.32' in every language); the printed form where no number was recorded.
    The printed form stays on record (Table and Source tabs)."""
    printed = join_split_digits(str(as_printed or ""))
    if is_missing(value):
        return source_words(printed)
    decimals = printed_decimals(printed)
    if is_missing(low) or is_missing(high):
        return _f("HR {hr}", hr=number(value, decimals))
    return _f(
        "HR {hr}, 95% CI {low}–{high}",
        hr=number(value, decimals),
        low=number_as_printed(low, printed, decimals),
        high=number_as_printed(high, printed, decimals),
    )


def display_n(n) -> str:
    """n as every page, slide and image prints it: 'n=1,234' or 'n not stated'."""
    return _("n not stated") if is_missing(n) else f"n={count(n)}"


def display_count(n) -> str:
    """A count with the source's thousands separators ('12,744')."""
    return count(n)


def display_ci(low, high, decimals: int = 1) -> str:
    """A confidence interval as 'low–high', or '' when there is none."""
    if is_missing(low) or is_missing(high):
        return ""
    return f"{number(low, decimals)}–{number(high, decimals)}"


# --- sentences: one format per kind of figure, shared by cards, slides, images and exports ----


def figure_value(row) -> str:
    """A figure row's value as it should be read (see display_value; a hazard ratio with its
    CI, see display_hr); where the source prints words instead of a figure, the words as read in
    the page's language (`reads`)."""
    words = read_words(row, "reads")
    if words:
        return words
    if row.unit == "hazard ratio":
        low, high = getattr(row, "hr_ci_low", None), getattr(row, "hr_ci_high", None)
        return display_hr(row.value, row.as_printed, low, high)
    p_printed = getattr(row, "p_as_printed", None)
    if is_missing(row.value) and isinstance(p_printed, str) and row.as_printed == p_printed:
        # a comparison known by its p alone: shown as every p is (a decimal point, truncation)
        return p_text(row)
    return display_value(row.value, row.as_printed, row.unit, row.flags, row.n)


def read_words(row, column: str) -> str:
    """The printed words of a row as read in the page's language ('over 700' -> 700余例), or ''
    (`reads` for a value, `p_reads` for a p-value; the table carries them translated)."""
    words = getattr(row, column, None) if not isinstance(row, dict) else row.get(column)
    return words if isinstance(words, str) else ""


def p_text(row) -> str:
    """A figure row's p: the printed words as read ('all statistically different' ->
    均有统计学差异) or the p-value as printed (see display_p)."""
    return read_words(row, "p_reads") or display_p(
        row.p_as_printed, row.flags, row.p_value, row.p_relation
    )


def figure_sentence(row) -> str:
    """One figure: 'Endpoint: value · arm (or study) · n · time point'."""
    return " · ".join(
        _present(
            (
                labelled(row.endpoint_label, figure_value(row)),
                row.arm or row.study,
                "" if row.kind == "key_fact" else display_n(row.n),
                row.time_point,
            )
        )
    )


def claim_sentence(row, with_time: bool = True, arm_sizes: tuple[int, int] | None = None) -> str:
    """A comparison as the source states it: the claim, (time,) the arms' n where known
    ('n=93 vs 94'), p as printed, HR if given."""
    parts = [
        row.statement,
        row.time_point if with_time else "",
        "n=" + " vs ".join(display_count(n) for n in arm_sizes) if arm_sizes else "",
        p_text(row),
    ]
    if not is_missing(row.hr):
        parts.append(display_hr(row.hr, row.as_printed, row.hr_ci_low, row.hr_ci_high))
    return " · ".join(_present(parts))


def pair_sentence(endpoint: str, where: str, arms: list, p_shown, origin: str) -> str:
    """Two arms on one endpoint: 'endpoint, time: A vs B (n=.. vs ..), p' (`p_shown` made by
    `display_p`; missing: 'p not reported')."""
    numbers = " vs ".join(figure_value(arm) for arm in arms)
    known = all(not is_missing(arm.n) for arm in arms)
    ns = ("n=" + " vs ".join(display_count(arm.n) for arm in arms)) if known else display_n(None)
    head = clauses((endpoint, where))
    if origin == "publication":
        head = _f("{head} (publication)", head=head)
    p = display_p(None) if is_missing(p_shown) or not str(p_shown).strip() else p_shown
    return clauses((labelled(head, bracketed(numbers, ns)), p))


def reference(citation: str, pmid, doi) -> str:
    """A full reference with its identifiers: 'Citation. PMID 123. doi:10...'."""
    parts = [citation.rstrip()]
    if isinstance(pmid, str) and pmid:
        parts.append(f"PMID {pmid}.")
    if isinstance(doi, str) and doi:
        parts.append(f"doi:{doi}")
    return " ".join(parts)


def publication_effect(hr, low, high, p_as_printed, hr_as_printed: str = "") -> str:
    """The publication's hazard ratio and p beside a document's words, from the numbers with
    the decimals the publication printed (two where it printed none):
    'publication: HR 0.32 (95% CI 0.18–0.57), P < .01'."""
    ratio = _f("HR {hr}", hr=number_as_printed(hr, hr_as_printed, 2)) if not is_missing(hr) else ""
    low, high = (
        number_as_printed(v, hr_as_printed, 2) if not is_missing(v) else "" for v in (low, high)
    )
    ci = f"{low}–{high}" if low and high else ""
    if ratio and ci:
        ratio = bracketed(ratio, f"95% CI {ci}")
    figures = clauses((ratio, display_p(p_as_printed) if not is_missing(p_as_printed) else ""))
    return _f("publication: {figures}", figures=figures)


def direction(favours: str, intervention: str, control: str) -> str:
    """Which arm a direction-only claim favours, in words."""
    if favours == "intervention":
        return _f("Favours {arm}", arm=intervention)
    if favours == "control":
        return _f("Favours {arm}", arm=control)
    if favours == "neither":
        return _("No difference reported")
    return _("Direction unclear")


def effect_sentence(row) -> str:
    """A forest-plot row: 'study, endpoint (time): measure estimate (low to high), method'; a
    published estimate with the decimals printed for it, a computed one with two."""
    printed = getattr(row, "as_printed", "")
    measure = getattr(row, "measure_label", None) or _(row.measure)
    method = getattr(row, "method_label", None) or _(row.method)
    return _f(
        "{study}, {endpoint} ({time}): {measure} {estimate} ({low} to {high}), {method}",
        study=row.study,
        endpoint=row.endpoint_label,
        time=row.time_point,
        measure=lower_first(measure),
        estimate=number_as_printed(row.estimate, printed, 2),
        low=number_as_printed(row.low, printed, 2),
        high=number_as_printed(row.high, printed, 2),
        method=method,
    )


def is_editorial(item) -> bool:
    """True for a note sentence that is our addition, not something the source says."""
    return hasattr(item, "editorial")


def note_text(item) -> str:
    """A note sentence as plain text, an editorial one visibly marked as such."""
    if is_editorial(item):
        return _f("Editorial (not from the sources): {text}", text=item.editorial)
    return str(item)


def integrative_note(notes) -> str:
    """A phase's integrative notes in a few lines: key message, scope, principles, evidence,
    first caveat."""
    parts = []
    for note in notes:
        principles = semicolons(
            labelled(bracketed(p.chinese, p.pinyin), p.gloss) for p in note.principles
        )
        parts.append(
            sentences(
                [
                    _f("Integrative care: {text}", text=note_text(note.key_message)),
                    _f("Scope: {scope}", scope=note_text(note.scope)),
                    _f("TCM principles: {principles}.", principles=principles)
                    if principles
                    else "",
                    _f("Evidence: {level}.", level=note.evidence_level),
                    _f("Caveat: {text}", text=note_text(note.caveats[0])),
                ]
            )
        )
    return "\n".join(parts)
