"""The interface translations: gettext catalogues (.po) read with Babel, once per process.

The English text in the code is the message id (msgid). Each other language has one catalogue,
``locales/<lang>/LC_MESSAGES/phasewise.po``, edited by translators in ordinary gettext tools and
kept in step with the code by ``pybabel extract`` / ``pybabel update`` (see ``lib/i18n``).

``translator(lang)`` returns the language's `Translator`. A message the catalogue lacks (no entry,
an empty or a fuzzy translation) is shown in English and recorded: ``missing_translations()``
lists what was asked for and not found, so a test can fail on it. English never records anything:
it is the source language.

Pure: reads the catalogue files and nothing else; no Streamlit, nothing from the rest of lib.
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO

from babel.messages.pofile import read_po

from lib.i18n.languages import LANGUAGES, SOURCE_LANGUAGE

#: A language code of lib/i18n/languages.LANGUAGES.
Language = str
#: The interface languages; the first is the source language (the msgids).
SUPPORTED: tuple[Language, ...] = tuple(LANGUAGES)
DOMAIN = "phasewise"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"

_CONTEXT_SEPARATOR = "\x04"  # gettext's key for a message with a context (msgctxt)


def catalogue_path(lang: str) -> Path:
    """Where the catalogue of a (non-source) language lives."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Messages:
    """The usable translations of one catalogue: fuzzy and empty entries are left out."""

    singular: Mapping[str, str] = field(default_factory=dict)
    plural: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # by singular msgid
    plural_index: Callable[[int], int] = field(default=lambda n: int(n != 1))


def read_catalogue(source: Path | IO[bytes], lang: str) -> Messages:
    """The translations in a .po file (a path or a binary file object)."""
    if isinstance(source, Path):
        with source.open("rb") as fileobj:
            catalogue = read_po(fileobj, locale=lang, domain=DOMAIN)
    else:
        catalogue = read_po(source, locale=lang, domain=DOMAIN)
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue  # the header; fuzzy entries are guesses a translator has not confirmed
        prefix = f"{message.context}{_CONTEXT_SEPARATOR}" if message.context else ""
        if isinstance(message.id, (list, tuple)):
            forms = tuple(message.string or ())
            if forms and all(forms):
                plural[prefix + message.id[0]] = forms
        elif message.string:
            singular[prefix + message.id] = message.string
    return Messages(singular, plural, gettext.c2py(catalogue.plural_expr))


# --- what was asked for and not found ---------------------------------------------------------

_missing: set[tuple[str, str]] = set()
_missing_lock = threading.Lock()


def _report_missing(lang: str, msgid: str) -> None:
    with _missing_lock:
        _missing.add((lang, msgid))


def missing_translations() -> frozenset[tuple[str, str]]:
    """Every (language, msgid) asked for since the last `clear_missing_translations`, that the
    language's catalogue does not translate (shown in English instead)."""
    with _missing_lock:
        return frozenset(_missing)


def clear_missing_translations() -> None:
    with _missing_lock:
        _missing.clear()


# --- translators --------------------------------------------------------------------------------


class Translator:
    """One language's view of the interface strings.

    ``format`` and ``nformat`` fill ``{name}`` placeholders after translating, so the catalogue
    holds the template (``"Small n (smallest group {n})"``), never a filled-in string. A
    translation whose placeholders do not fit the values falls back to the English template.
    """

    def __init__(self, lang: str, messages: Messages | None = None):
        self.lang = lang
        self._messages = messages if messages is not None else Messages()

    def __repr__(self) -> str:
        return f"Translator({self.lang!r}, {len(self._messages.singular)} messages)"

    def _lookup(self, key: str, english: str) -> str:
        if self.lang == SOURCE_LANGUAGE:
            return english
        found = self._messages.singular.get(key)
        if found is None:
            _report_missing(self.lang, key)
            return english
        return found

    def gettext(self, msgid: str) -> str:
        return self._lookup(msgid, msgid)

    def pgettext(self, context: str, msgid: str) -> str:
        """A message whose English is ambiguous, told apart by a context (msgctxt)."""
        return self._lookup(f"{context}{_CONTEXT_SEPARATOR}{msgid}", msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        english = singular if n == 1 else plural
        if self.lang == SOURCE_LANGUAGE:
            return english
        forms = self._messages.plural.get(singular)
        if forms is None:
            _report_missing(self.lang, singular)
            return english
        index = self._messages.plural_index(n)
        return forms[index] if 0 <= index < len(forms) else forms[-1]

    def format(self, msgid: str, /, **values: object) -> str:
        """``gettext(msgid).format(**values)``."""
        return self._fill(self.gettext(msgid), msgid, values)

    def nformat(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """``ngettext(...).format(n=n, **values)``: the count is always available as ``{n}``."""
        values = {"n": n, **values}
        english = singular if n == 1 else plural
        return self._fill(self.ngettext(singular, plural, n), english, values)

    def _fill(self, template: str, english: str, values: Mapping[str, object]) -> str:
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            if template is english:
                raise  # the code's own template is wrong: a programming error
            _report_missing(self.lang, english)
            return english.format(**values)


@cache
def _messages(lang: str) -> Messages:
    return read_catalogue(catalogue_path(lang), lang)


_translators_lock = threading.Lock()


@cache
def _translator(lang: str) -> Translator:
    if lang == SOURCE_LANGUAGE:
        return Translator(lang)
    with _translators_lock:  # one read of the catalogue per process, even under concurrency
        return Translator(lang, _messages(lang))


def translator(lang: str) -> Translator:
    """The translator of a supported language; its catalogue is read once per process."""
    if lang not in SUPPORTED:
        raise ValueError(f"unsupported language {lang!r}; expected one of {SUPPORTED}")
    return _translator(lang)
