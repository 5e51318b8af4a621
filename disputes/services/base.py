"""The shape every transition service shares (STYLE.md habits 2-5).

In one transaction: lock the case row, check the version the client saw, check the
actor's permission, call the `@transition` method, write the related rows, save the case
with `update_fields`, and append one event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django_fsm import TransitionNotAllowed, can_proceed

from disputes import access
from disputes.errors import StaleVersion
from disputes.events import CHAIN_FIELDS, record_event
from disputes.models import Dispute, Hearing, Status
from disputes.selectors import next_due


@dataclass
class Effect:
    """What a transition did, for the event row and the save."""

    occurred_on: date
    payload: dict[str, Any] = field(default_factory=dict)
    update_fields: list[str] = field(default_factory=list)


# Tests use this hook to widen the race window between lock and write; it must stay a no-op.
after_lock: Callable[[Dispute], None] = lambda dispute: None  # noqa: E731


def lock_dispute(pk: int) -> Dispute:
    # of=("self",): the joined district row must not be locked too, or every transition in
    # a district would wait for every other.
    return Dispute.objects.select_for_update(of=("self",)).select_related("district").get(pk=pk)


def run_transition(
    *,
    dispute: Dispute,
    actor: User,
    name: str,
    expected_version: int | None,
    act: Callable[[Dispute], Effect],
) -> Dispute:
    with transaction.atomic():
        locked = lock_dispute(dispute.pk)
        after_lock(locked)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(
                f"case version is {locked.version}, the request was based on {expected_version}"
            )
        access.require_transition(actor, locked, name)
        from_state, from_organization = locked.status, locked.organization_id
        method = getattr(locked, name)
        # Refuse before anything reads or writes related rows; the method checks again.
        if not can_proceed(method):
            raise TransitionNotAllowed(
                f"「{name}」不能在状态「{locked.get_status_display()}」下执行", object=locked,
                method=method,
            )
        effect = act(locked)  # calls the @transition method; TransitionNotAllowed rolls back
        locked.version += 1
        payload = effect.payload
        if locked.organization_id != from_organization:
            # The queue the case leaves hears about it too (notifications.groups.groups_for).
            payload = {**payload, "from_organization": from_organization}
        record_event(
            dispute=locked,
            kind=name,
            actor=actor,
            from_state=from_state,
            to_state=locked.status,
            occurred_on=effect.occurred_on,
            payload=payload,
        )
        locked.save(
            update_fields=[
                "status", "version", "updated_at", *CHAIN_FIELDS, *effect.update_fields
            ]
        )
        if locked.status == Status.CLOSED and from_state != Status.CLOSED:
            # A hearing not held when the case closes will not be: off the calendar, no
            # reminders to the parties.
            Hearing.objects.filter(record__dispute=locked, state=Hearing.State.SCHEDULED).update(
                state=Hearing.State.CANCELLED)
        refresh_next_due(locked)
    # The transition may have changed who acts on the case (parties, tribunal).
    access.forget_access_answers(locked)
    return locked


def refresh_next_due(dispute: Dispute) -> None:
    """Recompute the case's earliest running deadline. The case row is the one just saved;
    its related rows are read again (the transition may have written them), lazily, only
    where a clock needs them."""
    dispute._state.fields_cache.pop("arbitration", None)
    getattr(dispute, "_prefetched_objects_cache", {}).clear()
    due_on, clock = next_due(dispute)
    if (due_on, clock) != (dispute.next_due_on, dispute.next_due_clock):
        Dispute.objects.filter(pk=dispute.pk).update(next_due_on=due_on, next_due_clock=clock)
        dispute.next_due_on, dispute.next_due_clock = due_on, clock
