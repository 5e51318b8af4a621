"""What the transitions benchmark's daphne processes serve: the project's URLs, and in
front of them one view that exists only here (never in the product).

`POST /bench/row-update/<id>/` with `{"version": n}` is the least any API transition could
cost through the same server: the project's middleware, DRF with token authentication,
then in one transaction the case row locked, its version compared and raised by one
(what pgbench's row-lock script does), and `{"id", "version"}` answered; 409 on a stale
version. No scope, no permission, no state machine, no event row: its rate is the ceiling
of the real transitions' on the same machine, and their ratio to it says how much of the
distance to pgbench is the project's own work (bench/transitions.py).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import include, path
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disputes.models import Dispute


class RowUpdate(APIView):
    def post(self, request: Request, pk: int) -> Response:
        raw: Any = request.data
        expected = int(raw["version"])
        with transaction.atomic():
            version = (Dispute.objects.select_for_update().filter(pk=pk)
                       .values_list("version", flat=True).first())
            if version is None:
                return Response({"code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
            if version != expected:
                return Response({"code": "stale_version"}, status=status.HTTP_409_CONFLICT)
            Dispute.objects.filter(pk=pk).update(version=F("version") + 1)
        return Response({"id": pk, "version": expected + 1})


urlpatterns = [
    path("bench/row-update/<int:pk>/", RowUpdate.as_view()),
    path("", include("backend.urls")),
]
