"""Admin for the law tables: legal staff keep the calendar, periods and wages current.

Every change of a statutory period is kept as a revision (see `signals.period_saved`);
the admin passes on who made it and why. Revisions are read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from disputes.law.models import (
    AverageWage,
    CalendarDay,
    CalendarYear,
    MinimumWage,
    Region,
    StatutoryPeriod,
    StatutoryPeriodRevision,
)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ("year", "is_published", "source")
    list_filter = ("is_published",)
    search_fields = ("year", "source", "notes")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "kind", "name", "source")
    list_filter = ("kind",)
    search_fields = ("name", "source")
    date_hierarchy = "date"


class StatutoryPeriodForm(forms.ModelForm[StatutoryPeriod]):
    change_reason = forms.CharField(
        label=_("修改理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("记入修订记录，例如依据的文件或仲裁委的决定。"),
    )

    class Meta:
        model = StatutoryPeriod
        fields = (
            "code",
            "name_zh",
            "name_en",
            "length",
            "unit",
            "direction",
            "extends",
            "starts",
            "basis",
            "notes",
        )


@admin.register(StatutoryPeriod)
class StatutoryPeriodAdmin(admin.ModelAdmin[StatutoryPeriod]):
    form = StatutoryPeriodForm
    list_display = ("code", "name_zh", "length", "unit", "direction", "basis")
    list_filter = ("unit",)
    search_fields = ("code", "name_zh", "name_en", "basis")
    readonly_fields = ("history",)

    def get_readonly_fields(self, request: HttpRequest, obj: StatutoryPeriod | None = None) -> Any:
        # The engine looks periods up by code: once created, the code stays.
        if obj is not None:
            return ("code", *self.readonly_fields)
        return self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: StatutoryPeriod | None = None) -> Any:
        return (*StatutoryPeriodForm.Meta.fields, "change_reason", "history")

    def has_delete_permission(
        self, request: HttpRequest, obj: StatutoryPeriod | None = None
    ) -> bool:
        # The clocks rely on every period they name; correct a period, never delete it.
        return False

    def save_model(
        self, request: HttpRequest, obj: StatutoryPeriod, form: Any, change: bool
    ) -> None:
        if request.user.is_authenticated:
            obj.revision_actor = request.user
        obj.revision_reason = form.cleaned_data.get("change_reason", "")
        super().save_model(request, obj, form, change)

    @admin.display(description=_("修订记录"))
    def history(self, obj: StatutoryPeriod) -> SafeString | str:
        if obj.pk is None:
            return "—"
        rows = obj.revisions.select_related("changed_by").order_by("-changed_at", "-id")[:20]
        return format_html_join(
            "",
            "<p>{} · {} · {} · {}</p>",
            (
                (
                    f"{rev.changed_at:%Y-%m-%d %H:%M}",
                    rev.get_action_display(),
                    rev.changed_by or "系统",
                    f"{rev.snapshot.get('length')} {rev.snapshot.get('unit')} {rev.reason}",
                )
                for rev in rows
            ),
        )


@admin.register(StatutoryPeriodRevision)
class StatutoryPeriodRevisionAdmin(admin.ModelAdmin[StatutoryPeriodRevision]):
    list_display = ("code", "action", "changed_at", "changed_by", "reason")
    list_filter = ("action", "code")
    search_fields = ("code", "reason")
    date_hierarchy = "changed_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatutoryPeriodRevision]:
        return super().get_queryset(request).select_related("changed_by")

    # History is read-only: written only by the revision signal.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: StatutoryPeriodRevision | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: StatutoryPeriodRevision | None = None
    ) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(MinimumWage)
class MinimumWageAdmin(admin.ModelAdmin[MinimumWage]):
    list_display = ("region", "category", "monthly_amount", "effective_from", "basis")
    list_filter = ("region",)
    search_fields = ("basis", "notes")
    list_select_related = ("region",)


@admin.register(AverageWage)
class AverageWageAdmin(admin.ModelAdmin[AverageWage]):
    list_display = ("region", "year", "annual_amount", "basis")
    list_filter = ("region",)
    search_fields = ("basis", "notes")
    list_select_related = ("region",)
