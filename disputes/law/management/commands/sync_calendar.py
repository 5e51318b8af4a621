"""Add the holiday schedule the `chinese_calendar` package knows to the calendar table.

Rows already in the table are kept as they are (legal staff may have corrected them);
where the package disagrees, the command says so. Years the package does not know
(e.g. 2027 before an update) are entered by staff in the admin once the State Council
publishes the schedule.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from disputes.law.cache import invalidate_table
from disputes.law.models import CalendarDay, CalendarYear
from disputes.law.seeding import sync_calendar_from_package


class Command(BaseCommand):
    help = "从 chinese_calendar 包同步法定节假日与调休安排 (sync holidays from the package)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            result = sync_calendar_from_package(CalendarYear, CalendarDay)
        # bulk_create sends no signals: drop the cached calendar here.
        invalidate_table("law.calendarday")
        invalidate_table("law.calendaryear")
        years = ", ".join(str(y) for y in result.years_added) or "无 (none)"
        self.stdout.write(
            f"{result.source}: 新增 {result.days_added} 天，新增年度 {years} "
            f"(added {result.days_added} days; years added: {years})."
        )
        for day, table_kind, package_kind in result.disagreements:
            self.stdout.write(
                self.style.WARNING(
                    f"{day}: 表中为 {table_kind}，包中为 {package_kind}，保留表中记录 "
                    f"(table says {table_kind}, package says {package_kind}; table kept)."
                )
            )
