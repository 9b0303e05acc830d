"""A Babel extraction method for interface strings the code keeps in plain tables and calls.

Until every label is marked in the code with ``_()`` / ``N_()``, the English of the controlled
vocabularies, section titles, table columns, badges and page titles sits in module-level dicts
and lists and in calls such as ``Badge("Not randomised", ...)``. This method finds them, by name,
as well as every ``_()`` / ``N_()`` call (it runs Babel's Python extractor on the same file), so
``pybabel extract -F babel.cfg`` keeps them in the template and ``pybabel update`` does not
retire their translations. The names live in babel.cfg, per file:

    [labels: lib/dataset/vocabulary.py]
    names = PHASE_LABELS ENDPOINTS          # module-level tables: their string values
    calls = Badge:0,2 Page:title navigation:0   # call arguments, by position or keyword

A table contributes the strings among its values (for a dict, not its keys; tuples and lists
are searched). A call argument contributes a string constant, both branches of ``a or "b"`` /
``x if c else y``, and the keys of a dict literal (``st.navigation({"Meetings": [...]})``).
Empty strings and f-strings are skipped (an f-string cannot be a msgid: write it as
``_("... {n}").format(n=...)``). Reads the source with `ast`; imports nothing it reads.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

_Result = tuple[int, str | None, str, list[str]]


def _strings_in_value(node: ast.AST) -> Iterator[tuple[ast.Constant, str]]:
    """String constants of a table's value, with the index path that reaches each."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node, ""
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            label = f"[{key.value!r}]" if isinstance(key, ast.Constant) else "[...]"
            for found, path in _strings_in_value(value):
                yield found, label + path
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for i, element in enumerate(node.elts):
            for found, path in _strings_in_value(element):
                yield found, f"[{i}]{path}"
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id
        in (
            "N_",
            "frozenset",
            "tuple",
            "list",
        )
    ):
        for argument in node.args:
            yield from _strings_in_value(argument)


def _strings_in_argument(node: ast.AST) -> Iterator[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _strings_in_argument(value)
    elif isinstance(node, ast.IfExp):
        yield from _strings_in_argument(node.body)
        yield from _strings_in_argument(node.orelse)
    elif isinstance(node, ast.Dict):
        for key in node.keys:
            if key is not None:
                yield from _strings_in_argument(key)


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _parse_calls(spec: str) -> dict[str, list[str]]:
    """``"Badge:0,2 Page:title"`` -> ``{"Badge": ["0", "2"], "Page": ["title"]}``."""
    calls: dict[str, list[str]] = {}
    for item in spec.split():
        name, _, arguments = item.partition(":")
        calls.setdefault(name, []).extend(a for a in arguments.split(",") if a)
    return calls


def labelled_strings(
    source: str, names: Collection[str] = (), calls: Mapping[str, list[str]] | None = None
) -> Iterator[_Result]:
    """(line, None, message, comments) for the strings of the named tables and call arguments."""
    tree = ast.parse(source)
    calls = calls or {}
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id in names:
                for found, path in _strings_in_value(value):
                    if found.value:
                        yield found.lineno, None, found.value, [f"{target.id}{path}"]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _call_name(node) not in calls:
            continue
        name = _call_name(node)
        for wanted in calls[name]:
            if wanted.isdigit():
                index = int(wanted)
                arguments = [node.args[index]] if index < len(node.args) else []
            else:
                arguments = [k.value for k in node.keywords if k.arg == wanted]
            for argument in arguments:
                for found in _strings_in_argument(argument):
                    if found.value:
                        yield found.lineno, None, found.value, [f"{name}({wanted})"]


def extract_labels(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[_Result]:
    """Babel extraction method: Babel's Python extraction plus the tables and calls named in
    the options ``names`` and ``calls`` (space-separated)."""
    content = fileobj.read()
    yield from extract_python(io.BytesIO(content), keywords, comment_tags, options)
    encoding = options.get("encoding", "utf-8")
    names = set(str(options.get("names", "")).split())
    calls = _parse_calls(str(options.get("calls", "")))
    yield from labelled_strings(content.decode(encoding), names, calls)
