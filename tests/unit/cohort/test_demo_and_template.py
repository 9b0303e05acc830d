"""The synthetic demo cohort and the downloadable template."""

import numpy as np

from lib.cohort.demo import DEMO_PATH, demo_csv, load_demo_cohort, main
from lib.cohort.estimates import estimate_cohort
from lib.cohort.loading import load_cohort
from lib.cohort.records import ALL_PATIENTS
from lib.cohort.template import TEMPLATE_COLUMNS, template_csv


def test_the_shipped_demo_is_what_the_seed_generates(capsys):
    assert DEMO_PATH.read_text(encoding="utf-8") == demo_csv()
    assert main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_the_demo_is_labelled_synthetic_on_every_row():
    cohort = load_demo_cohort()
    assert cohort.synthetic
    assert all(code.startswith("SYNTHETIC-") for code in cohort.case_code)
    assert all(label.endswith("(synthetic)") for label in cohort.group)
    assert estimate_cohort(cohort, curves=False).synthetic


def test_the_demo_is_plausible():
    cohort = load_demo_cohort()
    assert 200 <= len(cohort) <= 500
    assert set(cohort.disease) == {"AML", "MDS", "ALL"}
    assert np.mean(cohort.phase == "transplant") > 0.8
    relapsed = ~np.isnan(cohort.months_to_relapse)
    assert 0.15 < relapsed.mean() < 0.45
    assert 0.2 < cohort.died.mean() < 0.6
    censored = ~cohort.died
    assert censored.sum() > 50 and (cohort.months_followup[censored] < 24).any()
    estimates = estimate_cohort(cohort, (24,), curves=False)
    (aml,) = [
        lm
        for lm in estimates.landmarks
        if (lm.disease, lm.phase, lm.group, lm.endpoint)
        == ("AML", "transplant", ALL_PATIENTS, "os")
    ]
    assert 45 < aml.estimate < 80  # two-year survival after allo-HSCT in AML


def test_the_template_loads_as_a_synthetic_cohort_in_both_languages():
    for language in ("en", "zh"):
        data = template_csv(language)
        assert data.startswith(b"\xef\xbb\xbf")
        cohort = load_cohort(data)
        assert cohort.synthetic and len(cohort) == 4


def test_the_template_explains_every_column_in_english_and_chinese():
    text = template_csv().decode("utf-8-sig")
    guide = [line for line in text.splitlines() if line.lstrip('"').startswith("#")]
    for column in TEMPLATE_COLUMNS:
        (line,) = [line for line in guide if line.lstrip('"').startswith(f"# {column} (")]
        assert any("\u4e00" <= char <= "\u9fff" for char in line), column
    assert "随访月数" in template_csv("zh").decode("utf-8-sig")
