"""Who hears about an event, and what they hear.

Group names (Channels allows ASCII letters, digits, '-', '_' and '.'):
`case.<dispute id>` the case page (staff in scope, its parties, the public status page),
`org.<organization id>` an organization's queue, `dashboard.<district id>` the bureau.
An organization's queue also hears the deadline reminders of the clocks it is responsible
for (`notifications.reminders.reminder_record`).

Every message is the same small record for every audience: no payload, no names, no
identifiers (PIPL art. 28). Screens that need more re-fetch through the REST API, which
applies the access policy to what it returns.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from disputes.models import ArbitrationRecord, Dispute, DisputeEvent, Status
from disputes.plain import event_label

MESSAGE_TYPE = "dispute.event"  # handled by the consumers' `dispute_event` method
# Deadline reminders, to organizations' queues only (`FeedConsumer.dispute_reminder`).
REMINDER_MESSAGE_TYPE = "dispute.reminder"


def case_group(dispute_id: int) -> str:
    return f"case.{dispute_id}"


def queue_group(organization_id: int) -> str:
    return f"org.{organization_id}"


def dashboard_group(district_id: int) -> str:
    return f"dashboard.{district_id}"


def commission_id(dispute: Dispute) -> int | None:
    try:
        return dispute.arbitration.commission_id
    except ArbitrationRecord.DoesNotExist:
        return None


def groups_for(dispute: Dispute, event: DisputeEvent | None = None) -> list[str]:
    """The case, the organization handling it now, the organization it has just left (the
    event's `from_organization`, so that queue drops it live), the arbitration commission
    once the case has an arbitration record, and the district's dashboard."""
    queues = [dispute.organization_id]
    left = (event.payload or {}).get("from_organization") if event is not None else None
    if isinstance(left, int):
        queues.append(left)
    commission = commission_id(dispute)
    if commission is not None:
        queues.append(commission)
    groups = [case_group(dispute.pk)]
    groups += [queue_group(org) for org in dict.fromkeys(queues) if org is not None]
    groups.append(dashboard_group(dispute.district_id))
    return groups


def event_record(event: DisputeEvent, tracking_number: str) -> dict[str, Any]:
    """What a client receives about one event; the same live and on replay."""
    with translation.override(settings.LANGUAGE_CODE):
        state_label = str(Status(event.to_state).label) if event.to_state in Status.values else ""
        return {
            "id": event.pk,
            "dispute": event.dispute_id,
            "tracking_number": tracking_number,
            "seq": event.seq,
            "kind": event.kind,
            "label": str(event_label(event.kind)),
            "state": event.to_state,
            "state_label": state_label,
            "occurred_on": event.occurred_on.isoformat(),
        }


def layer_message(record: dict[str, Any]) -> dict[str, Any]:
    return {"type": MESSAGE_TYPE, "event": record}
