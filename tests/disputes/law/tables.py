"""The law tables for tests: seeded like the migrations do, or pinned without a database.

The in-memory caches outlive a test's transaction, so every fixture that touches the
tables drops them before and after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from disputes import clocks
from disputes.calendar import WorkingCalendar, calendar_cache
from disputes.law import defaults
from disputes.law.cache import invalidate_all
from disputes.law.models import (
    AverageWage,
    CalendarDay,
    CalendarYear,
    MinimumWage,
    Region,
    StatutoryPeriod,
    StatutoryPeriodRevision,
)
from disputes.law.seeding import (
    seed_statutory_periods,
    seed_wage_tables,
    sync_calendar_from_package,
)


def seed_law_tables() -> None:
    """What the data migration seeds; a no-op when the migrations already ran."""
    sync_calendar_from_package(CalendarYear, CalendarDay)
    seed_statutory_periods(StatutoryPeriod, StatutoryPeriodRevision)
    seed_wage_tables(Region, MinimumWage, AverageWage)
    invalidate_all()


@cache
def _package_tables() -> tuple[WorkingCalendar, dict[str, clocks.PeriodSpec]]:
    return WorkingCalendar.from_package(), clocks.period_specs(defaults.STATUTORY_PERIODS)


@contextmanager
def pinned_law_tables() -> Iterator[None]:
    """The package's calendar and the default periods, with no database (property tests)."""
    working_calendar, specs = _package_tables()
    calendar_cache.pin(working_calendar)
    clocks.period_cache.pin(specs)
    try:
        yield
    finally:
        invalidate_all()
