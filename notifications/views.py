"""GET /api/v1/disputes/<id>/notifications/: the case's notification log.

Mounted under the API by one line in api/urls.py (`include("notifications.urls")`); the
error answers are the API's (api.errors): 404 outside the user's scope, 403 for those who
see the case but not its messages.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.views._shared import ErrorSerializer
from disputes import access
from notifications.delivery import masked
from notifications.models import Channel, Message
from notifications.selectors import notification_log_for

CASE_ID = OpenApiParameter("id", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH,
                           description="案件 ID")


class MessageLogSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True, help_text="生成时间")
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    template = serializers.CharField(read_only=True, help_text="模板代码")
    template_label = serializers.CharField(source="get_template_display", read_only=True)
    recipient_kind = serializers.SerializerMethodField(help_text="staff 工作人员 / party 当事人")
    recipient_name = serializers.SerializerMethodField()
    party_side = serializers.SerializerMethodField(help_text="当事人地位；工作人员为 null")
    address = serializers.SerializerMethodField(help_text="手机号或电子邮件地址（已脱敏）")
    subject = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Message.Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    sent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    error = serializers.CharField(read_only=True)
    cause = serializers.SerializerMethodField(help_text="event 案件事件 / reminder 期限提醒")
    event_seq = serializers.SerializerMethodField()
    event_kind = serializers.SerializerMethodField()
    reminder_clock = serializers.SerializerMethodField()
    reminder_kind = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=["staff", "party"]))
    def get_recipient_kind(self, obj: Message) -> str:
        return "party" if obj.party_id else "staff"

    @extend_schema_field(OpenApiTypes.STR)
    def get_recipient_name(self, obj: Message) -> str:
        if obj.party is not None:
            return obj.party.name
        assert obj.user is not None
        return obj.user.get_full_name() or obj.user.get_username()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_party_side(self, obj: Message) -> str | None:
        return obj.party.side if obj.party is not None else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_address(self, obj: Message) -> str:
        return masked(obj.address)

    @extend_schema_field(serializers.ChoiceField(choices=["event", "reminder"]))
    def get_cause(self, obj: Message) -> str:
        return "event" if obj.event_id else "reminder"

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_event_seq(self, obj: Message) -> int | None:
        return obj.event.seq if obj.event is not None else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_event_kind(self, obj: Message) -> str | None:
        return obj.event.kind if obj.event is not None else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_reminder_clock(self, obj: Message) -> str | None:
        return obj.reminder.clock if obj.reminder is not None else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_reminder_kind(self, obj: Message) -> str | None:
        return obj.reminder.kind if obj.reminder is not None else None

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_due_on(self, obj: Message) -> str | None:
        return obj.reminder.due_on.isoformat() if obj.reminder is not None else None


class NotificationLogView(APIView):
    """案件通知记录：发给谁、何时、经何渠道、是否送达。本案工作人员可看全部，当事人只看发给自己的。"""

    @extend_schema(summary="案件通知记录", parameters=[CASE_ID], responses={
        200: MessageLogSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        dispute = access.access_dispute(request.user, pk)
        messages = notification_log_for(request.user, dispute)
        return Response(MessageLogSerializer(messages, many=True).data)
