"""Seed the law tables: the holiday schedule the `chinese_calendar` package knows
(2004-2026), the statutory periods of DOMAIN.md, and the Wuhan / Hubei wage tables.

Legal staff correct all of it in the admin afterwards; `sync_calendar` adds what a
newer package version knows.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from disputes.law.seeding import (
        seed_statutory_periods,
        seed_wage_tables,
        sync_calendar_from_package,
    )

    sync_calendar_from_package(apps.get_model("law", "CalendarYear"), apps.get_model("law", "CalendarDay"))
    seed_statutory_periods(
        apps.get_model("law", "StatutoryPeriod"), apps.get_model("law", "StatutoryPeriodRevision")
    )
    seed_wage_tables(
        apps.get_model("law", "Region"),
        apps.get_model("law", "MinimumWage"),
        apps.get_model("law", "AverageWage"),
    )


class Migration(migrations.Migration):
    dependencies = [("law", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
