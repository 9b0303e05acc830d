"""AppTest: every page in English and in Chinese, for every disease selection.

For each page x selection the page is run in both languages (a deep link with ``?lang=``) and:

- runs without an exception, in both languages;
- in Chinese, every ``_()`` it asked for was in the catalogue (``missing_translations``);
- in Chinese, no English interface text is left in any text it shows: titles, headings,
  Markdown, captions, alerts, badges, labels and help of every widget, tab and expander labels,
  table column headers and cells, chart titles, axes, legends, annotations and hover text
  (the detector is tests/untranslated.py; source excerpts, labelled 原文, stay English);
- the percentages, p-values and decimals it shows are the same in both languages, and a
  truncated p-value ("P=0.") is shown as often as in English: never completed.

One AppTest per (page, language) is shared by the selections of a worker (the filter is
changed in the sidebar, as a reader would), so the matrix costs a few runs per page. The phase
pages are also run as the print handout (every chart, table and source tab at once), and the
centre page with the demo cohort loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe, Table

from lib.app.chart_element import COMPONENT_NAME
from lib.app.language import SWITCH_KEY
from lib.dataset.loading import load_dataset
from lib.evidence import coverage
from lib.i18n import using_language
from lib.i18n.catalog import clear_missing_translations, missing_translations
from tests.app.navigate import open_page
from tests.untranslated import (
    Finding,
    leftovers,
    numbers,
    scan,
    truncated_counts,
    truncated_figures,
    truncated_p_values,
    verbatim_pattern,
)

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "streamlit_app.py")
DATA = REPO / "data"
VERSION = load_dataset(DATA).info.version
PHASES = ["induction", "consolidation", "maintenance", "transplant", "relapse"]
PAGES = ["overview", *PHASES, "sources", "present", "centre"]
SELECTIONS = {"all": ["AML", "MDS", "ALL"], "AML": ["AML"], "MDS": ["MDS"], "ALL": ["ALL"]}
LANGS = ("en", "zh")
# Variants run once, with every disease: the print handout opens every card's chart, table and
# source at once; the centre page with the demo cohort shows the centre's charts and tables.
VARIANTS = [*(f"{phase}+handout" for phase in PHASES), "centre+demo"]

# Proto string fields that are text a reader sees (ids, keys, icons, URLs, code are not).
TEXT_FIELDS = {"label", "help", "body", "options", "placeholder", "caption", "text"}
# Of these, the ones that name something (strict rule: one English word is too many).
LABEL_FIELDS = {"label", "options"}
HEADING_TYPES = {"title", "header", "subheader"}


# --- what a page shows ----------------------------------------------------------------------


@dataclass
class Snapshot:
    """What one run of a page showed, for the checks below."""

    exceptions: list[str]
    missing: frozenset[tuple[str, str]]
    shown: list[tuple[str, str, bool]] = field(default_factory=list)  # (where, text, is_label)
    numbers: set[str] = field(default_factory=set)
    truncated: dict[str, int] = field(default_factory=dict)  # truncated figure -> times shown
    selected: list[str] = field(default_factory=list)  # the sidebar's disease filter

    @property
    def text(self) -> str:
        """Everything shown, one text per line, Markdown's escapes removed."""
        return "\n".join(text for _, text, _ in self.shown).replace("\\", "")


def _proto_texts(message: Message, where: str) -> Iterator[tuple[str, str, bool]]:
    for descriptor, value in message.ListFields():
        name = descriptor.name
        values = value if descriptor.is_repeated else [value]
        if descriptor.type == descriptor.TYPE_MESSAGE:
            for item in values:
                yield from _proto_texts(item, f"{where}.{name}")
        elif descriptor.type == descriptor.TYPE_STRING and name in TEXT_FIELDS:
            for item in values:
                if item.strip():
                    yield f"{where}.{name}", item, name in LABEL_FIELDS


_PLOTLY_TAG = re.compile(r"<[^>]+>")
_PLOTLY_FORMAT = re.compile(r"%\{[^}]*\}")


def _plotly_text(text: str) -> str:
    import html

    text = _PLOTLY_FORMAT.sub(" ", text.replace("<br>", "\n").replace("<br />", "\n"))
    return html.unescape(_PLOTLY_TAG.sub(" ", text))


#: Plotly keys whose strings are drawn or shown on hover. Trace names are legend entries and
#: categorical x/y values are axis labels; an annotation's `name` is an id, never shown.
CHART_TEXT_KEYS = {"text", "hovertext", "hovertemplate", "ticktext", "customdata", "texttemplate"}
TRACE_TEXT_KEYS = {"name", "x", "y"}


def chart_texts(spec: dict) -> Iterator[tuple[str, str, bool]]:
    """Every text a Plotly figure draws or shows on hover: titles, axes, ticks, legend, traces'
    names, categories, text and hover, annotations."""

    def walk(node: object, path: str, in_trace: bool) -> Iterator[tuple[str, str, bool]]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "template":
                    continue  # the theme: no text of ours
                if key in CHART_TEXT_KEYS or (in_trace and key in TRACE_TEXT_KEYS):
                    yield from strings(
                        value, f"{path}.{key}", label=key in ("name", "ticktext", "x", "y")
                    )
                elif key == "title" and isinstance(value, str):
                    yield from strings(value, f"{path}.title", label=True)
                else:
                    yield from walk(value, f"{path}.{key}", in_trace)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, path, in_trace)

    def strings(value: object, path: str, label: bool) -> Iterator[tuple[str, str, bool]]:
        if isinstance(value, str):
            text = _plotly_text(value)
            if text.strip():
                yield path, text, label
        elif isinstance(value, dict) and "bdata" in value:
            return  # numbers, packed
        elif isinstance(value, (list, dict)):
            items = value.values() if isinstance(value, dict) else value
            for item in items:
                yield from strings(item, path, label)

    yield from walk(spec.get("data", []), "chart.data", True)
    yield from walk(spec.get("layout", {}), "chart.layout", False)


def _table_texts(element: Dataframe | Table) -> Iterator[tuple[str, str, bool]]:
    frame = element.value
    labels: dict[str, str] = {}
    config = getattr(element.proto, "columns", "")
    if config:
        for column, settings in json.loads(config).items():
            if isinstance(settings, dict) and settings.get("label"):
                labels[column] = settings["label"]
    for column in frame.columns:
        yield f"{element.type}.column", labels.get(str(column), str(column)), True
    for column in frame.columns:
        for cell in frame[column].dropna().unique():
            if isinstance(cell, str) and cell.strip():
                yield f"{element.type}.cell[{labels.get(str(column), column)}]", cell, False


def _nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def shown_texts(at: AppTest) -> list[tuple[str, str, bool]]:
    """(where, text, is_label) for every text the run shows, main area and sidebar."""
    found: list[tuple[str, str, bool]] = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", type(node).__name__)
        if isinstance(node, (Dataframe, Table)):
            found.extend(_table_texts(node))
            continue
        proto = getattr(node, "proto", None)
        if kind == "bidi_component" and proto.component_name == COMPONENT_NAME:
            found.extend(chart_texts(json.loads(json.loads(proto.json)["figure"])))
            continue
        if not isinstance(proto, Message) or kind in ("code", "divider", "html"):
            continue
        for where, text, label in _proto_texts(proto, kind):
            if kind in HEADING_TYPES and where.endswith(".body"):
                label = True
            found.append((where, text, label))
    return found


def take(at: AppTest) -> Snapshot:
    shown = shown_texts(at)
    every = "\n".join(text for _, text, _ in shown)
    return Snapshot(
        exceptions=[e.value for e in at.exception],
        missing=frozenset(m for m in missing_translations() if m[0] == "zh"),
        shown=shown,
        numbers=numbers(every),
        truncated=truncated_counts(every, truncated_figures(DATA)),
        selected=list(at.sidebar.multiselect(key="disease").value) if not at.exception else [],
    )


# --- one AppTest per (page, language) in this worker ---------------------------------------------

_APPS: dict[tuple[str, str], AppTest] = {}
_SNAPSHOTS: dict[tuple[str, str, str], Snapshot] = {}


def _open(page: str, lang: str, diseases: list[str], **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if page != "overview":
        open_page(at, page)
    at.query_params["lang"] = lang
    at.query_params["disease"] = diseases
    for key, value in params.items():
        at.query_params[key] = value
    return at


def snapshot(page: str, lang: str, selection: str) -> Snapshot:
    """The page in `lang` with the selection: a deep link the first time, then the sidebar."""
    key = (page, lang, selection)
    if key in _SNAPSHOTS:
        return _SNAPSHOTS[key]
    diseases = SELECTIONS[selection]
    clear_missing_translations()
    at = _APPS.get((page, lang))
    if at is None or at.exception:
        at = _open(page, lang, diseases).run()
        _APPS[(page, lang)] = at
    else:
        at.sidebar.multiselect(key="disease").set_value(diseases).run()
    _SNAPSHOTS[key] = take(at)
    return _SNAPSHOTS[key]


def variant_snapshot(variant: str, lang: str) -> Snapshot:
    key = (variant, lang, "all")
    if key in _SNAPSHOTS:
        return _SNAPSHOTS[key]
    page, _, kind = variant.partition("+")
    clear_missing_translations()
    if kind == "handout":
        at = _open(page, lang, SELECTIONS["all"], handout="true").run()
    else:  # the centre page, then its demo cohort
        at = _open(page, lang, SELECTIONS["all"]).run()
        if not at.exception:
            clear_missing_translations()
            at.button(key="centre-demo").click().run()
    _SNAPSHOTS[key] = take(at)
    return _SNAPSHOTS[key]


# --- the checks -------------------------------------------------------------------------------


def _report(findings: list[Finding], limit: int = 40) -> str:
    lines = [str(f) for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"... and {len(findings) - limit} more")
    return f"{len(findings)} English text(s) left:\n" + "\n".join(lines)


def check_both_languages(subtests, en: Snapshot, zh: Snapshot) -> None:
    with subtests.test("en runs without exception"):
        assert en.exceptions == []
    with subtests.test("zh runs without exception"):
        assert zh.exceptions == []
    with subtests.test("zh: every _() translated"):
        assert sorted(m for _, m in zh.missing) == []
    with subtests.test("zh: no English interface text"):
        findings = scan(zh.shown, verbatim_pattern(DATA))
        assert not findings, _report(findings)
    with subtests.test("zh: same numbers as en"):
        assert (sorted(en.numbers - zh.numbers), sorted(zh.numbers - en.numbers)) == ([], []), (
            "(shown only in English, shown only in Chinese)"
        )
    with subtests.test("zh: truncated figures stay truncated"):
        assert zh.truncated == en.truncated, "(truncated figure -> times shown)"


# A page's selections share one worker (`make test` runs --dist loadgroup), and so its two AppTests.
MATRIX = [
    pytest.param(page, selection, id=f"{page}-{selection}", marks=pytest.mark.xdist_group(page))
    for page in PAGES
    for selection in SELECTIONS
]


@pytest.mark.parametrize(("page", "selection"), MATRIX)
def test_page_in_both_languages(subtests, page: str, selection: str) -> None:
    en = snapshot(page, "en", selection)
    zh = snapshot(page, "zh", selection)
    check_both_languages(subtests, en, zh)
    with subtests.test("the selection is the sidebar's filter in both"):
        assert en.selected == zh.selected == SELECTIONS[selection]
    with subtests.test("the dataset's version is named"):
        assert f"Dataset {VERSION}" in en.text


# --- what the pages hold, read from the same runs ----------------------------------------------

EXPECTED_STUDIES = [
    ("maintenance", "AML", "Sorafenib maintenance after allo-HSCT in FLT3-ITD AML"),
    ("maintenance", "AML", "rhG-CSF plus minimal-dose decitabine"),
    ("transplant", "MDS", "Decitabine-intensified modified BuCy2"),
    ("transplant", "AML", "Myeloablative vs reduced-intensity conditioning"),
    ("induction", "AML", "Microtransplantation"),
    ("maintenance", "ALL", "Donor lymphocyte infusion"),
    ("relapse", "MDS", "RELAZA2"),
    ("consolidation", "AML", "扶正培本"),
]


@pytest.mark.parametrize(
    ("page", "disease", "expected"),
    [pytest.param(*case, marks=pytest.mark.xdist_group(case[0])) for case in EXPECTED_STUDIES],
)
def test_expected_studies_are_listed(page: str, disease: str, expected: str) -> None:
    assert expected in snapshot(page, "en", disease).text


@pytest.mark.parametrize(
    ("phase", "disease", "lang"),
    [
        pytest.param(phase, disease, lang, marks=pytest.mark.xdist_group(phase))
        for phase in PHASES
        for disease in ("AML", "MDS", "ALL")
        for lang in LANGS
    ],
)
def test_phase_page_shows_its_coverage_and_a_randomised_trial_or_none(
    phase: str, disease: str, lang: str
) -> None:
    ds = load_dataset(DATA, lang=lang)
    with using_language(lang):
        line = coverage.phase_line(ds, disease, phase)
    found = coverage.cell(ds, disease, phase)
    shown = snapshot(phase, lang, disease)
    assert shown.exceptions == []
    assert line in shown.text
    if found.randomised:
        assert found.randomised[0].title in shown.text
    else:
        assert (
            "no randomised trial in the dataset" if lang == "en" else "数据集中无随机试验"
        ) in line


@pytest.mark.parametrize(
    "lang", [pytest.param(lang, marks=pytest.mark.xdist_group("overview")) for lang in LANGS]
)
def test_overview_says_what_the_dataset_covers_per_disease(lang: str) -> None:
    ds = load_dataset(DATA, lang=lang)
    with using_language(lang):
        lines = [coverage.overview_line(ds, d) for d in ("AML", "MDS", "ALL")]
    shown = snapshot("overview", lang, "AML")
    assert shown.exceptions == []
    assert all(line in shown.text for line in lines)


@pytest.mark.parametrize("variant", VARIANTS)
def test_page_variant_in_both_languages(subtests, variant: str) -> None:
    en = variant_snapshot(variant, "en")
    zh = variant_snapshot(variant, "zh")
    check_both_languages(subtests, en, zh)


def _switch(at: AppTest):
    return at.sidebar.radio(key=SWITCH_KEY)


def _url_lang(at: AppTest) -> str:
    value = at.query_params["lang"]
    return value[0] if isinstance(value, list) else value


def test_switching_the_language_in_the_sidebar_redraws_the_page_in_it() -> None:
    at = _open("transplant", "en", ["MDS"]).run()
    assert not at.exception
    english = at.title[0].value
    _switch(at).set_value("zh").run()
    assert not at.exception
    assert re.search(r"[\u4e00-\u9fff]", at.title[0].value), at.title[0].value
    assert _url_lang(at) == "zh"  # the URL names the language shown
    assert at.sidebar.multiselect(key="disease").value == ["MDS"]  # the filter is kept
    _switch(at).set_value("en").run()
    assert at.title[0].value == english
    assert _url_lang(at) == "en"


def test_an_invalid_lang_in_the_url_falls_back_without_an_error() -> None:
    at = _open("overview", "xx", ["AML"]).run()
    assert not at.exception
    assert _switch(at).value == "en"
    assert _url_lang(at) == "en"


# --- the detector itself ----------------------------------------------------------------------

EXCERPT = (
    "the 1-year cumulative recurrence rate of sorafenib group was 7%, which was significantly "
    "lower than that of the control group"
)


@pytest.mark.parametrize(
    "text",
    [
        "Select at least one disease in the sidebar to see figures.",
        "索拉非尼维持治疗组复发率更低。Shows every chart, table and source at once.",
        "- **累积复发率(CIR)**, 未注明: 复发率更低 · p not reported",
        f"> {EXCERPT}",  # an excerpt without its 原文 label is not allowed
        "**Caveats**",
        "从出版物 · Show all studies",
        "数据集 1.4.1，最近审核于 2026-12-07。Every number is taken from the data files.",
        "数值：80.0%\nPrinted as: “80%”",  # a field's name left in English
    ],
)
def test_detector_finds_english_left_in_chinese(text: str) -> None:
    assert leftovers(text, "planted", verbatim=verbatim_pattern(DATA))


@pytest.mark.parametrize(
    "label",
    ["Chart", "Print handout", "Next", "Source passages", "Table", "Open source page",
     "完全缓解(CR/CRi)\n诱导治疗后\n(publication)"],
)  # fmt: skip
def test_detector_finds_english_labels(label: str) -> None:
    assert leftovers(label, "label", label=True)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (f"    > :gray-badge[原文] {EXCERPT}", False),  # labelled excerpt, as the cards show it
        (f"> :gray-badge[原文] {EXCERPT}\n> and it goes on over a second line of the quote", False),
        ("索拉非尼 sorafenib 维持治疗组1年累积复发率(CIR)为7%，对照组为24.5%，P=0.001。", False),
        ("维奈克拉 venetoclax 联合去甲基化药物(HMA)桥接异基因造血干细胞移植(allo-HSCT)", False),
        ("FLT3-ITD AML, allo-HSCT, HR 0.45 (95% CI 0.30–0.68), n = 202", False),
        ("P=0. (原文截断)", False),
        ("https://doi.org/10.1016/S1470-2045(20)30455-1 · PMID 32791052 · PMC8501285", False),
        ("Lancet Oncology 2020；21(9)：1201-1212", False),
        ("English", True),  # the language switch names English in English
        ("CSV", True),
        ("PNG", True),
        ("图表", True),
        ("ALL", True),  # the disease, not the word
        ("AML、MDS、ALL", True),
        ("5 mg/m²，第1-5天", False),
        ("p: 0.001 · HR: 0.45 · 95% CI：0.30–0.68", False),
        ("完全缓解(CR/CRi)\n诱导治疗后\n（发表文献）", True),  # a chart's category, line by line
    ],
)
def test_detector_allows_what_stays_latin(text: str, label: bool) -> None:
    assert leftovers(text, "allowed", label=label, verbatim=verbatim_pattern(DATA)) == []


def test_detector_allows_the_datasets_citations_and_source_wording() -> None:
    from tests.untranslated import verbatim_strings

    strings = verbatim_strings(DATA)
    citation = next(s for s in strings if s.startswith("Xuan L, Wang Y"))
    assert leftovers(f"**1.** {citation}", "bibliography") != []  # English, without the allowance
    assert leftovers(f"**1.** {citation}", "bibliography", verbatim=verbatim_pattern(DATA)) == []


def test_numbers_are_read_as_printed() -> None:
    shown = "24.5% vs 38.0%，HR 0.45，P = .006；P=0. (truncated)；n = 202"
    assert numbers(shown) == {"24.5%", "38.0%", "24.5", "38.0", "0.45", "P=.006", "P=0."}
    assert truncated_p_values(shown) == 1
    assert truncated_p_values("P=0.04") == 0


def test_truncated_figures_come_from_the_dataset_and_are_counted_as_printed() -> None:
    figures = truncated_figures(DATA)
    assert {"P=0.", "95."} <= figures
    shown = "P=0.（原文截断）；原文为“95.”；95.2%；95% CI；P=0.034"
    assert truncated_counts(shown, figures)["P=0."] == 1
    assert truncated_counts(shown, figures)["95."] == 1


# --- the deck in Chinese ------------------------------------------------------------------------
# The typeface and language of every run (<a:ea>, lang="zh-CN") are tests/unit/render/
# test_chinese.py's; here, the words on the slides and in the notes.

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def chinese_deck(full_deck):
    """The Chinese deck of every disease with the demo centre's slides: the session's
    (tests/conftest.py), shared with the render tests."""
    return full_deck("zh").presentation()


def _paragraphs(prs) -> Iterator[tuple[str, str, bool]]:
    """(where, text, is_label) for every paragraph of every slide (titles as labels), its
    tables and its speaker notes."""
    for number, slide in enumerate(prs.slides, start=1):
        title = slide.shapes.title
        for paragraph in slide.shapes._spTree.iter(f"{A}p"):
            text = "".join(t.text or "" for t in paragraph.iter(f"{A}t")).strip()
            if text:
                label = title is not None and text == title.text_frame.text.strip()
                yield f"slide {number}", text, label
        if slide.has_notes_slide:
            for line in slide.notes_slide.notes_text_frame.text.split("\n"):
                if line.strip():
                    yield f"slide {number} notes", line, False


@pytest.mark.xdist_group("decks")
def test_chinese_deck_has_no_english_left(chinese_deck) -> None:
    """Slide text and speaker notes in Chinese, excerpts (labelled 原文), citations and the
    source's own words aside."""
    findings = scan(_paragraphs(chinese_deck), verbatim_pattern(DATA))
    assert not findings, _report(findings)
