"""The one escaper: text from data files or uploads made inert for each place it is shown.

Markdown (Streamlit), Plotly's HTML subset (charts, images) and spreadsheet cells (CSV). Pure.
"""

import html
import re

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$&])")
# Where Markdown still makes something of text whose punctuation is escaped, because these rules
# match the rendered text itself: GFM autolink literals (https://, www., a@b.org) and Streamlit's
# :material/icon:, :streamlit: and :emoji: shortcodes. A zero-width space there breaks each one.
_AUTOLINK_OR_SHORTCODE_START = re.compile(
    r"(?<=:)(?=//|material/|[\w+-]+:)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE
)
_ZERO_WIDTH_SPACE = "\u200b"
# OWASP's rule for CSV injection: a cell a spreadsheet would read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _missing(value: object) -> bool:
    """None, NaN and pandas' NA: nothing to show."""
    if value is None or isinstance(value, str):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list-like: something to show
        return False


def markdown(text: object) -> str:
    """Text shown literally by Markdown: no links, images, HTML, directives, icons or emoji."""
    plain = _AUTOLINK_OR_SHORTCODE_START.sub(_ZERO_WIDTH_SPACE, " ".join(str(text).split()))
    return _MD_SPECIAL.sub(r"\\\1", plain)


def plotly_html(text: object) -> str:
    """Text inert in Plotly's HTML subset (<a href>, <b>, <br> ...); '' when missing."""
    if _missing(text):
        return ""
    # plotly.js decodes numeric entities but not &quot;, so quotes use the numeric form.
    return html.escape(str(text)).replace("&quot;", "&#34;")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text, never runs as a formula; numbers unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
