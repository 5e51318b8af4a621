"""The public status look-up: tracking number + access code in the body, never the URL.

An unknown number and a wrong code get the same answer. Failures count per tracking
number and per client address; past the limit both answer 429 until the lockout ends.
"""

from __future__ import annotations

from django.db.models import QuerySet
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
from api.lookup import client_address, lookup_by_code
from api.serializers import ClockSerializer, StrictSerializer, clock_data, english
from disputes import selectors
from disputes.identifiers import mask_name
from disputes.models import ArbitrationRecord, Dispute, Party
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
                                 client_address(request), queryset=status_cases())
        if outcome.dispute is not None:
            return Response(public_status(outcome.dispute))
        if outcome.locked_until is not None:
            return throttled(outcome.locked_until)
        return Response({"code": "not_found", "detail": NO_MATCH},
                        status=status.HTTP_404_NOT_FOUND)


def status_cases() -> QuerySet[Dispute]:
    """The look-up's one read of the case, with its organization and its arbitration
    record (for the clocks)."""
    return Dispute.objects.select_related("organization", "arbitration").only(
        "tracking_number", "access_code_hash", "status", "outcome", "received_on", "closed_on",
        "organization__name", *(f"arbitration__{name}" for name in ARBITRATION_CLOCK_FIELDS))


# What the clocks read of an arbitration record (selectors.RecordClockFields).
ARBITRATION_CLOCK_FIELDS = (
    "dispute_id", "applied_on", "accepted_on", "application_served_on", "defence_received_on",
    "tribunal_formed_on", "award_clock_started_on", "extension_days",
)


def public_status(dispute: Dispute) -> dict[str, object]:
    """The answer for a case read by `status_cases()` (any other read works too, at the
    cost of a query or two more): its parties and clock rows come in one query
    (`selectors.page_rows`), its timeline in another."""
    try:
        record: ArbitrationRecord | None = dispute.arbitration
    except ArbitrationRecord.DoesNotExist:
        record = None
    rows = selectors.page_rows([dispute.pk])[dispute.pk]
    # Parties come in (side, pk) order: the first applicant's name is the first one's.
    applicant = next((name for side, _kind, name in rows.parties if side == Party.Side.APPLICANT),
                     "")
    words = plain_state(dispute.status, dispute.outcome)
    events = list(dispute.events.order_by("seq").values_list("seq", "kind", "occurred_on"))
    in_english = english()
    clocks = selectors.page_clocks(dispute, record, rows, today=timezone.localdate())
    return {
        "tracking_number": dispute.tracking_number,
        "status": dispute.status,
        "status_label": dispute.get_status_display(),
        "now": words.now,
        "next": words.next,
        "received_on": dispute.received_on,
        "organization": dispute.organization.name,
        "applicant": mask_name(applicant) if applicant else "",
        "clocks": [clock_data(reading, in_english) for reading in clocks],
        "timeline": [{"seq": seq, "label": event_label(kind), "occurred_on": occurred_on}
                     for seq, kind, occurred_on in events],
        "last_seq": events[-1][0] if events else 0,
        "status_token": status_token(dispute),
    }


def throttled(until: guards.dt.datetime) -> Response:
    seconds = guards.retry_after_seconds(until)
    response = Response({"code": "throttled",
                         "detail": f"查询失败次数过多，请 {max(1, (seconds + 59) // 60)} 分钟后再试。"},
                        status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(seconds)
    return response
