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
from lib.evidence.figures import EXPORT_COLUMNS, figure_table, filter_table


def to_csv(table: pd.DataFrame) -> str:
    """CSV text with the export columns (dataset version and review date on every row)."""
    return table[EXPORT_COLUMNS].to_csv(index=False)


def to_json(table: pd.DataFrame) -> str:
    """JSON: dataset identity plus a list of row objects, nulls for missing values."""
    frame = table[EXPORT_COLUMNS].astype(object).where(table[EXPORT_COLUMNS].notna(), None)
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
