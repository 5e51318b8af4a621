"""Case list filters. They narrow `access.disputes_for_user`, never widen it."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from disputes.models import Channel, Dispute, DisputeType, MediationAttempt, Party, Status, Tier
from mediation.models import Organization, Street


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label="状态")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, method="filter_tier",
                                       label="调解层级（曾经或正在）")
    organization = django_filters.ModelChoiceFilter(queryset=Organization.objects.all(),
                                                    label="办理机构")
    street = django_filters.ModelChoiceFilter(queryset=Street.objects.all(), label="街道")
    dispute_type = django_filters.MultipleChoiceFilter(choices=DisputeType.choices,
                                                       label="争议类型")
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label="申请渠道")
    is_collective = django_filters.BooleanFilter(label="集体争议")
    is_new_employment_form = django_filters.BooleanFilter(label="新就业形态")
    is_migrant_wage = django_filters.BooleanFilter(label="农民工欠薪")
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte",
                                               label="收件日期起")
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte",
                                                label="收件日期止")
    closed_after = django_filters.DateFilter(field_name="closed_on", lookup_expr="gte",
                                             label="结案日期起")
    closed_before = django_filters.DateFilter(field_name="closed_on", lookup_expr="lte",
                                              label="结案日期止")
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           label="已超期（有正在计算的期限已届满）")
    due_before = django_filters.DateFilter(field_name="next_due_on", lookup_expr="lte",
                                           label="最近期限不晚于")
    q = django_filters.CharFilter(method="filter_text", label="查询编号、案号或当事人姓名")

    class Meta:
        model = Dispute
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Dispute], name: str, value: bool | None
                       ) -> QuerySet[Dispute]:
        if value is None:
            return queryset
        overdue = Q(next_due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_tier(self, queryset: QuerySet[Dispute], name: str, value: str) -> QuerySet[Dispute]:
        return queryset.filter(Exists(MediationAttempt.objects.filter(
            dispute=OuterRef("pk"), tier=value)))

    def filter_text(self, queryset: QuerySet[Dispute], name: str, value: str) -> QuerySet[Dispute]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(tracking_number__iexact=text)
            | Q(arbitration__case_number__icontains=text)
            | Q(Exists(Party.objects.filter(dispute=OuterRef("pk"), name__icontains=text)))
        )
