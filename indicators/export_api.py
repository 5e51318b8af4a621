"""/api/v1/indicators/exports/: long exports in the background (indicators.export_jobs).

POST starts one (201 with its id and where to poll), GET polls its state and progress, and
GET .../file/ downloads the file once it is done (409 `export_not_ready` before). Only the
requester sees a job, and only while its query is within their scope: anyone else 404.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from indicators.api import ERRORS, FiguresView, FirstRendererNegotiation
from indicators.export_jobs import ExportRefused, export_for_user, export_request
from indicators.models import ExportJob

EXPORT_NOT_READY = "export_not_ready"


class ExportStart(serializers.Serializer):
    kind = serializers.ChoiceField(ExportJob.Kind.choices,
                                   help_text="monthly_csv、monthly_xlsx 或 cases_csv（下钻案件清单）")
    query = serializers.DictField(
        child=serializers.CharField(), required=False, default=dict,
        help_text="与对应同步接口相同的查询条件：按月统计表为 year 或 start/end 及范围筛选；"
                  "案件清单为 indicator、version、part、start、end 及范围筛选")


class ExportOut(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    state = serializers.ChoiceField(ExportJob.State.choices)
    progress = serializers.IntegerField(help_text="0–100")
    rows = serializers.IntegerField(help_text="已写入的行数")
    query = serializers.DictField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True, help_text="失败时的原因")
    url = serializers.CharField(help_text="查询进度")
    file_url = serializers.CharField(allow_null=True, help_text="完成后下载")


def export_data(job: ExportJob) -> dict[str, Any]:
    done = job.state == ExportJob.State.DONE
    return {
        "id": job.pk, "kind": job.kind, "state": job.state, "progress": job.progress,
        "rows": job.rows, "query": job.params, "created_at": job.created_at,
        "finished_at": job.finished_at,
        "error": job.last_error if job.state == ExportJob.State.FAILED else "",
        "url": reverse("api:indicators-export", args=[job.pk]),
        "file_url": reverse("api:indicators-export-file", args=[job.pk]) if done else None,
    }


class ExportList(FiguresView):
    """在后台生成导出文件（按月统计表 CSV/XLSX，或某一数字的下钻案件清单 CSV），返回进度查询地址。"""

    @extend_schema(summary="开始后台导出", request=ExportStart,
                   responses={201: ExportOut, **ERRORS})
    def post(self, request: Request) -> Response:
        start = ExportStart(data=request.data)
        start.is_valid(raise_exception=True)
        try:
            job = export_request(actor=request.user, kind=start.validated_data["kind"],
                                 params=start.validated_data["query"])
        except ExportRefused as exc:
            raise serializers.ValidationError({"query": exc.errors}) from exc
        return Response(ExportOut(export_data(job)).data, status=status.HTTP_201_CREATED)


class ExportDetail(FiguresView):
    """后台导出的状态与进度。"""

    @extend_schema(summary="后台导出进度", responses={200: ExportOut, **ERRORS})
    def get(self, request: Request, job_id: str) -> Response:
        return Response(ExportOut(export_data(export_for_user(request.user, job_id))).data)


class ExportFile(FiguresView):
    """下载已完成的后台导出文件（仅限申请人）。"""

    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(summary="下载后台导出文件",
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                              409: ERRORS[400], **ERRORS})
    def get(self, request: Request, job_id: str) -> HttpResponseBase:
        job = export_for_user(request.user, job_id)
        if job.state != ExportJob.State.DONE or not job.file:
            return Response({"code": EXPORT_NOT_READY, "detail": "导出尚未完成。", "errors": {}},
                            status=status.HTTP_409_CONFLICT)
        return export_file_response(job)


def export_file_response(job: ExportJob) -> FileResponse:
    content_type = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ".csv": "text/csv; charset=utf-8"}
    suffix = job.filename[job.filename.rfind("."):]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename,
                        content_type=content_type.get(suffix, "application/octet-stream"))
