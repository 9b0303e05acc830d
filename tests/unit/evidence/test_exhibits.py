"""lib.evidence.exhibits on the shipped data: what pages, slides and images show."""

import re
from collections import Counter

import pytest

from lib.dataset.vocabulary import PHASES
from lib.evidence.exhibits import (
    ARM_GROUP,
    NUMBER_COLUMNS,
    SLIDE_ARM_GROUPS,
    SLIDE_FOREST_ROWS,
    number_columns,
    numbers_table,
    passages,
    phase_view,
    printed_once,
    said_once,
    selection_exhibits,
    slide_parts,
    source_groups,
)
from lib.evidence.figures import figure_table
from lib.i18n import using_language
from tests.unit.evidence.chinese import english_left, has_chinese, numbers, verbatim_strings

ALL = ["AML", "MDS", "ALL"]
SELECTIONS = [["AML"], ["MDS"], ["ALL"], ALL]


def exhibits(view) -> dict:
    return {exhibit.key: exhibit for exhibit in view.exhibits}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("diseases", SELECTIONS)
def test_every_figure_of_the_selection_is_in_exactly_one_exhibit(view, table, phase, diseases):
    view = view(phase, diseases)
    in_phase = table[
        (table["phase"] == phase) & table["diseases"].map(lambda d: not set(d).isdisjoint(diseases))
    ]
    expected = in_phase.loc[in_phase["kind"] != "sample_size", "figure_id"]
    shown = Counter(
        figure_id
        for exhibit in view.exhibits
        for figure_id in exhibit.rows["figure_id"]
        if not figure_id.endswith((".n", ".n.pub"))
    )
    # Forest exhibits show the comparisons their study cards show too; nothing else repeats.
    forests = Counter(
        fid for e in view.exhibits if e.section == "effects" for fid in e.rows["figure_id"]
    )
    assert shown - forests == Counter(set(expected)), (phase, diseases)


@pytest.mark.parametrize("phase", PHASES)
def test_no_exhibit_table_repeats_a_row(view, phase):
    for exhibit in view(phase, ALL).exhibits:
        numbers = numbers_table(exhibit.rows)
        assert list(numbers.columns) == NUMBER_COLUMNS
        assert numbers["Figure"].is_unique, exhibit.key


def test_mac_vs_ric_table_has_one_row_per_figure(view, table):
    exhibit = exhibits(view("transplant", ["AML"]))["kps-mac-ric"]
    rows = table[(table["study_id"] == "kps-mac-ric") & (table["arm_role"] != "single")]
    # its comparisons, its per-arm values and its sample sizes, each exactly once
    assert len(numbers_table(exhibit.rows)) == len(rows) == len(set(rows["figure_id"]))


def test_transplant_aml_sections_and_captions(view):
    view = view("transplant", ["AML"])
    assert view.title == "Transplant"
    assert view.caption.endswith("showing AML")
    assert [key for key, *_ in view.sections()] == ["arms", "effects", "single", "facts"]
    assert "dec-mbucy-mds" not in exhibits(view)  # an MDS study
    assert view.empty_message == ""
    claims = exhibits(view)["kps-mac-ric"]
    assert claims.chart is None and claims.error_bars == ""  # direction-only claims: no chart
    assert any("lower relapse incidence with MAC" in s for s in claims.statements)
    assert all("p not reported" in s or "P" in s for s in claims.statements)


def test_truncated_p_stays_as_printed(view):
    view = view("transplant", ["AML"])
    printed = " ".join(
        " ".join(numbers_table(e.rows)["p as printed"]) + " ".join(e.statements + e.key_numbers)
        for e in view.exhibits
    )
    assert "P=0. (truncated in source)" in printed  # shown as printed, never completed


def test_charted_exhibits_name_their_error_bars(view):
    view = exhibits(view("maintenance", ALL))
    sorafenib = view["sorafenib-flt3"]
    assert sorafenib.chart.kind == "arm" and sorafenib.chart.option == "%"
    assert sorafenib.error_bars.startswith("Error bars: ")
    assert sorafenib.key_numbers and all("n=" in line for line in sorafenib.key_numbers)
    forest = view["forest-ratio"]
    assert (forest.chart.kind, forest.chart.option) == ("forest", "ratio")
    assert [b.label for b in forest.badges] == ["Cross-trial view"]


def test_sources_carry_excerpts_links_and_verification(view):
    view = view("maintenance", ["AML"])
    groups = source_groups(exhibits(view)["gdec-maintenance"].rows)
    assert {g.origin for g in groups} <= {"document", "publication"}
    entries = [e for g in groups for e in g.entries]
    assert entries and all(e.excerpt and e.verification for e in entries)
    links = [label for g in groups for label, _ in g.links]
    assert any(label.startswith(("PubMed", "DOI")) for label in links)
    assert all(url.startswith("https://") for g in groups for _, url in g.links)
    sizes = [e for e in entries if e.endpoint == "Patients"]
    assert all(e.n == "" for e in sizes)  # a sample size is its own n


def test_a_passage_quoted_for_several_figures_is_listed_once(view):
    """BMT CTN 0901's abstract gives both arms' 4-year NRM in one sentence: one passage, two
    figures; every figure of every group is in exactly one passage, in the order they came."""
    groups = [
        group
        for exhibit in view("transplant", ALL).exhibits
        for group in source_groups(exhibit.rows)
    ]
    for group in groups:
        listed = [entry for passage in passages(group) for entry in passage.entries]
        assert sorted(map(id, listed)) == sorted(map(id, group.entries))
        assert all(
            passage.excerpt == entry.excerpt and passage.flag_notes == entry.flag_notes
            for passage in passages(group)
            for entry in passage.entries
        )
    shared = [
        passage
        for group in groups
        for passage in passages(group)
        if "TRM 25.1% for MAC, 9.9% for RIC" in passage.excerpt and len(passage.entries) == 2
    ]
    assert shared and {e.subject for e in shared[0].entries} >= {
        "Reduced-intensity conditioning (RIC)",
        "Myeloablative conditioning (MAC)",
    }
    # Where a publication's figures were all read in one place, that is said once per group;
    # RICMAC's were read at one address though printed in two parts of the abstract.
    read_once = [group for group in groups if said_once(group).read]
    assert read_once and all(not passage.read for group in read_once for passage in passages(group))
    assert all(said_once(group).read.startswith("read on ") for group in read_once)
    ricmac = next(group for group in groups if "RICMAC" in group.citation)
    assert said_once(ricmac).read and not said_once(ricmac).printed_in
    assert {passage.printed_in for passage in passages(ricmac)} == {
        "Printed in: abstract, results",
        "Printed in: abstract, patients and methods",
    }


def test_a_handout_prints_each_passage_once(view):
    """The transplant ratio forest plots comparisons whose passages the study cards above it
    print: in the handout it names those cards instead. Every figure's passage is printed
    exactly once across the handout, with the first card that shows it."""
    cards = [
        (exhibit.title, source_groups(exhibit.rows)) for exhibit in view("transplant", ALL).exhibits
    ]
    printed = printed_once(cards)
    assert len(printed) == len(cards)

    def passages_of(groups) -> list[tuple]:
        return [
            (group.origin, group.document, group.citation, entry.excerpt)
            for group in groups
            for entry in group.entries
        ]

    everything = {key for _title, groups in cards for key in passages_of(groups)}
    kept = [key for sources in printed for key in set(passages_of(sources.groups))]
    assert sorted(set(kept)) == sorted(everything) and len(kept) == len(set(kept))
    titles = [title for title, _groups in cards]
    forest = next(
        sources
        for exhibit, sources in zip(view("transplant", ALL).exhibits, printed, strict=True)
        if exhibit.section == "effects"
    )
    assert forest.printed_with and set(forest.printed_with) <= set(titles)
    assert printed[0].printed_with == ()  # the first card prints all of its own


def test_facts_are_sentences_not_a_chart(view):
    facts = exhibits(view("transplant", ALL))["key-facts"]
    assert facts.chart is None
    assert any("12,744" in s for s in facts.statements)


def test_empty_phase_names_other_diseases(view):
    view = view("consolidation", ["MDS"])
    assert "No MDS studies in the consolidation phase" in view.empty_message
    assert re.search(r"other diseases: AML: \d+, ALL: 1\.", view.empty_message)


def test_notes_and_consensus_by_phase(view):
    induction = view("induction", ALL)
    relapse = view("relapse", ALL)
    assert induction.consensus and not relapse.consensus
    assert all(set(n.diseases) & set(ALL) for n in induction.notes)
    assert all(e.notes == induction.notes for e in induction.exhibits)


def test_single_arm_medians_in_months_are_listed_not_dropped(view):
    view = view("induction", ["AML"])
    case = next(e for e in view.exhibits if "hu-case-2.survival" in set(e.rows["figure_id"]))
    assert any("over one year" in s and "n=1" in s for s in case.statements)  # as printed


@pytest.mark.parametrize("diseases", SELECTIONS)
def test_slides_are_the_page_exhibits_in_phase_order(dataset, table, view, diseases):
    """One slide per card, in page order, but a forest plot or an arm chart longer than a slide
    holds, which is as many slides as it takes (whole studies, or whole groups of bars, each;
    every row on exactly one)."""
    slides = selection_exhibits(dataset, table, diseases)
    pages = [e for phase in PHASES for e in view(phase, diseases).exhibits]
    expected = [
        (e.phase, e.key if len(parts) == 1 else f"{e.key}-{number}")
        for e in pages
        for number, parts in ((n, slide_parts(e)) for n in range(1, len(slide_parts(e)) + 1))
    ]
    assert [(s.phase, s.key) for s in slides] == expected
    assert [s.phase for s in slides] == sorted((s.phase for s in slides), key=PHASES.index)
    for page in pages:
        parts = slide_parts(page)
        if len(parts) > 1:
            rows = [figure for part in parts for figure in part.chart.data["figure_id"]]
            assert sorted(rows) == sorted(page.chart.data["figure_id"])
            assert all(part.title.endswith(f"of {len(parts)})") for part in parts)
            if page.section == "arms":
                groups = [p.chart.data.groupby(ARM_GROUP, dropna=False).ngroups for p in parts]
                assert max(groups) <= SLIDE_ARM_GROUPS < sum(groups), page.key
                assert [len(part.key_numbers) for part in parts] == groups, page.key
                continue
            assert all(len(part.chart.data) <= SLIDE_FOREST_ROWS for part in parts)
            studies = [set(part.chart.data["study_id"]) for part in parts]
            assert all(not (a & b) for i, a in enumerate(studies) for b in studies[i + 1 :])


def test_an_arm_chart_of_five_groups_is_two_slides(view):
    """G-CSF + decitabine's five endpoints (at 12.7 pt on one slide) as slides of three and
    two groups, its p-values with the bars they test."""
    (card,) = [e for e in view("maintenance", ["AML"]).exhibits if e.key == "gdec-maintenance"]
    first, second = slide_parts(card)
    assert [first.key, second.key] == ["gdec-maintenance-1", "gdec-maintenance-2"]
    assert first.title == f"{card.title} (1 of 2)" and second.title.endswith("(2 of 2)")
    assert [len(first.key_numbers), len(second.key_numbers)] == [3, 2]
    assert [k.split(",")[0] for k in second.key_numbers] == [
        "Leukaemia-free survival",
        "Overall survival",
    ]
    linked = second.rows.loc[second.rows["kind"] == "comparison", "linked_figures"]
    assert all(set(ids) <= set(second.chart.data["figure_id"]) for ids in linked)


def test_every_exhibit_has_a_source_line_and_citations(view):
    for exhibit in (e for phase in PHASES for e in view(phase, ALL).exhibits):
        assert exhibit.source_line.startswith("Source: "), exhibit.key
        assert exhibit.citations, exhibit.key


# --- in Chinese -----------------------------------------------------------------------------


def _exhibit_texts(exhibit) -> list[str]:
    """Everything an exhibit shows as text (cards, slides, images)."""
    texts = [
        exhibit.title,
        exhibit.slide_title,
        exhibit.chart_title,
        exhibit.phase_label,
        exhibit.error_bars,
        exhibit.source_line,
        exhibit.placement,
        *exhibit.key_numbers,
        *exhibit.statements,
        *(b.label for b in exhibit.badges),
        *(b.help for b in exhibit.badges),
    ]
    claims = exhibit.claims_table
    texts += [str(v) for column in claims.columns for v in claims[column] if isinstance(v, str)]
    numbers_shown = numbers_table(exhibit.rows).drop(
        columns=[_zh("As printed"), _zh("p as printed")]
    )
    texts += [
        v for column in numbers_shown.columns for v in numbers_shown[column] if isinstance(v, str)
    ]
    for group in source_groups(exhibit.rows):
        texts += [label for label, _url in group.links]
        for entry in group.entries:
            texts += [entry.endpoint, entry.subject, entry.time_point, entry.value, entry.n]
            texts += [entry.verification, entry.verification_note, *entry.flag_notes]
    return [t for t in texts if t]


def _zh(english: str) -> str:
    return dict(zip(NUMBER_COLUMNS, number_columns(), strict=True))[english]


@pytest.mark.parametrize("phase", PHASES)
def test_phase_pages_in_chinese(dataset_zh, table_zh, phase):
    kept = verbatim_strings(table_zh, dataset_zh)
    view = phase_view(dataset_zh, table_zh, phase, ALL)
    assert has_chinese(view.title) and has_chinese(view.caption)
    assert view.caption.endswith("当前显示：AML、MDS、ALL")
    for key, title, caption, _items in view.sections():
        assert has_chinese(title) and (not caption or has_chinese(caption)), key
    for exhibit in view.exhibits:
        texts = _exhibit_texts(exhibit)
        assert has_chinese(exhibit.source_line) and has_chinese(exhibit.slide_title), exhibit.key
        left = [(t, english_left(t, kept)) for t in texts if english_left(t, kept)]
        assert not left, (exhibit.key, left)
        assert list(numbers_table(exhibit.rows).columns) == number_columns()
        assert all(has_chinese(c) for c in number_columns())
        assert all(has_chinese(c) for c in exhibit.claims_table.columns)


@pytest.mark.parametrize("phase", PHASES)
def test_keys_and_numbers_do_not_change_with_the_language(dataset_zh, table_zh, phase):
    chinese = phase_view(dataset_zh, table_zh, phase, ALL)
    with using_language("en"):
        english = phase_view(dataset_zh, figure_table(dataset_zh), phase, ALL)
        english_numbers = [numbers_table(e.rows) for e in english.exhibits]
        english_sections = [key for key, *_ in english.sections()]
    assert [(e.phase, e.key, e.section) for e in chinese.exhibits] == [
        (e.phase, e.key, e.section) for e in english.exhibits
    ]
    assert [key for key, *_ in chinese.sections()] == english_sections
    for exhibit, theirs, twin in zip(
        chinese.exhibits, english_numbers, english.exhibits, strict=True
    ):
        ours = numbers_table(exhibit.rows)
        ours.columns = NUMBER_COLUMNS  # the same columns, named in each language
        for column in ("Figure", "n", "Events", "95% CI", "As printed"):
            assert ours[column].equals(theirs[column]), (exhibit.key, column)
        for column in ("Value", "p as printed"):  # a truncation is marked in each language
            assert [numbers(v) for v in ours[column]] == [numbers(v) for v in theirs[column]]
        assert [numbers(s) for s in exhibit.key_numbers] == [numbers(s) for s in twin.key_numbers]
        assert exhibit.figure_ids == twin.figure_ids
        assert (exhibit.chart is None) == (twin.chart is None)
        if exhibit.chart is not None:
            assert (exhibit.chart.kind, exhibit.chart.option) == (
                twin.chart.kind,
                twin.chart.option,
            )


def test_empty_phase_in_chinese(dataset_zh, table_zh):
    view = phase_view(dataset_zh, table_zh, "consolidation", ["MDS"])
    assert view.empty_message.startswith("这些来源中没有MDS在巩固治疗阶段的研究。")
    assert re.search(r"本阶段其他疾病的研究：AML \d+项、ALL 1项", view.empty_message)
    assert not english_left(view.empty_message)


def test_number_columns_in_chinese(dataset_zh, table_zh):
    facts = {e.key: e for e in phase_view(dataset_zh, table_zh, "transplant", ALL).exhibits}
    shown = numbers_table(facts["key-facts"].rows)
    assert list(shown.columns) == number_columns() and all(has_chinese(c) for c in shown.columns)
    with using_language("en"):
        assert number_columns() == NUMBER_COLUMNS


def test_truncated_p_in_chinese_stays_as_printed(dataset_zh, table_zh):
    view = phase_view(dataset_zh, table_zh, "transplant", ["AML"])
    printed = " ".join(s for e in view.exhibits for s in e.statements + e.key_numbers)
    assert "P=0.（原文截断）" in printed


def test_a_papers_table_or_figure_is_named_in_the_readers_language():
    from lib.evidence.exhibits import _locator_text
    from lib.i18n import using_language

    assert _locator_text("Table 3") == "Table 3"
    with using_language("zh"):
        assert [_locator_text(x) for x in ("Table 3", "Figure 2", "abstract")] == [
            "表3",
            "图2",
            "摘要",
        ]
        assert _locator_text("Supplementary appendix") == "Supplementary appendix"  # as written
