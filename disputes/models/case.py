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
            # The same order within one state: a queue filtered by state reads one page.
            models.Index(fields=["status", "-received_on", "-id"], name="dispute_state_newest"),
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
