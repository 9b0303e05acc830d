"""How wide a line of text will be, estimated without a browser: for the static images' wrapped
captions and for the charts' margins. Arial-like fonts, a little on the wide side; a Chinese
character is one em.

Pure: no Plotly, no Streamlit.
"""

import html
import re

from lib.i18n.wrap import is_cjk

_NARROW = set(" il.,:;'|!ijftrI()[]/-\u00b7")
_WIDE = set("mwMW%@—")
_TAG = re.compile(r"<[^>]+>")


def text_width(text: str) -> float:
    """Approximate width of `text` in ems."""
    total = 0.0
    for char in text:
        if is_cjk(char):
            total += 1.0
        elif char in _NARROW:
            total += 0.3
        elif char in _WIDE:
            total += 0.9
        elif char.isupper():
            total += 0.68
        else:
            total += 0.56
    return total


def label_width_px(label: str, size: float) -> float:
    """Width in pixels of the widest line of a Plotly label (lines split at <br>, tags dropped,
    entities read) at font `size`."""
    lines = str(label).split("<br>")
    return max((text_width(html.unescape(_TAG.sub("", line))) * size for line in lines), default=0)
