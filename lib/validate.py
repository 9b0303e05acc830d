"""Command line: check a data directory and print a one-screen summary or every problem.

    python -m lib.validate [DATA_DIR]

Exit 0 with a summary of figures per phase and disease; exit 1 with one line per problem
(`file: record: field: message`). Never prints a traceback. The dataset's Chinese text
(translations/zh.yaml) is checked with the rest: a missing or extra Chinese text, one that is
empty, not Chinese, or whose numbers are not the English's is a problem like any other.
"""

import argparse
import sys
from pathlib import Path

from lib.dataset.loading import data_dir_from_env, load_or_report
from lib.dataset.records import Dataset
from lib.dataset.vocabulary import DISEASES, PHASE_LABELS, PHASES
from lib.evidence.figures import figure_table
from lib.evidence.selection import phase_studies
from lib.evidence.text import enumeration


def summary(ds: Dataset) -> str:
    """Figures (outcomes, comparisons, key facts, sample sizes) per phase and disease."""
    table = figure_table(ds)
    lines = [
        f"{ds.info.title}",
        f"version {ds.info.version}, last reviewed {ds.info.last_reviewed.isoformat()}",
        "",
        "phase".ljust(15)
        + "studies".rjust(8)
        + "".join(d.rjust(6) for d in DISEASES)
        + "all".rjust(6),
    ]
    for phase in PHASES:
        rows = table[table["phase"] == phase]
        per_disease = [int(rows["diseases"].map(lambda ds_, d=d: d in ds_).sum()) for d in DISEASES]
        studies = len(phase_studies(ds, phase, DISEASES))
        lines.append(
            PHASE_LABELS[phase].ljust(15)
            + str(studies).rjust(8)
            + "".join(str(c).rjust(6) for c in per_disease)
            + str(len(rows)).rjust(6)
        )
    kinds = table["kind"].value_counts()
    lines += [
        "",
        "figures: "
        + enumeration(
            f"{kinds.get(k, 0)} {k.replace('_', ' ')}s"
            for k in ("outcome", "comparison", "key_fact", "sample_size")
        ),
        f"flagged: {int(table['flags'].map(bool).sum())}, truncated: "
        f"{int(table['flags'].map(lambda kinds: 'truncated' in kinds).sum())}, from publications: "
        f"{int((table['origin'] == 'publication').sum())}",
        f"sources: {len(ds.documents)} documents, {len(ds.publications)} publications; "
        f"notes: {len(ds.notes)} phases; glossary: {len(ds.glossary)} terms",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib.validate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        default=None,
        help="data directory (default: $PHASEWISE_DATA_DIR or data/)",
    )
    args = parser.parse_args(argv)
    ds = load_or_report(args.data_dir or data_dir_from_env(), sys.stderr)
    if ds is None:
        return 1
    print(summary(ds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
