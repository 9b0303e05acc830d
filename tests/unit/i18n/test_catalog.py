"""The Chinese catalogue: complete, in step with the code and its template, placeholders intact,
written in the guidelines' terms; and the translator's fallback to English."""

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from lib.dataset import vocabulary
from lib.evidence.exhibits import NUMBER_COLUMNS, SECTIONS
from lib.i18n import catalog
from lib.i18n.catalog import (
    TEMPLATE,
    Translator,
    catalogue_path,
    clear_missing_translations,
    missing_translations,
    read_catalogue,
    translator,
)
from tests.unit.conftest import REPO_ROOT

PO = catalogue_path("zh")


def _read(path: Path):
    with path.open("rb") as fileobj:
        return read_po(fileobj)


ZH = _read(PO)
ENTRIES = [m for m in ZH if m.id]


def _ids(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


#: msgid (a plural's singular) -> its translation, for entries with every form translated.
TRANSLATED = {_ids(m): m.string for m in ENTRIES if all(_forms(m)) and _forms(m) and not m.fuzzy}


# --- complete -----------------------------------------------------------------------------------


def test_catalogue_has_entries():
    assert len(ENTRIES) >= 140


def test_every_msgid_has_a_chinese_msgstr():
    """Every entry translated and confirmed; the failure lists every entry that is not."""
    problems = []
    for message in ENTRIES:
        if message.fuzzy:
            problems.append(f"fuzzy (unconfirmed) translation: {message.id!r}")
        forms = _forms(message)
        if not (forms and all(form.strip() for form in forms)):
            problems.append(f"no translation: {message.id!r}")
    assert not problems, "\n".join(problems)


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _words(text: str) -> str:
    """The text's own letters, placeholders taken out."""
    return re.sub(r"[^A-Za-z]", "", _PLACEHOLDER.sub("", text))


def test_every_msgstr_is_chinese():
    """Chinese characters in every translation, except a pattern made of placeholders and
    punctuation ('{label} ({unit})', '%'), whose Chinese only changes the punctuation or order.
    The failure lists every translation left in English."""
    problems = []
    for message in ENTRIES:
        for form in _forms(message):
            if re.search(r"[\u4e00-\u9fff]", form):
                continue
            english = _ids(message)
            if not (set(_words(form)) <= set(_words(english)) and len(_words(english)) <= 3):
                problems.append(f"left in English: {message.id!r} -> {form!r}")
    assert not problems, "\n".join(problems)


def _vocabulary_labels() -> Iterator[tuple[str, str]]:
    for name in (
        "PHASE_LABELS",
        "PHASE_SUMMARIES",
        "PHASE_ORIGINS",
        "DESIGN_LABELS",
        "UNIT_LABELS",
        "ORIGIN_LABELS",
        "FLAG_LABELS",
        "VERIFICATION_LABELS",
        "CITATION_STATUS_LABELS",
        "STUDY_ROLE_LABELS",
        "STUDY_ROLE_NOTES",
    ):
        for key, label in getattr(vocabulary, name).items():
            yield f"{name}[{key}]", label
    for key, (label, definition) in vocabulary.ENDPOINTS.items():
        yield f"ENDPOINTS[{key}].label", label
        yield f"ENDPOINTS[{key}].definition", definition


def test_every_vocabulary_label_is_translated():
    # A label added to lib/dataset/vocabulary.py fails here until the catalogue translates it.
    labels = list(_vocabulary_labels())
    assert len(labels) >= 50
    missing = [
        f"{where}: {label!r} has no Chinese in {PO.name}"
        for where, label in labels
        if label not in TRANSLATED
    ]
    assert not missing, "\n".join(missing)


def test_every_vocabulary_table_is_covered():
    # A new *_LABELS table in the vocabulary must be added to the list above (and to babel.cfg).
    tables = {n for n in dir(vocabulary) if n.endswith("_LABELS") or n.endswith("_SUMMARIES")}
    assert tables <= {w.split("[")[0] for w, _ in _vocabulary_labels()}
    mapping = (REPO_ROOT / "babel.cfg").read_text(encoding="utf-8")
    for table in tables | {"ENDPOINTS"}:
        assert table in mapping, f"{table} is not named in babel.cfg"


def test_sections_and_table_columns_are_translated():
    strings = [s for title, caption in SECTIONS.values() for s in (title, caption) if s]
    missing = [s for s in [*strings, *NUMBER_COLUMNS] if s not in TRANSLATED]
    assert not missing


# --- in step with the code and the template -----------------------------------------------------


def _extracted() -> dict[str, list[str]]:
    """msgid -> where, as `pybabel extract -F babel.cfg -k _ -k N_` finds them today."""
    with (REPO_ROOT / "babel.cfg").open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(REPO_ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    """The extraction, done once by the worker that runs these tests (not at collection)."""
    return _extracted()


def test_extraction_finds_the_labels_badges_and_pages(extracted):
    for msgid in (
        "Induction",  # vocabulary table
        "Cumulative incidence of relapse",  # a tuple inside a table
        "Arm comparisons",  # SECTIONS
        "p as printed",  # NUMBER_COLUMNS
        "Cross-trial view",  # Badge(...) at module level
        "Design as reported in the source.",  # Badge(..., ..., x or "...")
        "Sources & glossary",  # st.Page(title=...)
        "Phases of care",  # st.navigation({...}) keys
        "Small n (smallest group {n})",  # lib/i18n/pending.py
    ):
        assert msgid in extracted, msgid
    assert "" not in extracted
    assert "warning" not in extracted  # a badge's tone is no label
    assert "discrepant" not in extracted  # nor a key looked up in a table


def test_every_extracted_string_is_translated(extracted):
    missing = {m: where for m, where in extracted.items() if m not in TRANSLATED}
    assert not missing, (
        "interface strings without Chinese (run pybabel extract / update, then translate): "
        f"{missing}"
    )


def test_template_holds_every_extracted_string(extracted):
    template = {_ids(m) for m in _read(TEMPLATE) if m.id}
    assert set(extracted) <= template, sorted(set(extracted) - template)


def test_catalogue_and_template_have_the_same_msgids():
    template = {_ids(m) for m in _read(TEMPLATE) if m.id}
    assert {_ids(m) for m in ENTRIES} == template


# --- placeholders and conventions ---------------------------------------------------------------

_BRACES = re.compile(r"\{[A-Za-z_0-9]*(?:[!:][^{}]*)?\}")
_PERCENT = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0+]?\d*(?:\.\d+)?[sdifrx]")


def placeholders(text: str) -> list[str]:
    return sorted(_BRACES.findall(text) + _PERCENT.findall(text))


def test_placeholders_match():
    """Every form of every translation has its msgid's placeholders; the failure lists every
    form that has not."""
    problems = []
    for message in ENTRIES:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = placeholders(ids[-1])
        for form in _forms(message):
            if placeholders(form) != expected:
                problems.append(f"{message.id!r} -> {form!r}: {placeholders(form)} != {expected}")
    assert not problems, "\n".join(problems)


def test_placeholder_patterns():
    assert placeholders("Small n (smallest group {n})") == ["{n}"]
    assert placeholders("%s of %(total)d, 95% CI") == ["%(total)d", "%s"]
    assert placeholders("{0} {name!r} {:>3}") == ["{0}", "{:>3}", "{name!r}"]


_HALF_WIDTH_IN_CHINESE = re.compile(r"[,;:?!]")
#: Half-width brackets hold Latin text only: an abbreviation after its Chinese term (总生存(OS)),
#: a unit (总生存率(%)) or a formula (log(-log)); Chinese inside brackets takes （）.
_LATIN_BRACKETS = re.compile(r"\([^()\u4e00-\u9fff]*\)")


def test_chinese_punctuation_is_full_width():
    """No half-width , ; : ? ! in a Chinese translation, and its brackets hold Latin text only;
    the failure lists every translation that breaks either rule."""
    problems = []
    for message in ENTRIES:
        for text in _forms(message):
            if not re.search(r"[\u4e00-\u9fff]", text):
                continue
            if _HALF_WIDTH_IN_CHINESE.search(text):
                problems.append(f"half-width punctuation: {message.id!r} -> {text!r}")
            bare = _LATIN_BRACKETS.sub("", text)
            if "(" in bare or ")" in bare:
                problems.append(f"half-width bracket around Chinese: {message.id!r} -> {text!r}")
    assert not problems, "\n".join(problems)


#: Terms as the Chinese guidelines write them (../shared/reference/zh-terms.md).
GUIDELINE_TERMS = {
    "Induction": "诱导治疗",
    "Consolidation": "巩固治疗",
    "Maintenance": "维持治疗",
    "Relapse": "复发",
    "Cumulative incidence of relapse": "累积复发率(CIR)",
    "Overall survival": "总生存(OS)",
    "Leukaemia-free survival": "无白血病生存(LFS)",
    "Disease-free survival": "无病生存(DFS)",
    "Non-relapse mortality": "非复发死亡率(NRM)",
    "GVHD-free, relapse-free survival": "无GVHD无复发生存(GRFS)",
    "Complete remission (CR/CRi)": "完全缓解",
    "Overall response rate": "总反应率(ORR)",
    "Acute GVHD grade II-IV": "Ⅱ～Ⅳ度急性GVHD",
    "Randomised controlled trial": "随机对照试验",
    "Retrospective": "回顾性研究",
    "Registry analysis": "登记研究",
    "Allogeneic HSCT: donors, conditioning regimens, bridging": "异基因造血干细胞移植(allo-HSCT)",
    "Patients who went on to allogeneic stem-cell transplantation after the therapy.": (
        "异基因造血干细胞移植(allo-HSCT)"
    ),
    "Incidence of grade II to IV acute graft-versus-host disease.": "移植物抗宿主病(GVHD)",
}


def test_guideline_terms():
    problems = [
        f"{english!r}: {term!r} not in {TRANSLATED.get(english)!r}"
        for english, term in GUIDELINE_TERMS.items()
        if term not in TRANSLATED.get(english, "")
    ]
    assert not problems, "\n".join(problems)


# --- the translator -----------------------------------------------------------------------------

SMALL_PO = b"""
msgid ""
msgstr ""
"Language: zh\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Overview"
msgstr "\xe6\xa6\x82\xe8\xa7\x88"

#, fuzzy
msgid "Guessed"
msgstr "guess"

msgid "Empty"
msgstr ""

msgctxt "unit"
msgid "months"
msgstr "\xe6\x9c\x88"

msgid "{n} patient"
msgid_plural "{n} patients"
msgstr[0] "{n}\xe4\xbe\x8b"

msgid "Broken {n}"
msgstr "\xe5\x9d\x8f {m}"
"""


@pytest.fixture
def small():
    clear_missing_translations()
    yield Translator("zh", read_catalogue(io.BytesIO(SMALL_PO), "zh"))
    clear_missing_translations()


def test_translates_and_falls_back_to_english(small):
    assert small.gettext("Overview") == "概览"
    assert small.gettext("Not in the catalogue") == "Not in the catalogue"
    assert small.gettext("Guessed") == "Guessed"  # fuzzy: not used
    assert small.gettext("Empty") == "Empty"
    assert missing_translations() == {
        ("zh", "Not in the catalogue"),
        ("zh", "Guessed"),
        ("zh", "Empty"),
    }


def test_context_plural_and_format(small):
    assert small.pgettext("unit", "months") == "月"
    assert small.gettext("months") == "months"  # without its context it is another message
    assert small.ngettext("{n} patient", "{n} patients", 1) == "{n}例"
    assert small.nformat("{n} patient", "{n} patients", 12) == "12例"
    assert small.nformat("{x} thing", "{x} things", 2, x="two") == "two things"
    assert ("zh", "{x} thing") in missing_translations()


def test_a_translation_with_wrong_placeholders_shows_the_english(small):
    assert small.format("Broken {n}", n=3) == "Broken 3"
    assert ("zh", "Broken {n}") in missing_translations()
    with pytest.raises(KeyError):  # the code's own template is wrong: an error, not a fallback
        small.format("Needs {m}", n=3)


def test_english_is_the_source():
    clear_missing_translations()
    en = translator("en")
    assert en.gettext("Anything at all") == "Anything at all"
    assert en.ngettext("{n} patient", "{n} patients", 1) == "{n} patient"
    assert en.nformat("{n} patient", "{n} patients", 3) == "3 patients"
    assert missing_translations() == frozenset()


def test_the_shipped_catalogue():
    zh = translator("zh")
    assert zh.gettext("Overview") == "概览"
    assert zh.format("Small n (smallest group {n})", n=7) == "样本量小（最小组7例）"
    assert zh is translator("zh")
    assert catalog._messages.cache_info().currsize <= 1  # read once per process


def test_unsupported_language():
    with pytest.raises(ValueError):
        translator("fr")
    assert catalog.SUPPORTED == ("en", "zh")


def test_importing_reads_no_catalogue_and_sets_no_language():
    code = (
        "import lib.i18n, lib.i18n.catalog as c, sys;"
        "print(c._messages.cache_info().currsize, lib.i18n.current_language(),"
        " 'streamlit' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", "en", "False"]
