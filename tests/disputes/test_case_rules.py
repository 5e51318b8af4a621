"""The rules applied to a case: simplified procedure at acceptance (Rules arts. 56, 57),
collective handling (Rules art. 62) and the limitation warning (Law art. 27)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from disputes import selectors, services
from disputes.models import Dispute, DisputeEvent, Procedure, Status
from tests.world import World

D = dt.date


def in_review(world: World, **application: object) -> Dispute:
    return world.case_in(Status.ARBITRATION_REVIEW, **application)


def unchanged(dispute: Dispute) -> tuple[str, int, int]:
    fresh = Dispute.objects.get(pk=dispute.pk)
    return fresh.status, fresh.version, fresh.event_seq


# --- Simplified procedure at acceptance ---------------------------------------------------
# The placeholder average annual wage on file is 100,000 yuan (Hubei, 2024).


@pytest.mark.parametrize(
    ("amount", "findings", "grounds"),
    [
        ("12000.00", {}, ["amount_within_average_wage"]),
        ("150000.00", {"facts_clear": True}, ["facts_clear"]),
        ("150000.00", {"parties_agree": True}, ["parties_agree"]),
        ("100000.00", {"facts_clear": True, "parties_agree": True},
         ["facts_clear", "amount_within_average_wage", "parties_agree"]),
    ],
)
def test_simplified_acceptance_on_any_ground_of_article_56(
    world: World, amount: str, findings: dict[str, bool], grounds: list[str],
) -> None:
    dispute = in_review(world, amount=amount)
    world.do("accept", dispute, procedure="simplified", **findings)
    record = Dispute.objects.get(pk=dispute.pk).arbitration
    assert record.procedure == Procedure.SIMPLIFIED
    event = DisputeEvent.objects.filter(dispute=dispute).latest("seq")
    assert event.payload["simplified_grounds"] == grounds


@pytest.mark.parametrize(
    ("amount", "findings", "reasons"),
    [
        ("150000.00", {}, ["超过", "不符合简易处理的任何一种情形"]),
        ("12000.00", {"respondent_unknown": True}, ["被申请人下落不明"]),
        ("12000.00", {"facts_clear": True, "public_interest": True,
                      "major_social_impact": True},
         ["涉及国家利益、社会公共利益", "有重大社会影响"]),
    ],
)
def test_simplified_acceptance_the_rules_do_not_allow_is_refused_with_every_reason(
    world: World, amount: str, findings: dict[str, bool], reasons: list[str],
) -> None:
    dispute = in_review(world, amount=amount)
    before = unchanged(dispute)
    with pytest.raises(ValidationError) as caught:
        world.do("accept", dispute, procedure="simplified", **findings)
    errors = caught.value.error_dict["procedure"]
    assert len(errors) == len(reasons)
    for error, reason in zip(errors, reasons, strict=True):
        assert error.code == "simplified_not_eligible"
        assert error.message.startswith("不能简易处理：") and reason in error.message
        assert "办案规则》第五十" in error.message
    assert unchanged(dispute) == before


def test_the_findings_do_not_matter_for_ordinary_procedure(world: World) -> None:
    dispute = in_review(world, amount="150000.00")
    world.do("accept", dispute, procedure="ordinary", respondent_unknown=True)
    assert Dispute.objects.get(pk=dispute.pk).status == Status.ACCEPTED


def test_a_claim_without_an_amount_is_not_a_ground(world: World) -> None:
    claim = services.ClaimInput(item_type="labor_relationship", description="确认劳动关系")
    dispute = in_review(world, claims=[claim])
    with pytest.raises(ValidationError, match="没有确定的金额"):
        world.do("accept", dispute, procedure="simplified")
    world.do("accept", dispute, procedure="simplified", facts_clear=True)
    assert Dispute.objects.get(pk=dispute.pk).arbitration.procedure == Procedure.SIMPLIFIED


def test_withdrawn_and_counter_claims_are_not_part_of_the_amount(world: World) -> None:
    dispute = in_review(world, amount="60000.00")
    assert selectors.claimed_amount(dispute) == Decimal("60000.00")
    dispute.claims.create(item_type="damages", description="反申请", amount=Decimal("90000"),
                          is_counter_claim=True, added_on=dispute.received_on)
    dispute.claims.create(item_type="wages", description="已撤回", amount=Decimal("90000"),
                          is_withdrawn=True, added_on=dispute.received_on)
    assert selectors.claimed_amount(dispute) == Decimal("60000.00")
    dispute.claims.create(item_type="overtime_pay", description="加班费", amount=Decimal("40000.01"),
                          added_on=dispute.received_on)
    assert selectors.claimed_amount(dispute) == Decimal("100000.01")
    assert not selectors.simplified_eligibility(dispute, facts_clear=False,
                                                parties_agree=False).eligible


def test_a_collective_case_is_not_handled_simply(world: World) -> None:
    dispute = in_review(world, workers=10)
    with pytest.raises(ValidationError, match="集体争议不适用简易处理") as caught:
        world.do("accept", dispute, procedure="simplified", facts_clear=True)
    assert [e.code for e in caught.value.error_dict["procedure"]] == ["simplified_collective"]


# --- Collective handling ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("workers", "flagged", "collective", "reason"),
    [
        (1, False, False, None),
        (9, False, False, None),
        (10, False, True, "ten_or_more_workers"),
        (3, True, True, "collective_contract"),  # flagged at intake: a collective contract
    ],
)
def test_collective_status(world: World, workers: int, flagged: bool, collective: bool,
                           reason: str | None) -> None:
    dispute = world.submit(workers=workers, is_collective=flagged)
    status = selectors.collective_status(dispute)
    assert status.workers == workers
    assert (status.is_collective, status.priority, status.representatives) == (
        collective, collective, collective)
    assert status.tribunal_size == (3 if collective else None)
    assert [r.code for r in status.reasons if r.code != "no_common_claim"] == (
        [reason] if reason else [])
    assert all(r.zh and r.en and r.basis for r in status.reasons)


def test_a_collective_case_needs_a_tribunal_of_three(world: World) -> None:
    dispute = in_review(world, workers=12)
    dispute = world.do("accept", dispute)
    before = unchanged(dispute)
    with pytest.raises(ValidationError, match="集体争议应由三名仲裁员") as caught:
        world.do("form_tribunal", dispute, arbitrators=[world.arbitrator.pk])
    assert [e.code for e in caught.value.error_dict["arbitrators"]] == [
        "collective_tribunal_size"]
    assert unchanged(dispute) == before
    world.do("form_tribunal", dispute)  # three arbitrators
    assert Dispute.objects.get(pk=dispute.pk).arbitration.tribunal.count() == 3


# --- Limitation -------------------------------------------------------------------------
COMPENSATION = services.ClaimInput(item_type="economic_compensation",
                                   description="支付解除劳动合同经济补偿",
                                   amount=Decimal("20000"))
WAGES = services.ClaimInput(item_type="wages", description="支付拖欠工资",
                            amount=Decimal("12000"))


def applied(world: World, *, received_on: dt.date, applied_on: dt.date,
            **application: object) -> Dispute:
    dispute = world.submit(received_on=received_on, **application)
    return world.do("apply_for_arbitration", dispute, applied_on=applied_on.isoformat())


@pytest.mark.parametrize(
    ("received_on", "applied_on", "out_of_time", "counted_from", "runs_until"),
    [
        # Knew on Fri 2025-03-14; the year ends on Sat 2026-03-14, so on Mon the 16th.
        (D(2026, 3, 16), D(2026, 3, 16), False, D(2025, 3, 14), D(2026, 3, 16)),
        (D(2026, 3, 17), D(2026, 3, 17), True, D(2025, 3, 14), D(2026, 3, 16)),
        # Applying to mediation within the year interrupts it: a new year from that day.
        (D(2026, 3, 10), D(2026, 4, 20), False, D(2026, 3, 10), D(2027, 3, 10)),
        # ... but not once the year has run out.
        (D(2026, 3, 20), D(2026, 4, 20), True, D(2025, 3, 14), D(2026, 3, 16)),
    ],
)
def test_the_limitation_of_a_claim_is_counted_to_the_arbitration_application(
    world: World, received_on: dt.date, applied_on: dt.date, out_of_time: bool,
    counted_from: dt.date, runs_until: dt.date,
) -> None:
    dispute = applied(world, received_on=received_on, applied_on=applied_on,
                      knew_on=D(2025, 3, 14), claims=[COMPENSATION])
    notice = selectors.limitation_notice(dispute)
    assert notice.checked and notice.as_of == applied_on
    [item] = notice.items
    assert item.claim_type == "economic_compensation" and item.claim_label == "经济补偿"
    assert notice.out_of_time is out_of_time
    assert (item.warning.counted_from, item.warning.runs_until) == (counted_from, runs_until)
    if out_of_time:
        assert "经济补偿" in notice.reason_zh and "抗辩" in notice.reason_zh
    else:
        assert notice.reason_zh == "各项请求均在仲裁时效内。"


def test_unpaid_wages_during_employment_have_no_limit_but_other_claims_do(world: World) -> None:
    dispute = applied(world, received_on=D(2026, 5, 6), applied_on=D(2026, 5, 6),
                      knew_on=D(2024, 1, 10), claims=[WAGES, COMPENSATION, WAGES])
    notice = selectors.limitation_notice(dispute)
    by_type = {item.claim_type: item.warning for item in notice.items}
    assert list(by_type) == ["wages", "economic_compensation"]  # one line per kind
    assert (by_type["wages"].out_of_time, by_type["wages"].runs_until) == (False, None)
    assert by_type["economic_compensation"].out_of_time is True
    assert notice.out_of_time is True
    assert "经济补偿" in notice.reason_zh and "劳动报酬" not in notice.reason_zh


def test_wages_run_a_year_from_the_end_of_employment(world: World) -> None:
    dispute = applied(world, received_on=D(2026, 1, 13), applied_on=D(2026, 1, 13),
                      knew_on=D(2024, 1, 10), employment_ended_on=D(2025, 1, 10),
                      claims=[WAGES])
    [item] = selectors.limitation_notice(dispute).items
    assert (item.warning.out_of_time, item.warning.runs_until) == (True, D(2026, 1, 12))


def test_before_an_arbitration_application_it_is_counted_to_today(world: World) -> None:
    dispute = world.submit(received_on=D(2026, 3, 10), knew_on=D(2025, 3, 14),
                           claims=[COMPENSATION])
    notice = selectors.limitation_notice(dispute, today=D(2026, 3, 10))
    assert (notice.as_of, notice.interrupted_on, notice.out_of_time) == (
        D(2026, 3, 10), None, False)
    later = selectors.limitation_notice(dispute, today=D(2026, 5, 4))
    assert (later.interrupted_on, later.out_of_time) == (D(2026, 3, 10), False)


def test_without_the_day_the_party_knew_nothing_is_counted(world: World) -> None:
    dispute = world.case_in(Status.ARBITRATION_REVIEW)
    notice = selectors.limitation_notice(dispute)
    assert (notice.checked, notice.items, notice.out_of_time) == (False, (), False)
    assert "未登记" in notice.reason_zh
