"""Command line and functions for the flat export: one row per reported value, with provenance.

python -m lib.export [--format csv|json|xlsx] [--lang en|zh] [--disease AML] [--phase transplant]
[DATA_DIR] > file

The language (default English) sets the labels and the dataset's text: CSV column headings, label
values (endpoint labels, citation status, flag labels...) and the study titles, arm labels and
notes (data/translations). Ids, codes, numbers and text as printed in the source (excerpts,
as-printed figures, citations) are the same in every language; JSON keys are always the column
ids. CSV is UTF-8 with a byte
order mark, so Excel reads Chinese; cells a spreadsheet would run as formulas are made text.
XLSX (for LibreOffice, whose CSV import ignores the byte order mark and reads "15%", "12,744"
and PMIDs as numbers) has typed cells: numbers as numbers; text, figures as printed and
identifiers as text cells, which no spreadsheet evaluates.
"""

import argparse
import io
import json
import math
import numbers
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from lib.dataset.loading import data_dir_from_env, load_or_report
from lib.dataset.vocabulary import DISEASES, PHASES
from lib.evidence.escape import spreadsheet_cell
from lib.evidence.figures import export_frame, export_headers, figure_table
from lib.evidence.selection import filter_table, ordered_diseases
from lib.i18n import SOURCE_LANGUAGE, SUPPORTED, current_language, using_language

#: Starts every CSV file this module writes: Excel then reads the file as UTF-8 (without it,
#: Excel on Windows guesses the local code page and shows Chinese as mojibake).
BOM = "\ufeff"


def deck_filename(diseases: list[str], version: str, lang: str | None = None) -> str:
    """The deck's file name, naming the selection and dataset version:
    phasewise-AML-MDS-v1.0.0.pptx;
    a deck in another language than English (default: the current one) ends -zh.pptx, so the
    two sit side by side in a folder. Only ids: the same in every language."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", version)
    lang = lang or current_language()
    suffix = "" if lang == SOURCE_LANGUAGE else f"-{lang}"
    return f"phasewise-{'-'.join(ordered_diseases(diseases))}-v{safe}{suffix}.pptx"


def to_csv_text(frame: pd.DataFrame) -> str:
    """Any frame as CSV text whose cells a spreadsheet shows as text, never runs as formulas.
    No byte order mark: callers writing a file add `BOM` (or encode with "utf-8-sig")."""
    return frame.map(spreadsheet_cell).to_csv(index=False)


def to_csv(table: pd.DataFrame) -> str:
    """The export as CSV text: `BOM` first, then the export columns (headed in the session's
    language, labels as the table was made; dataset version and review date on every row).
    Written to a file or handed to a download as it is (encoded UTF-8), Excel opens it with
    Chinese intact."""
    frame = export_frame(table)
    frame.columns = export_headers()
    return BOM + to_csv_text(frame)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The sheet of an XLSX export, and how wide its columns may grow (characters).
SHEET_TITLE = "Phasewise"
MAX_COLUMN_WIDTH = 60


def frame_to_xlsx(frame: pd.DataFrame) -> bytes:
    """Any frame as an .xlsx workbook of one sheet, headings (the frame's column names, as the
    caller made them) in bold and frozen above typed cells: a number (int, float) is a number
    cell, a bool a boolean cell, anything else its text in a text cell (so "15%", "12,744", a
    PMID or a DOI stays as printed, and text that looks like a formula is stored as text and
    marked so, never evaluated); missing values are empty cells."""
    from openpyxl import Workbook  # loaded on the first workbook, not with every page
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    headings = [str(c) for c in frame.columns]
    sheet.append([None] * len(headings))
    for column, heading in enumerate(headings, start=1):
        _text_cell(sheet.cell(row=1, column=column), heading).font = Font(bold=True)
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if _missing(value):
                continue
            if isinstance(value, bool | np.bool_):
                cell.value = bool(value)
            elif isinstance(value, numbers.Number):
                number = float(value)
                cell.value = int(number) if number.is_integer() else number
            else:
                _text_cell(cell, value)
    sheet.freeze_panes = "A2"
    for column, heading in enumerate(headings, start=1):
        texts = [heading, *(str(v) for v in frame.iloc[:200, column - 1] if not _missing(v))]
        width = min(MAX_COLUMN_WIDTH, max(len(t) for t in texts) + 2)
        sheet.column_dimensions[get_column_letter(column)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array: not missing
        return False


def _text_cell(cell, value: object):
    """The value's text in a text cell; one that a spreadsheet would run as a formula is also
    marked "quote prefix", so editing it in Excel or LibreOffice keeps it text."""
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl would store "=..." as a formula
    if spreadsheet_cell(text) != text:
        cell.quotePrefix = True
    return cell


def to_xlsx(table: pd.DataFrame) -> bytes:
    """The export as an .xlsx workbook: the CSV's columns and headings (the session's
    language), typed cells (`frame_to_xlsx`)."""
    frame = export_frame(table)
    frame.columns = export_headers()
    return frame_to_xlsx(frame)


def to_json(table: pd.DataFrame) -> str:
    """JSON: dataset identity plus a list of row objects (keyed by column id), nulls for missing
    values; labels in the language the table was made in (`figure_table` under
    ``using_language``), flag labels in the session's."""
    exported = export_frame(table)
    frame = exported.astype(object).where(exported.notna(), None)
    records = frame.to_dict(orient="records")
    meta = {
        key: table.attrs.get(key, table[key].iloc[0] if len(table) else None)
        for key in ("dataset_version", "last_reviewed")
    }
    meta["rows"] = len(records)
    return json.dumps({**meta, "figures": records}, ensure_ascii=False, indent=1, default=str)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib.export", description=__doc__.split("\n")[0]
    )
    parser.add_argument("data_dir", nargs="?", type=Path, default=None)
    parser.add_argument(
        "--format",
        choices=("csv", "json", "xlsx"),
        default="csv",
        help="xlsx: a workbook with typed cells, written to stdout (redirect it to a file)",
    )
    parser.add_argument(
        "--lang", choices=SUPPORTED, default=SOURCE_LANGUAGE, help="language of labels and headings"
    )
    parser.add_argument(
        "--disease", action="append", choices=DISEASES, help="repeat for several; default all"
    )
    parser.add_argument("--phase", choices=PHASES)
    args = parser.parse_args(argv)
    with using_language(args.lang):
        # stderr holds only `file: record: field: message` lines, for scripts that parse them.
        ds = load_or_report(
            args.data_dir or data_dir_from_env(), sys.stderr, count=False, lang=args.lang
        )
        if ds is None:
            return 1
        table = filter_table(figure_table(ds), args.disease or DISEASES, args.phase)
        if args.format == "xlsx":
            _write_bytes(to_xlsx(table))
        else:
            _write(to_csv(table) if args.format == "csv" else to_json(table) + "\n")
    return 0


def _write_bytes(data: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    sys.stdout.flush()
    if buffer is None:
        raise SystemExit("lib.export: --format xlsx needs a binary stdout (redirect it to a file)")
    buffer.write(data)
    buffer.flush()


def _write(text: str) -> None:
    """To stdout as UTF-8 whatever the locale's encoding (ASCII under a C locale refuses
    Chinese and the byte order mark)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


if __name__ == "__main__":
    sys.exit(main())
