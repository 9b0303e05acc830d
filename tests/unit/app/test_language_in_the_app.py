"""The Streamlit layer translates in the session's language wherever Streamlit runs its code.

- Code Streamlit runs without the page script around it (a fragment rerun, a widget callback)
  enters the session's language itself (`in_session_language`).
- A download's callable runs on click in a server thread that has no language: it is bound to
  the page's language when the button is drawn (`exports.deferred`), never a bare lambda.
- A memoised function that returns translated text has the language in its key.
"""

import ast
import threading
from pathlib import Path

import pytest

from lib.app import cards, exports
from lib.evidence.exhibits import SourceEntry, SourceGroup
from lib.i18n import _, current_language, using_language
from lib.i18n import language as i18n_language
from lib.i18n.catalog import Messages, Translator

REPO = Path(__file__).resolve().parents[3]
APP_FILES = sorted([*REPO.glob("lib/app/*.py"), *REPO.glob("app_pages/*.py")])


@pytest.fixture
def small_chinese(monkeypatch):
    """A Chinese catalogue of a few of the app's strings, whatever the shipped one holds."""
    zh = Translator(
        "zh",
        Messages(
            {
                "Source excerpt": "原文",
                "**Source document:** {document}": "**来源文件**：{document}",
                "Verification: {note}": "核实：{note}",
                "Flags: {flags}": "标记：{flags}",
                "Editorial": "编者注",
            }
        ),
    )
    english = Translator("en")
    monkeypatch.setattr(i18n_language, "translator", lambda lang: zh if lang == "zh" else english)
    cards._source_markdown.cache_clear()
    yield zh
    cards._source_markdown.cache_clear()


def _group() -> SourceGroup:
    entry = SourceEntry(
        endpoint="Overall survival",
        subject="Arm A",
        time_point="2 years",
        value="61.2%",
        n="n=40",
        ci="",
        verification="Verified against publication",
        excerpt="the 2-year OS was 61. 2%",
        verification_note="Matches Table 2",
        evidence_ref="",
        flag_notes=("Term corrected",),
    )
    return SourceGroup("document", "Report 1", "", "", (), (entry,))


# --- deferred downloads ---------------------------------------------------------------------------


def test_a_deferred_download_runs_in_the_language_it_was_made_in():
    with using_language("zh"):
        build = exports.deferred(current_language)
    assert current_language() == "en"
    assert build() == "zh"


def test_a_deferred_download_keeps_its_language_in_another_thread():
    """Streamlit runs the callable in a worker thread, whose context has no language."""
    with using_language("zh"):
        build = exports.deferred(current_language)
    seen = []
    worker = threading.Thread(target=lambda: seen.append((current_language(), build())))
    worker.start()
    worker.join()
    assert seen == [("en", "zh")]


def test_the_image_download_renders_in_the_page_language(monkeypatch):
    seen = []
    from lib.render import images  # the app loads it on the first image

    monkeypatch.setattr(
        images, "figure_image", lambda *args, **kwargs: seen.append(current_language())
    )
    monkeypatch.setattr(exports, "_exporter", lambda: None)

    class State:
        class dataset:  # noqa: N801
            class info:  # noqa: N801
                version = "1"

    with using_language("zh"):
        render = exports.image_download(State, object())
    worker = threading.Thread(target=lambda: render("png"))
    worker.start()
    worker.join()
    render("svg")
    assert seen == ["zh", "zh"]


# --- the source list's memo -----------------------------------------------------------------------


def test_the_source_list_is_memoised_per_language(small_chinese):
    group = _group()
    heading_en, entries_en = cards._source_markdown(group, "en")
    with using_language("zh"):
        heading_zh, entries_zh = cards._source_markdown(group, current_language())
    assert heading_en.startswith("**Source document:**")
    assert heading_zh.startswith("**来源文件**：")
    assert "Source excerpt" in entries_en and "原文" in entries_zh
    assert "核实" in entries_zh and "Verification" in entries_en
    # The same group asked for again in English is not served the Chinese.
    assert cards._source_markdown(group, "en") == (heading_en, entries_en)


def test_the_excerpt_is_shown_as_printed_in_both_languages(small_chinese):
    group = _group()
    with using_language("zh"):
        _heading, entries = cards._source_markdown(group, "zh")
    assert "> :gray-badge[原文] the 2\\-year OS was 61\\. 2%" in entries


def test_an_editorial_note_is_marked_in_the_reader_language(small_chinese):
    from lib.app.widgets import _note_markdown

    class Editorial:
        editorial = "Our own summary."

    assert _note_markdown(Editorial()).startswith(":orange-badge[Editorial]")
    with using_language("zh"):
        assert _note_markdown(Editorial()).startswith(":orange-badge[编者注]")


# --- source rules ---------------------------------------------------------------------------------


def _decorators(node: ast.FunctionDef) -> list[str]:
    return [ast.unparse(d) for d in node.decorator_list]


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.name)
def test_fragments_and_callbacks_enter_the_session_language(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = _functions(tree)
    for function in functions.values():
        if any(d.startswith("st.fragment") for d in _decorators(function)):
            assert "in_session_language" in _decorators(function), function.name
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        for keyword in call.keywords:
            if keyword.arg == "on_click" and isinstance(keyword.value, ast.Name):
                callback = functions[keyword.value.id]
                assert "in_session_language" in _decorators(callback), callback.name


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.name)
def test_no_download_builds_its_file_in_a_bare_lambda(path: Path):
    """A lambda passed to st.download_button runs on click without the page's language."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        if ast.unparse(call.func).endswith("download_button"):
            data = call.args[1] if len(call.args) > 1 else None
            data = data or next((k.value for k in call.keywords if k.arg == "data"), None)
            assert not isinstance(data, ast.Lambda), f"{path.name}:{call.lineno}"


def test_the_app_translates_nothing_at_import_time():
    """Module-level text in the app's files keeps the English (`N_`), never `_()`."""
    for path in APP_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and ast.unparse(node.func) in ("_", "_f", "_nf"):
                    if isinstance(statement, ast.Expr):  # a page script's entry call
                        continue
                    raise AssertionError(f"{path.name}:{node.lineno} translates at import time")


def test_translating_outside_a_page_is_english():
    assert _("Source excerpt") == "Source excerpt"
