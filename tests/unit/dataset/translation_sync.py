"""A test helper: bring a data directory's Chinese (translations/zh.yaml) in line with its edited
English, for tests about something else that add, rename or rewrite English text.

Every English text with no Chinese, or whose Chinese no longer passes the checks (other numbers),
gets a stand-in `译：<the English>` (Chinese characters, the English numbers); Chinese for fields
or records the English no longer has is dropped. Texts that still match are left alone.
"""

from pathlib import Path

import yaml

from lib.dataset.problems import FILES, TRANSLATION_FILES
from lib.dataset.translations import english_texts, numbers_en, numbers_zh, text_problems
from tests.unit.conftest import dump_yaml, load_yaml

STAND_IN = "译："


def stand_in(english: str) -> str:
    """A Chinese stand-in for an English text that passes the checks: 译：<English>, and the
    English's numbers written out when it spells some (phase III, March)."""
    text = STAND_IN + english
    if numbers_zh(text) != numbers_en(english):
        text += "（" + " ".join(sorted(numbers_en(english))) + "）"
    return text


def sync_translation(data_dir: Path, lang: str = "zh") -> bool:
    """Rewrite the translation file of `data_dir` to match its English; True if it changed."""
    data_dir = Path(data_dir)
    path = data_dir / TRANSLATION_FILES[lang]
    try:
        old = load_yaml(path)
    except (OSError, ValueError, yaml.YAMLError):
        return False
    if not isinstance(old, dict):
        return False
    collections = {}
    for name, keys in FILES.items():
        try:
            content = load_yaml(data_dir / name)
        except (OSError, ValueError, yaml.YAMLError):  # a broken file: its Chinese stays as is
            continue
        for key in keys:
            collections[key] = content.get(key) if isinstance(content, dict) else None
    new = dict(old)
    for collection, records in english_texts(collections).items():
        translated = old.get(collection) or {}
        if collection == "info":
            translated = {"": translated}
        out = {}
        for record_id, texts in records.items():
            before = translated.get(record_id) or {}
            out[record_id] = {
                path_: (
                    before[path_]
                    if isinstance(before.get(path_), str)
                    and before[path_].strip()
                    and not text_problems(text, before[path_], lang)
                    else stand_in(text)
                )
                for path_, text in texts.items()
            }
        new[collection] = out[""] if collection == "info" else out
    if new == old:
        return False
    path.write_text(dump_yaml(new), encoding="utf-8")
    return True
