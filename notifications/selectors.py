"""Read-side queries: a case's notification log."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from disputes import access
from disputes.errors import ActionNotPermitted
from disputes.models import Dispute
from notifications.models import Message


def notification_log(dispute: Dispute) -> QuerySet[Message]:
    """Every message the case caused, oldest first: what went to whom, when, through which
    channel, sent or failed (one query)."""
    return (
        Message.objects.filter(dispute=dispute)
        .select_related("user", "party", "event", "reminder")
        .order_by("created_at", "pk")
    )


def notification_log_for(user: User | AnonymousUser, dispute: Dispute) -> QuerySet[Message]:
    """The log as this user may read it: the case's own staff (the roles that contact the
    parties, `access.sees_identifiers`) read all of it, a party the messages addressed to
    them. Anyone else who sees the case (a supervisor, the staff of an earlier tier) is
    refused: ActionNotPermitted (403). The caller has checked that the user sees the case."""
    if access.sees_identifiers(user, dispute):
        return notification_log(dispute)
    if access.party_sides(user, dispute):
        return notification_log(dispute).filter(Q(party__user=user) | Q(user=user))
    raise ActionNotPermitted
