"""The cohort file's columns: canonical names, accepted header aliases, and the unit conversions.

Pure data. Headers are matched after `normalise_header` (case, spaces and hyphens ignored).
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches

from lib.i18n import _f, current_language

#: Days per month used to turn `days_*` columns into months: the mean Gregorian month (365.25 / 12).
DAYS_PER_MONTH = 30.4375
#: Longest time accepted, in months (50 years): a larger number is almost surely days or a date.
MAX_MONTHS = 600.0
#: Longest `group` label, in characters.
MAX_GROUP_LENGTH = 40


@dataclass(frozen=True)
class Column:
    """One cohort column: its canonical name, the headers accepted for it, and whether required."""

    name: str
    aliases: tuple[str, ...]
    required: bool
    meaning: str
    #: For a days column: the months column it stands in for.
    months_of: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("disease", ("疾病", "病种", "诊断"), True, "AML, MDS or ALL"),
    Column(
        "phase",
        ("阶段", "时间起点", "治疗阶段"),
        True,
        "the time origin: induction, consolidation, maintenance, transplant or relapse",
    ),
    Column(
        "months_followup",
        ("随访月数", "随访时间", "随访期", "生存时间", "总生存时间", "生存月数"),
        True,
        "months from the origin to death or last follow-up, >= 0",
    ),
    Column("died", ("死亡", "是否死亡", "死亡与否"), True, "1/0 (also yes/no, true/false)"),
    Column(
        "months_to_relapse",
        ("复发月数", "复发时间", "至复发月数", "至复发时间"),
        True,
        "months from the origin to relapse, <= months_followup; empty if no relapse",
    ),
    Column("group", ("分组", "组别"), False, "a label to compare, at most 40 characters"),
    Column("year", ("年份", "年度"), False, "year of the origin (a year only)"),
    Column(
        "age_band", ("年龄段", "年龄组", "年龄分组"), False, "an age band such as 60-69, or 90+"
    ),
    Column("case_code", ("病例编号",), False, "a pseudonymous code, unique"),
    Column(
        "days_followup",
        (),
        False,
        "days from the origin to death or last follow-up (instead of months_followup)",
        months_of="months_followup",
    ),
    Column(
        "days_to_relapse",
        (),
        False,
        "days from the origin to relapse (instead of months_to_relapse)",
        months_of="months_to_relapse",
    ),
)
COLUMN_BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED = tuple(column.name for column in COLUMNS if column.required)
#: The columns a cohort holds once days are converted (the days columns are input-only).
COHORT_COLUMNS = tuple(column.name for column in COLUMNS if column.months_of is None)
#: A months column and the days column that may replace it.
DAYS_ALTERNATIVE = {column.months_of: column.name for column in COLUMNS if column.months_of}


#: A unit (or a note) in brackets ending a header: 随访月数（月）, months_followup (months).
_UNIT = re.compile(r"\s*[(\[【]([^()\[\]【】]*)[)\]】]\s*$")
_DAYS_UNIT = re.compile(r"天|日|d|days?", re.IGNORECASE)


def normalise_header(header: str) -> str:
    """A header as compared: full-width forms as ASCII (NFKC), trimmed, lower case, spaces and
    hyphens as underscores, a unit in brackets at the end left out."""
    text = unicodedata.normalize("NFKC", header.replace("\ufeff", "")).strip().lower()
    text = _UNIT.sub("", text)
    return "_".join(text.replace("-", " ").split())


def _unit(header: str) -> str | None:
    match = _UNIT.search(unicodedata.normalize("NFKC", header.replace("\ufeff", "")).strip())
    return match[1].strip() if match else None


#: Every accepted header (normalised) and the column it names.
HEADER_TO_COLUMN: dict[str, str] = {
    normalise_header(header): column.name
    for column in COLUMNS
    for header in (column.name, *column.aliases)
}


def column_for_header(header: str) -> str | None:
    """The cohort column a header names, or None. A months column whose unit in brackets says
    days (随访月数（天）) is read as the days column."""
    name = HEADER_TO_COLUMN.get(normalise_header(header))
    unit = _unit(header) if name else None
    if unit and _DAYS_UNIT.fullmatch(unit) and name in DAYS_ALTERNATIVE:
        return DAYS_ALTERNATIVE[name]
    return name


def column_hint(name: str) -> str:
    """A column named in a hint, as a reader of the current language would write its header:
    months_followup in English, 随访月数（months_followup） in Chinese."""
    aliases = COLUMN_BY_NAME[name].aliases if name in COLUMN_BY_NAME else ()
    if current_language() == "zh" and aliases:
        return f"{aliases[0]}（{name}）"
    return name


@dataclass(frozen=True)
class HeaderMatch:
    """Which cohort column each header cell names.

    `labels[i]` is how messages name column i: its header as written, or its letter (`column C`,
    in the current language: `C列`) when it has none or when the first row holds no known header
    (then it may be patient data).
    """

    known: dict[int, str]
    duplicates: dict[int, str]
    unknown: tuple[int, ...]
    labels: tuple[str, ...]

    @property
    def has_header(self) -> bool:
        return bool(self.known)

    def index_of(self, name: str) -> int | None:
        return next((index for index, known in self.known.items() if known == name), None)


_DATA_LIKE = re.compile(r"\d{4}|\d[-/.]\d|@")
#: Longest header quoted in a message; longer ones are cut (a header is not patient data, but a
#: pasted paragraph would make an unreadable message).
_MAX_LABEL = 40


def column_letter(index: int) -> str:
    """A column's spreadsheet letter: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def match_headers(headers: tuple[str, ...]) -> HeaderMatch:
    known: dict[int, str] = {}
    duplicates: dict[int, str] = {}
    unknown: list[int] = []
    for index, header in enumerate(headers):
        name = column_for_header(header)
        if name is None:
            unknown.append(index)
        elif name in known.values():
            duplicates[index] = name
        else:
            known[index] = name
    has_header = bool(known)
    labels = tuple(
        _label(header)
        if has_header and _quotable(header)
        else _f("column {letter}", letter=column_letter(index))
        for index, header in enumerate(headers)
    )
    return HeaderMatch(known, duplicates, tuple(unknown), labels)


def _quotable(header: str) -> bool:
    """A header that may be quoted: not empty, and not shaped like a number, date or e-mail
    (a pasted patient row in the header line must not be echoed)."""
    return bool(header) and not _DATA_LIKE.search(header)


def _label(header: str) -> str:
    header = " ".join(header.split())
    return header if len(header) <= _MAX_LABEL else header[: _MAX_LABEL - 1] + "…"


def close_column(header: str) -> str | None:
    """The column a misspelt header most likely means (`months_folowup` -> `months_followup`)."""
    match = get_close_matches(normalise_header(header), list(HEADER_TO_COLUMN), n=1, cutoff=0.8)
    return HEADER_TO_COLUMN[match[0]] if match else None
