"""The Chinese text of the dataset (data/translations/zh.yaml) against the English in data/*.yaml.

zh.yaml holds collection -> record id -> field path -> text. A path exists exactly where the
English record has a non-empty user-facing text: `arms.<arm id>.label`, `n.flags.0.note`,
`aims.2.editorial` for an editorial sentence, `changelog.0.summary` under `info`. Source excerpts,
`as_printed`, `endpoint_wording`, `source_wording`, ids, citations and URLs are not translated.

Every Chinese text must be Chinese (CJK characters, simplified), carry the same numbers as its
English (no number changes with the language; a truncated "P=0." or "95." stays truncated), and
use full-width punctuation in its Chinese sentences.
"""

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.conftest import DATA_DIR, load_yaml

ZH_FILE = DATA_DIR / "translations" / "zh.yaml"
COLLECTIONS = (
    "studies",
    "outcomes",
    "comparisons",
    "key_facts",
    "notes",
    "consensus",
    "glossary",
    "publications",
    "documents",
    "info",
)
# Text fields of each collection that a user reads, by field path in the record.
FIELDS = {
    "studies": ("title", "short_label", "population", "phase_rationale", "design_note"),
    "outcomes": ("time_point.label", "subgroup", "phase_rationale"),
    "comparisons": ("statement", "time_point.label", "subgroup", "phase_rationale"),
    "key_facts": ("label", "scope", "counted", "time_point.label"),
    "consensus": ("title", "summary"),
    "glossary": ("correct_term", "basis"),
    "publications": ("checked", "unconfirmed"),
    "documents": ("title", "translation_note"),
}
# Fields the data models hold to 300 characters (ShortText) or fewer; the Chinese keeps to them.
LIMITS = {"short_label": 40}
SHORT_FIELDS = {
    "title",
    "label",
    "intervention",
    "statement",
    "subgroup",
    "counted",
    "gloss",
    "western",
    "evidence_level",
    "correct_term",
    "basis",
}

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
# A figure cut off after its decimal point and quoted as printed: 'P=0.', '95.', '24.' / '5%'.
QUOTED_TRUNCATED = re.compile(r"[0-9]+\.(?=['\"“”‘’])")
ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
ZH_ROMAN = {"Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4"}
MONTHS = (
    "January February March April May June July August September October November December"
).split()
# ASCII , ; : ! ? or a full stop touching a Chinese character: Chinese sentences take ，；：！？。
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:!?.]|[,;:!?]\s*[\u4e00-\u9fff]")
# A half-width bracket holding Chinese: only a Latin abbreviation after a term goes in ( ).
CHINESE_IN_HALF_WIDTH_BRACKETS = re.compile(r"\([^()]*[\u4e00-\u9fff][^()]*\)")
# Digits and percent signs stay as in the English, never full-width.
FULL_WIDTH_FIGURES = re.compile(r"[０-９％．]")
# Common traditional forms that must not appear in simplified text.
TRADITIONAL = set(
    "與為個們來這時後會發體國學醫療藥術語對於開關經過實現"
    "問題應該還點變歲據顯併腫細脫離歸預處殘檢測報導確認"
    "錄標譯轉換審風險區間數準輸註"
)


def _put(texts: dict[str, str], path: str, value: Any) -> None:
    if value in (None, ""):
        return
    if isinstance(value, dict) and set(value) == {"editorial"}:
        texts[f"{path}.editorial"] = value["editorial"]
    else:
        assert isinstance(value, str), f"{path}: expected text, got {value!r}"
        texts[path] = value


def _get(record: dict, path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _provenance(texts: dict[str, str], prefix: str, item: dict | None) -> None:
    if not item:
        return
    _put(texts, f"{prefix}verification.note", (item.get("verification") or {}).get("note"))
    for i, flag in enumerate(item.get("flags") or ()):
        _put(texts, f"{prefix}flags.{i}.note", flag.get("note"))


def _record_texts(collection: str, record: dict) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in FIELDS.get(collection, ()):
        _put(texts, path, _get(record, path))
    if collection == "studies":
        for count in ("n", "n_published"):
            _provenance(texts, f"{count}.", record.get(count))
        for arm in record["arms"]:
            _put(texts, f"arms.{arm['id']}.label", arm.get("label"))
            _put(texts, f"arms.{arm['id']}.intervention", arm.get("intervention"))
            _provenance(texts, f"arms.{arm['id']}.n.", arm.get("n"))
    elif collection in ("outcomes", "comparisons", "key_facts"):
        _provenance(texts, "", record)
    elif collection == "consensus":
        for i, flag in enumerate(record.get("flags") or ()):
            _put(texts, f"flags.{i}.note", flag.get("note"))
    elif collection == "notes":
        _put(texts, "scope", record.get("scope"))
        _put(texts, "key_message", record.get("key_message"))
        for i, aim in enumerate(record.get("aims") or ()):
            _put(texts, f"aims.{i}", aim)
        for i, principle in enumerate(record.get("principles") or ()):
            _put(texts, f"principles.{i}.gloss", principle.get("gloss"))
            _put(texts, f"principles.{i}.use", principle.get("use"))
        for i, pairing in enumerate(record.get("pairings") or ()):
            _put(texts, f"pairings.{i}.western", pairing.get("western"))
            _put(texts, f"pairings.{i}.integrative", pairing.get("integrative"))
        for i, case in enumerate(record.get("cases") or ()):
            _put(texts, f"cases.{i}", case)
        for i, caveat in enumerate(record.get("caveats") or ()):
            _put(texts, f"caveats.{i}", caveat)
        _put(texts, "evidence_level", record.get("evidence_level"))
    return texts


def english_texts() -> dict[str, dict[str, dict[str, str]]]:
    """collection -> record id -> field path -> English text, from the shipped data files."""
    files = {
        "studies": "studies.yaml",
        "outcomes": "outcomes.yaml",
        "comparisons": "comparisons.yaml",
        "key_facts": "key_facts.yaml",
        "notes": "notes.yaml",
        "consensus": "notes.yaml",
        "glossary": "glossary.yaml",
        "publications": "sources.yaml",
        "documents": "sources.yaml",
    }
    english: dict[str, dict[str, dict[str, str]]] = {}
    for collection, file_name in files.items():
        records = load_yaml(DATA_DIR / file_name)[collection]
        english[collection] = {r["id"]: _record_texts(collection, r) for r in records}
    info = load_yaml(DATA_DIR / "dataset.yaml")["info"]
    texts: dict[str, str] = {}
    _put(texts, "title", info.get("title"))
    for i, entry in enumerate(info["changelog"]):
        _put(texts, f"changelog.{i}.summary", entry.get("summary"))
    english["info"] = {"": texts}
    return english


def chinese_texts() -> dict[str, dict[str, dict[str, Any]]]:
    zh = load_yaml(ZH_FILE)
    assert isinstance(zh, dict), "zh.yaml: expected a mapping of collections"
    out = {c: dict(v or {}) for c, v in zh.items() if c != "info"}
    out["info"] = {"": dict(zh.get("info") or {})}
    return out


def pairs() -> Iterator[tuple[str, str, str, str]]:
    """(where, field path, English, Chinese) for every field present in both."""
    english, chinese = english_texts(), chinese_texts()
    for collection, records in english.items():
        for record_id, texts in records.items():
            zh = chinese.get(collection, {}).get(record_id) or {}
            for path, text in texts.items():
                if path in zh:
                    where = f"{collection}: {record_id or 'info'}: {path}"
                    yield where, path, text, zh[path]


def numbers_en(text: str) -> set[str]:
    text = re.sub(
        r"\bphase (IV|III|II|I)\b", lambda m: "phase " + ROMAN[m[1]], text, flags=re.IGNORECASE
    )
    for number, month in enumerate(MONTHS, 1):
        text = re.sub(rf"\b{month}\b", f" {number} ", text)
    return set(NUMBER.findall(text))


def numbers_zh(text: str) -> set[str]:
    text = re.sub(r"([ⅠⅡⅢⅣ])期", lambda m: ZH_ROMAN[m[1]] + "期", text)
    return set(NUMBER.findall(text))


# --- the tests -----------------------------------------------------------------------------


def test_zh_file_holds_the_collections():
    zh = load_yaml(ZH_FILE)
    assert isinstance(zh, dict)
    assert set(zh) == set(COLLECTIONS)


def test_keys_match_the_english():
    english, chinese = english_texts(), chinese_texts()
    problems = []
    for collection in COLLECTIONS:
        en_records, zh_records = english[collection], chinese.get(collection, {})
        for record_id in en_records.keys() - zh_records.keys():
            if en_records[record_id]:
                problems.append(f"{collection}: {record_id}: -: no Chinese for this record")
        for record_id in zh_records.keys() - en_records.keys():
            problems.append(f"{collection}: {record_id}: -: no such record in the English")
        for record_id in en_records.keys() & zh_records.keys():
            en_keys, zh_keys = set(en_records[record_id]), set(zh_records[record_id] or {})
            name = record_id or "info"
            problems += [f"{collection}: {name}: {k}: missing" for k in sorted(en_keys - zh_keys)]
            problems += [
                f"{collection}: {name}: {k}: not a text field of the English record"
                for k in sorted(zh_keys - en_keys)
            ]
    assert not problems, "\n".join(problems)


def test_every_text_is_simplified_chinese():
    problems = []
    for where, _, _, zh in pairs():
        if not isinstance(zh, str) or not zh.strip():
            problems.append(f"{where}: empty or not text")
        elif not CJK.search(zh):
            problems.append(f"{where}: no Chinese characters: {zh!r}")
        elif TRADITIONAL & set(zh):
            problems.append(f"{where}: traditional characters {sorted(TRADITIONAL & set(zh))}")
    assert not problems, "\n".join(problems)


def test_numbers_are_the_english_numbers():
    problems = []
    for where, _, en, zh in pairs():
        en_numbers, zh_numbers = numbers_en(en), numbers_zh(zh)
        if en_numbers != zh_numbers:
            problems.append(
                f"{where}: only in English {sorted(en_numbers - zh_numbers)}, "
                f"only in Chinese {sorted(zh_numbers - en_numbers)}"
            )
    assert not problems, "\n".join(problems)


def test_truncated_figures_stay_truncated():
    problems = []
    for where, _, en, zh in pairs():
        if Counter(QUOTED_TRUNCATED.findall(en)) != Counter(QUOTED_TRUNCATED.findall(zh)):
            problems.append(f"{where}: {QUOTED_TRUNCATED.findall(en)} in English")
        for cut in ("P=0.", "95."):
            if en.count(cut) != zh.count(cut):
                problems.append(f"{where}: {cut!r} {en.count(cut)} times in English")
    assert not problems, "\n".join(problems)


def test_chinese_sentences_use_full_width_punctuation():
    problems = []
    for where, _, _, zh in pairs():
        if match := HALF_WIDTH_IN_CHINESE.search(zh):
            problems.append(f"{where}: half-width punctuation {match[0]!r}")
        if match := CHINESE_IN_HALF_WIDTH_BRACKETS.search(zh):
            problems.append(f"{where}: Chinese inside half-width brackets {match[0]!r}")
        if match := FULL_WIDTH_FIGURES.search(zh):
            problems.append(f"{where}: full-width digit or percent sign {match[0]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("field", ["short_label"])
def test_labels_fit_where_the_english_fits(field):
    too_long = [
        f"{where}: {len(zh)} characters"
        for where, path, _, zh in pairs()
        if path == field and len(zh) > LIMITS[field]
    ]
    assert not too_long, "\n".join(too_long)


def test_short_fields_stay_short():
    too_long = [
        f"{where}: {len(zh)} characters"
        for where, path, _, zh in pairs()
        if path.split(".")[-1] in SHORT_FIELDS and len(zh) > 300
    ]
    assert not too_long, "\n".join(too_long)
