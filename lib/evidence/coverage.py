"""What the dataset covers: for each disease and phase, how many randomised trials and other
studies it holds, as one line on each phase page, one line per disease on the overview, and a
table in docs/ (generated here, never typed). Pure.

A study counts for a phase when its figures are shown there (its own phase, or a figure placed
in it) and for each disease it concerns. "Randomised" means a randomised controlled trial whose
arms were allocated (not groups formed by outcome).

    python -m lib.evidence.coverage            # print the docs table
    python -m lib.evidence.coverage --write    # write docs/coverage.md
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from lib.dataset.records import Dataset, Study
from lib.dataset.vocabulary import (
    DISEASES,
    PHASE_LABELS,
    PHASES,
    STUDY_ROLE_LABELS,
    STUDY_ROLES,
)
from lib.evidence import selection, text
from lib.i18n import SUPPORTED, _, _f, _nf, using_language

DOCS_FILE = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"


def is_randomised(study: Study) -> bool:
    return study.design == "rct" and study.arms_defined_by == "allocation" and study.is_comparative


@dataclass(frozen=True)
class Cell:
    """One disease x phase: its randomised trials and its other studies, in page order."""

    disease: str
    phase: str
    randomised: tuple[Study, ...]
    other: tuple[Study, ...]


def cell(ds: Dataset, disease: str, phase: str) -> Cell:
    studies = selection.phase_studies(ds, phase, [disease])
    return Cell(
        disease,
        phase,
        tuple(s for s in studies if is_randomised(s)),
        tuple(s for s in studies if not is_randomised(s)),
    )


def phase_line(ds: Dataset, disease: str, phase: str) -> str:
    """'AML transplant: 4 randomised trials, 2 other studies in the dataset', or the line
    saying there is no randomised evidence, in the session's language."""
    found = cell(ds, disease, phase)
    where = _f("{disease} {phase}", disease=disease, phase=text.lower_first(_(PHASE_LABELS[phase])))
    others = len(found.other)
    if not found.randomised:
        if others:
            return _nf(
                "{where}: no randomised trial in the dataset ({n} other study)",
                "{where}: no randomised trial in the dataset ({n} other studies)",
                others,
                where=where,
            )
        return _f("{where}: no randomised trial in the dataset, and no other study", where=where)
    trials = _nf("{n} randomised trial", "{n} randomised trials", len(found.randomised))
    rest = _nf("{n} other study", "{n} other studies", others)
    return _f("{where}: {trials}, {rest} in the dataset", where=where, trials=trials, rest=rest)


def overview_line(ds: Dataset, disease: str) -> str:
    """One line per disease: the phases with randomised trials (how many) and those without."""
    covered, missing = [], []
    for phase in PHASES:
        count = len(cell(ds, disease, phase).randomised)
        label = text.lower_first(_(PHASE_LABELS[phase]))
        if count:
            covered.append(_f("{phase} ({n})", phase=label, n=count))
        else:
            missing.append(label)
    if not covered:
        return _f("{disease}: no randomised trial in the dataset", disease=disease)
    line = _f(
        "{disease}: randomised trials for {phases}",
        disease=disease,
        phases=text.enumeration(covered),
    )
    if missing:
        line += _f("; none for {phases}", phases=text.enumeration(missing))
    return line


# --- the table in docs/ --------------------------------------------------------------------------


def _trial(study: Study) -> str:
    return f"{study.short_label} [{STUDY_ROLE_LABELS[study.role]}]"


def _role_in_every_language(role: str) -> str:
    """'Newer therapy (新疗法)': the English label with each other catalogue's."""
    translated = []
    for code in SUPPORTED[1:]:
        with using_language(code):
            translated.append(_(STUDY_ROLE_LABELS[role]))
    return f"{STUDY_ROLE_LABELS[role]} ({text.enumeration(translated)})"


def coverage_markdown(ds: Dataset) -> str:
    """docs/coverage.md: disease x phase x trials, in English with the role names in Chinese."""
    lines = [
        "# Coverage of the evidence dataset",
        "",
        "Generated from `data/` by `python -m lib.evidence.coverage --write` (dataset "
        f"{ds.info.version}); a test checks this file equals the generated one. Do not edit.",
        "",
        "A study counts where its figures are shown: its own phase and any phase a figure is "
        "placed in. Randomised = a randomised controlled trial with allocated arms.",
        "",
        "Roles: " + text.semicolons(_role_in_every_language(r) for r in STUDY_ROLES) + ".",
        "",
        "| Disease | Phase | Randomised | Other | Randomised trials | Other studies |",
        "| --- | --- | ---: | ---: | --- | --- |",
    ]
    for disease in DISEASES:
        for phase in PHASES:
            found = cell(ds, disease, phase)
            trials = text.semicolons(_trial(s) for s in found.randomised) or "none in the dataset"
            others = text.semicolons(_trial(s) for s in found.other) or "none"
            lines.append(
                f"| {disease} | {PHASE_LABELS[phase]} | {len(found.randomised)} | "
                f"{len(found.other)} | {trials} | {others} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from lib.dataset.loading import load_dataset

    args = sys.argv[1:] if argv is None else argv
    ds = load_dataset(Path(__file__).resolve().parents[2] / "data")
    table = coverage_markdown(ds)
    if "--write" in args:
        DOCS_FILE.write_text(table, encoding="utf-8")
        print(f"wrote {DOCS_FILE}")
    else:
        sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
