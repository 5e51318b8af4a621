"""The law as data: the working calendar, statutory periods, wage tables.

Legal staff correct these tables in the admin without a code change. The pure logic in
`disputes.calendar`, `disputes.clocks` and `disputes.rules` reads them through in-memory
caches (`disputes.law.cache`), so no request pays a query per computation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.law.seeding import period_snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class CalendarYear(models.Model):
    """A year whose official holiday schedule (国务院办公厅放假安排通知) is on file.

    A year without a published row is answered from weekends alone, and every answer
    that touches it is marked provisional.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    is_published = models.BooleanField(
        _("已公布"),
        default=True,
        help_text=_("国务院办公厅已公布该年放假安排，且下列日期已全部录入。"),
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering: ClassVar = ["-year"]
        verbose_name = _("放假安排年度")
        verbose_name_plural = _("放假安排年度")

    def __str__(self) -> str:
        state = "已公布" if self.is_published else "未公布"
        return f"{self.year}（{state}）"


class CalendarDay(models.Model):
    """A day that departs from the weekend rule: a holiday day off or a make-up working day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("放假")
        WORKING_DAY = "working_day", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


class StatutoryPeriod(models.Model):
    """One statutory period (法定期限): its length, unit and legal basis.

    The clocks in `disputes.clocks` are computed from these rows; every change is kept
    in `StatutoryPeriodRevision` (written by a signal, so the admin is covered too).
    """

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("工作日")
        CALENDAR_DAYS = "calendar_days", _("日（自然日）")
        YEARS = "years", _("年")

    class Direction(models.TextChoices):
        AFTER = "after", _("自起算日向后计算")
        BEFORE = "before", _("自参照日向前计算")

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name_zh = models.CharField(_("名称（中文）"), max_length=100)
    name_en = models.CharField(_("名称（英文）"), max_length=100)
    length = models.PositiveSmallIntegerField(_("期间长度"))
    unit = models.CharField(_("单位"), max_length=16, choices=Unit.choices)
    direction = models.CharField(
        _("计算方向"), max_length=8, choices=Direction.choices, default=Direction.AFTER
    )
    starts = models.TextField(_("起算事件"), blank=True)
    basis = models.TextField(_("法律依据"))
    notes = models.TextField(_("备注"), blank=True)
    extends = models.ForeignKey(
        "self",
        verbose_name=_("延长的期限"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
        help_text=_("本期限是另一期限的延长时的最长天数，例如裁决期限的延长。"),
    )

    # Not fields: who changes the row and why, read by the revision signal.
    revision_actor: AbstractBaseUser | None = None
    revision_reason: str = ""

    class Meta:
        ordering: ClassVar = ["code"]
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")

    def __str__(self) -> str:
        return f"{self.name_zh}（{self.length} {self.get_unit_display()}）"

    def snapshot(self) -> dict[str, Any]:
        """The row as plain JSON, stored in each revision."""
        return period_snapshot(self)


class StatutoryPeriodRevision(models.Model):
    """History of a statutory period: who changed it, when, and what it said afterwards."""

    class Action(models.TextChoices):
        CREATED = "created", _("新建")
        CHANGED = "changed", _("修改")
        DELETED = "deleted", _("删除")

    period = models.ForeignKey(
        StatutoryPeriod,
        verbose_name=_("法定期限"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
    )
    code = models.SlugField(_("代码"), max_length=64)
    action = models.CharField(_("操作"), max_length=8, choices=Action.choices)
    snapshot = models.JSONField(_("快照"))
    reason = models.TextField(_("修改理由"), blank=True)
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar = ["-changed_at", "-id"]
        verbose_name = _("法定期限修订记录")
        verbose_name_plural = _("法定期限修订记录")

    def __str__(self) -> str:
        return f"{self.code} {self.get_action_display()} {self.changed_at:%Y-%m-%d %H:%M}"


class Region(models.Model):
    """An administrative region (GB/T 2260 code) and the one above it.

    Wage tables are kept where they are issued (a city's minimum wage, a province's
    average wage); a district finds them by walking up its parents.
    """

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering: ClassVar = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class MinimumWage(models.Model):
    """A monthly minimum wage standard in force from a date (最低工资标准).

    Final awards depend on it: 12 × this amount is the line of Law art. 47.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="minimum_wages"
    )
    category = models.CharField(_("档次"), max_length=20, blank=True)
    monthly_amount = models.DecimalField(_("月最低工资（元）"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("执行日期"))
    basis = models.CharField(_("文件依据"), max_length=200)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering: ClassVar = ["region__code", "-effective_from"]
        verbose_name = _("最低工资标准")
        verbose_name_plural = _("最低工资标准")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "effective_from"], name="law_minimum_wage_once_per_date"
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_amount__gt=0), name="law_minimum_wage_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.monthly_amount} 元/月（{self.effective_from} 起）"


class AverageWage(models.Model):
    """A province's average annual wage of employees for a year (上年度职工年平均工资).

    Simplified procedure (Rules art. 56 (2)) compares the amount in dispute with it.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="average_wages"
    )
    year = models.PositiveSmallIntegerField(_("统计年度"))
    annual_amount = models.DecimalField(_("年平均工资（元）"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("数据来源"), max_length=200)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering: ClassVar = ["region__code", "-year"]
        verbose_name = _("职工年平均工资")
        verbose_name_plural = _("职工年平均工资")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region", "year"], name="law_average_wage_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(annual_amount__gt=0), name="law_average_wage_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} 年 {self.annual_amount} 元"
