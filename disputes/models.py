"""The Dispute aggregate: one record carries a dispute from application to closure.

State changes only through `disputes.services` (STYLE.md habit 1). The `@transition`
methods below only check and set fields on `self` (habit 2); the services lock the row,
check permission, call them, save and record the event.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from mediation.models import District, Organization, Street

MAX_AMOUNT = Decimal("100000000.00")  # 1e8 yuan: anything above is a typing error.
amount_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ENTERPRISE_MEDIATION = "enterprise_mediation", _("企业调解中")
    STREET_MEDIATION = "street_mediation", _("街道调解中")
    UNION_MEDIATION = "union_mediation", _("工会调解中")
    MEDIATION_SUCCEEDED = "mediation_succeeded", _("调解成功")
    MEDIATION_FAILED = "mediation_failed", _("调解不成")
    ARBITRATION_REVIEW = "arbitration_review", _("仲裁立案审查")
    PRE_ARBITRATION_MEDIATION = "pre_arbitration_mediation", _("仲裁前调解")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    HEARING_SCHEDULED = "hearing_scheduled", _("已排期开庭")
    DELIBERATION = "deliberation", _("合议中")
    SUSPENDED = "suspended", _("中止审理")
    CLOSED = "closed", _("已结案")


MEDIATING = [Status.ENTERPRISE_MEDIATION, Status.STREET_MEDIATION, Status.UNION_MEDIATION]
IN_ARBITRATION = [Status.ACCEPTED, Status.HEARING_SCHEDULED, Status.DELIBERATION]
TERMINAL = [Status.CLOSED, Status.NOT_ACCEPTED]
OPEN_STATES = [s for s in Status if s not in TERMINAL]


class Tier(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业自主调解")
    STREET = "street", _("基层就近调解")
    UNION = "union", _("工会柔性调解")
    PRE_ARBITRATION = "pre_arbitration", _("仲裁前调解")
    ARBITRAL = "arbitral", _("仲裁庭调解")


TIER_OF_STATE = {
    Status.ENTERPRISE_MEDIATION: Tier.ENTERPRISE,
    Status.STREET_MEDIATION: Tier.STREET,
    Status.UNION_MEDIATION: Tier.UNION,
    Status.PRE_ARBITRATION_MEDIATION: Tier.PRE_ARBITRATION,
}


class DisputeType(models.TextChoices):
    WAGES = "wages", _("劳动报酬")
    TERMINATION = "termination", _("解除/终止劳动合同")
    LABOR_RELATIONSHIP = "labor_relationship", _("确认劳动关系")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    WORK_INJURY = "work_injury", _("工伤")
    WORKING_HOURS_LEAVE = "working_hours_leave", _("工时休假")
    COMPENSATION = "compensation", _("经济补偿/赔偿金")
    OTHER = "other", _("其他")


class Outcome(models.TextChoices):
    PERFORMED = "performed", _("调解协议已履行")
    PRE_ARBITRATION_MEDIATED = "pre_arbitration_mediated", _("仲裁前调解结案")
    MEDIATION_STATEMENT = "mediation_statement", _("仲裁调解书结案")
    AWARD = "award", _("裁决结案")
    WITHDRAWN = "withdrawn", _("撤回申请")
    OTHER = "other", _("其他方式结案")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    COUNTER = "counter", _("窗口申请")


class Dispute(ConcurrentTransitionMixin, models.Model):
    tracking_number = models.CharField(_("查询编号"), max_length=24, unique=True)
    access_code_hash = models.CharField(_("查询码摘要"), max_length=64, editable=False)
    status = FSMField(
        _("状态"), max_length=32, choices=Status.choices, default=Status.SUBMITTED,
        protected=True, db_index=True,
    )
    # Incremented by every change; clients send it back (If-Match) to detect stale writes.
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Head of the event hash chain: a removed last event is detected by these two.
    event_seq = models.PositiveIntegerField(_("事件序号"), default=0)
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="disputes")
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="disputes",
        verbose_name=_("所在街道"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="current_disputes",
        verbose_name=_("当前办理机构"),
    )
    requested_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("申请人选择的机构"),
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="mediated_disputes", verbose_name=_("承办调解员"),
    )
    dispute_type = models.CharField(_("争议类型"), max_length=32, choices=DisputeType.choices)
    is_collective = models.BooleanField(_("集体争议"), default=False)
    is_new_employment_form = models.BooleanField(_("新就业形态"), default=False)
    is_migrant_wage = models.BooleanField(_("农民工欠薪"), default=False)
    facts = models.TextField(_("事实与理由"))
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("收件日期"))
    knew_on = models.DateField(_("知道权利被侵害之日"), null=True, blank=True)
    employment_ended_on = models.DateField(_("劳动关系终止日"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    mediation_window_ends = models.DateField(_("调解期限届满日"), null=True, blank=True)
    suspended_from = models.CharField(max_length=32, blank=True, editable=False)
    outcome = models.CharField(_("结案方式"), max_length=32, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    # The earliest due date among the case's running staff clocks, kept by every transition
    # (disputes.selectors.next_due): queues sort and filter "overdue" on it in SQL.
    next_due_on = models.DateField(_("最近期限"), null=True, blank=True)
    next_due_clock = models.CharField(_("最近期限类型"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("争议案件")
        verbose_name_plural = _("争议案件")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["district", "received_on"]),
            # The case list's order: newest first, walked backwards under a LIMIT.
            models.Index(fields=["-received_on", "-id"], name="dispute_newest_first"),
            models.Index(fields=["organization", "next_due_on"]),
            models.Index(fields=["next_due_on"], name="dispute_next_due",
                         condition=models.Q(next_due_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    # -- conditions (side-effect free) ----------------------------------------------------

    def mediation_window_passed(self, on: date | None = None) -> bool:
        """Law art. 14: no agreement within 15 days -> a party may apply for arbitration.
        `on` is the day of the application (today when the FSM asks)."""
        return (
            self.mediation_window_ends is not None
            and (on or timezone.localdate()) > self.mediation_window_ends
        )

    def may_apply_for_arbitration(self) -> bool:
        return self.status not in MEDIATING or self.mediation_window_passed()

    def tribunal_formed(self) -> bool:
        return hasattr(self, "arbitration") and self.arbitration.tribunal.exists()

    def award_not_yet_extended(self) -> bool:
        return hasattr(self, "arbitration") and not self.arbitration.extension_days

    # -- the lifecycle (DOMAIN.md) ---------------------------------------------------------

    @transition(field=status, source=[Status.SUBMITTED, Status.MEDIATION_FAILED],
                target=Status.ENTERPRISE_MEDIATION)
    def route_to_enterprise(self, *, organization: Organization, window_ends: date) -> None:
        self._route(organization, window_ends)

    @transition(field=status, source=[Status.SUBMITTED, Status.MEDIATION_FAILED],
                target=Status.STREET_MEDIATION)
    def route_to_street(self, *, organization: Organization, window_ends: date) -> None:
        self._route(organization, window_ends)

    @transition(field=status, source=[Status.SUBMITTED, Status.MEDIATION_FAILED],
                target=Status.UNION_MEDIATION)
    def route_to_union(self, *, organization: Organization, window_ends: date) -> None:
        self._route(organization, window_ends)

    def _route(self, organization: Organization, window_ends: date) -> None:
        self.organization = organization
        self.mediator = None
        self.mediation_window_ends = window_ends

    @transition(field=status, source=[*MEDIATING, Status.PRE_ARBITRATION_MEDIATION], target=None)
    def assign_mediator(self, *, mediator: Any) -> None:
        self.mediator = mediator

    @transition(field=status, source=[*MEDIATING, Status.PRE_ARBITRATION_MEDIATION], target=None)
    def schedule_mediation_session(self) -> None:
        pass

    @transition(field=status, source=MEDIATING, target=Status.MEDIATION_SUCCEEDED)
    def record_agreement(self) -> None:
        pass

    @transition(field=status, source=MEDIATING, target=Status.MEDIATION_FAILED)
    def record_failure(self) -> None:
        pass

    @transition(field=status, source=Status.MEDIATION_SUCCEEDED, target=Status.CLOSED)
    def confirm_performance(self, *, on: date) -> None:
        self._close(Outcome.PERFORMED, on)

    # Mediation is voluntary (Law art. 5): a party may go to arbitration directly, after a
    # failed mediation, when an agreement is not performed (art. 15), or once the 15-day
    # mediation window has run out although mediation goes on (art. 14).
    @transition(field=status,
                source=[Status.SUBMITTED, Status.MEDIATION_FAILED, Status.MEDIATION_SUCCEEDED,
                        *MEDIATING],
                target=Status.ARBITRATION_REVIEW,
                conditions=[may_apply_for_arbitration])  # type: ignore[list-item]
    def apply_for_arbitration(self, *, commission: Organization) -> None:
        self.organization = commission
        self.mediator = None

    @transition(field=status, source=Status.ARBITRATION_REVIEW,
                target=Status.PRE_ARBITRATION_MEDIATION)
    def refer_to_pre_arbitration_mediation(self) -> None:
        pass

    @transition(field=status, source=Status.PRE_ARBITRATION_MEDIATION, target=Status.CLOSED)
    def record_pre_arbitration_agreement(self, *, on: date) -> None:
        self._close(Outcome.PRE_ARBITRATION_MEDIATED, on)

    @transition(field=status, source=Status.PRE_ARBITRATION_MEDIATION,
                target=Status.ARBITRATION_REVIEW)
    def end_pre_arbitration_mediation(self) -> None:
        self.mediator = None

    @transition(field=status, source=Status.ARBITRATION_REVIEW, target=Status.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=Status.ARBITRATION_REVIEW, target=Status.NOT_ACCEPTED)
    def refuse(self, *, on: date) -> None:
        self.closed_on = on

    # Law art. 30: the copy of the application is served on the respondent within 5 working
    # days of acceptance, and the respondent answers within 10 days of receiving it (a
    # missing defence does not stop the case). Recorded until the hearing; recording again
    # corrects the date, and the event log keeps every date recorded.
    @transition(field=status, source=[Status.ACCEPTED, Status.HEARING_SCHEDULED], target=None)
    def serve_application(self) -> None:
        pass

    @transition(field=status, source=[Status.ACCEPTED, Status.HEARING_SCHEDULED], target=None)
    def record_defence(self) -> None:
        pass

    @transition(field=status, source=Status.ACCEPTED, target=None)
    def form_tribunal(self) -> None:
        pass

    @transition(field=status, source=Status.ACCEPTED, target=Status.HEARING_SCHEDULED,
                conditions=[tribunal_formed])  # type: ignore[list-item]
    def schedule_hearing(self) -> None:
        pass

    @transition(field=status, source=Status.HEARING_SCHEDULED, target=None)
    def postpone_hearing(self) -> None:
        pass

    @transition(field=status, source=Status.HEARING_SCHEDULED, target=Status.DELIBERATION)
    def conclude_hearing(self) -> None:
        pass

    @transition(field=status, source=IN_ARBITRATION, target=None)
    def amend_claims(self) -> None:
        pass

    @transition(field=status, source=IN_ARBITRATION, target=None)
    def issue_partial_award(self) -> None:
        pass

    @transition(field=status, source=IN_ARBITRATION, target=Status.CLOSED)
    def issue_mediation_statement(self, *, on: date) -> None:
        self._close(Outcome.MEDIATION_STATEMENT, on)

    @transition(field=status, source=Status.DELIBERATION, target=Status.CLOSED)
    def issue_award(self, *, on: date) -> None:
        self._close(Outcome.AWARD, on)

    @transition(field=status, source=IN_ARBITRATION, target=None,
                conditions=[award_not_yet_extended])  # type: ignore[list-item]
    def extend_award_deadline(self) -> None:
        pass

    @transition(field=status, source=IN_ARBITRATION, target=Status.SUSPENDED)
    def suspend(self) -> None:
        self.suspended_from = self.status

    @transition(field=status, source=Status.SUSPENDED, target=RETURN_VALUE(*IN_ARBITRATION))
    def resume(self) -> str:
        back = self.suspended_from
        self.suspended_from = ""
        return back

    @transition(field=status, source=OPEN_STATES, target=Status.CLOSED)
    def withdraw(self, *, on: date) -> None:
        self._close(Outcome.WITHDRAWN, on)

    @transition(field=status, source=[*IN_ARBITRATION, Status.SUSPENDED], target=Status.CLOSED)
    def terminate(self, *, on: date) -> None:
        self._close(Outcome.OTHER, on)

    def _close(self, outcome: str, on: date) -> None:
        self.outcome = outcome
        self.closed_on = on
        self.suspended_from = ""


class Party(models.Model):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")

    class Kind(models.TextChoices):
        WORKER = "worker", _("劳动者")
        EMPLOYER = "employer", _("用人单位")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("居民身份证")
        CREDIT_CODE = "credit_code", _("统一社会信用代码")
        PASSPORT = "passport", _("护照")
        OTHER = "other", _("其他证件")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("当事人地位"), max_length=16, choices=Side.choices)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("姓名/名称"), max_length=120)
    id_type = models.CharField(_("证件类型"), max_length=16, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=32)
    id_warning = models.CharField(_("证件核验提示"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_representative = models.BooleanField(_("代表人"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="parties", verbose_name=_("关联账号"),
    )

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["dispute", "side", "pk"]
        indexes = [models.Index(fields=["user"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class ClaimType(models.TextChoices):
    WAGES = "wages", _("劳动报酬")
    OVERTIME_PAY = "overtime_pay", _("加班费")
    WORK_INJURY_MEDICAL = "work_injury_medical", _("工伤医疗费")
    ECONOMIC_COMPENSATION = "economic_compensation", _("经济补偿")
    DAMAGES = "damages", _("赔偿金")
    WORKING_HOURS_LEAVE = "working_hours_leave", _("工作时间、休息休假")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    LABOR_RELATIONSHIP = "labor_relationship", _("确认劳动关系")
    OTHER = "other", _("其他")


class Claim(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="claims")
    item_type = models.CharField(_("请求类型"), max_length=32, choices=ClaimType.choices)
    description = models.CharField(_("请求事项"), max_length=300)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=amount_validators,
    )
    is_counter_claim = models.BooleanField(_("反申请"), default=False)
    added_on = models.DateField(_("提出日期"))
    is_withdrawn = models.BooleanField(_("已撤回"), default=False)

    class Meta:
        verbose_name = _("仲裁/调解请求")
        verbose_name_plural = _("仲裁/调解请求")
        ordering = ["dispute", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="claim_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.description


def evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under a generated name; the original name is kept only as data.
    import uuid

    return f"evidence/{instance.dispute_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("证明内容"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["dispute", "pk"]

    def __str__(self) -> str:
        return self.original_name


class MediationAttempt(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", _("进行中")
        AGREEMENT = "agreement", _("达成协议")
        FAILURE = "failure", _("调解不成")
        ABANDONED = "abandoned", _("未结束即转出/撤回")

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="mediation_attempts"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="mediation_attempts"
    )
    tier = models.CharField(_("调解层级"), max_length=20, choices=Tier.choices)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("调解员"),
    )
    received_on = models.DateField(_("受理日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    result = models.CharField(
        _("结果"), max_length=16, choices=Result.choices, default=Result.PENDING
    )
    failure_reason = models.TextField(_("调解不成原因"), blank=True)

    class Meta:
        verbose_name = _("调解")
        verbose_name_plural = _("调解")
        ordering = ["dispute", "received_on", "pk"]
        indexes = [
            models.Index(fields=["organization", "result"]),
            # The list scope's history clause: this organization's cases, found per case.
            models.Index(fields=["organization", "dispute"]),
        ]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.get_tier_display()}"


class MediationSession(models.Model):
    attempt = models.ForeignKey(MediationAttempt, on_delete=models.CASCADE, related_name="sessions")
    scheduled_for = models.DateTimeField(_("调解时间"))
    location = models.CharField(_("地点"), max_length=200)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("调解会")
        verbose_name_plural = _("调解会")
        ordering = ["scheduled_for"]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.scheduled_for:%Y-%m-%d %H:%M}"


class Agreement(models.Model):
    """A mediation agreement (调解协议书) or, at the commission, a mediation statement (调解书)."""

    attempt = models.OneToOneField(
        MediationAttempt, on_delete=models.CASCADE, related_name="agreement"
    )
    terms = models.TextField(_("协议内容"))
    total_amount = models.DecimalField(
        _("协议金额（元）"), max_digits=12, decimal_places=2, validators=amount_validators
    )
    signed_on = models.DateField(_("签订日期"))
    performance_due = models.DateField(_("履行期限"), null=True, blank=True)
    performed = models.BooleanField(_("已履行"), null=True, blank=True)
    performed_on = models.DateField(_("履行日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")

    def __str__(self) -> str:
        return f"{self.attempt} · {self.total_amount}"


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


class DisputeEvent(models.Model):
    """One row per change: the audit trail (append-only, hash-chained) and the outbox."""

    class Delivery(models.TextChoices):
        PENDING = "pending", _("待投递")
        DELIVERED = "delivered", _("已投递")
        PARKED = "parked", _("投递失败已搁置")

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("事件"), max_length=48)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    payload = models.JSONField(_("内容"), default=dict)
    occurred_on = models.DateField(_("发生日期"))
    recorded_at = models.DateTimeField(_("记录时间"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # Outbox: a worker claims pending rows and delivers them (STYLE.md habit 5).
    delivery = models.CharField(
        _("投递状态"), max_length=16, choices=Delivery.choices, default=Delivery.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("投递次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        ordering = ["dispute", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "seq"], name="event_seq_unique"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="event_pending_idx",
                condition=models.Q(delivery="pending"),
            ),
            models.Index(fields=["kind", "occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id}#{self.seq} {self.kind}"
