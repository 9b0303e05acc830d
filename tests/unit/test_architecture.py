"""The layout's rules, checked on the source: dependencies point one way, only the Streamlit layer
imports Streamlit, and nothing puts Streamlit into its legacy `pages/` mode."""

import ast
from pathlib import Path

import pytest

from tests.unit.conftest import REPO_ROOT

LIB = REPO_ROOT / "lib"
#: What each part of lib/ may import from lib (besides itself). Pages -> app -> render/cohort
#: -> evidence -> dataset: never the other way. i18n (translation) is below them all.
ALLOWED = {
    "i18n": set(),
    "dataset": {"i18n"},
    "evidence": {"dataset", "i18n"},
    "render": {"dataset", "evidence", "cohort", "i18n"},
    "cohort": {"dataset", "evidence", "i18n"},
    "app": {"dataset", "evidence", "render", "cohort", "export", "i18n"},
}
STREAMLIT_ALLOWED = ("lib/app/", "app_pages/", "streamlit_app.py")


def python_files() -> list[Path]:
    files = [REPO_ROOT / "streamlit_app.py", *REPO_ROOT.glob("app_pages/*.py")]
    return files + sorted(LIB.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def relative(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


@pytest.mark.parametrize("path", python_files(), ids=relative)
def test_only_the_streamlit_layer_imports_streamlit(path: Path):
    uses = {m for m in imported_modules(path) if m == "streamlit" or m.startswith("streamlit.")}
    if uses and relative(path).startswith(STREAMLIT_ALLOWED):
        # The app uses Streamlit's public API only (st.*, streamlit.testing is for tests).
        assert uses <= {"streamlit"}, uses
    else:
        assert not uses, f"{relative(path)} imports {sorted(uses)}"


@pytest.mark.parametrize("path", sorted(LIB.rglob("*.py")), ids=relative)
def test_dependencies_point_one_way(path: Path):
    parts = path.relative_to(LIB).parts
    if len(parts) == 1:  # the command lines (validate, export, deck) may use any layer but app
        assert not any(m.startswith("lib.app") for m in imported_modules(path)), relative(path)
        return
    layer = parts[0]
    used = {m.split(".")[1] for m in imported_modules(path) if m.startswith("lib.")} - {layer}
    assert used <= ALLOWED[layer], f"{relative(path)} imports lib.{sorted(used - ALLOWED[layer])}"


def test_no_pages_folder_beside_the_entry_script():
    # Its mere existence switches Streamlit into the legacy multipage mode (README, Layout).
    assert not (REPO_ROOT / "pages").exists()


def test_every_page_script_is_registered_in_the_entry_script():
    entry = (REPO_ROOT / "streamlit_app.py").read_text(encoding="utf-8")
    for page in sorted(REPO_ROOT.glob("app_pages/*.py")):
        assert f'"app_pages/{page.name}"' in entry or "app_pages/{" in entry, page.name
