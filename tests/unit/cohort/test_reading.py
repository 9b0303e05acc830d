"""Reading cohort files: encodings, separators, comments, blank rows, workbooks and limits."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from lib.cohort.loading import load_cohort, load_cohort_file
from lib.cohort.problems import CohortRejected
from lib.cohort.reading import MAX_WORKBOOK_EXPANDED_BYTES, read_table

from .conftest import HEADER, csv_bytes


def _problems(data: bytes, **options) -> list[str]:
    with pytest.raises(CohortRejected) as rejected:
        load_cohort(data, **options)
    return [str(problem) for problem in rejected.value.problems]


@pytest.mark.parametrize(
    "encoding, note",
    [
        ("utf-8", None),
        ("utf-8-sig", None),
        ("gb18030", "read as GB18030 (Chinese Windows) text"),
        ("utf-16", "read as UTF-16 text"),
    ],
)
def test_text_encodings(encoding, note):
    rows = "".join(f"C{i},AML,transplant,12,是,,索拉非尼\n" for i in range(5))
    text = "病例编号,疾病,阶段,随访月数,死亡,复发月数,分组\n" + rows
    cohort = load_cohort(text.encode(encoding))
    assert list(cohort.group) == ["索拉非尼"] * 5
    assert cohort.notes == ((note,) if note else ())


def test_tab_separated_with_decimal_commas():
    data = (HEADER.replace(",", "\t") + "\nAML\ttransplant\t12,5\t1\t3,25\n").encode()
    cohort = load_cohort(data)
    assert cohort.months_followup[0] == 12.5 and cohort.months_to_relapse[0] == 3.25


def test_comments_and_blank_rows_keep_spreadsheet_row_numbers():
    data = b"# a guide line\n\n" + csv_bytes("AML,transplant,12,1,", "", "AML,transplant,-1,1,")
    assert _problems(data) == [
        "row 6: months_followup: negative; months count from the time origin, so 0 or more"
    ]


def test_a_quoted_line_break_is_one_spreadsheet_row():
    data = (
        csv_bytes("AML,transplant,12,1,", header=HEADER + ",group").replace(
            b"12,1,\n", b'12,1,,"a\nb"\n'
        )
        + b"AML,transplant,-1,1,,x\n"
    )
    problems = _problems(data)
    assert problems[-1].startswith("row 3: months_followup: negative")


def _workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    for index, (title, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbook_cells_are_read_as_their_text():
    data = _workbook(
        (
            "Cohort",
            [
                HEADER.split(",") + ["year", "group"],
                ["AML", "transplant", 12.0, True, None, 2021.0, "A"],
                ["MDS", "transplant", 30.5, False, 11, 2020, "B"],
                [None] * 7,
                ["ALL", "transplant", 8, 1, None, None, "A"],
            ],
        )
    )
    cohort = load_cohort(data)
    assert list(cohort.months_followup) == [12.0, 30.5, 8.0]
    assert list(cohort.died) == [True, False, True]
    assert list(cohort.year[:2]) == [2021.0, 2020.0]


def test_workbook_sheet_choice():
    rows = [HEADER.split(","), ["AML", "transplant", 12, 1, None]]
    data = _workbook(("Notes", [["x"]]), ("Patients", rows))
    assert _problems(data) == ["file: the workbook has 2 sheets ('Notes', 'Patients'); choose one"]
    assert len(load_cohort(data, sheet="Patients")) == 1
    assert len(load_cohort(data, sheet="patients")) == 1  # case is forgiven
    assert load_cohort(data, sheet="Patients").notes == ("read the sheet 'Patients'",)


def test_a_workbook_row_with_a_date_cell_is_refused_without_the_date():
    data = _workbook(
        ("S", [["when"] + HEADER.split(","), [dt.datetime(2023, 4, 12), "AML", "transplant", 1, 1]])
    )
    problems = _problems(data)
    assert problems[0].startswith("row 1: when: refused (date)")
    assert "2023" not in " ".join(problems)


def test_a_workbook_that_expands_beyond_the_limit_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        with archive.open("xl/big.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(MAX_WORKBOOK_EXPANDED_BYTES // len(chunk) + 1):
                member.write(chunk)
    problems = _problems(out.getvalue(), filename="cohort.xlsx")
    assert problems[0].startswith("file: the workbook expands to")


def test_a_broken_workbook_is_refused_without_details():
    assert _problems(b"PK\x03\x04 not really a zip") == [
        "file: not a readable workbook; save it again as .xlsx or as CSV UTF-8"
    ]


def test_read_table_pads_short_rows_and_strips_the_unused_header_cells():
    table = read_table(b"disease,phase,,\nAML,transplant\n")
    assert table.headers == ("disease", "phase")
    assert table.columns == (("AML",), ("transplant",))
    assert table.row_numbers == (2,)


def test_a_sheet_that_starts_below_and_right_of_a1_keeps_its_row_numbers_and_letters():
    book = openpyxl.Workbook()
    sheet = book.active
    for offset, row in enumerate(
        [["13812345678"] + HEADER.split(","), ["x", "AML", "transplant", -1, 1, None]]
    ):
        for column, value in enumerate(row):
            sheet.cell(row=3 + offset, column=3 + column, value=value)
    out = io.BytesIO()
    book.save(out)
    assert _problems(out.getvalue()) == [
        "row 3: column C: refused (phone): the header looks like a phone number (a mobile "
        "number has 11 digits starting with 1); remove the column; a cohort file holds no "
        "identifiers"
    ]
    sheet["C3"], sheet["C4"] = None, None
    out = io.BytesIO()
    book.save(out)
    assert _problems(out.getvalue()) == [
        "row 4: months_followup: negative; months count from the time origin, so 0 or more"
    ]


# --- spreadsheets as wards send them (inputs in tests/cohort_corpus, made by make_files.py) ------

CORPUS = Path(__file__).resolve().parents[2] / "cohort_corpus"


@pytest.mark.parametrize(
    "case",
    [
        "workbook-year-formatted-as-date/input.xlsx",
        "workbook-saved-by-libreoffice-xlsx/input.xlsx",
        "workbook-saved-by-libreoffice-ods/input.ods",
    ],
)
def test_year_cells_formatted_as_dates_are_read_as_their_year(case):
    cohort = load_cohort_file(CORPUS / case)
    # Even rows: 2019 + i % 3 typed into a `yyyy` cell; odd rows: a date in 2018 + i % 3.
    expected = [(2018 if i % 2 else 2019) + i % 3 for i in range(12)]
    assert list(cohort.year) == expected


def test_full_width_cells_and_headers_with_units_are_normalised():
    cohort = load_cohort_file(CORPUS / "workbook-full-width-chinese-excel/input.xlsx")
    assert set(cohort.disease) == {"AML", "ALL"}
    assert set(cohort.age_band) == {"18-29", "60-69"}
    assert cohort.months_followup[0] == pytest.approx(3 + 3 + 0.3696)  # ６．３６９６
    assert cohort.relapsed.any()


def test_a_days_unit_in_brackets_reads_the_column_as_days():
    cohort = load_cohort_file(CORPUS / "full-width-csv-gb18030/input.csv")
    assert set(cohort.group) == {"ALL", "Maintenance"}
    assert np.nanmax(cohort.months_to_relapse) < 60  # days were converted


def test_na_markers_are_empty_cells():
    cohort = load_cohort_file(CORPUS / "na-for-no-relapse/input.csv")
    assert np.isnan(cohort.year[3]) and not np.isnan(cohort.year[0])
    assert cohort.relapsed.sum() == 1  # the one relapse written as a number


def test_a_required_na_is_reported_as_empty():
    data = csv_bytes("AML,transplant,NA,1,", "AML,transplant,12,N/A,")
    assert _problems(data) == [
        "row 2: months_followup: empty; months of follow-up are required",
        "row 3: died: empty; must be 1/0, yes/no or true/false (是/否)",
    ]


def test_formulas_without_saved_values_are_found_in_the_chosen_sheet():
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "=1+1"  # another sheet's formula is not the cohort's concern
    patients = book.create_sheet("Patients")
    patients.append(HEADER.split(","))
    patients.append(["AML", "transplant", 12, 1, None])
    out = io.BytesIO()
    book.save(out)
    assert len(load_cohort(out.getvalue(), sheet="Patients")) == 1
    with pytest.raises(CohortRejected) as rejected:
        load_cohort(out.getvalue(), sheet="Notes")
    assert "formula without a saved value, first in cell A1" in str(rejected.value)


def test_the_rejection_counts_every_problem_and_every_row():
    rows = [f"AML,transplant,x,{'x' if i < 30 else 1}," for i in range(38)]
    with pytest.raises(CohortRejected) as rejected:
        load_cohort(csv_bytes(*rows))
    assert (rejected.value.problem_count, rejected.value.row_count) == (68, 38)
    assert len(rejected.value.problems) == 42  # 20 + 1 per column and message
