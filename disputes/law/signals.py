"""Signal receivers of the law tables: cache invalidation and period revisions."""

from __future__ import annotations

from typing import Any

from django.db import models

from disputes.law.cache import invalidate_table
from disputes.law.models import StatutoryPeriod, StatutoryPeriodRevision


def law_table_changed(sender: type[models.Model], **kwargs: Any) -> None:
    """Any save or delete of a law row drops the in-memory copies built from its table."""
    invalidate_table(sender._meta.label_lower)


def period_saved(
    sender: type[StatutoryPeriod],
    instance: StatutoryPeriod,
    created: bool,
    raw: bool,
    **kwargs: Any,
) -> None:
    """Keep the history of a statutory period on every save, the admin's included."""
    if raw:
        return
    snapshot = instance.snapshot()
    latest = instance.revisions.order_by("-changed_at", "-id").first()
    if latest is not None and latest.snapshot == snapshot:
        return  # Saved without a change: nothing to record.
    StatutoryPeriodRevision.objects.create(
        period=instance,
        code=instance.code,
        action=(
            StatutoryPeriodRevision.Action.CREATED
            if created
            else StatutoryPeriodRevision.Action.CHANGED
        ),
        snapshot=snapshot,
        reason=instance.revision_reason,
        changed_by=_user_or_none(instance),
    )


def period_deleted(sender: type[StatutoryPeriod], instance: StatutoryPeriod, **kwargs: Any) -> None:
    StatutoryPeriodRevision.objects.create(
        period=None,
        code=instance.code,
        action=StatutoryPeriodRevision.Action.DELETED,
        snapshot=instance.snapshot(),
        reason=instance.revision_reason,
        changed_by=_user_or_none(instance),
    )


def _user_or_none(instance: StatutoryPeriod) -> Any:
    actor = instance.revision_actor
    if actor is None or not actor.is_authenticated:
        return None
    return actor
