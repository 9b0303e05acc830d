"""The privacy rules: what a cell or header is refused as, what passes, and that nothing leaks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.cohort import privacy
from lib.cohort.estimates import estimate_cohort
from lib.cohort.loading import load_cohort
from lib.cohort.names import looks_like_person_name
from lib.cohort.problems import CohortRejected
from lib.cohort.records import ALL_PATIENTS, POOLED_GROUPS

from .conftest import HEADER, csv_bytes


@pytest.mark.parametrize(
    "value, rule",
    [
        ("11010519491231002X", privacy.ID_CARD),
        ("110105194912310021", privacy.ID_CARD),
        ("ID 11010519491231002x issued", privacy.ID_CARD),
        ("13812345678", privacy.PHONE),
        ("138 1234 5678", privacy.PHONE),
        ("+86 138-1234-5678", privacy.PHONE),
        ("call 138-1234-5678", privacy.PHONE),
        ("wang.fang@example.com", privacy.EMAIL),
        ("2024-03-05", privacy.DATE),
        ("2024/3/5", privacy.DATE),
        ("2024.03.05", privacy.DATE),
        ("05/03/2024", privacy.DATE),
        ("5-3-24", privacy.DATE),
        ("2024年3月5日", privacy.DATE),
        ("2024年3月", privacy.DATE),
        ("3月5日", privacy.DATE),
        ("20240305", privacy.DATE),
        ("2024-03", privacy.DATE),
        ("03/2024", privacy.DATE),
        ("Mar 5, 2024", privacy.DATE),
        ("5 March 2024", privacy.DATE),
        ("March 2024", privacy.DATE),
        ("2024-03-05T10:30:00", privacy.DATE),
        ("0048291377", privacy.RECORD_NUMBER),
    ],
)
def test_identifying_values(value, rule):
    assert privacy.value_rule(value) == rule


@pytest.mark.parametrize(
    "value",
    [
        "",
        "AML",
        "transplant",
        "12.5",
        "0",
        "600",
        "2019",
        "60-69",
        "18-39",
        "90+",
        "<18",
        "C001",
        "SYNTHETIC-0001",
        "Sorafenib",
        "2019-2021 cohort",
        "No maintenance (synthetic)",
        "索拉非尼",
        "yes",
        "1,5",
        "123456",  # six digits: a case code rule of its own, not a value rule
    ],
)
def test_ordinary_cohort_values_pass(value):
    assert privacy.value_rule(value) is None


@pytest.mark.parametrize(
    "header, rule",
    [
        ("name", privacy.NAME),
        ("Patient Name", privacy.NAME),
        ("姓名", privacy.NAME),
        ("MRN", privacy.RECORD_NUMBER),
        ("病历号", privacy.RECORD_NUMBER),
        ("住院号", privacy.RECORD_NUMBER),
        ("hospital_number", privacy.RECORD_NUMBER),
        ("patient_id", privacy.RECORD_NUMBER),
        ("身份证", privacy.ID_CARD),
        ("ID card", privacy.ID_CARD),
        ("phone", privacy.PHONE),
        ("电话", privacy.PHONE),
        ("手机", privacy.PHONE),
        ("email", privacy.EMAIL),
        ("E-mail", privacy.EMAIL),
        ("邮箱", privacy.EMAIL),
        ("date_of_birth", privacy.BIRTH_DATE),
        ("DOB", privacy.BIRTH_DATE),
        ("出生日期", privacy.BIRTH_DATE),
        ("transplant date", privacy.DATE),
        ("日期", privacy.DATE),
        ("address", privacy.ADDRESS),
        ("地址", privacy.ADDRESS),
        ("age", privacy.EXACT_AGE),
        ("notes", privacy.FREE_TEXT),
        ("备注", privacy.FREE_TEXT),
    ],
)
def test_identifying_headers(header, rule):
    assert privacy.header_rule(header) == rule


def _refusal(data: bytes) -> CohortRejected:
    with pytest.raises(CohortRejected) as rejected:
        load_cohort(data)
    assert rejected.value.privacy
    return rejected.value


def test_every_identifying_column_is_refused_at_once():
    rejection = _refusal(
        csv_bytes(
            "张伟,13812345678,AML,transplant,12,1,",
            header="姓名,联系电话," + HEADER,
        )
    )
    assert [str(p) for p in rejection.problems] == [
        "row 1: 姓名: refused (name): the header suggests a person's name; remove the column; "
        "a cohort file holds no identifiers",
        "row 1: 联系电话: refused (phone): the header suggests a phone number (a mobile number "
        "has 11 digits starting with 1); remove the column; a cohort file holds no identifiers",
    ]


def test_a_misspelt_cohort_column_holding_identifiers_is_refused_not_suggested():
    rejection = _refusal(csv_bytes("13812345678,AML,transplant,12,1,", header="cse_code," + HEADER))
    assert rejection.problems[0].message.startswith("refused (phone)")


def test_a_group_label_per_patient_is_refused_but_a_few_groups_pass():
    rows = [f"AML,transplant,{i + 1},0,,Label{i:02d}x" for i in range(30)]
    _refusal(csv_bytes(*rows, header=HEADER + ",group"))
    rows = [f"AML,transplant,{i + 1},0,,{'AB'[i % 2]}" for i in range(30)]
    assert len(load_cohort(csv_bytes(*rows, header=HEADER + ",group"))) == 30


_IDENTIFIERS = st.one_of(
    st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    st.from_regex(r"[1-6]\d{16}[\dX]", fullmatch=True),
    st.from_regex(r"[a-z]{3,8}\.[a-z]{3,8}@[a-z]{4,8}\.(com|cn|org)", fullmatch=True),
    st.dates()
    .map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
    .filter(lambda text: text[:2] in ("19", "20")),
    st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
)


@settings(max_examples=120, deadline=None)
@given(
    secret=_IDENTIFIERS,
    column=st.sampled_from(["group", "case_code", "year", "age_band", "months_followup", "extra"]),
    row=st.integers(0, 4),
)
def test_no_identifier_ever_appears_in_a_message(secret, column, row):
    header = HEADER + ",group,case_code,year,age_band,extra"
    rows = [f"AML,transplant,{i + 3},0,,A,C{i:03d},2020,60-69,x" for i in range(5)]
    cells = rows[row].split(",")
    cells[header.split(",").index(column)] = secret
    rows[row] = ",".join(cells)
    with pytest.raises(CohortRejected) as rejected:
        load_cohort(csv_bytes(*rows, header=header))
    text = str(rejected.value) + "".join(repr(p) for p in rejected.value.problems)
    assert secret not in text
    assert secret.replace("-", "") not in text.replace("-", "")


def test_a_file_with_hundreds_of_unknown_columns_gives_a_readable_report():
    extra = [f"c{i}" for i in range(500)]
    rejection = _refusal(
        csv_bytes(
            ",".join(["2024-03-05"] * 500) + ",AML,transplant,1,0,",
            header=",".join(extra) + "," + HEADER,
        )
    )
    assert len(rejection.problems) == 200
    assert str(rejection.problems[-1]) == "file: 301 more problems not listed; fix these first"


# --- person names in the group column, the small-cell rule, record-number case codes ------------


@pytest.mark.parametrize(
    "label",
    ["张伟", "王小明", "欧阳娜娜", "李娜", "Wei Zhang", "ZHANG Wei", "Zhang, Wei", "John Smith"],
)
def test_a_persons_name_is_a_name(label):
    assert looks_like_person_name(label)


@pytest.mark.parametrize(
    "label",
    [
        "ALL",
        "高危",
        "维持治疗",
        "无维持治疗",
        "单倍型",
        "对照组",
        "常规组",
        "全相合",
        "Sorafenib",
        "Sorafenib Maintenance",
        "No maintenance",
        "High risk",
        "Haplo donor",
        "Matched Sibling",
        "Arm A",
        "AML MRD+",
        "FLT3 ITD",
        "2019-2021 cohort",
    ],
)
def test_a_group_label_is_not_a_name(label):
    assert not looks_like_person_name(label)


@pytest.mark.parametrize("patients", [1, 5, 15, 137])
def test_a_name_in_the_group_column_is_refused_at_any_file_size(patients):
    names = ["Wei Zhang", "张伟"]
    rows = [f"AML,transplant,{i + 1},0,,Sorafenib" for i in range(patients)]
    rows[0] = "AML,transplant,1,0,,Wei Zhang"
    rows[-1] = "AML,transplant,2,1,,张伟"
    rejection = _refusal(csv_bytes(*rows, header=HEADER + ",group"))
    text = "\n".join(str(problem) for problem in rejection.problems)
    assert rejection.problems[0].message.startswith("refused (name): looks like a person's name")
    assert {p.column for p in rejection.problems} == {"group"}
    assert {p.row for p in rejection.problems} == {2, patients + 1}
    assert not any(name in text for name in names)


@pytest.mark.parametrize(
    "code, refused",
    [
        ("ZY20190001", True),
        ("zy2019001", True),
        ("MZ-20211234", True),
        ("H12345678", True),
        ("12345", True),
        ("482913", True),
        ("C001", False),
        ("C000123", False),
        ("AML-2019-001", False),
        ("1234", False),
    ],
)
def test_case_codes_shaped_like_record_numbers_are_refused(code, refused):
    rows = [f"AML,transplant,12,0,,{code}", "AML,transplant,12,0,,C999"]
    data = csv_bytes(*rows, header=HEADER + ",case_code")
    if not refused:
        load_cohort(data)
        return
    rejection = _refusal(data)
    (problem,) = rejection.problems
    assert (problem.row, problem.column) == (2, "case_code")
    assert problem.message.startswith("refused (record_number)")
    assert code not in str(problem)


def _grouped(counts: dict[str, int], disease: str = "AML") -> list[str]:
    rows = []
    for label, n in counts.items():
        rows += [f"{disease},transplant,{6 + i},{i % 2},,{label}" for i in range(n)]
    return rows


def test_a_group_under_five_patients_is_pooled_with_the_other_small_groups():
    data = csv_bytes(
        *_grouped({"Sorafenib": 12, "Midostaurin": 3, "Gilteritinib": 2, "None": 9}),
        header=HEADER + ",group",
    )
    cohort = load_cohort(data)
    assert sorted(set(cohort.group)) == sorted({"Sorafenib", "None", POOLED_GROUPS})
    assert (cohort.group == POOLED_GROUPS).sum() == 5
    (note,) = cohort.notes
    assert note.startswith("small-cell rule: 2 group(s) with fewer than 5 patients")
    assert "Midostaurin" not in note and "Gilteritinib" not in note
    estimates = estimate_cohort(cohort, (12,), curves=False)
    assert {lm.group for lm in estimates.landmarks} == {
        ALL_PATIENTS,
        "None",
        "Sorafenib",
        POOLED_GROUPS,
    }


def test_a_small_group_too_small_even_pooled_is_shown_only_under_all_patients():
    cohort = load_cohort(
        csv_bytes(*_grouped({"Sorafenib": 12, "Wei": 1}), header=HEADER + ",group")
    )
    estimates = estimate_cohort(cohort, (12,), curves=True)
    assert {lm.group for lm in estimates.landmarks} == {ALL_PATIENTS, "Sorafenib"}
    assert {curve.group for curve in estimates.curves} == {ALL_PATIENTS, "Sorafenib"}
    assert {m.group for m in estimates.medians} == {ALL_PATIENTS, "Sorafenib"}
    (test,) = estimates.logrank
    assert test.groups == ("Sorafenib",)
    all_patients = [lm for lm in estimates.landmarks if lm.group == ALL_PATIENTS]
    assert all_patients[0].patients == 13
    assert "count only under all patients" in cohort.notes[0]


def test_the_small_cell_rule_counts_within_each_disease_and_time_origin():
    rows = _grouped({"Sorafenib": 8}) + _grouped({"Sorafenib": 2}, disease="MDS")
    cohort = load_cohort(csv_bytes(*rows, header=HEADER + ",group"))
    assert list(cohort.group[cohort.disease == "AML"]) == ["Sorafenib"] * 8
    assert list(cohort.group[cohort.disease == "MDS"]) == [POOLED_GROUPS] * 2


def test_all_is_a_group_label_like_any_other():
    cohort = load_cohort(
        csv_bytes(*_grouped({"ALL": 6, "all": 5, "Other": 5}), header=HEADER + ",group")
    )
    estimates = estimate_cohort(cohort, (12,), curves=False)
    groups = {lm.group for lm in estimates.landmarks}
    assert {"ALL", "all", ALL_PATIENTS} <= groups and len(groups) == 4
