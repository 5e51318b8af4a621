"""Intake: a worker's online application and a clerk's record of a paper application."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.idempotency import idempotent, request_fingerprint
from api.serializers import StrictSerializer
from disputes.errors import ActionNotPermitted
from disputes.models import MAX_AMOUNT, Channel, ClaimType, DisputeType, Party
from disputes.services import Application, ClaimInput, PartyInput, dispute_submit
from mediation.models import MEDIATION_KINDS, District, Organization, Role, Street
from mediation.selectors import active_memberships

from ._shared import ErrorSerializer


class PartyInputSerializer(StrictSerializer):
    side = serializers.ChoiceField(choices=Party.Side.choices, label="当事人地位")
    kind = serializers.ChoiceField(choices=Party.Kind.choices, label="类别")
    name = serializers.CharField(max_length=120, label="姓名/名称")
    id_type = serializers.ChoiceField(choices=Party.IdType.choices, label="证件类型")
    id_number = serializers.CharField(max_length=32, label="证件号码")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_representative = serializers.BooleanField(required=False, default=False)


class ClaimInputSerializer(StrictSerializer):
    item_type = serializers.ChoiceField(choices=ClaimType.choices, label="请求类型")
    description = serializers.CharField(max_length=300, label="请求事项")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0,
                                      max_value=MAX_AMOUNT, required=False, allow_null=True,
                                      label="金额（元）")


class ApplicationSerializer(StrictSerializer):
    """An application as the applicant states it. The case's state, organization, number
    and access code are the engine's to set."""

    dispute_type = serializers.ChoiceField(choices=DisputeType.choices, label="争议类型")
    facts = serializers.CharField(max_length=10000, label="事实与理由")
    parties = PartyInputSerializer(many=True, allow_empty=False,
                                   max_length=200)  # type: ignore[call-arg]
    claims = ClaimInputSerializer(many=True, allow_empty=False,
                                  max_length=50)  # type: ignore[call-arg]
    street = serializers.PrimaryKeyRelatedField(
        queryset=Street.objects.all(), required=False, allow_null=True, label="所在街道")
    requested_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True, kind__in=MEDIATION_KINDS),
        required=False, allow_null=True,
        label="选择的调解组织（不选则直接申请仲裁）")
    is_collective = serializers.BooleanField(required=False, default=False)
    is_new_employment_form = serializers.BooleanField(required=False, default=False)
    is_migrant_wage = serializers.BooleanField(required=False, default=False)
    knew_on = serializers.DateField(required=False, allow_null=True,
                                    label="知道权利被侵害之日")
    employment_ended_on = serializers.DateField(required=False, allow_null=True,
                                                label="劳动关系终止日")


class CounterApplicationSerializer(ApplicationSerializer):
    received_on = serializers.DateField(label="收件日期（纸质申请的实际收件日）")


class IntakeResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    access_code = serializers.CharField(help_text="只显示这一次，请妥善保存")
    status = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


def is_intake_clerk(user: Any) -> bool:
    """An intake clerk of this deployment's district (the service checks it again)."""
    district_id = District.objects.filter(code=settings.DISTRICT_CODE).values_list(
        "pk", flat=True).first()
    return any(m.role == Role.INTAKE_CLERK and m.organization.district_id == district_id
               for m in active_memberships(user))


def _application(data: dict[str, Any], received_on: Any) -> Application:
    district = District.objects.get(code=settings.DISTRICT_CODE)
    return Application(
        district=district,
        dispute_type=data["dispute_type"],
        facts=data["facts"],
        parties=[PartyInput(**p) for p in data["parties"]],
        claims=[ClaimInput(**c) for c in data["claims"]],
        received_on=received_on,
        street=data.get("street"),
        requested_organization=data.get("requested_organization"),
        is_collective=data["is_collective"],
        is_new_employment_form=data["is_new_employment_form"],
        is_migrant_wage=data["is_migrant_wage"],
        knew_on=data.get("knew_on"),
        employment_ended_on=data.get("employment_ended_on"),
    )


class _IntakeView(APIView):
    channel: str = ""
    serializer_class: type[ApplicationSerializer] = ApplicationSerializer

    def post(self, request: Request) -> Response:
        if self.channel == Channel.COUNTER and not is_intake_clerk(request.user):
            raise ActionNotPermitted("only intake clerks record paper applications")

        def work() -> Response:
            serializer = self.serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            received_on = data.get("received_on") or timezone.localdate()
            assert isinstance(request.user, User)  # IsAuthenticated
            result = dispute_submit(actor=request.user, application=_application(data, received_on),
                                    channel=self.channel)
            body = {
                "id": result.dispute.pk,
                "tracking_number": result.dispute.tracking_number,
                "access_code": result.access_code,
                "status": result.dispute.status,
                "warnings": result.warnings,
            }
            return Response(body, status=status.HTTP_201_CREATED)

        return idempotent(request, f"intake-{self.channel}", request_fingerprint(request.data), work)


IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                               description="重试同一申请时使用同一个键，只会生成一个案件")


class OnlineIntakeView(_IntakeView):
    """劳动者网上申请（收件日期为提交当日）。"""

    channel = Channel.ONLINE
    serializer_class = ApplicationSerializer

    @extend_schema(summary="网上申请", request=ApplicationSerializer, parameters=[IDEMPOTENCY],
                   responses={201: IntakeResultSerializer, 400: ErrorSerializer,
                              422: ErrorSerializer})
    def post(self, request: Request) -> Response:
        return super().post(request)


class CounterIntakeView(_IntakeView):
    """立案窗口录入纸质申请，记录实际收件日期。仅限本区立案窗口人员。"""

    channel = Channel.COUNTER
    serializer_class = CounterApplicationSerializer

    @extend_schema(summary="录入纸质申请", request=CounterApplicationSerializer,
                   parameters=[IDEMPOTENCY],
                   responses={201: IntakeResultSerializer, 400: ErrorSerializer,
                              403: ErrorSerializer, 422: ErrorSerializer})
    def post(self, request: Request) -> Response:
        return super().post(request)
