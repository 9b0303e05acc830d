"""Shared fixtures for the unit tests: the shipped dataset, a writable copy of it, YAML edits.

Test modules import the plain helpers (`edit`, `record`, `arm`, the paths) from here; pytest
provides the fixtures.
"""

import copy
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import lib.dataset.loading
from lib.dataset.loading import load_dataset
from lib.dataset.records import Dataset
from lib.evidence.figures import figure_table

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
#: The source documents and the curated reference, copied into the tests (tests/fixtures/reference/
#: README.md) so the provenance checks run in any clone; the variables point at another copy.
REFERENCE_DIR = REPO_ROOT / "tests" / "fixtures" / "reference"
SOURCES_DIR = Path(os.environ.get("PHASEWISE_SOURCES_DIR", REFERENCE_DIR / "sources"))
EVIDENCE_FILE = Path(os.environ.get("PHASEWISE_EVIDENCE_FILE", REFERENCE_DIR / "evidence.yaml"))

# Same semantics as yaml.safe_load / yaml.safe_dump; libyaml's versions are ~10x faster, which
# matters because the rule suite rewrites a 30 KB file per case.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """A safe dumper that writes shared objects out in full: the data loader rejects aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def load_yaml(path: Path) -> Any:
    """A YAML file parsed like yaml.safe_load."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_SafeLoader)


def yaml_strings(value: Any) -> list[str]:
    """Every string in a parsed YAML value, depth first."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in yaml_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in yaml_strings(v)]
    return []


def dump_yaml(content: Any) -> str:
    """YAML text like yaml.safe_dump(allow_unicode=True, sort_keys=False), without aliases."""
    return yaml.dump(content, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False)


def edit(data_dir: Path, file_name: str, fn: Callable[[Any], object]) -> Path:
    """Load one data file, let `fn` mutate the parsed content in place, and write it back."""
    path = Path(data_dir) / file_name
    content = load_yaml(path)
    fn(content)
    path.write_text(dump_yaml(content), encoding="utf-8")
    return path


def record(content: dict, collection: str, record_id: str) -> dict:
    """The one record with this id in a parsed file's collection."""
    matches = [r for r in content[collection] if isinstance(r, dict) and r.get("id") == record_id]
    assert len(matches) == 1, f"{collection}: {len(matches)} records with id {record_id!r}"
    return matches[0]


def arm(content: dict, study_id: str, arm_id: str) -> dict:
    """One arm of one study in a parsed studies.yaml."""
    arms = [a for a in record(content, "studies", study_id)["arms"] if a["id"] == arm_id]
    assert len(arms) == 1, f"study {study_id!r}: expected one arm {arm_id!r}"
    return arms[0]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data/ directory."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The shipped dataset, validated once per session."""
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="session")
def table(dataset: Dataset):
    """figure_table of the shipped dataset (callers must not mutate it)."""
    return figure_table(dataset)


_PARSED: dict[tuple, tuple] = {}


@pytest.fixture
def memo_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memoise lib.dataset.loading._read_yaml by file name and bytes (and the limit, if over it).

    The loader parses with the pure-Python SafeLoader (~0.4 s for the shipped data). The result
    is a pure function of the file's name, bytes and MAX_FILE_BYTES, so unchanged files are served
    from the memo while every edited file still goes through the real reader.
    """
    real = lib.dataset.loading._read_yaml

    def read(path: Path):
        try:
            raw = path.read_bytes()
        except OSError:
            return real(path)
        limit = lib.dataset.loading.MAX_FILE_BYTES
        key = (path.name, raw, limit if len(raw) > limit else None)
        if key not in _PARSED:
            _PARSED[key] = real(path)
        return copy.deepcopy(_PARSED[key])

    monkeypatch.setattr(lib.dataset.loading, "_read_yaml", read)
