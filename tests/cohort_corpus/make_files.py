"""Writes the corpus's real-shaped inputs: workbooks as Excel, WPS and LibreOffice leave them
(number formats, date cells, full-width text, formulas) and CSV files as wards send them.

    python tests/cohort_corpus/make_files.py        # rewrites every input listed below

Each case's case.yaml and expected.txt are written by hand (expected.txt checked with
COHORT_CORPUS_REGENERATE=1). The patients are simulated: no value comes from a real person, and
the names are the most common ones (张伟, Wei Zhang), typed in as a ward might.
The LibreOffice case is made with `soffice --headless --convert-to` when soffice is installed.
"""

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

CORPUS = Path(__file__).resolve().parent
HEADER = ["disease", "phase", "months_followup", "died", "months_to_relapse"]


def _patients(n: int, seed: int = 3):
    """n simulated patients: (months of follow-up, died, months to relapse or None)."""
    rows = []
    for i in range(n):
        months = round(3 + (i * 7.3 + seed) % 60, 1)
        died = (i + seed) % 3 == 0
        relapse = round(months * 0.4, 1) if (i + seed) % 4 == 0 else None
        rows.append((months, int(died), relapse))
    return rows


def _save(book: openpyxl.Workbook, name: str) -> Path:
    path = CORPUS / name / "input.xlsx"
    path.parent.mkdir(exist_ok=True)
    book.save(path)
    return path


def _csv(name: str, lines: list[str], encoding: str = "utf-8") -> None:
    path = CORPUS / name / "input.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def year_formatted_dates() -> None:
    """`year` cells formatted `yyyy`: a transplant date shown as its year, and 2019 typed into a
    cell that has the format (the number 2019 behind a date of 1905)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "year"])
    for i, (months, died, relapse) in enumerate(_patients(12)):
        sheet.append(["AML", "transplant", months, died, relapse, None])
        cell = sheet.cell(row=i + 2, column=6)
        cell.value = dt.datetime(2018 + i % 3, 1 + i % 12, 1 + i) if i % 2 else 2019 + i % 3
        cell.number_format = "yyyy"
    _save(book, "workbook-year-formatted-as-date")


def months_formatted_as_dates() -> None:
    """Two months_followup cells that picked up a date format (12.5 shown as 1900-01-12)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for months, died, relapse in _patients(8):
        sheet.append(["AML", "transplant", months, died, relapse])
    for row in (3, 6):
        sheet.cell(row=row, column=3).number_format = "yyyy-mm-dd"
    sheet.cell(row=4, column=5).value = 4.5
    sheet.cell(row=4, column=5).number_format = "m/d/yy"
    _save(book, "workbook-months-formatted-as-dates")


def full_width_workbook() -> None:
    """A Chinese Excel: full-width digits, letters and dash, headers with units in brackets."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["疾病", "阶段", "随访月数（月）", "死亡（1=是，0=否）", "复发月数（月）", "年龄段"]
    )
    wide = str.maketrans("0123456789.-ALMDS", "０１２３４５６７８９．－ＡＬＭＤＳ")
    for i, (months, died, relapse) in enumerate(_patients(10)):
        sheet.append(
            [
                ("ALL" if i % 2 else "AML").translate(wide),
                "transplant",
                f"{months + 0.3696:.4f}".translate(wide),
                str(died).translate(wide),
                None if relapse is None else f"{relapse}".translate(wide),
                "18-29".translate(wide) if i % 2 else "60-69".translate(wide),
            ]
        )
    _save(book, "workbook-full-width-chinese-excel")


def full_width_csv() -> None:
    wide = str.maketrans("0123456789.-ALM", "０１２３４５６７８９．－ＡＬＭ")
    lines = ["疾病,阶段,随访月数（月）,死亡,复发月数（天）,分组"]
    for i, (months, died, relapse) in enumerate(_patients(10)):
        days = "" if relapse is None else f"{round(relapse * 30.4)}".translate(wide)
        group = "ＡＬＬ" if i < 5 else "Ｍａｉｎｔｅｎａｎｃｅ"
        lines.append(f"{'ＡＬＬ'},transplant,{f'{months}'.translate(wide)},{died},{days},{group}")
    _csv("full-width-csv-gb18030", lines, "gb18030")


def na_markers() -> None:
    lines = [",".join([*HEADER, "year", "age_band"])]
    markers = ["NA", "N/A", "-", "无", "NA", "", "#N/A", "NA"]
    for i, (months, died, relapse) in enumerate(_patients(8)):
        cell = f"{relapse}" if relapse is not None and i == 1 else markers[i]
        lines.append(f"AML,transplant,{months},{died},{cell},{'NA' if i == 3 else 2020},60-69")
    _csv("na-for-no-relapse", lines)


def extra_columns() -> None:
    lines = [",".join(["case_code", "sex", "fab", *HEADER, "mtx", "hospital", "危险分层"])]
    for i, (months, died, relapse) in enumerate(_patients(12)):
        lines.append(
            ",".join(
                [
                    f"C{i + 1:03d}",
                    "F" if i % 2 else "M",
                    f"M{1 + i % 5}",
                    "AML",
                    "transplant",
                    f"{months}",
                    f"{died}",
                    "" if relapse is None else f"{relapse}",
                    "yes" if i % 3 else "no",
                    "Centre A" if i < 6 else "北京大学人民医院",
                    ["高危", "中危", "低危"][i % 3],
                ]
            )
        )
    _csv("extra-columns-identifying-no-one", lines)


def formulas_without_values() -> None:
    """A workbook written by a script: months computed by formulas never calculated."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "days"])
    for i, (months, died, relapse) in enumerate(_patients(6)):
        sheet.append(["AML", "transplant", f"=F{i + 2}/30.4375", died, relapse, months * 30])
    _save(book, "workbook-formulas-without-values")


def names_in_group(rows: int) -> None:
    lines = [",".join([*HEADER, "group"])]
    names = {0: "Wei Zhang", 1: "张伟", 2: "王小明", 3: "ZHANG Wei", 4: "李娜"}
    for i, (months, died, relapse) in enumerate(_patients(rows)):
        label = names.get(i % 40, "Sorafenib" if i % 2 else "No maintenance")
        lines.append(f"AML,transplant,{months},{died},{'' if relapse is None else relapse},{label}")
    _csv(f"names-in-group-{rows}-rows", lines)


def record_number_codes() -> None:
    lines = [",".join(["case_code", *HEADER])]
    codes = ["ZY20190001", "ZY20190002", "C003", "48213", "C005", "MZ2021000123"]
    for code, (months, died, relapse) in zip(codes, _patients(6), strict=True):
        lines.append(f"{code},AML,transplant,{months},{died},{'' if relapse is None else relapse}")
    _csv("case-code-admission-number", lines)


def all_as_group_label() -> None:
    lines = [",".join([*HEADER, "group"])]
    for i, (months, died, relapse) in enumerate(_patients(14)):
        label = "ALL" if i % 2 else "AML"
        disease = "ALL" if i % 2 else "AML"
        lines.append(
            f"{disease},transplant,{months},{died},{'' if relapse is None else relapse},{label}"
        )
    _csv("all-as-group-label", lines)


def small_groups() -> None:
    lines = [",".join([*HEADER, "group"])]
    labels = ["Sorafenib"] * 10 + ["No maintenance"] * 8 + ["Midostaurin"] * 3 + ["Azacitidine"] * 2
    labels += ["Gilteritinib"]
    for label, (months, died, relapse) in zip(labels, _patients(len(labels)), strict=True):
        lines.append(f"AML,transplant,{months},{died},{'' if relapse is None else relapse},{label}")
    _csv("small-groups-pooled", lines)


def saved_by_libreoffice() -> None:
    """The year-formatted, full-width workbook opened and saved again by LibreOffice Calc."""
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice not installed: workbook-saved-by-libreoffice left as it is")
        return
    source = CORPUS / "workbook-year-formatted-as-date" / "input.xlsx"
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copy(source, work / "cohort.xlsx")
        for target in ("ods", "xlsx"):
            out = work / target
            out.mkdir()
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation=file://{work}/profile",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(out),
                    str(work / ("cohort.xlsx" if target == "ods" else "ods/cohort.ods")),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
        for target, name in (
            ("ods", "workbook-saved-by-libreoffice-ods"),
            ("xlsx", "workbook-saved-by-libreoffice-xlsx"),
        ):
            directory = CORPUS / name
            directory.mkdir(exist_ok=True)
            shutil.copy(work / target / f"cohort.{target}", directory / f"input.{target}")


if __name__ == "__main__":
    year_formatted_dates()
    months_formatted_as_dates()
    full_width_workbook()
    full_width_csv()
    na_markers()
    extra_columns()
    formulas_without_values()
    for n in (5, 15, 200):
        names_in_group(n)
    record_number_codes()
    all_as_group_label()
    small_groups()
    saved_by_libreoffice()
