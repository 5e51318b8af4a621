"""The short-lived signed token a successful public status look-up hands out, so the
status page can hold a websocket on that one case without an account."""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.core import signing

STATUS_TOKEN_SALT = "disputes.public-status"  # noqa: S105 (a signing namespace, not a secret)


class _Case(Protocol):
    """A case read any way (a Dispute, or the public look-up's plain values)."""

    @property
    def pk(self) -> Any: ...


def status_token(dispute: _Case) -> str:
    return signing.dumps({"d": dispute.pk}, salt=STATUS_TOKEN_SALT)


def dispute_from_status_token(token: str) -> int | None:
    """The case the token was issued for, or None when it is forged or older than
    STATUS_TOKEN_MAX_AGE_SECONDS."""
    try:
        data = signing.loads(token, salt=STATUS_TOKEN_SALT,
                             max_age=settings.STATUS_TOKEN_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return int(data["d"])
