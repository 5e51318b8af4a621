"""Fixed personas and a case builder that drives cases through the real services.

Personas (STYLE.md habit 9): worker, other_worker, employer, clerk, mediator, head,
mediator2 (another street center), union_mediator, filing_officer, arbitrator (sits on
the tribunal), arbitrator2 (same commission, not on it), chair, supervisor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as AuthUser
from django.utils import timezone

from disputes import services
from disputes.identifiers import credit_code_check_char, resident_id_check_char
from disputes.models import MEDIATING, Channel, Dispute, Party, Status
from mediation.models import District, Membership, Organization, Role, Street

User = get_user_model()

PERSONAS = [
    "worker", "other_worker", "employer", "clerk", "mediator", "head", "mediator2",
    "union_mediator", "filing_officer", "arbitrator", "arbitrator2", "chair", "supervisor",
]


def resident_id(serial: int, birth: str = "19900101") -> str:
    first17 = f"420112{birth}{serial % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def credit_code(serial: int) -> str:
    first17 = f"91420112MA4K{serial % 100000:05d}"
    return first17 + credit_code_check_char(first17)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@dataclass
class World:
    district: District
    streets: list[Street]
    center: Organization
    center2: Organization
    union: Organization
    enterprise: Organization
    commission: Organization
    bureau: Organization
    users: dict[str, AuthUser] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    # -- cases ------------------------------------------------------------------------------

    def application(self, *, organization: Organization | None = None, amount: str = "12000.00",
                    workers: int = 1, received_on: dt.date | None = None,
                    **changes: Any) -> services.Application:
        """A paper application; `changes` replace any other field (knew_on, claims, ...)."""
        parties = [
            services.PartyInput(side=Party.Side.APPLICANT, kind=Party.Kind.WORKER,
                                name=f"张{i}明" if i else "张明", id_type=Party.IdType.RESIDENT_ID,
                                id_number=resident_id(100 + i), phone="13800138000")
            for i in range(workers)
        ]
        parties.append(services.PartyInput(
            side=Party.Side.RESPONDENT, kind=Party.Kind.EMPLOYER, name="武汉临空港物流有限公司",
            id_type=Party.IdType.CREDIT_CODE, id_number=credit_code(7)))
        return dataclasses.replace(services.Application(
            district=self.district, street=self.streets[0],
            requested_organization=organization or self.center,
            dispute_type="wages", facts="拖欠 2026 年 3 月至 5 月工资。",
            parties=parties,
            claims=[services.ClaimInput(item_type="wages", description="支付拖欠工资",
                                        amount=Decimal(amount))],
            received_on=received_on or days_ago(60),
        ), **changes)

    def submit(self, **kwargs: Any) -> Dispute:
        result = services.dispute_submit(actor=self.clerk, application=self.application(**kwargs),
                                         channel=Channel.COUNTER)
        dispute = result.dispute
        # The worker persona is linked to the applicant, the employer persona to the respondent.
        first = Party.objects.filter(dispute=dispute, side=Party.Side.APPLICANT).order_by("pk")[0]
        Party.objects.filter(pk=first.pk).update(user=self.worker)
        Party.objects.filter(dispute=dispute, side=Party.Side.RESPONDENT).update(user=self.employer)
        return dispute

    def case_in(self, state: str, **kwargs: Any) -> Dispute:
        """A case brought to `state` through the real services, by the right personas."""
        d = self.submit(**kwargs)
        path = PATHS[state]
        for step in path:
            d = self.do(step, d)
        d.refresh_from_db()
        assert d.status == state, (d.status, state)
        return d

    def do(self, name: str, dispute: Dispute, **overrides: Any) -> Dispute:
        actor = self.users[ACTORS[name]]
        data = sample_input(name, self, dispute)
        data.update(overrides)
        return services.dispute_transition(dispute=dispute, actor=actor, name=name, data=data)


PATHS: dict[str, list[str]] = {
    Status.SUBMITTED: [],
    Status.ENTERPRISE_MEDIATION: ["route_to_enterprise"],
    Status.STREET_MEDIATION: ["route_to_street"],
    Status.UNION_MEDIATION: ["route_to_union"],
    Status.MEDIATION_SUCCEEDED: ["route_to_street", "record_agreement"],
    Status.MEDIATION_FAILED: ["route_to_street", "record_failure"],
    Status.ARBITRATION_REVIEW: ["route_to_street", "record_failure", "apply_for_arbitration"],
    Status.PRE_ARBITRATION_MEDIATION: ["route_to_street", "record_failure",
                                       "apply_for_arbitration",
                                       "refer_to_pre_arbitration_mediation"],
    Status.NOT_ACCEPTED: ["route_to_street", "record_failure", "apply_for_arbitration", "refuse"],
    Status.ACCEPTED: ["route_to_street", "record_failure", "apply_for_arbitration", "accept",
                      "serve_application", "form_tribunal"],
    Status.HEARING_SCHEDULED: ["route_to_street", "record_failure", "apply_for_arbitration",
                               "accept", "serve_application", "form_tribunal",
                               "record_defence", "schedule_hearing"],
    Status.DELIBERATION: ["route_to_street", "record_failure", "apply_for_arbitration", "accept",
                          "serve_application", "form_tribunal", "record_defence",
                          "schedule_hearing", "conclude_hearing"],
    Status.SUSPENDED: ["route_to_street", "record_failure", "apply_for_arbitration", "accept",
                       "serve_application", "form_tribunal", "suspend"],
    Status.CLOSED: ["route_to_street", "record_agreement", "confirm_performance"],
}

# Who performs each transition when building cases (one permitted persona each).
ACTORS: dict[str, str] = {
    "route_to_enterprise": "clerk", "route_to_street": "clerk", "route_to_union": "clerk",
    "assign_mediator": "head", "schedule_mediation_session": "mediator",
    "record_agreement": "mediator", "record_failure": "mediator",
    "confirm_performance": "mediator", "apply_for_arbitration": "worker",
    "refer_to_pre_arbitration_mediation": "filing_officer",
    "record_pre_arbitration_agreement": "filing_officer",
    "end_pre_arbitration_mediation": "filing_officer",
    "accept": "filing_officer", "refuse": "filing_officer",
    "serve_application": "filing_officer", "record_defence": "filing_officer",
    "form_tribunal": "chair",
    "schedule_hearing": "arbitrator", "postpone_hearing": "arbitrator",
    "conclude_hearing": "arbitrator", "amend_claims": "arbitrator",
    "issue_partial_award": "arbitrator", "issue_mediation_statement": "arbitrator",
    "issue_award": "arbitrator", "extend_award_deadline": "chair", "suspend": "chair",
    "resume": "chair", "withdraw": "worker", "terminate": "chair",
}


def sample_input(name: str, world: World, dispute: Dispute) -> dict[str, Any]:
    """Valid input for each transition, with dates that fit the case's history."""
    today = timezone.localdate()
    base = dispute.received_on
    def d(offset: int) -> str:
        return (base + dt.timedelta(days=offset)).isoformat()

    on = d(1)
    claim_ids = list(dispute.claims.values_list("pk", flat=True))
    hearing_at = timezone.make_aware(dt.datetime.combine(base + dt.timedelta(days=20),
                                                         dt.time(9, 30)))
    tables: dict[str, dict[str, Any]] = {
        "route_to_enterprise": {"organization": world.enterprise.pk, "received_on": on},
        "route_to_street": {"organization": world.center.pk, "received_on": on},
        "route_to_union": {"organization": world.union.pk, "received_on": on},
        "assign_mediator": {"mediator": {
            world.commission.pk: world.arbitrator2, world.union.pk: world.union_mediator,
        }.get(dispute.organization_id, world.mediator).pk},
        "schedule_mediation_session": {"scheduled_for": hearing_at.isoformat(),
                                       "location": "吴家山街道调解室"},
        "record_agreement": {"terms": "公司于十日内支付工资 10000 元。", "total_amount": "10000.00",
                             "signed_on": on, "performance_due": d(11)},
        "record_failure": {"reason": "双方对金额分歧较大。", "ended_on": on},
        "confirm_performance": {"performed_on": d(2)},
        # Law art. 14: from a mediating state only once the 15-day window has run out.
        "apply_for_arbitration": {"applied_on": (
            min(dispute.mediation_window_ends + dt.timedelta(days=1), today).isoformat()
            if dispute.status in MEDIATING and dispute.mediation_window_ends else d(2))},
        "refer_to_pre_arbitration_mediation": {"referred_on": d(3)},
        "record_pre_arbitration_agreement": {"terms": "一次性支付 9000 元。", "total_amount": "9000",
                                             "signed_on": d(4)},
        "end_pre_arbitration_mediation": {"reason": "未达成一致。",
                                          "ended_on": d(4)},
        "accept": {"accepted_on": d(5), "procedure": "ordinary"},
        "refuse": {"decided_on": d(5),
                   "reason": "不属于劳动人事争议受理范围。"},
        "serve_application": {"served_on": d(6)},
        "record_defence": {"received_on": d(8)},
        "form_tribunal": {"arbitrators": [world.arbitrator.pk, world.users["tribunal_b"].pk,
                                          world.users["tribunal_c"].pk],
                          "presiding": world.arbitrator.pk, "formed_on": d(5)},
        "schedule_hearing": {"scheduled_for": hearing_at.isoformat(),
                             "notice_served_on": d(6),
                             "location": "第一仲裁庭"},
        "postpone_hearing": {"scheduled_for": (hearing_at + dt.timedelta(days=10)).isoformat(),
                             "notice_served_on": d(8),
                             "location": "第一仲裁庭", "reason": "申请人住院。",
                             "requested_on": d(8)},
        "conclude_hearing": {"held_on": d(21)},
        "amend_claims": {"claims": [{"item_type": "overtime_pay", "description": "加班费",
                                     "amount": "3000"}],
                         "amended_on": d(7)},
        "issue_partial_award": {"issued_on": d(22),
                                "reasoning": "事实清楚，先行裁决。",
                                "items": [{"claim": claim_ids[0], "decision": "granted",
                                           "granted_amount": "12000.00"}]},
        "issue_mediation_statement": {"terms": "调解支付 11000 元。", "total_amount": "11000",
                                      "signed_on": d(22)},
        "issue_award": {"issued_on": d(23),
                        "reasoning": "经审理查明……", "result": "worker_won",
                        "items": [{"claim": claim_ids[0], "decision": "granted",
                                   "granted_amount": "12000.00"}]},
        "extend_award_deadline": {"days": 15, "approved_on": d(30),
                                  "reason": "案情复杂。"},
        "suspend": {"reason": "awaiting_appraisal", "started_on": d(10)},
        "resume": {"resumed_on": d(20)},
        "withdraw": {"closed_on": d(9), "reason": "已和解。"},
        "terminate": {"closed_on": d(9),
                      "reason": "申请人无正当理由拒不到庭，按撤回处理。"},
    }
    data = tables[name]
    assert all(v <= today.isoformat() for k, v in data.items()
               if isinstance(v, str) and k.endswith("_on")), name
    return dict(data)


def build_world() -> World:
    district = District.objects.create(code="420112", name="东西湖区", city="武汉市",
                                       province="湖北省", wage_region_code="420100")
    streets = [
        Street.objects.create(district=district, code="420112001", name="吴家山街道",
                              latitude=Decimal("30.6201"), longitude=Decimal("114.1350")),
        Street.objects.create(district=district, code="420112002", name="将军路街道",
                              latitude=Decimal("30.6420"), longitude=Decimal("114.2180")),
    ]

    def org(kind: str, name: str, lat: str | None = None, lon: str | None = None,
            **extra: Any) -> Organization:
        o = Organization.objects.create(
            kind=kind, name=name, district=district,
            latitude=Decimal(lat) if lat else None, longitude=Decimal(lon) if lon else None,
            **extra,
        )
        return o

    K = Organization.Kind
    world = World(
        district=district, streets=streets,
        center=org(K.STREET_CENTER, "吴家山街道劳动争议调解中心", "30.6210", "114.1360"),
        center2=org(K.STREET_CENTER, "将军路街道劳动争议调解中心", "30.6430", "114.2190"),
        union=org(K.UNION_STUDIO, "人社+工会劳动争议裁调对接工作室", "30.6300", "114.1500"),
        enterprise=org(K.ENTERPRISE_COMMITTEE, "武汉临空港物流有限公司劳动争议调解委员会"),
        commission=org(K.ARBITRATION_COMMISSION, "东西湖区劳动人事争议仲裁委员会",
                       "30.6250", "114.1420", case_number_prefix="东劳人仲案字"),
        bureau=org(K.HR_BUREAU, "东西湖区人力资源和社会保障局"),
    )
    world.center.streets.add(streets[0])
    world.center2.streets.add(streets[1])
    memberships = {
        "clerk": (world.center, Role.INTAKE_CLERK),
        "mediator": (world.center, Role.MEDIATOR),
        "head": (world.center, Role.HEAD),
        "mediator2": (world.center2, Role.MEDIATOR),
        "union_mediator": (world.union, Role.MEDIATOR),
        "filing_officer": (world.commission, Role.FILING_OFFICER),
        "arbitrator": (world.commission, Role.ARBITRATOR),
        "arbitrator2": (world.commission, Role.ARBITRATOR),
        "tribunal_b": (world.commission, Role.ARBITRATOR),
        "tribunal_c": (world.commission, Role.ARBITRATOR),
        "chair": (world.commission, Role.CHAIR),
        "supervisor": (world.bureau, Role.SUPERVISOR),
    }
    for name in [*PERSONAS, "tribunal_b", "tribunal_c"]:
        world.users[name] = User.objects.create_user(username=name, password="x-" + name)
    for name, (organization, role) in memberships.items():
        Membership.objects.create(user=world.users[name], organization=organization, role=role)
    # The enterprise committee's and union's clerks route too; the enterprise committee
    # mediator is the head persona of this test world only where a test says so.
    Membership.objects.create(user=world.users["mediator"], organization=world.enterprise,
                              role=Role.MEDIATOR)
    Membership.objects.create(user=world.users["union_mediator"], organization=world.union,
                              role=Role.HEAD)
    return world
