"""The dataset in Chinese: load_dataset(data_dir, lang="zh") lays translations/zh.yaml over the
English text fields before validation, and every load checks the Chinese (the problem kinds are
in the bad-input corpus, tests/corpus/translation-*)."""

import copy
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from lib.dataset.loading import fingerprint, load_dataset, load_or_report
from lib.dataset.problems import TRANSLATION_FILES, DataError
from lib.dataset.records import Dataset, Editorial
from lib.dataset.translations import (
    TRANSLATED,
    english_fields,
    numbers_en,
    numbers_zh,
    overlay,
    text_fields,
    text_problems,
)
from tests.fixtures.synthetic import generate
from tests.unit.conftest import DATA_DIR, dump_yaml, load_yaml

ZH_FILE = DATA_DIR / TRANSLATION_FILES["zh"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def zh_dataset() -> Dataset:
    return load_dataset(DATA_DIR, lang="zh")


def _records(ds: Dataset) -> dict[str, dict[str, Any]]:
    """collection -> record id -> the record dumped as JSON-like data (`info` under "")."""
    dump = ds.model_dump(mode="json")
    out = {c: {r["id"]: r for r in dump[c]} for c in TRANSLATED if c != "info"}
    out["info"] = {"": dump["info"]}
    return out


def _texts(collection: str, record: dict) -> dict[str, str]:
    return {f.path: f.text for f in text_fields(collection, record)}


def _without_text(collection: str, record: dict) -> dict:
    """The record with every user-facing text replaced by a placeholder."""
    record = copy.deepcopy(record)
    for field in text_fields(collection, record):
        node = record
        for step in field.location[:-1]:
            node = node[step]
        node[field.location[-1]] = "<text>"
    return record


def _zh_file() -> dict[str, dict[str, dict[str, str]]]:
    zh = load_yaml(ZH_FILE)
    return {c: ({"": zh[c]} if c == "info" else zh[c]) for c in TRANSLATED}


# --- the shipped data in both languages ----------------------------------------------------


def test_shipped_data_loads_in_both_languages(dataset, zh_dataset):
    assert dataset.lang == "en" and zh_dataset.lang == "zh"
    assert len(zh_dataset.studies) == len(dataset.studies) > 0
    assert zh_dataset.study("sorafenib-flt3").title.startswith("FLT3-ITD阳性")


def test_every_translated_field_is_the_chinese(zh_dataset):
    zh_file, shown, count = _zh_file(), _records(zh_dataset), 0
    for collection, records in zh_file.items():
        for record_id, texts in records.items():
            assert _texts(collection, shown[collection][record_id]) == {
                path: text.strip() for path, text in texts.items()
            }, f"{collection}: {record_id}"
            count += len(texts)
    assert count == 1516


def test_only_text_differs_between_the_languages(dataset, zh_dataset):
    english, chinese = _records(dataset), _records(zh_dataset)
    assert english.keys() == chinese.keys()
    for collection in TRANSLATED:
        assert list(english[collection]) == list(chinese[collection])  # ids and order
        for record_id, en in english[collection].items():
            zh = chinese[collection][record_id]
            assert _without_text(collection, en) == _without_text(collection, zh), record_id
            en_texts, zh_texts = _texts(collection, en), _texts(collection, zh)
            assert en_texts.keys() == zh_texts.keys()
            assert all(CJK.search(text) for text in zh_texts.values()), record_id


def test_figures_as_printed_and_excerpts_stay_as_printed(dataset, zh_dataset):
    en_outcomes = {o.id: o for o in dataset.outcomes}
    for outcome in zh_dataset.outcomes:
        en = en_outcomes[outcome.id]
        assert (outcome.value, outcome.as_printed, outcome.excerpt) == (
            en.value,
            en.as_printed,
            en.excerpt,
        )
    truncated = next(c for c in zh_dataset.comparisons if c.id == "venhma.mos")
    assert truncated.p.as_printed == "P=0." and truncated.p.value is None
    assert next(o for o in zh_dataset.outcomes if o.id == "ifnrux.orr.mrd").as_printed == "95."
    en_arms = {a.id: a for s in dataset.studies for a in s.arms}
    for arm in (a for s in zh_dataset.studies for a in s.arms):
        assert arm.source_wording == en_arms[arm.id].source_wording


def test_arm_ids_with_dots_find_their_chinese(zh_dataset):
    arms = {a.id: a for a in zh_dataset.study("sorafenib-flt3").arms}
    assert arms["sora.control"].label == "无维持治疗"
    assert arms["sora.sorafenib"].label == "索拉非尼"


def test_notes_keep_editorial_sentences_and_principles_their_characters(dataset, zh_dataset):
    en_note = next(n for n in dataset.notes if n.id == "note-induction")
    zh_note = next(n for n in zh_dataset.notes if n.id == "note-induction")
    assert isinstance(en_note.caveats[1], Editorial)
    assert isinstance(zh_note.caveats[1], Editorial)  # still marked editorial (编者注)
    assert CJK.search(zh_note.caveats[1].editorial)
    assert isinstance(zh_note.caveats[0], str)
    for en, zh in zip(en_note.principles, zh_note.principles, strict=True):
        assert (zh.chinese, zh.pinyin, zh.source_wording) == (
            en.chinese,
            en.pinyin,
            en.source_wording,
        )
        assert zh.gloss != en.gloss and CJK.search(zh.gloss)  # the explanation, in Chinese
    assert zh_note.excerpts == en_note.excerpts


def test_the_english_dataset_is_as_before(dataset):
    dump = dataset.model_dump()
    assert "lang" not in dump and "_lang" not in dump
    assert dataset == load_dataset(DATA_DIR, lang="en")
    assert dataset.study("sorafenib-flt3").title.startswith("Sorafenib")
    assert not any(CJK.search(s.title) for s in dataset.studies)


def test_an_unsupported_language_is_refused():
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        load_dataset(DATA_DIR, lang="fr")


# --- problems, whichever language is loaded ------------------------------------------------


@pytest.fixture
def broken_zh(data_copy: Path) -> Path:
    zh = load_yaml(data_copy / TRANSLATION_FILES["zh"])
    del zh["studies"]["sorafenib-flt3"]["arms.sora.control.label"]
    zh["glossary"]["hid"]["correct_term"] = "Haploidentical donors"
    (data_copy / TRANSLATION_FILES["zh"]).write_text(dump_yaml(zh), encoding="utf-8")
    return data_copy


def test_chinese_problems_stop_either_language(broken_zh):
    expected = [
        "translations/zh.yaml: study sorafenib-flt3: arms.sora.control.label: missing Chinese text",
        "translations/zh.yaml: glossary hid: correct_term: no Chinese characters: "
        "'Haploidentical donors'",
    ]
    for lang in ("en", "zh"):
        with pytest.raises(DataError) as error:
            load_dataset(broken_zh, lang=lang)
        assert [str(p) for p in error.value.problems] == expected


def test_load_or_report_prints_chinese_problems(broken_zh):
    stream = io.StringIO()
    assert load_or_report(broken_zh, stream, lang="zh") is None
    assert stream.getvalue().splitlines()[-1] == f"2 problems in {broken_zh}"


def test_english_problems_come_before_chinese_ones(broken_zh):
    path = broken_zh / "outcomes.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 80.0", "value: 800.0", 1))
    with pytest.raises(DataError) as error:
        load_dataset(broken_zh)
    files = [p.file for p in error.value.problems]
    assert files[0] == "outcomes.yaml" and files[-1] == "translations/zh.yaml"
    assert files == sorted(files, key=lambda f: f.startswith("translations/"))


def test_fingerprint_follows_the_chinese_file(data_copy):
    before = fingerprint(data_copy)
    with (data_copy / TRANSLATION_FILES["zh"]).open("a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    assert fingerprint(data_copy) != before


def test_synthetic_data_carries_its_chinese(tmp_path):
    directory = generate(3, tmp_path / "x3")
    zh = load_dataset(directory, lang="zh")
    assert len(zh.studies) == 3 * len(load_dataset(DATA_DIR).studies)
    copy_ = next(s for s in zh.studies if s.id == "sorafenib-flt3-s2")
    assert {a.id: a.label for a in copy_.arms}["sora.control-s2"] == "无维持治疗"


# --- the parts -----------------------------------------------------------------------------


def test_overlay_replaces_text_only():
    record = {
        "id": "n1",
        "aims": ["Aim 1.", {"editorial": "Ours."}],
        "excerpts": ["As printed."],
        "principles": [{"chinese": "扶正", "pinyin": "fúzhèng", "gloss": "support", "use": "x"}],
    }
    collections = {"notes": [record]}
    zh = {
        "notes": {
            "n1": {"aims.0": "目标1。", "aims.1.editorial": "编者。", "principles.0.gloss": "扶助"}
        }
    }
    overlay(collections, zh)
    assert record["aims"] == ["目标1。", {"editorial": "编者。"}]
    assert record["excerpts"] == ["As printed."]
    assert record["principles"][0] == {
        "chinese": "扶正",
        "pinyin": "fúzhèng",
        "gloss": "扶助",
        "use": "x",
    }


def test_the_walk_tolerates_malformed_records():
    assert text_fields("studies", "not a record") == []
    fields = text_fields("studies", {"title": 5, "arms": "none", "n": [1], "short_label": " "})
    assert fields == []
    english = english_fields({"studies": [{"id": "a", "title": "A"}, {"id": "a", "title": "B"}]})
    assert english == {"studies": {"a": None}}  # an id used twice: not compared


@pytest.mark.parametrize(
    ("english", "chinese", "problems"),
    [
        ("Phase III trial, n=24", "Ⅲ期试验，n=24", []),
        ("phase 3 trial in March 2012", "2012年3月的3期试验", []),
        ("HR 0.25 (95% CI 0.11-0.57)", "风险比0.25（95%置信区间0.11-0.57）", []),
        ("Printed as 'P=0.'", "原文印作“P=0.”", []),
        (
            "Printed as '95.'",
            "原文印作“95.0”",
            ["numbers differ", "'95.' must stay as printed: 1 in the English, 0"],
        ),
        ("Printed as '95.'", "原文印作“95”", ["'95.' must stay as printed: 1 in the English, 0"]),
        ("read as '24.' / '5%'", "读作“24.”/“5%”", []),
        ("read as '24.' / '5%'", "读作“24.5%”", ["differ", "'24.' in the English, none in"]),
        ("read as P=0.034", "读作P=0.034", []),
        ("24.5%", "比例24.6%", ["only in the English 24.5; only in the Chinese 24.6"]),
        ("24.5%", "累积复发率", ["only in the English 24.5"]),
        ("A title", "A title", ["no Chinese characters: 'A title'"]),
    ],
)
def test_text_problems(english, chinese, problems):
    found = text_problems(english, chinese)
    assert len(found) == len(problems), found
    for message, fragment in zip(found, problems, strict=True):
        assert fragment in message


def test_number_reading():
    assert numbers_en("phase II, phase IV; 7 January") == {"2", "4", "7", "1"}
    assert numbers_zh("Ⅱ期，Ⅳ期；1月7日") == {"2", "4", "7", "1"}


def test_a_copy_without_translations_dir_names_the_file(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("translations"))
    with pytest.raises(DataError) as error:
        load_dataset(target)
    assert [str(p) for p in error.value.problems] == ["translations/zh.yaml: -: -: file not found"]
