"""A failing fixture for every validation rule, asserting where the problem is reported.

Each case edits one file of a copy of the shipped data, loads it with `load_dataset` and checks
the exact `file`, `record` and `field` of every reported problem plus a message fragment.
"""

import copy
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import lib.dataset.loading
from lib.dataset.loading import load_dataset
from lib.dataset.problems import FILES, DataError, Problem
from tests.unit.conftest import DATA_DIR, arm, edit, load_yaml, record
from tests.unit.dataset.translation_sync import sync_translation

pytestmark = pytest.mark.usefixtures("memo_yaml")


def problems_of(data_dir: Path) -> list[Problem]:
    """The problems of an edited copy of the data, its Chinese brought in line with the edited
    English first (the rules here are about the English; test_translations covers the Chinese)."""
    sync_translation(data_dir)
    with pytest.raises(DataError) as info:
        load_dataset(data_dir)
    assert info.value.problems, "DataError raised without problems"
    return info.value.problems


def _walk(node, path: str):
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, (int(last) if isinstance(node, list) else last)


def put(collection: str, record_id: str, path: str, value) -> Callable[[dict], None]:
    """Set a dotted path (list positions as numbers) inside one record."""

    def mutate(content: dict) -> None:
        node, key = _walk(record(content, collection, record_id), path)
        node[key] = value

    return mutate


def drop(collection: str, record_id: str, path: str) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        node, key = _walk(record(content, collection, record_id), path)
        del node[key]

    return mutate


def put_arm(study_id: str, arm_id: str, path: str, value) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        node, key = _walk(arm(content, study_id, arm_id), path)
        node[key] = value

    return mutate


def drop_arm(study_id: str, arm_id: str, path: str) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        node, key = _walk(arm(content, study_id, arm_id), path)
        del node[key]

    return mutate


def add_flag(collection: str, record_id: str, kind: str) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        flags = record(content, collection, record_id).setdefault("flags", [])
        flags.append({"kind": kind, "note": "Added by the test."})

    return mutate


def both(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        for mutation in mutations:
            mutation(content)

    return mutate


def duplicate(collection: str, record_id: str) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        content[collection].append(copy.deepcopy(record(content, collection, record_id)))

    return mutate


def copy_arm_into(source_study: str, arm_id: str, target_study: str) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        twin = copy.deepcopy(arm(content, source_study, arm_id))
        record(content, "studies", target_study)["arms"].insert(0, twin)

    return mutate


def case(case_id: str, file: str, mutate, *expected: tuple[str, str, str], marks=()):
    """A rule case: edit `file`, expect exactly these (record, field, message part) in `file`."""
    return pytest.param(file, mutate, list(expected), id=case_id, marks=marks)


# The vocabularies are long Literal lists; their messages start like this.
PHASE_MSG = "Input should be 'induction', 'consolidation'"
DISEASE_MSG = "Input should be 'AML', 'MDS' or 'ALL'"
FLAG_MSG = "Input should be 'truncated', 'approximate'"

RECORD_RULES = [
    # --- controlled vocabularies ---------------------------------------------------------
    case(
        "unknown-phase",
        "studies.yaml",
        put("studies", "ifn-rux", "phase", "salvage"),
        ("ifn-rux", "phase", PHASE_MSG),
    ),
    case(
        "unknown-phase-key-fact",
        "key_facts.yaml",
        put("key_facts", "mst-centres", "phase", "remission"),
        ("mst-centres", "phase", PHASE_MSG),
    ),
    case(
        "unknown-disease",
        "studies.yaml",
        put("studies", "ifn-rux", "diseases", ["AML", "CML"]),
        ("ifn-rux", "diseases.1", DISEASE_MSG),
    ),
    case(
        "unknown-disease-note",
        "notes.yaml",
        put("notes", "note-relapse", "diseases", ["AML", "CLL"]),
        ("note-relapse", "diseases.1", DISEASE_MSG),
    ),
    case(
        "unknown-endpoint",
        "outcomes.yaml",
        put("outcomes", "dli.nrm", "endpoint", "pfs"),
        ("dli.nrm", "endpoint", "Input should be 'cir', 'relapse_crude'"),
    ),
    case(
        "unknown-design",
        "studies.yaml",
        put("studies", "ifn-rux", "design", "cohort"),
        ("ifn-rux", "design", "Input should be 'rct', 'prospective'"),
    ),
    case(
        "unknown-flag-kind-key-fact",
        "key_facts.yaml",
        put("key_facts", "hid-share-2019", "flags.1.kind", "contested"),
        ("hid-share-2019", "flags.1.kind", FLAG_MSG),
    ),
    case(
        "unknown-flag-kind-arm-n",
        "studies.yaml",
        put_arm("venhma-bridge", "venhma.not-transplanted", "n.flags.0.kind", "guess"),
        ("venhma-bridge", "arms.venhma.not-transplanted.n.flags.0.kind", FLAG_MSG),
    ),
    case(
        "unknown-verification-status",
        "key_facts.yaml",
        put("key_facts", "mst-centres", "verification.status", "checked"),
        ("mst-centres", "verification.status", "Input should be 'verified'"),
    ),
    case(
        "unknown-key-fact-unit",
        "key_facts.yaml",
        put("key_facts", "hid-share-2019", "unit", "ratio"),
        ("hid-share-2019", "unit", "Input should be 'percent', 'patients', 'count' or 'months'"),
    ),
    # --- numbers -------------------------------------------------------------------------
    case(
        "percentage-over-100",
        "outcomes.yaml",
        put("outcomes", "dli.os", "value", 120),
        ("dli.os", "value", "a percentage must be within 0-100, got 120"),
    ),
    case(
        "percentage-over-100-key-fact",
        "key_facts.yaml",
        put("key_facts", "hid-share-2019", "value", 160),
        ("hid-share-2019", "value", "a percentage must be within 0-100, got 160"),
    ),
    case(
        "negative-value",
        "outcomes.yaml",
        put("outcomes", "hu-case-2.survival", "value", -1),
        ("hu-case-2.survival", "value", "must not be negative, got -1"),
    ),
    case(
        "negative-value-key-fact",
        "key_facts.yaml",
        put("key_facts", "untreated-secondary-aml", "value", -3),
        ("untreated-secondary-aml", "value", "must not be negative, got -3"),
    ),
    case(
        "events-exceed-n",
        "outcomes.yaml",
        put("outcomes", "cll1.alive.bridged", "events", 7),
        ("cll1.alive.bridged", "events", "7 events exceed n=6"),
    ),
    case(
        "patients-exceed-n",
        "outcomes.yaml",
        put("outcomes", "cll1.alive.bridged", "value", 7),
        ("cll1.alive.bridged", "value", "7 patients exceed n=6"),
    ),
    case(
        "negative-arm-n-nested-path",
        "studies.yaml",
        put_arm("cll1-cart", "cll1.bridged", "n.value", -3),
        ("cll1-cart", "arms.cll1.bridged.n.value", "greater than or equal to 0"),
    ),
    case(
        "p-value-zero",
        "comparisons.yaml",
        put("comparisons", "dec.os3y", "p.value", 0),
        ("dec.os3y", "p.value", "Input should be greater than 0"),
    ),
    case(
        "p-value-1.5",
        "comparisons.yaml",
        put("comparisons", "dec.os3y", "p.value", 1.5),
        ("dec.os3y", "p.value", "Input should be less than or equal to 1"),
    ),
    case(
        "ci-excludes-estimate",
        "outcomes.yaml",
        put("outcomes", "gdec.cir2y.gdec.pub", "ci.low", 16),
        ("gdec.cir2y.gdec.pub", "ci", "16.0-22.1 does not contain the estimate 15.0"),
    ),
    case(
        "hr-ci-excludes-estimate",
        "comparisons.yaml",
        put("comparisons", "gdec.cir2y.pub", "hr.ci.low", 0.4),
        ("gdec.cir2y.pub", "hr.ci", "0.4-0.57 does not contain the estimate 0.32"),
    ),
    case(
        "ci-low-above-high",
        "comparisons.yaml",
        put("comparisons", "gdec.cir2y.pub", "hr.ci", {"low": 0.6, "high": 0.1}),
        ("gdec.cir2y.pub", "hr.ci", "low (0.6) is above high (0.1)"),
    ),
    # --- provenance (Provenance rules are shared; the small key_facts.yaml keeps this fast) --
    case(
        "missing-excerpt",
        "key_facts.yaml",
        drop("key_facts", "mst-centres", "excerpt"),
        ("mst-centres", "excerpt", "Field required"),
    ),
    case(
        "empty-excerpt",
        "key_facts.yaml",
        put("key_facts", "mst-centres", "excerpt", "   "),
        ("mst-centres", "excerpt", "at least 1 character"),
    ),
    case(
        "missing-excerpt-arm-n",
        "studies.yaml",
        drop_arm("cll1-cart", "cll1.bridged", "n.excerpt"),
        ("cll1-cart", "arms.cll1.bridged.n.excerpt", "Field required"),
    ),
    case(
        "empty-excerpt-consensus",
        "notes.yaml",
        put("consensus", "caca-technical-guidelines", "excerpt", ""),
        ("caca-technical-guidelines", "excerpt", "at least 1 character"),
    ),
    case(
        "missing-verification",
        "key_facts.yaml",
        drop("key_facts", "mst-centres", "verification"),
        ("mst-centres", "verification", "Field required"),
    ),
    case(
        "missing-value-unflagged",
        "outcomes.yaml",
        drop("outcomes", "dli.nrm", "value"),
        ("dli.nrm", "value", "missing; flag the figure as truncated or direction_only"),
    ),
    case(
        "missing-value-unflagged-key-fact",
        "key_facts.yaml",
        drop("key_facts", "mst-provinces", "value"),
        ("mst-provinces", "value", "missing; flag the figure as truncated or direction_only"),
    ),
    case(
        "evidence-ref-pattern",
        "key_facts.yaml",
        put("key_facts", "mst-centres", "evidence_ref", "D2-2"),
        ("mst-centres", "evidence_ref", "String should match pattern"),
    ),
    # --- shape ---------------------------------------------------------------------------
    case(
        "extra-field",
        "key_facts.yaml",
        put("key_facts", "mst-centres", "colour", "red"),
        ("mst-centres", "colour", "Extra inputs are not permitted"),
    ),
    case(
        "extra-field-arm",
        "studies.yaml",
        put_arm("sorafenib-flt3", "sora.sorafenib", "dose", 400),
        ("sorafenib-flt3", "arms.sora.sorafenib.dose", "Extra inputs are not permitted"),
    ),
    case(
        "extra-field-info",
        "dataset.yaml",
        lambda c: c["info"].update(maintainer="me"),
        ("info", "maintainer", "Extra inputs are not permitted"),
    ),
    case(
        "version-pattern",
        "dataset.yaml",
        lambda c: c["info"].update(version="one"),
        ("info", "version", "String should match pattern"),
    ),
    case("info-missing", "dataset.yaml", lambda c: c.update(info=None), ("info", "-", "missing")),
    case(
        "id-pattern",
        "key_facts.yaml",
        put("key_facts", "mst-centres", "id", "MST centres"),
        ("MST centres", "id", "String should match pattern"),
    ),
    case(
        "comparison-same-arm-twice",
        "comparisons.yaml",
        put("comparisons", "tbf.os", "control_arm", "tbf.tbf"),
        ("tbf.os", "control_arm", "must differ from intervention_arm"),
    ),
    case(
        "comparison-one-outcome",
        "comparisons.yaml",
        put("comparisons", "dec.os3y", "outcomes", ["dec.os3y.dec"]),
        ("dec.os3y", "outcomes", "list both arms' outcomes, or none"),
    ),
    # --- cross-record: unique ids --------------------------------------------------------
    case(
        "duplicate-outcome-id",
        "outcomes.yaml",
        duplicate("outcomes", "dli.nrm"),
        ("dli.nrm", "id", "duplicate id (2 records)"),
    ),
    case(
        "duplicate-document-id",
        "sources.yaml",
        duplicate("documents", "d2"),
        ("d2", "id", "duplicate id (2 records)"),
    ),
    case(
        "duplicate-study-id",
        "studies.yaml",
        duplicate("studies", "ifn-rux"),
        ("ifn-rux", "id", "duplicate id (2 records)"),
        ("ifn-rux", "arms.ifnrux.relapsed.id", "duplicate arm id 'ifnrux.relapsed'"),
        ("ifn-rux", "arms.ifnrux.mrd.id", "duplicate arm id 'ifnrux.mrd'"),
    ),
    # the later study (in file order) is the one reported
    case(
        "duplicate-arm-id-across-studies",
        "studies.yaml",
        copy_arm_into("dli-greek", "dli.dli", "sorafenib-flt3"),
        (
            "dli-greek",
            "arms.dli.dli.id",
            "duplicate arm id 'dli.dli' (also in study 'sorafenib-flt3')",
        ),
    ),
    # --- cross-record: references --------------------------------------------------------
    case(
        "outcome-unknown-study",
        "outcomes.yaml",
        put("outcomes", "dli.nrm", "study", "nope"),
        ("dli.nrm", "study", "unknown study 'nope'"),
    ),
    case(
        "outcome-arm-of-another-study",
        "outcomes.yaml",
        put("outcomes", "dli.nrm", "arm", "sora.control"),
        ("dli.nrm", "arm", "arm 'sora.control' belongs to study 'sorafenib-flt3', not 'dli-greek'"),
    ),
    case(
        "outcome-unknown-arm",
        "outcomes.yaml",
        put("outcomes", "dli.nrm", "arm", "dli.none"),
        ("dli.nrm", "arm", "arm 'dli.none' does not exist"),
    ),
    case(
        "corresponds-to-other-arm",
        "outcomes.yaml",
        put("outcomes", "gdec.cir2y.gdec.pub", "corresponds_to", "gdec.cir2y.control"),
        ("gdec.cir2y.gdec.pub", "corresponds_to", "reports another arm or endpoint"),
    ),
    case(
        "comparison-across-studies",
        "comparisons.yaml",
        put("comparisons", "tbf.os", "intervention_arm", "sora.sorafenib"),
        (
            "tbf.os",
            "intervention_arm",
            "belongs to study 'sorafenib-flt3', not 'tbf-conditioning': a comparison cannot span "
            "studies",
        ),
    ),
    case(
        "comparison-outcomes-swapped",
        "comparisons.yaml",
        put("comparisons", "dec.os3y", "outcomes", ["dec.os3y.mbucy", "dec.os3y.dec"]),
        ("dec.os3y", "outcomes.0", "'dec.os3y.mbucy' is not the os outcome of arm 'decbucy.dec'"),
        ("dec.os3y", "outcomes.1", "'dec.os3y.dec' is not the os outcome of arm 'decbucy.mbucy'"),
    ),
    case(
        "comparison-outcome-wrong-endpoint",
        "comparisons.yaml",
        put("comparisons", "dec.os3y", "outcomes.0", "dec.dfs3y.dec"),
        ("dec.os3y", "outcomes.0", "'dec.dfs3y.dec' is not the os outcome of arm 'decbucy.dec'"),
    ),
    case(
        "p-with-hazard-ratio-over-values-says-what-it-tests",
        "comparisons.yaml",
        drop("comparisons", "hovon97.dfs12m", "p.tests"),
        ("hovon97.dfs12m", "p.tests", "a p printed with a hazard ratio and shown over"),
    ),
    case(
        "origin-document-unknown-source",
        "key_facts.yaml",
        put("key_facts", "mst-centres", "source", "d9"),
        ("mst-centres", "source", "unknown document 'd9' (origin is 'document')"),
    ),
    case(
        "origin-document-source-is-publication",
        "key_facts.yaml",
        put("key_facts", "mst-centres", "source", "gdec"),
        ("mst-centres", "source", "unknown document 'gdec' (origin is 'document')"),
    ),
    case(
        "origin-publication-unknown-source",
        "outcomes.yaml",
        put("outcomes", "gdec.os2y.gdec", "source", "nopub"),
        ("gdec.os2y.gdec", "source", "unknown publication 'nopub' (origin is 'publication')"),
    ),
    case(
        "origin-publication-source-is-document",
        "outcomes.yaml",
        put("outcomes", "gdec.os2y.gdec", "source", "d1"),
        ("gdec.os2y.gdec", "source", "unknown publication 'd1' (origin is 'publication')"),
    ),
    case(
        "study-n-unknown-source",
        "studies.yaml",
        put("studies", "cll1-cart", "n.source", "d9"),
        ("cll1-cart", "n.source", "unknown document 'd9'"),
    ),
    case(
        "arm-n-unknown-source",
        "studies.yaml",
        put_arm("cll1-cart", "cll1.bridged", "n.source", "d9"),
        ("cll1-cart", "arms.cll1.bridged.n.source", "unknown document 'd9'"),
    ),
    case(
        "study-unknown-publication",
        "studies.yaml",
        put("studies", "ifn-rux", "publication", "nopub"),
        ("ifn-rux", "publication", "unknown publication 'nopub'"),
    ),
    case(
        "key-fact-unknown-publication",
        "key_facts.yaml",
        put("key_facts", "hid-share-2019", "publication", "nopub"),
        ("hid-share-2019", "publication", "unknown publication 'nopub'"),
    ),
    case(
        "note-unknown-document",
        "notes.yaml",
        put("notes", "note-induction", "source", "d9"),
        ("note-induction", "source", "unknown document 'd9'"),
    ),
    case(
        "consensus-unknown-document",
        "notes.yaml",
        put("consensus", "elderly-aml-consensus-2018", "source", "d9"),
        ("elderly-aml-consensus-2018", "source", "unknown document 'd9'"),
    ),
    case(
        "glossary-unknown-document",
        "glossary.yaml",
        put("glossary", "hid", "document", "d9"),
        ("hid", "document", "unknown document 'd9'"),
    ),
]


@pytest.mark.parametrize(("file", "mutate", "expected"), RECORD_RULES)
def test_record_rule(data_copy, file, mutate, expected):
    edit(data_copy, file, mutate)
    problems = problems_of(data_copy)
    assert [(p.file, p.record, p.field) for p in problems] == [
        (file, record_id, field) for record_id, field, _ in expected
    ]
    for problem, (_, _, message) in zip(problems, expected, strict=True):
        assert message in problem.message, str(problem)


def test_edge_values_are_accepted(data_copy):
    """The boundaries of the rules above are valid: p = 1, events = n, 100%, flagged gaps."""
    edit(data_copy, "comparisons.yaml", put("comparisons", "dec.os3y", "p.value", 1))
    edit(
        data_copy,
        "outcomes.yaml",
        both(
            put("outcomes", "cll1.alive.bridged", "events", 6),
            put("outcomes", "cll1.alive.bridged", "value", 6),
            put("outcomes", "dli.os", "value", 100),
            put("outcomes", "gdec.cir2y.gdec.pub", "ci", {"low": 15.0, "high": 15.0}),
            drop("outcomes", "dli.nrm", "value"),
            add_flag("outcomes", "dli.nrm", "truncated"),
            drop("outcomes", "dli.cgvhd", "value"),
            add_flag("outcomes", "dli.cgvhd", "direction_only"),
        ),
    )
    sync_translation(data_copy)  # the added flags' notes
    ds = load_dataset(data_copy)
    outcomes = {o.id: o for o in ds.outcomes}
    assert outcomes["dli.nrm"].value is None
    assert outcomes["cll1.alive.bridged"].events == 6


def test_edit_round_trip_changes_nothing(data_copy):
    """The edit helper keeps content, unicode and key order, and writes no YAML alias."""
    for name in FILES:
        edit(data_copy, name, lambda content: None)
        assert load_yaml(data_copy / name) == load_yaml(DATA_DIR / name), name
        assert not re.search(r"[&*]id\d{3}", (data_copy / name).read_text(encoding="utf-8")), name
    assert "扶正培本" in (data_copy / "notes.yaml").read_text(encoding="utf-8")
    first = next(iter(load_yaml(data_copy / "outcomes.yaml")["outcomes"][0]))
    assert first == "id"


# --- file-level problems ---------------------------------------------------------------------


def _replace_line(path: Path, startswith: str, new_line: str) -> int:
    """Replace the first line starting with `startswith`; return its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith(startswith))
    lines[number] = new_line
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


@pytest.mark.parametrize(
    ("new_line", "message"),
    [
        pytest.param(
            "    confidence: high: sure",
            "mapping values are not allowed in this context",
            id="colon",
        ),
        pytest.param(
            "\tconfidence: high",
            "found character that cannot start any token (the line has a tab: indent with spaces)",
            id="tab",
        ),
    ],
)
def test_malformed_yaml_reports_the_line(data_copy, new_line, message):
    number = _replace_line(data_copy / "glossary.yaml", "    confidence:", new_line)
    assert number > 1
    assert problems_of(data_copy) == [Problem("glossary.yaml", f"line {number}", "syntax", message)]


def test_yaml_alias_is_rejected(data_copy):
    path = data_copy / "glossary.yaml"
    anchor = _replace_line(path, '    confidence: "high"', '    confidence: &conf "high"')
    alias = _replace_line(path, '    confidence: "high"', "    confidence: *conf")
    assert alias > anchor
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == (
        "glossary.yaml",
        f"line {alias}",
        "syntax",
    )
    assert "aliases" in problem.message


def test_non_utf8_bytes(data_copy):
    path = data_copy / "notes.yaml"
    lines = path.read_bytes().split(b"\n")
    lines[6] += b" caf\xe9"  # Latin-1 e-acute on line 7
    path.write_bytes(b"\n".join(lines))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == ("notes.yaml", "line 7", "encoding")
    assert "not valid UTF-8 (byte 0xe9" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="zero-bytes"),
        pytest.param("  \n\n\t\n", id="whitespace"),
    ],
)
def test_empty_file(data_copy, text):
    (data_copy / "key_facts.yaml").write_text(text, encoding="utf-8")
    assert problems_of(data_copy) == [Problem("key_facts.yaml", "-", "-", "file is empty")]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("# only a comment\n", id="comment-only"),
        pytest.param("- a\n- b\n", id="list"),
        pytest.param("just text\n", id="scalar"),
    ],
)
def test_top_level_not_a_mapping(data_copy, text):
    (data_copy / "key_facts.yaml").write_text(text, encoding="utf-8")
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == ("key_facts.yaml", "-", "-")
    assert "top level must be a mapping with keys key_facts" in problem.message


def test_file_over_size_limit(data_copy, monkeypatch):
    limit = max(p.stat().st_size for p in data_copy.rglob("*.yaml")) + 100
    monkeypatch.setattr(lib.dataset.loading, "MAX_FILE_BYTES", limit)
    with (data_copy / "glossary.yaml").open("a", encoding="utf-8") as handle:
        handle.write("#" * limit + "\n")
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == ("glossary.yaml", "-", "-")
    assert "the limit is" in problem.message


def test_missing_file(data_copy):
    (data_copy / "glossary.yaml").unlink()
    assert problems_of(data_copy) == [Problem("glossary.yaml", "-", "-", "file not found")]


def test_missing_data_directory(tmp_path):
    missing = tmp_path / "nowhere"
    assert problems_of(missing) == [Problem(str(missing), "-", "-", "data directory not found")]


def test_unknown_top_level_key(data_copy):
    edit(data_copy, "key_facts.yaml", lambda content: content.update(figures=[]))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == (
        "key_facts.yaml",
        "(top level)",
        "figures",
    )
    assert "unknown top-level key; expected key_facts" in problem.message


def test_collection_not_a_list(data_copy):
    edit(data_copy, "key_facts.yaml", lambda content: content.update(key_facts={"id": "x"}))
    assert problems_of(data_copy) == [
        Problem("key_facts.yaml", "key_facts", "-", "must be a list of records")
    ]


def test_record_not_a_mapping(data_copy):
    edit(data_copy, "key_facts.yaml", lambda content: content["key_facts"].insert(2, "a string"))
    assert problems_of(data_copy) == [
        Problem("key_facts.yaml", "#3", "-", "record must be a mapping")
    ]


def test_record_without_id_is_named_by_position(data_copy):
    edit(data_copy, "key_facts.yaml", lambda content: content["key_facts"][1].pop("id"))
    assert problems_of(data_copy) == [Problem("key_facts.yaml", "#2", "id", "Field required")]


def test_repeated_key_in_a_record_is_rejected(data_copy):
    """A repeated key would otherwise silently overwrite the first value."""
    path = data_copy / "outcomes.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    first = lines.index("    value: 14")  # dli.nrm
    lines.insert(first + 1, "    value: 41")
    path.write_text("\n".join(lines), encoding="utf-8")
    assert problems_of(data_copy) == [
        Problem(
            "outcomes.yaml",
            f"line {first + 2}",
            "syntax",
            "key 'value' appears twice in one record",
        )
    ]


# --- everything at once ----------------------------------------------------------------------


def test_all_problems_of_all_files_are_reported_together(data_copy):
    edit(data_copy, "studies.yaml", put("studies", "ifn-rux", "phase", "salvage"))
    edit(
        data_copy,
        "outcomes.yaml",
        both(
            put("outcomes", "dli.os", "value", 120), put("outcomes", "dli.nrm", "endpoint", "pfs")
        ),
    )
    (data_copy / "key_facts.yaml").write_text("", encoding="utf-8")
    (data_copy / "glossary.yaml").unlink()
    problems = problems_of(data_copy)
    assert len(problems) == 5
    assert [(p.file, p.record, p.field) for p in problems] == [
        ("studies.yaml", "ifn-rux", "phase"),
        ("outcomes.yaml", "dli.os", "value"),
        ("outcomes.yaml", "dli.nrm", "endpoint"),
        ("key_facts.yaml", "-", "-"),
        ("glossary.yaml", "-", "-"),
    ]


def test_all_cross_record_problems_are_reported_together(data_copy):
    edit(
        data_copy,
        "outcomes.yaml",
        both(
            put("outcomes", "dli.nrm", "study", "nope"), put("outcomes", "dli.os", "source", "d9")
        ),
    )
    edit(
        data_copy,
        "comparisons.yaml",
        put("comparisons", "tbf.os", "intervention_arm", "sora.sorafenib"),
    )
    edit(data_copy, "notes.yaml", put("notes", "note-induction", "source", "d9"))
    problems = problems_of(data_copy)
    assert len(problems) == 4
    assert [(p.file, p.record, p.field) for p in problems] == [
        ("outcomes.yaml", "dli.os", "source"),
        ("outcomes.yaml", "dli.nrm", "study"),
        ("comparisons.yaml", "tbf.os", "intervention_arm"),
        ("notes.yaml", "note-induction", "source"),
    ]


def test_problems_print_as_file_record_field_message(data_copy):
    edit(data_copy, "outcomes.yaml", put("outcomes", "dli.os", "value", 120))
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    assert str(info.value) == (
        "outcomes.yaml: dli.os: value: a percentage must be within 0-100, got 120.0"
    )


def test_cross_record_problems_are_reported_with_per_record_ones(data_copy):
    edit(
        data_copy,
        "outcomes.yaml",
        lambda d: next(o for o in d["outcomes"] if o["id"] == "dli.nrm").update(endpoint="x"),
    )
    edit(
        data_copy,
        "notes.yaml",
        lambda d: next(n for n in d["notes"] if n["id"] == "note-induction").update(source="d9"),
    )
    located = {(p.file, p.record, p.field) for p in problems_of(data_copy)}
    assert ("outcomes.yaml", "dli.nrm", "endpoint") in located
    assert ("notes.yaml", "note-induction", "source") in located


def test_a_reference_to_an_invalid_record_is_not_reported_twice(data_copy):
    # dli.nrm is invalid, so the comparison-free study still resolves; no spurious problems
    edit(
        data_copy,
        "studies.yaml",
        lambda d: next(s for s in d["studies"] if s["id"] == "dli-greek").update(phase="later"),
    )
    problems = problems_of(data_copy)
    assert [(p.file, p.record, p.field) for p in problems] == [
        ("studies.yaml", "dli-greek", "phase")
    ]
