"""What a case page shows, read in a fixed number of queries: the case's parties (masked
unless the reader needs the identifiers or they are the reader's own, PIPL art. 28),
claims with the award's decision on each, evidence, mediation, the arbitration record,
clocks, timeline and the notices the staff must not miss."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from disputes import access, selectors
from disputes.errors import NotInScope
from disputes.identifiers import mask_id_number, mask_phone
from disputes.models import (
    ArbitrationRecord,
    Award,
    AwardItem,
    Claim,
    Dispute,
    DisputeEvent,
    Hearing,
    Party,
    Status,
    TribunalMember,
)
from disputes.plain import event_label
from frontend.workspace.actions import display_name
from frontend.workspace.countdowns import Countdown, countdown


def case_queryset(scoped: QuerySet[Dispute]) -> QuerySet[Dispute]:
    return selectors.with_clock_data(scoped).select_related(
        "organization", "street", "requested_organization", "mediator", "district",
    ).prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("side", "pk")),
        Prefetch("claims", queryset=Claim.objects.order_by("pk")),
        "evidence",
        "mediation_attempts__organization", "mediation_attempts__mediator",
        "mediation_attempts__sessions", "mediation_attempts__agreement",
        Prefetch("arbitration__tribunal",
                 queryset=TribunalMember.objects.select_related("arbitrator")),
        Prefetch("arbitration__hearings", queryset=Hearing.objects.order_by("scheduled_for")),
        Prefetch("arbitration__awards__items", queryset=AwardItem.objects.order_by("pk")),
        "arbitration__commission",
        Prefetch("events", queryset=DisputeEvent.objects.order_by("seq").select_related("actor")),
    )


def load_case(user: access.AnyUser, dispute_id: int) -> Dispute:
    """The case with everything its page reads, or NotInScope (answered 404, never 403)."""
    try:
        return case_queryset(access.disputes_for_user(user)).get(pk=dispute_id)
    except Dispute.DoesNotExist as exc:
        raise NotInScope from exc


@dataclass(frozen=True)
class PartyView:
    party: Party
    id_number: str
    phone: str
    address: str
    is_you: bool
    unmasked: bool


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    decision: AwardItem | None
    award: Award | None


@dataclass(frozen=True)
class TimelineEntry:
    event: DisputeEvent
    label: str
    from_label: str
    to_label: str
    actor: str


def _state_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else ""


def record_of(dispute: Dispute) -> ArbitrationRecord | None:
    try:
        return dispute.arbitration
    except ArbitrationRecord.DoesNotExist:
        return None


def case_context(user: access.AnyUser, dispute: Dispute) -> dict[str, Any]:
    sees = access.sees_identifiers(user, dispute)
    parties = []
    for p in dispute.parties.all():
        is_you = p.user_id is not None and p.user_id == user.pk
        unmasked = sees or is_you
        parties.append(PartyView(
            party=p, is_you=is_you, unmasked=unmasked,
            id_number=p.id_number if unmasked else mask_id_number(p.id_number),
            phone=p.phone if unmasked else mask_phone(p.phone),
            address=p.address if unmasked else "",
        ))
    record = record_of(dispute)
    decided: dict[int, tuple[AwardItem, Award]] = {}
    if record is not None:
        for award in record.awards.all():
            for item in award.items.all():
                decided[item.claim_id] = (item, award)
    claims = []
    total = Decimal("0")
    for c in dispute.claims.all():
        pair = decided.get(c.pk)
        claims.append(ClaimView(claim=c, decision=pair[0] if pair else None,
                                award=pair[1] if pair else None))
        if c.amount is not None and not c.is_withdrawn:
            total += c.amount
    readings: list[Countdown] = [countdown(r) for r in selectors.dispute_clocks(
        dispute, today=timezone.localdate())]
    timeline = [
        TimelineEntry(event=e, label=str(event_label(e.kind)),
                      from_label=_state_label(e.from_state), to_label=_state_label(e.to_state),
                      actor=display_name(e.actor) if sees and e.actor is not None else "")
        for e in dispute.events.all()
    ]
    attempts = [(a, display_name(a.mediator) if a.mediator else "")
                for a in dispute.mediation_attempts.all()]
    tribunal = ([(display_name(m.arbitrator), m.get_seat_display()) for m in record.tribunal.all()]
                if record is not None else [])
    return {
        "dispute": dispute,
        "record": record,
        "attempts": attempts,
        "tribunal": tribunal,
        "sees_identifiers": sees,
        "parties": parties,
        "claims": claims,
        "claims_total": total,
        "countdowns": readings,
        "timeline": timeline,
        "notices": selectors.case_notices(dispute) if access.sees_identifiers(user, dispute) else [],
        "mediator_name": display_name(dispute.mediator) if dispute.mediator else "",
    }
