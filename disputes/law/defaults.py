"""Default contents of the law tables, as first seeded; legal staff correct them in the admin.

Used by the data migrations, the `sync_calendar` command and the test fixtures. Plain
values only, so a migration can use them with historical models.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

# "3 / 5 / 10 days" in the Rules are working days, "15 / 45 days" calendar days (the
# Rules' closing provisions); confirm with the commission's legal staff.
STATUTORY_PERIODS: Final[tuple[dict[str, Any], ...]] = (
    {
        "code": "mediation_window",
        "name_zh": "调解期限",
        "name_en": "Mediation window",
        "length": 15,
        "unit": "calendar_days",
        "direction": "after",
        "starts": "调解组织收到调解申请之日",
        "basis": "《劳动争议调解仲裁法》第十四条第三款",
        "notes": "期满未达成协议的，当事人可以依法申请仲裁；双方同意可继续调解，不自动结案。",
    },
    {
        "code": "enterprise_mediation_extension",
        "name_zh": "企业调解延长期限",
        "name_en": "Enterprise mediation extension",
        "length": 15,
        "unit": "calendar_days",
        "direction": "after",
        "starts": "双方当事人同意延期",
        "basis": "《企业劳动争议协商调解规定》",
        "notes": "最长延长天数；经双方当事人同意。",
        "extends": "mediation_window",
    },
    {
        "code": "acceptance_decision",
        "name_zh": "受理审查期限",
        "name_en": "Acceptance decision",
        "length": 5,
        "unit": "working_days",
        "direction": "after",
        "starts": "仲裁委员会收到仲裁申请之日",
        "basis": "《劳动争议调解仲裁法》第二十九条",
        "notes": "逾期未作出决定的，申请人可以就该劳动争议事项向人民法院提起诉讼。",
    },
    {
        "code": "serve_application",
        "name_zh": "送达申请书副本期限",
        "name_en": "Serve the application on the respondent",
        "length": 5,
        "unit": "working_days",
        "direction": "after",
        "starts": "仲裁委员会受理仲裁申请之日",
        "basis": "《劳动争议调解仲裁法》第三十条",
        "notes": "",
    },
    {
        "code": "defence",
        "name_zh": "答辩期限",
        "name_en": "Respondent's defence",
        "length": 10,
        "unit": "working_days",
        "direction": "after",
        "starts": "被申请人收到仲裁申请书副本之日",
        "basis": "《劳动争议调解仲裁法》第三十条",
        "notes": "被申请人未提交答辩书的，不影响仲裁程序的进行。",
    },
    {
        "code": "tribunal_notice",
        "name_zh": "组庭通知期限",
        "name_en": "Notify the tribunal's composition",
        "length": 5,
        "unit": "working_days",
        "direction": "after",
        "starts": "仲裁委员会受理仲裁申请之日",
        "basis": "《劳动争议调解仲裁法》第三十二条；《劳动人事争议仲裁办案规则》第三十七条",
        "notes": "",
    },
    {
        "code": "hearing_notice",
        "name_zh": "开庭通知期限",
        "name_en": "Hearing notice",
        "length": 5,
        "unit": "working_days",
        "direction": "after",
        "starts": "开庭通知送达之日",
        "basis": "《劳动争议调解仲裁法》第三十五条",
        "notes": "仲裁庭应当在开庭五日前通知双方当事人；本期限给出通知送达后最早可以开庭的日期。",
    },
    {
        "code": "postponement_request",
        "name_zh": "请求延期开庭期限",
        "name_en": "Postponement request",
        "length": 3,
        "unit": "working_days",
        "direction": "before",
        "starts": "开庭日期（向前计算）",
        "basis": "《劳动争议调解仲裁法》第三十五条",
        "notes": "当事人有正当理由的，可以在开庭三日前请求延期开庭；是否延期由仲裁委员会决定。",
    },
    {
        "code": "award",
        "name_zh": "仲裁审理期限",
        "name_en": "Award",
        "length": 45,
        "unit": "calendar_days",
        "direction": "after",
        "starts": "仲裁委员会受理仲裁申请之日",
        "basis": "《劳动争议调解仲裁法》第四十三条；"
        "《劳动人事争议仲裁办案规则》第四十五条至第四十七条",
        "notes": "中止期间、公告送达期间不计入；增加或变更仲裁请求、提出反申请、移送管辖的，"
        "仲裁期限重新计算（办案规则第四十六条）。",
    },
    {
        "code": "award_extension",
        "name_zh": "仲裁期限延长",
        "name_en": "Award extension",
        "length": 15,
        "unit": "calendar_days",
        "direction": "after",
        "starts": "仲裁委员会主任书面批准延期",
        "basis": "《劳动争议调解仲裁法》第四十三条；《劳动人事争议仲裁办案规则》第四十五条",
        "notes": "案情复杂需要延期的，经主任批准可以延期一次，延长期限不得超过十五日。",
        "extends": "award",
    },
    {
        "code": "lawsuit_after_award",
        "name_zh": "不服裁决起诉期限",
        "name_en": "Lawsuit after the award",
        "length": 15,
        "unit": "calendar_days",
        "direction": "after",
        "starts": "当事人收到仲裁裁决书之日",
        "basis": "《劳动争议调解仲裁法》第四十八条、第五十条",
        "notes": "",
    },
    {
        "code": "limitation",
        "name_zh": "仲裁时效",
        "name_en": "Limitation period",
        "length": 1,
        "unit": "years",
        "direction": "after",
        "starts": "当事人知道或者应当知道其权利被侵害之日",
        "basis": "《劳动争议调解仲裁法》第二十七条",
        "notes": "劳动关系存续期间因拖欠劳动报酬发生争议的，不受一年限制；劳动关系终止的，"
        "应当自终止之日起一年内提出。时效是抗辩事由，不是不予受理的理由。",
    },
)

REGIONS: Final[tuple[tuple[str, str, str | None], ...]] = (
    # (code, name, parent code) — GB/T 2260.
    ("420000", "湖北省", None),
    ("420100", "武汉市", "420000"),
    ("420112", "东西湖区", "420100"),
)

MINIMUM_WAGES: Final[tuple[dict[str, Any], ...]] = (
    {
        "region": "420100",
        "category": "第一档",
        "monthly_amount": Decimal("2010.00"),
        "effective_from": dt.date(2021, 9, 1),
        "basis": "湖北省 2021 年调整最低工资标准的文件",
        "notes": "待法律事务人员核实：此前一档标准的金额与执行日期以原文件为准 (to be confirmed by "
        "legal staff).",
    },
    {
        "region": "420100",
        "category": "第一档",
        "monthly_amount": Decimal("2400.00"),
        "effective_from": dt.date(2025, 12, 1),
        "basis": "湖北省〔2025〕44号（调整最低工资标准）",
        "notes": "",
    },
)

AVERAGE_WAGES: Final[tuple[dict[str, Any], ...]] = (
    {
        "region": "420000",
        "year": 2024,
        "annual_amount": Decimal("100000.00"),
        "basis": "占位值 (placeholder)",
        "notes": "待法律事务人员确认：请按湖北省统计部门公布的上年度职工年平均工资录入 "
        "(to be confirmed by legal staff: a placeholder, not an official figure).",
    },
)

# The reason written on the revision of each period seeded from the defaults above.
SEED_REASON: Final = "初始默认值，依据 DOMAIN 法定期限表 (seeded defaults)"
