"""Terms a clinical reading corrected, kept correct: MRD as the interview says it, the TCM
principles of maintenance glossed as the interview gives them."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from lib.dataset.problems import TRANSLATION_FILES
from lib.i18n.catalog import catalogue_path
from tests.unit.conftest import DATA_DIR, load_yaml, yaml_strings

ZH = load_yaml(Path(DATA_DIR) / TRANSLATION_FILES["zh"])
NOTES = load_yaml(Path(DATA_DIR) / "notes.yaml")["notes"]


def _catalogue() -> list[str]:
    with catalogue_path("zh").open("rb") as po:
        return [m.string for m in read_po(po) if isinstance(m.string, str) and m.string]


def test_mrd_is_minimal_residual_disease_as_the_interview_says():
    """The interview says 'minimal residual disease (MRD)': 微小残留病 in Chinese, never
    可检测残留病; our notes do not call it 'measurable' (RELAZA2's title keeps its own words)."""
    chinese = yaml_strings(ZH) + _catalogue()
    assert not [t for t in chinese if "可检测残留病" in t]
    assert any("微小残留病(MRD)" in t for t in chinese)
    notes = yaml_strings(NOTES)
    assert not [t for t in notes if re.search(r"measurable residual", t, re.IGNORECASE)]
    assert any("minimal residual disease (MRD)" in t for t in notes)


def test_maintenance_principles_glossed_as_the_interview_gives_them():
    """益气养血 is 补气养血 (补益气血): not 正气 (扶正), not 阴血 (养阴), no indication the
    interview does not give; 健脾补肾 without the theory of 先天/后天之本."""
    maintenance = ZH["notes"]["note-maintenance"]
    english = next(n for n in NOTES if n["id"] == "note-maintenance")["principles"]
    assert [p["chinese"] for p in english] == ["健脾补肾", "益气养血"]
    spleen_kidney, qi_blood = maintenance["principles.0.gloss"], maintenance["principles.1.gloss"]
    assert "补气养血" in qi_blood or "补益气血" in qi_blood
    for added in ("正气", "阴血", "气血两虚", "用于"):
        assert added not in qi_blood
    assert "脾" in spleen_kidney and "肾" in spleen_kidney
    for added in ("先天", "后天", "之本"):
        assert added not in spleen_kidney
