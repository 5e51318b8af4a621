"""Signal receivers of the law tables: period revisions (cache invalidation is
`disputes.law.cache.invalidate_on_change`)."""

from __future__ import annotations

from typing import Any

from disputes.law.models import StatutoryPeriod, StatutoryPeriodRevision


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
