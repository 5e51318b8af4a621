"""The public status look-up: tracking number + access code in the body, never the URL.

An unknown number and a wrong code get the same answer. Failures count per tracking
number and per client address; past the limit both answer 429 until the lockout ends.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import guards
from api.lookup import FoundCase, client_address, lookup_by_code
from api.serializers import STATUS_LABELS, ClockSerializer, StrictSerializer, clock_data, english
from disputes import selectors
from disputes.identifiers import mask_name
from disputes.models import Party
from disputes.plain import event_label, plain_state
from disputes.tokens import status_token

from ._shared import ErrorSerializer

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
        outcome = lookup_by_code(lookup.validated_data["tracking_number"],
                                 lookup.validated_data["access_code"],
                                 client_address(request), with_rows=True)
        if outcome.case is not None:
            return Response(public_status(outcome.case))
        if outcome.locked_until is not None:
            return throttled(outcome.locked_until)
        return Response({"code": "not_found", "detail": NO_MATCH},
                        status=status.HTTP_404_NOT_FOUND)


def public_status(case: FoundCase) -> dict[str, object]:
    """The answer for the case a look-up found (its own row, organization and arbitration
    record read with the counters): its parties, clock rows and timeline came with it
    (PostgreSQL) or come in one more query (`selectors.page_rows`)."""
    rows = case.rows if case.rows is not None else selectors.page_rows(
        [case.pk], events=True)[case.pk]
    # Parties come in (side, pk) order: the first applicant's name is the first one's.
    applicant = next((name for side, _kind, name in rows.parties if side == Party.Side.APPLICANT),
                     "")
    words = plain_state(case.status, case.outcome)
    events = rows.events
    in_english = english()
    clocks = selectors.page_clocks(case, case.record, rows, today=timezone.localdate())
    return {
        "tracking_number": case.tracking_number,
        "status": case.status,
        "status_label": str(STATUS_LABELS.get(case.status, case.status)),
        "now": words.now,
        "next": words.next,
        "received_on": case.received_on,
        "organization": case.organization_name,
        "applicant": mask_name(applicant) if applicant else "",
        "clocks": [clock_data(reading, in_english) for reading in clocks],
        "timeline": [{"seq": seq, "label": event_label(kind), "occurred_on": occurred_on}
                     for seq, kind, occurred_on in events],
        "last_seq": events[-1][0] if events else 0,
        "status_token": status_token(case),
    }


def throttled(until: guards.dt.datetime) -> Response:
    seconds = guards.retry_after_seconds(until)
    response = Response({"code": "throttled",
                         "detail": f"查询失败次数过多，请 {max(1, (seconds + 59) // 60)} 分钟后再试。"},
                        status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(seconds)
    return response
