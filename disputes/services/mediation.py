"""Mediation services: routing to a tier, mediators, sessions, agreements, failures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from disputes.clocks import due_date
from disputes.models import (
    TIER_OF_STATE,
    Agreement,
    Dispute,
    MediationAttempt,
    MediationSession,
    Status,
)
from disputes.services.base import Effect, run_transition
from mediation.models import Membership, Organization, Role


def current_attempt(dispute: Dispute) -> MediationAttempt:
    attempt = (
        dispute.mediation_attempts.filter(result=MediationAttempt.Result.PENDING)
        .order_by("-pk").first()
    )
    if attempt is None:
        raise ValidationError("本案没有进行中的调解。", code="no_pending_mediation")
    return attempt


def _route(name: str, *, dispute: Dispute, actor: User, organization: Organization,
           received_on: date, expected_version: int | None) -> Dispute:
    def act(d: Dispute) -> Effect:
        if organization.district_id != d.district_id:
            raise ValidationError({"organization": ["所选调解组织不在本案所属区。"]})
        window = due_date("mediation_window", received_on)
        getattr(d, name)(organization=organization, window_ends=window.date)
        tier = TIER_OF_STATE[Status(d.status)]
        MediationAttempt.objects.create(
            dispute=d, organization=organization, tier=tier, received_on=received_on
        )
        return Effect(
            occurred_on=received_on,
            payload={"organization": organization.pk, "tier": tier,
                     "window_ends": window.date, "provisional": window.provisional},
            update_fields=["organization", "mediator", "mediation_window_ends"],
        )

    return run_transition(dispute=dispute, actor=actor, name=name,
                          expected_version=expected_version, act=act)


def dispute_route_to_enterprise(*, dispute: Dispute, actor: User,
                                organization: Organization, received_on: date,
                                expected_version: int | None = None) -> Dispute:
    return _route("route_to_enterprise", dispute=dispute, actor=actor, organization=organization,
                  received_on=received_on, expected_version=expected_version)


def dispute_route_to_street(*, dispute: Dispute, actor: User,
                            organization: Organization, received_on: date,
                            expected_version: int | None = None) -> Dispute:
    return _route("route_to_street", dispute=dispute, actor=actor, organization=organization,
                  received_on=received_on, expected_version=expected_version)


def dispute_route_to_union(*, dispute: Dispute, actor: User,
                           organization: Organization, received_on: date,
                           expected_version: int | None = None) -> Dispute:
    return _route("route_to_union", dispute=dispute, actor=actor, organization=organization,
                  received_on=received_on, expected_version=expected_version)


def _require_member(user: User, organization_id: int, roles: set[str],
                    field: str, message: str) -> None:
    if not Membership.objects.filter(
        user=user, organization_id=organization_id, role__in=roles, is_active=True
    ).exists():
        raise ValidationError({field: [message]})


def dispute_assign_mediator(*, dispute: Dispute, actor: User,
                            mediator: User,
                            expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        _require_member(mediator, d.organization_id, {Role.MEDIATOR, Role.HEAD, Role.ARBITRATOR},
                        "mediator", "所选人员不是本机构的调解员。")
        d.assign_mediator(mediator=mediator)
        attempt = current_attempt(d)
        attempt.mediator = mediator
        attempt.save(update_fields=["mediator"])
        return Effect(occurred_on=timezone.localdate(), payload={"mediator": mediator.pk},
                      update_fields=["mediator"])

    return run_transition(dispute=dispute, actor=actor, name="assign_mediator",
                          expected_version=expected_version, act=act)


def dispute_schedule_mediation_session(*, dispute: Dispute, actor: User,
                                       scheduled_for: datetime, location: str, note: str = "",
                                       expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        d.schedule_mediation_session()
        attempt = current_attempt(d)
        if scheduled_for.date() < attempt.received_on:
            raise ValidationError({"scheduled_for": ["调解时间不能早于调解组织收件日期。"]})
        session = MediationSession.objects.create(
            attempt=attempt, scheduled_for=scheduled_for, location=location, note=note
        )
        return Effect(occurred_on=timezone.localdate(),
                      payload={"session": session.pk, "scheduled_for": scheduled_for,
                               "location": location})

    return run_transition(dispute=dispute, actor=actor, name="schedule_mediation_session",
                          expected_version=expected_version, act=act)


def _end_attempt(attempt: MediationAttempt, result: str, ended_on: date, reason: str = "") -> None:
    if ended_on < attempt.received_on:
        raise ValidationError({"ended_on": ["结束日期不能早于调解组织收件日期。"]})
    attempt.result = result
    attempt.ended_on = ended_on
    attempt.failure_reason = reason
    attempt.save(update_fields=["result", "ended_on", "failure_reason"])


def _agreement(d: Dispute, *, terms: str, total_amount: Decimal, signed_on: date,
               performance_due: date | None) -> Agreement:
    attempt = current_attempt(d)
    _end_attempt(attempt, MediationAttempt.Result.AGREEMENT, signed_on)
    return Agreement.objects.create(
        attempt=attempt, terms=terms, total_amount=total_amount, signed_on=signed_on,
        performance_due=performance_due,
    )


def dispute_record_agreement(*, dispute: Dispute, actor: User, terms: str,
                             total_amount: Decimal, signed_on: date,
                             performance_due: date | None = None,
                             expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        d.record_agreement()
        agreement = _agreement(d, terms=terms, total_amount=total_amount, signed_on=signed_on,
                               performance_due=performance_due)
        return Effect(occurred_on=signed_on,
                      payload={"agreement": agreement.pk, "total_amount": total_amount,
                               "performance_due": performance_due,
                               "tier": agreement.attempt.tier,
                               "organization": agreement.attempt.organization_id})

    return run_transition(dispute=dispute, actor=actor, name="record_agreement",
                          expected_version=expected_version, act=act)


def dispute_record_failure(*, dispute: Dispute, actor: User, reason: str,
                           ended_on: date, expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        d.record_failure()
        attempt = current_attempt(d)
        _end_attempt(attempt, MediationAttempt.Result.FAILURE, ended_on, reason)
        return Effect(occurred_on=ended_on,
                      payload={"tier": attempt.tier, "organization": attempt.organization_id})

    return run_transition(dispute=dispute, actor=actor, name="record_failure",
                          expected_version=expected_version, act=act)


def latest_agreement(dispute: Dispute) -> Agreement:
    agreement = (
        Agreement.objects.filter(attempt__dispute=dispute).order_by("-signed_on", "-pk").first()
    )
    if agreement is None:
        raise ValidationError("本案没有调解协议。", code="no_agreement")
    return agreement


def dispute_confirm_performance(*, dispute: Dispute, actor: User,
                                performed_on: date,
                                expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        agreement = latest_agreement(d)
        if performed_on < agreement.signed_on:
            raise ValidationError({"performed_on": ["履行日期不能早于协议签订日期。"]})
        d.confirm_performance(on=performed_on)
        agreement.performed = True
        agreement.performed_on = performed_on
        agreement.save(update_fields=["performed", "performed_on"])
        return Effect(occurred_on=performed_on,
                      payload={"agreement": agreement.pk,
                               "on_time": agreement.performance_due is None
                               or performed_on <= agreement.performance_due},
                      update_fields=["outcome", "closed_on", "suspended_from"])

    return run_transition(dispute=dispute, actor=actor, name="confirm_performance",
                          expected_version=expected_version, act=act)
