"""What the rule modules share: the kinds of claim and a reason with its basis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ClaimKind(StrEnum):
    WAGES = "wages"
    OVERTIME_PAY = "overtime_pay"
    WORK_INJURY_MEDICAL = "work_injury_medical"
    ECONOMIC_COMPENSATION = "economic_compensation"
    DAMAGES = "damages"
    WORKING_HOURS_LEAVE = "working_hours_leave"
    SOCIAL_INSURANCE = "social_insurance"
    LABOR_RELATIONSHIP = "labor_relationship"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    zh: str
    en: str
    basis: str


def money(amount: Decimal | int | None) -> Decimal | None:
    if amount is None or isinstance(amount, Decimal):
        return amount
    if isinstance(amount, int):
        return Decimal(amount)
    raise TypeError("Amounts are Decimal (yuan), never float.")
