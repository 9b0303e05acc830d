"""One text module formats numbers (lib/evidence/text.py): no number format spec and no
hand-joined list of shown values anywhere else in lib/ (nor in the page scripts), checked on the
source with `ast`.

What counts as a violation:
- an f-string field with a format spec (`f"{x:.1f}"`, `f"{n:,}"`, `f"{t:g}"`, `f"{s:>6}"`);
- `str.format` on a literal template with a spec (`"{:.2f}".format(x)`), or the built-in
  `format(x, spec)`;
- printf formatting: `"%.2f" % x`, or a printf pattern handed on as a `format=` argument;
- a list joined by hand with a list separator (`", ".join(...)`, `"; ".join`, `"、".join`), or
  punctuation translated on its own (`_(", ")`, `_(" to ")`): the separators depend on the
  language and live in the text module (`enumeration`, `clauses`, `semicolons`, `span`).

lib/dataset and lib/i18n sit below lib/evidence (tests/unit/test_architecture.py) and cannot
import the text module: their messages (a data file's size, a byte's code) are left to them.
"""

import ast
import re
from pathlib import Path

from tests.unit.conftest import REPO_ROOT

LIB = REPO_ROOT / "lib"
TEXT_MODULE = LIB / "evidence" / "text.py"
BELOW_THE_TEXT_MODULE = ("dataset", "i18n")
#: Separators of a list shown to a reader: joining with one of them by hand is a violation.
LIST_SEPARATORS = {", ", ",  ", "; ", "、", "，", "；", " to ", " and ", " or ", "/ "}
#: Punctuation or a joining word translated on its own instead of through the text module.
PUNCTUATION_MSGID = re.compile(r"^\s*(?:[,;:、，；：()（）]|to|and|or|vs)?\s*$")
PRINTF_NUMBER = re.compile(r"%[-+ 0#]*\d*(?:\.\d+)?[dfFeEgGi]")
STR_FORMAT_SPEC = re.compile(r"\{[^{}]*:[^{}]+\}")


def checked_files() -> list[Path]:
    """lib/ (but the text module and the layers below it), the page scripts and the entry."""
    pages = [REPO_ROOT / "streamlit_app.py", *sorted(REPO_ROOT.glob("app_pages/*.py"))]
    return pages + [
        path
        for path in sorted(LIB.rglob("*.py"))
        if path != TEXT_MODULE and path.relative_to(LIB).parts[0] not in BELOW_THE_TEXT_MODULE
    ]


def _constant_str(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def violations(source: str) -> list[tuple[int, str]]:
    """(line, what) for each number format or hand-joined list in `source`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            found.append((node.lineno, "format spec in an f-string"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            template = _constant_str(node.left)
            if template is not None and PRINTF_NUMBER.search(template):
                found.append((node.lineno, "printf formatting"))
        elif isinstance(node, ast.keyword) and node.arg == "format":
            value = _constant_str(node.value)
            if value is not None and PRINTF_NUMBER.search(value):
                found.append((node.value.lineno, "printf pattern as a format= argument"))
        elif isinstance(node, ast.Call):
            found.extend(_call_violations(node))
    return sorted(found)


def _call_violations(node: ast.Call) -> list[tuple[int, str]]:
    func = node.func
    if isinstance(func, ast.Name) and func.id == "format" and len(node.args) >= 2:
        return [(node.lineno, "format(value, spec)")]
    if isinstance(func, ast.Name) and func.id == "_" and node.args:
        msgid = _constant_str(node.args[0])
        if msgid is not None and PUNCTUATION_MSGID.match(msgid):
            return [(node.lineno, f"punctuation translated on its own: _({msgid!r})")]
    if not isinstance(func, ast.Attribute):
        return []
    receiver = _constant_str(func.value)
    if func.attr == "format" and receiver is not None and STR_FORMAT_SPEC.search(receiver):
        return [(node.lineno, "str.format with a format spec")]
    if func.attr == "join":
        separator = receiver
        if separator is None and isinstance(func.value, ast.Call):  # _(", ").join(...)
            inner = func.value
            if isinstance(inner.func, ast.Name) and inner.func.id == "_" and inner.args:
                separator = _constant_str(inner.args[0])
        if separator in LIST_SEPARATORS:
            return [(node.lineno, f"list joined by hand with {separator!r}")]
    return []


def test_no_number_format_or_hand_joined_list_outside_the_text_module():
    found = [
        f"{path.relative_to(REPO_ROOT).as_posix()}:{line}: {what}"
        for path in checked_files()
        for line, what in violations(path.read_text(encoding="utf-8"))
    ]
    assert not found, "format these with lib.evidence.text:\n" + "\n".join(found)


def test_the_check_finds_each_kind_of_violation():
    # Each line below is one violation the test above must catch: the check is not vacuous.
    planted = """
a = f"{x:.1f}"
b = f"{n:,} patients"
c = "{:.2f}".format(x)
d = format(x, ".3f")
e = "%.2f" % x
f = st.column_config.NumberColumn("x", format="%.1f")
g = ", ".join(items)
h = _(", ").join(items)
i = "、".join(items)
j = _(" to ")
k = f"{label:<15}"
"""
    lines = [line for line, _what in violations(planted)]
    # Line 9 twice: the punctuation translated on its own and the list joined with it.
    assert lines == [2, 3, 4, 5, 6, 7, 8, 9, 9, 10, 11, 12]


def test_the_check_leaves_plain_text_alone():
    fine = """
a = f"{x} {y!r}"
b = "\\n".join(lines)
c = " · ".join(parts)
d = "<br>".join(lines)
e = _f("{n} patients", n=count(n))
f = template.format(**values)
g = "%s" % name
h = _("Caveats")
"""
    assert violations(fine) == []


def test_the_text_module_is_where_formats_live():
    # The module the check exempts does format numbers: the exemption is not an empty one.
    assert violations(TEXT_MODULE.read_text(encoding="utf-8"))
