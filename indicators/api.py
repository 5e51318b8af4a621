"""/api/v1/indicators/: the figures for the city's data platform and the dashboard.

Supervisors read their districts, organization staff their organizations; anyone else
signed in gets 403, and a district, organization or street outside the reader's scope 404
(indicators.access). Every figure carries its definition (code, version, text) and the
counts behind the rate; each count links to the cases it counts (`cases/`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.views._shared import ErrorSerializer
from disputes import access as case_access
from disputes.models import ArbitrationRecord, Dispute, DisputeType, Tier
from indicators import drilldown, exports
from indicators.access import access_filters, require_scope
from indicators.definitions import (
    CODES,
    DEFINITIONS,
    Definition,
    Part,
    UnknownDefinition,
    current_definitions,
    default_versions,
    definition,
)
from indicators.figures import BREAKDOWNS, Figure, Filters, Period, breakdown, figures
from indicators.maintenance import catch_up_before_reading
from indicators.report import COLUMNS, MonthlyTable, TableRow, monthly_table
from mediation.models import Organization, Street

MONTH = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"
MAX_MONTHS = 120
BIGINT = 2**63 - 1
FLAG_CHOICES = ["true", "false"]
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# -- input ------------------------------------------------------------------------------------

class ScopeQuery(serializers.Serializer):
    """Which cases count: the reader's scope, narrowed by these."""

    district = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT,
                                        help_text="行政区 id（默认：本人监督的全部行政区）")
    organization = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT,
                                            help_text="组织 id")
    street = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT,
                                      help_text="街道 id")
    tier = serializers.ChoiceField(Tier.choices, required=False, help_text="调解层级")
    dispute_type = serializers.ChoiceField(DisputeType.choices, required=False)
    collective = serializers.ChoiceField(FLAG_CHOICES, required=False, help_text="集体争议")
    new_employment_form = serializers.ChoiceField(FLAG_CHOICES, required=False,
                                                  help_text="新就业形态")
    migrant_wage = serializers.ChoiceField(FLAG_CHOICES, required=False, help_text="农民工欠薪")


class PeriodQuery(ScopeQuery):
    start = serializers.RegexField(MONTH, required=False,
                                   help_text="首月 YYYY-MM（默认：末月所在年的一月）")
    end = serializers.RegexField(MONTH, required=False, help_text="末月 YYYY-MM（默认：本月）")
    versions = serializers.RegexField(
        r"^[a-z_]+=[0-9]{1,3}(,[a-z_]+=[0-9]{1,3})*$", required=False,
        help_text="各指标采用的定义版本，如 mediation_success=2,satisfaction=1（默认：局设定的版本）")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        end = _month(attrs.get("end")) or today.replace(day=1)
        start = _month(attrs.get("start")) or end.replace(month=1)
        if start > end:
            raise serializers.ValidationError({"start": ["首月不能晚于末月。"]})
        if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            raise serializers.ValidationError({"start": [f"期间不能超过 {MAX_MONTHS} 个月。"]})
        attrs["period"] = Period(start, end)
        chosen: dict[str, int] = {}
        for item in filter(None, (attrs.get("versions") or "").split(",")):
            code, _eq, version = item.partition("=")
            try:
                definition(code, int(version))
            except UnknownDefinition as exc:
                raise serializers.ValidationError(
                    {"versions": [f"没有这个指标定义：{code}={version}。"]}) from exc
            chosen[code] = int(version)
        attrs["chosen_versions"] = chosen
        return attrs


class BreakdownQuery(PeriodQuery):
    by = serializers.ChoiceField(BREAKDOWNS, default="month",
                                 help_text="按月份、组织、街道、调解层级或争议类型分列")
    indicator = serializers.ChoiceField(CODES, required=False, help_text="指标（默认：全部）")


class CasesQuery(PeriodQuery):
    indicator = serializers.ChoiceField(CODES, help_text="指标")
    version = serializers.IntegerField(required=False, min_value=1, max_value=999,
                                       help_text="定义版本（默认：局设定的版本）")
    part = serializers.RegexField(r"^[a-z_]{1,40}$", help_text="分子或分母中的一项，如 accepted")
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=500)
    offset = serializers.IntegerField(required=False, default=0, min_value=0,
                                      max_value=1_000_000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        try:
            chosen = definition(attrs["indicator"], attrs.get("version"))
        except UnknownDefinition as exc:
            raise serializers.ValidationError({"version": ["没有这个版本。"]}) from exc
        parts = {p.key: p for p in chosen.parts}
        if attrs["part"] not in parts:
            raise serializers.ValidationError(
                {"part": [f"此指标的组成项为：{', '.join(parts)}。"]})
        attrs["definition"], attrs["the_part"] = chosen, parts[attrs["part"]]
        return attrs


class MonthlyQuery(ScopeQuery):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    help_text="年度（默认：今年）；与 start/end 二选一")
    start = serializers.RegexField(MONTH, required=False, help_text="首月 YYYY-MM")
    end = serializers.RegexField(MONTH, required=False, help_text="末月 YYYY-MM")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "year" in attrs and ("start" in attrs or "end" in attrs):
            raise serializers.ValidationError({"year": ["年度与起止月份只能选一种。"]})
        if "start" in attrs or "end" in attrs:
            attrs["period"] = PeriodQuery(data={k: attrs[k] for k in ("start", "end")
                                                if k in attrs})
            attrs["period"].is_valid(raise_exception=True)
            attrs["period"] = attrs["period"].validated_data["period"]
        else:
            attrs["period"] = Period.year(attrs.get("year") or timezone.localdate().year)
        return attrs


def _month(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    year, month = raw.split("-")
    return dt.date(int(year), int(month), 1)


def flag_value(raw: str | None) -> bool | None:
    return None if raw is None else raw == "true"


def filters_for(request: Request, data: dict[str, Any]) -> Filters:
    return access_filters(
        request.user, district=data.get("district"), organization=data.get("organization"),
        street=data.get("street"), tier=data.get("tier"), dispute_type=data.get("dispute_type"),
        is_collective=flag_value(data.get("collective")),
        is_new_employment_form=flag_value(data.get("new_employment_form")),
        is_migrant_wage=flag_value(data.get("migrant_wage")),
    )


def read(query: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = query(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# -- output -----------------------------------------------------------------------------------

class PeriodOut(serializers.Serializer):
    start = serializers.CharField(help_text="首月 YYYY-MM")
    end = serializers.CharField(help_text="末月 YYYY-MM")


class PartOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.IntegerField()
    cases = serializers.CharField(help_text="这一数字所计的案件（下钻）")


class FigureOut(serializers.Serializer):
    indicator = serializers.CharField()
    version = serializers.IntegerField()
    ref = serializers.CharField(help_text="如 mediation_success.v1")
    name = serializers.CharField()
    definition = serializers.CharField(help_text="定义全文（当前语言）")
    definition_zh = serializers.CharField()
    definition_en = serializers.CharField()
    target = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="目标（%）")
    rate = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True,
                                    help_text="实际（%），截尾保留一位小数；无分母或不适用时为空")
    meets_target = serializers.BooleanField(allow_null=True)
    applicable = serializers.BooleanField(help_text="所选筛选条件是否适用于此指标")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    numerator_parts = PartOut(many=True)
    denominator_parts = PartOut(many=True)


class FiguresOut(serializers.Serializer):
    period = PeriodOut()
    figures = FigureOut(many=True)


class BreakdownRowOut(serializers.Serializer):
    group = serializers.CharField(help_text="月份 YYYY-MM、组织/街道 id、层级或争议类型")
    label = serializers.CharField()  # type: ignore[assignment]
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    meets_target = serializers.BooleanField(allow_null=True)


class BreakdownSeriesOut(serializers.Serializer):
    indicator = serializers.CharField()
    ref = serializers.CharField()
    name = serializers.CharField()
    target = serializers.DecimalField(max_digits=5, decimal_places=1)
    applicable = serializers.BooleanField()
    rows = BreakdownRowOut(many=True)


class BreakdownOut(serializers.Serializer):
    period = PeriodOut()
    by = serializers.CharField()
    series = BreakdownSeriesOut(many=True)


class CaseItemOut(serializers.Serializer):
    dispute = serializers.IntegerField()
    tracking_number = serializers.CharField()
    case_number = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    on = serializers.DateField(help_text="使其计入本期间的日期")
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    tier = serializers.CharField()
    n = serializers.IntegerField(help_text="计数（涉及劳动者人数时为人数）")
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class CasesOut(serializers.Serializer):
    ref = serializers.CharField()
    part = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    period = PeriodOut()
    count = serializers.IntegerField()
    results = CaseItemOut(many=True)


class DefinitionPartOut(serializers.Serializer):
    key = serializers.CharField()
    label_zh = serializers.CharField()
    label_en = serializers.CharField()


class DefinitionOut(serializers.Serializer):
    indicator = serializers.CharField()
    version = serializers.IntegerField()
    ref = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    definition_zh = serializers.CharField()
    definition_en = serializers.CharField()
    target = serializers.DecimalField(max_digits=5, decimal_places=1)
    is_default = serializers.BooleanField()
    numerator = DefinitionPartOut(many=True)
    denominator = DefinitionPartOut(many=True)
    dimensions = serializers.ListField(child=serializers.CharField())


class ColumnOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    label_zh = serializers.CharField()
    label_en = serializers.CharField()


def _row_serializer() -> type[serializers.Serializer]:
    fields: dict[str, serializers.Field] = {
        "month": serializers.CharField(allow_null=True, help_text="YYYY-MM；合计行为空")}
    for column in COLUMNS:
        fields[column.key] = (serializers.DecimalField(max_digits=18, decimal_places=2)
                              if column.money else serializers.IntegerField())
        fields[column.key].help_text = column.label_zh
    return type("MonthlyRowOut", (serializers.Serializer,), fields)


MonthlyRowOut = _row_serializer()


class MonthlyOut(serializers.Serializer):
    period = PeriodOut()
    columns = ColumnOut(many=True)
    rows = MonthlyRowOut(many=True)
    total = MonthlyRowOut()


# -- shaping ----------------------------------------------------------------------------------

def _period(period: Period) -> dict[str, str]:
    return {"start": f"{period.first:%Y-%m}", "end": f"{period.last:%Y-%m}"}


def _cases_url(figure: Figure, part: Part, query: dict[str, str]) -> str:
    params = {**query, "indicator": figure.definition.code,
              "version": str(figure.definition.version), "part": part.key,
              "start": f"{figure.period.first:%Y-%m}", "end": f"{figure.period.last:%Y-%m}"}
    return f"{reverse('api:indicators-cases')}?{urlencode(params)}"


def figure_data(figure: Figure, query: dict[str, str]) -> dict[str, Any]:
    d = figure.definition
    values = {p.key: p.value for p in figure.parts}

    def parts(chosen: tuple[Part, ...]) -> list[dict[str, Any]]:
        return [{"key": p.key, "label": p.label, "value": values.get(p.key, 0),
                 "cases": _cases_url(figure, p, query)} for p in chosen]

    return {
        "indicator": d.code, "version": d.version, "ref": d.ref, "name": d.name,
        "definition": d.text, "definition_zh": d.text_zh, "definition_en": d.text_en,
        "target": d.target, "rate": figure.rate, "meets_target": figure.meets_target,
        "applicable": figure.applicable, "numerator": figure.numerator,
        "denominator": figure.denominator,
        "numerator_parts": parts(d.numerator) if figure.applicable else [],
        "denominator_parts": parts(d.denominator) if figure.applicable else [],
    }


def _passed_on(request: Request) -> dict[str, str]:
    """The scope filters of the request, for the drill-down links."""
    keep = set(ScopeQuery().fields)
    return {k: str(v) for k, v in request.query_params.items() if k in keep}


def group_labels(by: str, groups: list[Any]) -> dict[Any, str]:
    if by == "month":
        return {g: f"{g:%Y-%m}" for g in groups}
    if by == "organization":
        names = dict(Organization.objects.filter(pk__in=groups).values_list("pk", "name"))
        return {g: names.get(g, str(g)) for g in groups}
    if by == "street":
        names = dict(Street.objects.filter(pk__in=groups).values_list("pk", "name"))
        return {g: names.get(g, _("未登记街道")) for g in groups}
    if by == "tier":
        return {g: str(Tier(g).label) if g in Tier.values else g for g in groups}
    return {g: str(DisputeType(g).label) if g in DisputeType.values else g for g in groups}


def _group_key(by: str, group: Any) -> str:
    return f"{group:%Y-%m}" if by == "month" else str(group)


def table_row(row: TableRow) -> dict[str, Any]:
    return {"month": f"{row.month:%Y-%m}" if row.month else None, **row.values}


def table_data(table: MonthlyTable) -> dict[str, Any]:
    return {
        "period": _period(table.period),
        "columns": [{"key": c.key, "label": c.label, "label_zh": c.label_zh,
                     "label_en": c.label_en} for c in COLUMNS],
        "rows": [table_row(r) for r in table.rows],
        "total": table_row(table.total),
    }


# -- views ------------------------------------------------------------------------------------

class ReadsFigures(BasePermission):
    """Supervisors and organization staff; checked before the input (403 before 400)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        require_scope(request.user)
        return True


class FiguresView(APIView):
    permission_classes = [IsAuthenticated, ReadsFigures]


class FirstRendererNegotiation(BaseContentNegotiation):
    """Files are answered with their own content type whatever the Accept header says;
    errors in JSON."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: Iterable[BaseRenderer],
                        format_suffix: str | None = None) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, first.media_type


@extend_schema(summary="指标定义（全部版本）", responses={200: DefinitionOut(many=True)})
class DefinitionList(APIView):
    """每个指标的全部定义版本及局设定的默认版本。定义是公开的口径说明。"""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    def get(self, request: Request) -> Response:
        defaults = default_versions()

        def parts(chosen: tuple[Part, ...]) -> list[dict[str, str]]:
            return [{"key": p.key, "label_zh": p.label_zh, "label_en": p.label_en}
                    for p in chosen]

        data = [{
            "indicator": d.code, "version": d.version, "ref": d.ref, "name_zh": d.name_zh,
            "name_en": d.name_en, "definition_zh": d.text_zh, "definition_en": d.text_en,
            "target": d.target, "is_default": defaults.get(d.code) == d.version,
            "numerator": parts(d.numerator), "denominator": parts(d.denominator),
            "dimensions": sorted(d.dimensions),
        } for d in DEFINITIONS]
        return Response(DefinitionOut(data, many=True).data)


class FigureList(FiguresView):
    """各项指标在所选期间和范围内的数值、目标、定义及分子分母的计数。"""

    @extend_schema(summary="指标数值", parameters=[PeriodQuery],
                   responses={200: FiguresOut, **ERRORS})
    def get(self, request: Request) -> Response:
        data = read(PeriodQuery, request)
        filters = filters_for(request, data)
        catch_up_before_reading()
        period = data["period"]
        chosen = current_definitions(data["chosen_versions"])
        query = _passed_on(request)
        return Response(FiguresOut({
            "period": _period(period),
            "figures": [figure_data(f, query) for f in figures(chosen, period, filters)],
        }).data)


class BreakdownList(FiguresView):
    """指标按月份（趋势）、组织或街道（排名）、调解层级或争议类型分列。"""

    @extend_schema(summary="指标分列（趋势与排名）", parameters=[BreakdownQuery],
                   responses={200: BreakdownOut, **ERRORS})
    def get(self, request: Request) -> Response:
        data = read(BreakdownQuery, request)
        filters = filters_for(request, data)
        catch_up_before_reading()
        period, by = data["period"], data["by"]
        chosen = current_definitions(data["chosen_versions"])
        if data.get("indicator"):
            chosen = [d for d in chosen if d.code == data["indicator"]]
        rows = breakdown(chosen, period, filters, by=by)
        groups = sorted({f.group for series in rows.values() for f in series
                         if f.group is not None}, key=str)
        labels = group_labels(by, groups)
        return Response(BreakdownOut({
            "period": _period(period), "by": by,
            "series": [_series(d, rows[d.ref], by, labels) for d in chosen],
        }).data)


def _series(d: Definition, found: list[Figure], by: str, labels: dict[Any, str]) -> dict[str, Any]:
    usable = [f for f in found if f.applicable and f.group is not None]
    return {
        "indicator": d.code, "ref": d.ref, "name": d.name, "target": d.target,
        "applicable": bool(found) and all(f.applicable for f in found),
        "rows": [{"group": _group_key(by, f.group), "label": labels.get(f.group, str(f.group)),
                  "numerator": f.numerator, "denominator": f.denominator, "rate": f.rate,
                  "meets_target": f.meets_target} for f in usable],
    }


class CaseList(FiguresView):
    """下钻：某一数字所计的案件（按同一定义从案件记录查询）。"""

    @extend_schema(summary="指标下钻到案件", parameters=[CasesQuery],
                   responses={200: CasesOut, **ERRORS})
    def get(self, request: Request) -> Response:
        data = read(CasesQuery, request)
        filters = filters_for(request, data)
        chosen: Definition = data["definition"]
        part: Part = data["the_part"]
        items = drilldown.part_items(chosen, part, data["period"], filters)
        # The access policy has the last word on every case listed.
        visible = set(case_access.disputes_for_user(request.user).filter(
            pk__in={i.dispute_id for i in items}).values_list("pk", flat=True))
        items = [i for i in items if i.dispute_id in visible]
        page = items[data["offset"]:data["offset"] + data["limit"]]
        cases = _cases({i.dispute_id for i in page})
        names = dict(Organization.objects.filter(pk__in={i.organization_id for i in page})
                     .values_list("pk", "name"))
        numbers = dict(ArbitrationRecord.objects.filter(dispute_id__in=cases)
                       .values_list("dispute_id", "case_number"))
        return Response(CasesOut({
            "ref": chosen.ref, "part": part.key, "label": part.label,
            "period": _period(data["period"]), "count": len(items),
            "results": [{
                "dispute": i.dispute_id, "tracking_number": cases[i.dispute_id].tracking_number,
                "case_number": numbers.get(i.dispute_id), "status": cases[i.dispute_id].status,
                "on": i.on, "organization": i.organization_id,
                "organization_name": names.get(i.organization_id, ""), "tier": i.tier,
                "n": i.n, "amount": i.amount,
            } for i in page],
        }).data)


def _cases(ids: set[int]) -> dict[int, Dispute]:
    queryset: QuerySet[Dispute] = Dispute.objects.filter(pk__in=ids).only(
        "pk", "tracking_number", "status")
    return {d.pk: d for d in queryset}


class MonthlyTableView(FiguresView):
    """按月统计表：期初未结、收案、受理、结案（调解、裁决、撤回、其他）、期末未结、涉案金额、涉及人数。"""

    @extend_schema(summary="按月统计表", parameters=[MonthlyQuery],
                   responses={200: MonthlyOut, **ERRORS})
    def get(self, request: Request) -> Response:
        data = read(MonthlyQuery, request)
        filters = filters_for(request, data)
        catch_up_before_reading()
        return Response(MonthlyOut(table_data(monthly_table(data["period"], filters))).data)


class _TableFile(FiguresView):
    content_negotiation_class = FirstRendererNegotiation

    def table(self, request: Request) -> MonthlyTable:
        data = read(MonthlyQuery, request)
        filters = filters_for(request, data)
        catch_up_before_reading()
        return monthly_table(data["period"], filters)

    @staticmethod
    def file(content: bytes, content_type: str, table: MonthlyTable, suffix: str) -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        name = f"labor-disputes-{table.period.first:%Y%m}-{table.period.last:%Y%m}.{suffix}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MonthlyTableCsv(_TableFile):
    """按月统计表（CSV，UTF-8 带 BOM）。"""

    @extend_schema(summary="按月统计表（CSV）", parameters=[MonthlyQuery],
                   responses={(200, exports.CSV_TYPE): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request: Request) -> HttpResponse:
        table = self.table(request)
        content = exports.table_csv(table, month_label=_("月份"), total_label=_("合计"))
        return self.file(content, f"{exports.CSV_TYPE}; charset=utf-8", table, "csv")


class MonthlyTableXlsx(_TableFile):
    """按月统计表（XLSX）。"""

    @extend_schema(summary="按月统计表（XLSX）", parameters=[MonthlyQuery],
                   responses={(200, exports.XLSX_TYPE): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request: Request) -> HttpResponse:
        table = self.table(request)
        content = exports.table_xlsx(table, title=_("按月统计表"), month_label=_("月份"),
                                     total_label=_("合计"))
        return self.file(content, exports.XLSX_TYPE, table, "xlsx")
