"""Leftover English in a page shown in Chinese: the detector the AppTest and browser tests share.

A page in Chinese still shows some Latin text on purpose: abbreviations and drug names after the
Chinese term (急性髓系白血病(AML), 维奈克拉 venetoclax), numbers, units and p-values, citations,
journal names, DOIs, URLs and PMIDs, the source's own words kept as printed, and the source
excerpts, which stay English and carry the label 原文. Everything else in English is a string
someone forgot to translate. The rules, applied to each text shown (`leftovers`):

1. Excerpts are recognised by their label, not by their wording: a Markdown blockquote line
   that starts with the 原文 badge (``> :gray-badge[原文] ...``) is dropped, whatever it says.
   (In a browser, the caller drops the blockquotes that start with 原文 the same way.)
2. Markup that is no text (Markdown escapes, ``:material/icon:``, directive names such as
   ``:gray-badge[``), URLs, DOIs, PMIDs/PMCIDs and e-mail addresses are removed; so are the
   strings the dataset declares untranslated (`verbatim_strings`: citations, journal and outlet
   names, as-printed figures, the source's wording, pinyin), matched whole.
3. The rest is cut into sentences (line breaks, 。；！？：, "· ", "|", and English sentence ends).
   A sentence with no Chinese character is flagged when it has 3 or more consecutive lowercase
   words from `COMMON_WORDS` (an English phrase, not an abbreviation or a drug name). A sentence
   in Chinese is flagged when, outside quotation marks, it has 5 or more such words in a row (a
   half-translated sentence).
4. A short label (a button, tab, heading, column header, widget label...: ``label=True``) with no
   Chinese character is flagged as soon as it holds one common English word ("Chart", "Next").
5. Known interface words (`INTERFACE_WORDS`: "Show", "Download", "Source", "Study", "patients"...)
   are flagged wherever they appear, Chinese sentence or not.

`leftovers` returns `Finding`s (where, the sentence, why); an empty list means the text passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

#: The label of a source excerpt in Chinese (lib/app/widgets.excerpt_label): the excerpt after it
#: stays as printed, in English.
EXCERPT_LABEL = "原文"

# CJK ideographs (basic, extension A, compatibility; extension B+ by surrogate-free range).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")

#: Frequent English words (function words, everyday verbs and nouns, and this app's interface
#: and clinical vocabulary). Lowercase. Three of them in a row make an English phrase.
COMMON_WORDS = frozenset(
    """
    a about above across after again against all almost alone along already also although always
    am among an and another any anyone anything are around as at away back be became because
    become been before being below between both but by can cannot could did do does doing done
    down during each either else enough even ever every few first for from further get gets
    given gives go had has have having he her here him his how however i if in instead into is
    it its itself just last least less let like made make makes many may me more most much must
    my near need never new next no none nor not now of off often on once one only onto or other
    our out over own per rather same see seen several shall she should show shown shows since so
    some still such than that the their them then there these they this those though through
    thus to too under until up upon us use used uses using very was we well were what when
    where whether which while who whom whose why will with within without would yet you your
    two three four five six seven eight nine ten half
    add added adds ask asked based begin began bring brings build builds called change changed
    check checked choose chosen click come comes copy count counted draw drawn find found gave
    give going keep kept know known leave left listed load loaded look looks marked mean means
    move moves open opens opened print printed put read reads remove removed reopens reported
    say says select selected set share shared show showing start started stated stay stays
    take taken tell told think took try turn want wanted way went work works write written
    able available clear common different due early full high higher large late lower long
    main low many minimal moderate near old only possible same severe short single small total
    able whole wrong true false other others each
    page pages link button file files table tables chart charts figure figures source sources
    document documents study studies trial trials patient patients group groups arm arms phase
    phases data dataset value values number numbers time point points year years month months
    day days week weeks rate rates result results sentence text image images slide slides deck
    note notes list view views selection disease diseases session template column columns row
    rows label labels title titles caption key cohort centre center team teams meeting meetings
    publication publications citation citations reference references glossary term terms
    evidence flag flags caveat caveats scope aims aim principle principles case cases report
    reports design language tab tabs version download downloads upload uploads copy link
    survival relapse remission transplant transplantation maintenance induction consolidation
    treatment therapy therapies care mortality death deaths alive follow incidence response
    overall median cumulative estimate estimates interval intervals confidence size sample
    randomised randomized comparison comparisons control controls outcome outcomes endpoint
    endpoints printed truncated missing verified verification unclear uncertain doubtful
    approximate anecdotal computed stated registry expert opinion integrative western
    """.split()
)

#: Interface words that must not appear in a page shown in Chinese (outside excerpts and the
#: dataset's verbatim strings). Matched as whole words, case-sensitively as written.
INTERFACE_WORDS = (
    "Show", "Shows", "Shown", "Download", "Source", "Sources", "Study", "Studies", "patients",
    "Previous", "Next", "Slide", "slide", "Chart", "Table", "Figure", "figure", "figures",
    "Select", "Open", "Print", "handout", "Remove", "Upload", "Template", "Scope", "Aims",
    "Caveats", "Editorial", "Evidence", "Verification", "Flags", "Publication", "Citation",
    "Glossary", "Bibliography", "References", "Overview", "Meetings", "Disease", "Induction",
    "Consolidation", "Maintenance", "Relapse", "showing", "months", "not reported",
    "truncated in source", "Key numbers", "Link to this view",
)  # fmt: skip
_INTERFACE = re.compile(
    r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in INTERFACE_WORDS) + r")(?![A-Za-z])"
)

#: Latin text that is right in Chinese mode: the language switch names English in English.
ALLOWED_LABELS = frozenset({"English", "Phasewise"})

# --- what is removed before looking -----------------------------------------------------------

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>:~$&])")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_ICON = re.compile(r":material/[a-z0-9_]+:")
_DIRECTIVE = re.compile(r":[a-z]+(?:-[a-z]+)*\[")  # :gray-badge[ :small[ :orange[ ...
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_DOI = re.compile(r"\b(?:doi:?\s*)?10\.\d{4,9}/\S+", re.IGNORECASE)
_IDS = re.compile(r"\b(?:PMID|PMCID|PMC)[:\s]*\d+\b|\bPMC\d+\b|\S+@\S+\.\w+")
_EXCERPT_LINE = re.compile(rf"^\s*>\s*(?::[a-z]+(?:-[a-z]+)*\[)?\s*{EXCERPT_LABEL}[^\]\s]*\]?")
_QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|「[^」]*」|『[^』]*』|\"[^\"]*\"|'[^']*'")
_SENTENCE_BREAK = re.compile(r"[\n。；！？：|]|·\s|(?<=[.!?;:])\s+(?=\S)|\s-\s")
# "Value:", "Study phase:": a field's name before its value (one to three words, then a colon).
_FIELD_LABEL = re.compile(r"(?<![A-Za-z'’-])([A-Za-z]+(?:[ -][A-Za-z]+){0,2})\s*[:：](?!//)")
_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_PLACEHOLDER = " \u2403 "  # breaks runs of words where something was removed


@dataclass(frozen=True)
class Finding:
    """English left in a Chinese page: where it was, the sentence, and the rule it broke."""

    where: str
    sentence: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.sentence!r} ({self.reason})"


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def normalise(text: str) -> str:
    """Rendered Markdown as a reader sees it: escapes and zero-width spaces gone, spaces single."""
    text = _INVISIBLE.sub("", _ESCAPED.sub(r"\1", text))
    return text.replace("\xa0", " ")


def drop_excerpts(text: str) -> str:
    """Text without the blockquote lines labelled 原文 (each line, and the lines continuing it)."""
    kept: list[str] = []
    in_excerpt = False
    for line in text.split("\n"):
        stripped = line.lstrip()
        if _EXCERPT_LINE.match(line):
            in_excerpt = True
            continue
        if in_excerpt and stripped.startswith(">"):
            continue  # the same blockquote goes on
        in_excerpt = False
        kept.append(line)
    return "\n".join(kept)


def _verbatim_pattern(verbatim: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for the strings with Latin words in them (numbers and Chinese need no
    allowance), longest first, matched as whole words."""
    strings = {" ".join(str(s).split()) for s in verbatim}
    strings = sorted((s for s in strings if re.search(r"[A-Za-z]{2}", s)), key=len, reverse=True)
    if not strings:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in strings) + r")(?!\w)")


def _shortened_verbatim(sentence: str, verbatim: re.Pattern[str] | None) -> bool:
    """A verbatim string the page shortened with an ellipsis ('Effect of gemtuzumab ozogamicin
    on survival of…', a citation cut to fit a caption): its words are the source's, kept."""
    body = sentence.strip().removesuffix("…").strip()
    if verbatim is None or not sentence.strip().endswith("…") or len(body) < 20:
        return False
    return re.escape(" ".join(body.split())) in verbatim.pattern


def strip_allowed(text: str, verbatim: re.Pattern[str] | None = None) -> str:
    """Text without markup, excerpts, URLs/DOIs/ids and the dataset's verbatim strings."""
    text = drop_excerpts(normalise(text))
    text = _MD_LINK.sub(r"\1", text)
    for pattern in (_URL, _DOI, _IDS, _ICON):
        text = pattern.sub(_PLACEHOLDER, text)
    text = _DIRECTIVE.sub(" ", text)
    if verbatim is not None:
        # Matched with single spaces, line by line (a verbatim string never spans lines here).
        text = "\n".join(
            verbatim.sub(_PLACEHOLDER, " ".join(line.split())) for line in text.split("\n")
        )
    return text


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_BREAK.split(text) if s and s.strip()]


def _longest_common_run(text: str) -> list[str]:
    """The longest run of consecutive lowercase common English words (separated by spaces or
    commas only)."""
    best: list[str] = []
    run: list[str] = []
    end = 0
    for match in _WORD.finditer(text):
        gap = text[end : match.start()]
        word = match.group()
        end = match.end()
        if run and not re.fullmatch(r"[\s,]*", gap):
            run = []
        if word.islower() and word.lower() in COMMON_WORDS:
            run.append(word)
            if len(run) > len(best):
                best = list(run)
        else:
            run = []
    return best


def _has_common_word(text: str) -> bool:
    """A common English word in `text`; abbreviations do not count (ALL, the leukaemia, is not
    "all")."""
    return any(
        w.lower() in COMMON_WORDS
        for w in _WORD.findall(text)
        if w not in ALLOWED_LABELS and not w.isupper()
    )


def leftovers(
    text: str,
    where: str = "",
    *,
    label: bool = False,
    verbatim: re.Pattern[str] | None = None,
) -> list[Finding]:
    """English interface text left in `text` (shown in a Chinese page); [] when it passes."""
    findings: list[Finding] = []
    cleaned = strip_allowed(text, verbatim)
    if label:  # each line of a label: a chart's category may take several
        for line in cleaned.split("\n"):
            plain = " ".join(line.split())
            if plain and not has_cjk(plain) and _has_common_word(plain):
                findings.append(Finding(where, plain, "English label"))
        if findings:
            return findings
    for match in _FIELD_LABEL.finditer(cleaned):
        if _has_common_word(match.group(1)):
            findings.append(Finding(where, match.group(), "English field label"))
    for sentence in sentences(cleaned):
        if _shortened_verbatim(sentence, verbatim):
            continue
        if has_cjk(sentence):
            run = _longest_common_run(_QUOTED.sub(_PLACEHOLDER, sentence))
            if len(run) >= 5:
                findings.append(
                    Finding(where, sentence, f"English inside Chinese: {' '.join(run)!r}")
                )
                continue
        else:
            run = _longest_common_run(sentence)
            if len(run) >= 3:
                findings.append(Finding(where, sentence, f"English sentence: {' '.join(run)!r}"))
                continue
        # Quoted words in a Chinese sentence are the source's, cited: “Ten patients were treated”.
        unquoted = _QUOTED.sub(_PLACEHOLDER, sentence) if has_cjk(sentence) else sentence
        found = _INTERFACE.findall(unquoted)
        if found:
            findings.append(Finding(where, sentence, f"interface word {found[0]!r}"))
    return findings


def scan(
    items: Iterable[tuple[str, str, bool]], verbatim: re.Pattern[str] | None = None
) -> list[Finding]:
    """Findings over (where, text, is_label) items, each distinct finding once (sentences that
    differ only in their numbers, such as the hover text of each point of a curve, count once)."""
    seen: dict[tuple[str, str], Finding] = {}
    for where, text, label in items:
        for finding in leftovers(text, where, label=label, verbatim=verbatim):
            key = (finding.where, re.sub(r"\d+", "#", finding.sentence))
            seen.setdefault(key, finding)
    return list(seen.values())


# --- what the dataset keeps in English on purpose ----------------------------------------------

#: Fields of data/*.yaml shown as printed in every language (lib/dataset/translations.py lists
#: what is not translated): the source's own words and figures, the TCM principles' characters
#: and pinyin, and bibliographic detail (citations, journals, outlets, DOIs, URLs, dates).
#: Excerpts are NOT here: they must carry their 原文 label.
VERBATIM_KEYS = frozenset(
    {
        "as_printed", "endpoint_wording", "source_wording", "pinyin", "chinese", "citation",
        "short", "journal", "outlet", "body", "url", "doi", "pmid", "date", "file",
        "evidence_ref", "year_as_printed",
    }
)  # fmt: skip


def _walk(node: Any, found: set[str]) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in VERBATIM_KEYS:
                values = value if isinstance(value, list) else [value]
                found.update(str(v) for v in values if isinstance(v, (str, int)) and v != "")
            else:
                _walk(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)


@cache
def verbatim_strings(data_dir: Path) -> frozenset[str]:
    """The dataset's strings shown as printed in both languages (see VERBATIM_KEYS)."""
    found: set[str] = set()
    for path in sorted(Path(data_dir).glob("*.yaml")):
        _walk(yaml.safe_load(path.read_text(encoding="utf-8")), found)
    return frozenset(found)


@cache
def verbatim_pattern(data_dir: Path) -> re.Pattern[str] | None:
    """`verbatim_strings` as one pattern for `leftovers(verbatim=...)` (longest first)."""
    return _verbatim_pattern(verbatim_strings(Path(data_dir)))


# --- the numbers a page shows -------------------------------------------------------------------

_PERCENT = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s?%")
_P_VALUE = re.compile(r"(?<![A-Za-z])[Pp]\s*([=<>≤≥])\s*(0?\.\d*|\d+(?:\.\d+)?)")
_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d])")
_TRUNCATED_P = re.compile(r"(?<![A-Za-z])[Pp]\s*=\s*0\.(?!\d)")


def numbers(text: str) -> set[str]:
    """The percentages, p-values and decimals in `text`, normalised (spaces dropped): what must
    be the same whatever the language."""
    text = normalise(text)
    found = {m.group().replace(" ", "") for m in _PERCENT.finditer(text)}
    found |= {f"P{m.group(1)}{m.group(2)}" for m in _P_VALUE.finditer(text)}
    found |= {m.group() for m in _DECIMAL.finditer(text)}
    return found


def truncated_p_values(text: str) -> int:
    """How many truncated p-values ("P=0." with no digits after) `text` shows."""
    return len(_TRUNCATED_P.findall(normalise(text)))


def _truncated_in(node: Any, found: set[str]) -> None:
    if isinstance(node, Mapping):
        kinds = {f.get("kind") for f in node.get("flags") or () if isinstance(f, Mapping)}
        if "truncated" in kinds:
            for printed in (node.get("as_printed"), (node.get("p") or {}).get("as_printed")):
                if isinstance(printed, str) and re.search(r"\d\.$", printed.strip()):
                    found.add(printed.strip())
        for value in node.values():
            _truncated_in(value, found)
    elif isinstance(node, list):
        for item in node:
            _truncated_in(item, found)


@cache
def truncated_figures(data_dir: Path) -> frozenset[str]:
    """The figures the dataset flags as cut off in the source and ending in a bare point
    ("P=0.", "95."): shown as printed, never completed."""
    found: set[str] = set()
    for path in sorted(Path(data_dir).glob("*.yaml")):
        _truncated_in(yaml.safe_load(path.read_text(encoding="utf-8")), found)
    return frozenset(found)


def truncated_counts(text: str, figures: Iterable[str]) -> dict[str, int]:
    """How often each truncated figure is shown as printed (not followed by a digit or %)."""
    text = normalise(text)
    return {
        figure: len(re.findall(rf"(?<![\w.]){re.escape(figure)}(?![\d%])", text))
        for figure in sorted(figures)
    }
