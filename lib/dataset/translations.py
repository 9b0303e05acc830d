"""The dataset's text in another language (data/translations/zh.yaml): checked against the English
records and laid over them before the records are validated. Pure: no I/O.

A translation file maps collection -> record id -> field path -> text (`info` maps field path ->
text directly). A field path exists exactly where the English record has a non-empty user-facing
text: `title`, `time_point.label`, `n.flags.0.note`, `arms.<arm id>.label`, `aims.2` or, for an
editorial sentence (`{editorial: ...}`), `aims.2.editorial`. Arm ids contain dots, so a path is
never parsed: `text_fields` walks the English record and gives each field's path together with
its location in the parsed YAML, and the translation is looked up by the whole path.

Not translated, so never in the file: ids, numbers, source excerpts, `as_printed` (its words
as read, `reads`, are), `endpoint_wording` and `source_wording` (the source's own words), the
characters and pinyin of a TCM principle, citations (except a publication not found, which is
described in words, and one of a Chinese-language journal, cited in Chinese), URLs, a
publication figure's `locator` (where in the paper it is printed, like a citation) and its
verification's date and address read. A principle's `gloss` is its explanation in the
dataset's language.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, NamedTuple

from pydantic import BaseModel

from lib.dataset.problems import COLLECTION_FILE, TRANSLATION_FILES, Problem
from lib.i18n.languages import language_spec

#: Collections with translated text, in the order of the translation file.
TRANSLATED = (
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
#: How a problem names a record of each collection: `study sorafenib-flt3`.
RECORD_NAMES = {
    "studies": "study",
    "outcomes": "outcome",
    "comparisons": "comparison",
    "key_facts": "key_fact",
    "notes": "note",
    "consensus": "consensus",
    "glossary": "glossary",
    "publications": "publication",
    "documents": "document",
}
#: Plain (not list) text fields of each collection, by dotted location in the record.
FIELDS: dict[str, tuple[str, ...]] = {
    "studies": (
        "title",
        "short_label",
        "population",
        "population_label",
        "phase_rationale",
        "design_note",
    ),
    "outcomes": ("time_point.label", "subgroup", "phase_rationale", "reads"),
    "comparisons": ("statement", "time_point.label", "subgroup", "phase_rationale", "p.reads"),
    "key_facts": ("label", "scope", "counted", "time_point.label", "reads"),
    "notes": ("scope", "key_message"),
    "consensus": ("title", "summary"),
    "glossary": ("correct_term", "basis"),
    "publications": ("checked", "unconfirmed"),
    "documents": ("title", "outlet", "date", "translation_note"),
    "info": ("title",),
}
_SPLIT_FIELDS = {c: tuple(tuple(f.split(".")) for f in fs) for c, fs in FIELDS.items()}

Location = tuple[str | int, ...]


class TextField(NamedTuple):
    """One user-facing text of a record: its key in the translation file, where it sits in the
    parsed record, and the English."""

    path: str
    location: Location
    text: str


# --- the walk ------------------------------------------------------------------------------


def text_fields(collection: str, record: Any) -> list[TextField]:
    """Every non-empty user-facing text of one parsed (not yet validated) English record, in the
    order of the translation file. Tolerates malformed records: what is not text is skipped."""
    out: list[TextField] = []
    if not isinstance(record, dict):
        return out

    def put(path: str, location: Location, value: Any) -> None:
        if isinstance(value, str):
            if value.strip():
                out.append(TextField(path, location, value))
        elif isinstance(value, dict) and len(value) == 1:
            editorial = value.get("editorial")
            if isinstance(editorial, str) and editorial.strip():
                out.append(TextField(f"{path}.editorial", (*location, "editorial"), editorial))

    def provenance(prefix: str, location: Location, item: Any) -> None:
        if not isinstance(item, dict):
            return
        verification = item.get("verification")
        if isinstance(verification, dict):
            put(
                f"{prefix}verification.note",
                (*location, "verification", "note"),
                verification.get("note"),
            )
        for i, flag in _items(item.get("flags")):
            if isinstance(flag, dict):
                put(f"{prefix}flags.{i}.note", (*location, "flags", i, "note"), flag.get("note"))

    for location in _SPLIT_FIELDS.get(collection, ()):
        value: Any = record
        for step in location:
            value = value.get(step) if isinstance(value, dict) else None
        put(".".join(location), location, value)

    if collection == "studies":
        for count in ("n", "n_published"):
            provenance(f"{count}.", (count,), record.get(count))
        for i, arm in _items(record.get("arms")):
            if not isinstance(arm, dict) or not isinstance(arm.get("id"), str):
                continue
            prefix = f"arms.{arm['id']}."
            put(f"{prefix}label", ("arms", i, "label"), arm.get("label"))
            put(f"{prefix}intervention", ("arms", i, "intervention"), arm.get("intervention"))
            provenance(f"{prefix}n.", ("arms", i, "n"), arm.get("n"))
    elif collection in ("outcomes", "comparisons", "key_facts"):
        provenance("", (), record)
    elif collection == "consensus":
        for i, flag in _items(record.get("flags")):
            if isinstance(flag, dict):
                put(f"flags.{i}.note", ("flags", i, "note"), flag.get("note"))
    elif collection == "notes":
        for i, aim in _items(record.get("aims")):
            put(f"aims.{i}", ("aims", i), aim)
        for i, principle in _items(record.get("principles")):
            if isinstance(principle, dict):
                put(f"principles.{i}.gloss", ("principles", i, "gloss"), principle.get("gloss"))
                put(f"principles.{i}.use", ("principles", i, "use"), principle.get("use"))
        for i, pairing in _items(record.get("pairings")):
            if isinstance(pairing, dict):
                put(f"pairings.{i}.western", ("pairings", i, "western"), pairing.get("western"))
                put(
                    f"pairings.{i}.integrative",
                    ("pairings", i, "integrative"),
                    pairing.get("integrative"),
                )
        for name in ("cases", "caveats"):
            for i, text in _items(record.get(name)):
                put(f"{name}.{i}", (name, i), text)
        put("evidence_level", ("evidence_level",), record.get("evidence_level"))
    elif collection == "publications":
        # A reference stays as published (an English paper is cited in English in Chinese text
        # too); a description of a report not found, or a citation of a Chinese-language
        # journal, is text for the reader and is translated.
        citation = record.get("citation")
        if record.get("status") == "not_found" or (
            isinstance(citation, str) and re.search(r"[\u4e00-\u9fff]", citation)
        ):
            put("citation", ("citation",), citation)
    elif collection == "info":
        for i, entry in _items(record.get("changelog")):
            if isinstance(entry, dict):
                put(f"changelog.{i}.summary", ("changelog", i, "summary"), entry.get("summary"))
    return out


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    return enumerate(value) if isinstance(value, list) else iter(())


#: collection -> record id -> field path -> TextField; None for an id that two records share.
English = dict[str, dict[str, dict[str, TextField] | None]]


def english_fields(collections: Mapping[str, Any]) -> English:
    """collection -> record id -> field path -> TextField, from the parsed data files'
    collections (`info` under the record id ""). A collection absent from `collections` (its file
    could not be read) is absent from the result; an id two records share maps to None."""
    english: English = {}
    for collection in TRANSLATED:
        if collection not in collections:
            continue
        raw = collections[collection]
        if collection == "info":
            english["info"] = {"": _by_path("info", raw)}
            continue
        records: dict[str, dict[str, TextField] | None] = {}
        for record in raw if isinstance(raw, list) else ():
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                # an id used twice is reported by the English rules; its text is not compared
                duplicate = record["id"] in records
                records[record["id"]] = None if duplicate else _by_path(collection, record)
        english[collection] = records
    return english


def _by_path(collection: str, record: Any) -> dict[str, TextField]:
    return {f.path: f for f in text_fields(collection, record)}


def english_texts(collections: Mapping[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    """collection -> record id -> field path -> English text (`english_fields`, texts only)."""
    return {
        collection: {
            record_id: {path: f.text for path, f in fields.items()}
            for record_id, fields in records.items()
            if fields is not None
        }
        for collection, records in english_fields(collections).items()
    }


# --- comparing a translation with the English ----------------------------------------------

NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
#: A figure cut off after its decimal point and quoted as printed: 'P=0.', '95.', '24.' / '5%'.
QUOTED_TRUNCATED = re.compile(r"[0-9]+\.(?=['\"“”‘’])")
#: Truncated figures of the sources (not followed by a digit: "P=0.034" is whole), which a
#: translation keeps exactly as often as the English.
TRUNCATED_AS_PRINTED = {cut: re.compile(re.escape(cut) + r"(?![0-9])") for cut in ("P=0.", "95.")}
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
_ZH_ROMAN = {"Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4"}
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
_MONTHS = {name: str(number) for number, name in enumerate(_MONTH_NAMES.split(), start=1)}
_EN_PHASE = re.compile(r"\bphase (IV|III|II|I)\b", re.IGNORECASE)
_EN_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")
_ZH_PHASE = re.compile(r"([ⅠⅡⅢⅣ])期")


def numbers_en(text: str) -> set[str]:
    """The numbers in an English text: a Roman phase number and a month name count as numbers."""
    text = _EN_PHASE.sub(lambda m: "phase " + _ROMAN[m[1].upper()], text)
    text = _EN_MONTH.sub(lambda m: f" {_MONTHS[m[1]]} ", text)
    return set(NUMBER.findall(text))


def numbers_zh(text: str) -> set[str]:
    """The numbers in a Chinese text: Ⅲ期 counts as phase 3."""
    return set(NUMBER.findall(_ZH_PHASE.sub(lambda m: _ZH_ROMAN[m[1]] + "期", text)))


def text_problems(english: str, translated: str, lang: str = "zh") -> list[str]:
    """What is wrong with a translation of one text (messages; empty when it is right): no
    characters of the language's script, other numbers than the English, or a truncated figure
    completed or dropped."""
    spec = language_spec(lang)
    name = spec.english_name
    if spec.script is not None and not spec.script.search(translated):
        return [f"no {name} characters: {_clip(translated)!r}"]
    messages = []
    en_numbers, tr_numbers = numbers_en(english), numbers_zh(translated)
    if en_numbers != tr_numbers:
        parts = []
        if only := en_numbers - tr_numbers:
            parts.append(f"only in the English {', '.join(sorted(only))}")
        if only := tr_numbers - en_numbers:
            parts.append(f"only in the {name} {', '.join(sorted(only))}")
        messages.append("numbers differ from the English: " + "; ".join(parts))
    cuts = []
    for cut, pattern in TRUNCATED_AS_PRINTED.items():
        en_count, tr_count = len(pattern.findall(english)), len(pattern.findall(translated))
        if en_count != tr_count:
            cuts.append(cut)
            messages.append(
                f"the truncated figure {cut!r} must stay as printed: {en_count} in the English, "
                f"{tr_count} in the {name}"
            )
    en_quoted, tr_quoted = QUOTED_TRUNCATED.findall(english), QUOTED_TRUNCATED.findall(translated)
    if not cuts and sorted(en_quoted) != sorted(tr_quoted):
        messages.append(
            f"truncated figures quoted as printed must stay so: {_listed(en_quoted)} in the "
            f"English, {_listed(tr_quoted)} in the {name}"
        )
    return messages


def _listed(figures: list[str]) -> str:
    return ", ".join(repr(f) for f in sorted(figures)) or "none"


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text" if isinstance(value, str) else type(value).__name__


# --- the translation file against the English ----------------------------------------------


class Checked(NamedTuple):
    """A translation file checked: every problem, and the translations found sound by
    collection -> record id -> field path (only these are laid over the English)."""

    problems: list[Problem]
    texts: dict[str, dict[str, dict[str, str]]]


def check_translation(
    lang: str,
    content: Mapping[str, Any],
    english: English,
    skip: Mapping[str, set[str]] | None = None,
    models: Mapping[str, type[BaseModel]] | None = None,
) -> Checked:
    """Check a parsed translation file (`content`, a mapping of collections) against the English
    (`english_fields`). Collections absent from `english` (their file could not be read) are not
    compared; nor are the records in `skip` (collection -> ids of English records that are
    themselves invalid: the English is fixed first). `models` (collection -> record model) gives
    the length limits: a translation must fit where the English has to.
    """
    file = TRANSLATION_FILES[lang]
    name = language_spec(lang).english_name
    skip = skip or {}
    problems: list[Problem] = []
    texts: dict[str, dict[str, dict[str, str]]] = {}
    memo: dict[tuple[str, str], list[str]] = {}  # synthetic data repeats every text

    def problem(record: str, field: str, message: str) -> None:
        problems.append(Problem(file, record, field, message))

    for collection in TRANSLATED:
        if collection not in english:
            continue
        en_records = english[collection]
        noun = RECORD_NAMES.get(collection)
        raw = content.get(collection)
        if raw is None:
            count = sum(bool(fields) for fields in en_records.values())
            if count:
                what = "info" if collection == "info" else f"{count} records"
                problem("(top level)", collection, f"missing; expected the {name} text of {what}")
            continue
        if collection == "info":
            raw = {"": raw}
        elif not isinstance(raw, dict):
            problem(
                "(top level)",
                collection,
                f"must be a mapping of record ids to their {name} text, got {_kind(raw)}",
            )
            continue
        out = texts.setdefault(collection, {})
        skipped = skip.get(collection, ())
        if collection == "info" and skipped:  # the English info is invalid: fixed first
            continue
        model = models.get(collection) if models else None
        for record_id, fields in en_records.items():
            if fields is None or record_id in skipped:
                continue
            label = f"{noun} {record_id}" if noun else "info"
            translated = raw.get(record_id)
            if translated is None:
                translated = {}
            elif not isinstance(translated, dict):
                problem(
                    label,
                    "-",
                    f"must be a mapping of field paths to {name} text, got {_kind(translated)}",
                )
                continue
            sound: dict[str, str] = {}
            for path, field in fields.items():
                if path not in translated:
                    problem(label, path, f"missing {name} text")
                    continue
                value = translated[path]
                if value is None or (isinstance(value, str) and not value.strip()):
                    problem(label, path, f"empty {name} text")
                    continue
                if not isinstance(value, str):
                    problem(label, path, f"must be text, got {_kind(value)}")
                    continue
                key = (field.text, value)
                messages = memo.get(key)
                if messages is None:
                    messages = memo[key] = text_problems(field.text, value, lang)
                limit = _limit(model, _shape(field.location)) if model else None
                if limit is not None and len(value.strip()) > limit:
                    messages = [
                        *messages,
                        f"{len(value.strip())} characters; at most {limit} fit here",
                    ]
                for message in messages:
                    problem(label, path, message)
                if not messages:
                    sound[path] = value
            for path in translated:
                if path not in fields:
                    problem(label, str(path), "not a text field of the English record")
            out[record_id] = sound
        if collection != "info" and not skipped:  # an invalid English id: fixed first
            for record_id in raw:
                if record_id not in en_records:
                    problem(
                        f"{noun} {record_id}",
                        "-",
                        f"no such record in {COLLECTION_FILE[collection]} ({collection})",
                    )
    return Checked(problems, texts)


# --- length limits from the record models --------------------------------------------------


def _shape(location: Location) -> Location:
    """A location's model shape: every list position becomes 0."""
    return tuple(0 if isinstance(step, int) else step for step in location)


@cache
def _limit(model: type[BaseModel], shape: Location) -> int | None:
    """The longest text `model` accepts at a location of that shape, or None when it sets none."""
    annotation: Any = model
    for position, step in enumerate(shape):
        if isinstance(step, int):
            annotation = _item_type(annotation)
            continue
        owner = _model_in(annotation, step)
        if owner is None:
            return None
        info = owner.model_fields[step]
        if position == len(shape) - 1 and (limit := _max_length(info.metadata)) is not None:
            return limit  # Annotated at the field's top level: pydantic keeps it as metadata
        annotation = info.annotation
    for member in _members(annotation):
        if typing.get_origin(member) is typing.Annotated:
            base, *metadata = typing.get_args(member)
            if base is str and (limit := _max_length(metadata)) is not None:
                return limit
    return None


def _max_length(metadata: Any) -> int | None:
    limits = [m.max_length for m in metadata if getattr(m, "max_length", None)]
    return min(limits) if limits else None


def _members(annotation: Any) -> tuple:
    """The alternatives of a union (Optional included), or the annotation alone."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _model_in(annotation: Any, field: str) -> type[BaseModel] | None:
    """The model among the annotation's alternatives that has `field`."""
    for member in _members(annotation):
        if typing.get_origin(member) is typing.Annotated:
            member = typing.get_args(member)[0]
        if isinstance(member, type) and issubclass(member, BaseModel):
            if field in member.model_fields:
                return member
    return None


def _item_type(annotation: Any) -> Any:
    for member in _members(annotation):
        if typing.get_origin(member) in (tuple, list):
            return typing.get_args(member)[0]
    return None


# --- laying a translation over the English -------------------------------------------------


def overlay(
    collections: dict[str, Any],
    texts: Mapping[str, Mapping[str, Mapping[str, str]]],
) -> None:
    """Replace, in place, every English text of the parsed collections by its translation
    (`Checked.texts`), before the records are validated. Only text changes: an editorial
    sentence stays editorial, ids, numbers and excerpts are untouched."""
    for collection, records in texts.items():
        raw = collections.get(collection)
        if collection == "info":
            _replace(raw, "info", records.get("", {}))
            continue
        if not isinstance(raw, list):
            continue
        for record in raw:
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                translated = records.get(record["id"])
                if translated:
                    _replace(record, collection, translated)


def _replace(record: Any, collection: str, translated: Mapping[str, str]) -> None:
    for field in text_fields(collection, record):
        text = translated.get(field.path)
        if text is None:
            continue
        *parents, last = field.location
        node = record
        for step in parents:
            node = node[step]
        node[last] = text
