"""Command line and functions for the flat export: one row per reported value, with provenance.

python -m lib.export [--format csv|json] [--lang en|zh] [--disease AML] [--phase transplant]
[DATA_DIR]

The language (default English) sets the labels and the dataset's text: CSV column headings, label
values (endpoint labels, citation status, flag labels...) and the study titles, arm labels and
notes (data/translations). Ids, codes, numbers and text as printed in the source (excerpts,
as-printed figures, citations) are the same in every language; JSON keys are always the column
ids. CSV is UTF-8 with a byte
order mark, so Excel reads Chinese; cells a spreadsheet would run as formulas are made text.
"""

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from lib.dataset.loading import data_dir_from_env, load_or_report
from lib.dataset.vocabulary import DISEASES, PHASES
from lib.evidence.escape import spreadsheet_cell
from lib.evidence.figures import export_frame, export_headers, figure_table
from lib.evidence.selection import filter_table
from lib.i18n import SUPPORTED, using_language

#: Starts every CSV file this module writes: Excel then reads the file as UTF-8 (without it,
#: Excel on Windows guesses the local code page and shows Chinese as mojibake).
BOM = "\ufeff"


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
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument(
        "--lang", choices=SUPPORTED, default="en", help="language of labels and headings"
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
        _write(to_csv(table) if args.format == "csv" else to_json(table) + "\n")
    return 0


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
