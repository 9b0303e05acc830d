"""Check a file's cells against the cohort columns and build a Cohort, or report every problem.

All problems at once, each located `row N: column: message`. A message quotes no patient value;
the one exception is a mistyped disease or phase code close to a valid one (e.g. 'AMLX').
Messages come out in the current language (lib.i18n); column names stay as in the file.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np
import pandas as pd

from lib.cohort.columns import (
    COLUMN_BY_NAME,
    DAYS_ALTERNATIVE,
    DAYS_PER_MONTH,
    MAX_GROUP_LENGTH,
    MAX_MONTHS,
    REQUIRED,
    HeaderMatch,
    close_column,
    column_hint,
)
from lib.cohort.problems import CohortProblem, CohortRejected, listed, summarised
from lib.cohort.reading import RawTable
from lib.cohort.records import SYNTHETIC_CODE_PREFIXES, Cohort, pool_small_groups
from lib.dataset.vocabulary import DISEASES, PHASES
from lib.evidence import text as fmt
from lib.i18n import N_, _, _f

DIED_VALUES = {
    "1": True,
    "0": False,
    "1.0": True,
    "0.0": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "是": True,
    "否": False,
}
#: Cells that mean "nothing here" (R's NA, Excel's #N/A, a dash, 无): read as empty in the
#: columns where empty has a meaning or is reported as such (no relapse; no year; required).
MISSING_MARKERS = frozenset({"na", "n/a", "#n/a", "nan", "null", "none", "-", "--", "—", "/", "无"})
_MARKER_COLUMNS = frozenset(
    {
        "months_followup",
        "days_followup",
        "died",
        "months_to_relapse",
        "days_to_relapse",
        "year",
        "age_band",
        "case_code",
    }
)
#: Most groups a file may compare (each group is a stratum with its own curves).
MAX_GROUPS = 20
#: Earliest and latest year accepted in `year`.
YEARS = (1950, 2100)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CASE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
_AGE_RANGE = re.compile(r"(\d{1,2})\s*[-–~至]\s*(\d{1,2})")
_AGE_OPEN_ABOVE = re.compile(r"(?:(\d{1,2})\s*\+|(?:>=|≥|>)\s*(\d{1,2}))")
_AGE_OPEN_BELOW = re.compile(r"(?:<=|≤|<)\s*(\d{1,2})")
#: Ages above this are one band (HIPAA Safe Harbor: ages over 89 are aggregated into 90+).
OLDEST_BAND_START = 90


@dataclass(frozen=True)
class _Column:
    """One column's cells as the validators see them."""

    label: str
    cells: pd.Series  # stripped text, one per patient
    rows: np.ndarray  # spreadsheet row number of each cell
    header_row: int

    def problems_where(self, mask, message: str) -> list[CohortProblem]:
        return [CohortProblem(int(row), self.label, message) for row in self.rows[np.asarray(mask)]]


def validate_table(table: RawTable, headers: HeaderMatch) -> Cohort:
    """The table as a Cohort. Raises CohortRejected with every problem found."""
    if not headers.has_header:
        raise CohortRejected(
            [
                CohortProblem(
                    table.header_row,
                    _("header"),
                    _f(
                        "no cohort column names in the first row; the first row must be the "
                        "header: {columns}",
                        columns=listed(REQUIRED),
                    ),
                )
            ]
        )
    problems = list(table.problems) + _header_problems(table, headers)
    rows = np.asarray(table.row_numbers)
    columns = {
        name: _Column(
            headers.labels[index],
            pd.Series(table.columns[index], dtype=object).str.strip(),
            rows,
            table.header_row,
        )
        for index, name in headers.known.items()
    }
    marked = []
    for name, column in columns.items():
        if name in _MARKER_COLUMNS:
            missing = column.cells.str.lower().isin(MISSING_MARKERS)
            if missing.any():
                columns[name] = _Column(
                    column.label, column.cells.mask(missing, ""), column.rows, column.header_row
                )
                marked.append(column.label)
    values: dict[str, np.ndarray] = {}
    for name, column in columns.items():
        parsed, found = _PARSERS[name](column, table.decimal_comma)
        values[name] = parsed
        problems.extend(found)
    problems.extend(_relapse_after_follow_up(values, columns))
    synthetic, found = _synthetic_rows(values.get("case_code"), columns.get("case_code"))
    problems.extend(found)
    if problems:
        raise CohortRejected(summarised(problems), counted=problems)
    months_followup = _months(values, "months_followup")
    months_to_relapse = _months(values, "months_to_relapse")
    group, small_cells = values.get("group"), ()
    if group is not None:
        group, small_cells = pool_small_groups(values["disease"], values["phase"], group)
        group = _shared(pd.Series(group, dtype=object))
    return Cohort(
        disease=values["disease"],
        phase=values["phase"],
        months_followup=months_followup,
        died=values["died"],
        months_to_relapse=months_to_relapse,
        group=group,
        year=values.get("year"),
        age_band=values.get("age_band"),
        case_code=values.get("case_code"),
        notes=table.notes
        + _ignored_columns(table, headers)
        + _missing_notes(marked)
        + _conversion_notes(values)
        + small_cells,
        synthetic=synthetic,
    )


def _months(values: dict[str, np.ndarray], name: str) -> np.ndarray:
    if name in values:
        return values[name]
    return values[DAYS_ALTERNATIVE[name]] / DAYS_PER_MONTH


def _missing_notes(columns: list[str]) -> tuple[str, ...]:
    if not columns:
        return ()
    return (
        _f(
            "NA, N/A, - and 无 read as empty cells in {columns} (an empty months_to_relapse "
            "means no relapse)",
            columns=listed(columns),
        ),
    )


def _ignored_columns(table: RawTable, headers: HeaderMatch) -> tuple[str, ...]:
    """The note naming the columns that are not cohort columns (they passed the privacy rules,
    so they identify no one): they are not read."""
    ignored = [
        headers.labels[index]
        for index in headers.unknown
        if table.headers[index] or any(value.strip() for value in table.columns[index])
    ]
    if not ignored:
        return ()
    return (
        _f(
            "not read, as they are not cohort columns (no identifier found in them): {columns}",
            columns=listed(ignored),
        ),
    )


def _conversion_notes(values: dict[str, np.ndarray]) -> tuple[str, ...]:
    return tuple(
        _f(
            "{column} converted to months at {days} days per month (365.25 / 12)",
            column=days,
            days=DAYS_PER_MONTH,
        )
        for days in DAYS_ALTERNATIVE.values()
        if days in values
    )


# --- the header --------------------------------------------------------------------------------


def _header_problems(table: RawTable, headers: HeaderMatch) -> list[CohortProblem]:
    row = table.header_row
    problems = []
    for index, name in headers.duplicates.items():
        first = headers.labels[headers.index_of(name)]
        problems.append(
            CohortProblem(
                row, headers.labels[index], _f("the same column as {first}; keep one", first=first)
            )
        )
    for index in headers.unknown:
        header = table.headers[index]
        suggestion = close_column(header) if header else None
        if suggestion:
            problems.append(
                CohortProblem(
                    row,
                    headers.labels[index],
                    _f(
                        "not a cohort column; did you mean {column}?",
                        column=column_hint(suggestion),
                    ),
                )
            )
    present = set(headers.known.values())
    for name in REQUIRED:
        days = DAYS_ALTERNATIVE.get(name)
        if name in present and days in present:
            problems.append(
                CohortProblem(
                    row, days, _f("give {months} or {days}, not both", months=name, days=days)
                )
            )
        elif name not in present and days not in present:
            accepted = [*COLUMN_BY_NAME[name].aliases, *([days] if days else [])]
            problems.append(
                CohortProblem(
                    row,
                    name,
                    _f("required column missing (also accepted: {names})", names=listed(accepted))
                    if accepted
                    else _("required column missing"),
                )
            )
    return problems


# --- one column at a time ----------------------------------------------------------------------


def _shared(labels: pd.Series) -> np.ndarray:
    """Labels as an object array in which equal labels are one string object.

    A cohort repeats a few labels (diseases, phases, groups, age bands) many times; sharing them
    keeps a 50,000-patient cohort a few MB instead of one string per cell.
    """
    codes, uniques = pd.factorize(labels)
    return np.asarray(list(uniques), dtype=object)[codes]


@dataclass(frozen=True)
class _CodeMessages:
    """What a code column says, in English (marked for translation; translated when used)."""

    wrong: str  # {choices}
    typo: str  # {value} {close} {choices}


_DISEASE_MESSAGES = _CodeMessages(
    wrong=N_("not a disease: must be {choices}"),
    typo=N_("'{value}' is not a disease; did you mean {close}? (must be {choices})"),
)
_PHASE_MESSAGES = _CodeMessages(
    wrong=N_("not a phase: must be {choices}"),
    typo=N_("'{value}' is not a phase; did you mean {close}? (must be {choices})"),
)


def _choices(allowed: tuple[str, ...]) -> str:
    """'AML, MDS or ALL' ('AML、MDS或ALL' in Chinese)."""
    return _f("{items} or {last}", items=listed(allowed[:-1]), last=allowed[-1])


def _code(allowed: tuple[str, ...], normalise: Callable[[str], str], messages: _CodeMessages):
    """A parser for a column of codes from `allowed` (disease, phase)."""

    def parse(column: _Column, _decimal_comma: bool):
        choices = _choices(allowed)
        normalised = column.cells.map(normalise)
        valid = normalised.isin(allowed)
        problems = column.problems_where(
            column.cells == "", _f("empty; must be {choices}", choices=choices)
        )
        for value in normalised[~valid & (column.cells != "")].unique():
            problems.extend(
                column.problems_where(
                    normalised == value, _not_a_code(value, allowed, messages, choices)
                )
            )
        return _shared(normalised), problems

    return parse


def _not_a_code(value: str, allowed: tuple[str, ...], messages: _CodeMessages, choices: str) -> str:
    # Only a short code close to a valid one is quoted: a typo cannot identify anyone, while a
    # name or a number typed in the wrong column could.
    close = get_close_matches(value, allowed, n=1, cutoff=0.75)
    if close and len(value) <= 16 and re.fullmatch(r"[A-Za-z_ -]+", value):
        return _f(messages.typo, value=value, close=close[0], choices=choices)
    return _f(messages.wrong, choices=choices)


@dataclass(frozen=True)
class _TimeMessages:
    """What a months or days column says, in English (marked for translation)."""

    not_number: str
    not_finite: str
    negative: str
    too_large: str  # {limit}, and {column} (the days column) for months
    empty: str


_MONTHS_MESSAGES = _TimeMessages(
    not_number=N_("not a number of months"),
    not_finite=N_("not a finite number of months"),
    negative=N_("negative; months count from the time origin, so 0 or more"),
    too_large=N_("more than {limit} months (50 years); is it in days? use {column} instead"),
    empty=N_("empty; months of follow-up are required"),
)
_DAYS_MESSAGES = _TimeMessages(
    not_number=N_("not a number of days"),
    not_finite=N_("not a finite number of days"),
    negative=N_("negative; days count from the time origin, so 0 or more"),
    too_large=N_("more than {limit} days (50 years)"),
    empty=N_("empty; days of follow-up are required"),
)


def _times(column: _Column, decimal_comma: bool, *, days: bool, required: bool, instead: str):
    """Times (months or days) as floats, NaN where empty or wrong. `instead`: the days column
    to suggest for a number too large to be months."""
    text = column.cells
    empty = text == ""
    problems = []
    if decimal_comma:
        has_point = text.str.contains(".", regex=False)
        problems += column.problems_where(
            has_point,
            _f(
                "a decimal point in a file that uses decimal commas; write {example} (or save "
                "the file with commas between columns)",
                example="12,5",
            ),
        )
        text = text.str.replace(",", ".", regex=False).mask(has_point, "")
        empty |= has_point  # reported above; not a second time as "not a number"
    numbers = np.array(pd.to_numeric(text.mask(empty), errors="coerce"), dtype=float)
    messages = _DAYS_MESSAGES if days else _MONTHS_MESSAGES
    limit = MAX_MONTHS * DAYS_PER_MONTH if days else MAX_MONTHS
    not_number = ~empty.to_numpy() & np.isnan(numbers)
    if not decimal_comma:
        comma = text.str.contains(",", regex=False).to_numpy()
        problems += column.problems_where(
            not_number & comma, _("not a number (a decimal comma? write 12.5)")
        )
        not_number &= ~comma
    problems += column.problems_where(not_number, _(messages.not_number))
    with np.errstate(invalid="ignore"):
        problems += column.problems_where(np.isinf(numbers), _(messages.not_finite))
        problems += column.problems_where(numbers < 0, _(messages.negative))
        problems += column.problems_where(
            np.isfinite(numbers) & (numbers > limit),
            _f(messages.too_large, limit=fmt.count(limit), column=instead),
        )
    if required:
        problems += column.problems_where(empty & (column.cells == ""), _(messages.empty))
    numbers[~np.isfinite(numbers) | (numbers < 0)] = np.nan
    return numbers, problems


def _died(column: _Column, _decimal_comma: bool):
    flags = column.cells.str.lower().map(DIED_VALUES)
    problems = column.problems_where(
        column.cells == "", _("empty; must be 1/0, yes/no or true/false (是/否)")
    )
    problems += column.problems_where(
        flags.isna() & (column.cells != ""), _("must be 1/0, yes/no or true/false (是/否)")
    )
    return flags.fillna(False).to_numpy(dtype=bool), problems


def _group(column: _Column, _decimal_comma: bool):
    labels = column.cells
    problems = column.problems_where(
        labels == "", _("empty; give every patient a group, or leave the group column out")
    )
    problems += column.problems_where(
        labels.str.len() > MAX_GROUP_LENGTH,
        _f("longer than {n} characters", n=MAX_GROUP_LENGTH),
    )
    problems += column.problems_where(
        labels.str.contains(_CONTROL), _("holds a line break or another control character")
    )
    distinct = labels[labels != ""].nunique()
    if distinct > MAX_GROUPS:
        problems.append(
            CohortProblem(
                column.header_row,
                column.label,
                _f(
                    "{n} different groups; at most {most} can be compared",
                    n=fmt.count(distinct),
                    most=MAX_GROUPS,
                ),
            )
        )
    return _shared(labels), problems


def _year(column: _Column, _decimal_comma: bool):
    text = column.cells
    numbers = np.array(pd.to_numeric(text.mask(text == ""), errors="coerce"), dtype=float)
    with np.errstate(invalid="ignore"):
        valid = (
            text.str.fullmatch(r"\d{4}(?:\.0)?").to_numpy(dtype=bool)
            & (numbers >= YEARS[0])
            & (numbers <= YEARS[1])
        )
    problems = column.problems_where(
        (text != "").to_numpy() & ~valid,
        _f(
            "must be a year between {first} and {last}, such as 2019 (a year only)",
            first=YEARS[0],
            last=YEARS[1],
        ),
    )
    numbers[~valid] = np.nan
    return numbers, problems


def _age_band(column: _Column, _decimal_comma: bool):
    verdicts = {value: _age_band_problem(value) for value in column.cells.unique()}
    problems = []
    for value, message in verdicts.items():
        if message:
            problems += column.problems_where(column.cells == value, message)
    return _shared(column.cells), problems


def _age_band_problem(band: str) -> str | None:
    if band == "":
        return None
    oldest = _f(
        "ages over {age} form one band, {start}+",
        age=OLDEST_BAND_START - 1,
        start=OLDEST_BAND_START,
    )
    if match := _AGE_RANGE.fullmatch(band):
        low, high = int(match[1]), int(match[2])
        if low >= high:
            return _("not an age band: the first age must be below the second, as in 60-69")
        return oldest if high >= OLDEST_BAND_START else None
    if match := _AGE_OPEN_ABOVE.fullmatch(band):
        start = int(match[1] or match[2])
        return oldest if start > OLDEST_BAND_START else None
    if _AGE_OPEN_BELOW.fullmatch(band):
        return None
    if re.fullmatch(r"\d{1,3}(?:\.\d+)?", band):
        return _("an exact age; give a band such as 60-69")
    return _("not an age band such as 60-69, <18 or 90+")


def _case_code(column: _Column, _decimal_comma: bool):
    codes = column.cells
    filled = codes != ""
    problems = column.problems_where(
        filled & ~codes.str.fullmatch(_CASE_CODE).fillna(False).astype(bool),
        _("a code of letters, digits, '-', '_' or '.' (at most 40), such as C001"),
    )
    repeated = filled & codes.duplicated(keep=False)
    first_row = pd.Series(column.rows).groupby(codes.to_numpy()).transform("min").to_numpy()
    for row, first in zip(column.rows[repeated], first_row[repeated], strict=True):
        if row != first:
            problems.append(
                CohortProblem(
                    int(row),
                    column.label,
                    _f("the same code as row {row}; codes must be unique", row=first),
                )
            )
    return codes.to_numpy(dtype=object), problems


_PARSERS = {
    "disease": _code(DISEASES, str.upper, _DISEASE_MESSAGES),
    "phase": _code(PHASES, str.lower, _PHASE_MESSAGES),
    "months_followup": lambda c, d: _times(
        c, d, days=False, required=True, instead="days_followup"
    ),
    "days_followup": lambda c, d: _times(c, d, days=True, required=True, instead=""),
    "died": _died,
    "months_to_relapse": lambda c, d: _times(
        c, d, days=False, required=False, instead="days_to_relapse"
    ),
    "days_to_relapse": lambda c, d: _times(c, d, days=True, required=False, instead=""),
    "group": _group,
    "year": _year,
    "age_band": _age_band,
    "case_code": _case_code,
}


# --- across columns ----------------------------------------------------------------------------


def _relapse_after_follow_up(values, columns) -> list[CohortProblem]:
    follow_up = "months_followup" if "months_followup" in values else "days_followup"
    relapse = "months_to_relapse" if "months_to_relapse" in values else "days_to_relapse"
    if follow_up not in values or relapse not in values:
        return []
    follow_up_months = _months(values, "months_followup")
    relapse_months = _months(values, "months_to_relapse")
    # A relapse on the last day of follow-up is allowed; the tolerance absorbs days->months
    # rounding when one column is in days and the other in months.
    with np.errstate(invalid="ignore"):
        late = relapse_months > follow_up_months + 1e-6
    return columns[relapse].problems_where(
        late,
        _f(
            "after the end of follow-up ({column}); a relapse is on or before the last follow-up",
            column=columns[follow_up].label,
        ),
    )


def _synthetic_rows(codes: np.ndarray | None, column: _Column | None):
    """Whether every row is a shipped synthetic row; problems if they are mixed with others."""
    if codes is None:
        return False, []
    synthetic = np.array(
        [code.upper().startswith(SYNTHETIC_CODE_PREFIXES) for code in codes], dtype=bool
    )
    if synthetic.all():
        return True, []
    return False, column.problems_where(
        synthetic,
        _(
            "a synthetic example row from the template or the demo cohort among real patients; "
            "delete it"
        ),
    )
