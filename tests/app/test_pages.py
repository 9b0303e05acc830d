"""AppTest: every page x every disease selection renders without exception, with its content."""

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from lib.dataset.loading import load_dataset
from lib.evidence.exhibits import phase_view, selection_exhibits
from lib.evidence.figures import figure_table
from tests.app.navigate import chart_specs, open_page, shown_charts

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "streamlit_app.py")
PHASES = ["induction", "consolidation", "maintenance", "transplant", "relapse"]
PAGES = ["overview", *PHASES, "sources", "present"]
SELECTIONS = [["AML"], ["MDS"], ["ALL"], ["AML", "MDS", "ALL"]]


def run_page(page: str, diseases: list[str] | None = None, handout: bool = False) -> AppTest:
    """Open a page as a deep link would: the page's path with the disease filter in the URL
    (and the print handout switched on, `handout`)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if page != "overview":
        open_page(at, page)
    if diseases is not None:
        at.query_params["disease"] = diseases
    if handout:
        at.query_params["handout"] = "true"
    return at.run()


def texts(at: AppTest) -> str:
    """All markdown, captions, info and titles of the page, for content assertions."""
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "info", "warning", "subheader")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def test_disease_filter_hides_other_diseases_studies():
    at = run_page("transplant", ["MDS"])
    content = texts(at)
    assert "Decitabine-intensified" in content
    assert "Karnofsky score ≤80" not in content  # kps-mac-ric concerns AML only


def test_empty_state_names_other_diseases():
    at = run_page("consolidation", ["MDS"])
    info = "\n".join(i.value for i in at.info)
    assert "No MDS studies in the consolidation phase" in info
    assert re.search(r"AML: \d+, ALL: 1\.", info)


def test_phase_page_draws_arm_comparison_with_printed_p():
    at = run_page("maintenance", ["AML"])
    specs = chart_specs(at)
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert any("Sorafenib maintenance" in t for t in titles)
    annotations = " ".join(
        a.get("text", "") for s in specs for a in s["layout"].get("annotations", [])
    )
    assert "P=0.001" in annotations


def test_truncated_p_is_shown_as_printed_not_completed():
    at = run_page("transplant", ["AML"])
    drawn = [json.dumps(spec) for spec in chart_specs(at)]
    cut = [spec for spec in drawn if "P=0. (truncated in source)" in spec]
    assert cut  # the venetoclax bridging chart; other charts print full p-values (P=0.001)
    assert not any(re.search(r"P=0\.\d", spec) for spec in cut)  # never completed


def test_deep_link_sets_filter():
    at = run_page("relapse", ["MDS", "ALL"])
    assert at.sidebar.multiselect(key="disease").value == ["MDS", "ALL"]


def test_filter_survives_page_switch():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.multiselect(key="disease").set_value(["MDS"]).run()
    open_page(at, "transplant").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="disease").value == ["MDS"]
    assert "Decitabine-intensified" in texts(at)


def test_invalid_data_shows_problems_not_a_traceback(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    outcomes = yaml.safe_load((data / "outcomes.yaml").read_text())
    outcomes["outcomes"][0]["value"] = 250
    outcomes["outcomes"][0]["unit"] = "percent"
    (data / "outcomes.yaml").write_text(yaml.safe_dump(outcomes, allow_unicode=True))
    monkeypatch.setenv("PHASEWISE_DATA_DIR", str(data))
    at = run_page("maintenance", ["AML"])
    assert not at.exception
    assert "could not be loaded" in "\n".join(e.value for e in at.error)
    assert "outcomes.yaml: hu-case-2.survival: value:" in "\n".join(c.value for c in at.code)


def test_html_in_data_is_shown_as_text(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    studies = yaml.safe_load((data / "studies.yaml").read_text())
    sorafenib = next(s for s in studies["studies"] if s["id"] == "sorafenib-flt3")
    sorafenib["title"] = "<b>pilot</b> [x](javascript:alert(1))"
    (data / "studies.yaml").write_text(yaml.safe_dump(studies, allow_unicode=True))
    chinese = yaml.safe_load((data / "translations" / "zh.yaml").read_text())
    chinese["studies"]["sorafenib-flt3"]["title"] = "<b>试点</b> [x](javascript:alert(1))"
    (data / "translations" / "zh.yaml").write_text(yaml.safe_dump(chinese, allow_unicode=True))
    monkeypatch.setenv("PHASEWISE_DATA_DIR", str(data))
    for lang, word in (("en", "pilot"), ("zh", "试点")):
        at = AppTest.from_file(APP, default_timeout=60)
        open_page(at, "maintenance")
        at.query_params["disease"] = ["AML"]
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        heading = next(m.value for m in at.markdown if word in m.value)
        assert "\\<b\\>" in heading and "\\[x\\]\\(javascript" in heading


def run_present(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    open_page(at, "present")
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def slide_number(at: AppTest) -> int:
    caption = next(c.value for c in at.caption if c.value.startswith("Slide "))
    return int(caption.split()[1])


def slide_title(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("# ")).replace("\\", "")


def slide_of(exhibit_key: str, diseases: list[str]) -> int:
    """The slide number of an exhibit in the shipped data (slides are the exhibits in order)."""
    dataset = load_dataset(REPO / "data")
    keys = [e.key for e in selection_exhibits(dataset, figure_table(dataset), diseases)]
    return keys.index(exhibit_key) + 1


def test_present_opens_the_slide_named_in_the_url():
    number = slide_of("sorafenib-flt3", ["AML"])
    at = run_present(disease=["AML"], slide=str(number))
    assert not at.exception
    assert slide_number(at) == number
    assert at.query_params["slide"] == str(number)
    assert slide_title(at) == "# Sorafenib maintenance after allo-HSCT in FLT3-ITD AML"
    assert f"slide {number} of" in texts(at)


def test_present_next_and_previous_buttons_move_one_slide():
    at = run_present(disease=["AML"], slide="4")
    at.button(key="slide-next").click().run()
    assert slide_number(at) == 5
    assert at.query_params["slide"] == "5"
    at.button(key="slide-previous").click().run()
    at.button(key="slide-previous").click().run()
    assert slide_number(at) == 3


def test_present_previous_is_disabled_on_the_first_slide():
    at = run_present(disease=["MDS"])
    assert slide_number(at) == 1
    assert at.button(key="slide-previous").disabled
    assert not at.button(key="slide-next").disabled


@pytest.mark.parametrize("bad", ["999", "0", "-3", "abc", "4.5", "", "9" * 500])
def test_present_falls_back_to_slide_one_for_bad_slide_numbers(bad):
    at = run_present(disease=["AML"], slide=bad)
    assert not at.exception
    assert slide_number(at) == 1


def test_present_slide_shows_caveats_note_and_source():
    at = run_present(disease=["AML"], slide=str(slide_of("venhma-bridge", ["AML"])))
    content = texts(at)
    assert "Venetoclax plus a hypomethylating agent" in content
    assert "Truncated in source" in content and "Small n" in content
    assert "Integrative care" in content
    assert "Source: 2022 CSH talk" in content


def test_handout_mode_shows_every_figure_and_its_source_without_tabs():
    """The handout lists each figure with its value, n, CI and verification above the passage
    it comes from (the Table tab's grid is not printed: it held the same numbers twice)."""
    at = run_page("maintenance", ["AML"], handout=True)
    assert not at.exception
    assert len(at.tabs) == 0 and len(at.table) == 0
    content = texts(at)
    assert "the 1-year cumulative recurrence rate of sorafenib group was 7%" in content
    # a figure line: value (n) · its 95% CI, as published or computed · verification
    assert re.search(r"\(n=\d+\) · 95% CI [^·]+: \d", content)


def test_handout_prints_each_source_passage_once():
    """The transplant ratio forest plots comparisons that the study cards above it quote: in
    the handout those passages print once, with the study's card, and the forest names it."""
    at = run_page("transplant", ["AML", "MDS", "ALL"], handout=True)
    assert not at.exception
    content = texts(at)
    assert content.count("TRM 25.1% for MAC vs 9.9% for RIC (P < .001)") == 1
    already = [c.value for c in at.caption if c.value.startswith("Source passages already")]
    assert already and any("BMT CTN 0901" in line for line in already)


def test_handout_prints_each_section_heading_with_its_first_card():
    """A section's heading is printed in its first card's unbreakable head (title, badges,
    chart), so no page ends with a heading alone and no section forces a new page."""
    at = run_page("transplant", ["AML", "MDS", "ALL"], handout=True)
    assert not at.exception
    dataset = load_dataset(REPO / "data")
    table = figure_table(dataset)
    leads = {}  # the cards' printed heads by exhibit key (a keyed block's id ends with its key)
    pending = list(at.main.children.values())
    while pending:
        node = pending.pop()
        block_id = getattr(getattr(node, "proto", None), "id", "") or ""
        if "-print-lead-" in block_id:
            leads[block_id.split("-print-lead-", 1)[1]] = node
        pending += list(getattr(node, "children", {}).values())
    sections = phase_view(dataset, table, "transplant", ["AML", "MDS", "ALL"]).sections()
    assert len(sections) >= 3
    for _key, heading, _caption, exhibits in sections:
        assert [h.value for h in leads[exhibits[0].key].subheader] == [heading]
        assert [h.value for h in at.subheader].count(heading) == 1  # only there


# --- what a phase page sends: the open tab only, a page of cards at a time --------------------


def test_only_the_open_tab_is_drawn_and_another_opens_on_click():
    at = run_page("maintenance", ["AML"])
    # three arm charts (HOVON97, sorafenib, G-Dec), two forest plots, the DLI figures
    assert len(chart_specs(at)) == 6
    assert not at.dataframe  # Table tabs are closed, so not sent
    # nor the Source tabs of cards with a chart (MORPHO, a hazard ratio alone, has no chart, so
    # its card opens on its sources)
    closed = texts(at).count("Verification:")
    at.session_state["tabs-gdec-maintenance"] = "Source"
    at.run()
    assert not at.exception
    content = texts(at)
    assert "Source document:" in content and content.count("Verification:") > closed
    assert "Flags: Term corrected" in content and "('" not in content  # text, not a tuple
    assert "PubMed 33108244" in [b.proto.label for b in at.get("link_button")]


def test_cards_without_a_chart_open_on_their_sources():
    at = run_page("induction", ["MDS"])  # a single case (months) beside AZA-001's charts
    keys = {chart["key"] for chart in shown_charts(at)}
    assert "chart-aza-001-mds" in keys and "chart-single-hu-case-2" not in keys
    assert "Source document:" in texts(at)


def test_a_phase_with_many_studies_shows_six_cards_at_a_time(tmp_path, monkeypatch):
    from tests.fixtures.synthetic import generate

    monkeypatch.setenv("PHASEWISE_DATA_DIR", str(generate(3, tmp_path / "x3")))
    at = run_page("relapse", ["AML", "MDS", "ALL"])
    assert not at.exception
    pager = at.get("pagination")
    assert pager, "no pagination for 15 single-arm cards"
    first = [c.value for c in at.caption if c.value.startswith("Cards ")]
    # the arm comparisons (the randomised trials, three copies each) page too
    assert first == ["Cards 1–6 of 12", "Cards 1–6 of 15"]
    at.session_state["pages-single"] = 3
    at.run()
    shown = [c.value for c in at.caption if c.value.startswith("Cards ")]
    assert shown == ["Cards 1–6 of 12", "Cards 13–15 of 15"]


def test_handout_shows_every_card_without_paging(tmp_path, monkeypatch):
    from tests.fixtures.synthetic import generate

    monkeypatch.setenv("PHASEWISE_DATA_DIR", str(generate(3, tmp_path / "x3")))
    at = run_page("relapse", handout=True)
    assert not at.exception
    assert not at.get("pagination")
    # 15 single-arm cards, 3 of them (CD123 copies) without a chart; the randomised trials'
    # arm charts (TOWER, INO-VATE and ADMIRAL, three copies, TOWER on two axes) and the forest
    # plot
    assert len(chart_specs(at)) == 25


def test_view_link_is_in_a_popover_with_the_selection():
    at = run_page("transplant", ["MDS"])
    codes = [c.value for c in at.sidebar.code]
    assert codes and codes[0].endswith("/transplant?disease=MDS&lang=en")
