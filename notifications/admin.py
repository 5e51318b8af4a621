"""Parked events, message templates, the message log and deadline reminders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from disputes.models import DisputeEvent
from notifications.defaults import COMMON, VARIABLES
from notifications.delivery import masked, retry_failed
from notifications.models import Message, MessageTemplate, ParkedEvent, Reminder
from notifications.outbox import retry_parked
from notifications.rendering import compile_check

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


class MessageTemplateForm(forms.ModelForm[MessageTemplate]):
    class Meta:
        model = MessageTemplate
        fields = ["code", "channel", "subject", "body", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for name in ("subject", "body"):
            error = compile_check(cleaned.get(name) or "")
            if error:
                self.add_error(name, f"模板语法错误：{error}")
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    form = MessageTemplateForm
    list_display = ["code", "channel", "subject", "is_active", "updated_at"]
    list_filter = ["code", "channel", "is_active"]
    readonly_fields = ["variables", "updated_at"]

    @admin.display(description="可用变量")
    def variables(self, obj: MessageTemplate) -> str:
        names = [*COMMON, *VARIABLES.get(obj.code, ())]
        return format_html_join("、", "<code>{{{{ {} }}}}</code>", ((n,) for n in names))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a template off instead: deleting loses the wording


READ_ONLY_MESSAGE = ("dispute", "event", "reminder", "user", "party", "channel", "template",
                     "masked_address", "subject", "body", "status", "attempts",
                     "next_attempt_at", "sent_at", "error", "created_at")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["created_at", "dispute", "template", "channel", "recipient",
                    "masked_address", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "template"]
    list_select_related = ["dispute", "user", "party"]
    search_fields = ["dispute__tracking_number"]
    fields = READ_ONLY_MESSAGE
    readonly_fields = READ_ONLY_MESSAGE
    actions = ["send_again"]

    @admin.display(description="收件人")
    def recipient(self, obj: Message) -> str:
        return str(obj.party or obj.user)

    @admin.display(description="发送地址")
    def masked_address(self, obj: Message) -> str:
        return masked(obj.address)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="重新发送所选的失败消息", permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = retry_failed(queryset)
        self.message_user(request, f"已重新排队 {count} 条消息。", messages.SUCCESS)


READ_ONLY_REMINDER = ("dispute", "clock", "kind", "working_days_before", "due_on",
                      "organization", "created_at", "delivery", "attempts", "next_attempt_at",
                      "delivered_at", "last_error")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin[Reminder]):
    list_display = ["created_at", "dispute", "clock", "kind", "due_on", "organization",
                    "delivery"]
    list_filter = ["kind", "clock", "delivery"]
    list_select_related = ["dispute", "organization"]
    search_fields = ["dispute__tracking_number"]
    fields = READ_ONLY_REMINDER
    readonly_fields = READ_ONLY_REMINDER
    actions = ["retry_delivery"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="重新投递所选的搁置提醒", permissions=["change"])
    def retry_delivery(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        count = queryset.filter(delivery=Reminder.Delivery.PARKED).update(
            delivery=Reminder.Delivery.PENDING, attempts=0, next_attempt_at=None)
        self.message_user(request, f"已重新排队 {count} 条提醒。", messages.SUCCESS)
