"""Validation of a cohort's cells and the Cohort it builds: values, conversions, immutability."""

import numpy as np
import pytest

from lib.cohort.columns import DAYS_PER_MONTH, column_letter
from lib.cohort.loading import load_cohort
from lib.cohort.problems import CohortRejected

from .conftest import HEADER, csv_bytes


def _problems(data: bytes) -> list[str]:
    with pytest.raises(CohortRejected) as rejected:
        load_cohort(data)
    assert not rejected.value.privacy
    return [str(problem) for problem in rejected.value.problems]


def test_a_valid_file(valid_rows):
    cohort = load_cohort(csv_bytes(*valid_rows))
    assert len(cohort) == 3
    assert list(cohort.disease) == ["AML", "MDS", "ALL"]
    assert list(cohort.died) == [True, False, True]
    assert np.isnan(cohort.months_to_relapse[1]) and cohort.months_to_relapse[0] == 6
    assert cohort.group is None and not cohort.synthetic


def test_codes_are_read_whatever_their_case_and_spacing():
    cohort = load_cohort(csv_bytes(" aml , Transplant ,12,YES,", "mds,RELAPSE,3,否,"))
    assert list(cohort.disease) == ["AML", "MDS"]
    assert list(cohort.phase) == ["transplant", "relapse"]
    assert list(cohort.died) == [True, False]


@pytest.mark.parametrize(
    "value, died",
    [("1", True), ("0", False), ("yes", True), ("No", False), ("TRUE", True), ("false", False)],
)
def test_died_values(value, died):
    assert load_cohort(csv_bytes(f"AML,transplant,12,{value},")).died[0] == died


def test_days_are_converted_to_months_at_the_stated_factor():
    data = csv_bytes(
        "AML,transplant,365.25,1,30.4375", header="disease,phase,days_followup,died,days_to_relapse"
    )
    cohort = load_cohort(data)
    assert cohort.months_followup[0] == pytest.approx(12.0)
    assert cohort.months_to_relapse[0] == pytest.approx(1.0)
    assert DAYS_PER_MONTH == 30.4375
    assert (
        cohort.notes[0]
        == "days_followup converted to months at 30.4375 days per month (365.25 / 12)"
    )


def test_relapse_on_the_last_follow_up_day_in_days_and_months_mixed_is_allowed():
    data = csv_bytes(
        "AML,transplant,12,1,365.25", header="disease,phase,months_followup,died,days_to_relapse"
    )
    assert load_cohort(data).months_to_relapse[0] == pytest.approx(12.0)


@pytest.mark.parametrize("band", ["60-69", "18–39", "<18", "≤17", "70+", ">=80", "90+", "0-17"])
def test_accepted_age_bands(band):
    data = csv_bytes(f"AML,transplant,12,1,,{band}", header=HEADER + ",age_band")
    assert load_cohort(data).age_band[0] == band


def test_every_problem_of_every_row_is_reported_at_once():
    problems = _problems(
        csv_bytes(
            "AMLX,transplant,-1,maybe,",
            "MDS,nowhere,12,1,13",
            header=HEADER,
        )
    )
    assert problems == [
        "row 2: disease: 'AMLX' is not a disease; did you mean AML? (must be AML, MDS or ALL)",
        "row 2: months_followup: negative; months count from the time origin, so 0 or more",
        "row 2: died: must be 1/0, yes/no or true/false (是/否)",
        "row 3: phase: not a phase: must be induction, consolidation, maintenance, transplant "
        "or relapse",
        "row 3: months_to_relapse: after the end of follow-up (months_followup); a relapse is on "
        "or before the last follow-up",
    ]


def test_the_header_row_is_named_as_written():
    problems = _problems("疾病,阶段,随访月数,死亡,复发月数\nAML,transplant,-2,1,\n".encode())
    assert problems == [
        "row 2: 随访月数: negative; months count from the time origin, so 0 or more"
    ]


def test_a_template_example_left_among_real_rows_is_a_problem_but_all_examples_load():
    header = "case_code," + HEADER
    assert load_cohort(csv_bytes("EXAMPLE-01,AML,transplant,3,1,", header=header)).synthetic
    assert _problems(
        csv_bytes("EXAMPLE-01,AML,transplant,3,1,", "C7,AML,transplant,3,1,", header=header)
    ) == [
        "row 2: case_code: a synthetic example row from the template or the demo cohort among "
        "real patients; delete it"
    ]


def test_the_cohort_is_read_only_and_its_repr_shows_no_patient(valid_rows):
    cohort = load_cohort(csv_bytes(*valid_rows))
    with pytest.raises(ValueError):
        cohort.months_followup[0] = 99
    with pytest.raises(AttributeError):
        cohort.synthetic = True
    assert repr(cohort) == "Cohort(3 patients, synthetic=False)"
    frame = cohort.to_frame()
    frame.loc[0, "months_followup"] = 99
    assert cohort.months_followup[0] == 12.5
    assert cohort.memory_bytes() > 0


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 702)] == ["A", "Z", "AA", "AZ", "AAA"]
