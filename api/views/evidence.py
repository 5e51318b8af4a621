"""Evidence upload and download, both through the access policy."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import EvidenceSerializer, EvidenceUploadSerializer
from disputes import access
from disputes.errors import NotInScope
from disputes.models import Evidence
from disputes.services.evidence import (
    ACCEPTED,
    evidence_add,
    max_bytes,
    require_may_add,
    too_large_message,
)

from ._shared import ErrorSerializer

# The routes' <int:...> converters match digits only.
CASE_ID = OpenApiParameter("id", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH,
                           description="案件 ID")
EVIDENCE_ID = OpenApiParameter("evidence_pk", {"type": "integer", "minimum": 0},
                               OpenApiParameter.PATH, description="证据 ID")

# Room for the multipart boundaries, headers and the description around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


class EvidenceUploadView(APIView):
    """上传证据：按文件内容识别类型，以生成的文件名保存。"""

    parser_classes = [MultiPartParser]

    @extend_schema(summary="上传证据", parameters=[CASE_ID],
                   request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={201: EvidenceSerializer, 400: ErrorSerializer, 403: ErrorSerializer,
                              404: ErrorSerializer, 409: ErrorSerializer})
    def post(self, request: Request, pk: int) -> Response:
        dispute = access.access_dispute(request.user, pk)
        # Who may add, before what was sent: a supervisor hears 403 whatever the file.
        require_may_add(request.user, dispute)  # type: ignore[arg-type]
        declared = str(request.META.get("CONTENT_LENGTH") or "")
        if declared.isdigit() and int(declared) > max_bytes() + MULTIPART_OVERHEAD:
            # Refused before the parser spools the file to disk (a token client's body is
            # unread so far; a session's CSRF check may have read it already).
            raise ValidationError({"file": [too_large_message()]})
        serializer = EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = evidence_add(dispute=dispute, actor=request.user,  # type: ignore[arg-type]
                                upload=serializer.validated_data["file"],
                                description=serializer.validated_data.get("description", ""))
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDownloadView(APIView):
    """下载证据（仅限可查看本案的用户）。"""

    @extend_schema(summary="下载证据", parameters=[CASE_ID, EVIDENCE_ID], responses={
        # The stored type, as sniffed at upload (disputes/services/evidence.py ACCEPTED).
        **{(200, kind.content_type): OpenApiTypes.BINARY for kind in ACCEPTED},
        404: ErrorSerializer,
    })
    def get(self, request: Request, pk: int, evidence_pk: int) -> FileResponse:
        dispute = access.access_dispute(request.user, pk)
        try:
            evidence = Evidence.objects.get(pk=evidence_pk, dispute=dispute)
        except Evidence.DoesNotExist as exc:
            raise NotInScope from exc
        response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
        response["Content-Disposition"] = (
            f"attachment; filename=\"evidence-{evidence.pk}\"; "
            f"filename*=UTF-8''{quote(evidence.original_name)}"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
