"""Transition metadata: label, who may perform it, and the input it needs.

One place that the services, the API and the web pages read, so no screen hard-codes
what is allowed. The states and arrows themselves live on `Dispute` (django-fsm).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from disputes import inputs
from disputes.models import Dispute, Party
from mediation.models import Role

APPLICANT = Party.Side.APPLICANT
RESPONDENT = Party.Side.RESPONDENT

MEDIATION_STAFF = frozenset({Role.MEDIATOR, Role.HEAD})
ROUTING_STAFF = frozenset({Role.INTAKE_CLERK, Role.HEAD, Role.MEDIATOR})


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label_zh: str
    label_en: str
    form: type[inputs.TransitionForm]
    staff_roles: frozenset[str]
    party_sides: frozenset[str] = frozenset()
    # For apply_for_arbitration: staff of the district's commission receive the application.
    commission_may_act: bool = False
    # Once a tribunal sits, only its arbitrators act for the role "arbitrator".
    tribunal_only: bool = False
    description: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "zh-hans").startswith("en") else self.label_zh


def _spec(name: str, zh: str, en: str, form: type[inputs.TransitionForm],
          staff: frozenset[str] | set[str], parties: frozenset[str] | set[str] = frozenset(),
          *, commission_may_act: bool = False, tribunal_only: bool = False) -> TransitionSpec:
    return TransitionSpec(name, zh, en, form, frozenset(staff), frozenset(parties),
                          commission_may_act=commission_may_act, tribunal_only=tribunal_only)


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in [
        _spec("route_to_enterprise", "转企业调解", "Refer to enterprise mediation",
              inputs.RouteToEnterpriseForm, ROUTING_STAFF),
        _spec("route_to_street", "转街道调解", "Refer to street mediation",
              inputs.RouteToStreetForm, ROUTING_STAFF),
        _spec("route_to_union", "转工会调解", "Refer to union mediation",
              inputs.RouteToUnionForm, ROUTING_STAFF),
        _spec("assign_mediator", "指派调解员", "Assign a mediator",
              inputs.AssignMediatorForm, {Role.HEAD, Role.FILING_OFFICER}),
        _spec("schedule_mediation_session", "安排调解", "Schedule a mediation session",
              inputs.ScheduleMediationSessionForm, MEDIATION_STAFF | {Role.ARBITRATOR}),
        _spec("record_agreement", "记录调解协议", "Record an agreement",
              inputs.AgreementForm, MEDIATION_STAFF),
        _spec("record_failure", "记录调解不成", "Record a failed mediation",
              inputs.FailureForm, MEDIATION_STAFF),
        _spec("confirm_performance", "确认协议已履行", "Confirm the agreement was performed",
              inputs.PerformanceForm, MEDIATION_STAFF, {APPLICANT}),
        _spec("apply_for_arbitration", "申请仲裁", "Apply for arbitration",
              inputs.ApplyForArbitrationForm,
              {Role.INTAKE_CLERK, Role.FILING_OFFICER, Role.HEAD, Role.MEDIATOR}, {APPLICANT},
              commission_may_act=True),
        _spec("refer_to_pre_arbitration_mediation", "转仲裁前调解",
              "Refer to pre-arbitration mediation", inputs.ReferForm,
              {Role.FILING_OFFICER}),
        _spec("record_pre_arbitration_agreement", "仲裁前调解成功",
              "Record a pre-arbitration agreement", inputs.AgreementForm,
              {Role.MEDIATOR, Role.ARBITRATOR, Role.FILING_OFFICER}),
        _spec("end_pre_arbitration_mediation", "仲裁前调解不成",
              "End pre-arbitration mediation without agreement", inputs.FailureForm,
              {Role.MEDIATOR, Role.ARBITRATOR, Role.FILING_OFFICER}),
        _spec("accept", "受理", "Accept the case", inputs.AcceptForm, {Role.FILING_OFFICER}),
        _spec("refuse", "不予受理", "Refuse to accept", inputs.RefuseForm,
              {Role.FILING_OFFICER}),
        _spec("serve_application", "送达仲裁申请书副本", "Serve the application on the respondent",
              inputs.ServeApplicationForm, {Role.FILING_OFFICER, Role.ARBITRATOR},
              tribunal_only=True),
        _spec("record_defence", "收到答辩书", "Record the respondent's defence",
              inputs.RecordDefenceForm, {Role.FILING_OFFICER, Role.ARBITRATOR},
              tribunal_only=True),
        _spec("form_tribunal", "组成仲裁庭", "Form the tribunal", inputs.FormTribunalForm,
              {Role.CHAIR}),
        _spec("schedule_hearing", "排期开庭", "Schedule the hearing", inputs.HearingForm,
              {Role.ARBITRATOR}, tribunal_only=True),
        _spec("postpone_hearing", "延期开庭", "Postpone the hearing",
              inputs.PostponeHearingForm, {Role.ARBITRATOR}, tribunal_only=True),
        _spec("conclude_hearing", "庭审结束，进入合议", "Conclude the hearing",
              inputs.ConcludeHearingForm, {Role.ARBITRATOR}, tribunal_only=True),
        _spec("amend_claims", "增加/变更仲裁请求", "Add or change claims",
              inputs.AmendClaimsForm, {Role.ARBITRATOR, Role.FILING_OFFICER},
              tribunal_only=True),
        _spec("issue_partial_award", "先行裁决", "Issue a partial award", inputs.AwardForm,
              {Role.ARBITRATOR}, tribunal_only=True),
        _spec("issue_mediation_statement", "制作调解书", "Issue a mediation statement",
              inputs.MediationStatementForm, {Role.ARBITRATOR}, tribunal_only=True),
        _spec("issue_award", "作出裁决", "Issue the award", inputs.AwardForm,
              {Role.ARBITRATOR}, tribunal_only=True),
        _spec("extend_award_deadline", "批准延长审限", "Approve an extension of the time limit",
              inputs.ExtendAwardDeadlineForm, {Role.CHAIR}),
        _spec("suspend", "中止审理", "Suspend the case", inputs.SuspendForm, {Role.CHAIR}),
        _spec("resume", "恢复审理", "Resume the case", inputs.ResumeForm, {Role.CHAIR}),
        _spec("withdraw", "撤回申请", "Withdraw the application", inputs.CloseForm,
              {Role.INTAKE_CLERK, Role.MEDIATOR, Role.HEAD, Role.FILING_OFFICER,
               Role.ARBITRATOR}, {APPLICANT}, tribunal_only=True),
        _spec("terminate", "终结审理", "Close the case otherwise", inputs.CloseForm,
              {Role.CHAIR}),
    ]
}

SUBMITTED_EVENT = "submitted"
EVENT_KINDS = [SUBMITTED_EVENT, *TRANSITIONS]


def fsm_transitions() -> dict[str, list[tuple[str, str | None]]]:
    """name -> [(source, target)] as declared on the model; target None = state unchanged."""
    result: dict[str, list[tuple[str, str | None]]] = {}
    for t in Dispute._meta.get_field("status").get_all_transitions(Dispute):
        target = t.target
        if target is not None and not isinstance(target, str):
            target = "|".join(sorted(target.allowed_states))
        result.setdefault(t.name, []).append((t.source, target))
    return result
