"""Bytes or a path -> a validated Cohort, or CohortRejected with every problem. Nothing half-loaded.

The privacy rules run before validation: a file that looks identifying is refused as a whole and
its values are not examined further.
"""

from pathlib import Path

from lib.cohort.columns import match_headers
from lib.cohort.privacy import privacy_refusals
from lib.cohort.problems import CohortRejected, file_problem, summarised
from lib.cohort.reading import read_table, resolve_date_cells, size_problem
from lib.cohort.records import Cohort
from lib.cohort.validation import validate_table
from lib.i18n import _


def load_cohort(
    data: bytes,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    sheet_option: str | None = None,
) -> Cohort:
    """A cohort from a file's bytes (CSV, .xlsx, .xls or .ods; `filename` only helps tell which).

    `sheet` chooses a workbook's sheet; a workbook with several sheets needs one. Raises
    CohortRejected: `.privacy` is True when the file was refused as identifying.
    """
    table = read_table(data, filename=filename, sheet=sheet, sheet_option=sheet_option)
    headers = match_headers(table.headers)
    table = resolve_date_cells(table, headers)
    refusals = privacy_refusals(table, headers)
    if refusals:
        raise CohortRejected(summarised(refusals), counted=refusals)
    return validate_table(table, headers)


def load_cohort_file(
    path: Path | str, *, sheet: str | None = None, sheet_option: str | None = None
) -> Cohort:
    """A cohort from a file on disk (the command line's way in); checks the size before reading."""
    path = Path(path)
    try:
        too_large = size_problem(path.stat().st_size)
        data = b"" if too_large else path.read_bytes()
    except OSError:
        raise CohortRejected(
            [file_problem(_("cannot be read (no such file, or no permission)"))]
        ) from None
    if too_large:
        raise CohortRejected([too_large])
    return load_cohort(data, filename=path.name, sheet=sheet, sheet_option=sheet_option)
