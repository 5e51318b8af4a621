"""Arbitration services up to the tribunal: application, pre-arbitration mediation,
acceptance or refusal, service of the application, defence, tribunal with the recusal
check. What follows is in `disputes.services.proceedings`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from disputes import clocks, rules, selectors
from disputes.models import (
    MEDIATING,
    ArbitrationRecord,
    Dispute,
    MediationAttempt,
    Party,
    Procedure,
    Status,
    Tier,
    TribunalMember,
)
from disputes.services.base import Effect, run_transition
from disputes.services.mediation import _agreement, _end_attempt, latest_agreement
from mediation.models import DeclaredRelation, Membership, Organization, Role
from mediation.selectors import arbitration_commission_for

CLOSE_FIELDS = ["outcome", "closed_on", "suspended_from"]


def record_of(d: Dispute) -> ArbitrationRecord:
    try:
        return d.arbitration
    except ArbitrationRecord.DoesNotExist as exc:
        raise ValidationError("本案尚无仲裁申请。", code="no_arbitration") from exc


def dispute_apply_for_arbitration(*, dispute: Dispute, actor: User,
                                  applied_on: date,
                                  expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        commission = arbitration_commission_for(d.district_id)
        if commission is None:
            raise ValidationError("本区尚未设置仲裁委员会。", code="no_commission")
        from_state = d.status
        if from_state in MEDIATING and not d.mediation_window_passed(on=applied_on):
            # Law art. 14: during mediation, arbitration opens only once the window has run out.
            raise ValidationError({"applied_on": [
                f"调解期限至 {d.mediation_window_ends} 届满，此前调解中的案件不能申请仲裁"
                "（劳动争议调解仲裁法第十四条）。"
            ]}, code="mediation_window_running")
        d.apply_for_arbitration(commission=commission)
        pending = d.mediation_attempts.filter(result=MediationAttempt.Result.PENDING).first()
        if pending is not None:
            # Law art. 14: the window ran out without agreement; the party goes on to arbitration.
            _end_attempt(pending, MediationAttempt.Result.FAILURE, applied_on,
                         "调解期限届满未达成协议，当事人申请仲裁")
        payload: dict[str, Any] = {"commission": commission.pk, "from_mediation": from_state}
        if from_state == Status.MEDIATION_SUCCEEDED:
            agreement = latest_agreement(d)  # Law art. 15: the agreement was not performed
            agreement.performed = False
            agreement.save(update_fields=["performed"])
            payload["agreement_not_performed"] = agreement.pk
        ArbitrationRecord.objects.create(dispute=d, commission=commission, applied_on=applied_on)
        return Effect(occurred_on=applied_on, payload=payload,
                      update_fields=["organization", "mediator"])

    return run_transition(dispute=dispute, actor=actor, name="apply_for_arbitration",
                          expected_version=expected_version, act=act)


def dispute_refer_to_pre_arbitration_mediation(
    *, dispute: Dispute, actor: User, referred_on: date,
    mediator: User | None = None, expected_version: int | None = None,
) -> Dispute:
    def act(d: Dispute) -> Effect:
        if mediator is not None and not Membership.objects.filter(
            user=mediator, organization_id=d.organization_id, is_active=True,
            role__in=[Role.MEDIATOR, Role.ARBITRATOR],
        ).exists():
            raise ValidationError({"mediator": ["所选人员不是仲裁委的调解员或仲裁员。"]})
        d.refer_to_pre_arbitration_mediation()
        d.mediator = mediator
        MediationAttempt.objects.create(dispute=d, organization_id=d.organization_id,
                                        tier=Tier.PRE_ARBITRATION, mediator=mediator,
                                        received_on=referred_on)
        return Effect(occurred_on=referred_on,
                      payload={"organization": d.organization_id, "tier": Tier.PRE_ARBITRATION},
                      update_fields=["mediator"])

    return run_transition(dispute=dispute, actor=actor,
                          name="refer_to_pre_arbitration_mediation",
                          expected_version=expected_version, act=act)


def dispute_record_pre_arbitration_agreement(
    *, dispute: Dispute, actor: User, terms: str, total_amount: Decimal,
    signed_on: date, performance_due: date | None = None, expected_version: int | None = None,
) -> Dispute:
    def act(d: Dispute) -> Effect:
        d.record_pre_arbitration_agreement(on=signed_on)
        agreement = _agreement(d, terms=terms, total_amount=total_amount, signed_on=signed_on,
                               performance_due=performance_due)
        return Effect(occurred_on=signed_on,
                      payload={"agreement": agreement.pk, "total_amount": total_amount,
                               "tier": Tier.PRE_ARBITRATION,
                               "organization": d.organization_id},
                      update_fields=CLOSE_FIELDS)

    return run_transition(dispute=dispute, actor=actor, name="record_pre_arbitration_agreement",
                          expected_version=expected_version, act=act)


def dispute_end_pre_arbitration_mediation(*, dispute: Dispute, actor: User,
                                          reason: str, ended_on: date,
                                          expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        from disputes.services.mediation import current_attempt

        d.end_pre_arbitration_mediation()
        _end_attempt(current_attempt(d), MediationAttempt.Result.FAILURE, ended_on, reason)
        return Effect(occurred_on=ended_on,
                      payload={"tier": Tier.PRE_ARBITRATION, "organization": d.organization_id},
                      update_fields=["mediator"])

    return run_transition(dispute=dispute, actor=actor, name="end_pre_arbitration_mediation",
                          expected_version=expected_version, act=act)


def next_case_number(commission: Organization, year: int) -> str:
    """东劳人仲案字〔2026〕第0001号. The caller holds the commission's row lock."""
    prefix = commission.case_number_prefix or "劳人仲案字"
    start = f"{prefix}〔{year}〕第"
    taken = ArbitrationRecord.objects.filter(
        commission=commission, case_number__startswith=start
    ).count()
    return f"{start}{taken + 1:04d}号"


def _check_simplified(d: Dispute, findings: dict[str, bool]) -> list[str]:
    """Rules arts. 56, 57: refuse simplified handling the rules do not allow, with every
    reason; the grounds that allow it go into the event."""
    if selectors.collective_status(d).is_collective:
        raise ValidationError({"procedure": [ValidationError(
            "集体争议不适用简易处理，应由三名仲裁员组成仲裁庭（办案规则第六十二条）。",
            code="simplified_collective")]})
    eligibility = selectors.simplified_eligibility(d, **findings)
    if not eligibility.eligible:
        # The exclusions of art. 57, or else why no ground of art. 56 is met (which
        # year's average wage was used is for the screen, not a reason).
        reasons = eligibility.exclusions or tuple(
            note for note in eligibility.notes if note.code != "average_wage_fallback")
        raise ValidationError({"procedure": [
            ValidationError(f"不能简易处理：{reason.zh}（{reason.basis}）",
                            code="simplified_not_eligible")
            for reason in reasons
        ]})
    return [reason.code for reason in eligibility.grounds]


def dispute_accept(*, dispute: Dispute, actor: User, accepted_on: date,
                   procedure: str = Procedure.ORDINARY, facts_clear: bool = False,
                   parties_agree: bool = False, public_interest: bool = False,
                   major_social_impact: bool = False, respondent_unknown: bool = False,
                   expected_version: int | None = None) -> Dispute:
    """Accept the application (Law art. 29). Simplified handling (Rules art. 56) needs one
    of its grounds and none of the exclusions of art. 57: `facts_clear` .. `respondent_unknown`
    are what the filing officer found; the amount comes from the claims."""

    def act(d: Dispute) -> Effect:
        record = record_of(d)
        if accepted_on < record.applied_on:
            raise ValidationError({"accepted_on": ["受理日期不能早于收到仲裁申请的日期。"]})
        grounds: list[str] = []
        if procedure == Procedure.SIMPLIFIED:
            grounds = _check_simplified(d, {
                "facts_clear": facts_clear, "parties_agree": parties_agree,
                "public_interest": public_interest,
                "major_social_impact": major_social_impact,
                "respondent_unknown": respondent_unknown,
            })
        d.accept()
        commission = Organization.objects.select_for_update().get(pk=record.commission_id)
        decision_due = clocks.due_date("acceptance_decision", record.applied_on)
        record.case_number = next_case_number(commission, accepted_on.year)
        record.accepted_on = accepted_on
        record.procedure = procedure
        record.award_clock_started_on = accepted_on
        record.save(update_fields=["case_number", "accepted_on", "procedure",
                                   "award_clock_started_on"])
        payload: dict[str, Any] = {"case_number": record.case_number, "procedure": procedure,
                                   "decision_due": decision_due.date,
                                   "on_time": accepted_on <= decision_due.date}
        if grounds:
            payload["simplified_grounds"] = grounds
        return Effect(occurred_on=accepted_on, payload=payload)

    return run_transition(dispute=dispute, actor=actor, name="accept",
                          expected_version=expected_version, act=act)


def dispute_serve_application(*, dispute: Dispute, actor: User, served_on: date,
                              expected_version: int | None = None) -> Dispute:
    """Law art. 30: the copy of the application is served on the respondent within 5
    working days of acceptance. Recording it again corrects the date."""

    def act(d: Dispute) -> Effect:
        record = record_of(d)
        if record.accepted_on is None or served_on < record.accepted_on:
            raise ValidationError({"served_on": [ValidationError(
                f"送达日期不能早于受理日期 {record.accepted_on}。", code="served_before_acceptance")]})
        defence = record.defence_received_on
        if defence is not None and served_on > defence:
            raise ValidationError({"served_on": [ValidationError(
                f"送达日期不能晚于已登记的答辩书收到日期 {defence}。", code="served_after_defence")]})
        d.serve_application()
        previous = record.application_served_on
        record.application_served_on = served_on
        record.save(update_fields=["application_served_on"])
        due = clocks.due_date("serve_application", record.accepted_on)
        payload: dict[str, Any] = {"served_on": served_on, "due": due.date,
                                   "on_time": served_on <= due.date}
        if previous is not None:
            payload["corrects"] = previous
        return Effect(occurred_on=served_on, payload=payload)

    return run_transition(dispute=dispute, actor=actor, name="serve_application",
                          expected_version=expected_version, act=act)


def dispute_record_defence(*, dispute: Dispute, actor: User, received_on: date,
                           expected_version: int | None = None) -> Dispute:
    """Law art. 30: the respondent answers within 10 days of receiving the copy. A late
    defence is still recorded (and a missing one does not stop the case). Recording it
    again corrects the date."""

    def act(d: Dispute) -> Effect:
        record = record_of(d)
        served = record.application_served_on
        if served is None:
            raise ValidationError({"received_on": [ValidationError(
                "尚未登记仲裁申请书副本的送达日期：答辩期限自被申请人收到副本之日起算"
                "（劳动争议调解仲裁法第三十条），请先登记送达。", code="not_served")]})
        if received_on < served:
            raise ValidationError({"received_on": [ValidationError(
                f"答辩书收到日期不能早于申请书副本送达日期 {served}。",
                code="defence_before_service")]})
        d.record_defence()
        previous = record.defence_received_on
        record.defence_received_on = received_on
        record.save(update_fields=["defence_received_on"])
        due = clocks.due_date("defence", served)
        payload: dict[str, Any] = {"received_on": received_on, "due": due.date,
                                   "on_time": received_on <= due.date}
        if previous is not None:
            payload["corrects"] = previous
        return Effect(occurred_on=received_on, payload=payload)

    return run_transition(dispute=dispute, actor=actor, name="record_defence",
                          expected_version=expected_version, act=act)


def dispute_refuse(*, dispute: Dispute, actor: User, decided_on: date, reason: str,
                   expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        record = record_of(d)
        if decided_on < record.applied_on:
            raise ValidationError({"decided_on": ["决定日期不能早于收到仲裁申请的日期。"]})
        d.refuse(on=decided_on)
        record.refusal_reason = reason
        record.save(update_fields=["refusal_reason"])
        decision_due = clocks.due_date("acceptance_decision", record.applied_on)
        return Effect(occurred_on=decided_on,
                      payload={"decision_due": decision_due.date,
                               "on_time": decided_on <= decision_due.date},
                      update_fields=["closed_on"])

    return run_transition(dispute=dispute, actor=actor, name="refuse",
                          expected_version=expected_version, act=act)


def recusal_problems(d: Dispute, arbitrators: Sequence[User]) -> list[str]:
    """Law art. 33: declared relations of each arbitrator checked against the parties."""
    parties = list(Party.objects.filter(dispute=d))
    party_refs = [rules.PartyRef(name=p.name, identifier=p.id_number) for p in parties]
    problems = []
    for arbitrator in arbitrators:
        relations = [
            rules.ArbitratorRelation(kind=r.kind, counterpart_name=r.counterpart_name,
                                   counterpart_identifier=r.counterpart_identifier)
            for r in DeclaredRelation.objects.filter(user=arbitrator)
        ]
        for conflict in rules.recusal_conflicts(relations, party_refs):
            problems.append(f"{arbitrator.get_username()}：{conflict.reason_zh}")
    return problems


def dispute_form_tribunal(*, dispute: Dispute, actor: User,
                          arbitrators: Sequence[User], presiding: User, formed_on: date,
                          expected_version: int | None = None) -> Dispute:
    def act(d: Dispute) -> Effect:
        record = record_of(d)
        if record.accepted_on and formed_on < record.accepted_on:
            raise ValidationError({"formed_on": ["组庭日期不能早于受理日期。"]})
        members = list(arbitrators)
        qualified = set(Membership.objects.filter(
            organization_id=record.commission_id, role=Role.ARBITRATOR, is_active=True,
            user__in=members,
        ).values_list("user_id", flat=True))
        if any(m.pk not in qualified for m in members):
            raise ValidationError({"arbitrators": ["仲裁庭成员须为本仲裁委的仲裁员。"]})
        collective = selectors.collective_status(d)
        if collective.tribunal_size is not None and len(members) != collective.tribunal_size:
            raise ValidationError({"arbitrators": [ValidationError(
                "集体争议应由三名仲裁员组成仲裁庭（劳动人事争议仲裁办案规则第六十二条）。",
                code="collective_tribunal_size")]})
        if len(members) == 1 and record.procedure != Procedure.SIMPLIFIED:
            raise ValidationError({"arbitrators": ["独任仲裁仅适用于简单案件（简易处理）。"]})
        problems = recusal_problems(d, members)
        if problems:
            raise ValidationError({"arbitrators": [f"应当回避：{p}" for p in problems]},
                                  code="recusal")
        d.form_tribunal()
        if record.tribunal_formed_on is None:
            # Law art. 32: the first formation meets the notice clock; a re-formation
            # (after a recusal) does not move it.
            record.tribunal_formed_on = formed_on
            record.save(update_fields=["tribunal_formed_on"])
        record.tribunal.all().delete()
        sole = len(members) == 1
        TribunalMember.objects.bulk_create([
            TribunalMember(record=record, arbitrator=m, seat=(
                TribunalMember.Seat.SOLE if sole else
                TribunalMember.Seat.PRESIDING if m.pk == presiding.pk else
                TribunalMember.Seat.MEMBER))
            for m in members
        ])
        return Effect(occurred_on=formed_on,
                      payload={"arbitrators": [m.pk for m in members],
                               "presiding": presiding.pk})

    return run_transition(dispute=dispute, actor=actor, name="form_tribunal",
                          expected_version=expected_version, act=act)
