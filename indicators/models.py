"""Maintained summaries of the event log, and what they remember between batches.

`IndicatorCount` holds additive counts keyed by (grain, measure, month, district,
organization, street, tier, dispute type, flags). Every figure on the dashboard and in the
API is a sum over its rows; `indicators.fold` decides which counts one event adds, and
`indicators.maintenance` applies the events past the watermark in batches. The rows are
derived data: `manage.py recompute_indicators` rebuilds all of them from the event log.

Only the maintenance services write these tables (STYLE.md habit 1).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models import Dispute

# Watermark names: one per source of rows the summaries read.
EVENTS = "events"
RATINGS = "ratings"


class Watermark(models.Model):
    """How far the summaries have read one source: every row with an id at or below
    `last_id` is counted, except the ids listed in `PendingGap` (not committed yet when
    the pass ran)."""

    source = models.CharField(_("数据来源"), max_length=20, primary_key=True)
    last_id = models.BigIntegerField(_("已处理至"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标汇总进度")
        verbose_name_plural = _("指标汇总进度")

    def __str__(self) -> str:
        return f"{self.source}: {self.last_id}"


class PendingGap(models.Model):
    """An id below the watermark that was missing when a pass ran. Ids are taken from the
    sequence when a row is inserted, but rows become visible when their transaction commits,
    so a lower id can appear after a higher one; each pass looks for these again until
    INDICATORS_GAP_SECONDS have passed (then the id belonged to a rolled-back transaction)."""

    source = models.CharField(max_length=20)
    missing_id = models.BigIntegerField()
    noted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("待补计的事件")
        verbose_name_plural = _("待补计的事件")
        constraints = [
            models.UniqueConstraint(fields=["source", "missing_id"], name="pending_gap_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source}#{self.missing_id}"


class CaseTrack(models.Model):
    """What the summaries know of one case from its events so far (a fold of its log):
    the case's fixed dimensions, the mediation in progress, the award clock."""

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, primary_key=True,
                                   related_name="indicator_track")
    last_seq = models.PositiveIntegerField(default=0)
    district_id = models.BigIntegerField()
    street_id = models.BigIntegerField(default=0)  # 0: no street on file
    dispute_type = models.CharField(max_length=32)
    is_collective = models.BooleanField(default=False)
    is_new_employment_form = models.BooleanField(default=False)
    is_migrant_wage = models.BooleanField(default=False)
    workers = models.PositiveIntegerField(default=0)  # applicant workers at intake
    organization_id = models.BigIntegerField(default=0)  # handling the case now
    mediation_organization_id = models.BigIntegerField(default=0)  # the mediation in progress
    mediation_tier = models.CharField(max_length=20, blank=True)
    commission_id = models.BigIntegerField(default=0)
    accepted_on = models.DateField(null=True, blank=True)
    award_clock_started_on = models.DateField(null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    # Closed suspensions [[start, end], ...] (ISO dates) and the one running now.
    pauses = models.JSONField(default=list)
    suspended_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("案件指标状态")
        verbose_name_plural = _("案件指标状态")

    def __str__(self) -> str:
        return f"{self.dispute_id}@{self.last_seq}"


class IndicatorCount(models.Model):
    """One additive count (and amount) for one combination of dimensions.

    `grain` says which dimensions a row keeps; the others hold their neutral value and are
    summed over. Each event's counts are written at every grain (see `indicators.grains`),
    so a figure is read from the smallest grain that has the dimensions it asks for.
    """

    grain = models.CharField(max_length=4)
    measure = models.CharField(max_length=40)
    month = models.DateField()  # the first day of the month
    district_id = models.BigIntegerField()
    organization_id = models.BigIntegerField(default=0)
    street_id = models.BigIntegerField(default=0)
    tier = models.CharField(max_length=20, blank=True, default="")
    dispute_type = models.CharField(max_length=32, blank=True, default="")
    is_collective = models.BooleanField(default=False)
    is_new_employment_form = models.BooleanField(default=False)
    is_migrant_wage = models.BooleanField(default=False)
    n = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("指标汇总")
        verbose_name_plural = _("指标汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "measure", "month", "district_id", "organization_id",
                        "street_id", "tier", "dispute_type", "is_collective",
                        "is_new_employment_form", "is_migrant_wage"],
                name="indicator_count_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.measure} {self.month:%Y-%m} = {self.n}"


class ExportJob(models.Model):
    """A long export made in the background (the monthly table over a long period, or the
    list of cases behind a number): requested in one transaction with its row, made by the
    outbox worker's hook (`indicators.export_jobs.run_due_exports`), which claims it, reports
    its progress here and stores the file. Only its requester downloads it, and only while
    the same figures are still in their scope."""

    class Kind(models.TextChoices):
        MONTHLY_CSV = "monthly_csv", _("按月统计表（CSV）")
        MONTHLY_XLSX = "monthly_xlsx", _("按月统计表（XLSX）")
        CASES_CSV = "cases_csv", _("下钻案件清单（CSV）")

    class State(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("正在生成")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="indicator_exports",
                                     verbose_name=_("申请人"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("查询条件"), default=dict)  # the request's validated query
    language = models.CharField(max_length=10, default="zh-hans")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Moved by every progress report: a running job whose heartbeat stops (its worker died)
    # is claimed again after INDICATORS_EXPORT_LEASE_SECONDS.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="export_job_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.state} {self.progress}%"
