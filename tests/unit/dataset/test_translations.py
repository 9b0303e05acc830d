"""The Chinese text of the dataset (data/translations/zh.yaml) against the English in data/*.yaml.

zh.yaml holds collection -> record id -> field path -> text. A path exists exactly where the
English record has a non-empty user-facing text: `arms.<arm id>.label`, `n.flags.0.note`,
`aims.2.editorial` for an editorial sentence, `changelog.0.summary` under `info`. Source excerpts,
`as_printed`, `endpoint_wording`, `source_wording`, ids, citations and URLs are not translated.

Every Chinese text must be Chinese (CJK characters, simplified), carry the same numbers as its
English (no number changes with the language; a truncated "P=0." or "95." stays truncated), and
use full-width punctuation in its Chinese sentences.

The walk of a record's text fields and the checks the loader makes on every load (keys, Chinese
characters, numbers, truncated figures, lengths) live in lib.dataset.translations; the style
checks here (simplified characters, punctuation, label lengths) are for the translators.
"""

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from lib.dataset.loading import RECORD_MODELS
from lib.dataset.problems import FILES
from lib.dataset.translations import (
    QUOTED_TRUNCATED,
    TRANSLATED,
    TRUNCATED_AS_PRINTED,
    check_translation,
    english_fields,
    numbers_en,
    numbers_zh,
)
from lib.dataset.translations import english_texts as texts_of
from tests.unit.conftest import DATA_DIR, load_yaml

ZH_FILE = DATA_DIR / "translations" / "zh.yaml"
COLLECTIONS = TRANSLATED
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


def english_collections() -> dict[str, Any]:
    """The shipped data files' collections, parsed, by key."""
    collections: dict[str, Any] = {}
    for file_name, keys in FILES.items():
        content = load_yaml(DATA_DIR / file_name)
        collections.update({key: content.get(key) for key in keys})
    return collections


def english_texts() -> dict[str, dict[str, dict[str, str]]]:
    """collection -> record id -> field path -> English text, from the shipped data files (the
    loader's walk, lib.dataset.translations.text_fields)."""
    return texts_of(english_collections())


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


# --- the tests -----------------------------------------------------------------------------


def test_zh_file_holds_the_collections():
    zh = load_yaml(ZH_FILE)
    assert isinstance(zh, dict)
    assert set(zh) == set(COLLECTIONS)


def test_the_loader_check_finds_nothing():
    """The loader's check (keys, CJK, numbers, truncation, lengths) on the shipped files."""
    checked = check_translation(
        "zh", load_yaml(ZH_FILE), english_fields(english_collections()), models=RECORD_MODELS
    )
    assert [str(p) for p in checked.problems] == []
    assert sum(len(t) for records in checked.texts.values() for t in records.values()) == 1516


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
        for cut, pattern in TRUNCATED_AS_PRINTED.items():
            if len(pattern.findall(en)) != len(pattern.findall(zh)):
                problems.append(f"{where}: {cut!r} {len(pattern.findall(en))} times in English")
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
