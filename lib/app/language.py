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

#: How each language names itself on the switch (never translated: a reader lost in the other
#: language must find their own).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}
SWITCH_LABEL = "Language · 语言"

P = ParamSpec("P")
R = TypeVar("R")


def session_language() -> Language:
    """This run's language: the switch (or the URL's ``lang``), else the browser's, else English."""
    chosen = st.session_state.get(LANG_KEY)
    if chosen is None:
        chosen = st.query_params.get(LANG_KEY)
    return resolve_language(chosen, st.context.locale)


def language_switch(lang: Language) -> None:
    """The sidebar's English / 中文 switch, bound to ``?lang=``.

    The switch starts on the resolved language, so the URL always names the language shown and
    a copied link opens in it, whatever the recipient's browser language.
    """
    if st.session_state.get(LANG_KEY) not in SUPPORTED:
        st.session_state[LANG_KEY] = lang  # also replaces a hand-edited ?lang=xx
    st.sidebar.radio(
        SWITCH_LABEL,
        SUPPORTED,
        index=None,
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANG_KEY,
        bind="query-params",
        horizontal=True,
    )


def in_session_language(function: Callable[P, R]) -> Callable[P, R]:
    """Runs `function` in the session's language: for fragments and widget callbacks, which
    Streamlit runs without the page script (and its ``with using_language``) around them."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with using_language(session_language()):
            return function(*args, **kwargs)

    return wrapper
