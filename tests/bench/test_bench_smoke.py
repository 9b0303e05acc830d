"""The benchmark harness still runs (quick mode), and its synthetic data is valid."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lib.dataset.loading import load_dataset
from tests.fixtures.synthetic import generate

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # the harness end to end: servers, browsers, a deck (see `slow`)
@pytest.mark.browser  # the painted section drives chromium against streamlit servers
def test_quick_run_prints_the_tables(tmp_path):
    out = tmp_path / "latest.json"
    # The harness's own sections: the optional ones (replicas, cohort) take minutes even when quick.
    only = ["--only", "load,scripts,painted,deck"]
    command = [sys.executable, "-m", "benchmarks.run", "--quick", *only, "--json", str(out)]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for title in ("### Load", "### Page script", "### Time to painted", "### Deck build"):
        assert title in proc.stdout
    assert "| ERROR |" not in proc.stdout and "FAILED" not in proc.stdout
    sections = json.loads(out.read_text())["sections"]
    assert sections["load"]["rows"][0]["data"] == "1x"
    pages = {row["page"] for row in sections["painted"]["rows"]}
    assert pages >= {"anchor", "anchor at /deep", "transplant (en)"}


def test_synthetic_10x_data_loads_and_validates(tmp_path):
    shipped = load_dataset(REPO / "data")
    dataset = load_dataset(generate(10, tmp_path / "x10"))
    for name in ("studies", "outcomes", "comparisons", "key_facts"):
        assert len(getattr(dataset, name)) == 10 * len(getattr(shipped, name)), name
    for name in ("documents", "publications", "notes", "glossary"):
        assert len(getattr(dataset, name)) == len(getattr(shipped, name)), name
    arms = sum(len(study.arms) for study in dataset.studies)
    assert arms == 10 * sum(len(study.arms) for study in shipped.studies)
