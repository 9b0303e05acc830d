"""The session's interface language: resolved per script run, switched in the sidebar, kept in
the URL (``?lang=zh``) like the disease filter.

The language is never read at import time nor inside a cache shared by every user (lib/i18n
explains why). `session_language` resolves it for this run: the switch's value (which the URL
sets when it carries ``lang``), else the browser's language (``st.context.locale``), else English.
The page script runs inside ``with using_language(...)`` (streamlit_app.py). Code that Streamlit
runs without the page script around it (a fragment rerun, a widget callback) is decorated with
`in_session_language`, so it translates in the same language.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st

from lib.app.keys import LANG_KEY
from lib.i18n import SUPPORTED, Language, resolve_language, using_language
from lib.i18n.languages import LANGUAGES

#: How each language names itself on the switch (never translated: a reader lost in the other
#: language must find their own).
LANGUAGE_NAMES: dict[str, str] = {code: spec.native_name for code, spec in LANGUAGES.items()}
SWITCH_LABEL = " · ".join(spec.word_for_language for spec in LANGUAGES.values())
SWITCH_KEY = "language-switch"  # the radio's own state; the URL parameter is LANG_KEY

P = ParamSpec("P")
R = TypeVar("R")


def session_language() -> Language:
    """This run's language: the switch once drawn, else the URL's ``lang``, else the browser's
    language, else English."""
    chosen = st.session_state.get(SWITCH_KEY)
    if chosen is None:
        chosen = st.query_params.get(LANG_KEY)
    return resolve_language(chosen, st.context.locale)


def language_switch(lang: Language) -> Language:
    """The sidebar's English / 中文 switch, and ``?lang=`` in the URL once the language is not
    the browser's own.

    Not a widget bound to the URL: a bound radio writes its label (``?lang=中文``) rather than
    the option. The URL is written by the run instead: once it carries ``lang`` (a deep link, or
    a switch away from the browser's language) it names the language shown, so a copied address
    opens in that language whatever the recipient's browser language, and page links keep it.
    An address without ``lang`` stays as it was: it opens in each reader's browser language.
    ("Link to this view" always names the language.)

    Returns the language the page is drawn in: the switch's value. It differs from `lang` when
    the browser holds a choice this server session has not seen yet (a reconnect to another
    replica or a restarted server: the first run of the new session is then a click, whose URL
    may no longer carry lang).
    """
    lang = st.sidebar.radio(
        SWITCH_LABEL,
        SUPPORTED,
        index=SUPPORTED.index(lang),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=SWITCH_KEY,
        horizontal=True,
    )
    named = address_language(lang)
    if named is not None and st.query_params.get(LANG_KEY) != named:
        st.query_params[LANG_KEY] = named
    return lang


def address_language(lang: Language) -> Language | None:
    """The language the address bar names: `lang` once the URL carries ``lang`` or `lang` is
    not the browser's own; None (no ``lang`` in the address) otherwise."""
    if st.query_params.get(LANG_KEY) is not None or lang != resolve_language(
        None, st.context.locale
    ):
        return lang
    return None


def in_session_language(function: Callable[P, R]) -> Callable[P, R]:
    """Runs `function` in the session's language: for fragments and widget callbacks, which
    Streamlit runs without the page script (and its ``with using_language``) around them."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with using_language(session_language()):
            return function(*args, **kwargs)

    return wrapper
