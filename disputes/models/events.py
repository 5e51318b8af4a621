"""The event log row: audit trail and outbox at once (disputes/events.py writes it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models.case import Dispute


class DisputeEvent(models.Model):
    """One row per change: the audit trail (append-only, hash-chained) and the outbox."""

    class Delivery(models.TextChoices):
        PENDING = "pending", _("待投递")
        DELIVERED = "delivered", _("已投递")
        PARKED = "parked", _("投递失败已搁置")

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("事件"), max_length=48)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    payload = models.JSONField(_("内容"), default=dict)
    occurred_on = models.DateField(_("发生日期"))
    recorded_at = models.DateTimeField(_("记录时间"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # Outbox: a worker claims pending rows and delivers them (STYLE.md habit 5).
    delivery = models.CharField(
        _("投递状态"), max_length=16, choices=Delivery.choices, default=Delivery.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("投递次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        ordering = ["dispute", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "seq"], name="event_seq_unique"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="event_pending_idx",
                condition=models.Q(delivery="pending"),
            ),
            models.Index(fields=["kind", "occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id}#{self.seq} {self.kind}"
