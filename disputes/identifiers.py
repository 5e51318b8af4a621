"""Party identifiers: validation (GB 11643, GB 32100) and masking (PIPL art. 28)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
RESIDENT_ID_RE = re.compile(r"^\d{17}[\dX]$")

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 0-9, A-Y without I O S V Z
CREDIT_CODE_RE = re.compile(rf"^[{CREDIT_CODE_ALPHABET}]{{18}}$")
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class IdentifierError(ValueError):
    """The identifier is not valid; the message says why, in Chinese."""


def normalize(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def validate_resident_id(value: str) -> str:
    """GB 11643: 18 characters, check character, a real birth date. Returns the normal form."""
    number = normalize(value)
    if not RESIDENT_ID_RE.match(number):
        raise IdentifierError("居民身份证号码应为 18 位，前 17 位为数字，最后一位为数字或 X。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdentifierError("居民身份证号码中的出生日期不存在。") from exc
    if birth > date.today() or birth.year < 1900:
        raise IdentifierError("居民身份证号码中的出生日期不合理。")
    total = sum(int(d) * w for d, w in zip(number[:17], RESIDENT_ID_WEIGHTS, strict=True))
    if RESIDENT_ID_CHECK[total % 11] != number[17]:
        raise IdentifierError("居民身份证号码校验位错误，请核对。")
    return number


def resident_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


@dataclass(frozen=True)
class CreditCodeCheck:
    code: str
    warning: str  # empty when the check character is right


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> CreditCodeCheck:
    """GB 32100. A wrong check character is a warning only: some early codes fail it."""
    code = normalize(value)
    if not CREDIT_CODE_RE.match(code):
        raise IdentifierError(
            "统一社会信用代码应为 18 位，由数字和大写字母组成（不含 I、O、S、V、Z）。"
        )
    if credit_code_check_char(code[:17]) != code[17]:
        return CreditCodeCheck(code, "统一社会信用代码校验位不符，可能为早期代码，请核对。")
    return CreditCodeCheck(code, "")


def validate_phone(value: str) -> str:
    phone = value.strip().replace(" ", "")
    if not PHONE_RE.match(phone):
        raise IdentifierError("联系电话格式不正确（手机号 11 位，或区号-座机号）。")
    return phone


def mask_id_number(value: str) -> str:
    """420112********1234 -> keeps the region and the last four characters."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张三丰 -> 张**; for the public status page only."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
