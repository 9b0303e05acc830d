"""Runs every case of tests/cohort_corpus/ through the command line and the loader.

A rejected case must exit 1 (problems) or 2 (privacy refusal) with exactly the lines of its
expected.txt, and the loader must give no cohort at all. An accepted case must load, with the
patient count and notes of its expected.txt. No value listed under `secrets` in case.yaml may
appear in any output. Set COHORT_CORPUS_REGENERATE=1 to rewrite expected.txt (then review it).
"""

import os
from pathlib import Path

import pytest
import yaml

from lib.cohort.cli import main
from lib.cohort.loading import load_cohort_file
from lib.cohort.problems import CohortRejected
from lib.cohort.reading import MAX_FILE_BYTES, MAX_PATIENT_ROWS

CORPUS = Path(__file__).resolve().parents[2] / "cohort_corpus"
CASES = sorted(path.name for path in CORPUS.iterdir() if (path / "case.yaml").exists())
REGENERATE = os.environ.get("COHORT_CORPUS_REGENERATE") == "1"
_ROW = "AML,transplant,12.5,1,6\n"
_HEADER = "disease,phase,months_followup,died,months_to_relapse\n"


def _generated(kind: str, directory: Path) -> Path:
    """Inputs too large to commit, made here (in pytest's temporary directory)."""
    path = directory / "input.csv"
    if kind == "rows_at_limit":
        path.write_text(_HEADER + _ROW * MAX_PATIENT_ROWS, encoding="utf-8")
    elif kind == "rows_over_limit":
        path.write_text(_HEADER + _ROW * (MAX_PATIENT_ROWS + 1), encoding="utf-8")
    elif kind == "over_size_limit":
        rows = MAX_FILE_BYTES // len(_ROW) + 1
        path.write_text(_HEADER + _ROW * rows, encoding="utf-8")
    elif kind == "overlong_cell":
        path.write_text(_HEADER + f'AML,transplant,1,0,"{"x" * 140_000}"\n', encoding="utf-8")
    else:
        raise ValueError(f"unknown generated input {kind!r}")
    return path


def _case(name: str, tmp_path: Path) -> tuple[dict, Path]:
    directory = CORPUS / name
    spec = yaml.safe_load((directory / "case.yaml").read_text(encoding="utf-8"))
    if "generate" in spec:
        return spec, _generated(spec["generate"], tmp_path)
    (path,) = [p for p in directory.iterdir() if p.name.startswith("input.")]
    return spec, path


def test_the_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30


#: Generated inputs at the size limits (200,000 rows, 10 MB): see the `slow` marker.
LARGE = {"rows_at_limit", "rows_over_limit", "over_size_limit"}


def _param(name: str):
    spec = yaml.safe_load((CORPUS / name / "case.yaml").read_text(encoding="utf-8"))
    return pytest.param(name, marks=[pytest.mark.slow] if spec.get("generate") in LARGE else [])


@pytest.mark.parametrize("name", [_param(name) for name in CASES])
def test_case(name, tmp_path, capsys):
    spec, path = _case(name, tmp_path)
    sheet = ["--sheet", spec["sheet"]] if spec.get("sheet") else []
    code = main([str(path), *sheet])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    for secret in spec.get("secrets", ()):
        assert secret.lower() not in (out + err).lower(), f"{secret!r} leaked"
    assert code == spec["exit"], err
    if code == 0:
        cohort = load_cohort_file(path, sheet=spec.get("sheet"))
        lines = [f"patients: {len(cohort)}", *(f"note: {note}" for note in cohort.notes)]
        for text in spec.get("csv_contains", ()):
            assert text in out
    else:
        lines = err.splitlines()
        with pytest.raises(CohortRejected) as rejected:
            load_cohort_file(path, sheet=spec.get("sheet"))
        assert rejected.value.privacy == (code == 2)
        for secret in spec.get("secrets", ()):
            assert secret.lower() not in str(rejected.value).lower()
    expected_file = CORPUS / name / "expected.txt"
    if REGENERATE:
        expected_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert lines == expected_file.read_text(encoding="utf-8").splitlines()
