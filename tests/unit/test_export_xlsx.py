"""The XLSX export, read back with openpyxl: typed cells (numbers as numbers; figures as printed,
PMIDs, DOIs and ids as text), headings in the session's language, formula-looking text stored
as text; the card tables' workbook; `python -m lib.export --format xlsx`."""

import io
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from lib import export
from lib.evidence.exhibits import numbers_table, selection_exhibits
from lib.evidence.figures import EXPORT_COLUMNS, export_headers, figure_table
from lib.i18n import using_language
from tests.unit.conftest import DATA_DIR, REPO_ROOT
from tests.unit.evidence import chinese


def _sheet(data: bytes):
    assert data[:2] == b"PK"  # a zip: the workbook
    return load_workbook(io.BytesIO(data)).active


def _rows(sheet) -> tuple[list, dict[str, dict[str, object]]]:
    """Headings, and figure id -> heading -> cell value (the first column is the figure id)."""
    rows = list(sheet.iter_rows(values_only=True))
    headings = list(rows[0])
    return headings, {r[0]: dict(zip(headings, r, strict=True)) for r in rows[1:]}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_cells_are_typed_and_headed_in_the_language(dataset, lang):
    with using_language(lang):
        table = figure_table(dataset)
        sheet = _sheet(export.to_xlsx(table))
        headings = export_headers()
    found, rows = _rows(sheet)
    assert found == headings and len(rows) == len(table)
    if lang == "zh":
        assert chinese.has_chinese("".join(found))
    name = dict(zip(EXPORT_COLUMNS, headings, strict=True))
    sorafenib = rows["sora.cir1y.control"]
    assert sorafenib[name["as_printed"]] == "24. 5%"  # as printed: text, never 0.245
    assert sorafenib[name["value"]] == 24.5 and isinstance(sorafenib[name["value"]], float)
    assert sorafenib[name["n"]] == 102 and isinstance(sorafenib[name["n"]], int)
    published = table[table["pmid"].notna()].iloc[0]
    cited = rows[published["figure_id"]]
    assert cited[name["pmid"]] == published["pmid"] == "33108244"  # text, never a number
    assert isinstance(cited[name["doi"]], str) and cited[name["doi"]].startswith("10.")
    assert rows["mst.cr.gpbsc"][name["as_printed"]] == "80.0%"
    comma = rows["ebmt-relapse.n.pub"]
    assert comma[name["as_printed"]] == "8,162" and comma[name["value"]] == 8162
    # Every number column holds numbers or nothing; every PMID and as-printed cell is text.
    for figure, row in rows.items():
        for column in ("value", "n", "events", "ci_low", "ci_high", "p_value", "hr"):
            cell = row[name[column]]
            assert cell is None or isinstance(cell, int | float), (figure, column, cell)
        for column in ("pmid", "doi", "as_printed", "figure_id", "dataset_version"):
            cell = row[name[column]]
            assert cell is None or isinstance(cell, str), (figure, column, cell)


def test_a_sheet_cell_that_looks_like_a_formula_stays_text(table):
    hostile = table.head(2).copy()
    hostile["statement"] = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0"]
    sheet = _sheet(export.to_xlsx(hostile))
    column = EXPORT_COLUMNS.index("statement") + 1
    cells = [sheet.cell(row=r, column=column) for r in (2, 3)]
    assert [c.value for c in cells] == ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)  # text, not "f"
    assert sheet.cell(row=2, column=1).quotePrefix is False  # ordinary text: unmarked


def test_any_frame_as_a_workbook_keeps_types_and_headings():
    frame = pd.DataFrame(
        {
            "研究": ["G-Dec", "=1+1"],
            "n": pd.array([100, None], dtype="Int64"),
            "原文": ["15%", "12,744"],
            "PMID": ["33108244", None],
            "p": [0.012, float("nan")],
            "headline": [True, False],
        }
    )
    sheet = _sheet(export.frame_to_xlsx(frame))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("研究", "n", "原文", "PMID", "p", "headline")
    assert rows[1] == ("G-Dec", 100, "15%", "33108244", 0.012, True)
    assert rows[2] == ("=1+1", None, "12,744", None, None, False)
    assert sheet["A3"].data_type == "s"
    assert sheet.freeze_panes == "A2"


def test_python_m_lib_export_format_xlsx(table):
    done = subprocess.run(
        [sys.executable, "-m", "lib.export", "--format", "xlsx", "--lang", "zh", str(DATA_DIR)],
        cwd=REPO_ROOT,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    headings, rows = _rows(_sheet(done.stdout))
    assert len(rows) == len(table) and chinese.has_chinese("".join(headings))


def test_a_card_table_as_a_workbook(dataset, table):
    """The Table tab's download: the table as shown (its Value is the figure as the card
    writes it), n and events as numbers, the printed form and the figure id as text."""
    with using_language("zh"):
        exhibit = next(
            e for e in selection_exhibits(dataset, table, ["AML"]) if e.key == "sorafenib-flt3"
        )
        shown = numbers_table(exhibit.rows)
        sheet = _sheet(export.frame_to_xlsx(shown))
    headings, rows = _rows(sheet)
    assert headings == list(shown.columns) and chinese.has_chinese("".join(headings))
    row = rows["sora.cir1y.control"]
    assert row[shown.columns[7]] == 102  # n
    assert row[shown.columns[6]] == "24. 5%"  # as printed
    assert all(isinstance(r[shown.columns[1]], str) for r in rows.values())  # study
