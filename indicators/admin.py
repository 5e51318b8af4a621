"""Background exports in the admin: what was asked, by whom, how far it got, why it failed.
Read-only: the worker makes them; a failed one is asked for again from the dashboard."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from indicators.models import ExportJob

FIELDS = ("id", "requested_by", "kind", "params", "state", "progress", "rows", "attempts",
          "next_attempt_at", "heartbeat_at", "last_error", "filename", "created_at",
          "finished_at")


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin[ExportJob]):
    list_display = ["created_at", "requested_by", "kind", "state", "progress", "rows",
                    "attempts", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["requested_by"]
    fields = FIELDS
    readonly_fields = FIELDS
    ordering = ["-created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return False
