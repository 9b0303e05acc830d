"""The layout's rules, checked on the source: dependencies point one way, only the Streamlit layer
imports Streamlit, and nothing puts Streamlit into its legacy `pages/` mode."""

import ast
from pathlib import Path

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


def _page_paths(node: ast.AST, names: dict[str, object]) -> list[str]:
    """The script paths of the st.Page(...) calls under `node`: a string as written, an f-string
    filled in for every value of the comprehension around it (`for phase in PHASES`)."""
    found: list[str] = []
    for child in ast.walk(node):
        if isinstance(child, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            (loop,) = child.generators
            values = eval(compile(ast.Expression(loop.iter), "<entry>", "eval"), {}, names)
            for value in values:
                scope = {**names, loop.target.id: value}  # type: ignore[attr-defined]
                for call in _page_calls(child.elt):
                    if isinstance(call.args[0], ast.JoinedStr):
                        code = compile(ast.Expression(call.args[0]), "<entry>", "eval")
                        found.append(eval(code, {}, scope))
        for call in _page_calls(child, shallow=True):
            if isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
                found.append(call.args[0].value)
    return found


def _page_calls(node: ast.AST, shallow: bool = False) -> list[ast.Call]:
    nodes = [node] if shallow else list(ast.walk(node))
    return [
        n
        for n in nodes
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "Page"
        and n.args
    ]


def _entry_names(tree: ast.Module) -> dict[str, object]:
    """The names the entry script imports from lib (PHASES and the like), as imported."""
    import importlib

    names: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lib."):
            module = importlib.import_module(node.module)
            names.update({a.asname or a.name: getattr(module, a.name) for a in node.names})
    return names


def registered_pages(entry: Path) -> set[str]:
    tree = ast.parse(entry.read_text(encoding="utf-8"))
    return set(_page_paths(tree, _entry_names(tree)))


def test_every_page_script_is_registered_in_the_entry_script():
    """Each app_pages/*.py is the script of one st.Page of the entry script, and each st.Page's
    script exists (a phase's f-string counts once per phase)."""
    registered = registered_pages(REPO_ROOT / "streamlit_app.py")
    scripts = {f"app_pages/{page.name}" for page in REPO_ROOT.glob("app_pages/*.py")}
    assert "app_pages/overview.py" in registered  # the reading of the entry script works
    assert sorted(scripts - registered) == [], "page scripts the entry script never registers"
    assert sorted(registered - scripts) == [], "registered pages without their script"
