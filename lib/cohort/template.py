"""The downloadable cohort template: a guide to each column and example rows, in English or Chinese.

The guide lines start with '#' above the header, where the reader skips them, so a filled-in
template uploads as it is. Each guide line names a column by both of its accepted headers (the
English name and its Chinese alias), so either header row reads. The example rows are synthetic
(case codes EXAMPLE-...). The codes in the cells (AML, transplant, 1/0) are the same in both
languages: they are what the reader accepts.
"""

import csv
import io
from typing import Literal

from lib.cohort.columns import COLUMN_BY_NAME, DAYS_PER_MONTH
from lib.i18n import N_, _, _f, using_language

TEMPLATE_COLUMNS = (
    "case_code",
    "disease",
    "phase",
    "group",
    "year",
    "age_band",
    "months_followup",
    "died",
    "months_to_relapse",
)

#: One guide line per column, in the order of the guide (English; translated when written).
#: {column} is the column's header in this template, {alias} its other accepted header.
_COLUMN_GUIDE = (
    ("disease", N_("{column} ({alias}), required: AML, MDS or ALL")),
    (
        "phase",
        N_(
            "{column} ({alias}), required: the time origin: induction, consolidation, "
            "maintenance, transplant (day of allo-HSCT) or relapse"
        ),
    ),
    (
        "months_followup",
        N_(
            "{column} ({alias}), required: months from the origin to death or last follow-up, "
            "0 or more"
        ),
    ),
    ("died", N_("{column} ({alias}), required: 1 or 0 (also yes/no, true/false, 是/否)")),
    (
        "months_to_relapse",
        N_(
            "{column} ({alias}), required, empty if no relapse: months from the origin to "
            "relapse, at most {followup}"
        ),
    ),
    (
        "group",
        N_(
            "{column} ({alias}), optional: a label to compare, e.g. a maintenance drug vs none, "
            "at most 40 characters"
        ),
    ),
    ("year", N_("{column} ({alias}), optional: year of the origin, a year only")),
    ("age_band", N_("{column} ({alias}), optional: e.g. 60-69, <18, 90+ (no exact ages)")),
    (
        "case_code",
        N_(
            "{column} ({alias}), optional: your own pseudonymous code, unique, not derived from "
            "any identifier"
        ),
    ),
)

_EXAMPLES = (
    ("EXAMPLE-01", "AML", "transplant", N_("Maintenance"), "2021", "40-59", "30.5", "0", ""),
    ("EXAMPLE-02", "AML", "transplant", N_("No maintenance"), "2020", "60-69", "14.2", "1", "8.0"),
    ("EXAMPLE-03", "MDS", "transplant", N_("No maintenance"), "2022", "60-69", "18.0", "0", "11.5"),
    ("EXAMPLE-04", "ALL", "transplant", N_("Maintenance"), "2019", "18-39", "6.1", "1", ""),
)


def _header(name: str, language: str) -> str:
    """A column's header in the template of `language`: its Chinese alias in Chinese."""
    return COLUMN_BY_NAME[name].aliases[0] if language == "zh" else name


def _other_header(name: str, language: str) -> str:
    return name if language == "zh" else COLUMN_BY_NAME[name].aliases[0]


def _guide(language: str) -> list[str]:
    """The guide's lines (without the leading '# '), in the current language."""
    lines = [
        _("Phasewise cohort template: one row per patient. Lines starting with # are skipped.")
    ]
    for name, text in _COLUMN_GUIDE:
        lines.append(
            _f(
                text,
                column=_header(name, language),
                alias=_other_header(name, language),
                followup=_header("months_followup", language),
            )
        )
    lines += [
        _f(
            "{followup} / {relapse} may replace the month columns (converted at {days} days per "
            "month)",
            followup="days_followup",
            relapse="days_to_relapse",
            days=DAYS_PER_MONTH,
        ),
        _(
            "No names, record or ID-card numbers, phone numbers, e-mails or dates (a year only): "
            "a file with them is refused."
        ),
        _("Delete the EXAMPLE rows below before adding your patients."),
    ]
    return lines


def template_csv(language: Literal["en", "zh"] = "en") -> bytes:
    """The template as CSV bytes (UTF-8 with a BOM, so that Excel shows the Chinese).

    In `language`, whatever the session's: "zh" writes the guide in Chinese and the header in the
    columns' Chinese aliases (疾病, 阶段, ...); the cells' codes stay as the reader accepts them.
    """
    with using_language(language):
        guide = _guide(language)
        examples = [(*row[:3], _(row[3]), *row[4:]) for row in _EXAMPLES]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in guide:
        writer.writerow([f"# {line}"])
    writer.writerow([_header(name, language) for name in TEMPLATE_COLUMNS])
    writer.writerows(examples)
    return out.getvalue().encode("utf-8-sig")
