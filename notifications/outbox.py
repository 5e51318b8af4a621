"""The outbox worker: delivers DisputeEvent rows to the channel layer (STYLE.md habit 5).

A pass claims due rows inside one transaction and keeps their row locks until the rows are
marked, so two workers never hold the same event: PostgreSQL's
`SELECT ... FOR UPDATE SKIP LOCKED` lets each worker take rows the others do not hold
(SQLite has no row locks but serializes writers, which is the same for one embedded
process). A worker that dies in the middle rolls back: its events are pending again and go
out again. Delivery is therefore at least once; clients drop duplicates by event id (and
the case channel by per-case sequence number).

A failed send counts an attempt and waits `OUTBOX_RETRY_BASE_SECONDS * 2**(attempts-1)`
(at most `OUTBOX_RETRY_MAX_SECONDS`); after `OUTBOX_MAX_ATTEMPTS` the event is parked,
where staff see it in the admin and can send it again.

In the same transaction as the claim, the worker writes the SMS, e-mail and web messages
the events cause (`notifications.messages.plan_event_messages`; unique per event,
recipient and channel, so a second planning adds nothing). They do not wait for the
channel layer: with Redis down the messages are written on the first attempt.

Deadline reminders (`notifications.reminders`) are outbox rows too: the same pass shape
sends them to their organization's queue. The worker loop also sends pending messages
(`notifications.delivery`) and sweeps the clocks every `REMINDER_SWEEP_MINUTES`.

Before it delivers, the loop runs the hooks named in `OUTBOX_BEFORE_DELIVERY` (dotted paths
of functions taking nothing and answering how many rows they handled; by default the
indicator summaries' bounded pass and the start of the background exports' own thread), so
a screen that re-fetches on an event finds it counted; they run on every turn (a hook with
nothing to do makes one or a few small queries), and a turn in which one did something is
followed by another without sleeping.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from disputes.models import Dispute, DisputeEvent
from notifications.delivery import deliver_due_messages, due_messages
from notifications.groups import (
    REMINDER_MESSAGE_TYPE,
    event_record,
    groups_for,
    layer_message,
    queue_group,
)
from notifications.messages import plan_event_messages
from notifications.models import Reminder
from notifications.reminders import reminder_record, sweep_reminders

log = logging.getLogger(__name__)

Delivery = DisputeEvent.Delivery


@dataclass(frozen=True)
class Parcel:
    """One outbox row on its way: the groups it goes to and the message they receive.
    `event_id` is the row's id: an event's, or a reminder's in `deliver_due_reminders`."""

    event_id: int
    groups: list[str]
    message: dict[str, Any]


# A sender takes the claimed parcels and answers {event id: error} for those that failed.
Send = Callable[[list[Parcel]], dict[int, str]]


async def send_parcels(parcels: list[Parcel]) -> dict[int, str]:
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS is not configured"
    timeout = settings.OUTBOX_SEND_TIMEOUT_SECONDS
    errors: dict[int, str] = {}
    failure = ""
    for parcel in parcels:
        if failure:
            # The layer is most likely down: do not wait out a timeout per event.
            errors[parcel.event_id] = f"not sent after an earlier failure ({failure})"[:2000]
            continue
        try:
            for group in parcel.groups:
                await asyncio.wait_for(layer.group_send(group, parcel.message), timeout)
        except Exception as exc:
            failure = f"{type(exc).__name__}: {exc}"[:2000]
            errors[parcel.event_id] = failure
    return errors


def send_in_own_loop(parcels: list[Parcel]) -> dict[int, str]:
    """For the `run_worker` process: a Redis channel layer reaches every web process."""
    return async_to_sync(send_parcels)(parcels)


class LoopSender:
    """For the worker inside the web process: sends on the server's own event loop, the
    only place an in-memory channel layer can reach its consumers."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def __call__(self, parcels: list[Parcel]) -> dict[int, str]:
        future = asyncio.run_coroutine_threadsafe(send_parcels(parcels), self.loop)
        try:
            # A batch stops at its first failure, so it takes at most about one send timeout.
            return future.result(timeout=settings.OUTBOX_SEND_TIMEOUT_SECONDS * 3)
        except Exception as exc:  # the loop is gone or stuck: every parcel failed
            future.cancel()
            return {p.event_id: f"{type(exc).__name__}: {exc}" for p in parcels}


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off after the `attempts`-th failed attempt."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def due_events(now: dt.datetime) -> QuerySet[DisputeEvent]:
    return DisputeEvent.objects.filter(delivery=Delivery.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    )


def parcels_for(events: list[DisputeEvent]) -> list[Parcel]:
    disputes = Dispute.objects.select_related("arbitration").in_bulk(
        {e.dispute_id for e in events}
    )
    parcels = []
    for event in events:
        dispute = disputes[event.dispute_id]
        parcels.append(Parcel(event.pk, groups_for(dispute, event),
                              layer_message(event_record(event, dispute.tracking_number))))
    return parcels


def deliver_due(*, send: Send = send_in_own_loop, limit: int | None = None) -> int:
    """One pass: claim up to `limit` due events, send them, mark them. Returns how many
    were claimed (delivered or not)."""
    now = timezone.now()
    # A cheap look first: on SQLite every transaction takes the write lock.
    if not due_events(now).exists():
        return 0
    limit = limit or settings.OUTBOX_BATCH_SIZE
    with transaction.atomic():
        claim = due_events(now).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            claim = claim.select_for_update(skip_locked=True)
        events = list(claim[:limit])
        if not events:
            return 0
        planning_errors = plan_event_messages(events)
        errors = send(parcels_for(events))
        for event_id, error in planning_errors.items():
            # Planned again on the retry; the live send is repeated, and clients drop it.
            errors[event_id] = f"{errors[event_id]}; {error}" if event_id in errors else error
        _mark(events, errors, now=timezone.now())
    return len(events)


def _mark(events: list[DisputeEvent] | list[Reminder], errors: dict[int, str], *,
          now: dt.datetime) -> None:
    """Record each row's outcome (events and reminders share the outbox fields)."""
    for event in events:
        event.attempts += 1
        error = errors.get(event.pk)
        if error is None:
            event.delivery = Delivery.DELIVERED
            event.delivered_at = now
            event.last_error = ""
        elif event.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            event.delivery = Delivery.PARKED
            event.last_error = error
            log.error("outbox: %s %s parked after %s attempts: %s", _name(event), event.pk,
                      event.attempts, error)
        else:
            event.next_attempt_at = now + retry_delay(event.attempts)
            event.last_error = error
            log.warning("outbox: %s %s attempt %s failed: %s", _name(event), event.pk,
                        event.attempts, error)
        event.save(update_fields=["delivery", "attempts", "delivered_at", "next_attempt_at",
                                  "last_error"])


def _name(row: DisputeEvent | Reminder) -> str:
    return "reminder" if isinstance(row, Reminder) else "event"


def due_reminders(now: dt.datetime) -> QuerySet[Reminder]:
    return Reminder.objects.filter(delivery=Delivery.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    )


def deliver_due_reminders(*, send: Send = send_in_own_loop, limit: int | None = None) -> int:
    """One pass over reminders: each goes to its organization's queue (`org.<id>`) as a
    `dispute.reminder` message; clients drop repeats by reminder id."""
    now = timezone.now()
    if not due_reminders(now).exists():
        return 0
    limit = limit or settings.OUTBOX_BATCH_SIZE
    with transaction.atomic():
        claim = due_reminders(now).select_related("dispute").order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            claim = claim.select_for_update(skip_locked=True, of=("self",))
        reminders = list(claim[:limit])
        if not reminders:
            return 0
        errors = send([
            Parcel(r.pk, [queue_group(r.organization_id)],
                   {"type": REMINDER_MESSAGE_TYPE,
                    "reminder": reminder_record(r, r.dispute.tracking_number)})
            for r in reminders
        ])
        _mark(reminders, errors, now=timezone.now())
    return len(reminders)


def deliver_all_due(*, send: Send = send_in_own_loop) -> int:
    """Event passes until nothing is due. Failed events wait for their back-off, so this
    ends."""
    total = 0
    while claimed := deliver_due(send=send):
        total += claimed
    return total


def work_all_due(*, send: Send = send_in_own_loop) -> int:
    """What `run_worker --once` does: events (which plans their messages), then reminders,
    then messages, each until nothing is due. Returns how many rows were handled."""
    total = deliver_all_due(send=send)
    while claimed := deliver_due_reminders(send=send):
        total += claimed
    while claimed := deliver_due_messages():
        total += claimed
    return total


def _step(name: str, work: Callable[[], int]) -> int:
    try:
        return work()
    except Exception:
        # The database went away, say: drop the broken connection and try again.
        log.exception("worker: %s failed", name)
        close_old_connections()
        return 0


def anything_due(now: dt.datetime) -> bool:
    """Whether any event, reminder or message is due, in one query: what an idle worker
    asks once a poll (on SQLite every statement takes the database's lock)."""
    pending = [due_events(now), due_reminders(now), due_messages(now)]
    first, *rest = [q.order_by().values_list("pk") for q in pending]
    return bool(first.union(*rest, all=True)[:1])


def before_delivery_hooks() -> list[tuple[str, Callable[[], int]]]:
    """The functions of `OUTBOX_BEFORE_DELIVERY`, imported once when the loop starts: a
    path that does not import stops the worker at start, not quietly on every turn."""
    return [(path, import_string(path)) for path in settings.OUTBOX_BEFORE_DELIVERY]


def run_until_stopped(*, stop: threading.Event, send: Send = send_in_own_loop,
                      sweep_at_start: bool = True) -> None:
    """The worker loop: run the `OUTBOX_BEFORE_DELIVERY` hooks, then deliver events,
    reminders and messages when any is due; sweep the clocks every `REMINDER_SWEEP_MINUTES`
    (first at start, or one interval after it with `sweep_at_start=False`), sleep
    `OUTBOX_POLL_MS` when idle, end when `stop` is set (after the pass in progress has
    committed)."""
    poll = settings.OUTBOX_POLL_MS / 1000
    sweep_every = settings.REMINDER_SWEEP_MINUTES * 60
    last_sweep = None if sweep_at_start else time.monotonic()
    hooks = before_delivery_hooks()
    log.info("outbox worker started")
    while not stop.is_set():
        worked = 0
        # Every turn, not only when an event is due: an export requested or a rating given
        # writes no outbox row. Each hook's idle look is one or a few small queries.
        for name, hook in hooks:
            worked += _step(name, hook)
        if _step("outbox check", lambda: int(anything_due(timezone.now()))):
            worked += _step("event delivery", lambda: deliver_due(send=send))
            worked += _step("reminder delivery", lambda: deliver_due_reminders(send=send))
            worked += _step("message delivery", deliver_due_messages)
        if sweep_every and (last_sweep is None or time.monotonic() - last_sweep >= sweep_every):
            # Timed from the start of the sweep, and even after a failed one: a sweep
            # that keeps failing is not retried on every poll.
            last_sweep = time.monotonic()
            worked += _step("reminder sweep", sweep_reminders)
        if worked == 0:
            stop.wait(poll)
    log.info("outbox worker stopped")


def retry_parked(events: Iterable[DisputeEvent]) -> int:
    """Staff send parked events again (admin action): pending, due now, attempts from 0."""
    ids = [e.pk for e in events]
    return DisputeEvent.objects.filter(pk__in=ids, delivery=Delivery.PARKED).update(
        delivery=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
