"""The languages of the interface and the data, as data.

Adding a language is an entry in `LANGUAGES`, its interface catalogue
(``lib/i18n/locales/<code>/LC_MESSAGES/phasewise.po``) and its overlay of the dataset's text
(``data/translations/<code>.yaml``); the switch, the URL's ``lang``, the browser's language, the
command lines' ``--lang``, the data checks, the text module's punctuation and the deck's language
tag all read this table. English is the source language: the code's message ids and the data's
own text.

Pure: no I/O, nothing from the rest of lib.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Chinese characters (the CJK unified ideographs).
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class LanguageSpec:
    """One language: how it names itself, how documents tag it, how its sentences join."""

    code: str  # the URL's ?lang= value and the catalogue's folder
    native_name: str  # on the switch, never translated (a reader lost in another must find it)
    word_for_language: str  # the switch's label is every language's word, joined
    english_name: str  # in the data checks' messages
    document_tag: str | None  # BCP 47 tag of a deck's text runs (None: the viewer's default)
    script: re.Pattern[str] | None  # characters every translated text holds (None: any)
    punctuation: Mapping[str, str]  # how the text module joins pieces (lib/evidence/text.py)
    quotes: tuple[str, str]  # around a name quoted from a user's file


ENGLISH = LanguageSpec(
    code="en",
    native_name="English",
    word_for_language="Language",
    english_name="English",
    document_tag=None,
    script=None,
    punctuation={
        "colon": ": ",
        "comma": ", ",
        "enumeration": ", ",
        "semicolon": "; ",
        "open": " (",
        "close": ")",
        "sentence": " ",
        "stop": ".",
        "to": " to ",
    },
    quotes=("'", "'"),
)

CHINESE = LanguageSpec(
    code="zh",
    native_name="中文",
    word_for_language="语言",
    english_name="Chinese",
    document_tag="zh-CN",
    script=CJK,
    punctuation={
        "colon": "：",
        "comma": "，",
        "enumeration": "、",
        "semicolon": "；",
        "open": "（",
        "close": "）",
        "sentence": "",
        "stop": "。",
        "to": "至",
    },
    quotes=("“", "”"),
)

#: Every language, the source language first.
LANGUAGES: dict[str, LanguageSpec] = {spec.code: spec for spec in (ENGLISH, CHINESE)}
SOURCE_LANGUAGE = ENGLISH.code


def language_spec(code: str) -> LanguageSpec:
    """The language `code` names; the source language for a code no entry has."""
    return LANGUAGES.get(code, ENGLISH)


def overlay_file(code: str) -> str:
    """The dataset's text in language `code`, relative to the data folder."""
    return f"translations/{code}.yaml"


def browser_language(locale: str) -> str | None:
    """The language of a browser's locale ("zh-CN", "zh_TW", "en-GB"): its primary subtag, if
    it is one of ours."""
    primary = locale.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None
