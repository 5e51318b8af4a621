"""Bad input is refused with a clear message and changes nothing."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from disputes import services
from disputes.errors import UnknownTransition
from disputes.models import Channel, Dispute, DisputeEvent, Party, Status
from tests.world import World, days_ago


def counts() -> tuple[int, int, int]:
    return Dispute.objects.count(), Party.objects.count(), DisputeEvent.objects.count()


def submit(world: World, app: services.Application) -> None:
    services.dispute_submit(actor=world.clerk, application=app, channel=Channel.COUNTER)


def test_a_wrong_check_digit_is_refused(world: World) -> None:
    app = world.application()
    bad = dataclasses.replace(app.parties[0], id_number=app.parties[0].id_number[:17] + (
        "0" if app.parties[0].id_number[17] != "0" else "1"))
    before = counts()
    with pytest.raises(ValidationError) as caught:
        submit(world, dataclasses.replace(app, parties=[bad, *app.parties[1:]]))
    assert "校验位" in str(caught.value)
    assert counts() == before


def test_an_impossible_birth_date_is_refused(world: World) -> None:
    from disputes.identifiers import resident_id_check_char

    first17 = "42011219900231123"  # 31 February
    app = world.application()
    bad = dataclasses.replace(app.parties[0], id_number=first17 + resident_id_check_char(first17))
    with pytest.raises(ValidationError, match="出生日期"):
        submit(world, dataclasses.replace(app, parties=[bad, *app.parties[1:]]))


def test_an_old_credit_code_is_a_warning_not_a_refusal(world: World) -> None:
    app = world.application()
    employer = app.parties[-1]
    code = employer.id_number
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    result = services.dispute_submit(
        actor=world.clerk, channel=Channel.COUNTER,
        application=dataclasses.replace(
            app, parties=[*app.parties[:-1], dataclasses.replace(employer, id_number=wrong)]),
    )
    assert result.warnings and "校验位" in result.warnings[0]
    assert result.dispute.parties.get(side="respondent").id_warning


@pytest.mark.parametrize("amount", ["-1", "100000000.01", "12.345"])
def test_negative_or_absurd_amounts_are_refused(world: World, amount: str) -> None:
    app = world.application()
    claim = dataclasses.replace(app.claims[0], amount=Decimal(amount))
    before = counts()
    with pytest.raises(ValidationError, match="金额"):
        submit(world, dataclasses.replace(app, claims=[claim]))
    assert counts() == before


def test_a_future_receipt_date_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="收件日期"):
        submit(world, world.application(received_on=days_ago(-1)))


def test_a_missing_respondent_is_refused(world: World) -> None:
    app = world.application()
    with pytest.raises(ValidationError, match="被申请人"):
        submit(world, dataclasses.replace(app, parties=app.parties[:-1]))


def test_a_transition_with_missing_required_data_changes_nothing(world: World) -> None:
    dispute = world.case_in(Status.STREET_MEDIATION)
    before = (dispute.status, dispute.version, dispute.event_seq)
    with pytest.raises(ValidationError) as caught:
        services.dispute_transition(dispute=dispute, actor=world.mediator,
                                    name="record_agreement", data={"signed_on": ""})
    assert set(caught.value.message_dict) >= {"terms", "total_amount"}
    dispute.refresh_from_db()
    assert (dispute.status, dispute.version, dispute.event_seq) == before


def test_an_unknown_organization_is_refused(world: World) -> None:
    dispute = world.case_in(Status.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        services.dispute_transition(dispute=dispute, actor=world.clerk, name="route_to_street",
                                    data={"organization": 999999})
    assert "organization" in caught.value.message_dict
    dispute.refresh_from_db()
    assert dispute.status == Status.SUBMITTED


def test_the_wrong_kind_of_organization_is_refused(world: World) -> None:
    dispute = world.case_in(Status.SUBMITTED)
    with pytest.raises(ValidationError, match="不能办理"):
        services.dispute_transition(dispute=dispute, actor=world.clerk, name="route_to_street",
                                    data={"organization": world.union.pk})


def test_a_date_before_the_receipt_is_refused(world: World) -> None:
    dispute = world.case_in(Status.STREET_MEDIATION)
    with pytest.raises(ValidationError, match="早于"):
        services.dispute_transition(
            dispute=dispute, actor=world.mediator, name="record_failure",
            data={"reason": "x", "ended_on": days_ago(365).isoformat()})


def test_a_hearing_too_soon_after_the_notice_is_refused(world: World) -> None:
    from disputes.models import ArbitrationRecord

    dispute = world.case_in(Status.ACCEPTED)
    accepted_on = ArbitrationRecord.objects.get(dispute=dispute).accepted_on
    assert accepted_on is not None
    notice = accepted_on.isoformat()
    with pytest.raises(ValidationError, match="5 日前"):
        world.do("schedule_hearing", dispute, notice_served_on=notice,
                 scheduled_for=f"{notice}T15:00:00+08:00")


def test_an_unknown_transition_is_refused(world: World) -> None:
    dispute = world.case_in(Status.SUBMITTED)
    with pytest.raises(UnknownTransition):
        services.dispute_transition(dispute=dispute, actor=world.clerk, name="delete", data={})


def test_an_award_for_a_claim_of_another_case_is_refused(world: World) -> None:
    dispute = world.case_in(Status.DELIBERATION)
    other = world.case_in(Status.SUBMITTED)
    with pytest.raises(ValidationError, match="不属于本案"):
        world.do("issue_award", dispute, items=[
            {"claim": other.claims.get().pk, "decision": "granted", "granted_amount": "1"}])


def test_a_tribunal_of_two_is_refused(world: World) -> None:
    dispute = world.case_in(Status.ARBITRATION_REVIEW)
    world.do("accept", dispute)
    with pytest.raises(ValidationError, match="三名"):
        world.do("form_tribunal", dispute,
                 arbitrators=[world.arbitrator.pk, world.arbitrator2.pk])


def test_a_back_dated_application_inside_the_mediation_window_is_refused(world: World) -> None:
    dispute = world.case_in(Status.STREET_MEDIATION)  # routed weeks ago; the window has run out
    window = dispute.mediation_window_ends
    assert window is not None
    with pytest.raises(ValidationError, match="第十四条"):
        world.do("apply_for_arbitration", dispute, applied_on=window.isoformat())
    dispute.refresh_from_db()
    assert dispute.status == Status.STREET_MEDIATION


def test_a_closure_dated_before_the_acceptance_is_refused(world: World) -> None:
    from disputes.models import ArbitrationRecord

    dispute = world.case_in(Status.ACCEPTED)
    record = ArbitrationRecord.objects.get(dispute=dispute)
    assert record.accepted_on and record.accepted_on > dispute.received_on
    before = counts()
    with pytest.raises(ValidationError, match=r"早于(受理日期|仲裁申请收到日期)"):
        day_before = record.accepted_on - record.accepted_on.resolution
        world.do("terminate", dispute, closed_on=day_before.isoformat())
    assert counts() == before


def test_a_hearing_notice_before_the_acceptance_is_refused(world: World) -> None:
    from disputes.models import ArbitrationRecord

    dispute = world.case_in(Status.ACCEPTED)
    accepted_on = ArbitrationRecord.objects.get(dispute=dispute).accepted_on
    assert accepted_on is not None and accepted_on > dispute.received_on
    notice = (accepted_on - accepted_on.resolution).isoformat()
    before = counts()
    with pytest.raises(ValidationError, match="开庭通知送达日期不能早于受理日期"):
        world.do("schedule_hearing", dispute, notice_served_on=notice)
    assert counts() == before
