"""Cases: the scoped list, the detail with everything a case screen needs, transitions."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from api import describe
from api.detail import dispute_detail_data
from api.filters import DisputeFilter
from api.serializers import (
    LIST_VALUES,
    DisputeDetailSerializer,
    DisputeListSerializer,
    dispute_list_data,
)
from disputes import access, selectors
from disputes.lifecycle import TRANSITIONS
from disputes.models import Dispute, Hearing, MediationAttempt, Party, TribunalMember
from disputes.services import dispute_transition

from ._shared import ErrorSerializer, parse_version

FILTER_PARAMS = frozenset(DisputeFilter.base_filters)


class TransitionMinimalSerializer(serializers.Serializer):
    """A transition's answer under `Prefer: return=minimal`."""

    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    version = serializers.IntegerField()
    outcome = serializers.CharField(allow_blank=True)
    closed_on = serializers.DateField(allow_null=True)
    next_due_on = serializers.DateField(allow_null=True)
    next_due_clock = serializers.CharField(allow_blank=True)


def prefers_minimal(request: Request) -> bool:
    """RFC 7240: `Prefer: return=minimal` (among other preferences, any case)."""
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "return=minimal"
               for item in prefer.split(",") for part in item.split(";")[:1])


def minimal_data(dispute: Dispute) -> dict[str, Any]:
    """TransitionMinimalSerializer's output, from the case row as the transition saved it."""
    return {
        "id": dispute.pk,
        "tracking_number": dispute.tracking_number,
        "status": dispute.status,
        "status_label": str(dispute.get_status_display()),
        "version": dispute.version,
        "outcome": dispute.outcome,
        "closed_on": dispute.closed_on,
        "next_due_on": dispute.next_due_on,
        "next_due_clock": dispute.next_due_clock,
    }


@functools.cache
def list_values(with_updated_at: bool) -> QuerySet[Dispute, dict[str, Any]]:
    """The case list's columns (`LIST_VALUES`), as a queryset the scope, the filters and
    the cursor are applied to: resolved once per process, not once per request. With
    `updated_at` only when the page is ordered by it (the cursor reads it from the last
    row): decoding 50 timestamps with their time zone costs more than the other columns."""
    return Dispute.objects.values(*LIST_VALUES, *(["updated_at"] if with_updated_at else []))


# Everything the detail shows: what each row points to (an attempt's organization, mediator
# and agreement, the record's commission) joined, not prefetched; what the clocks read in
# the orders they need (`selectors.clock_prefetches`).
DETAIL_JOINS = ("organization", "street", "requested_organization", "mediator",
                "arbitration", "arbitration__commission")


def detail_prefetches() -> list[Prefetch | str]:
    return [
        Prefetch("parties", queryset=Party.objects.order_by("side", "pk")),
        "claims", "evidence",
        *selectors.clock_prefetches(MediationAttempt.objects.select_related(
            "organization", "mediator", "agreement")),
        "mediation_attempts__sessions",
        Prefetch("arbitration__tribunal",
                 queryset=TribunalMember.objects.select_related("arbitrator")),
        Prefetch("arbitration__hearings", queryset=Hearing.objects.order_by("scheduled_for")),
        "arbitration__awards__items",
    ]


class DisputeCursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-received_on", "-id")


@extend_schema_view(
    list=extend_schema(summary="案件列表", responses={
        200: DisputeListSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer}),
    retrieve=extend_schema(summary="案件详情", responses={
        200: DisputeDetailSerializer, 404: ErrorSerializer}),
)
class DisputeViewSet(viewsets.ReadOnlyModelViewSet):
    """劳动人事争议案件：仅返回当前用户有权查看的案件。"""

    lookup_value_regex = r"[0-9]+"
    filterset_class = DisputeFilter
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["received_on", "updated_at", "id", "next_due_on"]
    pagination_class = DisputeCursor
    queryset = Dispute.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self) -> QuerySet[Dispute, Any]:
        if self.action == "list":
            # Plain values of the case rows (list() reads the rest in one more query).
            ordering = self.request.query_params.get("ordering", "")
            return access.disputes_for_user(self.request.user,
                                            list_values("updated_at" in ordering))
        return self.case_queryset(access.disputes_for_user(self.request.user))

    def case_queryset(self, scoped: QuerySet[Dispute]) -> QuerySet[Dispute]:
        return scoped.select_related(*DETAIL_JOINS).prefetch_related(*detail_prefetches())

    def filter_queryset(self, queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        if self.action == "list" and not FILTER_PARAMS.intersection(self.request.query_params):
            # No filter asked for: django-filter would build and validate an empty form,
            # then filter nothing. The ordering filter still applies.
            for backend in self.filter_backends:
                if backend is not DjangoFilterBackend:
                    queryset = backend().filter_queryset(self.request, queryset, self)
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self) -> Dispute:
        """The case by its key and the scope (`access.access_dispute`), then its related
        rows: nothing more is read for a case out of scope. A server error (ValueError)
        stays one, not a 404 as in DRF's."""
        dispute = access.access_dispute(self.request.user, int(self.kwargs["pk"]),
                                        Dispute.objects.select_related(*DETAIL_JOINS))
        prefetch_related_objects([dispute], *detail_prefetches())
        return dispute

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return DisputeListSerializer if self.action == "list" else DisputeDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context.setdefault("clocks", {})
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        if "next_due_on" in request.query_params.get("ordering", ""):
            # Soonest deadline first: only cases with a running deadline have a place in it.
            queryset = queryset.filter(next_due_on__isnull=False)
        # The schema's DisputeListSerializer output, built from plain values: the page's
        # case rows, then their parties and clock rows in one query.
        page = self.paginate_queryset(queryset)
        rows: list[dict[str, Any]] = page if page is not None else list(queryset)
        data = dispute_list_data(rows, selectors.page_rows([row["id"] for row in rows]),
                                 today=timezone.localdate())
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(detail_data(request, self.get_object()))

    @extend_schema(
        summary="执行案件流转",
        request=inline_serializer("TransitionInput", fields={
            "version": serializers.IntegerField(required=False, help_text="案件版本（或 If-Match）"),
        }),
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     description="案件版本号，与 version 字段二选一"),
                    OpenApiParameter("Prefer", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     enum=["return=representation", "return=minimal"],
                                     description="return=minimal：只返回案件的状态和新版本号"
                                                 "（RFC 7240），默认返回完整案件详情")],
        responses={200: PolymorphicProxySerializer(
                       component_name="TransitionResult",
                       serializers=[DisputeDetailSerializer, TransitionMinimalSerializer],
                       resource_type_field_name=None),
                   400: ErrorSerializer, 403: ErrorSerializer,
                   404: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)",
            url_name="transition", filter_backends=[], pagination_class=None)
    def transition(self, request: Request, pk: str, name: str) -> Response:
        if name not in TRANSITIONS:
            return Response({"code": "not_found", "detail": "没有这个操作。"},
                            status=status.HTTP_404_NOT_FOUND)
        dispute = access.access_dispute(request.user, int(pk))
        access.require_transition(request.user, dispute, name)  # 403 before any input check
        raw: Any = request.data
        data: dict[str, Any] = dict(raw.items()) if hasattr(raw, "items") else {}
        if hasattr(raw, "getlist"):  # form-encoded: keep repeated fields as lists
            data = {key: (values if len(values) > 1 else values[0])
                    for key, values in raw.lists()}
        version = parse_version(request, data.pop("version", None))
        spec = TRANSITIONS[name]
        unknown = sorted(set(data) - set(spec.form.base_fields))
        if unknown:
            return Response({"code": "invalid", "detail": "提交的内容有误，请按提示修改。",
                             "errors": {key: ["不能设置此字段。"] for key in unknown}},
                            status=status.HTTP_400_BAD_REQUEST)
        moved = dispute_transition(dispute=dispute, actor=request.user, name=name, data=data,
                                   expected_version=version)
        if prefers_minimal(request):
            # For a client that only needs the new state and version (an integration that
            # goes on with the next step): no case read after the change.
            response = Response(minimal_data(moved))
            response["Preference-Applied"] = "return=minimal"
            response["Vary"] = "Prefer"
            return response
        # The answer describes the case as the action left it, even when the action moved it
        # out of the actor's scope (a clerk routing it to another center): identifiers are
        # then masked and no further transition is offered.
        fresh = self.case_queryset(Dispute.objects.all()).get(pk=dispute.pk)
        return Response(detail_data(request, fresh))


def detail_data(request: Request, dispute: Dispute) -> dict[str, Any]:
    """DisputeDetailSerializer's output for a case read by `case_queryset`, built directly
    (api/detail.py; a test holds the two equal)."""
    user = request.user
    sees = access.sees_identifiers(user, dispute)
    return dispute_detail_data(
        dispute, user_id=user.pk, sees_identifiers=sees,
        clocks=selectors.dispute_clocks(dispute),
        available_transitions=describe.available(user, dispute),
        notices=selectors.case_notices(dispute) if sees else [],
    )
