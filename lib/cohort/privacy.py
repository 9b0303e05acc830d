"""Refuse a cohort file that looks identifying: by a column's header, or by the values in it.

A refusal names the column (and row) and the rule, never the value. Rules follow HIPAA Safe
Harbor's identifiers (names, dates but the year, phone, e-mail, record and ID numbers, addresses).
A rule's `id` is the same in every language; its `label` is English, translated where a refusal
is written.
"""

import re
from dataclasses import dataclass

from lib.cohort.columns import HeaderMatch
from lib.cohort.names import looks_like_person_name
from lib.cohort.problems import CohortProblem
from lib.cohort.reading import RawTable
from lib.evidence import text as fmt
from lib.i18n import N_, _, _f

#: With at least this many patients, a group column in which most labels differ is refused:
#: a label per patient is an identifier (a name, a record number), not a group to compare.
PER_PATIENT_MIN_ROWS = 20
PER_PATIENT_DISTINCT_SHARE = 0.5
#: A case code made only of digits and at least this long looks like a hospital number.
RECORD_NUMBER_DIGITS = 5


@dataclass(frozen=True)
class PrivacyRule:
    """One reason to refuse: `label` says what the column or cell looks like (English, marked
    for translation: show it as ``_(rule.label)``)."""

    id: str
    label: str


NAME = PrivacyRule("name", N_("a person's name"))
RECORD_NUMBER = PrivacyRule("record_number", N_("a medical record, hospital or other ID number"))
ID_CARD = PrivacyRule(
    "id_card", N_("an identity card number (18 characters ending in a digit or X)")
)
PHONE = PrivacyRule("phone", N_("a phone number (a mobile number has 11 digits starting with 1)"))
EMAIL = PrivacyRule("email", N_("an e-mail address"))
BIRTH_DATE = PrivacyRule("birth_date", N_("a date of birth"))
DATE = PrivacyRule("date", N_("a calendar date (only a year is allowed; give times in months)"))
ADDRESS = PrivacyRule("address", N_("an address or place of residence"))
EXACT_AGE = PrivacyRule("exact_age", N_("an exact age (give an age_band such as 60-69 instead)"))
FREE_TEXT = PrivacyRule("free_text", N_("free text, which may name or describe a patient"))
PER_PATIENT_LABEL = PrivacyRule(
    "per_patient_label", N_("a label that differs for nearly every patient (a name or a number?)")
)

# Header rules, tried in this order on a header that names no cohort column. Checked on the
# header lower-cased with spaces and hyphens as underscores.
_HEADER_RULES: tuple[tuple[PrivacyRule, re.Pattern], ...] = tuple(
    (rule, re.compile(pattern))
    for rule, pattern in (
        (BIRTH_DATE, r"birth|dob|born|出生|生日"),
        (ID_CARD, r"身份证|证件|id_?card|identity|passport|ssn|social_security|national_id"),
        (NAME, r"name|姓名|名字|姓氏|initials"),
        (PHONE, r"phone|tel|mobile|电话|手机|联系|contact|fax|wechat|微信"),
        (EMAIL, r"mail|邮箱|邮件"),
        (ADDRESS, r"address|addr|street|city|zip|post_?code|postal|地址|住址|籍贯|邮编"),
        (DATE, r"date|日期|admission|discharge|入院|出院"),
        (
            RECORD_NUMBER,
            r"mrn|record|病历|住院|门诊|就诊|登记|编号|号码|patient|accession|hosp(ital)?_?(no|id)$"
            r"|^id$|^id_|_id$|^pid$|^no$|number",
        ),
        (EXACT_AGE, r"^age$|^age_?(years|at)|^年龄$"),
        (FREE_TEXT, r"note|comment|remark|memo|text|detail|备注|说明|描述|记录"),
    )
)

_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # 2024-03-05, 2024/3/5, 2024.03.05, 2024-03-05T10:00, and year-month 2024-03, 2024/03
        r"(?<!\d)(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?!\d)",
        r"(?<!\d)(?:19|20)\d\d[-/](?:0?[1-9]|1[0-2])(?![\d.])",
        # 05/03/2024, 5.3.24, 05-03-2024 (either day-month or month-day order)
        r"(?<![\d.])\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d\d(?![\d.])",
        # 03/2024 (month and year)
        r"(?<![\d.])(?:0?[1-9]|1[0-2])/(?:19|20)\d\d(?!\d)",
        # 2024年3月5日, 2024年3月, 3月5日
        r"\d{2,4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*[日号]",
        # 20240305
        r"^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$",
        # Mar 5, 2024 / 5 March 2024 / March 2024
        rf"\b{_MONTH_NAME}\s+\d{{1,2}},?\s+\d{{4}}\b",
        rf"\b\d{{1,2}}\s+{_MONTH_NAME}\s+\d{{2,4}}\b",
        rf"\b{_MONTH_NAME}\s+(?:19|20)\d\d\b",
    )
)
# Cheap first look: a value with none of these cannot match any value rule.
_MAY_IDENTIFY = re.compile(
    rf"@|\d{{4}}|\d[-/.]\d+[-/.]\d|[年月]|\d\s*月|{_MONTH_NAME}", re.IGNORECASE
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_NUMBER_SEPARATORS = re.compile(r"[\s\-()]")
_ID_CARD = re.compile(r"\d{17}[\dXx]")
_MOBILE = re.compile(r"1\d{10}")
_LONG_NUMBER = re.compile(r"\d{7,}")
_DIGITS_ONLY = re.compile(rf"[0-9]{{{RECORD_NUMBER_DIGITS},}}")
#: Letters then a number that starts with a year and runs on (ZY20190001, MZ2019123: an admission
#: or outpatient number), or letters then eight or more digits.
_PREFIXED_RECORD_NUMBER = re.compile(r"[A-Za-z]{1,4}[-_]?(?:(?:19|20)\d\d\d{3,}|\d{8,})")
_EMBEDDED_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dA-Za-z])")
_EMBEDDED_MOBILE = re.compile(r"(?<!\d)1\d{2}[\s-]?\d{4}[\s-]?\d{4}(?!\d)")


def header_rule(header: str) -> PrivacyRule | None:
    """The rule a header that names no cohort column falls under, if any."""
    text = "_".join(header.strip().lower().replace("-", " ").split())
    return next((rule for rule, pattern in _HEADER_RULES if pattern.search(text)), None)


def value_rule(text: str) -> PrivacyRule | None:
    """The rule one cell falls under: e-mail, date, ID card, phone or a long number."""
    value = text.strip()
    if not value or not _MAY_IDENTIFY.search(value):
        return None
    if "@" in value and _EMAIL.search(value):
        return EMAIL
    compact = _NUMBER_SEPARATORS.sub("", value)
    for prefix in ("+86", "0086"):
        compact = compact.removeprefix(prefix)
    if _ID_CARD.fullmatch(compact):
        return ID_CARD
    if _MOBILE.fullmatch(compact):
        return PHONE
    if any(pattern.search(value) for pattern in _DATE_PATTERNS):
        return DATE
    if _LONG_NUMBER.fullmatch(compact):
        return RECORD_NUMBER
    if _EMBEDDED_ID_CARD.search(value):
        return ID_CARD
    if _EMBEDDED_MOBILE.search(value):
        return PHONE
    return None


def privacy_refusals(table: RawTable, headers: HeaderMatch) -> list[CohortProblem]:
    """Every reason to refuse the file, at once. Empty when nothing looks identifying."""
    problems: list[CohortProblem] = []
    for index in headers.unknown:
        problems.extend(_unknown_column_refusal(table, headers, index))
    for index, name in (*headers.known.items(), *headers.duplicates.items()):
        problems.extend(_cell_refusals(table, headers, index, names=name == "group"))
        if name == "group":
            problems.extend(_per_patient_refusal(table, headers, index))
        if name == "case_code":
            problems.extend(_record_number_codes(table, headers, index))
    return problems


def _refused(rule: PrivacyRule, detail: str) -> str:
    # The rule's id stays as it is in every language: it names the rule, as a code would.
    return _f("refused ({rule}): {detail}", rule=rule.id, detail=detail)


def _refusal(row: int | None, label: str, rule: PrivacyRule, detail: str) -> CohortProblem:
    return CohortProblem(row, label, _refused(rule, detail), "refused")


def _unknown_column_refusal(table: RawTable, headers: HeaderMatch, index: int):
    values = table.columns[index]
    header = table.headers[index]
    label = headers.labels[index]
    if not header and not any(value.strip() for value in values):
        return []  # an empty column with no header: the sheet's unused space
    if header and (rule := value_rule(header)) is not None:
        detail = (
            _f(
                "the header looks like {what}; remove the column; a cohort file holds no "
                "identifiers",
                what=_(rule.label),
            )
            if headers.has_header
            else _f(
                "its first cell looks like {what}; remove the column; a cohort file holds no "
                "identifiers",
                what=_(rule.label),
            )
        )
        return [_refusal(table.header_row, label, rule, detail)]
    if headers.has_header:
        rule = header_rule(header)
        if rule is not None:
            detail = _f(
                "the header suggests {what}; remove the column; a cohort file holds no identifiers",
                what=_(rule.label),
            )
            return [_refusal(table.header_row, label, rule, detail)]
    for row, value in zip(table.row_numbers, values, strict=True):
        rule = value_rule(value)
        if rule is not None:
            detail = _f(
                "values look like {what}, first in row {row}; remove the column; a cohort file "
                "holds no identifiers",
                what=_(rule.label),
                row=row,
            )
            return [_refusal(table.header_row, label, rule, detail)]
    rule = _column_text_rule(values)
    if rule is not None:
        detail = _f(
            "values look like {what}; remove the column; a cohort file holds no identifiers",
            what=_(rule.label),
        )
        return [_refusal(table.header_row, label, rule, detail)]
    # Nothing identifying: validation ignores the column with a note (or, for a misspelt cohort
    # column, names the likely one; without a header row, says the header is missing).
    return []


def _column_text_rule(values: tuple[str, ...]) -> PrivacyRule | None:
    """Names or free text in a column, judged on its filled cells together."""
    filled = [value.strip() for value in values if value.strip()]
    if not filled:
        return None
    distinct = set(filled)
    names = {value for value in distinct if looks_like_person_name(value)}
    if names and sum(1 for value in filled if value in names) / len(filled) >= 0.5:
        return NAME
    wordy = [value for value in filled if len(value) > 40 or len(value.split()) >= 4]
    # Free text differs from patient to patient; a value repeated down the column (a hospital's
    # name in a multi-centre file) describes no one.
    if len(wordy) / len(filled) >= 0.3 and len(set(wordy)) > len(wordy) / 2:
        return FREE_TEXT
    return None


def _cell_refusals(
    table: RawTable, headers: HeaderMatch, index: int, *, names: bool = False
) -> list[CohortProblem]:
    """Cells refused one by one; with `names` (the group column), a person's name too."""
    values = table.columns[index]
    # Each distinct value is judged once: most columns repeat a few values many times.
    flagged = {value: rule for value in set(values) if (rule := _cell_rule(value, names))}
    if not flagged:
        return []
    # One message per rule, written once, whatever the number of cells it concerns.
    messages = {
        rule: _refused(
            rule,
            _(
                "looks like a person's name; a group label names a treatment or a category, "
                "never a patient; remove it (the value is not shown)"
            )
            if rule is NAME
            else _f("looks like {what}; remove it (the value is not shown)", what=_(rule.label)),
        )
        for rule in set(flagged.values())
    }
    label = headers.labels[index]
    return [
        CohortProblem(row, label, messages[flagged[value]], "refused")
        for row, value in zip(table.row_numbers, values, strict=True)
        if value in flagged
    ]


def _cell_rule(value: str, names: bool) -> PrivacyRule | None:
    rule = value_rule(value)
    if rule is None and names and looks_like_person_name(value):
        return NAME
    return rule


def _per_patient_refusal(table: RawTable, headers: HeaderMatch, index: int):
    filled = [value.strip() for value in table.columns[index] if value.strip()]
    if len(filled) < PER_PATIENT_MIN_ROWS:
        return []
    if len(set(filled)) / len(filled) <= PER_PATIENT_DISTINCT_SHARE:
        return []
    return [
        _refusal(
            table.header_row,
            headers.labels[index],
            PER_PATIENT_LABEL,
            _f(
                "{labels} different labels for {patients} patients; a group column holds a few "
                "labels to compare (e.g. a maintenance drug vs none)",
                labels=fmt.count(len(set(filled))),
                patients=fmt.count(len(filled)),
            ),
        )
    ]


def _record_number_codes(table: RawTable, headers: HeaderMatch, index: int):
    digits_only = _refused(
        RECORD_NUMBER,
        _f(
            "{digits} or more digits only looks like {what}; use a code not derived from any "
            "identifier, such as C001",
            digits=RECORD_NUMBER_DIGITS,
            what=_(RECORD_NUMBER.label),
        ),
    )
    prefixed = _refused(
        RECORD_NUMBER,
        _(
            "letters followed by a year and a serial number, or by eight or more digits, is "
            "how admission and record numbers are written; use a code not derived from any "
            "identifier, such as C001"
        ),
    )
    verdicts: dict[str, str | None] = {}
    for value in set(table.columns[index]):
        code = value.strip()
        if value_rule(value) is not None:  # already refused by its own rule
            verdicts[value] = None
        elif _DIGITS_ONLY.fullmatch(code):
            verdicts[value] = digits_only
        elif _PREFIXED_RECORD_NUMBER.fullmatch(code):
            verdicts[value] = prefixed
        else:
            verdicts[value] = None
    return [
        CohortProblem(row, headers.labels[index], verdicts[value], "refused")
        for row, value in zip(table.row_numbers, table.columns[index], strict=True)
        if verdicts[value]
    ]
