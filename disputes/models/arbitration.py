"""Arbitration: the record, tribunal, hearings, suspensions, awards per claim item."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models.case import Dispute, amount_validators
from disputes.models.parties import Claim
from mediation.models import Organization


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", _("普通程序")
    SIMPLIFIED = "simplified", _("简易处理")


class ArbitrationRecord(models.Model):
    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="arbitration")
    commission = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField(_("仲裁申请收到日期"))
    case_number = models.CharField(_("案号"), max_length=40, unique=True, null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    procedure = models.CharField(
        _("程序"), max_length=16, choices=Procedure.choices, default=Procedure.ORDINARY
    )
    refusal_reason = models.TextField(_("不予受理理由"), blank=True)
    # Law art. 30: served within 5 working days of acceptance; the defence within 10 days.
    application_served_on = models.DateField(_("申请书副本送达日期"), null=True, blank=True)
    defence_received_on = models.DateField(_("答辩书收到日期"), null=True, blank=True)
    # Law art. 32, Rules art. 37: the composition is notified within 5 working days of
    # acceptance. The first formation; a tribunal re-formed after a recusal keeps it.
    tribunal_formed_on = models.DateField(_("组庭日期"), null=True, blank=True)
    # Rules art. 46: the award clock restarts on added/changed claims, counter-claims, transfer.
    award_clock_started_on = models.DateField(_("审限起算日"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("延长审限天数"), default=0)
    extension_approved_on = models.DateField(_("延期批准日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("仲裁案件")
        verbose_name_plural = _("仲裁案件")

    def __str__(self) -> str:
        return self.case_number or f"{self.dispute} (审查中)"


class TribunalMember(models.Model):
    class Seat(models.TextChoices):
        PRESIDING = "presiding", _("首席仲裁员")
        MEMBER = "member", _("仲裁员")
        SOLE = "sole", _("独任仲裁员")

    record = models.ForeignKey(ArbitrationRecord, on_delete=models.CASCADE, related_name="tribunal")
    arbitrator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seat = models.CharField(_("席位"), max_length=16, choices=Seat.choices)

    class Meta:
        verbose_name = _("仲裁庭组成人员")
        verbose_name_plural = _("仲裁庭组成人员")
        constraints = [
            models.UniqueConstraint(fields=["record", "arbitrator"], name="tribunal_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.arbitrator}"


class Hearing(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("已排期")
        POSTPONED = "postponed", _("已延期")
        HELD = "held", _("已开庭")
        CANCELLED = "cancelled", _("已取消")  # the case closed before the hearing was held

    record = models.ForeignKey(ArbitrationRecord, on_delete=models.CASCADE, related_name="hearings")
    scheduled_for = models.DateTimeField(_("开庭时间"))
    notice_served_on = models.DateField(_("开庭通知送达日期"))
    location = models.CharField(_("仲裁庭"), max_length=200)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.SCHEDULED)
    postponement_reason = models.TextField(_("延期理由"), blank=True)

    class Meta:
        verbose_name = _("开庭")
        verbose_name_plural = _("开庭")
        ordering = ["scheduled_for"]

    def __str__(self) -> str:
        return f"{self.record} · {self.scheduled_for:%Y-%m-%d %H:%M}"


class Suspension(models.Model):
    """Rules art. 47: suspension stops the award clock; it resumes where it stopped."""

    class Reason(models.TextChoices):
        WORKER_DIED = "worker_died", _("劳动者死亡，需等待继承人")
        LOST_CAPACITY = "lost_capacity", _("劳动者丧失民事行为能力，尚未确定法定代理人")
        EMPLOYER_ENDED = "employer_ended", _("用人单位终止，尚未确定权利义务承继者")
        FORCE_MAJEURE = "force_majeure", _("不可抗力")
        AWAITING_OTHER_CASE = "awaiting_other_case", _("须以其他案件结果为依据")
        AWAITING_APPRAISAL = "awaiting_appraisal", _("等待工伤认定、伤残鉴定等结论")
        OTHER = "other", _("其他应当中止的情形")

    record = models.ForeignKey(ArbitrationRecord, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField(_("中止事由"), max_length=32, choices=Reason.choices)
    note = models.TextField(_("说明"), blank=True)
    started_on = models.DateField(_("中止日期"))
    ended_on = models.DateField(_("恢复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("中止")
        verbose_name_plural = _("中止")
        ordering = ["started_on"]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_reason_display()}"


class Award(models.Model):
    class Kind(models.TextChoices):
        PARTIAL = "partial", _("先行裁决")
        FINAL = "final", _("裁决")

    class Result(models.TextChoices):
        WORKER_WON = "worker_won", _("劳动者胜诉")
        EMPLOYER_WON = "employer_won", _("用人单位胜诉")
        PARTLY = "partly", _("双方部分胜诉")

    record = models.ForeignKey(ArbitrationRecord, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    issued_on = models.DateField(_("裁决日期"))
    reasoning = models.TextField(_("裁决理由"))
    result = models.CharField(_("裁决结果"), max_length=16, choices=Result.choices, blank=True)

    class Meta:
        verbose_name = _("裁决书")
        verbose_name_plural = _("裁决书")
        ordering = ["issued_on", "pk"]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_kind_display()} {self.issued_on}"


class AwardItem(models.Model):
    class Decision(models.TextChoices):
        GRANTED = "granted", _("支持")
        PARTLY_GRANTED = "partly_granted", _("部分支持")
        DISMISSED = "dismissed", _("驳回")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="items")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="award_items")
    decision = models.CharField(_("裁决结果"), max_length=16, choices=Decision.choices)
    granted_amount = models.DecimalField(
        _("裁决金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=amount_validators,
    )
    # Law art. 47: decided by the engine per item, never typed in.
    is_final = models.BooleanField(_("终局裁决"))
    final_reason = models.CharField(_("终局判断依据"), max_length=200)

    class Meta:
        verbose_name = _("裁决项")
        verbose_name_plural = _("裁决项")
        constraints = [
            models.UniqueConstraint(fields=["award", "claim"], name="award_item_once_per_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.award} · {self.claim}"
