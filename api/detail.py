"""The case detail's JSON (DisputeDetailSerializer's output), built directly.

The serializer stays the documented schema and the reference: tests/api/test_detail_data.py
compares the two for cases in every state, for every persona and both languages, key
order included. Here the same values come from the same prefetched case, without DRF's
per-field machinery: a case detail nests a dozen serializers, and building, copying and
walking their fields cost more than reading the case (about 8 of 23 ms of CPU).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from api.serializers import (
    DISPUTE_TYPE_LABELS,
    STATUS_LABELS,
    clock_data,
    display_name,
    english,
    iso_day,
    iso_stamp,
    timeline_data,
)
from disputes.clocks import ClockReading
from disputes.identifiers import mask_id_number, mask_phone
from disputes.models import (
    Agreement,
    ArbitrationRecord,
    AwardItem,
    Claim,
    Dispute,
    MediationAttempt,
    Party,
)
from mediation.models import Organization, Street


def _decimal_field(model: Any, name: str) -> serializers.DecimalField:
    field = model._meta.get_field(name)
    return serializers.DecimalField(max_digits=field.max_digits,
                                    decimal_places=field.decimal_places)


_AMOUNT = _decimal_field(Claim, "amount")
_AGREED = _decimal_field(Agreement, "total_amount")
_GRANTED = _decimal_field(AwardItem, "granted_amount")


def _money(field: serializers.DecimalField, value: Decimal | None) -> str | None:
    return None if value is None else field.to_representation(value)


def _organization(org: Organization | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.pk, "name": org.name, "short_name": org.short_name, "kind": org.kind,
            "kind_label": str(org.get_kind_display())}


def _street(street: Street | None) -> dict[str, Any] | None:
    if street is None:
        return None
    return {"id": street.pk, "code": street.code, "name": street.name}


def _party(party: Party, *, sees_identifiers: bool, user_id: int | None) -> dict[str, Any]:
    is_you = party.user_id is not None and party.user_id == user_id
    unmasked = sees_identifiers or is_you
    return {
        "id": party.pk, "side": party.side,
        "side_label": str(party.get_side_display()),
        "kind": party.kind, "name": party.name, "id_type": party.id_type,
        "id_type_label": str(party.get_id_type_display()),
        "id_number": party.id_number if unmasked else mask_id_number(party.id_number),
        "id_warning": party.id_warning,
        "phone": party.phone if unmasked else mask_phone(party.phone),
        "address": party.address if unmasked else "",
        "is_representative": party.is_representative, "is_you": is_you,
    }


def _attempt(attempt: MediationAttempt) -> dict[str, Any]:
    try:
        agreement: Agreement | None = attempt.agreement
    except Agreement.DoesNotExist:
        agreement = None
    return {
        "id": attempt.pk, "organization": _organization(attempt.organization),
        "tier": attempt.tier,
        "tier_label": str(attempt.get_tier_display()),
        "mediator": display_name(attempt.mediator),
        "received_on": iso_day(attempt.received_on), "ended_on": iso_day(attempt.ended_on),
        "result": attempt.result,
        "result_label": str(attempt.get_result_display()),
        "failure_reason": attempt.failure_reason,
        "sessions": [{"id": s.pk, "scheduled_for": iso_stamp(s.scheduled_for),
                      "location": s.location, "note": s.note}
                     for s in attempt.sessions.all()],
        "agreement": None if agreement is None else {
            "terms": agreement.terms, "total_amount": _money(_AGREED, agreement.total_amount),
            "signed_on": iso_day(agreement.signed_on),
            "performance_due": iso_day(agreement.performance_due),
            "performed": agreement.performed, "performed_on": iso_day(agreement.performed_on),
        },
    }


def _arbitration(dispute: Dispute) -> dict[str, Any] | None:
    try:
        record: ArbitrationRecord = dispute.arbitration
    except ArbitrationRecord.DoesNotExist:
        return None
    return {
        "commission": _organization(record.commission),
        "applied_on": iso_day(record.applied_on), "case_number": record.case_number,
        "accepted_on": iso_day(record.accepted_on), "procedure": record.procedure,
        "procedure_label": str(record.get_procedure_display()),
        "refusal_reason": record.refusal_reason,
        "award_clock_started_on": iso_day(record.award_clock_started_on),
        "extension_days": record.extension_days,
        "extension_approved_on": iso_day(record.extension_approved_on),
        "tribunal": [{"arbitrator_id": m.arbitrator_id, "arbitrator": display_name(m.arbitrator),
                      "seat": m.seat,
                      "seat_label": str(m.get_seat_display())}
                     for m in record.tribunal.all()],
        "hearings": [{"id": h.pk, "scheduled_for": iso_stamp(h.scheduled_for),
                      "notice_served_on": iso_day(h.notice_served_on), "location": h.location,
                      "state": h.state,
                      "state_label": str(h.get_state_display()),
                      "postponement_reason": h.postponement_reason}
                     for h in record.hearings.all()],
        "suspensions": [{"id": s.pk, "reason": s.reason,
                         "reason_label": str(s.get_reason_display()),
                         "note": s.note, "started_on": iso_day(s.started_on),
                         "ended_on": iso_day(s.ended_on)}
                        for s in record.suspensions.all()],
        "awards": [{"id": a.pk, "kind": a.kind, "issued_on": iso_day(a.issued_on),
                    "reasoning": a.reasoning, "result": a.result,
                    "items": [{"claim_id": i.claim_id, "decision": i.decision,
                               "granted_amount": _money(_GRANTED, i.granted_amount),
                               "is_final": i.is_final, "final_reason": i.final_reason}
                              for i in a.items.all()]}
                   for a in record.awards.all()],
    }


def dispute_detail_data(dispute: Dispute, *, user_id: int | None, sees_identifiers: bool,
                        clocks: list[ClockReading],
                        available_transitions: list[dict[str, Any]],
                        notices: list[dict[str, str]]) -> dict[str, Any]:
    """What DisputeDetailSerializer(dispute, context=...).data gives for a case read with
    the detail's prefetches (api/views/cases.py: case_queryset)."""
    in_english = english()
    return {
        "id": dispute.pk,
        "url": f"{reverse('api:dispute-list')}{dispute.pk}/",
        "tracking_number": dispute.tracking_number,
        "status": dispute.status,
        "status_label": str(STATUS_LABELS.get(dispute.status, dispute.status)),
        "dispute_type": dispute.dispute_type,
        "dispute_type_label": str(DISPUTE_TYPE_LABELS.get(dispute.dispute_type,
                                                          dispute.dispute_type)),
        "organization": _organization(dispute.organization),
        "street": _street(dispute.street),
        "is_collective": dispute.is_collective,
        "is_new_employment_form": dispute.is_new_employment_form,
        "is_migrant_wage": dispute.is_migrant_wage,
        "channel": dispute.channel,
        "received_on": iso_day(dispute.received_on),
        "outcome": dispute.outcome,
        "closed_on": iso_day(dispute.closed_on),
        "next_due_on": iso_day(dispute.next_due_on),
        "next_due_clock": dispute.next_due_clock,
        "version": dispute.version,
        "parties": [_party(p, sees_identifiers=sees_identifiers, user_id=user_id)
                    for p in dispute.parties.all()],
        "clocks": [clock_data(r, in_english) for r in clocks],
        "requested_organization": _organization(dispute.requested_organization),
        "mediator": display_name(dispute.mediator),
        "facts": dispute.facts,
        "knew_on": iso_day(dispute.knew_on),
        "employment_ended_on": iso_day(dispute.employment_ended_on),
        "mediation_window_ends": iso_day(dispute.mediation_window_ends),
        "claims": [{"id": c.pk, "item_type": c.item_type,
                    "item_type_label": str(c.get_item_type_display()),
                    "description": c.description, "amount": _money(_AMOUNT, c.amount),
                    "is_counter_claim": c.is_counter_claim, "added_on": iso_day(c.added_on),
                    "is_withdrawn": c.is_withdrawn}
                   for c in dispute.claims.all()],
        "evidence": [{"id": e.pk, "original_name": e.original_name,
                      "content_type": e.content_type, "size": e.size, "sha256": e.sha256,
                      "description": e.description, "uploaded_at": iso_stamp(e.uploaded_at),
                      "download_url": reverse("api:evidence-download",
                                              args=[e.dispute_id, e.pk])}
                     for e in dispute.evidence.all()],
        "mediation_attempts": [_attempt(a) for a in dispute.mediation_attempts.all()],
        "arbitration": _arbitration(dispute),
        "timeline": timeline_data(dispute.pk, sees_identifiers=sees_identifiers),
        "available_transitions": available_transitions,
        "notices": notices,
    }
