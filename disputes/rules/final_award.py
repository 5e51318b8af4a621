"""Final award (一裁终局): which claim items an award decides for good (Law art. 47,
Rules art. 50)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from disputes.law.wages import MinimumWageRow, minimum_wage_on
from disputes.rules.common import ClaimKind, money

# Law art. 47 (1): 追索劳动报酬、工伤医疗费、经济补偿或者赔偿金 — final up to 12 months'
# minimum wage, each item on its own (Rules art. 50).
MONEY_CLAIMS = frozenset(
    {
        ClaimKind.WAGES,
        ClaimKind.OVERTIME_PAY,
        ClaimKind.WORK_INJURY_MEDICAL,
        ClaimKind.ECONOMIC_COMPENSATION,
        ClaimKind.DAMAGES,
    }
)
# Law art. 47 (2): 因执行国家的劳动标准在工作时间、休息休假、社会保险等方面发生的争议.
NATIONAL_STANDARD_CLAIMS = frozenset({ClaimKind.WORKING_HOURS_LEAVE, ClaimKind.SOCIAL_INSURANCE})

FINAL_AWARD_MONTHS = 12
FINAL_AWARD_BASIS = (
    "《劳动争议调解仲裁法》第四十七条；《劳动人事争议仲裁办案规则》第五十条；"
    "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）第十九条"
)


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """One item of an award: its kind and the amount awarded for it (yuan)."""

    kind: str
    amount: Decimal | None = None
    # For working hours / leave and social insurance: the dispute is over carrying out
    # national labor standards (Law art. 47 (2)).
    national_standard: bool = True
    label: str = ""


@dataclass(frozen=True, slots=True)
class ItemFinality:
    item: ClaimItem
    is_final: bool
    reason_zh: str
    reason_en: str
    basis: str = FINAL_AWARD_BASIS


@dataclass(frozen=True, slots=True)
class FinalAwardDecision:
    award_date: dt.date
    items: tuple[ItemFinality, ...]
    minimum_wage: MinimumWageRow | None
    threshold: Decimal | None

    @property
    def all_final(self) -> bool:
        return bool(self.items) and all(item.is_final for item in self.items)

    @property
    def any_final(self) -> bool:
        return any(item.is_final for item in self.items)

    @property
    def separate_awards(self) -> bool:
        """Final and non-final items go into separate awards (Rules art. 50)."""
        return self.any_final and not self.all_final


def _item_finality(item: ClaimItem, threshold: Decimal | None) -> ItemFinality:
    kind = item.kind
    if kind in MONEY_CLAIMS:
        amount = money(item.amount)
        if threshold is None:
            return ItemFinality(
                item,
                False,
                "未查到裁决日适用的当地月最低工资标准，无法判断是否终局，按非终局处理，请核实最低工资表。",
                "No local monthly minimum wage in force on the award date is on file; "
                "treated as non-final until the minimum-wage table is completed.",
            )
        if amount is None:
            return ItemFinality(
                item,
                False,
                "该项裁决金额未确定，无法判断是否终局。",
                "The amount awarded for this item is not known, so finality cannot be decided.",
            )
        if amount <= threshold:
            return ItemFinality(
                item,
                True,
                f"单项裁决金额 {amount} 元不超过当地月最低工资标准十二个月金额 {threshold} 元，"
                "为终局裁决。",
                f"The item's amount of {amount} yuan does not exceed 12 months of the local "
                f"minimum wage ({threshold} yuan): the award on it is final.",
            )
        return ItemFinality(
            item,
            False,
            f"单项裁决金额 {amount} 元超过当地月最低工资标准十二个月金额 {threshold} 元，"
            "为非终局裁决。",
            f"The item's amount of {amount} yuan exceeds 12 months of the local minimum wage "
            f"({threshold} yuan): the award on it is not final.",
        )
    if kind in NATIONAL_STANDARD_CLAIMS:
        if item.national_standard:
            return ItemFinality(
                item,
                True,
                "因执行国家的劳动标准在工作时间、休息休假、社会保险等方面发生的争议，为终局裁决。",
                "A dispute over carrying out national labor standards on working hours, rest "
                "and leave or social insurance: the award is final.",
            )
        return ItemFinality(
            item,
            False,
            "该争议不属于执行国家劳动标准发生的争议，为非终局裁决。",
            "The dispute is not over carrying out national labor standards: not final.",
        )
    if kind in {ClaimKind.LABOR_RELATIONSHIP, ClaimKind.OTHER}:
        return ItemFinality(
            item,
            False,
            "该类争议不属于《劳动争议调解仲裁法》第四十七条规定的终局裁决事项。",
            "This kind of dispute is not among the final-award matters of Law art. 47.",
        )
    raise ValueError(f"Unknown claim kind {kind!r}.")


def is_final_award(
    items: Sequence[ClaimItem], *, award_date: dt.date, region_code: str | None = None
) -> FinalAwardDecision:
    """Decide, item by item, which parts of an award are final (一裁终局).

    Law art. 47 (1), Rules art. 50: a claim for wages, work-injury medical costs,
    economic compensation or damages is final when the amount awarded for EACH item is at
    most 12 × the local monthly minimum wage in force on the award date; (2) disputes over
    working hours, rest and leave or social insurance under national standards are final.
    Other kinds are not. A final award binds the employer only (Law art. 48, 49).
    """
    wage = minimum_wage_on(award_date, region_code)
    threshold = wage.monthly_amount * FINAL_AWARD_MONTHS if wage is not None else None
    return FinalAwardDecision(
        award_date=award_date,
        items=tuple(_item_finality(item, threshold) for item in items),
        minimum_wage=wage,
        threshold=threshold,
    )
