"""The law tables: seeded by the migrations, synced from the package, cached in memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pytest_django import DjangoAssertNumQueries

from disputes import calendar, clocks, rules
from disputes.law import defaults
from disputes.law.models import (
    CalendarDay,
    CalendarYear,
    MinimumWage,
    Region,
    StatutoryPeriod,
    StatutoryPeriodRevision,
)
from tests.disputes.law.tables import seed_law_tables


@pytest.fixture(autouse=True)
def law_tables(db: None) -> Iterator[None]:
    seed_law_tables()
    yield
    seed_law_tables()


def test_the_package_years_are_published() -> None:
    years = set(CalendarYear.objects.filter(is_published=True).values_list("year", flat=True))
    assert years == set(range(2004, 2027))
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == "working_day"
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"


def test_every_default_period_is_seeded_with_its_first_revision() -> None:
    codes = {row["code"] for row in defaults.STATUTORY_PERIODS}
    assert set(StatutoryPeriod.objects.values_list("code", flat=True)) == codes
    assert StatutoryPeriodRevision.objects.filter(action="created").count() == len(codes)
    award_extension = StatutoryPeriod.objects.get(code="award_extension")
    assert award_extension.extends is not None and award_extension.extends.code == "award"
    assert clocks.period("award").max_extension == 15


def test_the_wage_tables_are_seeded_for_wuhan() -> None:
    dongxihu = Region.objects.get(code="420112")
    assert dongxihu.parent is not None and dongxihu.parent.code == "420100"
    amounts = list(
        MinimumWage.objects.filter(region__code="420100")
        .order_by("effective_from")
        .values_list("monthly_amount", flat=True)
    )
    assert amounts == [Decimal("2010.00"), Decimal("2400.00")]
    assert "confirm" in MinimumWage.objects.get(effective_from=dt.date(2021, 9, 1)).notes


def test_sync_calendar_is_idempotent_and_keeps_staff_corrections() -> None:
    CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).update(kind="day_off")
    out = StringIO()
    call_command("sync_calendar", stdout=out)
    text = out.getvalue()
    assert "新增 0 天" in text
    assert "2026-10-10" in text  # the disagreement is reported...
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == "day_off"  # ...not fixed
    assert calendar.is_working_day(dt.date(2026, 10, 10)).working is False


def test_sync_calendar_restores_deleted_days() -> None:
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    assert calendar.is_working_day(dt.date(2026, 10, 1)) == calendar.DayAnswer(True, True)
    call_command("sync_calendar", stdout=StringIO())
    assert calendar.is_working_day(dt.date(2026, 10, 1)) == calendar.DayAnswer(False, False)


def test_the_tables_are_read_once_not_per_call(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    calendar.is_working_day(dt.date(2026, 1, 5))
    clocks.due_date("award", dt.date(2026, 1, 5))
    rules.minimum_wage_on(dt.date(2026, 1, 5))
    with django_assert_num_queries(0):
        for offset in range(100):
            day = dt.date(2026, 1, 5) + dt.timedelta(days=offset)
            calendar.add_working_days(day, 5)
            clocks.due_date("award", day)
            rules.minimum_wage_on(day)


def test_a_new_minimum_wage_changes_the_final_award_line() -> None:
    wuhan = Region.objects.get(code="420100")
    item = rules.ClaimItem("wages", Decimal("30000"))
    assert rules.is_final_award([item], award_date=dt.date(2027, 7, 1)).items[0].is_final is False
    MinimumWage.objects.create(
        region=wuhan,
        category="第一档",
        monthly_amount=Decimal("2600.00"),
        effective_from=dt.date(2027, 7, 1),
        basis="test",
    )
    assert rules.is_final_award([item], award_date=dt.date(2027, 7, 1)).items[0].is_final is True
    assert rules.is_final_award([item], award_date=dt.date(2027, 6, 30)).items[0].is_final is False


def test_a_period_changed_in_code_keeps_history_with_its_author() -> None:
    user = get_user_model().objects.create_user("chair", password="pw-chair-1")
    period = StatutoryPeriod.objects.get(code="defence")
    period.length = 15
    period.revision_actor = user
    period.revision_reason = "test"
    period.save()
    latest = period.revisions.order_by("-id").first()
    assert latest is not None
    assert (latest.changed_by, latest.snapshot["length"], latest.reason) == (user, 15, "test")
    assert clocks.period("defence").length == 15
