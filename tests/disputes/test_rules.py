"""Rules the engine decides: final award, simplified procedure, collective, recusal,
limitation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from disputes import rules
from disputes.clocks import Pause
from disputes.rules import (
    ArbitratorRelation,
    ClaimItem,
    PartyRef,
    SimplifiedCase,
)
from tests.disputes.law.tables import seed_law_tables

D = dt.date
AFTER_RAISE = D(2026, 1, 5)  # Wuhan category 1: 2,400 yuan from 2025-12-01 → 28,800
BEFORE_RAISE = D(2025, 11, 30)  # 2,010 yuan from 2021-09-01 → 24,120


@pytest.fixture(autouse=True)
def law_tables(db: None) -> Iterator[None]:
    seed_law_tables()
    yield
    seed_law_tables()


# --- Final award (Law art. 47, Rules art. 50) -------------------------------------------


@pytest.mark.parametrize(
    ("kind", "amount", "award_date", "final"),
    [
        ("wages", "28800.00", AFTER_RAISE, True),
        ("wages", "28800.01", AFTER_RAISE, False),
        ("overtime_pay", "100.00", AFTER_RAISE, True),
        ("work_injury_medical", "28800.00", AFTER_RAISE, True),
        ("economic_compensation", "28799.99", AFTER_RAISE, True),
        ("damages", "30000.00", AFTER_RAISE, False),
        ("wages", "24120.00", BEFORE_RAISE, True),
        ("wages", "24120.01", BEFORE_RAISE, False),
        ("wages", "28800.00", BEFORE_RAISE, False),
        ("working_hours_leave", None, AFTER_RAISE, True),
        ("social_insurance", None, AFTER_RAISE, True),
        ("labor_relationship", None, AFTER_RAISE, False),
        ("other", "10.00", AFTER_RAISE, False),
    ],
)
def test_final_award_item_by_item(
    kind: str, amount: str | None, award_date: dt.date, final: bool
) -> None:
    item = ClaimItem(kind, Decimal(amount) if amount is not None else None)
    decision = rules.is_final_award([item], award_date=award_date)
    (finality,) = decision.items
    assert finality.is_final is final
    assert finality.reason_zh and finality.reason_en
    assert "第四十七条" in finality.basis


def test_one_item_over_the_line_makes_only_that_item_non_final() -> None:
    decision = rules.is_final_award(
        [
            ClaimItem("wages", Decimal("28800.00")),
            ClaimItem("economic_compensation", Decimal("28800.01")),
            ClaimItem("damages", Decimal("5000")),
        ],
        award_date=AFTER_RAISE,
    )
    assert [item.is_final for item in decision.items] == [True, False, True]
    assert decision.threshold == Decimal("28800.00")
    assert decision.any_final and not decision.all_final
    assert decision.separate_awards is True
    assert "28800.01" in decision.items[1].reason_zh
    assert "超过" in decision.items[1].reason_zh


def test_the_district_finds_the_city_minimum_wage() -> None:
    # settings.DISTRICT_CODE is 420112 (东西湖区); the standard is Wuhan's (420100).
    by_district = rules.is_final_award([ClaimItem("wages", Decimal(1))], award_date=AFTER_RAISE)
    by_city = rules.is_final_award(
        [ClaimItem("wages", Decimal(1))], award_date=AFTER_RAISE, region_code="420100"
    )
    assert by_district.minimum_wage == by_city.minimum_wage
    assert by_district.minimum_wage is not None
    assert by_district.minimum_wage.monthly_amount == Decimal("2400.00")
    assert by_district.minimum_wage.region_name == "武汉市"


def test_without_a_minimum_wage_on_file_a_money_item_is_not_final() -> None:
    decision = rules.is_final_award(
        [ClaimItem("wages", Decimal(1))], award_date=AFTER_RAISE, region_code="110000"
    )
    assert decision.threshold is None
    assert decision.items[0].is_final is False
    assert "最低工资" in decision.items[0].reason_zh


def test_a_standards_dispute_outside_national_standards_is_not_final() -> None:
    item = ClaimItem("social_insurance", national_standard=False)
    assert rules.is_final_award([item], award_date=AFTER_RAISE).items[0].is_final is False


def test_amounts_must_be_decimal() -> None:
    with pytest.raises(TypeError):
        rules.is_final_award([ClaimItem("wages", 100.0)], award_date=AFTER_RAISE)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        rules.is_final_award([ClaimItem("bonus", Decimal(1))], award_date=AFTER_RAISE)


# --- Simplified procedure (Rules arts. 56, 57) -------------------------------------------


def simplified(**changes: object) -> rules.SimplifiedEligibility:
    values: dict[str, object] = {
        "applied_on": D(2025, 6, 2),
        "facts_clear": False,
        "amount": Decimal("150000"),
        "both_parties_agree": False,
    }
    values.update(changes)
    return rules.simplified_procedure(SimplifiedCase(**values))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "eligible", "grounds"),
    [
        ({}, False, []),
        ({"facts_clear": True}, True, ["facts_clear"]),
        ({"amount": Decimal("100000.00")}, True, ["amount_within_average_wage"]),
        ({"amount": Decimal("100000.01")}, False, []),
        ({"both_parties_agree": True}, True, ["parties_agree"]),
        (
            {"facts_clear": True, "both_parties_agree": True, "amount": Decimal(5000)},
            True,
            ["facts_clear", "amount_within_average_wage", "parties_agree"],
        ),
    ],
)
def test_any_one_ground_of_article_56_allows_simplified_handling(
    changes: dict[str, object], eligible: bool, grounds: list[str]
) -> None:
    result = simplified(**changes)
    assert result.eligible is eligible
    assert [reason.code for reason in result.grounds] == grounds


@pytest.mark.parametrize(
    "exclusion",
    [
        "involves_state_or_public_interest",
        "major_social_impact",
        "respondent_whereabouts_unknown",
        "commission_finds_unsuitable",
    ],
)
def test_article_57_excludes_simplified_handling(exclusion: str) -> None:
    result = simplified(facts_clear=True, both_parties_agree=True, **{exclusion: True})
    assert result.eligible is False
    assert len(result.exclusions) == 1
    assert "不得" in result.exclusions[0].zh or "不宜" in result.exclusions[0].zh
    assert result.exclusions[0].en


def test_the_previous_years_average_wage_is_used_or_the_fallback_is_said() -> None:
    on_file = simplified(amount=Decimal(1))
    assert on_file.average_wage is not None and on_file.average_wage.year == 2024
    assert not [note for note in on_file.notes if note.code == "average_wage_fallback"]

    later = simplified(applied_on=D(2026, 3, 2), amount=Decimal(1))
    assert later.eligible is True
    assert [note.code for note in later.notes] == ["average_wage_fallback"]

    earlier = simplified(applied_on=D(2024, 3, 1), amount=Decimal(1))
    assert earlier.eligible is False
    assert [note.code for note in earlier.notes] == ["no_average_wage", "no_ground"]


def test_why_the_amount_is_not_a_ground_is_said() -> None:
    above = simplified(amount=Decimal("150000"))
    assert [note.code for note in above.notes] == ["amount_above_average_wage", "no_ground"]
    assert "150000 元超过湖北省 2024 年度职工年平均工资 100000.00 元" in above.notes[0].zh
    no_amount = simplified(amount=None)
    assert [note.code for note in no_amount.notes] == ["no_amount", "no_ground"]
    within = simplified(amount=Decimal("100000.00"))
    assert within.notes == ()


# --- Collective disputes (Rules art. 62) -------------------------------------------------


@pytest.mark.parametrize(
    ("workers", "common_claim", "collective_contract", "collective"),
    [
        (10, True, False, True),
        (9, True, False, False),
        (12, False, False, False),
        (3, False, True, True),
        (1, False, False, False),
    ],
)
def test_collective_handling(
    workers: int, common_claim: bool, collective_contract: bool, collective: bool
) -> None:
    result = rules.collective_handling(
        workers=workers, common_claim=common_claim, collective_contract=collective_contract
    )
    assert result.is_collective is collective
    assert result.priority is collective
    assert result.representatives is collective
    assert result.tribunal_size == (3 if collective else None)


def test_ten_workers_without_a_common_claim_are_told_why() -> None:
    result = rules.collective_handling(workers=12, common_claim=False, collective_contract=False)
    assert [reason.code for reason in result.reasons] == ["no_common_claim"]


# --- Recusal (Law art. 33) ---------------------------------------------------------------

WORKER = PartyRef("张三", "11010519491231002X")
EMPLOYER = PartyRef("武汉某某物流有限公司", "91420112MA4KXXXX0A")
AGENT = PartyRef("李律师", "420102198001010011", is_agent=True)


def test_a_relative_of_a_party_is_found_by_identifier() -> None:
    relation = ArbitratorRelation("close_relative", "张叁", "11010519491231002x")
    (conflict,) = rules.recusal_conflicts([relation], [WORKER, EMPLOYER, AGENT])
    assert conflict.party == WORKER
    assert conflict.matched_on == "identifier"
    assert "近亲属" in conflict.reason_zh and "close relative" in conflict.reason_en
    assert "第三十三条" in conflict.basis


def test_a_name_matches_after_normalization_when_an_identifier_is_missing() -> None:
    relation = ArbitratorRelation("interest", "武汉某某物流 有限公司 ")
    parties = [WORKER, PartyRef("武汉某某物流有限公司")]
    (conflict,) = rules.recusal_conflicts([relation], parties)
    assert conflict.matched_on == "name"
    assert "利害关系" in conflict.reason_zh


def test_full_width_characters_fold() -> None:
    relation = ArbitratorRelation("other_relation", "ＡＢＣ（武汉）公司")
    parties = [PartyRef("abc(武汉)公司")]
    assert len(rules.recusal_conflicts([relation], parties)) == 1


def test_different_identifiers_are_different_people_even_with_one_name() -> None:
    relation = ArbitratorRelation("close_relative", "张三", "110105194912310038")
    assert rules.recusal_conflicts([relation], [WORKER]) == []


def test_being_a_party_does_not_reach_agents_but_relatives_do() -> None:
    as_party = ArbitratorRelation("is_party", "李律师")
    relative = ArbitratorRelation("close_relative", "李律师")
    meeting = ArbitratorRelation("private_meeting", "李律师")
    conflicts = rules.recusal_conflicts([as_party, relative, meeting], [AGENT])
    assert [c.relation.kind for c in conflicts] == ["close_relative", "private_meeting"]
    assert all("代理人" in c.reason_zh for c in conflicts)


def test_no_declared_relation_no_conflict() -> None:
    relation = ArbitratorRelation("interest", "别的公司", "91420100MA4K00000B")
    assert rules.recusal_conflicts([relation], [WORKER, EMPLOYER, AGENT]) == []


# --- Limitation (Law art. 27) ------------------------------------------------------------


def test_a_claim_within_a_year_is_in_time() -> None:
    warning = rules.limitation_warning(
        claim_kind="economic_compensation", knew_on=D(2025, 3, 14), applied_on=D(2026, 3, 16)
    )
    # 2026-03-14 is a Saturday: the year ends on Monday the 16th.
    assert (warning.out_of_time, warning.runs_until) == (False, D(2026, 3, 16))


def test_a_claim_after_a_year_gets_a_warning_not_a_refusal() -> None:
    warning = rules.limitation_warning(
        claim_kind="economic_compensation", knew_on=D(2025, 3, 14), applied_on=D(2026, 3, 17)
    )
    assert warning.out_of_time is True
    assert "抗辩" in warning.reason_zh and "defence" in warning.reason_en


def test_unpaid_wages_during_employment_have_no_limit() -> None:
    warning = rules.limitation_warning(
        claim_kind="wages", knew_on=D(2020, 1, 1), applied_on=D(2026, 3, 2)
    )
    assert (warning.out_of_time, warning.runs_until) == (False, None)
    assert "第四款" in warning.basis


def test_unpaid_wages_run_one_year_from_the_end_of_employment() -> None:
    in_time = rules.limitation_warning(
        claim_kind="wages",
        knew_on=D(2020, 1, 1),
        applied_on=D(2026, 1, 12),
        employment_ended_on=D(2025, 1, 10),
    )
    # 2026-01-10 is a Saturday: the year runs to Monday the 12th.
    assert (in_time.out_of_time, in_time.counted_from, in_time.runs_until) == (
        False,
        D(2025, 1, 10),
        D(2026, 1, 12),
    )
    late = rules.limitation_warning(
        claim_kind="overtime_pay",
        knew_on=D(2020, 1, 1),
        applied_on=D(2026, 1, 13),
        employment_ended_on=D(2025, 1, 10),
    )
    assert late.out_of_time is True


def test_an_interruption_starts_the_year_anew_and_a_suspension_stops_it() -> None:
    interrupted = rules.limitation_warning(
        claim_kind="damages",
        knew_on=D(2024, 6, 3),
        applied_on=D(2025, 9, 1),
        interrupted_on=D(2025, 1, 6),
    )
    assert (interrupted.out_of_time, interrupted.counted_from) == (False, D(2025, 1, 6))
    suspended = rules.limitation_warning(
        claim_kind="damages",
        knew_on=D(2024, 6, 3),
        applied_on=D(2025, 7, 1),
        suspensions=[Pause(D(2024, 9, 2), D(2024, 11, 1))],
    )
    assert (suspended.out_of_time, suspended.runs_until) == (False, D(2025, 8, 4))


def test_an_interruption_after_the_year_ran_out_does_not_revive_it() -> None:
    # Knew on Mon 2024-06-03: the year ran out on Tue 2025-06-03.
    too_late = rules.limitation_warning(
        claim_kind="damages",
        knew_on=D(2024, 6, 3),
        applied_on=D(2025, 9, 1),
        interrupted_on=D(2025, 6, 4),
    )
    assert (too_late.out_of_time, too_late.counted_from, too_late.runs_until) == (
        True,
        D(2024, 6, 3),
        D(2025, 6, 3),
    )
    on_the_last_day = rules.limitation_warning(
        claim_kind="damages",
        knew_on=D(2024, 6, 3),
        applied_on=D(2025, 9, 1),
        interrupted_on=D(2025, 6, 3),
    )
    assert (on_the_last_day.out_of_time, on_the_last_day.counted_from) == (False, D(2025, 6, 3))
