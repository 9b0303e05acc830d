"""The privacy rules: what a cell or header is refused as, what passes, and that nothing leaks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.cohort import privacy
from lib.cohort.loading import load_cohort
from lib.cohort.problems import CohortRejected

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
            ",".join(["x"] * 500) + ",AML,transplant,1,0,", header=",".join(extra) + "," + HEADER
        )
    )
    assert len(rejection.problems) == 200
    assert str(rejection.problems[-1]) == "file: 301 more problems not listed; fix these first"
