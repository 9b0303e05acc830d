"""Addresses of views: what the URL keeps (page, diseases, slide, handout, language) and how it
is read.

A link always names its language (``lang=en`` or ``lang=zh``), so it opens in the language it was
copied in, whatever the recipient's browser language.

Pure (no Streamlit), so the rules are tested on their own.
"""

import re
from urllib.parse import urlencode, urlsplit

from lib.app.keys import DISEASE_KEY, LANG_KEY
from lib.dataset.vocabulary import DISEASES
from lib.i18n import SUPPORTED

#: A slide number in the URL: ASCII digits only (str.isdigit() accepts '²', which int() refuses;
#: int() reads '٣' and ' 3', and refuses more than 4,300 digits). Six is more than any deck needs.
_SLIDE_NUMBER = re.compile(r"[0-9]{1,6}")


def view_query(diseases: list[str], extra: dict, lang: str | None) -> str:
    """The query string of a view ('?disease=MDS&slide=3&lang=zh'): the diseases (omitted when
    all), the extra parameters that differ from their defaults, and the language (omitted when
    None: the reader's browser language decides)."""
    if lang is not None and lang not in SUPPORTED:
        raise ValueError(f"unsupported language {lang!r}; expected one of {SUPPORTED}")
    params = [] if list(diseases) == list(DISEASES) else [(DISEASE_KEY, d) for d in diseases]
    params += [(key, str(value)) for key, value in extra.items() if value not in (None, "", 1)]
    if lang is not None:
        params.append((LANG_KEY, lang))
    return f"?{urlencode(params)}" if params else ""


def view_link(current_url: str, page_path: str, diseases: list[str], extra: dict, lang: str) -> str:
    """An address that reopens this view: page, diseases (omitted when all), extra params and
    the language."""
    parts = urlsplit(current_url or "http://localhost:8501/")
    return f"{parts.scheme}://{parts.netloc}/{page_path}{view_query(diseases, extra, lang)}"


def slide_number(text: str, count: int) -> int:
    """`text` as a slide of a deck of `count`: plain ASCII digits naming a slide, otherwise 1."""
    if _SLIDE_NUMBER.fullmatch(text) and 1 <= int(text) <= count:
        return int(text)
    return 1
