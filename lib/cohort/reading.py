"""Bytes of a CSV or Excel cohort file -> a table of text cells with spreadsheet row numbers.

Checks only what concerns the file as a whole (size, format, encoding, sheets, row limit); the
cells are judged later. Works in memory: nothing is written to disk.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, replace

from lib.cohort.columns import HEADER_TO_COLUMN, HeaderMatch, normalise_header
from lib.cohort.problems import CohortProblem, CohortRejected, file_problem, listed, quoted
from lib.evidence import text as fmt
from lib.i18n import _, _f, _nf

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PATIENT_ROWS = 200_000
#: Largest uncompressed size of a workbook's parts: a small .xlsx can expand enormously.
MAX_WORKBOOK_EXPANDED_BYTES = 200 * 1024 * 1024
#: A row before the header whose first cell starts with this is a comment (the template's guide).
COMMENT_PREFIX = "#"
_DELIMITERS = (",", ";", "\t")
#: The header is looked for in this many first lines (guide comments may come before it).
_LINES_TO_FIND_HEADER = 200
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls (Excel 97-2003) and password-protected workbooks
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass(frozen=True)
class RawTable:
    """A file's cells as text. `columns[i][k]` is the cell of header i in data row k.

    `row_numbers[k]` is that row's number as a spreadsheet shows it; rows that are blank are
    dropped. `decimal_comma` is True when numbers use a decimal comma (semicolon or tab files).
    """

    headers: tuple[str, ...]
    header_row: int
    columns: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]
    decimal_comma: bool
    notes: tuple[str, ...]
    #: Rows with more cells than the header has, found while reading.
    problems: tuple[CohortProblem, ...] = ()


class DateCell(str):
    """A workbook cell the spreadsheet holds as a date or time, as text (YYYY-MM-DD, so that the
    privacy rules see a date), with the number behind it (`serial`: days since 1899-12-30, as
    Excel and LibreOffice count) and its `year`."""

    serial: float
    year: int

    def __new__(cls, text: str, serial: float, year: int):
        cell = super().__new__(cls, text)
        cell.serial, cell.year = serial, year
        return cell


#: A date cell of a year before this is a number that picked up a date format (12.5 months shown
#: as 1900-01-12; 2019 typed into a `yyyy` cell shown as 1905): no cohort dates from before 1950.
FIRST_REAL_DATE_YEAR = 1950
_EPOCH = dt.datetime(1899, 12, 30)


def read_table(
    data: bytes,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    sheet_option: str | None = None,
) -> RawTable:
    """Read a cohort file's cells. Raises CohortRejected with file-level problems.

    `sheet_option` is how the caller chooses a sheet (the command line's `--sheet`), named in
    the message asking for one."""
    too_large = size_problem(len(data))
    if too_large:
        raise CohortRejected([too_large])
    name = (filename or "").lower()
    # The content decides; the name only when the content says nothing.
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)) or name.endswith(_WORKBOOK_SUFFIXES):
        return _table_from_rows(*_workbook_rows(data, sheet, sheet_option), decimal_comma=False)
    text, encoding_note = _decode(data)
    delimiter = _delimiter(text)
    notes = [encoding_note] if encoding_note else []
    if delimiter != ",":
        notes.append(
            # The example is a placeholder: a catalogue's Chinese has no half-width comma.
            _f(
                "read as semicolon-separated, with decimal commas ({example} is read as 12.5)",
                example="12,5",
            )
            if delimiter == ";"
            else _f(
                "read as tab-separated, with decimal commas ({example} is read as 12.5)",
                example="12,5",
            )
        )
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table_from_rows(rows, notes, decimal_comma=delimiter != ",")
    except csv.Error:
        # The csv module's message can quote the offending text, so only the row is named.
        raise CohortRejected(
            [
                file_problem(
                    _f(
                        "unreadable from row {row}: a cell longer than {limit} characters or "
                        "broken quoting",
                        row=rows.line_num,
                        limit=fmt.count(csv.field_size_limit()),
                    )
                )
            ]
        ) from None


def workbook_sheets(data: bytes, *, filename: str | None = None) -> tuple[str, ...]:
    """The sheet names of a workbook, so that a page can offer the choice; () for a CSV file or
    a workbook that cannot be read (`read_table` then says why). Reads no cell."""
    name = (filename or "").lower()
    if not (data.startswith((_ZIP_MAGIC, _OLE_MAGIC)) or name.endswith(_WORKBOOK_SUFFIXES)):
        return ()
    if size_problem(len(data)):
        return ()
    from python_calamine import CalamineWorkbook

    try:
        if data.startswith(_ZIP_MAGIC):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if sum(info.file_size for info in archive.infolist()) > (
                    MAX_WORKBOOK_EXPANDED_BYTES
                ):
                    return ()
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # unreadable or protected: read_table reports it, without its content
        return ()
    try:
        return tuple(str(sheet) for sheet in workbook.sheet_names)
    finally:
        workbook.close()


def size_problem(size: int) -> CohortProblem | None:
    """The problem with a file of `size` bytes, if it is over the limit."""
    if size <= MAX_FILE_BYTES:
        return None
    return file_problem(
        _f(
            "{size} bytes, over the {limit} MB limit (split the file, e.g. by disease)",
            size=fmt.count(size),
            limit=MAX_FILE_BYTES // 1024 // 1024,
        )
    )


def _decode(data: bytes) -> tuple[str, str | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked_text(data.decode("utf-16", errors="replace")), _("read as UTF-16 text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return _checked_text(data.decode("utf-8")), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise CohortRejected(
            [
                file_problem(
                    _("the text is neither UTF-8 nor GB18030; save it as 'CSV UTF-8' or as .xlsx")
                )
            ]
        ) from None
    return _checked_text(text), _("read as GB18030 (Chinese Windows) text")


def _checked_text(text: str) -> str:
    if "\x00" in text:
        raise CohortRejected(
            [
                file_problem(
                    _("not a CSV or .xlsx file (it holds binary data); save it as CSV UTF-8")
                )
            ]
        )
    return text


def _delimiter(text: str) -> str:
    """The delimiter that splits the header row into the most known column names."""
    head = "\n".join(text.splitlines()[:_LINES_TO_FIND_HEADER])

    def score(delimiter: str) -> tuple[int, int]:
        rows = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
        header = next((row for row in rows if _is_header_candidate(row)), [])
        known = sum(normalise_header(cell) in HEADER_TO_COLUMN for cell in header)
        return known, len(header)

    return max(_DELIMITERS, key=score)


def _is_header_candidate(row: list[str]) -> bool:
    """Not blank and not a comment: the first such row is the header."""
    return any(cell.strip() for cell in row) and not row[0].lstrip().startswith(COMMENT_PREFIX)


def _workbook_rows(data: bytes, sheet: str | None, sheet_option: str | None = None):
    """The chosen sheet's rows as text cells, from cell A1, and notes.

    python-calamine (Rust) reads a sheet about ten times faster than openpyxl, which matters at
    the 50,000-patient target; it gives the values Excel saved, never evaluates a formula, and
    reads .xlsx, .xls and .ods alike.
    """
    from python_calamine import CalamineWorkbook, PasswordError

    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                expanded = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            raise CohortRejected([_unreadable_workbook()]) from None
        if expanded > MAX_WORKBOOK_EXPANDED_BYTES:
            raise CohortRejected(
                [
                    file_problem(
                        _f(
                            "the workbook expands to {size} MB; the limit is {limit} MB",
                            size=fmt.file_size_mb(expanded),
                            limit=MAX_WORKBOOK_EXPANDED_BYTES // 1024 // 1024,
                        )
                    )
                ]
            )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise CohortRejected([_protected_workbook()]) from None
    except Exception:  # the reader's messages may quote the file's content
        problem = _protected_workbook() if data.startswith(_OLE_MAGIC) else _unreadable_workbook()
        raise CohortRejected([problem]) from None
    try:
        names = list(workbook.sheet_names)
        chosen = _chosen_sheet(names, sheet, sheet_option)
        worksheet = workbook.get_sheet_by_name(chosen)
        # A rough early guard (blank rows count here); the exact count comes while reading.
        if worksheet.height > 2 * MAX_PATIENT_ROWS:
            raise CohortRejected([_too_many_rows()])
        # From A1, so that row numbers and column letters are the spreadsheet's.
        cells = worksheet.to_python(skip_empty_area=False)
    except CohortRejected:
        raise
    except Exception:
        raise CohortRejected([_unreadable_workbook()]) from None
    finally:
        workbook.close()
    if data.startswith(_ZIP_MAGIC):
        unsaved = _formulas_without_values(data, chosen)
        if unsaved:
            raise CohortRejected([_unsaved_formulas(*unsaved)])
    notes = [_f("read the sheet {sheet}", sheet=quoted(chosen))] if len(names) > 1 else []
    return ([_cell_text(value) for value in row] for row in cells), notes


def _formulas_without_values(data: bytes, sheet: str) -> tuple[int, str] | None:
    """(how many, the first cell) of the sheet's formula cells with no saved value, or None.

    A workbook written by a program (openpyxl, a script) keeps formulas without their results
    until a spreadsheet opens and saves it; the reader would see those cells as empty. Reads the
    .xlsx (or .ods) parts directly; a workbook without formulas costs one search.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "content.xml" in names:  # OpenDocument: one part for every sheet
                xml = archive.read("content.xml")
                cells = re.findall(rb"<table:table-cell\b[^>]*\btable:formula=[^>]*>", xml)
                missing = [cell for cell in cells if b"office:value-type" not in cell]
                return (len(missing), "") if missing else None
            path = _sheet_part(archive, names, sheet)
            if path is None:
                return None
            xml = archive.read(path)
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    if b"<f" not in xml:
        return None
    missing = [
        match
        for match in re.finditer(rb"<c\b([^>]*)>(.*?)</c>", xml, re.S)
        if b"<f" in match[2] and not _SAVED_VALUE.search(match[2])
    ]
    if not missing:
        return None
    first = re.search(rb'\br="([A-Z]{1,3}[0-9]{1,7})"', missing[0][1])
    return len(missing), first[1].decode() if first else ""


_SAVED_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")


def _sheet_part(archive: zipfile.ZipFile, names: set[str], sheet: str) -> str | None:
    """The path of an .xlsx sheet's part, from the workbook's list of sheets and its links."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    from html import unescape

    for attributes in re.findall(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
        name = re.search(r'\bname="([^"]*)"', attributes)
        link = re.search(r'\br:id="([^"]*)"', attributes)
        if name and link and unescape(name[1]) == sheet:
            for relation in re.findall(r"<Relationship\b([^>]*)/?>", rels):
                if re.search(rf'\bId="{re.escape(link[1])}"', relation):
                    target = re.search(r'\bTarget="([^"]*)"', relation)
                    if target:
                        path = target[1].lstrip("/")
                        return path if path.startswith("xl/") else f"xl/{path}"
    return None


def _unsaved_formulas(count: int, first: str) -> CohortProblem:
    where = _f(", first in cell {cell}", cell=first) if first else ""
    return file_problem(
        _nf(
            "the workbook has {n} formula without a saved value{where} (a workbook written by "
            "a program); open it in Excel, WPS or LibreOffice and save it once, then upload it "
            "again",
            "the workbook has {n} formulas without saved values{where} (a workbook written by "
            "a program); open it in Excel, WPS or LibreOffice and save it once, then upload it "
            "again",
            count,
            n=fmt.count(count),
            where=where,
        )
    )


def _unreadable_workbook() -> CohortProblem:
    return file_problem(_("not a readable workbook; save it again as .xlsx or as CSV UTF-8"))


def _protected_workbook() -> CohortProblem:
    return file_problem(
        _(
            "a password-protected or unreadable Excel workbook; save it as .xlsx without a "
            "password, or as CSV UTF-8"
        )
    )


def _chosen_sheet(names: list[str], sheet: str | None, option: str | None = None) -> str:
    sheets = listed(quoted(name) for name in names)
    if sheet is None:
        if len(names) == 1:
            return names[0]
        raise CohortRejected(
            [
                file_problem(
                    _f(
                        "the workbook has {n} sheets ({sheets}); choose one with {option}",
                        n=len(names),
                        sheets=sheets,
                        option=f"{option} NAME",
                    )
                    if option
                    else _f(
                        "the workbook has {n} sheets ({sheets}); choose one",
                        n=len(names),
                        sheets=sheets,
                    )
                )
            ]
        )
    if sheet in names:
        return sheet
    matches = [name for name in names if name.strip().lower() == sheet.strip().lower()]
    if len(matches) == 1:
        return matches[0]
    raise CohortRejected(
        [
            file_problem(
                _f(
                    "no sheet named {sheet}; the sheets are {sheets}",
                    sheet=quoted(sheet),
                    sheets=sheets,
                )
            )
        ]
    )


def _too_many_rows() -> CohortProblem:
    return file_problem(
        _f(
            "more than {limit} patient rows; the limit is {limit} (split the file, e.g. by "
            "disease)",
            limit=fmt.count(MAX_PATIENT_ROWS),
        )
    )


def _cell_text(value) -> str:
    """A workbook cell as the text a CSV would hold: 12 not 12.0, full-width forms as ASCII,
    dates as a DateCell (YYYY-MM-DD, the number behind it kept)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value.isascii() else unicodedata.normalize("NFKC", value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        # A date cell is kept recognisable as a date, so the privacy rules refuse it.
        serial = (value - _EPOCH).total_seconds() / 86400
        return DateCell(value.date().isoformat(), serial, value.year)
    if isinstance(value, dt.date):
        serial = float((value - _EPOCH.date()).days)
        return DateCell(value.isoformat(), serial, value.year)
    if isinstance(value, dt.time):  # a fraction of a day shown as a time
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return DateCell(value.isoformat(), seconds / 86400, 1899)
    if isinstance(value, dt.timedelta):
        return DateCell(str(value), value.total_seconds() / 86400, 1899)
    return str(value)


def resolve_date_cells(table: RawTable, headers: HeaderMatch) -> RawTable:
    """Date cells of the cohort columns, before the privacy rules see them.

    In `year`, a date cell is read as its year (2019 typed into a cell formatted `yyyy` is the
    number 2019 behind a date of 1905: read as 2019), with a note. In another cohort column, a
    number that picked up a date format (a date before 1950) is a problem naming the cell: format
    these cells as numbers. A later date stays a date, which the privacy rules refuse.
    """
    columns = list(table.columns)
    problems = list(table.problems)
    notes = list(table.notes)
    for index, name in headers.known.items():
        cells = columns[index]
        if not any(isinstance(cell, DateCell) for cell in cells):
            continue
        new = list(cells)
        read_as_year = 0
        for position, cell in enumerate(cells):
            if not isinstance(cell, DateCell):
                continue
            number = cell.year < FIRST_REAL_DATE_YEAR
            if name == "year":
                new[position] = fmt.plain(cell.serial) if number else str(cell.year)
                read_as_year += 1
            elif number:
                new[position] = fmt.plain(cell.serial)
                problems.append(
                    CohortProblem(
                        table.row_numbers[position],
                        headers.labels[index],
                        _(
                            "formatted as a date in the spreadsheet; format these cells as "
                            "numbers (Format Cells, Number) and save again"
                        ),
                    )
                )
        columns[index] = tuple(new)
        if read_as_year:
            notes.append(
                _nf(
                    "{column}: {n} cell formatted as a date read as its year",
                    "{column}: {n} cells formatted as dates read as their year",
                    read_as_year,
                    column=headers.labels[index],
                    n=fmt.count(read_as_year),
                )
            )
    if not notes and not problems and columns == list(table.columns):
        return table
    return replace(table, columns=tuple(columns), problems=tuple(problems), notes=tuple(notes))


def _table_from_rows(rows, notes: list[str], *, decimal_comma: bool) -> RawTable:
    header: list[str] | None = None
    header_row = written_width = 0
    row_numbers: list[int] = []
    cells: list[list[str]] = []
    problems: list[CohortProblem] = []
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue  # blank rows (Excel leaves them) are skipped and keep their numbers
        if not all(cell.isascii() for cell in row):
            # Full-width digits, letters and punctuation from a Chinese keyboard as ASCII
            # (６８．３６９６ -> 68.3696, ＡＬＬ -> ALL, 18－29 -> 18-29); a DateCell is ASCII.
            row = [cell if cell.isascii() else unicodedata.normalize("NFKC", cell) for cell in row]
        if header is None:
            if not _is_header_candidate(row):
                continue  # a comment above the header, such as the template's guide
            header = [cell.replace("\ufeff", "").strip() for cell in row]
            # A spreadsheet pads every row, the header too, to its widest used column; a row
            # longer than the header as written has a cell too many.
            written_width = len(header)
            while header and not header[-1]:
                header.pop()  # trailing empty header cells: the sheet's unused columns
            header_row = number
            continue
        width = len(header)
        if len(row) > written_width or any(cell.strip() for cell in row[width:]):
            problems.append(
                CohortProblem(
                    number,
                    _("columns"),
                    _f(
                        "{cells} cells but the header has {width} (a decimal comma in a "
                        "comma-separated file? write 12.5, or separate the columns with "
                        "semicolons)",
                        cells=len(row),
                        width=width,
                    ),
                )
            )
        row_numbers.append(number)
        if len(row_numbers) > MAX_PATIENT_ROWS:
            raise CohortRejected([_too_many_rows()])
        cells.append(row[:width] + [""] * (width - len(row)))
    if header is None:
        raise CohortRejected(
            [file_problem(_("the file is empty; it needs a header row and one row per patient"))]
        )
    if not row_numbers:
        raise CohortRejected(
            [file_problem(_f("no patient rows under the header (row {row})", row=header_row))]
        )
    columns = tuple(zip(*cells, strict=True)) if cells else ()
    return RawTable(
        headers=tuple(header),
        header_row=header_row,
        columns=tuple(tuple(column) for column in columns),
        row_numbers=tuple(row_numbers),
        decimal_comma=decimal_comma,
        notes=tuple(notes),
        problems=tuple(problems),
    )
