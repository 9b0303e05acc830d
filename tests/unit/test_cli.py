"""The command lines `python -m lib.validate` and `python -m lib.export`, and the export functions.

Both entry points run as real subprocesses, started together once per module since each pays
~1.2 s for Python, pandas and the data; the export's flags (filters, JSON) and its error path are
checked in-process through `lib.export.main`, which `python -m lib.export` calls.
"""

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from lib.dataset.vocabulary import PHASE_LABELS
from lib.evidence.figures import EXPORT_COLUMNS
from lib.evidence.selection import filter_table
from lib.export import main as export_main
from lib.export import to_csv, to_json
from tests.unit.conftest import DATA_DIR, REPO_ROOT, edit, record

REQUIRED_COLUMNS = [
    "figure_id",
    "study_id",
    "phase",
    "diseases",
    "arm",
    "endpoint",
    "time_point",
    "value",
    "unit",
    "n",
    "events",
    "p_as_printed",
    "ci_low",
    "ci_high",
    "source_document",
    "citation",
    "verification_status",
    "flags",
    "dataset_version",
]
PROBLEM_LINE = re.compile(
    r"^(?P<file>[a-z_]+\.yaml): (?P<record>\S+): (?P<field>\S+): (?P<msg>.+)$"
)
# The three problems planted in the broken copy, in the order the loader reports them.
BROKEN = [
    ("studies.yaml", "ifn-rux", "phase"),
    ("outcomes.yaml", "dli.os", "value"),
    ("comparisons.yaml", "dec.os3y", "p.value"),
]


def run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def broken_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("broken") / "data"
    shutil.copytree(DATA_DIR, target)
    edit(target, "studies.yaml", lambda c: record(c, "studies", "ifn-rux").update(phase="salvage"))
    edit(target, "outcomes.yaml", lambda c: record(c, "outcomes", "dli.os").update(value=120))
    edit(
        target,
        "comparisons.yaml",
        lambda c: record(c, "comparisons", "dec.os3y")["p"].update(value=0),
    )
    return target


@pytest.fixture(scope="module")
def runs(broken_dir) -> dict[str, subprocess.CompletedProcess]:
    commands = {
        "validate": ("lib.validate", str(DATA_DIR)),
        "validate-broken": ("lib.validate", str(broken_dir)),
        "export": ("lib.export", str(DATA_DIR)),
    }
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        futures = {name: pool.submit(run_module, *args) for name, args in commands.items()}
        return {name: future.result() for name, future in futures.items()}


def csv_rows(text: str) -> tuple[list[str], list[dict]]:
    assert text.startswith("\ufeff")  # the export's CSV starts with a byte order mark (Excel)
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# --- python -m lib.validate ----------------------------------------------------------------


def test_validate_shipped_data_prints_a_summary(runs, dataset):
    result = runs["validate"]
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    for label in PHASE_LABELS.values():
        assert re.search(rf"^{label}\s+\d+", result.stdout, re.MULTILINE), label
    assert "AML" in result.stdout
    assert f"version {dataset.info.version}" in result.stdout
    assert f"{len(dataset.outcomes)} outcomes" in result.stdout
    # the counts read the typed cells: AML figures in maintenance, the three truncated figures
    assert re.search(r"^Maintenance\s+\d+\s+[1-9]\d*", result.stdout, re.MULTILINE)
    assert "truncated: 3," in result.stdout


def test_validate_broken_data_lists_every_problem(runs, broken_dir):
    result = runs["validate-broken"]
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert lines[-1] == f"3 problems in {broken_dir}"
    matches = [PROBLEM_LINE.match(line) for line in lines[:-1]]
    assert all(matches), lines
    assert [(m["file"], m["record"], m["field"]) for m in matches] == BROKEN
    assert matches[1]["msg"] == "a percentage must be within 0-100, got 120.0"


# --- python -m lib.export ------------------------------------------------------------------


def test_export_csv_columns_and_rows(runs, table):
    result = runs["export"]
    assert result.returncode == 0, result.stderr
    header, rows = csv_rows(result.stdout)
    assert header == EXPORT_COLUMNS
    assert set(REQUIRED_COLUMNS) <= set(header)
    assert len(rows) == len(table)
    by_id = {row["figure_id"]: row for row in rows}
    assert by_id["venhma.mos"]["p_as_printed"] == "P=0."
    assert by_id["venhma.mos"]["p_value"] == ""
    assert by_id["ifnrux.orr.mrd"]["value"] == ""
    assert by_id["ifnrux.orr.mrd"]["as_printed"] == "95."


@pytest.mark.usefixtures("memo_yaml")
def test_export_disease_filter(table, capsys):
    assert export_main(["--disease", "MDS", str(DATA_DIR)]) == 0
    _, rows = csv_rows(capsys.readouterr().out)
    assert len(rows) == len(filter_table(table, ["MDS"])) > 0
    assert all("MDS" in row["diseases"].split(";") for row in rows)
    assert "dec.cir3y" in {row["figure_id"] for row in rows}
    assert "sora.cir1y" not in {row["figure_id"] for row in rows}


@pytest.mark.usefixtures("memo_yaml")
def test_export_phase_filter(table, capsys):
    assert export_main(["--phase", "transplant", str(DATA_DIR)]) == 0
    _, rows = csv_rows(capsys.readouterr().out)
    assert len(rows) == len(filter_table(table, phase="transplant")) > 0
    assert {row["phase"] for row in rows} == {"transplant"}


def _no_nan(constant: str):
    raise ValueError(f"not valid JSON: {constant}")


@pytest.mark.usefixtures("memo_yaml")
def test_export_json_with_both_filters(table, dataset, capsys):
    argv = ["--format", "json", "--disease", "MDS", "--phase", "transplant", str(DATA_DIR)]
    assert export_main(argv) == 0
    document = json.loads(capsys.readouterr().out, parse_constant=_no_nan)
    assert document["dataset_version"] == dataset.info.version
    assert document["last_reviewed"] == dataset.info.last_reviewed.isoformat()
    figures = document["figures"]
    assert len(figures) == document["rows"] == len(filter_table(table, ["MDS"], "transplant"))
    assert list(figures[0]) == EXPORT_COLUMNS
    assert {f["phase"] for f in figures} == {"transplant"}
    assert all("MDS" in f["diseases"].split(";") for f in figures)
    dec = next(f for f in figures if f["figure_id"] == "dec.cir3y")
    assert (dec["p_as_printed"], dec["p_value"]) == ("P=0. 034", 0.034)


@pytest.mark.usefixtures("memo_yaml")
def test_export_broken_data_fails_cleanly(broken_dir, capsys):
    assert export_main([str(broken_dir)]) == 1  # returns: no exception, so no traceback
    out, err = capsys.readouterr()
    assert out == ""
    matches = [PROBLEM_LINE.match(line) for line in err.splitlines()]
    assert all(matches), err
    assert [(m["file"], m["record"], m["field"]) for m in matches] == BROKEN


# --- lib.export functions ------------------------------------------------------------------


def test_to_csv_round_trip(table, dataset):
    frame = pd.read_csv(io.StringIO(to_csv(table)))
    assert list(frame.columns) == EXPORT_COLUMNS
    assert len(frame) == len(table)
    row = frame.set_index("figure_id").loc["gdec.cir2y.gdec.pub"]
    assert (row["ci_low"], row["ci_high"]) == (8.0, 22.1)
    assert row["citation"].startswith("Gao L, et al.")
    assert set(frame["dataset_version"].astype(str)) == {dataset.info.version}


def test_to_json_of_a_filtered_table(table):
    selection = filter_table(table, ["ALL"], "relapse")
    document = json.loads(to_json(selection), parse_constant=_no_nan)
    figures = {f["figure_id"]: f for f in document["figures"]}
    assert document["rows"] == len(selection) == len(figures)
    assert {f["phase"] for f in figures.values()} == {"relapse"}
    assert all("ALL" in f["diseases"].split(";") for f in figures.values())
    assert "ifnrux.orr.mrd" in figures
    assert figures["ifnrux.orr.mrd"]["value"] is None  # truncated: never completed
    maintenance = json.loads(to_json(filter_table(table, ["ALL"], "maintenance")))
    dli = {f["figure_id"]: f for f in maintenance["figures"]}["dli.os"]
    assert dli["n"] == 39 and dli["flags"] == "no_time_point;setting_uncertain;curve_estimate"


def test_filter_table_disease_and_phase(table):
    selection = filter_table(table, ["MDS"], "transplant")
    ids = set(selection["figure_id"])
    assert {"dec.cir3y", "dec.os3y.dec", "aml-mds-share-2021"} <= ids
    assert not ids & {"venhma.mos", "kps.lfs2y"}  # AML-only transplant figures
    assert list(selection.index) == list(range(len(selection)))


def test_to_json_of_an_empty_selection_keeps_the_dataset_version(table, dataset):
    empty = filter_table(table, ["MDS"], "consolidation")
    assert len(empty) == 0
    document = json.loads(to_json(empty))
    assert document["figures"] == []
    assert document["rows"] == 0
    assert document["dataset_version"] == dataset.info.version
    assert document["last_reviewed"] == dataset.info.last_reviewed.isoformat()
