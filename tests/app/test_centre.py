"""AppTest: the Our centre page with no cohort, the demo cohort, uploads good and bad, removal,
the privacy of one session's cohort from another, and the centre's mark on a phase page."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.app.centre_page import REPORT_KEY, UPLOAD_KEY
from lib.app.keys import CENTRE_DECK_KEY, CENTRE_KEY
from lib.cohort.demo import DEMO_PATH
from tests.app.navigate import chart_specs, open_page, shown_charts

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "streamlit_app.py")
CORPUS = REPO / "tests" / "cohort_corpus"
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error")


def centre_page(diseases: list[str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    open_page(at, "centre")
    if diseases is not None:
        at.query_params["disease"] = diseases
    return at.run()


def texts(at: AppTest) -> str:
    parts = [str(e.value) for kind in TEXT_KINDS for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.code]
    return "\n".join(parts).replace("\\", "")  # Markdown escapes removed


def specs(at: AppTest) -> list[dict]:
    return chart_specs(at)


def titles(at: AppTest) -> list[str]:
    return [spec["layout"].get("title", {}).get("text", "") for spec in specs(at)]


def uploader(at: AppTest):
    (widget,) = [w for w in at.file_uploader if w.key.startswith(UPLOAD_KEY)]
    return widget


def upload(at: AppTest, path: Path, mime: str = "text/csv") -> AppTest:
    uploader(at).set_value((path.name, path.read_bytes(), mime))
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def demo() -> AppTest:
    at = centre_page()
    at.button(key="centre-demo").click()
    at.run()
    no_exception(at)
    return at


def test_page_renders_without_a_cohort():
    at = centre_page()
    no_exception(at)
    assert at.title[0].value == "Our centre beside the literature"
    content = texts(at)
    assert "What happens to your file" in content
    assert "not kept across server restarts" in content
    assert "never written to disk, logged" in content
    assert uploader(at).allowed_type == [".csv", ".xlsx", ".xls", ".ods"]
    assert not shown_charts(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Template (English)" in labels and "模板（中文表头）" in labels
    assert at.sidebar.multiselect(key="disease").value == ["AML", "MDS", "ALL"]
    assert CENTRE_KEY not in at.session_state


def test_demo_cohort_shows_curves_landmarks_and_literature(demo):
    content = texts(demo)
    assert "Synthetic demo" in content
    heads = [h.value for h in demo.header]
    assert heads == [
        "Survival, relapse and non-relapse mortality",
        "Landmark estimates",
        "Beside the literature",
        "Methods",
    ]
    shown = titles(demo)
    # Each disease x time origin: overall survival and relapse/NRM, all labelled synthetic.
    assert sum("Overall survival, " in t for t in shown) == 4
    assert sum("Relapse and non-relapse mortality" in t for t in shown) == 4
    assert all("synthetic" in t for t in shown)
    assert any("our centre beside the published figures" in t for t in shown)
    os_chart = next(
        s for s in specs(demo) if "Overall survival, AML" in s["layout"]["title"]["text"]
    )
    assert any(t.get("fill") == "toself" for t in os_chart["data"])  # CI band
    risk = [a["text"] for a in os_chart["layout"]["annotations"] if a.get("name") == "at risk"]
    assert "At risk" in risk and "30" in risk  # AML from consolidation: 30 patients at 0
    landmarks = demo.dataframe[0].value
    assert {12.0, 24.0, 36.0} <= set(landmarks["months"])
    assert set(landmarks["endpoint"]) == {"OS", "CIR", "NRM"}
    assert "Not risk-adjusted; different patients." in content
    assert "Kaplan-Meier" in content and "log(-log)" in content and "statsmodels" in content
    assert "fewer than 10 events" in content


def test_the_filter_narrows_the_cohort_shown():
    at = centre_page(["MDS"])
    at.button(key="centre-demo").click()
    at.run()
    no_exception(at)
    assert [s.value for s in at.subheader] == ["MDS · time origin: Transplant · n=70"]
    assert set(at.dataframe[0].value["disease"]) == {"MDS"}


def test_the_demo_file_through_the_uploader():
    at = upload(centre_page(), DEMO_PATH)
    no_exception(at)
    assert CENTRE_KEY in at.session_state
    assert len(shown_charts(at)) >= 8
    # The file is let go: a fresh uploader, holding nothing.
    assert uploader(at).value is None


def test_a_bad_file_shows_every_problem_located_and_no_curves():
    at = upload(centre_page(), CORPUS / "many-bad-rows" / "input.csv")
    no_exception(at)
    assert not shown_charts(at)
    assert CENTRE_KEY not in at.session_state
    assert "The file was not loaded" in at.error[0].value
    expected = (CORPUS / "many-bad-rows" / "expected.txt").read_text(encoding="utf-8").strip()
    assert at.code[0].value == expected
    assert "Traceback" not in texts(at)


def test_an_identifying_column_is_refused_without_its_values():
    at = upload(centre_page(), CORPUS / "name-column" / "input.csv")
    no_exception(at)
    assert "Refused" in at.error[0].value
    report = at.code[0].value
    assert "姓名" in report and "refused (name)" in report
    everything = texts(at) + json.dumps([str(v) for v in at.session_state[REPORT_KEY]])
    for secret in ("张伟", "李娜"):
        assert secret not in everything
    assert not shown_charts(at)
    assert CENTRE_KEY not in at.session_state


def test_a_workbook_with_several_sheets_asks_which():
    book = CORPUS / "workbook-several-sheets" / "input.xlsx"
    at = upload(centre_page(), book, "application/vnd.ms-excel")
    no_exception(at)
    sheet = at.selectbox[0]
    assert sheet.options == ["Patients", "Notes", "Sheet3"]
    assert CENTRE_KEY not in at.session_state
    sheet.set_value("Patients").run()
    no_exception(at)
    assert CENTRE_KEY in at.session_state
    assert "3 patients" in texts(at)


def test_remove_our_data_clears_it(demo):
    demo.sidebar.toggle(key=CENTRE_DECK_KEY).set_value(True).run()
    demo.button(key="centre-remove").click()
    demo.run()
    no_exception(demo)
    for key in (CENTRE_KEY, REPORT_KEY, CENTRE_DECK_KEY):
        assert key not in demo.session_state
    assert not shown_charts(demo)
    assert "Removed: nothing of the cohort is kept" in demo.success[0].value
    assert not [t for t in demo.sidebar.toggle if t.key == CENTRE_DECK_KEY]


def test_a_second_session_does_not_see_the_first_sessions_cohort(demo):
    assert CENTRE_KEY in demo.session_state
    other = centre_page()
    no_exception(other)
    assert CENTRE_KEY not in other.session_state
    assert not shown_charts(other)
    assert "cohort is loaded" not in texts(other)
    # Nor on a phase page: the published charts carry no centre mark.
    open_page(other, "transplant").run()
    assert not any("Our centre" in json.dumps(spec) for spec in specs(other))


def test_the_phase_page_marks_the_centre_beside_the_published_chart(demo):
    open_page(demo, "transplant").run()
    no_exception(demo)
    marks = [
        trace
        for spec in specs(demo)
        for trace in spec["data"]
        if trace.get("name", "").startswith("Our centre")
    ]
    assert marks and {t["marker"]["symbol"] for t in marks} == {"diamond"}
    # A chart of one disease names no disease; one of several (BMT CTN 0901: AML and MDS) does.
    assert any(t["name"] == "Our centre (synthetic) MDS, n = 70" for t in marks)
    assert any(t["name"] == "Our centre (synthetic), n = 160" for t in marks)
    assert "◆ Our centre (synthetic demo data, not patients), MDS from transplant" in texts(demo)
    # The shared figure was copied, not changed: a session without a cohort sees none.
    fresh = AppTest.from_file(APP, default_timeout=60)
    open_page(fresh, "transplant").run()
    assert not any("Our centre" in json.dumps(spec) for spec in specs(fresh))


def test_a_hostile_group_label_is_text():
    at = upload(centre_page(["AML"]), CORPUS / "html-in-group" / "input.csv")
    no_exception(at)
    assert CENTRE_KEY in at.session_state
    at.session_state["centre-AML-transplant-tabs"] = "By group"  # open the By group tab
    at.run()
    no_exception(at)
    names = [trace.get("name", "") for spec in specs(at) for trace in spec["data"]]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in names
    assert "&lt;b&gt;B&lt;/b&gt;" in names
    charts = json.dumps(specs(at))
    assert "<script>" not in charts and "<b>B</b>" not in charts
    # In Markdown the label is escaped too (shown literally, never as HTML).
    assert "\\<script\\>" in "\n".join(m.value for m in at.markdown)


def test_the_cohort_code_uses_no_shared_cache_disk_or_log_of_content():
    """The cohort stays in st.session_state: the page, its charts and slides never cache it in a
    cache shared by all users, never write a file, and log only the kind of a failure."""
    sources = {
        path: (REPO / path).read_text(encoding="utf-8")
        for path in (
            "lib/app/centre_page.py",
            "lib/app/centre_session.py",
            "lib/cohort/results.py",
            "lib/render/cohort_charts.py",
            "lib/render/cohort_slides.py",
        )
    }
    for path, source in sources.items():
        forbidden_calls = ("@st.cache", "cache_data(", "cache_resource(", "lru_cache", "open(")
        for forbidden in (*forbidden_calls, ".write(", ".write_", "print("):
            assert forbidden not in source, (path, forbidden)
    logged = [line for line in sources["lib/app/centre_page.py"].splitlines() if "_LOG." in line]
    assert logged and all("type(error).__name__" in line for line in logged)


# --- issue 19 ----------------------------------------------------------------------------------


def test_the_report_counts_problems_and_rows():
    at = upload(centre_page(), CORPUS / "many-bad-rows" / "input.csv")
    lines = (CORPUS / "many-bad-rows" / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 21  # 20 rows listed, the rest summed up in one line
    assert "The file was not loaded: 30 problems in 30 rows." in at.error[0].value


def test_small_groups_are_pooled_and_the_rule_is_stated():
    at = upload(centre_page(["AML"]), CORPUS / "small-groups-pooled" / "input.csv")
    no_exception(at)
    assert "Small-cell rule: a group with fewer than 5 patients" in texts(at)
    assert "small-cell rule: 3 group(s) with fewer than 5 patients" in texts(at)
    at.session_state["centre-AML-transplant-tabs"] = "By group"
    at.run()
    no_exception(at)
    drawn = json.dumps(specs(at))
    assert "Other groups (fewer than 5 patients each)" in drawn
    for label in ("Midostaurin", "Azacitidine", "Gilteritinib"):
        assert label not in drawn and label not in texts(at)


def test_a_disease_without_a_published_figure_says_so(tmp_path):
    # No MDS figure in the dataset is measured from consolidation: the page says so in a line.
    rows = ["disease,phase,months_followup,died,months_to_relapse"]
    rows += [f"MDS,consolidation,{6 + i},{i % 2}," for i in range(12)]
    path = tmp_path / "mds-consolidation.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    at = upload(centre_page(), path)
    no_exception(at)
    assert "MDS: no published figure in the dataset has the same disease, endpoint" in texts(at)


def test_figures_from_another_time_origin_are_listed_not_drawn(demo):
    # The demo is timed from transplant: the maintenance trial's "2 years" (from the start of
    # maintenance) matches disease, endpoint and time but not the origin.
    centre = demo.session_state[CENTRE_KEY].results
    assert centre.other_origin and all(row.same_origin for row in centre.beside)
    shown = texts(demo)
    assert "Left out:" in shown and "measured from maintenance" in shown.lower()


def test_beyond_four_strata_each_waits_closed_until_opened(tmp_path):
    rows = ["disease,phase,months_followup,died,months_to_relapse"]
    for disease in ("AML", "MDS", "ALL"):
        for phase in ("consolidation", "transplant"):
            rows += [f"{disease},{phase},{6 + i},{i % 2}," for i in range(6)]
    path = tmp_path / "six-strata.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    at = upload(centre_page(), path)
    no_exception(at)
    assert sum("Overall survival, " in t for t in titles(at)) == 4
    closed = [e for e in at.expander if "time origin" in e.label]
    assert [e.label for e in closed] == [
        "ALL · time origin: Consolidation · n=6",
        "ALL · time origin: Transplant · n=6",
    ]
    at.session_state["centre-ALL-transplant-more"] = True  # open one
    at.run()
    no_exception(at)
    assert sum("Overall survival, " in t for t in titles(at)) == 5
