"""The downloadable cohort template: a guide to each column (English and Chinese) and example rows.

The guide lines start with '#' above the header, where the reader skips them, so a filled-in
template uploads as it is. The example rows are synthetic (case codes EXAMPLE-...).
"""

import csv
import io
from typing import Literal

from lib.cohort.columns import COLUMN_BY_NAME, DAYS_PER_MONTH

TEMPLATE_COLUMNS = (
    "case_code",
    "disease",
    "phase",
    "group",
    "year",
    "age_band",
    "months_followup",
    "died",
    "months_to_relapse",
)

_GUIDE = (
    "# Phasewise cohort template: one row per patient. Lines starting with # are skipped.",
    "# Phasewise 队列模板：每位患者一行。以 # 开头的行不会被读取。",
    "# disease (疾病), required / 必填: AML, MDS or ALL",
    "# phase (阶段), required / 必填: the time origin / 时间起点: induction, consolidation, "
    "maintenance, transplant (day of allo-HSCT / 异基因移植日) or relapse",
    "# months_followup (随访月数), required / 必填: months from the origin to death or last "
    "follow-up, 0 or more / 从起点到死亡或末次随访的月数，≥ 0",
    "# died (死亡), required / 必填: 1 or 0 (also yes/no, true/false, 是/否)",
    "# months_to_relapse (复发月数), required, empty if no relapse / 必填，未复发留空: months from "
    "the origin to relapse, at most months_followup / 从起点到复发的月数，不超过随访月数",
    "# group (分组), optional / 可选: a label to compare, e.g. a maintenance drug vs none, at most "
    "40 characters / 用于比较的分组标签，最多 40 个字符",
    "# year (年份), optional / 可选: year of the origin, a year only / 起点年份，仅年份",
    "# age_band (年龄段), optional / 可选: e.g. 60-69, <18, 90+ (no exact ages) / 如 60-69，"
    "不填具体年龄",
    "# case_code (病例编号), optional / 可选: your own pseudonymous code, unique, not derived from "
    "any identifier / 自编唯一代码，不得由任何身份信息生成",
    f"# days_followup / days_to_relapse may replace the month columns (converted at "
    f"{DAYS_PER_MONTH} days per month) / 可用天数列代替月数列",
    "# No names, record or ID-card numbers, phone numbers, e-mails or dates (a year only): a file "
    "with them is refused. / 不得包含姓名、病历号、身份证号、电话、邮箱或日期（仅年份）："
    "否则拒收。",
    "# Delete the EXAMPLE rows below before adding your patients. / 添加患者前请删除下面的示例行。",
)

_EXAMPLES = (
    ("EXAMPLE-01", "AML", "transplant", "Maintenance", "2021", "40-59", "30.5", "0", ""),
    ("EXAMPLE-02", "AML", "transplant", "No maintenance", "2020", "60-69", "14.2", "1", "8.0"),
    ("EXAMPLE-03", "MDS", "transplant", "No maintenance", "2022", "60-69", "18.0", "0", "11.5"),
    ("EXAMPLE-04", "ALL", "transplant", "Maintenance", "2019", "18-39", "6.1", "1", ""),
)


def template_csv(language: Literal["en", "zh"] = "en") -> bytes:
    """The template as CSV bytes (UTF-8 with a BOM, so that Excel shows the Chinese).

    `language` "zh" writes the header in its Chinese aliases (疾病, 阶段, ...).
    """
    header = [
        COLUMN_BY_NAME[name].aliases[0] if language == "zh" else name for name in TEMPLATE_COLUMNS
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in _GUIDE:
        writer.writerow([line])
    writer.writerow(header)
    writer.writerows(_EXAMPLES)
    return out.getvalue().encode("utf-8-sig")
