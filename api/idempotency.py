"""`Idempotency-Key`: a retried request gets the first answer, never a second case.

The key row is inserted in the same transaction as the work. A concurrent retry with the
same key waits on the unique index until the first commits, then reads its answer; if the
first failed, its row rolled back with it and the retry does the work itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import IdempotentRequest

MAX_KEY_LENGTH = 100


def request_fingerprint(data: Any) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def idempotent(request: Request, scope: str, fingerprint: str,
               work: Callable[[], Response]) -> Response:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return work()
    if len(key) > MAX_KEY_LENGTH:
        return Response({"code": "invalid", "detail": "Idempotency-Key 过长（最多 100 个字符）。"},
                        status=status.HTTP_400_BAD_REQUEST)
    user_id = request.user.pk
    assert user_id is not None  # the views using this require authentication
    expiry = timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    IdempotentRequest.objects.filter(user_id=user_id, scope=scope, key=key,
                                     created_at__lt=expiry).delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user_id=user_id, scope=scope, key=key, request_hash=fingerprint)
        except IntegrityError:
            record = None  # the first request with this key has committed: replay it
        if record is not None:
            response = work()
            if response.status_code >= 300:
                # Nothing was created: the client may correct and retry under the same key.
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.body = response.data
            record.save(update_fields=["status_code", "body"])
            return response
    first = IdempotentRequest.objects.get(user_id=user_id, scope=scope, key=key)
    if first.request_hash != fingerprint:
        return Response(
            {"code": "idempotency_key_reused",
             "detail": "此 Idempotency-Key 已用于另一份不同的申请。"},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    replay = Response(first.body, status=first.status_code or status.HTTP_201_CREATED)
    replay["Idempotent-Replayed"] = "true"
    return replay
