"""Simplified procedure (简易处理, Rules art. 56-57)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from disputes.law.wages import AverageWageRow, average_wage_for
from disputes.rules.common import Reason, money

SIMPLIFIED_BASIS = "《劳动人事争议仲裁办案规则》第五十六条、第五十七条"


@dataclass(frozen=True, slots=True)
class SimplifiedCase:
    applied_on: dt.date
    facts_clear: bool  # 事实清楚、权利义务关系明确、争议不大
    amount: Decimal | None  # 标的额 (yuan); None when not a money claim
    both_parties_agree: bool
    involves_state_or_public_interest: bool = False
    major_social_impact: bool = False
    respondent_whereabouts_unknown: bool = False
    commission_finds_unsuitable: bool = False
    region_code: str | None = None


@dataclass(frozen=True, slots=True)
class SimplifiedEligibility:
    eligible: bool
    grounds: tuple[Reason, ...]  # the grounds of art. 56 that are met
    exclusions: tuple[Reason, ...]  # the exclusions of art. 57 that apply
    notes: tuple[Reason, ...] = ()  # what the screen should also say (table fallbacks)
    average_wage: AverageWageRow | None = None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.grounds + self.exclusions + self.notes


def simplified_procedure(case: SimplifiedCase) -> SimplifiedEligibility:
    """Whether a case may be handled simply, by a sole arbitrator.

    Rules art. 56: a case meeting ANY ONE of (1) clear facts, clear rights and duties and
    little in dispute, (2) an amount not above the province's average annual wage of the
    previous year, (3) both parties agree, may be handled simply. Rules art. 57: never
    when it involves state or public interest, has a major social impact, the respondent
    cannot be found, or the commission finds it unsuitable.
    """
    grounds: list[Reason] = []
    notes: list[Reason] = []
    if case.facts_clear:
        grounds.append(
            Reason(
                "facts_clear",
                "事实清楚、权利义务关系明确、争议不大。",
                "The facts are clear, rights and duties are clear and little is in dispute.",
                "《劳动人事争议仲裁办案规则》第五十六条第一款第（一）项",
            )
        )
    last_year = case.applied_on.year - 1
    wage = average_wage_for(last_year, case.region_code)
    amount = money(case.amount)
    if wage is None:
        notes.append(
            Reason(
                "no_average_wage",
                f"未查到本省 {last_year} 年度职工年平均工资，标的额条件无法判断。",
                f"No provincial average annual wage for {last_year} is on file; the amount "
                "ground cannot be assessed.",
                SIMPLIFIED_BASIS,
            )
        )
    else:
        if wage.year != last_year:
            notes.append(
                Reason(
                    "average_wage_fallback",
                    f"未查到 {last_year} 年度数据，暂按 {wage.year} 年度职工年平均工资"
                    f"（{wage.annual_amount} 元）判断。",
                    f"No figure for {last_year} is on file; the {wage.year} average annual "
                    f"wage ({wage.annual_amount} yuan) is used for now.",
                    SIMPLIFIED_BASIS,
                )
            )
        if amount is not None and amount <= wage.annual_amount:
            grounds.append(
                Reason(
                    "amount_within_average_wage",
                    f"标的额 {amount} 元不超过{wage.region_name}上年度职工年平均工资"
                    f" {wage.annual_amount} 元。",
                    f"The amount of {amount} yuan is not above the province's previous-year "
                    f"average annual wage of {wage.annual_amount} yuan.",
                    "《劳动人事争议仲裁办案规则》第五十六条第一款第（二）项",
                )
            )
        elif amount is not None:
            notes.append(
                Reason(
                    "amount_above_average_wage",
                    f"标的额 {amount} 元超过{wage.region_name} {wage.year} 年度职工年平均工资"
                    f" {wage.annual_amount} 元。",
                    f"The amount of {amount} yuan is above the province's {wage.year} "
                    f"average annual wage of {wage.annual_amount} yuan.",
                    "《劳动人事争议仲裁办案规则》第五十六条第一款第（二）项",
                )
            )
        else:
            notes.append(
                Reason(
                    "no_amount",
                    "请求没有确定的金额，不能按标的额简易处理。",
                    "The claims have no amount; the amount ground does not apply.",
                    "《劳动人事争议仲裁办案规则》第五十六条第一款第（二）项",
                )
            )
    if case.both_parties_agree:
        grounds.append(
            Reason(
                "parties_agree",
                "双方当事人同意简易处理。",
                "Both parties agree to simplified handling.",
                "《劳动人事争议仲裁办案规则》第五十六条第一款第（三）项",
            )
        )

    exclusions: list[Reason] = []
    art57 = "《劳动人事争议仲裁办案规则》第五十七条"
    for applies, code, zh, en in (
        (
            case.involves_state_or_public_interest,
            "state_or_public_interest",
            "涉及国家利益、社会公共利益，不得简易处理。",
            "It involves state or public interest: no simplified handling.",
        ),
        (
            case.major_social_impact,
            "major_social_impact",
            "有重大社会影响，不得简易处理。",
            "It has a major social impact: no simplified handling.",
        ),
        (
            case.respondent_whereabouts_unknown,
            "respondent_unknown",
            "被申请人下落不明，不得简易处理。",
            "The respondent cannot be found: no simplified handling.",
        ),
        (
            case.commission_finds_unsuitable,
            "commission_unsuitable",
            "仲裁委员会认为不宜简易处理。",
            "The commission finds the case unsuitable for simplified handling.",
        ),
    ):
        if applies:
            exclusions.append(Reason(code, zh, en, art57))

    if not grounds and not exclusions:
        notes.append(
            Reason(
                "no_ground",
                "不符合简易处理的任何一种情形。",
                "None of the grounds for simplified handling is met.",
                SIMPLIFIED_BASIS,
            )
        )
    return SimplifiedEligibility(
        eligible=bool(grounds) and not exclusions,
        grounds=tuple(grounds),
        exclusions=tuple(exclusions),
        notes=tuple(notes),
        average_wage=wage,
    )
