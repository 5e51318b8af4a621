"""The event log: one row per change, append-only and hash-chained; also the outbox.

Each event stores the hash of its dispute's previous event, and the dispute stores the
newest hash and sequence number, so an altered, removed or re-ordered event is found by
`verify_chain` (`manage.py verify_events`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


def event_hash(
    *,
    dispute_id: int,
    seq: int,
    kind: str,
    actor_id: int | None,
    from_state: str,
    to_state: str,
    payload: dict[str, Any],
    occurred_on: date,
    recorded_at: datetime,
    prev_hash: str,
) -> str:
    body = json.dumps(
        {
            "dispute": dispute_id,
            "seq": seq,
            "kind": kind,
            "actor": actor_id,
            "from": from_state,
            "to": to_state,
            "payload": payload,
            "occurred_on": occurred_on.isoformat(),
            "recorded_at": recorded_at.astimezone(UTC).isoformat(),
            "prev": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def digest_of(event: DisputeEvent) -> str:
    """The hash an event row must carry, from its own fields."""
    return event_hash(
        dispute_id=event.dispute_id,
        seq=event.seq,
        kind=event.kind,
        actor_id=event.actor_id,
        from_state=event.from_state,
        to_state=event.to_state,
        payload=event.payload,
        occurred_on=event.occurred_on,
        recorded_at=event.recorded_at,
        prev_hash=event.prev_hash,
    )


def record_event(
    *,
    dispute: Dispute,
    kind: str,
    actor: User | None,
    from_state: str,
    to_state: str,
    occurred_on: date,
    payload: dict[str, Any] | None = None,
) -> DisputeEvent:
    """Append one event. The caller holds the dispute's row lock and saves the dispute's
    `event_seq` and `last_event_hash` (listed in `CHAIN_FIELDS`) in the same transaction."""
    seq = dispute.event_seq + 1
    recorded_at = timezone.now()
    event = DisputeEvent(
        dispute=dispute,
        seq=seq,
        kind=kind,
        actor_id=actor.pk if actor is not None else None,
        from_state=from_state,
        to_state=to_state,
        payload=_plain(payload or {}),
        occurred_on=occurred_on,
        recorded_at=recorded_at,
        prev_hash=dispute.last_event_hash,
        next_attempt_at=recorded_at,
    )
    event.hash = digest = digest_of(event)
    event.save(force_insert=True)
    dispute.event_seq = seq
    dispute.last_event_hash = digest
    return event


CHAIN_FIELDS = ["event_seq", "last_event_hash"]


@dataclass(frozen=True)
class ChainProblem:
    dispute_id: int
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else ""
        return f"dispute {self.dispute_id}{where}: {self.problem}"


def verify_chain(dispute: Dispute, events: Iterable[DisputeEvent]) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    prev_hash = ""
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(dispute.pk, event.seq, f"expected sequence {expected_seq}: "
                             "an event was removed or re-ordered")
            )
            expected_seq = event.seq
        if event.prev_hash != prev_hash:
            problems.append(
                ChainProblem(dispute.pk, event.seq, "previous-hash link broken (removed or "
                             "re-ordered event)")
            )
        digest = digest_of(event)
        if digest != event.hash:
            problems.append(ChainProblem(dispute.pk, event.seq, "content altered (hash mismatch)"))
        prev_hash = event.hash
        expected_seq += 1
    if dispute.event_seq != expected_seq - 1 or dispute.last_event_hash != prev_hash:
        problems.append(
            ChainProblem(dispute.pk, None, f"the case records {dispute.event_seq} events but the "
                         f"chain ends at {expected_seq - 1}: the newest events were removed")
        )
    return problems
