"""The directory of mediation organizations and the nearest mediation points."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ModelSerializer, StreetRefSerializer
from disputes import access
from disputes.errors import NotInScope
from disputes.models import TERMINAL, Dispute
from mediation.models import Organization
from mediation.selectors import nearest_service_points

from ._shared import ErrorSerializer


class OrganizationSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    streets = StreetRefSerializer(many=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "kind_label", "address", "phone",
                  "latitude", "longitude", "streets", "enterprise_name"]


@extend_schema(responses={200: OrganizationSerializer(many=True), 400: ErrorSerializer})
class OrganizationList(generics.ListAPIView):
    """调解组织名录及其管辖街道（公开）。"""

    permission_classes = [AllowAny]
    # Public and the same for everyone: a stale token must not turn it into a 401.
    authentication_classes: list[type] = []
    serializer_class = OrganizationSerializer
    pagination_class = None
    filterset_fields = ["kind", "streets"]

    def get_queryset(self) -> QuerySet[Organization]:
        return (Organization.objects.filter(is_active=True)
                .exclude(kind=Organization.Kind.HR_BUREAU)
                .prefetch_related("streets").order_by("kind", "name"))


class LocationSerializer(serializers.Serializer):
    # Floats, not decimals: a phone's position comes with 12 or more decimal places.
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)


class ServicePointSerializer(serializers.Serializer):
    organization = OrganizationSerializer()
    distance_km = serializers.FloatField()
    travel_minutes = serializers.IntegerField()
    within_circle = serializers.BooleanField(help_text="是否在半小时服务圈内")


class NearestPoints(APIView):
    """离某一位置最近的调解点（半小时服务圈）。"""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(summary="最近的调解点", parameters=[LocationSerializer],
                   responses={200: ServicePointSerializer(many=True), 400: ErrorSerializer})
    def get(self, request: Request) -> Response:
        location = LocationSerializer(data=request.query_params)
        location.is_valid(raise_exception=True)
        points = nearest_service_points(location.validated_data["latitude"],
                                        location.validated_data["longitude"],
                                        limit=location.validated_data["limit"])
        return Response(ServicePointSerializer(points, many=True).data)


class OverdueSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    as_of = serializers.DateField()
    total = serializers.IntegerField(help_text="当前超期的未结案件数")
    by_clock = serializers.DictField(child=serializers.IntegerField(),
                                     help_text="按期限类型：acceptance_decision、award 等")
    cases_url = serializers.CharField(help_text="这些案件的列表")


class OrganizationOverdue(APIView):
    """本组织当前超期的案件（逾期未决定受理、超审限未结等），按期限类型计数。
    仅本组织工作人员和本区监督人员可见。"""

    @extend_schema(summary="组织的超期案件", responses={200: OverdueSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        organization = Organization.objects.filter(pk=pk).first()
        user = request.user
        if organization is None or not (
            access.may_watch_queue(user, organization.pk)
            or organization.district_id in access.supervised_district_ids(user)
        ):
            raise NotInScope
        today = timezone.localdate()
        rows = (Dispute.objects.filter(organization=organization, next_due_on__lt=today)
                .exclude(status__in=TERMINAL)
                .values("next_due_clock").annotate(n=Count("id")).order_by("next_due_clock"))
        by_clock = {row["next_due_clock"]: row["n"] for row in rows}
        return Response({
            "organization": organization.pk,
            "as_of": today,
            "total": sum(by_clock.values()),
            "by_clock": by_clock,
            "cases_url": f"{reverse('api:dispute-list')}?organization={organization.pk}&overdue=true",
        })
