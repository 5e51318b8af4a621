"""Arbitration proceedings once a case is accepted: hearings, amended claims, awards and
mediation statements, extension, suspension, and closure without an award."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from disputes import clocks, rules
from disputes.models import (
    ArbitrationRecord,
    Award,
    AwardItem,
    Claim,
    Dispute,
    Hearing,
    MediationAttempt,
    Suspension,
    Tier,
)
from disputes.services.arbitration import CLOSE_FIELDS, record_of
from disputes.services.base import Effect, run_transition
from disputes.services.mediation import _agreement


def _check_hearing_notice(record: ArbitrationRecord, scheduled_for: datetime,
                          notice_served_on: date) -> None:
    """The notice follows the acceptance, and (Law art. 35) is served at least 5 days
    before the hearing."""
    if record.accepted_on and notice_served_on < record.accepted_on:
        raise ValidationError({"notice_served_on": ["开庭通知送达日期不能早于受理日期。"]},
                              code="notice_before_acceptance")
    earliest = clocks.earliest_hearing_date(notice_served_on)
    if timezone.localtime(scheduled_for).date() < earliest.date:
        raise ValidationError({"scheduled_for": [
            f"开庭通知须在开庭 5 日前送达（劳动争议调解仲裁法第三十五条），最早可于 {earliest.date} 开庭。"
        ]}, code="hearing_too_soon")


def dispute_schedule_hearing(*, dispute: Dispute, actor: User,
                             scheduled_for: datetime, notice_served_on: date, location: str,
                             expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        record = record_of(d)
        _check_hearing_notice(record, scheduled_for, notice_served_on)
        d.schedule_hearing()
        hearing = Hearing.objects.create(record=record, scheduled_for=scheduled_for,
                                         notice_served_on=notice_served_on, location=location)
        return Effect(occurred_on=notice_served_on,
                      payload={"hearing": hearing.pk, "scheduled_for": scheduled_for,
                               "location": location})

    return run_transition(dispute=dispute, actor=actor, name="schedule_hearing",
                          expected_version=expected_version, act=act)


def _current_hearing(record: ArbitrationRecord) -> Hearing:
    hearing = record.hearings.filter(state=Hearing.State.SCHEDULED).order_by("-pk").first()
    if hearing is None:
        raise ValidationError("没有已排期的开庭。", code="no_hearing")
    return hearing


def dispute_postpone_hearing(*, dispute: Dispute, actor: User,
                             scheduled_for: datetime, notice_served_on: date, location: str,
                             reason: str, requested_on: date,
                             expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        record = record_of(d)
        old = _current_hearing(record)
        latest = clocks.latest_postponement_request(timezone.localtime(old.scheduled_for).date())
        if requested_on > latest.date:
            raise ValidationError({"requested_on": [
                f"延期开庭申请应在开庭 3 日前提出（劳动争议调解仲裁法第三十五条），最迟 {latest.date}。"
            ]}, code="postponement_too_late")
        _check_hearing_notice(record, scheduled_for, notice_served_on)
        d.postpone_hearing()
        old.state = Hearing.State.POSTPONED
        old.postponement_reason = reason
        old.save(update_fields=["state", "postponement_reason"])
        hearing = Hearing.objects.create(record=record, scheduled_for=scheduled_for,
                                         notice_served_on=notice_served_on, location=location)
        return Effect(occurred_on=requested_on,
                      payload={"hearing": hearing.pk, "scheduled_for": scheduled_for,
                               "location": location, "postponed": old.pk})

    return run_transition(dispute=dispute, actor=actor, name="postpone_hearing",
                          expected_version=expected_version, act=act)


def dispute_conclude_hearing(*, dispute: Dispute, actor: User, held_on: date,
                             expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        hearing = _current_hearing(record_of(d))
        if held_on < timezone.localtime(hearing.scheduled_for).date():
            raise ValidationError({"held_on": ["开庭日期不能早于排定的开庭时间。"]})
        d.conclude_hearing()
        hearing.state = Hearing.State.HELD
        hearing.save(update_fields=["state"])
        return Effect(occurred_on=held_on, payload={"hearing": hearing.pk})

    return run_transition(dispute=dispute, actor=actor, name="conclude_hearing",
                          expected_version=expected_version, act=act)


def dispute_amend_claims(*, dispute: Dispute, actor: User,
                         claims: list[dict[str, Any]], amended_on: date,
                         is_counter_claim: bool = False,
                         expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        record = record_of(d)
        d.amend_claims()
        created = Claim.objects.bulk_create([
            Claim(dispute=d, item_type=c["item_type"], description=c["description"],
                  amount=c.get("amount"), is_counter_claim=is_counter_claim, added_on=amended_on)
            for c in claims
        ])
        # Rules art. 46: added or changed claims and counter-claims restart the award clock.
        record.award_clock_started_on = amended_on
        record.save(update_fields=["award_clock_started_on"])
        return Effect(occurred_on=amended_on,
                      payload={"claims": [c.pk for c in created],
                               "counter_claim": is_counter_claim,
                               "award_clock_restarted_on": amended_on})

    return run_transition(dispute=dispute, actor=actor, name="amend_claims",
                          expected_version=expected_version, act=act)


def _award(d: Dispute, kind: str, issued_on: date, reasoning: str, result: str,
           items: list[dict[str, Any]]) -> Award:
    record = record_of(d)
    already = set(AwardItem.objects.filter(award__record=record).values_list("claim_id", flat=True))
    if already & {i["claim"] for i in items}:
        raise ValidationError({"items": ["已先行裁决的请求不能再次裁决。"]}, code="already_decided")
    award = Award.objects.create(record=record, kind=kind, issued_on=issued_on,
                                 reasoning=reasoning, result=result)
    claims = {c.pk: c for c in d.claims.all()}
    decision = rules.is_final_award(
        [rules.ClaimItem(kind=claims[i["claim"]].item_type,
                         amount=i["granted_amount"] if i["granted_amount"] is not None
                         else claims[i["claim"]].amount)
         for i in items],
        award_date=issued_on, region_code=d.district.wage_region_code or None,
    )
    AwardItem.objects.bulk_create([
        AwardItem(award=award, claim_id=i["claim"], decision=i["decision"],
                  granted_amount=i["granted_amount"], is_final=finality.is_final,
                  final_reason=finality.reason_zh[:200])
        for i, finality in zip(items, decision.items, strict=True)
    ])
    return award


def dispute_issue_partial_award(*, dispute: Dispute, actor: User, issued_on: date,
                                reasoning: str, items: list[dict[str, Any]], result: str = "",
                                expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        d.issue_partial_award()
        award = _award(d, Award.Kind.PARTIAL, issued_on, reasoning, result, items)
        return Effect(occurred_on=issued_on, payload={"award": award.pk, "kind": award.kind})

    return run_transition(dispute=dispute, actor=actor, name="issue_partial_award",
                          expected_version=expected_version, act=act)


def dispute_issue_award(*, dispute: Dispute, actor: User, issued_on: date,
                        reasoning: str, items: list[dict[str, Any]], result: str = "",
                        expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        if not result:
            raise ValidationError({"result": ["请选择裁决结果。"]})
        d.issue_award(on=issued_on)
        award = _award(d, Award.Kind.FINAL, issued_on, reasoning, result, items)
        return Effect(occurred_on=issued_on,
                      payload={"award": award.pk, "kind": award.kind, "result": result},
                      update_fields=CLOSE_FIELDS)

    return run_transition(dispute=dispute, actor=actor, name="issue_award",
                          expected_version=expected_version, act=act)


def dispute_issue_mediation_statement(
    *, dispute: Dispute, actor: User, terms: str, total_amount: Decimal,
    signed_on: date, performance_due: date | None = None, expected_version: int | None = None,
) -> Dispute:
    """Law art. 42: the tribunal mediates before an award; the statement takes effect when
    both sides sign for it (signed_on)."""

    def act(d: Dispute) -> Effect:
        record = record_of(d)
        d.issue_mediation_statement(on=signed_on)
        attempt = MediationAttempt.objects.create(
            dispute=d, organization_id=record.commission_id, tier=Tier.ARBITRAL,
            received_on=record.accepted_on or signed_on,
        )
        agreement = _agreement(d, terms=terms, total_amount=total_amount, signed_on=signed_on,
                               performance_due=performance_due)
        assert agreement.attempt_id == attempt.pk
        return Effect(occurred_on=signed_on,
                      payload={"agreement": agreement.pk, "total_amount": total_amount,
                               "tier": Tier.ARBITRAL, "organization": record.commission_id},
                      update_fields=CLOSE_FIELDS)

    return run_transition(dispute=dispute, actor=actor, name="issue_mediation_statement",
                          expected_version=expected_version, act=act)


def dispute_extend_award_deadline(*, dispute: Dispute, actor: User, days: int,
                                  approved_on: date, reason: str,
                                  expected_version: int | None = None) -> Dispute:
    """Law art. 43, Rules art. 45: the chair's written approval, once, at most 15 days."""

    def act(d: Dispute) -> Effect:
        record = record_of(d)
        if not 1 <= days <= 15:
            raise ValidationError({"days": ["延长期限不得超过十五日。"]})
        d.extend_award_deadline()
        record.extension_days = days
        record.extension_approved_on = approved_on
        record.save(update_fields=["extension_days", "extension_approved_on"])
        return Effect(occurred_on=approved_on, payload={"days": days, "reason": reason})

    return run_transition(dispute=dispute, actor=actor, name="extend_award_deadline",
                          expected_version=expected_version, act=act)


def dispute_suspend(*, dispute: Dispute, actor: User, reason: str,
                    started_on: date, note: str = "",
                    expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        record = record_of(d)
        if record.accepted_on and started_on < record.accepted_on:
            raise ValidationError({"started_on": ["中止日期不能早于受理日期。"]})
        d.suspend()
        Suspension.objects.create(record=record, reason=reason, note=note, started_on=started_on)
        return Effect(occurred_on=started_on, payload={"reason": reason},
                      update_fields=["suspended_from"])

    return run_transition(dispute=dispute, actor=actor, name="suspend",
                          expected_version=expected_version, act=act)


def dispute_resume(*, dispute: Dispute, actor: User, resumed_on: date,
                   expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        suspension = Suspension.objects.filter(record=record_of(d), ended_on__isnull=True).first()
        if suspension is None:
            raise ValidationError("没有进行中的中止。", code="not_suspended")
        if resumed_on < suspension.started_on:
            raise ValidationError({"resumed_on": ["恢复日期不能早于中止日期。"]})
        d.resume()
        suspension.ended_on = resumed_on
        suspension.save(update_fields=["ended_on"])
        return Effect(occurred_on=resumed_on,
                      payload={"suspended_days": (resumed_on - suspension.started_on).days},
                      update_fields=["suspended_from"])

    return run_transition(dispute=dispute, actor=actor, name="resume",
                          expected_version=expected_version, act=act)


def _close(name: str, *, dispute: Dispute, actor: User, closed_on: date,
           reason: str, expected_version: int | None) -> Dispute:
    def act(d: Dispute) -> Effect:
        if closed_on < d.received_on:
            raise ValidationError({"closed_on": ["结案日期不能早于收件日期。"]})
        record = ArbitrationRecord.objects.filter(dispute=d).first()
        if record is not None:
            if closed_on < record.applied_on:
                raise ValidationError({"closed_on": ["结案日期不能早于仲裁申请收到日期。"]})
            if record.accepted_on and closed_on < record.accepted_on:
                raise ValidationError({"closed_on": ["结案日期不能早于受理日期。"]})
        getattr(d, name)(on=closed_on)
        d.mediation_attempts.filter(result=MediationAttempt.Result.PENDING).update(
            result=MediationAttempt.Result.ABANDONED, ended_on=closed_on)
        Suspension.objects.filter(
            Q(record__dispute=d), ended_on__isnull=True).update(ended_on=closed_on)
        return Effect(occurred_on=closed_on, payload={"reason": reason},
                      update_fields=CLOSE_FIELDS)

    return run_transition(dispute=dispute, actor=actor, name=name,
                          expected_version=expected_version, act=act)


def dispute_withdraw(*, dispute: Dispute, actor: User, closed_on: date, reason: str,
                     expected_version: int | None = None) -> Dispute:
    return _close("withdraw", dispute=dispute, actor=actor, closed_on=closed_on, reason=reason,
                  expected_version=expected_version)


def dispute_terminate(*, dispute: Dispute, actor: User, closed_on: date, reason: str,
                      expected_version: int | None = None) -> Dispute:
    return _close("terminate", dispute=dispute, actor=actor, closed_on=closed_on, reason=reason,
                  expected_version=expected_version)

