"""Filling the law tables: from the `chinese_calendar` package and from `defaults`.

Each function takes the model classes it writes, so the data migrations can pass their
historical models and the `sync_calendar` command and the tests the real ones. Every
function is idempotent and never overwrites a row that legal staff may have corrected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from disputes.law import defaults

PERIOD_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "length",
    "unit",
    "direction",
    "starts",
    "basis",
    "notes",
)


def period_snapshot(period: Any) -> dict[str, Any]:
    """A statutory period row as plain JSON, as each revision stores it."""
    snapshot = {name: getattr(period, name) for name in PERIOD_FIELDS}
    snapshot["extends"] = period.extends.code if period.extends_id is not None else None
    return snapshot


@dataclass
class CalendarSync:
    """What a calendar sync did, and where the table and the package disagree."""

    source: str
    years_added: list[int] = field(default_factory=list)
    days_added: int = 0
    # (date, kind in the table, kind in the package); the table wins.
    disagreements: list[tuple[Any, str, str]] = field(default_factory=list)


def sync_calendar_from_package(calendar_year_model: Any, calendar_day_model: Any) -> CalendarSync:
    """Add the days off and make-up working days the package knows and the table lacks."""
    import chinese_calendar

    result = CalendarSync(source=f"chinesecalendar {chinese_calendar.__version__}")
    package: dict[Any, tuple[str, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        package[day] = ("day_off", chinese_calendar.Holiday(name).chinese)
    for day, name in chinese_calendar.workdays.items():
        package[day] = ("working_day", chinese_calendar.Holiday(name).chinese)

    existing = dict(
        calendar_day_model.objects.filter(date__in=list(package)).values_list("date", "kind")
    )
    new_days = []
    for day, (kind, name) in sorted(package.items()):
        if day not in existing:
            new_days.append(
                calendar_day_model(date=day, kind=kind, name=name, source=result.source)
            )
        elif existing[day] != kind:
            result.disagreements.append((day, existing[day], kind))
    calendar_day_model.objects.bulk_create(new_days, ignore_conflicts=True)
    result.days_added = len(new_days)

    years = sorted({day.year for day in package})
    known = set(calendar_year_model.objects.filter(year__in=years).values_list("year", flat=True))
    new_years = [
        calendar_year_model(year=year, is_published=True, source=result.source)
        for year in years
        if year not in known
    ]
    calendar_year_model.objects.bulk_create(new_years, ignore_conflicts=True)
    result.years_added = [row.year for row in new_years]
    return result


def seed_statutory_periods(period_model: Any, revision_model: Any) -> int:
    """Create the default periods that are missing, each with its first revision."""
    by_code = {period.code: period for period in period_model.objects.all()}
    created = 0
    # The defaults list a period before the one that extends it.
    for row in defaults.STATUTORY_PERIODS:
        if row["code"] in by_code:
            continue
        period = period_model(**{name: row[name] for name in PERIOD_FIELDS})
        if row.get("extends"):
            period.extends = by_code[row["extends"]]
        period.revision_reason = defaults.SEED_REASON
        period.save()
        by_code[period.code] = period
        created += 1
        # The revision signal does not run in migrations: write the first revision here.
        if not revision_model.objects.filter(period=period).exists():
            revision_model.objects.create(
                period=period,
                code=period.code,
                action="created",
                snapshot=period_snapshot(period),
                reason=defaults.SEED_REASON,
            )
    return created


def seed_wage_tables(region_model: Any, minimum_wage_model: Any, average_wage_model: Any) -> None:
    """Create the default regions, minimum wages and average wages that are missing."""
    regions: dict[str, Any] = {}
    for code, name, parent in defaults.REGIONS:
        regions[code], _ = region_model.objects.get_or_create(
            code=code, defaults={"name": name, "parent": regions.get(parent) if parent else None}
        )
    for row in defaults.MINIMUM_WAGES:
        values = {k: v for k, v in row.items() if k not in {"region", "effective_from"}}
        minimum_wage_model.objects.get_or_create(
            region=regions[row["region"]], effective_from=row["effective_from"], defaults=values
        )
    for row in defaults.AVERAGE_WAGES:
        values = {k: v for k, v in row.items() if k not in {"region", "year"}}
        average_wage_model.objects.get_or_create(
            region=regions[row["region"]], year=row["year"], defaults=values
        )
