"""The official working calendar (State Council holiday schedule) and working-day arithmetic.

A day is a working day when it is a make-up working day (调休上班), or a Monday-to-Friday
that is not a day off. The schedule comes from `law.CalendarDay`; a year without a
published schedule (`law.CalendarYear`) is answered from weekends alone, and every answer
that touched such a year says `provisional=True`. Nothing here raises for an unknown year.

Counting follows the civil-procedure rule the Rules art. 19 refers to: the day a period
starts is not counted.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from disputes.law.cache import TableCache
from disputes.law.models import CalendarDay, CalendarYear

# The precomputed window of working days reaches this many years past the last year
# on file (or this year); beyond it the calendar steps day by day (same answers, slower).
_WINDOW_YEARS_AHEAD = 30
_WINDOW_FIRST_YEAR = 2000


@dataclass(frozen=True, slots=True)
class DayAnswer:
    """Whether a day is a working day; provisional when its year has no published schedule."""

    working: bool
    provisional: bool


@dataclass(frozen=True, slots=True)
class DateAnswer:
    """A date computed on the calendar; provisional when it touched an unpublished year."""

    date: dt.date
    provisional: bool


@dataclass(frozen=True, slots=True)
class CountAnswer:
    """A number of working days; provisional when it touched an unpublished year."""

    days: int
    provisional: bool


def _weekday_of(ordinal: int) -> int:
    # date(1, 1, 1) has ordinal 1 and is a Monday.
    return (ordinal - 1) % 7


class WorkingCalendar:
    """Days off, make-up working days and published years, held as sets of ordinals."""

    def __init__(
        self,
        *,
        days_off: Iterable[dt.date],
        make_up_days: Iterable[dt.date],
        published_years: Iterable[int],
        today: dt.date | None = None,
    ) -> None:
        # Results of pure functions of this calendar (clocks.read_clock), dropped with it.
        self.memo: dict[Any, Any] = {}
        self._off = frozenset(d.toordinal() for d in days_off)
        self._make_up = frozenset(d.toordinal() for d in make_up_days)
        self._published = frozenset(published_years)
        known_years = [dt.date.fromordinal(o).year for o in self._off | self._make_up]
        known_years.extend(self._published)
        this_year = (today or dt.date.today()).year
        first = min([_WINDOW_FIRST_YEAR, *known_years])
        last = max([this_year, *known_years]) + _WINDOW_YEARS_AHEAD
        self._lo = dt.date(first, 1, 1).toordinal()
        self._hi = dt.date(last, 12, 31).toordinal()
        # Sorted ordinals of every working day in the window: arithmetic is a bisect.
        self._working = [o for o in range(self._lo, self._hi + 1) if self._is_working(o)]
        # Running count of window days in unpublished years: provisional is a subtraction.
        flags = [
            year not in self._published
            for year in range(first, last + 1)
            for _ in range(366 if month_calendar.isleap(year) else 365)
        ]
        self._unpublished_before = [0, *accumulate(flags)]

    @classmethod
    def from_package(cls, *, today: dt.date | None = None) -> WorkingCalendar:
        """The schedule bundled in `chinese_calendar` (2004-2026), without the database."""
        import chinese_calendar

        years = {d.year for d in chinese_calendar.holidays}
        return cls(
            days_off=chinese_calendar.holidays.keys(),
            make_up_days=chinese_calendar.workdays.keys(),
            published_years=years,
            today=today,
        )

    @property
    def published_years(self) -> frozenset[int]:
        return self._published

    def _is_working(self, ordinal: int) -> bool:
        if ordinal in self._make_up:
            return True
        return ordinal not in self._off and _weekday_of(ordinal) < 5

    def _provisional(self, first: int, last: int) -> bool:
        """Whether any day in [first, last] (ordinals) lies in an unpublished year."""
        if first > last:
            return False
        if self._lo <= first and last <= self._hi:
            before = self._unpublished_before
            return before[last - self._lo + 1] > before[first - self._lo]
        first_year = dt.date.fromordinal(first).year
        last_year = dt.date.fromordinal(last).year
        return any(year not in self._published for year in range(first_year, last_year + 1))

    def is_published(self, year: int) -> bool:
        return year in self._published

    # Ordinal arithmetic (date.toordinal()): the clocks use these directly, so computing
    # thousands of due dates builds no intermediate objects. Each returns the answer
    # and whether it touched an unpublished year.

    def shift(self, start: int, n: int) -> tuple[int, bool]:
        """The n-th working day after `start` (n > 0) or before it (n < 0); `start` not counted."""
        if n == 0:
            return start, False
        working = self._working
        result = -1
        if n > 0:
            if self._lo <= start:
                i = bisect_right(working, start) + n - 1
                if i < len(working):
                    result = working[i]
            if result < 0:
                result, left = start, n
                while left:
                    result += 1
                    if self._is_working(result):
                        left -= 1
            return result, self._provisional(start + 1, result)
        if start <= self._hi:
            i = bisect_left(working, start) + n
            if i >= 0:
                result = working[i]
        if result < 0:
            result, left = start, -n
            while left:
                result -= 1
                if self._is_working(result):
                    left -= 1
        return result, self._provisional(result, start - 1)

    def roll(self, day: int, *, forward: bool = True) -> tuple[int, bool]:
        """`day` if it is a working day, else the next one (or the previous one)."""
        working = self._working
        result = -1
        if forward:
            if self._lo <= day:
                i = bisect_left(working, day)
                if i < len(working):
                    result = working[i]
            if result < 0:
                result = day
                while not self._is_working(result):
                    result += 1
            return result, self._provisional(day, result)
        if day <= self._hi:
            i = bisect_right(working, day) - 1
            if i >= 0:
                result = working[i]
        if result < 0:
            result = day
            while not self._is_working(result):
                result -= 1
        return result, self._provisional(result, day)

    def count(self, start: int, end: int) -> tuple[int, bool]:
        """Working days in (start, end]; negative, counting (end, start], when end < start."""
        if end < start:
            days, provisional = self.count(end, start)
            return -days, provisional
        if self._lo <= start and end <= self._hi:
            days = bisect_right(self._working, end) - bisect_right(self._working, start)
        else:
            days = sum(1 for o in range(start + 1, end + 1) if self._is_working(o))
        return days, self._provisional(start + 1, end)

    # The same on dates.

    def is_working_day(self, day: dt.date) -> DayAnswer:
        o = day.toordinal()
        return DayAnswer(working=self._is_working(o), provisional=self._provisional(o, o))

    def add_working_days(self, start: dt.date, n: int) -> DateAnswer:
        """The n-th working day after `start` (`start` itself not counted)."""
        return _date_answer(self.shift(start.toordinal(), n))

    def subtract_working_days(self, end: dt.date, n: int) -> DateAnswer:
        """The n-th working day before `end` (`end` itself not counted)."""
        return _date_answer(self.shift(end.toordinal(), -n))

    def next_working_day_on_or_after(self, day: dt.date) -> DateAnswer:
        return _date_answer(self.roll(day.toordinal()))

    def previous_working_day_on_or_before(self, day: dt.date) -> DateAnswer:
        return _date_answer(self.roll(day.toordinal(), forward=False))

    def working_days_between(self, start: dt.date, end: dt.date) -> CountAnswer:
        """Working days in (start, end]; negative, counting (end, start], when end < start."""
        days, provisional = self.count(start.toordinal(), end.toordinal())
        return CountAnswer(days, provisional)


def _date_answer(answer: tuple[int, bool]) -> DateAnswer:
    return DateAnswer(dt.date.fromordinal(answer[0]), answer[1])


def _load() -> WorkingCalendar:
    days_off: list[dt.date] = []
    make_up: list[dt.date] = []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (make_up if kind == CalendarDay.Kind.WORKING_DAY else days_off).append(day)
    published = CalendarYear.objects.filter(is_published=True).values_list("year", flat=True)
    return WorkingCalendar(days_off=days_off, make_up_days=make_up, published_years=published)


calendar_cache: TableCache[WorkingCalendar] = TableCache(
    _load, tables=("law.calendarday", "law.calendaryear")
)


def current_calendar() -> WorkingCalendar:
    """The calendar as the tables say now (two queries on first use, none after)."""
    return calendar_cache.get()


def is_working_day(day: dt.date) -> DayAnswer:
    return current_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> DateAnswer:
    """The n-th working day after `start`; the start day is not counted."""
    return current_calendar().add_working_days(start, n)


def subtract_working_days(end: dt.date, n: int) -> DateAnswer:
    """The n-th working day before `end`; `end` itself is not counted."""
    return current_calendar().subtract_working_days(end, n)


def next_working_day_on_or_after(day: dt.date) -> DateAnswer:
    return current_calendar().next_working_day_on_or_after(day)


def previous_working_day_on_or_before(day: dt.date) -> DateAnswer:
    return current_calendar().previous_working_day_on_or_before(day)


def working_days_between(start: dt.date, end: dt.date) -> CountAnswer:
    """Working days in (start, end]; negative when `end` is before `start`."""
    return current_calendar().working_days_between(start, end)
