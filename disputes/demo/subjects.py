"""What a case is about: claims and amounts by industry, reasons, rooms."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from disputes import services
from disputes.demo.world import INDUSTRIES, Company
from disputes.models import DisputeType


def money(value: float) -> Decimal:
    return Decimal(round(value)).quantize(Decimal("0.01"))


@dataclass
class Subject:
    dispute_type: str
    facts: str
    claims: list[services.ClaimInput]
    is_collective: bool = False
    is_new_employment_form: bool = False
    is_migrant_wage: bool = False
    knew_days_before: int = 30
    employment_ended: bool = False

    @property
    def total(self) -> Decimal:
        return sum((c.amount or Decimal(0) for c in self.claims), Decimal(0))


def subject_for(rng: random.Random, company: Company, workers: int, year: int) -> Subject:
    """The dispute type, facts and claims, fitting the employer's industry."""
    industry = INDUSTRIES[company.industry]
    job = rng.choice(industry.jobs)
    wage = rng.randrange(*industry.wage, 100)
    months = rng.randint(1, 6)
    years = rng.randint(1, 10)
    start = f"{year - years}年{rng.randint(1, 12)}月"
    claim = services.ClaimInput
    if workers >= 10:
        if industry.migrant:
            total = money(workers * wage * rng.uniform(1.5, 4))
            return Subject(
                DisputeType.WAGES,
                f"申请人{workers}人均为被申请人承建项目的{job}等一线务工人员，被申请人拖欠"
                f"{months}个月工资共计{total:.0f}元，申请人推选代表人参加仲裁活动。",
                [claim("wages", f"支付{workers}名申请人拖欠的工资", total)],
                is_collective=True, is_migrant_wage=True, knew_days_before=rng.randint(20, 90),
            )
        total = money(workers * wage * rng.randint(2, 8))
        return Subject(
            DisputeType.TERMINATION,
            f"被申请人因停产搬迁与申请人{workers}人解除劳动合同，未依法支付经济补偿，"
            f"申请人推选代表人主张经济补偿共计{total:.0f}元。",
            [claim("economic_compensation", f"支付{workers}名申请人解除劳动合同经济补偿", total)],
            is_collective=True, employment_ended=True, knew_days_before=rng.randint(10, 60),
        )
    if industry.platform:
        kind = rng.choice(["labor_relationship", "labor_relationship", "work_injury", "wages"])
        if kind == "work_injury":
            medical = money(rng.uniform(6000, 45000))
            return Subject(
                DisputeType.WORK_INJURY,
                f"申请人自{start}起为被申请人从事{job}工作，接受其排班与考核。配送途中发生"
                f"交通事故受伤，要求确认劳动关系并承担医疗费用{medical:.0f}元。",
                [claim("labor_relationship", "确认申请人与被申请人存在劳动关系"),
                 claim("work_injury_medical", "支付工伤医疗费", medical)],
                is_new_employment_form=True, knew_days_before=rng.randint(30, 200),
            )
        owed = money(wage * rng.uniform(0.5, 2))
        return Subject(
            DisputeType.LABOR_RELATIONSHIP if kind == "labor_relationship" else DisputeType.WAGES,
            f"申请人自{start}起通过平台为被申请人从事{job}工作，被申请人以“合作协议”为由"
            f"否认劳动关系，并扣发{owed:.0f}元配送报酬。",
            [claim("labor_relationship", "确认申请人与被申请人存在劳动关系"),
             claim("wages", "支付被扣发的劳动报酬", owed)],
            is_new_employment_form=True, knew_days_before=rng.randint(10, 120),
        )
    if industry.migrant:
        owed = money(wage * rng.uniform(1, 5))
        return Subject(
            DisputeType.WAGES,
            f"申请人在被申请人承建的项目从事{job}工作，被申请人拖欠{months}个月工资"
            f"{owed:.0f}元，经多次催讨未果。",
            [claim("wages", "支付拖欠的工资", owed)],
            is_migrant_wage=True, knew_days_before=rng.randint(15, 120),
        )
    kind = rng.choices(
        ["wages", "termination", "social_insurance", "work_injury", "working_hours_leave",
         "compensation", "other"], weights=[38, 20, 9, 8, 6, 13, 6])[0]
    if kind == "wages":
        owed = money(min(60000, max(3000, wage * rng.uniform(0.8, 5))))
        claims = [claim("wages", f"支付{months}个月拖欠工资", owed)]
        if rng.random() < 0.35:
            claims.append(claim("overtime_pay", "支付延时加班工资",
                                money(rng.uniform(1000, 15000))))
        return Subject(
            DisputeType.WAGES,
            f"申请人于{start}入职被申请人处任{job}，月工资{wage}元。被申请人拖欠"
            f"{months}个月工资共计{owed:.0f}元。",
            claims, knew_days_before=rng.randint(10, 150),
        )
    if kind in ("termination", "compensation"):
        unlawful = kind == "termination" and rng.random() < 0.6
        amount = money(wage * years * (2 if unlawful else 1))
        item = ("damages", "支付违法解除劳动合同赔偿金") if unlawful else (
            "economic_compensation", "支付解除劳动合同经济补偿")
        claims = [claim(item[0], item[1], amount)]
        if rng.random() < 0.4:
            claims.append(claim("wages", "支付最后一个月工资", money(wage)))
        return Subject(
            DisputeType.TERMINATION if kind == "termination" else DisputeType.COMPENSATION,
            f"申请人于{start}入职被申请人处任{job}，工作{years}年，月工资{wage}元。被申请人"
            f"{'以末位淘汰为由单方解除劳动合同' if unlawful else '经营调整解除劳动合同'}，"
            f"未支付{'赔偿金' if unlawful else '经济补偿'}。",
            claims, employment_ended=True, knew_days_before=rng.randint(5, 90),
        )
    if kind == "social_insurance":
        return Subject(
            DisputeType.SOCIAL_INSURANCE,
            f"申请人在被申请人处任{job}期间，被申请人未依法为其缴纳失业保险，致其离职后"
            f"无法领取失业保险金。",
            [claim("social_insurance", "赔偿未缴纳失业保险造成的失业保险金损失",
                   money(rng.uniform(3000, 20000)))],
            employment_ended=True, knew_days_before=rng.randint(20, 200),
        )
    if kind == "work_injury":
        medical = money(rng.uniform(5000, 80000))
        return Subject(
            DisputeType.WORK_INJURY,
            f"申请人在被申请人处任{job}，工作中受伤并经认定为工伤，被申请人未为其参加"
            f"工伤保险，拒不支付医疗费和停工留薪期工资。",
            [claim("work_injury_medical", "支付工伤医疗费", medical),
             claim("wages", "支付停工留薪期工资", money(wage * rng.randint(2, 6)))],
            knew_days_before=rng.randint(30, 250),
        )
    if kind == "working_hours_leave":
        return Subject(
            DisputeType.WORKING_HOURS_LEAVE,
            f"申请人在被申请人处任{job}{years}年，从未休带薪年休假，被申请人拒绝支付"
            f"未休年休假工资。",
            [claim("working_hours_leave", "支付未休带薪年休假工资",
                   money(wage / 21.75 * rng.randint(5, 15) * 2))],
            employment_ended=True, knew_days_before=rng.randint(10, 120),
        )
    return Subject(
        DisputeType.OTHER,
        f"申请人在被申请人处任{job}，离职时被申请人扣押其工作服押金和职业资格证书不予退还。",
        [claim("other", "退还押金并返还职业资格证书", money(rng.uniform(300, 3000)))],
        employment_ended=True, knew_days_before=rng.randint(5, 60),
    )


FAILURE_REASONS = (
    "双方对补偿金额分歧较大，未能达成一致。",
    "被申请人经通知未到场参加调解。",
    "被申请人否认存在劳动关系，不同意调解。",
    "申请人坚持全额支付，被申请人仅同意支付部分款项。",
    "双方对加班时长的认定分歧较大。",
)
REFUSAL_REASONS = (
    "申请人与被申请人之间为承揽关系，不属于劳动人事争议处理范围。",
    "申请人就同一事项已申请仲裁并已作出裁决，属重复申请。",
    "申请事项为社会保险费征缴，属社会保险经办机构处理的行政事项，不属于仲裁受理范围。",
    "仲裁请求和事实理由不明确，经书面通知补正后逾期仍未补正。",
)

SUSPENSION_NOTES = {
    "awaiting_appraisal": "申请人正在进行劳动能力鉴定，须等待鉴定结论。",
    "awaiting_other_case": "本案须以人民法院正在审理的另案结果为依据。",
    "employer_ended": "被申请人已注销，尚未确定权利义务承继者。",
    "other": "申请人因病住院，暂时无法参加仲裁活动。",
}
HEARING_ROOMS = ("第一仲裁庭", "第二仲裁庭", "第三仲裁庭", "巡回仲裁庭（吴家山街道）")
