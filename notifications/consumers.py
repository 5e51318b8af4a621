"""Websockets for live screens: a case, an organization's queue, the bureau's dashboard.

Every connection passes the access policy before it joins a group; a refused one is
accepted and closed at once with code 4403 (a browser sees a close code only after the
handshake). The server sends `{"type": "event", ...}` records (see `groups.event_record`:
ids, sequence, kind, label, new state, date; no personal data).

The case channel never has a gap or a duplicate. The client says where it is, with
`?after=<seq>` or `{"type": "resume", "after": <seq>}`, and gets every event after it
from the database in order, then `{"type": "replayed", "last_seq": n}`, then live ones.
The consumer remembers the last sequence number it sent: a live event at or below it is a
duplicate (the worker delivers at least once, and the group was joined before the replay
read the database) and is dropped; a live event further ahead than the next one means the
worker delivered out of order, and the missing ones are read from the database first.
Without `after`, the client starts from the case's sequence number at connection.

Queue and dashboard carry events of many cases: their messages are deduplicated by event
id; after a reconnect those screens re-fetch their lists through the REST API. A queue also
receives `{"type": "reminder", ...}` records (deadline warnings and overdue notices, see
`notifications.reminders.reminder_record`), deduplicated by reminder id.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import AnonymousUser, User

from disputes.access import can_view, may_watch_queue, supervised_district_ids
from disputes.models import Dispute, DisputeEvent
from disputes.tokens import dispute_from_status_token
from notifications.groups import (
    case_group,
    dashboard_group,
    event_record,
    queue_group,
)

REFUSED = 4403
RECENT_IDS = 2000  # event ids remembered per connection for deduplication


def may_watch_case(user: User | AnonymousUser, dispute_id: int, token: str) -> bool:
    """Staff in scope and the case's parties (session), or the holder of the status token
    that a successful public look-up of this very case returned."""
    if token and dispute_from_status_token(token) == dispute_id:
        return True
    dispute = Dispute.objects.filter(pk=dispute_id).first()
    if dispute is None:
        return False
    return can_view(user, dispute)


def events_after(dispute_id: int, after: int, upto: int | None = None) -> list[dict[str, Any]]:
    events = DisputeEvent.objects.filter(dispute_id=dispute_id, seq__gt=after)
    if upto is not None:
        events = events.filter(seq__lte=upto)
    tracking_number = (
        Dispute.objects.filter(pk=dispute_id).values_list("tracking_number", flat=True).get()
    )
    return [event_record(e, tracking_number) for e in events.order_by("seq")]


def case_event_seq(dispute_id: int) -> int:
    return Dispute.objects.filter(pk=dispute_id).values_list("event_seq", flat=True).get()


def _query(scope: dict[str, Any]) -> dict[str, str]:
    raw = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return {key: values[-1] for key, values in raw.items()}


def _sequence_number(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value >= 0 else None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Join groups after the access check; leave them on disconnect."""

    joined: list[str]

    async def join(self, groups: list[str]) -> None:
        self.joined = []
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)

    async def refuse(self) -> None:
        await self.accept()
        await self.close(code=REFUSED)

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)


class CaseConsumer(LiveConsumer):
    """ws/cases/<id>/: one case's events, in sequence order, replayable."""

    dispute_id: int
    last_seq: int

    async def connect(self) -> None:
        self.dispute_id = int(self.scope["url_route"]["kwargs"]["dispute_id"])
        query = _query(self.scope)
        allowed = await database_sync_to_async(may_watch_case)(
            self.scope["user"], self.dispute_id, query.get("token", "")
        )
        if not allowed:
            await self.refuse()
            return
        # Join first, read the database second: nothing committed in between is missed.
        await self.join([case_group(self.dispute_id)])
        await self.accept()
        after = _sequence_number(query.get("after"))
        if after is None:
            self.last_seq = await database_sync_to_async(case_event_seq)(self.dispute_id)
        else:
            await self.replay(after)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        after = _sequence_number(content.get("after")) if isinstance(content, dict) else None
        if not isinstance(content, dict) or content.get("type") != "resume" or after is None:
            await self.send_json({"type": "error", "code": "bad_message",
                                  "detail": '期望 {"type": "resume", "after": <序号>}'})
            return
        await self.replay(after)

    async def replay(self, after: int) -> None:
        records = await database_sync_to_async(events_after)(self.dispute_id, after)
        for record in records:
            await self.send_json({"type": "event", **record})
        self.last_seq = records[-1]["seq"] if records else after
        await self.send_json({"type": "replayed", "last_seq": self.last_seq})

    async def dispute_event(self, message: dict[str, Any]) -> None:
        record = message["event"]
        seq = record["seq"]
        if seq <= self.last_seq:
            return  # already sent (replayed, or delivered again by the worker)
        if seq > self.last_seq + 1:
            # An earlier event is late (its delivery is being retried): it is committed
            # (sequence numbers are given under the case's row lock), so read it now.
            missing = await database_sync_to_async(events_after)(
                self.dispute_id, self.last_seq, seq
            )
            for earlier in missing:
                await self.send_json({"type": "event", **earlier})
            self.last_seq = seq
            return
        await self.send_json({"type": "event", **record})
        self.last_seq = seq


class FeedConsumer(LiveConsumer):
    """Events of many cases, and reminders; duplicates dropped by event or reminder id."""

    async def start(self, groups: list[str]) -> None:
        self.recent: deque[tuple[str, int]] = deque(maxlen=RECENT_IDS)
        self.seen: set[tuple[str, int]] = set()
        await self.join(groups)
        await self.accept()

    def first_time(self, key: tuple[str, int]) -> bool:
        if key in self.seen:
            return False
        if len(self.recent) == self.recent.maxlen:
            self.seen.discard(self.recent[0])
        self.recent.append(key)
        self.seen.add(key)
        return True

    async def dispute_event(self, message: dict[str, Any]) -> None:
        record = message["event"]
        if self.first_time(("event", record["id"])):
            await self.send_json({"type": "event", **record})

    async def dispute_reminder(self, message: dict[str, Any]) -> None:
        record = message["reminder"]
        if self.first_time(("reminder", record["id"])):
            await self.send_json({"type": "reminder", **record})


class QueueConsumer(FeedConsumer):
    """ws/queue/<organization id>/: the organization's active staff."""

    async def connect(self) -> None:
        organization_id = int(self.scope["url_route"]["kwargs"]["organization_id"])
        allowed = await database_sync_to_async(may_watch_queue)(self.scope["user"],
                                                                organization_id)
        if not allowed:
            await self.refuse()
            return
        await self.start([queue_group(organization_id)])


class DashboardConsumer(FeedConsumer):
    """ws/dashboard/: supervisors, for every district they supervise."""

    async def connect(self) -> None:
        districts = await database_sync_to_async(supervised_district_ids)(self.scope["user"])
        if not districts:
            await self.refuse()
            return
        await self.start([dashboard_group(d) for d in sorted(districts)])
