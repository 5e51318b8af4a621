"""Who gets which message, and the rows that say so.

Messages for an event are planned by the worker when it claims the event
(`notifications.outbox.deliver_due`), in the transaction that marks the event delivered or
failed; messages for a reminder are written in the transaction that creates the reminder.
Either way the rows are inserted with ON CONFLICT DO NOTHING against the unique keys
(cause, recipient, channel): planning the same event again (a crash before the commit, a
retry after a failed send, a second worker) adds nothing.

Why not in the transition's own transaction? The event row already is the durable record
that something happened, committed with the change (STYLE.md habit 5), and the messages
follow from it deterministically. Planning them in the worker keeps recipient look-ups and
template rendering (texts staff edit) out of every transition, and a broken template out
of the path that changes a case.

Recipients: a party gets an SMS when a phone number is on file, an e-mail and a web notice
when the party is linked to an account (the account's e-mail address); staff get a web
notice and, when their account has one, an e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils import timezone

from disputes.models import ArbitrationRecord, Dispute, DisputeEvent, Party
from mediation.models import Organization
from notifications.models import Channel, Message, Reminder, TemplateCode
from notifications.rendering import TemplateBook, chinese_date, chinese_datetime, date_from, sign

APPLICANT = Party.Side.APPLICANT
RESPONDENT = Party.Side.RESPONDENT
ALL_SIDES = frozenset({APPLICANT, RESPONDENT})


@dataclass(frozen=True)
class Recipient:
    user: User | None = None
    party: Party | None = None

    @property
    def name(self) -> str:
        if self.party is not None:
            return self.party.name
        assert self.user is not None
        return self.user.get_full_name() or self.user.get_username()

    def addresses(self) -> list[tuple[str, str]]:
        """(channel, address) for each channel this recipient can be reached through."""
        account = self.party.user if self.party is not None else self.user
        found: list[tuple[str, str]] = []
        if self.party is not None and self.party.phone:
            found.append((Channel.SMS, self.party.phone))
        if account is not None and account.email:
            found.append((Channel.EMAIL, account.email))
        if account is not None:
            found.append((Channel.WEB, ""))
        return found


def party_recipients(dispute: Dispute, sides: Iterable[str]) -> list[Recipient]:
    """The case's parties on these sides (prefetch `parties__user`)."""
    wanted = set(sides)
    return [Recipient(party=p) for p in dispute.parties.all() if p.side in wanted]


def staff_recipients(users: Iterable[User]) -> list[Recipient]:
    seen: set[int] = set()
    result = []
    for user in users:
        if user.pk not in seen and user.is_active:
            seen.add(user.pk)
            result.append(Recipient(user=user))
    return result


def case_context(dispute: Dispute) -> dict[str, Any]:
    """What every template may say about the case (plain values only)."""
    try:
        case_number = dispute.arbitration.case_number or ""
    except ArbitrationRecord.DoesNotExist:
        case_number = ""
    return {
        "sign": sign(),
        "tracking_number": dispute.tracking_number,
        "case_number": case_number,
        "organization_name": dispute.organization.name,
    }


def message_rows(*, dispute: Dispute, template: str, recipients: Iterable[Recipient],
                 context: Mapping[str, Any], book: TemplateBook, now: dt.datetime,
                 event: DisputeEvent | None = None,
                 reminder: Reminder | None = None) -> list[Message]:
    """Unsaved rows, one per recipient per channel that has an active template. Web
    notices are delivered by being stored; a template that fails to render makes a failed
    row that says why (staff see it in the log)."""
    rows = []
    for recipient in recipients:
        for channel, address in recipient.addresses():
            if not book.has(template, channel):
                continue  # staff switched this channel off for this template
            rendered = book.render(template, channel,
                                   {**context, "recipient_name": recipient.name})
            row = Message(dispute=dispute, event=event, reminder=reminder, user=recipient.user,
                          party=recipient.party, channel=channel, template=template,
                          address=address, subject=rendered.subject, body=rendered.body,
                          next_attempt_at=now)
            if rendered.error:
                row.status, row.error = Message.Status.FAILED, rendered.error
            elif channel == Channel.WEB:
                row.status, row.sent_at = Message.Status.SENT, now
            rows.append(row)
    return rows


def insert_once(rows: list[Message]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: a row that exists already is left alone."""
    if rows:
        Message.objects.bulk_create(rows, ignore_conflicts=True)


# -- messages for events -----------------------------------------------------------------

@dataclass(frozen=True)
class EventMessage:
    template: str
    sides: frozenset[str]


EVENT_MESSAGES: dict[str, EventMessage] = {
    "submitted": EventMessage(TemplateCode.CASE_RECEIVED, frozenset({APPLICANT})),
    "route_to_enterprise": EventMessage(TemplateCode.ROUTED, ALL_SIDES),
    "route_to_street": EventMessage(TemplateCode.ROUTED, ALL_SIDES),
    "route_to_union": EventMessage(TemplateCode.ROUTED, ALL_SIDES),
    "schedule_mediation_session": EventMessage(TemplateCode.MEDIATION_SESSION_SCHEDULED,
                                               ALL_SIDES),
    "schedule_hearing": EventMessage(TemplateCode.HEARING_NOTICE, ALL_SIDES),
    "postpone_hearing": EventMessage(TemplateCode.HEARING_NOTICE, ALL_SIDES),
    "issue_award": EventMessage(TemplateCode.AWARD_ISSUED, ALL_SIDES),
}


def _event_context(event: DisputeEvent, dispute: Dispute,
                   organizations: Mapping[int, Organization]) -> dict[str, Any]:
    """The case, and what the event itself recorded (the organization routed to, the
    session's or hearing's time and place): the text says what happened then."""
    context = case_context(dispute)
    payload = event.payload or {}
    organization = organizations.get(payload.get("organization") or 0)
    if organization is not None:
        context["organization_name"] = organization.name
        context["organization_address"] = organization.address
        context["organization_phone"] = organization.phone
    context["window_ends"] = chinese_date(date_from(payload.get("window_ends")))
    context["scheduled_for"] = chinese_datetime(payload.get("scheduled_for"))
    context["location"] = payload.get("location", "")
    context["postponed"] = event.kind == "postpone_hearing"
    return context


def plan_event_messages(events: list[DisputeEvent]) -> dict[int, str]:
    """Insert the messages these events cause (idempotent). Answers {event id: error} for
    events whose planning failed: the worker retries those like a failed delivery."""
    planned = [e for e in events if e.kind in EVENT_MESSAGES]
    if not planned:
        return {}
    disputes = (
        Dispute.objects.select_related("organization", "arbitration")
        .prefetch_related(Prefetch("parties",
                                   queryset=Party.objects.select_related("user")
                                   .order_by("side", "pk")))
        .in_bulk({e.dispute_id for e in planned})
    )
    org_ids = {e.payload.get("organization") for e in planned
               if isinstance(e.payload, dict) and isinstance(e.payload.get("organization"), int)}
    organizations = Organization.objects.in_bulk(org_ids) if org_ids else {}
    book = TemplateBook.load()
    now = timezone.now()
    rows: list[Message] = []
    errors: dict[int, str] = {}
    for event in planned:
        try:
            rule = EVENT_MESSAGES[event.kind]
            dispute = disputes[event.dispute_id]
            rows += message_rows(dispute=dispute, event=event, template=rule.template,
                                 recipients=party_recipients(dispute, rule.sides),
                                 context=_event_context(event, dispute, organizations),
                                 book=book, now=now)
        except Exception as exc:  # a bug for one event must not hold back the others
            errors[event.pk] = f"messages: {type(exc).__name__}: {exc}"[:2000]
    insert_once(rows)
    return errors
