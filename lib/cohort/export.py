"""A cohort's estimates as the CSV landmark table and as JSON (the command line and downloads).

Text cells of the CSV go through the one escaper (spreadsheet_cell): group labels are the
user's own text. The JSON keys and the cells' codes (disease, phase, endpoint) are the same in
every language; the warnings and methods are in the current language, and so is the CSV header
row in a language other than English (in English it is the column ids, the documented format).
"""

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict

import pandas as pd

from lib.cohort.estimates import CohortEstimates, Landmark
from lib.cohort.records import ALL_PATIENTS, group_text
from lib.evidence import text as fmt
from lib.evidence.escape import spreadsheet_cell
from lib.i18n import N_, SOURCE_LANGUAGE, _, current_language

LANDMARK_COLUMNS = (
    "disease",
    "phase",
    "group",
    "endpoint",
    "months",
    "estimate",
    "ci_low",
    "ci_high",
    "at_risk",
    "events",
)
#: Each column's heading for a reader (English, marked for translation).
LANDMARK_LABELS = {
    "disease": N_("Disease"),
    "phase": N_("Time origin"),
    "group": N_("Group"),
    "endpoint": N_("Endpoint"),
    "months": N_("Months"),
    "estimate": N_("Estimate %"),
    "ci_low": N_("95% CI low"),
    "ci_high": N_("95% CI high"),
    "at_risk": N_("At risk"),
    "events": N_("Events"),
}
#: Estimates and CIs are written to 0.01 percentage points.
DECIMALS = 2


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _group_cell(group: str) -> str:
    """A group key as written in the CSV: the whole cohort and the pooled small groups by their
    names in the current language, a file's label as it is."""
    return group_text(group)


def _json_group(group: str) -> str | None:
    """A group key in the JSON: null for the whole cohort, the pooled small groups by their
    name, a file's label as it is."""
    return None if group == ALL_PATIENTS else group_text(group)


def _landmark_row(landmark: Landmark) -> dict:
    return {
        "disease": landmark.disease,
        "phase": landmark.phase,
        "group": _group_cell(landmark.group),
        "endpoint": landmark.endpoint,
        "months": landmark.months,
        "estimate": _rounded(landmark.estimate),
        "ci_low": _rounded(landmark.ci_low),
        "ci_high": _rounded(landmark.ci_high),
        "at_risk": landmark.at_risk,
        "events": landmark.events,
    }


# The command line's columns, then what the page adds for a reader.
SCREEN_LANDMARK_COLUMNS = (*LANDMARK_COLUMNS, "censored", "patients", "completeness", "warnings")


def landmark_frame(
    landmarks: Iterable[Landmark], diseases: Iterable[str] | None = None
) -> pd.DataFrame:
    """The landmark table the page shows and downloads: one row per disease x phase x group
    (its key) x endpoint x time. Estimates and CIs in percent (DECIMALS; empty where not
    estimable), completeness in percent, the warnings in one cell."""
    wanted = None if diseases is None else set(diseases)
    rows = [
        {
            "disease": lm.disease,
            "phase": lm.phase,
            "group": lm.group,
            "endpoint": lm.endpoint,
            "months": lm.months,
            "estimate": _rounded(lm.estimate),
            "ci_low": _rounded(lm.ci_low),
            "ci_high": _rounded(lm.ci_high),
            "at_risk": lm.at_risk,
            "events": lm.events,
            "censored": lm.censored,
            "patients": lm.patients,
            "completeness": round(100 * lm.completeness, 1),
            "warnings": fmt.semicolons(lm.warnings),
        }
        for lm in landmarks
        if wanted is None or lm.disease in wanted
    ]
    frame = pd.DataFrame(rows, columns=list(SCREEN_LANDMARK_COLUMNS))
    for column in ("estimate", "ci_low", "ci_high"):
        frame[column] = frame[column].astype(float)
    return frame


def landmark_header() -> tuple[str, ...]:
    """The CSV's header row: the column ids in English (the documented, stable format), their
    labels in another language (a reader opens the file in a spreadsheet), in the same order."""
    if current_language() == SOURCE_LANGUAGE:
        return LANDMARK_COLUMNS
    return tuple(_(LANDMARK_LABELS[column]) for column in LANDMARK_COLUMNS)


def landmarks_csv(estimates: CohortEstimates) -> str:
    """The landmark table: one row per disease x phase x group x endpoint x time, in percent.

    An estimate that cannot be made (beyond the longest follow-up) is an empty cell. Encode as
    UTF-8 with a BOM (`utf-8-sig`) for a download, so that Excel reads Chinese labels.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(landmark_header())
    for landmark in estimates.landmarks:
        row = _landmark_row(landmark)
        writer.writerow(
            [
                spreadsheet_cell(value)
                if isinstance(value, str)
                else ("" if value is None else fmt.plain(value) if name == "months" else value)
                for name, value in row.items()
            ]
        )
    return out.getvalue()


def estimates_json(estimates: CohortEstimates) -> str:
    """`{"estimates": [...], "medians": [...], "patients": N}` plus log-rank tests, methods and
    whether the cohort is synthetic. Each estimate also has its patients, censored count,
    completeness (a share) and warnings."""
    document = {
        "estimates": [
            {
                **_landmark_row(landmark),
                "group": _json_group(landmark.group),
                "patients": landmark.patients,
                "censored": landmark.censored,
                "completeness": round(landmark.completeness, 4),
                "warnings": list(landmark.warnings),
            }
            for landmark in estimates.landmarks
        ],
        "medians": [
            {**asdict(median), "group": _json_group(median.group)} for median in estimates.medians
        ],
        "patients": estimates.patients,
        "logrank": [
            {**asdict(test), "groups": [_json_group(group) for group in test.groups]}
            for test in estimates.logrank
        ],
        "synthetic": estimates.synthetic,
        "methods": list(estimates.methods),
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
