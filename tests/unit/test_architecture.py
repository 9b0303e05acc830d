"""The layout's rules, checked on the source: dependencies point one way, only the Streamlit layer
imports Streamlit, and nothing puts Streamlit into its legacy `pages/` mode."""

import ast
from pathlib import Path

from lib.dataset.vocabulary import PHASES
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


def streamlit_problems(path: Path) -> list[str]:
    uses = {m for m in imported_modules(path) if m == "streamlit" or m.startswith("streamlit.")}
    if uses and relative(path).startswith(STREAMLIT_ALLOWED):
        # The app uses Streamlit's public API only (st.*, streamlit.testing is for tests).
        return [] if uses <= {"streamlit"} else [f"{relative(path)} imports {sorted(uses)}"]
    return [f"{relative(path)} imports {sorted(uses)}"] if uses else []


def test_only_the_streamlit_layer_imports_streamlit():
    files = python_files()
    assert len(files) > 50
    problems = [problem for path in files for problem in streamlit_problems(path)]
    assert not problems, "\n".join(problems)


def dependency_problems(path: Path) -> list[str]:
    parts = path.relative_to(LIB).parts
    if len(parts) == 1:  # the command lines (validate, export, deck) may use any layer but app
        app = sorted(m for m in imported_modules(path) if m.startswith("lib.app"))
        return [f"{relative(path)} imports {app}"] if app else []
    layer = parts[0]
    used = {m.split(".")[1] for m in imported_modules(path) if m.startswith("lib.")} - {layer}
    extra = sorted(used - ALLOWED[layer])
    return [f"{relative(path)} imports lib.{extra}"] if extra else []


def test_dependencies_point_one_way():
    files = sorted(LIB.rglob("*.py"))
    assert len(files) > 50
    problems = [problem for path in files for problem in dependency_problems(path)]
    assert not problems, "\n".join(problems)


#: The statistics libraries: estimation happens in lib/cohort (and lib/evidence), never where
#: charts are drawn.
ESTIMATION_LIBRARIES = ("statsmodels", "scipy", "sksurv", "lifelines")


def test_render_imports_no_estimation_library():
    files = sorted((LIB / "render").rglob("*.py"))
    assert len(files) > 5
    problems = [
        f"{relative(path)} imports {module}"
        for path in files
        for module in sorted(imported_modules(path))
        if module.split(".")[0] in ESTIMATION_LIBRARIES
    ]
    assert not problems, "\n".join(problems)


def test_only_the_app_script_imports_the_centre_page():
    """The phase cards and the sidebar take the session's centre results from
    lib/app/centre_session.py, not from the "Our centre" page module."""
    importers = [
        relative(path)
        for path in python_files()
        if any(m.startswith("lib.app.centre_page") for m in imported_modules(path))
    ]
    assert importers == ["app_pages/centre.py"]


def test_no_pages_folder_beside_the_entry_script():
    # Its mere existence switches Streamlit into the legacy multipage mode (README, Layout).
    assert not (REPO_ROOT / "pages").exists()


def registered_pages(entry: Path) -> set[str]:
    """The scripts of the entry script's st.Page("app_pages/...") calls (a phase's page is a
    function, lib/app/navigation.py, with no script)."""
    return {
        node.args[0].value
        for node in ast.walk(ast.parse(entry.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_page_script_is_registered_in_the_entry_script():
    """Each app_pages/*.py is the script of one st.Page of the entry script, and each st.Page's
    script exists; no phase has a script of its own (its page is made from the vocabulary)."""
    registered = registered_pages(REPO_ROOT / "streamlit_app.py")
    scripts = {f"app_pages/{page.name}" for page in REPO_ROOT.glob("app_pages/*.py")}
    assert "app_pages/overview.py" in registered  # the reading of the entry script works
    assert sorted(scripts - registered) == [], "page scripts the entry script never registers"
    assert sorted(registered - scripts) == [], "registered pages without their script"
    assert not {f"app_pages/{phase}.py" for phase in PHASES} & scripts
