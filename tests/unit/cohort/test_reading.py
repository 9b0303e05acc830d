"""Reading cohort files: encodings, separators, comments, blank rows, workbooks and limits."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from lib.cohort.loading import load_cohort
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
    text = "病例编号,疾病,阶段,随访月数,死亡,复发月数,分组\nC1,AML,transplant,12,是,,索拉非尼\n"
    cohort = load_cohort(text.encode(encoding))
    assert list(cohort.group) == ["索拉非尼"]
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
