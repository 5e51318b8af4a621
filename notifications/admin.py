"""Parked events: what the worker could not deliver, with an action to send it again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from disputes.models import DisputeEvent
from notifications.models import ParkedEvent
from notifications.outbox import retry_parked

FIELDS = ("dispute", "seq", "kind", "to_state", "occurred_on", "recorded_at", "delivery",
          "attempts", "next_attempt_at", "last_error")


@admin.register(ParkedEvent)
class ParkedEventAdmin(admin.ModelAdmin[ParkedEvent]):
    list_display = ["dispute", "seq", "kind", "attempts", "recorded_at", "short_error"]
    list_select_related = ["dispute"]
    search_fields = ["dispute__tracking_number"]
    fields = FIELDS
    readonly_fields = FIELDS
    actions = ["retry_delivery"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ParkedEvent]:
        return super().get_queryset(request).filter(delivery=DisputeEvent.Delivery.PARKED)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="最近的错误")
    def short_error(self, obj: ParkedEvent) -> str:
        return obj.last_error[:120]

    @admin.action(description="重新投递所选事件", permissions=["change"])
    def retry_delivery(self, request: HttpRequest, queryset: QuerySet[ParkedEvent]) -> None:
        count = retry_parked(queryset)
        self.message_user(request, f"已重新排队 {count} 个事件。", messages.SUCCESS)
