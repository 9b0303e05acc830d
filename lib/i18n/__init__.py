"""Interface translation (English / 简体中文): catalogues, the session's language, CJK wrapping.

Pure and at the bottom of the layers: imports nothing from the rest of lib and no Streamlit, so
every layer may use it.

- `catalog`: the gettext catalogues (``locales/zh/LC_MESSAGES/phasewise.po``), read with Babel
  once per process; ``translator(lang)``; untranslated messages fall back to English and are
  listed by ``missing_translations()``.
- `language`: ``resolve_language(url, browser_locale)``, ``using_language(lang)``,
  ``current_language()``, and the ``_`` / ``N_`` / ``ngettext`` / ``_f`` / ``_nf`` the code
  calls.
- `wrap`: line wrapping for text the code wraps itself (images, slides), Chinese included.
- `extract`: the Babel extraction method babel.cfg uses for labels kept in plain tables.

A translator's round, from the repo root::

    pybabel extract -F babel.cfg -k _ -k N_ -o lib/i18n/locales/phasewise.pot .
    pybabel update -i lib/i18n/locales/phasewise.pot -d lib/i18n/locales -D phasewise \
        --no-fuzzy-matching --ignore-obsolete
    # edit lib/i18n/locales/zh/LC_MESSAGES/phasewise.po (Poedit, Lokalize, any editor)
    pytest tests/unit/i18n
"""

from lib.i18n.catalog import (
    SOURCE_LANGUAGE,
    SUPPORTED,
    Language,
    Translator,
    missing_translations,
    translator,
)
from lib.i18n.language import (
    N_,
    _,
    _f,
    _nf,
    current_language,
    ngettext,
    resolve_language,
    using_language,
)

__all__ = [
    "N_",
    "SOURCE_LANGUAGE",
    "SUPPORTED",
    "Language",
    "Translator",
    "_",
    "_f",
    "_nf",
    "current_language",
    "missing_translations",
    "ngettext",
    "resolve_language",
    "translator",
    "using_language",
]
