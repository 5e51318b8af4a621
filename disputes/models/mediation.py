"""Mediation: attempts by each organization, their sessions and agreements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models.case import Dispute, Tier, amount_validators
from mediation.models import Organization


class MediationAttempt(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", _("进行中")
        AGREEMENT = "agreement", _("达成协议")
        FAILURE = "failure", _("调解不成")
        ABANDONED = "abandoned", _("未结束即转出/撤回")

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="mediation_attempts"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="mediation_attempts"
    )
    tier = models.CharField(_("调解层级"), max_length=20, choices=Tier.choices)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("调解员"),
    )
    received_on = models.DateField(_("受理日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    result = models.CharField(
        _("结果"), max_length=16, choices=Result.choices, default=Result.PENDING
    )
    failure_reason = models.TextField(_("调解不成原因"), blank=True)

    class Meta:
        verbose_name = _("调解")
        verbose_name_plural = _("调解")
        ordering = ["dispute", "received_on", "pk"]
        indexes = [
            models.Index(fields=["organization", "result"]),
            # The list scope's history clause: this organization's cases, found per case.
            models.Index(fields=["organization", "dispute"]),
        ]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.get_tier_display()}"


class MediationSession(models.Model):
    attempt = models.ForeignKey(MediationAttempt, on_delete=models.CASCADE, related_name="sessions")
    scheduled_for = models.DateTimeField(_("调解时间"))
    location = models.CharField(_("地点"), max_length=200)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("调解会")
        verbose_name_plural = _("调解会")
        ordering = ["scheduled_for"]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.scheduled_for:%Y-%m-%d %H:%M}"


class Agreement(models.Model):
    """A mediation agreement (调解协议书) or, at the commission, a mediation statement (调解书)."""

    attempt = models.OneToOneField(
        MediationAttempt, on_delete=models.CASCADE, related_name="agreement"
    )
    terms = models.TextField(_("协议内容"))
    total_amount = models.DecimalField(
        _("协议金额（元）"), max_digits=12, decimal_places=2, validators=amount_validators
    )
    signed_on = models.DateField(_("签订日期"))
    performance_due = models.DateField(_("履行期限"), null=True, blank=True)
    performed = models.BooleanField(_("已履行"), null=True, blank=True)
    performed_on = models.DateField(_("履行日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")

    def __str__(self) -> str:
        return f"{self.attempt} · {self.total_amount}"
