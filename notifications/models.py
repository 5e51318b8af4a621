"""What the notifications app keeps: message templates, deadline reminders, messages.

- `MessageTemplate`: the editable Chinese texts (Django template syntax), one per
  template code and channel, seeded by a data migration (`notifications.defaults`).
- `Reminder`: one row per (case, clock, kind, offset, due date), created by the sweep
  (`notifications.reminders`); the unique constraint makes it exist at most once however
  many workers sweep. It is also an outbox row for the organization's queue channel.
- `Message`: one row per recipient per channel (SMS, e-mail, web), caused by one event or
  one reminder; unique per (cause, recipient, channel), so a retried or concurrent
  planning pass cannot create a second one. The worker sends pending rows and records
  the outcome: this is the case's notification log.
- `ParkedEvent`: a proxy over the event log for the parked-events admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from disputes.models import Dispute, DisputeEvent, Party
from mediation.models import Organization


class ParkedEvent(DisputeEvent):
    """Events the worker gave up on after OUTBOX_MAX_ATTEMPTS; staff send them again."""

    class Meta:
        proxy = True
        verbose_name = _("投递失败的事件")
        verbose_name_plural = _("投递失败的事件")


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    WEB = "web", _("站内通知")


class TemplateCode(models.TextChoices):
    # Sent to the parties when an event happens.
    CASE_RECEIVED = "case_received", _("申请已收到")
    ROUTED = "routed", _("案件已分派调解")
    MEDIATION_SESSION_SCHEDULED = "mediation_session_scheduled", _("调解时间通知")
    HEARING_NOTICE = "hearing_notice", _("开庭通知")
    AWARD_ISSUED = "award_issued", _("裁决已作出")
    # Reminders about hearings and documents: the parties and the staff alike.
    HEARING_REMINDER = "hearing_reminder", _("开庭提醒")
    DEFENCE_DUE = "defence_due", _("答辩期限提醒")
    AGREEMENT_PERFORMANCE_DUE = "agreement_performance_due", _("调解协议履行期限提醒")
    # Reminders about the staff's own statutory periods.
    DEADLINE_WARNING = "deadline_warning", _("期限即将届满提醒")
    OVERDUE = "overdue", _("期限已届满提醒")


class MessageTemplate(models.Model):
    """A text staff may edit. Django template syntax; the variables each code receives are
    listed in `notifications.defaults.VARIABLES` and shown in the admin."""

    code = models.CharField(_("模板"), max_length=48, choices=TemplateCode.choices)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    subject = models.CharField(_("标题"), max_length=200, blank=True,
                               help_text=_("电子邮件标题、站内通知标题；短信不用。"))
    body = models.TextField(_("正文"))
    is_active = models.BooleanField(_("启用"), default=True,
                                    help_text=_("停用后，此渠道不再发送这类消息。"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息模板")
        verbose_name_plural = _("消息模板")
        ordering = ["code", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["code", "channel"], name="message_template_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} · {self.get_channel_display()}"


class Reminder(models.Model):
    """A deadline warning or overdue notice for one clock of one case, made once."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("即将届满")
        DUE_TODAY = "due_today", _("今日届满")
        OVERDUE = "overdue", _("已届满")

    Delivery = DisputeEvent.Delivery

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="reminders",
                                verbose_name=_("案件"))
    # A statutory period code (disputes.clocks.PeriodCode), "hearing" or "performance".
    clock = models.CharField(_("期限"), max_length=40)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    # For a warning: how many working days before the due date it was meant for.
    working_days_before = models.PositiveSmallIntegerField(_("提前工作日数"), default=0)
    due_on = models.DateField(_("届满日期"))
    # The queue that hears about it (org.<id>): the organization responsible for the clock.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("办理机构"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    # Which sweep inserted the row: a sweep reads back its own rows to know which ones it
    # made (INSERT ... ON CONFLICT DO NOTHING does not say), and writes their messages.
    sweep = models.UUIDField(editable=False)
    # Outbox to the organization's queue channel, as for events.
    delivery = models.CharField(_("投递状态"), max_length=16, choices=Delivery.choices,
                                default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField(_("投递次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("期限提醒")
        verbose_name_plural = _("期限提醒")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly once, however many workers sweep: the sweep inserts with
            # ON CONFLICT DO NOTHING. A changed due date (extension, new hearing date) is a
            # new deadline and gets its own reminders.
            models.UniqueConstraint(
                fields=["dispute", "clock", "kind", "working_days_before", "due_on"],
                name="reminder_once",
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="reminder_pending_idx",
                         condition=Q(delivery="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.clock} {self.kind} {self.due_on}"


class Message(models.Model):
    """One message to one recipient through one channel: what went to whom, when, and
    whether it arrived."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="messages",
                                verbose_name=_("案件"))
    # The cause: exactly one of the two.
    event = models.ForeignKey(DisputeEvent, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="messages", verbose_name=_("事件"))
    reminder = models.ForeignKey(Reminder, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="messages", verbose_name=_("提醒"))
    # The recipient: a staff account, or a party of the case (exactly one of the two).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+", verbose_name=_("工作人员"))
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="messages", verbose_name=_("当事人"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    template = models.CharField(_("模板"), max_length=48, choices=TemplateCode.choices)
    # The phone number or e-mail address at the time (empty for web). Shown masked.
    address = models.CharField(_("发送地址"), max_length=254, blank=True)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知消息")
        verbose_name_plural = _("通知消息")
        ordering = ["dispute", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, reminder__isnull=True)
                | Q(event__isnull=True, reminder__isnull=False),
                name="message_one_cause",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, party__isnull=True)
                | Q(user__isnull=True, party__isnull=False),
                name="message_one_recipient",
            ),
            # Exactly once per (cause, recipient, channel): planning inserts with
            # ON CONFLICT DO NOTHING and may run again after a crash or on another worker.
            models.UniqueConstraint(fields=["event", "user", "channel"],
                                    condition=Q(event__isnull=False, user__isnull=False),
                                    name="message_once_event_user"),
            models.UniqueConstraint(fields=["event", "party", "channel"],
                                    condition=Q(event__isnull=False, party__isnull=False),
                                    name="message_once_event_party"),
            models.UniqueConstraint(fields=["reminder", "user", "channel"],
                                    condition=Q(reminder__isnull=False, user__isnull=False),
                                    name="message_once_reminder_user"),
            models.UniqueConstraint(fields=["reminder", "party", "channel"],
                                    condition=Q(reminder__isnull=False, party__isnull=False),
                                    name="message_once_reminder_party"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="message_pending_idx",
                         condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.template} {self.channel} {self.status}"
