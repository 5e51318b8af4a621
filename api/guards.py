"""Failure counting for login lockout and the public look-up throttle.

Counters live in the database (`FailureCounter`), so every web process sees the same count
and a restart does not reset a lockout. Keys name what is counted, never a password or an
access code: `login:<username>`, `lookup-case:<tracking number>`, `lookup-client:<address>`.

Logins count each attempt before the password is checked (`begin_attempt`), so parallel
guesses cannot outrun the lockout; the public look-up counts failures after the fact
(`record_failure`): its 60-bit access codes make a burst of parallel guesses worthless, and
a look-up that succeeds must stay cheap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from api.models import FailureCounter


@dataclass(frozen=True)
class Limit:
    failures: int
    window: dt.timedelta
    lockout: dt.timedelta


def login_limit() -> Limit:
    minutes = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return Limit(settings.LOGIN_MAX_FAILURES, minutes, minutes)


def lookup_case_limit() -> Limit:
    minutes = dt.timedelta(minutes=settings.STATUS_LOOKUP_LOCKOUT_MINUTES)
    return Limit(settings.STATUS_LOOKUP_MAX_FAILURES_PER_CASE, minutes, minutes)


def lookup_client_limit() -> Limit:
    minutes = dt.timedelta(minutes=settings.STATUS_LOOKUP_LOCKOUT_MINUTES)
    return Limit(settings.STATUS_LOOKUP_MAX_FAILURES_PER_CLIENT, minutes, minutes)


def locked_until(*keys: str) -> dt.datetime | None:
    """When the last of the keys' lockouts ends, or None when none is locked (one query)."""
    until: dt.datetime | None = FailureCounter.objects.filter(
        key__in=keys, locked_until__gt=timezone.now()
    ).aggregate(until=Max("locked_until"))["until"]
    return until


def retry_after_seconds(until: dt.datetime) -> int:
    return max(1, int((until - timezone.now()).total_seconds()) + 1)


@dataclass(frozen=True)
class Attempt:
    allowed: bool
    # When refused: the lockout's end. When allowed: set if this attempt reached the limit
    # (it locks the key unless it succeeds and is cleared).
    locked_until: dt.datetime | None


def begin_attempt(key: str, limit: Limit) -> Attempt:
    """Count an attempt before it is checked, under the counter's row lock, so that guesses
    sent in parallel cannot all pass a lock check made before any of them failed. A locked
    key refuses without counting; a successful attempt is forgotten with `clear`."""
    now = timezone.now()
    with transaction.atomic():
        counter, _ = FailureCounter.objects.select_for_update().get_or_create(
            key=key, defaults={"window_started_at": now}
        )
        if counter.locked_until is not None and counter.locked_until > now:
            return Attempt(allowed=False, locked_until=counter.locked_until)
        _count(counter, limit, now)
        return Attempt(allowed=True, locked_until=counter.locked_until)


def _count(counter: FailureCounter, limit: Limit, now: dt.datetime) -> None:
    if counter.window_started_at + limit.window <= now and (
        counter.locked_until is None or counter.locked_until <= now
    ):
        counter.failures = 0
        counter.window_started_at = now
        counter.locked_until = None
    counter.failures += 1
    if counter.failures >= limit.failures:
        counter.locked_until = now + limit.lockout
    counter.save(update_fields=["failures", "window_started_at", "locked_until"])


def record_failure(key: str, limit: Limit) -> dt.datetime | None:
    """Count one failure; returns the lockout end once the limit is reached."""
    now = timezone.now()
    with transaction.atomic():
        counter, _ = FailureCounter.objects.select_for_update().get_or_create(
            key=key, defaults={"window_started_at": now}
        )
        _count(counter, limit, now)
        return counter.locked_until


def clear(key: str) -> None:
    FailureCounter.objects.filter(key=key).delete()
