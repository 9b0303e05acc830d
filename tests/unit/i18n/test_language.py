"""The session's language: resolution from the URL and the browser, and its isolation per
thread (Streamlit runs each session's script in its own thread)."""

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from lib.i18n import N_, _, _f, current_language, ngettext, resolve_language, using_language


@pytest.mark.parametrize(
    ("url", "browser", "expected"),
    [
        # the URL's lang wins, whatever the browser
        ("zh", "en-US", "zh"),
        ("zh", None, "zh"),
        ("en", "zh-CN", "en"),
        ("en", "zh-TW", "en"),
        ("EN", "zh-CN", "en"),
        (" zh ", "en-US", "zh"),
        # invalid in the URL: ignored, the browser decides
        ("fr", "zh-CN", "zh"),
        ("zh-CN", "en-US", "en"),
        ("", "zh-TW", "zh"),
        ("<script>", "en-US", "en"),
        ("garbage", None, "en"),
        # no lang in the URL: the browser decides
        (None, "zh-CN", "zh"),
        (None, "zh-TW", "zh"),
        (None, "zh-Hans", "zh"),
        (None, "zh-Hant-HK", "zh"),
        (None, "zh", "zh"),
        (None, "zh_CN", "zh"),
        (None, "ZH-cn", "zh"),
        (None, "en-US", "en"),
        (None, "en", "en"),
        (None, "fr-FR", "en"),
        (None, "zu-ZA", "en"),  # not Chinese because it starts with z
        (None, "zhx", "en"),
        (None, "", "en"),
        (None, None, "en"),
    ],
)
def test_resolve_language(url, browser, expected):
    assert resolve_language(url, browser) == expected


def test_outside_any_block_the_language_is_english():
    assert current_language() == "en"
    assert _("Overview") == "Overview"


def test_using_language_sets_and_restores():
    with using_language("zh") as zh:
        assert current_language() == "zh"
        assert _("Overview") == "概览" == zh.gettext("Overview")
        assert _f("Small n (smallest group {n})", n=4) == "样本量小（最小组4例）"
        with using_language("en"):
            assert _("Overview") == "Overview"
        assert current_language() == "zh"
    assert current_language() == "en"


def test_restored_after_an_exception():
    with pytest.raises(RuntimeError), using_language("zh"):
        raise RuntimeError
    assert current_language() == "en"


def test_unsupported_language_is_refused():
    with pytest.raises(ValueError), using_language("fr"):
        pass
    assert current_language() == "en"


def test_markers():
    labels = {"a": N_("Induction")}
    assert labels["a"] == "Induction"  # N_ marks, it does not translate
    with using_language("zh"):
        assert _(labels["a"]) == "诱导治疗"
        assert ngettext("{n} case", "{n} cases", 2) == "{n} cases"  # falls back to English


def test_two_threads_in_two_languages_at_once():
    both_inside = threading.Barrier(2, timeout=10)

    def session(lang: str) -> list[tuple[str, str]]:
        seen = []
        with using_language(lang):
            for _round in range(3):
                both_inside.wait()  # the other thread is inside its own block now
                seen.append((current_language(), _("Overview")))
        seen.append((current_language(), _("Overview")))
        return seen

    with ThreadPoolExecutor(max_workers=2) as pool:
        zh, en = pool.submit(session, "zh"), pool.submit(session, "en")
        zh_seen, en_seen = zh.result(timeout=20), en.result(timeout=20)
    assert zh_seen == [("zh", "概览")] * 3 + [("en", "Overview")]
    assert en_seen == [("en", "Overview")] * 4
    assert current_language() == "en"


def test_a_new_thread_does_not_inherit_the_language():
    # Why the wiring passes the language to worker threads, or runs them in a copied context.
    with using_language("zh"):
        with ThreadPoolExecutor(max_workers=1) as pool:
            plain = pool.submit(current_language).result()
            copied = pool.submit(contextvars.copy_context().run, current_language).result()
    assert (plain, copied) == ("en", "zh")
