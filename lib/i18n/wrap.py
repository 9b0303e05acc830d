"""Line wrapping that reads right in Chinese and in English, for text the code wraps itself
(chart images, slides); browsers wrap on-screen text on their own.

Latin text breaks at spaces. Chinese has no spaces: a line may break between any two CJK
characters outside a clinical word (`WHOLE_TERMS`: 无白血病生存 stays whole), and after an
abbreviation's closing bracket (移植(allo-HSCT)|后), but it never starts with closing
punctuation (，。、；：）」 and the like) and never ends with opening punctuation (（「 and the
like): the rule of Chinese typesetting (W3C clreq, GB/T 15834). A Latin word, or a clinical
word, stays whole unless it alone is wider than the line.

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

#: Clinical words a line never breaks inside, though Chinese may break between any two
#: characters: a label wrapped as 无白血病生/存 or 累积复/发率 reads as nonsense to a
#: haematologist. The guideline terms of the endpoints, phases, designs, effect measures and
#: the drugs and procedures the dataset names (a term longer than a whole line is still cut).
WHOLE_TERMS: tuple[str, ...] = (
    # endpoints
    "累积复发率",
    "粗复发率",
    "总生存率",
    "总生存期",
    "中位总生存期",
    "总生存",
    "无白血病生存",
    "无病生存",
    "无复发生存",
    "无事件生存",
    "无复发",
    "非复发死亡率",
    "非复发病死率",
    "完全缓解",
    "总反应率",
    "总缓解率",
    "急性",
    "慢性",
    "早期死亡",
    "存活",
    "生存时间",
    "复发率",
    "死亡率",
    "移植物抗宿主病",
    "可检测残留病",
    "微小残留病",
    # phases and treatment
    "诱导治疗",
    "巩固治疗",
    "缓解后治疗",
    "维持治疗",
    "造血干细胞移植",
    "异基因",
    "自体",
    "复发",
    "难治",
    "预处理方案",
    "清髓性",
    "减低强度",
    "预处理",
    "抢先治疗",
    "预防性治疗",
    "单倍体相合",
    "单倍型相合",
    "同胞全相合",
    "全相合",
    "供者",
    "淋巴细胞输注",
    "微移植",
    "化疗",
    "强化疗",
    "桥接",
    "观察组",
    "对照组",
    "安慰剂",
    # designs and measures
    "随机对照试验",
    "随机",
    "回顾性研究",
    "前瞻性",
    "登记研究",
    "单臂",
    "风险比",
    "置信区间",
    "发表数据",
    "中位随访",
    "随访",
    "患者",
    "病例",
    "按原文",
    "原文",
    # drugs
    "维奈克拉",
    "阿扎胞苷",
    "地西他滨",
    "索拉非尼",
    "芦可替尼",
    "塞替派",
    "安吖啶",
    "司莫司汀",
    "高三尖杉酯碱",
    "阿糖胞苷",
    "柔红霉素",
    "伊达比星",
    "吉瑞替尼",
    "米哚妥林",
    "达沙替尼",
    "伊马替尼",
    "普纳替尼",
    "贝林妥欧单抗",
    "奥加伊妥珠单抗",
    "吉妥珠单抗",
    "干扰素",
    "去甲基化药物",
    "粒细胞集落刺激因子",
    "环磷酰胺",
    "白消安",
    "氟达拉滨",
    "全反式维甲酸",
    "三氧化二砷",
    "复方黄黛片",
    "长春新碱",
    "糖皮质激素",
    # diseases
    "急性髓系白血病",
    "骨髓增生异常综合征",
    "急性淋巴细胞白血病",
    "白血病",
    "老年",
)
# Longest first, so 中位总生存期 is found before 总生存.
_WHOLE_TERM = re.compile("|".join(sorted(map(re.escape, WHOLE_TERMS), key=len, reverse=True)))

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


def _atoms(paragraph: str, whole_terms: bool = True) -> list[tuple[str, str]]:
    """The unbreakable pieces of a paragraph, each with the separator that goes before it when it
    does not start a line (" " after a space, "" between CJK characters); with `whole_terms`,
    no piece ends inside a clinical word."""
    atoms: list[tuple[str, str]] = []
    for word in paragraph.split():
        start = 0
        terms = _WHOLE_TERM.finditer(word) if whole_terms else ()
        inside_terms = {i for term in terms for i in range(term.start() + 1, term.end())}
        for i in range(1, len(word)):
            if i not in inside_terms and _may_break_between(word[i - 1], word[i]):
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
        lines.extend(_wrap_paragraph(paragraph, width_em, measure, whole_terms=True))
    return lines


def _wrap_paragraph(paragraph: str, width_em: float, measure: Measure, whole_terms: bool):
    """One paragraph's lines. A piece wider than a line is broken where Chinese may break (a
    clinical word too: 总生存(OS) on a line narrower than itself), else between characters."""
    lines: list[str] = []
    current = ""
    for atom, sep in _atoms(paragraph, whole_terms):
        candidate = current + sep + atom if current else atom
        if not current or measure(candidate) <= width_em:
            current = candidate
        else:
            lines.append(current)
            current = atom
        if measure(current) > width_em and (current == atom):
            if whole_terms:
                *full, current = _wrap_paragraph(atom, width_em, measure, whole_terms=False)
            else:
                *full, current = _split_long(atom, width_em, measure)
            lines.extend(full)
    lines.append(current)
    return lines


def fill(text: str, width_em: float, measure: Measure = estimate_em) -> str:
    """`wrap`'s lines joined by newlines."""
    return "\n".join(wrap(text, width_em, measure))
