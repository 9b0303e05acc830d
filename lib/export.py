"""Command line and functions for the flat export: one row per reported value, with provenance.

python -m lib.export [--format csv|json] [--disease AML] [--phase transplant] [DATA_DIR]
"""

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from lib.dataset.loading import data_dir_from_env, load_or_report
from lib.dataset.vocabulary import DISEASES, PHASES
from lib.evidence.escape import spreadsheet_cell
from lib.evidence.figures import export_frame, figure_table
from lib.evidence.selection import filter_table


def to_csv_text(frame: pd.DataFrame) -> str:
    """Any frame as CSV text whose cells a spreadsheet shows as text, never runs as formulas."""
    return frame.map(spreadsheet_cell).to_csv(index=False)


def to_csv(table: pd.DataFrame) -> str:
    """CSV text with the export columns (dataset version and review date on every row)."""
    return to_csv_text(export_frame(table))


def to_json(table: pd.DataFrame) -> str:
    """JSON: dataset identity plus a list of row objects, nulls for missing values."""
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
        "--disease", action="append", choices=DISEASES, help="repeat for several; default all"
    )
    parser.add_argument("--phase", choices=PHASES)
    args = parser.parse_args(argv)
    # stderr holds only `file: record: field: message` lines, for scripts that parse them.
    ds = load_or_report(args.data_dir or data_dir_from_env(), sys.stderr, count=False)
    if ds is None:
        return 1
    table = filter_table(figure_table(ds), args.disease or DISEASES, args.phase)
    sys.stdout.write(to_csv(table) if args.format == "csv" else to_json(table) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
