"""No tables of its own yet: a proxy over the event log for the parked-events admin."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from disputes.models import DisputeEvent


class ParkedEvent(DisputeEvent):
    """Events the worker gave up on after OUTBOX_MAX_ATTEMPTS; staff send them again."""

    class Meta:
        proxy = True
        verbose_name = _("投递失败的事件")
        verbose_name_plural = _("投递失败的事件")
