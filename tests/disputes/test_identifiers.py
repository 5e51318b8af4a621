from __future__ import annotations

import pytest

from disputes.identifiers import (
    IdentifierError,
    mask_id_number,
    mask_phone,
    validate_credit_code,
    validate_resident_id,
)


def test_a_valid_resident_id_passes_and_is_normalized() -> None:
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("number", ["110105194912310021", "11010519491231002", "1101051949123100AX"])
def test_invalid_resident_ids_are_refused(number: str) -> None:
    with pytest.raises(IdentifierError):
        validate_resident_id(number)


def test_a_valid_credit_code_has_no_warning() -> None:
    assert validate_credit_code("91350100M000100Y43").warning == ""


def test_a_credit_code_with_a_wrong_check_character_warns() -> None:
    assert validate_credit_code("91350100M000100Y44").warning


def test_a_credit_code_with_forbidden_letters_is_refused() -> None:
    with pytest.raises(IdentifierError):
        validate_credit_code("91350100M000100I43")


def test_masking_keeps_only_region_and_tail() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
