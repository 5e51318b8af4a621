"""Sending pending messages: SMS through the SMS backend, e-mail through EMAIL_BACKEND.

Like the event outbox, a pass claims due rows inside one transaction
(`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL) and holds their locks until it has
recorded each outcome, so two workers never send the same row. A worker that dies in the
middle rolls back: the rows it had not recorded are pending again and are sent again, with
the same reference (SMS) or Message-ID (e-mail), which a deduplicating gateway or mail
system uses to drop the repeat. Delivery is therefore at least once per row, and there is
exactly one row per (cause, recipient, channel).

A failure counts an attempt and waits `MESSAGE_RETRY_BASE_SECONDS * 2**(attempts-1)` (at
most `MESSAGE_RETRY_MAX_SECONDS`); after `MESSAGE_MAX_ATTEMPTS` the message is failed, and
staff may send it again from the admin. After one failure, the other messages of the same
channel in the batch are not tried in this pass (the gateway is most likely down): they
wait as long as the failed one, without an attempt counted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from disputes.identifiers import mask_phone
from notifications.mail import mask_email, send_email
from notifications.models import Channel, Message
from notifications.sms import SmsBackend, get_sms_backend

log = logging.getLogger(__name__)

Status = Message.Status


def message_retry_delay(attempts: int) -> dt.timedelta:
    seconds = settings.MESSAGE_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.MESSAGE_RETRY_MAX_SECONDS))


def due_messages(now: dt.datetime) -> QuerySet[Message]:
    return Message.objects.filter(status=Status.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    )


def masked(address: str) -> str:
    return mask_email(address) if "@" in address else mask_phone(address)


def _send(message: Message, sms: SmsBackend | None, mail: object) -> None:
    if message.channel == Channel.SMS:
        assert sms is not None
        sms.send(phone=message.address, text=message.body, reference=str(message.pk))
    elif message.channel == Channel.EMAIL:
        send_email(message_pk=message.pk, address=message.address, subject=message.subject,
                   body=message.body, connection=mail)  # type: ignore[arg-type]
    else:  # web notices are delivered by being stored
        return


def deliver_due_messages(*, limit: int | None = None) -> int:
    """One pass: claim up to `limit` due messages, send them, record the outcome. Returns
    how many were claimed."""
    now = timezone.now()
    if not due_messages(now).exists():
        return 0
    limit = limit or settings.MESSAGE_BATCH_SIZE
    with transaction.atomic():
        claim = due_messages(now).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            claim = claim.select_for_update(skip_locked=True)
        messages = list(claim[:limit])
        if not messages:
            return 0
        sms = get_sms_backend() if any(m.channel == Channel.SMS for m in messages) else None
        mail = get_connection() if any(m.channel == Channel.EMAIL for m in messages) else None
        broken: dict[str, dt.datetime] = {}  # channel -> when its failed message retries
        for message in messages:
            if message.channel in broken:
                message.next_attempt_at = broken[message.channel]
                message.save(update_fields=["next_attempt_at"])
                continue
            try:
                _send(message, sms, mail)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}".replace(message.address,
                                                               masked(message.address))
                _failed(message, error[:2000], timezone.now())
                if message.status == Status.PENDING and message.next_attempt_at is not None:
                    broken[message.channel] = message.next_attempt_at
            else:
                _sent(message, timezone.now())
    return len(messages)


def _sent(message: Message, now: dt.datetime) -> None:
    message.attempts += 1
    message.status = Status.SENT
    message.sent_at = now
    message.error = ""
    message.save(update_fields=["attempts", "status", "sent_at", "error"])


def _failed(message: Message, error: str, now: dt.datetime) -> None:
    message.attempts += 1
    message.error = error
    if message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        message.status = Status.FAILED
        log.error("messages: %s %s to %s failed after %s attempts: %s", message.channel,
                  message.pk, masked(message.address), message.attempts, error)
    else:
        message.next_attempt_at = now + message_retry_delay(message.attempts)
        log.warning("messages: %s %s to %s attempt %s failed: %s", message.channel,
                    message.pk, masked(message.address), message.attempts, error)
    message.save(update_fields=["attempts", "status", "error", "next_attempt_at"])


def deliver_all_due_messages() -> int:
    total = 0
    while claimed := deliver_due_messages():
        total += claimed
    return total


def retry_failed(messages: Iterable[Message]) -> int:
    """Staff send failed messages again (admin action): pending, due now, attempts from 0.
    Web notices and rows whose template failed to render are not retried by this."""
    ids = [m.pk for m in messages]
    return Message.objects.filter(
        pk__in=ids, status=Status.FAILED, channel__in=[Channel.SMS, Channel.EMAIL],
        attempts__gt=0,
    ).update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), error="")
