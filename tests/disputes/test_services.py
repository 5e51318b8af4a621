"""One service test per transition: the new state, the event row, the hash chain."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from disputes.events import verify_chain
from disputes.lifecycle import TRANSITIONS
from disputes.models import (
    Agreement,
    ArbitrationRecord,
    AwardItem,
    Dispute,
    DisputeEvent,
    MediationAttempt,
    Status,
    Suspension,
)
from tests.world import ACTORS, World, days_ago

S = Status
# transition -> (state it is tried in, state it leads to)
PLAN = {
    "route_to_enterprise": (S.SUBMITTED, S.ENTERPRISE_MEDIATION),
    "route_to_street": (S.SUBMITTED, S.STREET_MEDIATION),
    "route_to_union": (S.SUBMITTED, S.UNION_MEDIATION),
    "assign_mediator": (S.STREET_MEDIATION, S.STREET_MEDIATION),
    "schedule_mediation_session": (S.STREET_MEDIATION, S.STREET_MEDIATION),
    "record_agreement": (S.STREET_MEDIATION, S.MEDIATION_SUCCEEDED),
    "record_failure": (S.STREET_MEDIATION, S.MEDIATION_FAILED),
    "confirm_performance": (S.MEDIATION_SUCCEEDED, S.CLOSED),
    "apply_for_arbitration": (S.MEDIATION_FAILED, S.ARBITRATION_REVIEW),
    "refer_to_pre_arbitration_mediation": (S.ARBITRATION_REVIEW, S.PRE_ARBITRATION_MEDIATION),
    "record_pre_arbitration_agreement": (S.PRE_ARBITRATION_MEDIATION, S.CLOSED),
    "end_pre_arbitration_mediation": (S.PRE_ARBITRATION_MEDIATION, S.ARBITRATION_REVIEW),
    "accept": (S.ARBITRATION_REVIEW, S.ACCEPTED),
    "refuse": (S.ARBITRATION_REVIEW, S.NOT_ACCEPTED),
    "serve_application": (S.ACCEPTED, S.ACCEPTED),
    "record_defence": (S.ACCEPTED, S.ACCEPTED),
    "form_tribunal": (S.ACCEPTED, S.ACCEPTED),
    "schedule_hearing": (S.ACCEPTED, S.HEARING_SCHEDULED),
    "postpone_hearing": (S.HEARING_SCHEDULED, S.HEARING_SCHEDULED),
    "conclude_hearing": (S.HEARING_SCHEDULED, S.DELIBERATION),
    "amend_claims": (S.ACCEPTED, S.ACCEPTED),
    "issue_partial_award": (S.DELIBERATION, S.DELIBERATION),
    "issue_mediation_statement": (S.HEARING_SCHEDULED, S.CLOSED),
    "issue_award": (S.DELIBERATION, S.CLOSED),
    "extend_award_deadline": (S.ACCEPTED, S.ACCEPTED),
    "suspend": (S.HEARING_SCHEDULED, S.SUSPENDED),
    "resume": (S.SUSPENDED, S.ACCEPTED),
    "withdraw": (S.STREET_MEDIATION, S.CLOSED),
    "terminate": (S.ACCEPTED, S.CLOSED),
}


def test_the_plan_covers_every_transition() -> None:
    assert set(PLAN) == set(TRANSITIONS)


@pytest.mark.parametrize("name", list(PLAN))
def test_service_changes_state_and_appends_one_chained_event(world: World, name: str) -> None:
    source, target = PLAN[name]
    dispute = world.case_in(source)
    last = DisputeEvent.objects.filter(dispute=dispute).order_by("-seq").first()
    assert last is not None
    after = world.do(name, dispute)
    after.refresh_from_db()
    assert after.status == target
    event = DisputeEvent.objects.get(dispute=after, seq=last.seq + 1)
    assert event.kind == name
    assert event.actor == world.users[ACTORS[name]]
    assert (event.from_state, event.to_state) == (source, target)
    assert event.prev_hash == last.hash
    assert event.delivery == DisputeEvent.Delivery.PENDING
    assert after.last_event_hash == event.hash
    assert verify_chain(after, DisputeEvent.objects.filter(dispute=after).order_by("seq")) == []


def test_a_paper_application_keeps_its_real_receipt_date(world: World) -> None:
    dispute = world.submit(received_on=days_ago(12))
    event = DisputeEvent.objects.get(dispute=dispute, seq=1)
    assert dispute.received_on == days_ago(12)
    assert event.kind == "submitted" and event.occurred_on == days_ago(12)
    assert event.recorded_at.date() >= days_ago(1)  # recorded now, happened 12 days ago


def test_acceptance_assigns_the_commission_case_number(world: World) -> None:
    first = world.case_in(S.ACCEPTED)
    second = world.case_in(S.ACCEPTED)
    accepted_on = first.arbitration.accepted_on
    assert accepted_on is not None
    year = accepted_on.year
    numbers = sorted(str(n) for n in ArbitrationRecord.objects.values_list("case_number", flat=True))
    assert numbers == [f"东劳人仲案字〔{year}〕第0001号", f"东劳人仲案字〔{year}〕第0002号"]
    assert second.arbitration.award_clock_started_on == second.arbitration.accepted_on


def test_an_agreement_records_terms_and_ends_the_attempt(world: World) -> None:
    dispute = world.case_in(S.MEDIATION_SUCCEEDED)
    attempt = MediationAttempt.objects.get(dispute=dispute)
    assert attempt.result == MediationAttempt.Result.AGREEMENT
    assert attempt.agreement.total_amount == Decimal("10000.00")


def test_non_performance_opens_arbitration_and_marks_the_agreement(world: World) -> None:
    dispute = world.case_in(S.MEDIATION_SUCCEEDED)
    world.do("apply_for_arbitration", dispute)
    assert Agreement.objects.get(attempt__dispute=dispute).performed is False


def test_suspension_and_resumption_return_to_the_state_it_left(world: World) -> None:
    dispute = world.case_in(S.HEARING_SCHEDULED)
    world.do("suspend", dispute)
    dispute = world.do("resume", dispute)
    assert dispute.status == S.HEARING_SCHEDULED
    suspension = Suspension.objects.get(record__dispute=dispute)
    assert suspension.ended_on is not None


def test_award_items_are_marked_final_by_the_engine(world: World) -> None:
    dispute = world.case_in(S.DELIBERATION, amount="40000.00")
    claim = dispute.claims.get()
    world.do("issue_award", dispute, items=[
        {"claim": claim.pk, "decision": "partly_granted", "granted_amount": "28800.00"}])
    item = AwardItem.objects.get(claim=claim)
    assert item.is_final is True
    other = world.case_in(S.DELIBERATION, amount="40000.00")
    claim2 = other.claims.get()
    world.do("issue_award", other, items=[
        {"claim": claim2.pk, "decision": "partly_granted", "granted_amount": "28800.01"}])
    assert AwardItem.objects.get(claim=claim2).is_final is False


def test_a_tribunal_member_with_a_declared_relation_is_refused(world: World) -> None:
    from mediation.models import DeclaredRelation

    DeclaredRelation.objects.create(user=world.arbitrator, kind="close_relative",
                                    counterpart_name="张明")
    dispute = world.case_in(S.ARBITRATION_REVIEW)
    world.do("accept", dispute)
    with pytest.raises(ValidationError) as caught:
        world.do("form_tribunal", dispute)
    assert "回避" in str(caught.value)
    dispute.refresh_from_db()
    assert not ArbitrationRecord.objects.get(dispute=dispute).tribunal.exists()


def test_verify_events_reports_tampering(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    dispute = world.case_in(S.MEDIATION_FAILED)
    call_command("verify_events")
    assert "every chain intact" in capsys.readouterr().out
    event = DisputeEvent.objects.get(dispute=dispute, seq=2)
    DisputeEvent.objects.filter(pk=event.pk).update(payload={"tier": "forged"})
    with pytest.raises(Exception, match="problem"):
        call_command("verify_events")
    assert "altered" in capsys.readouterr().out


def test_verify_events_finds_a_removed_last_event(world: World,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    dispute = world.case_in(S.MEDIATION_FAILED)
    DisputeEvent.objects.filter(dispute=dispute, seq=dispute.event_seq).delete()
    with pytest.raises(Exception, match="problem"):
        call_command("verify_events", dispute=dispute.pk)
    assert "removed" in capsys.readouterr().out


def test_verify_events_finds_reordered_events(world: World) -> None:
    dispute = world.case_in(S.MEDIATION_FAILED)
    a, b = DisputeEvent.objects.filter(dispute=dispute, seq__in=[2, 3]).order_by("seq")
    DisputeEvent.objects.filter(pk=a.pk).update(seq=99)
    DisputeEvent.objects.filter(pk=b.pk).update(seq=2)
    DisputeEvent.objects.filter(pk=a.pk).update(seq=3)
    problems = verify_chain(Dispute.objects.get(pk=dispute.pk),
                            DisputeEvent.objects.filter(dispute=dispute).order_by("seq"))
    assert problems


def test_a_hearing_not_held_when_the_case_closes_is_cancelled(world: World) -> None:
    from disputes.models import Hearing

    case = world.case_in(Status.HEARING_SCHEDULED)
    hearing = Hearing.objects.get(record__dispute=case)
    assert hearing.state == Hearing.State.SCHEDULED
    world.do("withdraw", case)
    hearing.refresh_from_db()
    assert hearing.state == Hearing.State.CANCELLED
