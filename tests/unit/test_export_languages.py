"""The export in English and Chinese: headings and labels in the language asked for, ids and
numbers the same in both, CSV with a byte order mark (Excel reads it as UTF-8), formulas inert."""

import csv
import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from lib import export
from lib.evidence.figures import EXPORT_COLUMNS, export_headers, figure_table
from lib.i18n import using_language
from lib.i18n.catalog import clear_missing_translations, missing_translations
from tests.unit.conftest import DATA_DIR, REPO_ROOT
from tests.unit.evidence import chinese

BOM = "\ufeff"
#: Export columns whose cells never change with the language: ids, codes, numbers, as printed.
SAME = chinese.SAME_IN_EVERY_LANGUAGE
NUMERIC = ["time_point_months", "value", "n", "events", "ci_low", "ci_high", "p_value", "hr"]


@pytest.fixture
def zh(monkeypatch):
    """Chinese with the evidence catalogue; fails if a string asked for had no Chinese."""
    clear_missing_translations()
    yield
    missing = sorted(msgid for lang, msgid in missing_translations() if lang == "zh")
    clear_missing_translations()
    assert not missing, missing


def _read(text: str) -> pd.DataFrame:
    assert text.startswith(BOM) and not text.startswith(BOM * 2)
    return pd.read_csv(io.StringIO(text.removeprefix(BOM)), keep_default_na=False, dtype=str)


def _csv(dataset, lang: str) -> str:
    with using_language(lang):
        return export.to_csv(figure_table(dataset))


def test_csv_in_both_languages_has_the_same_ids_and_numbers(zh, dataset):
    english, chinese_csv = _read(_csv(dataset, "en")), _read(_csv(dataset, "zh"))
    assert list(english.columns) == EXPORT_COLUMNS
    with using_language("zh"):
        assert list(chinese_csv.columns) == export_headers()
    assert all(chinese.has_chinese(c) for c in chinese_csv.columns)
    chinese_csv.columns = EXPORT_COLUMNS  # the same columns, in the same order
    assert len(chinese_csv) == len(english)
    for column in SAME:
        assert chinese_csv[column].equals(english[column]), column
    for column in NUMERIC:  # and as numbers, not just as text
        ours = pd.to_numeric(chinese_csv[column].replace("", None))
        theirs = pd.to_numeric(english[column].replace("", None))
        assert ours.equals(theirs), column
    labels = chinese_csv.set_index("figure_id")
    assert labels.loc["sora.cir1y.control", "endpoint_label"] == "累积复发率(CIR)"
    assert labels.loc["sora.cir1y.control", "flag_notes"].startswith("数字已拼合：")


def test_csv_formulas_stay_inert_in_chinese(zh, table):
    hostile = table.head(2).copy()
    hostile["statement"] = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0"]
    for lang in ("en", "zh"):
        with using_language(lang):
            rows = list(csv.reader(io.StringIO(export.to_csv(hostile).removeprefix(BOM))))
        column = EXPORT_COLUMNS.index("statement")
        assert [r[column] for r in rows[1:]] == [
            '\'=HYPERLINK("http://x")',
            "'+cmd|' /C calc'!A0",
        ]


def test_csv_text_of_any_frame_has_no_byte_order_mark():
    # callers of to_csv_text add it themselves (a download encodes with "utf-8-sig")
    assert not export.to_csv_text(pd.DataFrame({"a": ["=1"]})).startswith(BOM)
    assert export.to_csv_text(pd.DataFrame({"a": ["=1"]})) == "a\n'=1\n"


def test_json_in_chinese_keeps_its_keys_and_numbers(zh, dataset):
    with using_language("en"):
        english = json.loads(export.to_json(figure_table(dataset)))
    with using_language("zh"):  # the table is made in the language too, as the app does
        text = export.to_json(figure_table(dataset))
    assert not text.startswith(BOM)
    document = json.loads(text)
    assert list(document["figures"][0]) == EXPORT_COLUMNS  # keys are ids in every language
    for ours, theirs in zip(document["figures"], english["figures"], strict=True):
        assert {c: ours[c] for c in SAME} == {c: theirs[c] for c in SAME}
    assert {k: document[k] for k in ("dataset_version", "last_reviewed", "rows")} == {
        k: english[k] for k in ("dataset_version", "last_reviewed", "rows")
    }
    sora = next(f for f in document["figures"] if f["figure_id"] == "sora.cir1y.control")
    assert sora["endpoint_label"] == "累积复发率(CIR)"


@pytest.mark.usefixtures("memo_yaml", "zh")
def test_command_line_in_chinese(capsys):
    assert export.main(["--lang", "zh", "--phase", "maintenance", str(DATA_DIR)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    frame = _read(out)
    assert all(chinese.has_chinese(c) for c in frame.columns)
    assert set(frame[frame.columns[EXPORT_COLUMNS.index("phase")]]) == {"maintenance"}
    studies = frame[frame.columns[EXPORT_COLUMNS.index("study")]]
    assert all(chinese.has_chinese(s) for s in studies)  # the dataset's text in Chinese too
    assert export.main(["--lang", "en", "--phase", "maintenance", str(DATA_DIR)]) == 0
    english = _read(capsys.readouterr().out)
    assert list(english.columns) == EXPORT_COLUMNS and len(english) == len(frame)


@pytest.mark.usefixtures("memo_yaml")
def test_command_line_refuses_an_unknown_language(capsys):
    with pytest.raises(SystemExit) as stopped:
        export.main(["--lang", "fr", str(DATA_DIR)])
    assert stopped.value.code == 2
    assert "--lang" in capsys.readouterr().err


def test_python_m_lib_export_lang_zh(table):
    done = subprocess.run(
        [sys.executable, "-m", "lib.export", "--lang", "zh", str(DATA_DIR)],
        cwd=REPO_ROOT,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},  # an ASCII locale: the output is UTF-8 anyway
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"\xef\xbb\xbf")  # the byte order mark, once
    text = done.stdout.decode("utf-8")
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert len(header) == len(EXPORT_COLUMNS) and chinese.has_chinese(",".join(header))
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert len(rows) == len(table)
