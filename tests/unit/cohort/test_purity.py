"""lib/cohort stays pure: no streamlit, no file written, nothing logged from a cohort."""

import ast
import builtins
import io
import logging
import subprocess
import sys
from pathlib import Path

from lib.cohort.estimates import estimate_cohort
from lib.cohort.export import estimates_json, landmarks_csv
from lib.cohort.loading import load_cohort
from lib.cohort.problems import CohortRejected

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "lib" / "cohort"


def test_no_module_of_lib_cohort_imports_streamlit():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(name.split(".")[0] == "streamlit" for name in names), path.name


def test_importing_lib_cohort_loads_no_streamlit():
    code = "import sys, lib.cohort, lib.cohort.cli; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.stdout.strip() == "False", result.stderr


def _cohort_bytes(secret: str) -> bytes:
    rows = [f"AML,transplant,{i + 1},{i % 2},,{secret if i == 3 else 'A'}" for i in range(30)]
    header = "disease,phase,months_followup,died,months_to_relapse,group"
    return ("\n".join([header, *rows]) + "\n").encode()


def test_loading_and_estimating_write_nothing_and_log_nothing(monkeypatch, caplog):
    real_open = builtins.open

    def no_writing(file, mode="r", *args, **kwargs):
        assert not set(mode) & set("wax+"), f"{file} opened for writing"
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_writing)
    monkeypatch.setattr(io, "open", no_writing)
    caplog.set_level(logging.DEBUG)
    secret = "Zhang Wei 13812345678"
    try:
        load_cohort(_cohort_bytes(secret))
    except CohortRejected as rejection:
        assert "13812345678" not in str(rejection)
    cohort = load_cohort(_cohort_bytes("Sorafenib"))
    estimates = estimate_cohort(cohort)
    landmarks_csv(estimates)
    estimates_json(estimates)
    assert "13812345678" not in caplog.text and "Zhang" not in caplog.text
