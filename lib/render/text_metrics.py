"""How wide a line of text will be, estimated without a browser: for the static images' wrapped
captions, the slides' text boxes and the charts' margins. One estimator for all of them
(`lib.i18n.wrap.estimate_em`: Arial-like fonts, a little on the wide side; a Chinese character
is one em), here in the units each caller needs.

Pure: no Plotly, no Streamlit.
"""

import html
import re

from lib.i18n.wrap import estimate_em

_TAG = re.compile(r"<[^>]+>")

#: Width of `text` in ems (the one estimator, under the name its callers use).
text_width = estimate_em


def label_width_px(label: str, size: float) -> float:
    """Width in pixels of the widest line of a Plotly label (lines split at <br>, tags dropped,
    entities read) at font `size`."""
    lines = str(label).split("<br>")
    return max((text_width(html.unescape(_TAG.sub("", line))) * size for line in lines), default=0)
