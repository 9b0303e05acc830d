"""The bad-input corpus (tests/corpus/), each case run end to end through `python -m lib.validate`.

A case is a directory of what differs from the shipped data/ plus `expected.txt`, the exact
problem lines the validator must print (tests/corpus/README.md gives the format). Most cases run
in-process through `lib.validate.main`; the big generated inputs, the non-UTF-8 file and one plain
case run as real subprocesses, together, each under a CPU-time limit and (on Linux) a 1.5 GB
address-space cap.
"""

import copy
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from lib.dataset.problems import FILES, TRANSLATION_FILES
from lib.validate import main as validate_main
from tests.unit.conftest import DATA_DIR, REPO_ROOT, arm, dump_yaml, load_yaml

CORPUS = REPO_ROOT / "tests" / "corpus"
COUNT_LINE = re.compile(r"^(?P<count>\d+) problems? in (?P<dir>.+)$")
# file: record: field: message
PROBLEM_LINE = re.compile(r"^(?:translations/)?[a-z_]+\.yaml: [^:]+: \S+: .+$")
MEMORY_CAP_BYTES = 1536 * 2**20
DEFAULT_TIMEOUT_S = 10  # CPU seconds per subprocess case; case.yaml `timeout` overrides it
# Wall-clock safety net against a hang only (a busy machine stretches wall time, not CPU time):
# at a load of 18 on two cores, five cases of 2-3 CPU seconds each passed 60 s of wall time.
WALL_CLOCK_S = 600
SUBPROCESSES_AT_ONCE = 2  # more processes than cores only share the cores more thinly
CASE_KEYS = {"about", "delete", "edit", "generate", "subprocess", "timeout", "xfail", "compare"}
EDIT_KEYS = {"file", "collection", "record", "arm", "copy", "set", "unset"}
# A case file named like a translation file (zh.yaml) replaces it, in translations/.
REPLACEABLE = {
    **{name: name for name in FILES},
    **{Path(t).name: t for t in TRANSLATION_FILES.values()},
}


# --- reading and materialising a case ------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    spec: dict
    expected: list[str]

    @property
    def directory(self) -> Path:
        return CORPUS / self.name

    @property
    def in_subprocess(self) -> bool:
        return bool(self.spec.get("subprocess") or self.spec.get("generate"))

    @property
    def timeout(self) -> int:
        return self.spec.get("timeout", DEFAULT_TIMEOUT_S)


def read_case(name: str) -> Case:
    directory = CORPUS / name
    spec = yaml.safe_load((directory / "case.yaml").read_text(encoding="utf-8"))
    unknown = set(spec) - CASE_KEYS
    assert not unknown, f"{name}/case.yaml: unknown keys {sorted(unknown)}"
    expected_file = directory / "expected.txt"
    expected = (
        expected_file.read_text(encoding="utf-8").splitlines() if expected_file.exists() else []
    )
    return Case(name, spec, expected)


CASES = [read_case(p.name) for p in sorted(CORPUS.iterdir()) if (p / "case.yaml").is_file()]


def _step(node: Any, part: str) -> Any:
    return node[int(part)] if isinstance(node, list) else node[part]


def _set(node: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        node = node.setdefault(part, {}) if isinstance(node, dict) else _step(node, part)
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _unset(node: dict, path: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        node = _step(node, part)
    del node[int(last) if isinstance(node, list) else last]


def _find(content: dict, file_name: str, record_id: str) -> tuple[list, int]:
    """The collection holding the one record with this id, and its position."""
    hits = [
        (records, index)
        for key in FILES[file_name]
        if isinstance(records := content.get(key), list)
        for index, item in enumerate(records)
        if isinstance(item, dict) and item.get("id") == record_id
    ]
    assert len(hits) == 1, f"{file_name}: {len(hits)} records with id {record_id!r}"
    return hits[0]


def _apply_translation_edit(path: Path, op: dict) -> None:
    """An edit of a translation file: `collection` and `record` pick the mapping (created if
    absent; `record` without `collection` is not allowed, `info` has no record), and `set` /
    `unset` name its keys literally: field paths hold dots (`arms.sora.control.label`)."""
    assert set(op) <= {"file", "collection", "record", "set", "unset"}, op
    content = load_yaml(path)
    target = content
    if "collection" in op:
        target = content.setdefault(op["collection"], {})
        if "record" in op:
            target = target.setdefault(op["record"], {})
    else:
        assert "record" not in op, f"{op}: a record needs its collection"
    target.update(op.get("set") or {})
    for key in op.get("unset") or ():
        del target[key]
    path.write_text(dump_yaml(content), encoding="utf-8")


def _apply_edit(data_dir: Path, op: dict) -> None:
    unknown = set(op) - EDIT_KEYS
    assert not unknown, f"edit of {op.get('file')}: unknown keys {sorted(unknown)}"
    path = data_dir / op["file"]
    if op["file"] in TRANSLATION_FILES.values():
        _apply_translation_edit(path, op)
        return
    assert "collection" not in op, f"{op}: `collection` is for translation files"
    content = load_yaml(path)
    if "copy" in op:
        records, index = _find(content, op["file"], op["copy"])
        target = copy.deepcopy(records[index])
        records.insert(index + 1, target)
    elif "record" in op:
        records, index = _find(content, op["file"], op["record"])
        target = records[index]
        if "arm" in op:
            target = arm(content, op["record"], op["arm"])
    else:
        target = content
    for dotted, value in (op.get("set") or {}).items():
        _set(target, dotted, value)
    for dotted in op.get("unset") or ():
        _unset(target, dotted)
    path.write_text(dump_yaml(content), encoding="utf-8")


def _padding(path: Path, megabytes: int) -> None:
    """The shipped file followed by YAML comment lines up to `megabytes` MiB."""
    line = b"# " + b"padding " * 12 + b"\n"
    block = line * (2**20 // len(line) + 1)
    with path.open("ab") as out:
        while out.tell() < megabytes * 2**20:
            out.write(block)


def _alias_bomb(path: Path, levels: int, width: int) -> None:
    """'Billion laughs': each level lists the previous one `width` times (width**levels items)."""
    lines = ["glossary:", "  - &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"  - &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _deep_nesting(path: Path, depth: int) -> None:
    """A small file of `depth` nested flow sequences: [[[[...]]]]."""
    path.write_text("glossary: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")


def _deep_block_nesting(path: Path, depth: int) -> None:
    """A small file of `depth` nested block sequences on one line: - - - ... x."""
    path.write_text("glossary:\n  " + "- " * depth + "x\n", encoding="utf-8")


GENERATORS = {
    "padding": _padding,
    "alias_bomb": _alias_bomb,
    "deep_nesting": _deep_nesting,
    "deep_block_nesting": _deep_block_nesting,
}


def materialise(case: Case, target: Path) -> Path:
    """A copy of data/ with the case applied: replacement files, deletions, edits, generators."""
    shutil.copytree(DATA_DIR, target)
    for item in case.directory.iterdir():
        if item.name in REPLACEABLE:
            shutil.copyfile(item, target / REPLACEABLE[item.name])
    for name in case.spec.get("delete") or ():
        (target / name).unlink()
    for op in case.spec.get("edit") or ():
        _apply_edit(target, op)
    if generate := case.spec.get("generate"):
        arguments = {k: v for k, v in generate.items() if k not in ("kind", "file")}
        GENERATORS[generate["kind"]](target / generate["file"], **arguments)
    return target


# --- running the validator ------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    directory: Path
    returncode: int | None  # None: still running at the wall-clock safety limit
    stdout: str
    stderr: str


def _limits(cpu_seconds: int):
    """Child set-up before exec: a CPU-time limit and, on Linux, an address-space cap.

    Time is bounded in CPU seconds (the kernel sends SIGXCPU past the limit) rather than wall
    seconds, so that a loaded machine (browser tests, benchmarks) does not make the check flaky.
    """

    def preexec() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        if sys.platform == "linux":
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))

    return preexec


def run_subprocess(directory: Path, cpu_seconds: int) -> Run:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lib.validate", str(directory)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=max(WALL_CLOCK_S, 3 * cpu_seconds),
            preexec_fn=_limits(cpu_seconds),
        )
    except subprocess.TimeoutExpired as error:
        out = (error.stdout or b"").decode(errors="replace")
        err = (error.stderr or b"").decode(errors="replace")
        return Run(directory, None, out, err)
    return Run(directory, done.returncode, done.stdout, done.stderr)


def _materialise_and_run(case: Case, target: Path) -> Run:
    directory = materialise(case, target)
    try:
        return run_subprocess(directory, case.timeout)
    finally:
        shutil.rmtree(directory)  # the 50 MB file need not outlive its run


@pytest.fixture(scope="module", autouse=True)
def subprocess_runs(request, tmp_path_factory) -> Iterator[dict[str, Future]]:
    """Start every selected subprocess case when the module starts, all at once, so that they
    run while the in-process cases do (each process pays ~1 s of imports)."""
    selected = {
        item.callspec.params["case"].name
        for item in request.session.items
        if item.path == Path(__file__)
        and getattr(item, "originalname", None) == "test_case_in_subprocess"
    }
    cases = [case for case in CASES if case.name in selected]
    if not cases:
        yield {}
        return
    with ThreadPoolExecutor(max_workers=min(len(cases), SUBPROCESSES_AT_ONCE)) as pool:
        yield {
            case.name: pool.submit(
                _materialise_and_run, case, tmp_path_factory.mktemp(case.name) / "data"
            )
            for case in cases
        }


def check_run(case: Case, run: Run) -> None:
    """Exit 1, exactly the expected problem lines, the count line, no summary, no traceback."""
    assert "Traceback" not in run.stdout + run.stderr, run.stderr[-3000:]
    assert run.returncode is not None, (
        f"{case.name}: not finished after {max(WALL_CLOCK_S, 3 * case.timeout)} s (wall clock); "
        f"stderr so far:\n{run.stderr[-2000:]}"
    )
    assert run.returncode != -signal.SIGXCPU, f"{case.name}: over {case.timeout} s of CPU time"
    assert run.returncode == 1, f"exit code {run.returncode}\n{run.stderr[-2000:]}"
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines, "no output on stderr"
    count = COUNT_LINE.match(lines[-1])
    assert count, f"last line is not the problem count: {lines[-1]!r}"
    assert count["dir"] == str(run.directory)
    problems = lines[:-1]
    if case.spec.get("compare") == "regex":
        assert len(problems) == len(case.expected), problems
        for line, pattern in zip(problems, case.expected, strict=True):
            assert re.fullmatch(pattern, line), f"{line!r} does not match {pattern!r}"
    else:
        assert problems == case.expected
    assert int(count["count"]) == len(problems)


def _param(case: Case):
    marks = (
        [pytest.mark.xfail(strict=True, reason=case.spec["xfail"])] if "xfail" in case.spec else []
    )
    if (case.spec.get("generate") or {}).get("megabytes"):  # the 50 MB file: see `slow`
        marks.append(pytest.mark.slow)
    return pytest.param(case, id=case.name, marks=marks)


# --- the tests ------------------------------------------------------------------------------


def test_corpus_is_complete():
    assert len(CASES) >= 27
    for case in CASES:
        assert case.spec.get("about"), f"{case.name}: case.yaml needs an `about`"
        assert case.expected, f"{case.name}: expected.txt is empty"
        assert all(line.strip() for line in case.expected), f"{case.name}: blank expected line"
        stray = {p.name for p in case.directory.iterdir()} - {
            "case.yaml",
            "expected.txt",
            *REPLACEABLE,
        }
        assert not stray, f"{case.name}: unexpected files {sorted(stray)}"
        if case.spec.get("compare"):
            assert "xfail" in case.spec, f"{case.name}: `compare` is only for xfail cases"
        else:
            malformed = [line for line in case.expected if not PROBLEM_LINE.match(line)]
            assert not malformed, f"{case.name}: not `file: record: field: message` lines"
    assert sum(case.in_subprocess for case in CASES) <= 7, "keep subprocess cases few (speed)"


@pytest.mark.usefixtures("memo_yaml")
@pytest.mark.parametrize("case", [_param(c) for c in CASES if not c.in_subprocess])
def test_case_in_process(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture):
    directory = materialise(case, tmp_path / "data")
    returncode = validate_main([str(directory)])
    out, err = capsys.readouterr()
    check_run(case, Run(directory, returncode, out, err))


@pytest.mark.parametrize("case", [_param(c) for c in CASES if c.in_subprocess])
def test_case_in_subprocess(case: Case, subprocess_runs: dict[str, Future]):
    check_run(case, subprocess_runs[case.name].result())
