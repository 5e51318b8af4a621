"""The public status look-up: tracking number + access code in the body, never the URL.

An unknown number and a wrong code get the same answer. Failures count per tracking
number and per client address; past the limit both answer 429 until the lockout ends.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api import guards
from api.serializers import ClockSerializer, StrictSerializer
from disputes import selectors
from disputes.identifiers import mask_name
from disputes.models import Dispute
from disputes.plain import event_label, plain_state
from disputes.services.intake import access_code_matches, hash_access_code
from disputes.tokens import status_token

from ._shared import ErrorSerializer

log = logging.getLogger(__name__)

NO_MATCH = "查询编号或查询码不正确。"


class LookupSerializer(StrictSerializer):
    tracking_number = serializers.CharField(max_length=24)
    access_code = serializers.CharField(max_length=32, trim_whitespace=True)


class PublicEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    occurred_on = serializers.DateField()


class PublicStatusSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    now = serializers.CharField(help_text="案件现在的情况")
    next = serializers.CharField(help_text="下一步")
    received_on = serializers.DateField()
    organization = serializers.CharField()
    applicant = serializers.CharField(help_text="申请人（已脱敏）")
    clocks = ClockSerializer(many=True)
    timeline = PublicEventSerializer(many=True)
    last_seq = serializers.IntegerField()
    status_token = serializers.CharField(help_text="状态页实时更新用的短期令牌")


def client_address(request: Request, view: APIView) -> str:
    """The connection's address, or X-Forwarded-For's behind NUM_PROXIES trusted proxies."""
    return BaseThrottle().get_ident(request) or "unknown"


# An error report (the 500 page, an e-mailed traceback) shows the access code as stars.
@method_decorator(sensitive_post_parameters("access_code"), name="dispatch")
class PublicStatusView(APIView):
    """凭查询编号和查询码查询案件进度（无需登录）。"""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(summary="案件进度查询", request=LookupSerializer,
                   responses={200: PublicStatusSerializer, 400: ErrorSerializer,
                              404: ErrorSerializer, 429: ErrorSerializer})
    def post(self, request: Request) -> Response:
        lookup = LookupSerializer(data=request.data)
        lookup.is_valid(raise_exception=True)
        number = lookup.validated_data["tracking_number"].strip().upper()
        code = lookup.validated_data["access_code"]
        case_key = f"lookup-case:{number}"
        client_key = f"lookup-client:{client_address(request, self)}"
        until = guards.locked_until(case_key, client_key)
        if until is not None:
            return throttled(until)
        dispute = (Dispute.objects.select_related("organization")
                   .filter(tracking_number=number).first())
        if dispute is None:
            hash_access_code(code)  # the same work as a wrong code: no timing difference
            matched = False
        else:
            matched = access_code_matches(dispute, code)
        if not matched or dispute is None:
            log.info("status look-up failed")
            untils = [guards.record_failure(case_key, guards.lookup_case_limit()),
                      guards.record_failure(client_key, guards.lookup_client_limit())]
            locked = [u for u in untils if u is not None]
            if locked:
                return throttled(max(locked))
            return Response({"code": "not_found", "detail": NO_MATCH},
                            status=status.HTTP_404_NOT_FOUND)
        guards.clear(case_key)
        return Response(public_status(dispute))


def public_status(dispute: Dispute) -> dict[str, object]:
    full = selectors.with_clock_data(Dispute.objects.filter(pk=dispute.pk)).get()
    words = plain_state(full.status, full.outcome)
    applicant = full.parties.filter(side="applicant").order_by("pk").first()
    events = list(full.events.order_by("seq").values("seq", "kind", "occurred_on"))
    return {
        "tracking_number": full.tracking_number,
        "status": full.status,
        "status_label": full.get_status_display(),
        "now": words.now,
        "next": words.next,
        "received_on": full.received_on,
        "organization": dispute.organization.name,
        "applicant": mask_name(applicant.name) if applicant else "",
        "clocks": ClockSerializer(selectors.dispute_clocks(full, today=timezone.localdate()),
                                  many=True).data,
        "timeline": [{"seq": e["seq"], "label": event_label(e["kind"]),
                      "occurred_on": e["occurred_on"]} for e in events],
        "last_seq": events[-1]["seq"] if events else 0,
        "status_token": status_token(full),
    }


def throttled(until: guards.dt.datetime) -> Response:
    seconds = guards.retry_after_seconds(until)
    response = Response({"code": "throttled",
                         "detail": f"查询失败次数过多，请 {max(1, (seconds + 59) // 60)} 分钟后再试。"},
                        status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(seconds)
    return response
