"""Token login for API clients, with lockout after repeated failures."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import guards
from api.serializers import StrictSerializer

from ._shared import ErrorSerializer

log = logging.getLogger(__name__)


class CredentialsSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False,
                                     style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


def login_key(username: str) -> str:
    return f"login:{username.strip().lower()}"


# An error report (the 500 page, an e-mailed traceback) shows the password as stars.
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class ObtainTokenView(APIView):
    """用户名和密码换取 API 令牌；连续失败后账号暂时锁定。"""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes: list[type] = []

    @extend_schema(summary="获取 API 令牌", request=CredentialsSerializer,
                   responses={200: TokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer})
    def post(self, request: Request) -> Response:
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        key = login_key(username)
        attempt = guards.begin_attempt(key, guards.login_limit())
        if not attempt.allowed:
            assert attempt.locked_until is not None
            return locked_response(attempt.locked_until)
        user = authenticate(request._request, username=username,
                            password=serializer.validated_data["password"])
        if user is None or not user.is_active:
            log.info("token login failed (lockout %s)",
                     "started" if attempt.locked_until else "not yet")
            if attempt.locked_until is not None:
                return locked_response(attempt.locked_until)
            return Response({"code": "invalid_credentials", "detail": "用户名或密码不正确。"},
                            status=status.HTTP_400_BAD_REQUEST)
        guards.clear(key)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def locked_response(until: guards.dt.datetime) -> Response:
    seconds = guards.retry_after_seconds(until)
    minutes = max(1, (seconds + 59) // 60)
    response = Response(
        {"code": "locked", "detail": f"登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试。"},
        status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(seconds)
    return response
