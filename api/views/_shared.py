from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    # {field: [messages]}, nested for nested input: {"parties": [{"name": [...]}, ...]}.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(), required=False)


def parse_version(request: Request, field: Any) -> int:
    """The version the client based its request on: `If-Match` header or `version` field.
    Required: a transition without it could overwrite a change the client never saw."""
    raw = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    if not raw and field not in (None, ""):
        raw = str(field)
    if not raw:
        raise ValidationError({"version": ["请提供案件版本号（version 字段或 If-Match 请求头）。"]})
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValidationError({"version": ["版本号须为整数。"]}) from exc
    if value < 1:
        raise ValidationError({"version": ["版本号须为正整数。"]})
    return value
