"""The working calendar: the 2026 State Council schedule, unpublished years, arithmetic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputes import calendar
from disputes.calendar import WorkingCalendar
from tests.disputes.law.tables import pinned_law_tables, seed_law_tables

D = dt.date
PACKAGE = WorkingCalendar.from_package(today=D(2026, 6, 1))


@pytest.fixture
def law_tables(db: None) -> Iterator[None]:
    seed_law_tables()
    yield
    seed_law_tables()  # drops the caches again: the test's rows are rolled back


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 9, 29), True),  # Tuesday
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 7), False),  # National Day, a Wednesday off
        (D(2026, 10, 10), True),  # make-up Saturday (调休上班)
        (D(2026, 10, 11), False),  # ordinary Sunday
        (D(2026, 9, 20), True),  # make-up Sunday
        (D(2026, 2, 14), True),  # make-up Saturday before the Spring Festival
        (D(2026, 2, 16), False),  # Spring Festival, a Monday off
        (D(2026, 5, 9), True),  # make-up Saturday after Labour Day
        (D(2026, 5, 5), False),  # Labour Day, a Tuesday off
        (D(2026, 6, 19), False),  # Dragon Boat Festival
        (D(2026, 12, 31), True),  # ordinary Thursday
    ],
)
def test_it_knows_the_2026_schedule(law_tables: None, day: dt.date, working: bool) -> None:
    answer = calendar.is_working_day(day)
    assert answer.working is working
    assert answer.provisional is False


def test_a_year_without_a_published_schedule_is_answered_from_weekends_provisionally(
    law_tables: None,
) -> None:
    # 2027-01-01 will almost surely be a day off; until the schedule is entered the
    # calendar can only say "a Friday", and says the answer is provisional.
    assert calendar.is_working_day(D(2027, 1, 1)) == calendar.DayAnswer(True, True)
    assert calendar.is_working_day(D(2027, 1, 2)) == calendar.DayAnswer(False, True)
    assert calendar.is_working_day(D(2099, 7, 1)).provisional is True
    assert calendar.is_working_day(D(1999, 7, 1)).provisional is True


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Sep 30, Oct 8, Oct 9, the make-up Saturday Oct 10, Oct 12 (DOMAIN.md's example).
        (D(2026, 9, 29), 5, D(2026, 10, 12)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
        (D(2026, 10, 10), 1, D(2026, 10, 12)),
        (D(2026, 4, 30), 5, D(2026, 5, 11)),  # May 6, 7, 8, make-up Sat 9, 11
        (D(2026, 2, 12), 5, D(2026, 2, 26)),  # Feb 13, make-up Sat 14, 24, 25, 26
        (D(2026, 10, 3), 0, D(2026, 10, 3)),  # nothing to count
    ],
)
def test_it_adds_working_days_without_counting_the_start_day(
    law_tables: None, start: dt.date, n: int, expected: dt.date
) -> None:
    assert calendar.add_working_days(start, n) == calendar.DateAnswer(expected, False)


@pytest.mark.parametrize(
    ("end", "n", "expected"),
    [
        (D(2026, 10, 12), 3, D(2026, 10, 8)),  # make-up Sat 10, Fri 9, Thu 8
        (D(2026, 10, 8), 1, D(2026, 9, 30)),
        (D(2026, 2, 24), 1, D(2026, 2, 14)),  # back over the Spring Festival
    ],
)
def test_it_subtracts_working_days(
    law_tables: None, end: dt.date, n: int, expected: dt.date
) -> None:
    assert calendar.subtract_working_days(end, n) == calendar.DateAnswer(expected, False)


def test_it_finds_the_next_working_day(law_tables: None) -> None:
    assert calendar.next_working_day_on_or_after(D(2026, 10, 1)).date == D(2026, 10, 8)
    assert calendar.next_working_day_on_or_after(D(2026, 10, 10)).date == D(2026, 10, 10)
    assert calendar.previous_working_day_on_or_before(D(2026, 10, 7)).date == D(2026, 9, 30)


def test_counting_into_an_unpublished_year_is_provisional(law_tables: None) -> None:
    # Dec 29, 30, 31, then 2027: Jan 1 (a Friday, weekends only), Jan 4.
    answer = calendar.add_working_days(D(2026, 12, 28), 5)
    assert answer == calendar.DateAnswer(D(2027, 1, 4), True)
    assert calendar.add_working_days(D(2026, 12, 24), 3).provisional is False
    assert calendar.working_days_between(D(2026, 12, 28), D(2027, 1, 4)) == (
        calendar.CountAnswer(5, True)
    )


def test_it_counts_working_days_both_ways(law_tables: None) -> None:
    assert calendar.working_days_between(D(2026, 9, 29), D(2026, 10, 12)).days == 5
    assert calendar.working_days_between(D(2026, 10, 12), D(2026, 9, 29)).days == -5
    assert calendar.working_days_between(D(2026, 10, 1), D(2026, 10, 1)).days == 0


@pytest.mark.django_db
def test_the_seeded_table_agrees_with_the_package_on_every_day_it_knows() -> None:
    seed_law_tables()
    loaded = calendar.current_calendar()
    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert loaded.is_working_day(day) == calendar.DayAnswer(
            chinese_calendar.is_workday(day), False
        ), day
        day += dt.timedelta(days=1)


# --- Properties, on the package's calendar (no database) ------------------------------

DAYS = st.dates(min_value=D(2003, 1, 1), max_value=D(2090, 12, 31))
COUNTS = st.integers(min_value=1, max_value=80)


@given(start=DAYS, n=COUNTS)
def test_adding_lands_on_a_working_day_after_the_start(start: dt.date, n: int) -> None:
    answer = PACKAGE.add_working_days(start, n)
    assert answer.date > start
    assert PACKAGE.is_working_day(answer.date).working
    assert PACKAGE.working_days_between(start, answer.date).days == n


@given(start=DAYS, n=COUNTS)
def test_subtracting_undoes_adding(start: dt.date, n: int) -> None:
    later = PACKAGE.add_working_days(start, n).date
    back = PACKAGE.subtract_working_days(later, n).date
    assert back == PACKAGE.previous_working_day_on_or_before(start).date


@given(a=DAYS, b=DAYS, n=COUNTS)
def test_adding_is_monotone_in_the_start(a: dt.date, b: dt.date, n: int) -> None:
    first, second = sorted((a, b))
    assert PACKAGE.add_working_days(first, n).date <= PACKAGE.add_working_days(second, n).date


with mock.patch.object(calendar, "_WINDOW_YEARS_AHEAD", 0):
    # Its precomputed window ends with 2026: later days take the step-by-step path.
    NARROW = WorkingCalendar.from_package(today=D(2026, 6, 1))


@given(start=DAYS, n=COUNTS)
def test_the_window_and_the_slow_path_agree(start: dt.date, n: int) -> None:
    assert NARROW.add_working_days(start, n) == PACKAGE.add_working_days(start, n)
    assert NARROW.subtract_working_days(start, n) == PACKAGE.subtract_working_days(start, n)
    assert NARROW.next_working_day_on_or_after(start) == PACKAGE.next_working_day_on_or_after(start)
    later = start + dt.timedelta(days=n * 3)
    assert NARROW.working_days_between(start, later) == PACKAGE.working_days_between(start, later)


@given(day=DAYS)
def test_provisional_means_an_unpublished_year(day: dt.date) -> None:
    answer = PACKAGE.is_working_day(day)
    assert answer.provisional is (day.year not in PACKAGE.published_years)


def test_module_functions_read_the_pinned_calendar() -> None:
    with pinned_law_tables():
        assert calendar.add_working_days(D(2026, 9, 29), 5).date == D(2026, 10, 12)
