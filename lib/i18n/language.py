"""The language of one session, and the `_()` that translates through it.

Rules (issue 12): the ``lang`` URL parameter wins when it names a supported language; otherwise a
browser locale in Chinese (``zh``, ``zh-CN``, ``zh-Hans``, ``zh-TW``...) gives Chinese; otherwise
English. An invalid URL value is ignored, never an error: links get edited by hand.

Why never at import time, and never inside a cache shared by all users
----------------------------------------------------------------------
One server process serves every user. Modules are imported once per process and cached
functions (``st.cache_data``, ``st.cache_resource``, ``functools.cache``) are shared by every
session, so a language read at import time, or a translated string computed inside such a cache
without the language among its arguments, is the first visitor's language for everyone after
them. So:

- the language is resolved per script run, from that session's URL and browser locale
  (`resolve_language`), and set for the run with ``with using_language(lang):``;
- it lives in a `contextvars.ContextVar`: each thread (Streamlit runs each session's script in
  its own thread) sees its own value, and leaving the ``with`` block restores the previous one;
- module-level tables of labels keep the English, marked with `N_` so extraction finds them, and
  are translated where they are shown: ``_(PHASE_LABELS[phase])``;
- a cached function that returns text takes the language as an argument (part of its key).

A thread started by the code does not inherit the language (threads start with an empty
context): pass the language along, or run the work in ``contextvars.copy_context().run``. Code
that runs outside the page script's ``with`` block enters its own: a fragment rerun (the page
script does not run around it) and a widget callback (it runs before the script).

Pure: no Streamlit, nothing from the rest of lib.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from lib.i18n.catalog import SOURCE_LANGUAGE, SUPPORTED, Language, Translator, translator
from lib.i18n.languages import browser_language

#: The URL query parameter that names the language.
LANG_PARAM = "lang"

_LANGUAGE: ContextVar[str] = ContextVar("phasewise_language", default=SOURCE_LANGUAGE)


def resolve_language(url_value: str | None, browser_locale: str | None) -> Language:
    """The session's language: the URL's ``lang`` if valid, else the browser's, else English."""
    if url_value is not None:
        wanted = url_value.strip().lower()
        for lang in SUPPORTED:
            if wanted == lang:
                return lang
    if browser_locale:
        return browser_language(browser_locale) or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def current_language() -> Language:
    """The language set by the innermost `using_language` of this thread or task; English
    outside any."""
    return _LANGUAGE.get()  # type: ignore[return-value]  # set only to SUPPORTED values


@contextmanager
def using_language(lang: str) -> Iterator[Translator]:
    """Translate in `lang` inside the block (this thread or task only); restores the previous
    language on leaving, also on an exception."""
    found = translator(lang)  # raises ValueError for an unsupported language
    token = _LANGUAGE.set(lang)
    try:
        yield found
    finally:
        _LANGUAGE.reset(token)


def _(msgid: str) -> str:
    """`msgid` (the English text) in the current language."""
    return translator(_LANGUAGE.get()).gettext(msgid)


def N_(msgid: str) -> str:
    """Marks a string for extraction without translating it: for module-level tables, whose
    entries are translated with `_` where they are shown."""
    return msgid


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current language."""
    return translator(_LANGUAGE.get()).ngettext(singular, plural, n)


def _f(msgid: str, /, **values: object) -> str:
    """``_(msgid).format(**values)``; falls back to English if a translation's placeholders do
    not fit."""
    return translator(_LANGUAGE.get()).format(msgid, **values)


def _nf(singular: str, plural: str, n: int, /, **values: object) -> str:
    """``ngettext(...).format(n=n, **values)`` in the current language."""
    return translator(_LANGUAGE.get()).nformat(singular, plural, n, **values)
