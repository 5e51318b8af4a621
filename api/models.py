"""Rows the API keeps for itself: idempotent submissions and failure counters.

Both live in the database, not in a per-process cache, so they hold across several web
processes and survive restarts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotentRequest(models.Model):
    """The first answer to a request sent with an `Idempotency-Key`, replayed on retries.

    Kept for `IDEMPOTENCY_TTL_HOURS`; the stored body may hold an access code, so it is
    bound to the user who sent it and expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("幂等键"), max_length=100)
    scope = models.CharField(_("接口"), max_length=60)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等请求")
        verbose_name_plural = _("幂等请求")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_once"),
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class FailureCounter(models.Model):
    """Failed attempts under one key (a login name, a tracking number, a client address)
    within a window; `locked_until` is set when the limit is reached."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("失败计数")
        verbose_name_plural = _("失败计数")

    def __str__(self) -> str:
        return self.key
