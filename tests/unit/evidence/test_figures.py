"""lib.evidence.figures on the shipped dataset: one typed row per reported value."""

import pandas as pd

from lib.evidence.figures import EXPORT_COLUMNS, export_frame, export_headers, figure_table
from lib.i18n import using_language
from tests.unit.evidence.chinese import SAME_IN_EVERY_LANGUAGE, has_chinese


def row(frame: pd.DataFrame, figure_id: str) -> pd.Series:
    rows = frame[frame["figure_id"] == figure_id]
    assert len(rows) == 1, f"{figure_id}: {len(rows)} rows"
    return rows.iloc[0]


# --- figure_table ---------------------------------------------------------------------------


def test_one_row_per_reported_value(dataset, table):
    counts = table["kind"].value_counts().to_dict()
    sizes = sum(
        (s.n is not None) + (s.n_published is not None) + sum(a.n is not None for a in s.arms)
        for s in dataset.studies
    )
    assert counts == {
        "outcome": len(dataset.outcomes),
        "comparison": len(dataset.comparisons),
        "key_fact": len(dataset.key_facts),
        "sample_size": sizes,
    }
    assert table["figure_id"].is_unique
    assert set(table.loc[table["kind"] == "outcome", "figure_id"]) == {
        o.id for o in dataset.outcomes
    }
    assert set(table.loc[table["kind"] == "comparison", "figure_id"]) == {
        c.id for c in dataset.comparisons
    }


def test_table_rows_carry_provenance(table):
    sora = row(table, "sora.cir1y.control")
    assert sora["as_printed"] == "24. 5%"
    assert sora["value"] == 24.5
    assert sora["n"] == 102 and sora["n_source"] == "arm size (publication)"
    assert sora["source_id"] == "d1" and sora["evidence_ref"] == "D1-24"
    assert sora["flags"] == ("reassembled",)
    sizes = table[table["kind"] == "sample_size"]
    assert row(sizes, "gdec-maintenance.n.pub")["value"] == 204
    assert row(sizes, "gdec-maintenance.n")["value"] == 202


def test_list_cells_are_tuples_and_export_joins_them(table):
    assert all(
        isinstance(v, tuple)
        for c in ("diseases", "flags", "linked_figures", "flag_notes")
        for v in table[c]
    )
    exported = export_frame(table)
    sora = exported.set_index("figure_id").loc["sora.cir1y.control"]
    assert sora["flags"] == "reassembled"
    assert sora["flag_notes"].startswith("Digits reassembled: ")


# --- in Chinese -----------------------------------------------------------------------------


def test_labels_in_chinese_ids_and_numbers_unchanged(dataset_zh, table_zh):
    with using_language("en"):
        english = figure_table(dataset_zh)
    for column in SAME_IN_EVERY_LANGUAGE:
        assert table_zh[column].equals(english[column]), column
    assert all(has_chinese(v) for v in table_zh["endpoint_label"] if v)
    assert all(has_chinese(v) for v in table_zh["citation_status"] if v)
    sora = row(table_zh, "sora.cir1y.control")
    assert sora["n_source"] == "组别例数（发表文献）"
    assert row(table_zh, "gdec-maintenance.n")["arm"] == "全研究人群"
    assert row(table_zh, "gdec-maintenance.n")["endpoint_label"] == "患者数"
    with using_language("en"):
        assert row(english, "gdec-maintenance.n")["arm"] == "Whole study"


def test_export_frame_in_chinese(table_zh):
    exported = export_frame(table_zh)
    assert list(exported.columns) == EXPORT_COLUMNS  # the frame keeps its ids; the CSV names them
    sora = exported.set_index("figure_id").loc["sora.cir1y.control"]
    assert sora["flag_notes"].startswith("数字已拼合：")
    headers = export_headers()
    assert len(set(headers)) == len(headers) == len(EXPORT_COLUMNS)
    assert all(has_chinese(h) for h in headers)
    with using_language("en"):
        assert export_headers() == EXPORT_COLUMNS
