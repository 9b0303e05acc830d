"""Names on Chinese pages: where the data knows a person's name in characters, the Chinese text
writes the characters, never the pinyin alone ("Xia Linghui教授" beside 胡晓梅 read as a foreign
name)."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lib.dataset.problems import TRANSLATION_FILES
from lib.i18n.catalog import catalogue_path
from tests.unit.conftest import DATA_DIR, load_yaml, yaml_strings

#: "Xia Linghui (夏凌辉)", "Mei Guo (郭梅; Guo M)": a name in pinyin with its characters.
NAMED = re.compile(r"\b([A-Z][a-z]+) ([A-Z][a-z]+) \(([\u4e00-\u9fff]{2,4})[;),]")


def known_names() -> dict[str, str]:
    """pinyin name (either order) -> characters, from every English data file."""
    names: dict[str, str] = {}
    for path in sorted(Path(DATA_DIR).glob("*.yaml")):
        for text in yaml_strings(load_yaml(path)):
            for first, second, characters in NAMED.findall(text):
                names[f"{first} {second}"] = characters
                names[f"{second} {first}"] = characters
    return names


def chinese_texts() -> list[tuple[str, str]]:
    """(where, text) for every Chinese text of the pages: the dataset's and the catalogue's."""
    zh = load_yaml(Path(DATA_DIR) / TRANSLATION_FILES["zh"])
    texts = [("zh.yaml", t) for t in yaml_strings(zh)]
    with catalogue_path("zh").open("rb") as po:
        for message in read_po(po):
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            texts += [("phasewise.po", form) for form in forms if form]
    return texts


NAMES = known_names()


def _pinyin(name: str) -> re.Pattern:
    """The name between non-letters: CJK characters count as word characters for \\b, so
    "Xia Linghui教授" needs Latin letters, not word boundaries, around the name."""
    return re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])")


def test_the_data_knows_the_speakers_and_authors_in_characters():
    assert NAMES["Xia Linghui"] == "夏凌辉"
    assert NAMES["Mei Guo"] == NAMES["Guo Mei"] == "郭梅"
    assert NAMES["Hu Xiaomei"] == "胡晓梅"


@pytest.mark.parametrize("name", sorted(NAMES))
def test_no_pinyin_name_without_its_characters_in_chinese(name):
    pattern = _pinyin(name)
    bare = [
        (where, text)
        for where, text in chinese_texts()
        if pattern.search(text) and NAMES[name] not in text
    ]
    assert not bare, f"{name} in pinyin without {NAMES[name]}: {bare}"


def test_the_check_finds_a_bare_pinyin_name():
    text = "Xia Linghui教授2022年CSH学术会议报告"
    assert _pinyin("Xia Linghui").search(text) and NAMES["Xia Linghui"] not in text
