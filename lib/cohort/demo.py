"""The synthetic demo cohort shipped as data/demo_cohort.csv, simulated with a fixed seed.

    python -m lib.cohort.demo          # writes data/demo_cohort.csv
    python -m lib.cohort.demo --check  # exit 1 if the shipped file differs from what the seed gives

Every row says it is synthetic: case codes start with SYNTHETIC- and group labels end with
"(synthetic)", so the label survives any copy of the file; a loaded copy has `synthetic=True`.
"""

import argparse
import csv
import dataclasses
import io
import sys
from pathlib import Path

import numpy as np

from lib.cohort.loading import load_cohort
from lib.cohort.records import Cohort
from lib.cohort.template import TEMPLATE_COLUMNS
from lib.evidence import text as fmt
from lib.i18n import N_, _

DEMO_SEED = 20250613
DEMO_PATH = Path(__file__).resolve().parents[2] / "data" / "demo_cohort.csv"
DEMO_COLUMNS = TEMPLATE_COLUMNS  # the demo file has exactly the template's columns
#: The demo file's group labels: data, written in English in the file and the cohort; marked for
#: translation so that a page may show them as ``_(label)`` for the synthetic cohort.
MAINTENANCE = N_("Maintenance (synthetic)")
NO_MAINTENANCE = N_("No maintenance (synthetic)")
#: Administrative end of follow-up, as a fractional year: patients treated later are followed less.
_DATA_CUT_OFF = 2025.0


# Per stratum: patients, share on maintenance, chance of relapse without and with maintenance,
# chance of non-relapse death, and age bands. Loosely shaped on published allo-HSCT figures
# (2-year CIR ~30%, NRM ~15-20%), not on any centre's data.
_STRATA = (
    ("AML", "transplant", 160, 0.40, 0.36, 0.20, 0.17, ("18-39", "40-59", "60-69", "70+")),
    ("AML", "consolidation", 30, 0.0, 0.50, 0.50, 0.07, ("18-39", "40-59", "60-69")),
    ("MDS", "transplant", 70, 0.30, 0.30, 0.20, 0.22, ("40-59", "60-69", "70+")),
    ("ALL", "transplant", 60, 0.35, 0.33, 0.22, 0.16, ("<18", "18-39", "40-59")),
)


def demo_rows(seed: int = DEMO_SEED) -> list[dict[str, str]]:
    """Simulated patients as the text cells of a cohort file.

    Relapse and non-relapse death are drawn as competing events (each a cure-fraction
    exponential), death after relapse follows salvage-like survival, and follow-up ends at an
    administrative cut-off (early 2025) or, for a few, earlier loss to follow-up.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for (
        disease,
        phase,
        count,
        on_maintenance,
        p_relapse,
        p_relapse_treated,
        p_nrm,
        bands,
    ) in _STRATA:
        for _patient in range(count):
            treated = rng.random() < on_maintenance
            year = int(rng.integers(2016, 2024))
            start = year + rng.random()
            follow_up_limit = (_DATA_CUT_OFF - start) * 12
            if rng.random() < 0.06:  # lost to follow-up
                follow_up_limit *= rng.random()
            relapse = (
                rng.exponential(9.0)
                if rng.random() < (p_relapse_treated if treated else p_relapse)
                else np.inf
            )
            nrm = rng.gamma(1.2, 5.0) if rng.random() < p_nrm else np.inf
            death = nrm
            if relapse < nrm:
                # After relapse: about a fifth are salvaged, the rest die within a year or two.
                death = relapse + (rng.exponential(8.0) if rng.random() < 0.8 else np.inf)
            end = min(death, follow_up_limit)
            follow_up = round(float(end), 1)
            relapsed = relapse <= end and relapse < nrm
            rows.append(
                {
                    "disease": disease,
                    "phase": phase,
                    "group": MAINTENANCE if treated else NO_MAINTENANCE,
                    "year": str(year),
                    "age_band": str(rng.choice(bands)),
                    "months_followup": fmt.number(follow_up, 1),
                    "died": "1" if death <= follow_up_limit else "0",
                    # Rounded down so that it never passes the (rounded) end of follow-up.
                    "months_to_relapse": fmt.number(min(np.floor(relapse * 10) / 10, follow_up), 1)
                    if relapsed
                    else "",
                }
            )
    for number, row in enumerate(rows, start=1):
        row["case_code"] = "SYNTHETIC-" + str(number).zfill(4)
    return rows


def demo_csv(seed: int = DEMO_SEED) -> str:
    """The demo cohort file's text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, DEMO_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(demo_rows(seed))
    return out.getvalue()


def load_demo_cohort(path: Path = DEMO_PATH) -> Cohort:
    """The shipped demo cohort, read and validated like any uploaded file, its group labels in
    the current language (the file's are English; a centre's own file keeps its own labels)."""
    cohort = load_cohort(path.read_bytes(), filename=path.name)
    if cohort.group is None:
        return cohort
    labels = np.array([_(label) for label in cohort.group], dtype=object)
    return dataclasses.replace(cohort, group=labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.cohort.demo", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = demo_csv()
    if args.check:
        same = DEMO_PATH.exists() and DEMO_PATH.read_text(encoding="utf-8") == text
        print(f"{DEMO_PATH.name}: {'up to date' if same else 'differs from the seed; regenerate'}")
        return 0 if same else 1
    DEMO_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DEMO_PATH} ({len(text.splitlines()) - 1} synthetic patients)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
