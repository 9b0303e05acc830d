"""Read the YAML files in a data directory into one validated `Dataset`, or a list of problems.

Pure: no streamlit. Every problem is located as `file: record: field: message`, and every problem
of every file is collected before giving up, so an editor can fix them all in one pass.

The dataset's text in Chinese (translations/zh.yaml) is checked against the English on every load,
whichever language is asked for; `load_dataset(data_dir, lang="zh")` lays it over the English text
fields before validating the records (lib.dataset.translations).
"""

import gc
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from lib.dataset.problems import FILES, TRANSLATION_FILES, DataError, Problem
from lib.dataset.records import (
    Comparison,
    Consensus,
    Dataset,
    DatasetInfo,
    Document,
    KeyFact,
    Note,
    Outcome,
    Publication,
    Study,
    TermCorrection,
)
from lib.dataset.rules import integrity_problems
from lib.dataset.translations import (
    RECORD_NAMES,
    TRANSLATED,
    Checked,
    check_translation,
    english_fields,
    overlay,
)
from lib.i18n.catalog import SOURCE_LANGUAGE, SUPPORTED

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DATA_DIR_ENV = "PHASEWISE_DATA_DIR"
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Deepest [ / { nesting accepted. Real files nest 3 deep; YAML scanners slow down
#: quadratically with depth, so a deeply nested file could stall the validator and the app.
MAX_NESTING = 64
_LEADING_DASHES = re.compile(r"(?:-[ \t]+)*")
# An anchor (&a) or alias (*a) token starts after whitespace, a flow indicator or a line start;
# text without one ("R&D", "A & B") cannot hold either, so it skips the event pass.
_MAYBE_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,:])[&*][^\s\[\]{},]", re.MULTILINE)

RECORD_MODELS: dict[str, type[BaseModel]] = {
    "info": DatasetInfo,
    "documents": Document,
    "publications": Publication,
    "studies": Study,
    "outcomes": Outcome,
    "comparisons": Comparison,
    "key_facts": KeyFact,
    "notes": Note,
    "consensus": Consensus,
    "glossary": TermCorrection,
}
_ADAPTERS = {key: TypeAdapter(model) for key, model in RECORD_MODELS.items()}
_FIELD_PREFIX = re.compile(r"^([a-z_]+): (.+)$", re.DOTALL)


def data_dir_from_env() -> Path:
    """The data directory named by PHASEWISE_DATA_DIR, or the shipped `data/`."""
    value = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(value) if value else DEFAULT_DATA_DIR


def fingerprint(data_dir: Path) -> tuple:
    """A cheap signature of the data files (name, size, mtime) that changes when any is edited."""
    signature = []
    for name in (*FILES, *TRANSLATION_FILES.values()):
        try:
            stat = (Path(data_dir) / name).stat()
            signature.append((name, stat.st_size, stat.st_mtime_ns))
        except OSError:
            signature.append((name, None, None))
    return tuple(signature)


def load_or_report(
    data_dir: Path | str, stream, count: bool = True, lang: str = SOURCE_LANGUAGE
) -> Dataset | None:
    """For command lines: the dataset in `lang`, or None after writing every problem to
    `stream`."""
    try:
        return load_dataset(data_dir, lang)
    except DataError as error:
        problems = [str(p) for p in error.problems]
    except Exception as error:  # never a traceback, whatever the files contain
        problems = [f"{data_dir}: -: -: could not be read ({type(error).__name__}: {error})"]
    print("\n".join(problems), file=stream)
    if count:
        many = "problem" if len(problems) == 1 else "problems"
        print(f"{len(problems)} {many} in {data_dir}", file=stream)
    return None


def load_dataset(data_dir: Path | str, lang: str = SOURCE_LANGUAGE) -> Dataset:
    """Read and validate every file, the translations included; raise DataError listing all
    problems at once. The Dataset's text fields are in `lang` ("en" or "zh"; `Dataset.lang`)."""
    if lang not in SUPPORTED:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(SUPPORTED)}")
    with _collection_paused():
        return _load(Path(data_dir), lang)


@contextmanager
def _collection_paused():
    """Parsing builds hundreds of thousands of small objects and keeps all of them, so the cyclic
    garbage collector's passes find nothing to free; pausing it halves the load time at scale."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(data_dir: Path, lang: str) -> Dataset:
    problems: list[Problem] = []
    collections: dict[str, Any] = {}
    raw: dict[str, Any] = {}  # parsed collections, by key; absent when the file was unreadable
    invalid: dict[str, set[str]] = {}  # collection -> labels of records with problems
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), "-", "-", "data directory not found")])
    all_parsed = True
    for file_name, keys in FILES.items():
        content, file_problems = _read_yaml(data_dir / file_name)
        problems.extend(file_problems)
        if content is None:
            all_parsed = False
            continue
        for key in keys:
            raw[key] = content.get(key)
            value, record_problems = _validate_collection(file_name, key, raw[key])
            problems.extend(record_problems)
            invalid[key] = {p.record for p in record_problems}
            collections[key] = value
    dataset = None
    if problems:
        if all_parsed:  # cross-record problems among the valid records, reported in the same pass
            problems += _partial_integrity_problems(collections, problems)
    else:
        try:
            dataset = Dataset(**collections)  # the root validator raises DataError: every problem
        except DataError as error:
            problems += error.problems
        except ValidationError as error:
            problems += _root_problems(error)
    translations, translation_problems = _check_translations(data_dir, raw, invalid)
    problems += translation_problems
    if problems or dataset is None:
        raise DataError(problems)
    if lang == SOURCE_LANGUAGE:
        return dataset
    return _translated(raw, translations[lang], lang)


def _check_translations(
    data_dir: Path, raw: dict[str, Any], invalid: dict[str, set[str]]
) -> tuple[dict[str, Checked], list[Problem]]:
    """Every translation file read and checked against the English records that validated."""
    english = english_fields(raw)
    checked: dict[str, Checked] = {}
    problems: list[Problem] = []
    for lang, name in TRANSLATION_FILES.items():
        content, file_problems = _read_yaml(data_dir / name)
        problems.extend(file_problems)
        if content is not None:
            checked[lang] = check_translation(lang, content, english, invalid, RECORD_MODELS)
            problems.extend(checked[lang].problems)
    return checked, problems


def _translated(raw: dict[str, Any], checked: Checked, lang: str) -> Dataset:
    """The dataset again with the translation laid over the parsed English text. Only text
    differs from the English dataset, which passed every cross-record rule already."""
    overlay(raw, checked.texts)
    file = TRANSLATION_FILES[lang]
    collections: dict[str, Any] = {}
    problems: list[Problem] = []
    for key in RECORD_MODELS:
        value, record_problems = _validate_collection(file, key, raw.get(key))
        noun = RECORD_NAMES.get(key)
        problems += [
            Problem(p.file, f"{noun} {p.record}" if noun else "info", p.field, p.message)
            for p in record_problems
        ]
        collections[key] = value
    if problems:  # the checks keep this from happening; never a traceback if it does
        raise DataError(problems)
    dataset = Dataset.model_construct(**collections)
    dataset._lang = lang
    return dataset


def _partial_integrity_problems(collections: dict, known: list[Problem]) -> list[Problem]:
    """Cross-record checks over the records that did validate, leaving out problems that only
    arise because an invalid record was dropped (a reference to it, or a rule about it)."""
    invalid = {p.record for p in known}
    partial = Dataset.model_construct(**{k: v for k, v in collections.items() if v is not None})
    return [
        p
        for p in integrity_problems(partial)
        if p.record not in invalid and not any(repr(i) in p.message for i in invalid)
    ]


# libyaml's parser when present (much faster than the pure-Python one), same safe constructor.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):
    """Safe YAML that refuses repeated keys: a repeated key would silently overwrite the first."""

    def construct_mapping(self, node, deep=False):
        self.check_keys(node)
        return super().construct_mapping(node, deep=deep)

    def check_keys(self, node: yaml.MappingNode) -> None:
        """Every key a plain value, and none twice."""
        seen = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.MarkedYAMLError(
                    problem="a key must be a plain value, not a list or mapping",
                    problem_mark=key_node.start_mark,
                )
            key = (key_node.tag, key_node.value)  # compared as written: no second construction
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"key {self.construct_object(key_node)!r} appears twice in one record",
                    problem_mark=key_node.start_mark,
                )
            seen.add(key)


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "seq", "map"))
_MERGE = "tag:yaml.org,2002:merge"


def _parse(text: str) -> Any:
    """yaml.load(text, Loader=_StrictLoader), about twice as fast: the C parser composes the node
    tree, and plain strings, lists and mappings are built here directly instead of through the
    constructor's generic machinery; every other node (numbers, dates, null, tags, merge keys)
    goes through the loader's own constructors. Aliases are refused before this runs, so the
    node graph is a tree."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node)
    finally:
        loader.dispose()


def _build(loader: _StrictLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_build(loader, item) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        pairs = node.value
        if any(key.tag == _MERGE for key, _ in pairs):
            return loader.construct_object(node, deep=True)
        loader.check_keys(node)
        return {_build(loader, key): _build(loader, value) for key, value in pairs}
    return loader.construct_object(node, deep=True)


def _located(construct, problem):
    """A constructor that reports a value Python refuses (ValueError) at its place in the file."""

    def checked(loader, node):
        try:
            return construct(loader, node)
        except ValueError as error:
            raise yaml.MarkedYAMLError(
                problem=problem(node.value, error), problem_mark=node.start_mark
            ) from None

    return checked


# A date that cannot exist (2026-13-45) and a number too long for Python (over 4,300 digits).
_StrictLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _located(
        _BaseLoader.construct_yaml_timestamp, lambda text, e: f"{text} is not a valid date ({e})"
    ),
)
_StrictLoader.add_constructor(
    "tag:yaml.org,2002:int",
    _located(
        _BaseLoader.construct_yaml_int,
        lambda text, e: f"not a usable number ({str(e).split(';')[0]})",
    ),
)


def _nesting_problem(text: str) -> tuple[int, str] | None:
    """(line, message) when the file nests deeper than MAX_NESTING; a linear pre-check.

    Flow nesting ([ and {) makes the scanner quadratic; block nesting (indentation, "- - -")
    makes libyaml's composer recurse in C until the process crashes.
    """
    if _OTHER_LINE_BREAKS.search(text):  # lines as str.splitlines counts them: the slow walk
        return _nesting_by_line(text)
    deep = _DEEP_LINE.search(text)
    limit = deep.start() if deep else len(text)
    depth = 0
    for bracket in _BRACKET.finditer(text, 0, limit):  # real files have few brackets
        if bracket[0] in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, bracket.start()) + 1
                return line, f"nested deeper than {MAX_NESTING} levels of [ or {{"
        else:
            depth = max(depth - 1, 0)
    if deep:
        line = text.count("\n", 0, deep.start()) + 1
        return line, f"nested deeper than {MAX_NESTING} levels (indentation or '- - -')"
    return None


# A line indented more than 4 * MAX_NESTING spaces, or opening with more than MAX_NESTING dashes.
_DEEP_LINE = re.compile(
    rf"^(?: {{{4 * MAX_NESTING + 1}}}| *(?:-[ \t]+){{{MAX_NESTING + 1}}})", re.MULTILINE
)
_BRACKET = re.compile(r"[\[\]{}]")
# Line breaks other than \n that str.splitlines counts (\r among them).
_OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _nesting_by_line(text: str) -> tuple[int, str] | None:
    """_nesting_problem line by line, for text with line breaks other than \\n."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        dashes = len(_LEADING_DASHES.match(stripped).group(0).split())
        if len(line) - len(stripped) > 4 * MAX_NESTING or dashes > MAX_NESTING:
            return number, f"nested deeper than {MAX_NESTING} levels (indentation or '- - -')"
        for char in line:
            if char in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return number, f"nested deeper than {MAX_NESTING} levels of [ or {{"
            elif char in "]}":
                depth = max(depth - 1, 0)
    return None


def _reject_aliases(text: str) -> None:
    """Data files are hand-written and need no aliases; refusing them rules out alias bombs."""
    if ("&" not in text and "*" not in text) or not _MAYBE_ANCHOR_OR_ALIAS.search(text):
        # the usual case: no full event pass needed
        return
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not allowed in data files",
                problem_mark=event.start_mark,
            )


def _file_name(path: Path) -> str:
    """How problems name a data file: its name, or translations/<name> for a translation."""
    relative = f"{path.parent.name}/{path.name}"
    return relative if relative in TRANSLATION_FILES.values() else path.name


def _read_yaml(path: Path) -> tuple[dict | None, list[Problem]]:
    name = _file_name(path)
    expected = FILES.get(name, TRANSLATED)

    def problem(record: str, field: str, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(name, record, field, message)]

    try:
        size = path.stat().st_size
    except OSError:
        return problem("-", "-", "file not found")
    if size > MAX_FILE_BYTES:
        return problem(
            "-", "-", f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return problem(
            f"line {line}",
            "encoding",
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
        )
    if not text.strip():
        return problem("-", "-", "file is empty")
    nesting = _nesting_problem(text)
    if nesting:
        return problem(f"line {nesting[0]}", "syntax", nesting[1])
    try:
        _reject_aliases(text)
        content = _parse(text)
    except yaml.MarkedYAMLError as error:
        return problem(*_syntax_problem(error, text.splitlines()))
    except yaml.reader.ReaderError as error:
        return problem(*_character_problem(error, text))
    except yaml.YAMLError as error:
        return problem("-", "syntax", str(error))
    if not isinstance(content, dict):
        return problem("-", "-", f"top level must be a mapping with keys {', '.join(expected)}")
    unknown = [str(k) for k in content if k not in expected]
    problems = [
        Problem(name, "(top level)", key, f"unknown top-level key; expected {', '.join(expected)}")
        for key in unknown
    ]
    return (content if not problems else None), problems


def _syntax_problem(error: yaml.MarkedYAMLError, lines: list[str]) -> tuple[str, str, str]:
    """(record, field, message) for a YAML syntax error, pointing at a line that exists."""
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return "-", "syntax", str(error.problem or error.context)
    line = min(mark.line, max(len(lines) - 1, 0))
    message = str(error.problem or error.context)
    if error.context and error.context_mark and error.context_mark.line != mark.line:
        # e.g. an unclosed quote: the problem shows at the end, the cause where it opened
        message += f" ({error.context} started on line {error.context_mark.line + 1})"
    if line < len(lines) and "\t" in lines[line]:
        message += " (the line has a tab: indent with spaces)"
    return f"line {line + 1}", "syntax", message


def _character_problem(error: yaml.reader.ReaderError, text: str) -> tuple[str, str, str]:
    """(record, field, message) for a character YAML refuses, e.g. a form feed pasted from a PDF.

    A ReaderError has no mark, and its `position` counts UTF-8 bytes under libyaml but characters
    under PyYAML; the reader stops at the first such character, so its first occurrence is where.
    """
    offset = text.find(chr(error.character))
    if offset < 0:
        return "-", "syntax", f"{error.reason} (U+{error.character:04X})"
    line_start = text.rfind("\n", 0, offset) + 1
    line = text.count("\n", 0, offset) + 1
    column = offset - line_start + 1
    return f"line {line}", "syntax", f"{error.reason} (U+{error.character:04X} at column {column})"


def _validate_collection(file: str, key: str, raw: Any) -> tuple[Any, list[Problem]]:
    adapter = _ADAPTERS[key]
    if key == "info":
        if raw is None:
            return None, [Problem(file, "info", "-", "missing")]
        try:
            return adapter.validate_python(raw), []
        except ValidationError as error:
            return None, _record_problems(file, "info", raw, error)
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), [Problem(file, key, "-", "must be a list of records")]
    records, problems = [], []
    for index, item in enumerate(raw):
        label = _record_label(item, index)
        if not isinstance(item, dict):
            problems.append(Problem(file, label, "-", "record must be a mapping"))
            continue
        try:
            records.append(adapter.validate_python(item))
        except ValidationError as error:
            problems.extend(_record_problems(file, label, item, error))
    return tuple(records), problems


def _record_label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].strip():
        return item["id"][:80]
    return f"#{index + 1}"


def _record_problems(file: str, label: str, raw: dict, error: ValidationError) -> list[Problem]:
    problems = []
    details = error.errors(include_url=False)
    if len(details) > 1:  # "at least 1 item after validation" only echoes an invalid item
        details = [
            d for d in details if not (d["type"] == "too_short" and "after validation" in d["msg"])
        ]
    for detail in details:
        field = _field_path(detail["loc"], raw)
        message = detail["msg"].removeprefix("Value error, ")
        match = _FIELD_PREFIX.match(message)
        if match:  # record-level rules name their field at the start of the message
            field = ".".join(filter(None, [field, match.group(1)]))
            message = match.group(2)
        problems.append(Problem(file, label, field or "-", message))
    return problems


def _field_path(loc: tuple, raw: Any) -> str:
    """Join a pydantic location, naming list items by their id where they have one."""
    parts, node = [], raw
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            item = node[step]
            parts.append(
                item["id"]
                if isinstance(item, dict) and isinstance(item.get("id"), str)
                else str(step)
            )
            node = item
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts)


def _root_problems(error: ValidationError) -> list[Problem]:
    """Problems pydantic finds in the root model itself (not in a record)."""
    return [
        Problem("-", "-", _field_path(detail["loc"], {}) or "-", detail["msg"])
        for detail in error.errors(include_url=False)
    ]
