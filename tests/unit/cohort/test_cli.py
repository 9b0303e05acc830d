"""`python -m lib.cohort`: output formats, exit codes, and formula-safe CSV."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lib.cohort.cli import main, parse_times
from lib.cohort.demo import DEMO_PATH
from lib.cohort.export import LANDMARK_COLUMNS
from lib.evidence.escape import spreadsheet_cell

from .conftest import HEADER, csv_bytes

ROOT = Path(__file__).resolve().parents[3]


def _file(tmp_path: Path, data: bytes, name: str = "cohort.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_the_module_runs_and_prints_one_row_per_stratum_endpoint_and_time():
    result = subprocess.run(
        [sys.executable, "-m", "lib.cohort", str(DEMO_PATH)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == LANDMARK_COLUMNS
    strata = {(row["disease"], row["phase"], row["group"]) for row in rows}
    assert len(rows) == len(strata) * 3 * 3  # endpoints os, cir, nrm x times 12, 24, 36
    assert {row["endpoint"] for row in rows} == {"os", "cir", "nrm"}
    assert {row["months"] for row in rows} == {"12", "24", "36"}
    assert "Traceback" not in result.stderr


def test_json_output(tmp_path, capsys, valid_rows):
    assert main([_file(tmp_path, csv_bytes(*valid_rows)), "--format", "json", "--times", "6"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["patients"] == 3
    assert {"estimates", "medians", "patients", "logrank", "synthetic", "methods"} <= set(document)
    first = document["estimates"][0]
    assert set(LANDMARK_COLUMNS) <= set(first)
    assert first["months"] == 6.0 and first["endpoint"] == "os"


def test_problems_exit_1_and_refusals_exit_2(tmp_path, capsys):
    bad = _file(tmp_path, csv_bytes("AML,transplant,-1,1,"))
    assert main([bad]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "row 2: months_followup: negative; months count from the time origin, so 0 or more"
    ]
    refused = _file(tmp_path, csv_bytes("13812345678,AML,transplant,1,1,", header="tel," + HEADER))
    assert main([refused]) == 2
    err = capsys.readouterr().err
    assert "refused (phone)" in err and "13812345678" not in err


def test_usage_errors_exit_1_not_2(tmp_path, capsys, valid_rows):
    path = _file(tmp_path, csv_bytes(*valid_rows))
    assert main([path, "--format", "xml"]) == 1
    assert main([path, "--times", "12,abc"]) == 1
    assert "option --times: 'abc' is not a number of months" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.csv")]) == 1
    assert capsys.readouterr().err.strip() == (
        "file: cannot be read (no such file, or no permission)"
    )


def test_parse_times():
    assert parse_times("24, 12,12") == (12.0, 24.0)
    with pytest.raises(ValueError, match="outside"):
        parse_times("0")


def test_formula_and_html_labels_are_kept_as_text_and_neutralised_in_csv(tmp_path, capsys):
    data = csv_bytes(  # five patients each: a smaller group is pooled (the small-cell rule)
        *['AML,transplant,12,1,,"=HYPERLINK(""http://x.example"",""x"")"'] * 5,
        *["AML,transplant,20,0,,<script>alert(1)</script>"] * 5,
        header=HEADER + ",group",
    )
    assert main([_file(tmp_path, data)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    groups = {row["group"] for row in rows}
    assert '\'=HYPERLINK("http://x.example","x")' in groups
    assert "<script>alert(1)</script>" in groups
    assert not any(group.startswith(("=", "+", "-", "@")) for group in groups)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Sorafenib", "Sorafenib"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cells_use_the_one_escaper(text, expected):
    assert spreadsheet_cell(text) == expected


def test_an_unexpected_error_prints_no_traceback_and_no_content(tmp_path, capsys, monkeypatch):
    def failing(*_args, **_kwargs):
        raise RuntimeError("cell 'Zhang Wei' broke the parser")

    monkeypatch.setattr("lib.cohort.cli.load_cohort_file", failing)
    assert main([_file(tmp_path, b"x")]) == 1
    err = capsys.readouterr().err
    assert "Zhang" not in err and "Traceback" not in err
    assert err.strip() == "file: could not be processed (an internal error; no content shown)"
