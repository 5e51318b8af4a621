"""One error shape for every answer that is not a success:

    {"code": "...", "detail": "中文说明", "errors": {"field": ["..."]}}   (errors: 400 only)

404 for anything outside the user's scope (never 403 about a case they may not see),
409 when the state does not allow a transition now or the case changed since it was read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_fsm import TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from disputes.errors import ActionNotPermitted, NotInScope, StaleVersion, UnknownTransition

INVALID = "提交的内容有误，请按提示修改。"
NOT_FOUND = "未找到，或您无权查看。"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "案件状态已变化，请刷新后重试。"
    default_code = "conflict"


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if key == "__all__" else key): [
                str(m) for e in errors for m in DjangoValidationError(e).messages
            ]
            for key, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def _flatten(data: Any) -> dict[str, Any]:
    if isinstance(data, dict):
        return data
    return {"non_field_errors": data if isinstance(data, list) else [data]}


def body(code: str, detail: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"code": code, "detail": detail}
    if errors is not None:
        result["errors"] = errors
    return result


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, NotInScope | UnknownTransition | Http404):
        return Response(body("not_found", NOT_FOUND), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, ActionNotPermitted):
        return Response(body("not_permitted", "您不能对本案执行此操作。"),
                        status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, StaleVersion):
        return Response(body("stale_version", "案件已被他人更新，请刷新后重试。"),
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TransitionNotAllowed):
        return Response(body("transition_not_allowed", "案件当前状态不允许此操作。"),
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(body("invalid", INVALID, field_errors(exc)),
                        status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = body("invalid", INVALID, _flatten(exc.detail))
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        response.data = body(str(code), str(detail))
    return response


def not_found(request: Any, exception: Exception | None = None) -> Any:
    """handler404: the API's JSON error under /api/, Django's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(body("not_found", NOT_FOUND), status=404,
                            json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception or Http404())
