"""Line wrapping that reads right in Chinese and in English, for text the code wraps itself
(chart images, slides); browsers wrap on-screen text on their own.

Latin text breaks at spaces. Chinese has no spaces: a line may break between any two CJK
characters, and after an abbreviation's closing bracket (移植(allo-HSCT)|后), but it never
starts with closing punctuation (，。、；：）」 and the like) and never ends with opening
punctuation (（「 and the like): the rule of Chinese typesetting (W3C clreq, GB/T 15834). A
Latin word stays whole unless it alone is wider than the line.

``measure`` gives a string's width in em (font units / font size); `estimate_em` is the
project's one estimate of it without font metrics (images' captions, slides' text boxes, chart
margins: lib.render.text_metrics builds on it). Pure.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

#: A line never starts with these (closing punctuation, pause and stop marks).
NO_BREAK_BEFORE = frozenset("，。、；：？！）」』》〉】〕〗〙〛”’…")
#: A line never ends with these (opening punctuation).
NO_BREAK_AFTER = frozenset("（「『《〈【〔〖〘〚“‘")

_CLOSING_ASCII = frozenset(")]")

Measure = Callable[[str], float]


def is_cjk(char: str) -> bool:
    """A wide East Asian character: ideographs, kana, hangul, full-width punctuation and forms."""
    return unicodedata.east_asian_width(char) in ("W", "F")


_NARROW = frozenset(" il.,:;'|!ijftrI()[]/-\u00b7")
_WIDE = frozenset("mwMW%@—")


@functools.lru_cache(maxsize=65_536)  # a deck measures the same lines many times over
def estimate_em(text: str) -> float:
    """Approximate width in em of Arial-like text, a little on the wide side: 1 for a wide
    (CJK) character, 0 for a combining mark, 0.3 for narrow Latin ('i', '.', ' '), 0.9 for wide
    ('m', '%'), 0.68 for other capitals and 0.56 for the rest."""
    total = 0.0
    for char in text:
        if unicodedata.combining(char):
            continue
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


def _may_break_between(before: str, after: str) -> bool:
    """Whether a line may break between two adjacent non-space characters."""
    if after in NO_BREAK_BEFORE or before in NO_BREAK_AFTER or not is_cjk(after):
        return False
    # After an abbreviation in half-width brackets, as in 异基因造血干细胞移植(allo-HSCT)后: the
    # bracket ends a term. Never before one: a term keeps its abbreviation, 总生存(OS).
    return is_cjk(before) or before in _CLOSING_ASCII


def _atoms(paragraph: str) -> list[tuple[str, str]]:
    """The unbreakable pieces of a paragraph, each with the separator that goes before it when it
    does not start a line (" " after a space, "" between CJK characters)."""
    atoms: list[tuple[str, str]] = []
    for word in paragraph.split():
        start = 0
        for i in range(1, len(word)):
            if _may_break_between(word[i - 1], word[i]):
                atoms.append((word[start:i], "" if start else " "))
                start = i
        atoms.append((word[start:], "" if start else " "))
    # A space is no break opportunity before closing or after opening punctuation: glue across it.
    glued: list[tuple[str, str]] = []
    for text, sep in atoms:
        sticks = text[0] in NO_BREAK_BEFORE or (glued and glued[-1][0][-1] in NO_BREAK_AFTER)
        if glued and sep == " " and sticks:
            glued[-1] = (glued[-1][0] + " " + text, glued[-1][1])
        else:
            glued.append((text, sep))
    return glued


def _split_long(atom: str, width_em: float, measure: Measure) -> list[str]:
    """An atom wider than a line, cut at character boundaries (still never before closing or
    after opening punctuation; such a character overhangs the line instead)."""
    pieces: list[str] = []
    current = ""
    for char in atom:
        if (
            current
            and measure(current + char) > width_em
            and char not in NO_BREAK_BEFORE
            and current[-1] not in NO_BREAK_AFTER
            and not char.isspace()
            and not current[-1].isspace()
        ):
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, width_em: float, measure: Measure = estimate_em) -> list[str]:
    """`text` as lines no wider than `width_em` where the rules allow a break. Runs of spaces
    count as one, line ends keep no spaces, and newlines in `text` always break (an empty line
    stays empty)."""
    if width_em <= 0:
        raise ValueError("width_em must be positive")
    lines: list[str] = []
    for paragraph in re.split(r"\r\n|\r|\n", text):
        current = ""
        for atom, sep in _atoms(paragraph):
            candidate = current + sep + atom if current else atom
            if not current or measure(candidate) <= width_em:
                current = candidate
            else:
                lines.append(current)
                current = atom
            if measure(current) > width_em and (current == atom):
                *full, current = _split_long(atom, width_em, measure)
                lines.extend(full)
        lines.append(current)
    return lines


def fill(text: str, width_em: float, measure: Measure = estimate_em) -> str:
    """`wrap`'s lines joined by newlines."""
    return "\n".join(wrap(text, width_em, measure))
