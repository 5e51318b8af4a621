"""Statutory clocks on real 2026 dates: due dates, suspensions, extensions, states."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from disputes import calendar, clocks
from disputes.clocks import ClockState, Pause
from tests.disputes.law.tables import pinned_law_tables, seed_law_tables

D = dt.date


@pytest.fixture
def law_tables(db: None) -> Iterator[None]:
    seed_law_tables()
    yield
    seed_law_tables()


@pytest.mark.parametrize(
    ("code", "start", "due"),
    [
        # Working days: the start day is not counted, days off are skipped, make-up
        # working days count (Sep 30, Oct 8, Oct 9, make-up Sat Oct 10, Oct 12).
        ("acceptance_decision", D(2026, 9, 29), D(2026, 10, 12)),
        ("serve_application", D(2026, 4, 30), D(2026, 5, 11)),  # May 6-8, make-up Sat 9, 11
        ("tribunal_notice", D(2026, 2, 12), D(2026, 2, 26)),  # Feb 13, make-up Sat 14, 24-26
        ("defence", D(2026, 9, 22), D(2026, 10, 13)),
        ("hearing_notice", D(2026, 6, 16), D(2026, 6, 24)),  # over the Dragon Boat Festival
        ("postponement_request", D(2026, 10, 12), D(2026, 10, 8)),  # counted back
        # Calendar days: a last day that is not a working day moves to the next one.
        ("award", D(2026, 3, 2), D(2026, 4, 16)),  # 45 days end on a Thursday
        ("award", D(2026, 2, 4), D(2026, 3, 23)),  # ... on Saturday 3-21 → Monday
        ("award", D(2026, 8, 19), D(2026, 10, 8)),  # ... on National Day 10-3 → 10-8
        ("award", D(2026, 8, 26), D(2026, 10, 10)),  # ... on a make-up Saturday: stays
        ("lawsuit_after_award", D(2026, 9, 22), D(2026, 10, 8)),  # 10-7 is a day off
        ("mediation_window", D(2026, 1, 20), D(2026, 2, 4)),
        ("enterprise_mediation_extension", D(2026, 2, 4), D(2026, 2, 24)),  # 2-19 → 2-24
        ("award_extension", D(2026, 4, 16), D(2026, 5, 6)),  # 5-1 → after Labour Day
        # Years: same day next year, rolled; Feb 29 has no twin (Civil Code arts. 202, 203).
        ("limitation", D(2025, 3, 14), D(2026, 3, 16)),
        ("limitation", D(2024, 2, 29), D(2025, 2, 28)),
    ],
)
def test_due_dates_follow_the_2026_calendar(
    law_tables: None, code: str, start: dt.date, due: dt.date
) -> None:
    answer = clocks.due_date(code, start)
    assert (answer.date, answer.provisional) == (due, False)
    assert answer.period_code == code
    assert answer.start == start


@pytest.mark.parametrize(
    ("code", "start", "due"),
    [
        ("award", D(2026, 12, 1), D(2027, 1, 15)),
        ("acceptance_decision", D(2026, 12, 28), D(2027, 1, 4)),
        ("lawsuit_after_award", D(2026, 12, 20), D(2027, 1, 4)),
        ("limitation", D(2026, 5, 6), D(2027, 5, 6)),
    ],
)
def test_periods_that_run_into_2027_are_provisional(
    law_tables: None, code: str, start: dt.date, due: dt.date
) -> None:
    assert clocks.due_date(code, start) == clocks.Due(
        date=due,
        provisional=True,
        period_code=code,
        start=start,
        length=clocks.period(code).length,
        unit=clocks.period(code).unit,
    )


def test_hearing_and_postponement_helpers(law_tables: None) -> None:
    assert clocks.earliest_hearing_date(D(2026, 9, 29)).date == D(2026, 10, 12)
    assert clocks.latest_postponement_request(D(2026, 10, 12)).date == D(2026, 10, 8)


def test_an_unknown_period_is_an_error(law_tables: None) -> None:
    with pytest.raises(clocks.UnknownPeriodError):
        clocks.due_date("no_such_period", D(2026, 1, 5))


# --- Suspension and extension of the award clock (accepted 2026-03-02, due 04-16) ------

ACCEPTED = D(2026, 3, 2)


@pytest.mark.parametrize(
    ("pauses", "extension", "due", "paused_days"),
    [
        ((), 0, D(2026, 4, 16), 0),
        ((Pause(D(2026, 3, 10), D(2026, 3, 15)),), 0, D(2026, 4, 21), 5),
        ((), 13, D(2026, 4, 29), 0),
        ((Pause(D(2026, 3, 10), D(2026, 3, 15)),), 15, D(2026, 5, 6), 5),
        # Two suspensions add up; overlapping ones count once.
        (
            (Pause(D(2026, 3, 10), D(2026, 3, 15)), Pause(D(2026, 3, 20), D(2026, 3, 23))),
            0,
            D(2026, 4, 24),
            8,
        ),
        (
            (Pause(D(2026, 3, 10), D(2026, 3, 15)), Pause(D(2026, 3, 12), D(2026, 3, 18))),
            0,
            D(2026, 4, 24),
            8,
        ),
        # A suspension from the acceptance day: the start day was not counted anyway.
        # Paused Mar 3 and 4 → 04-18, a Saturday → Monday 04-20.
        ((Pause(D(2026, 3, 2), D(2026, 3, 5)),), 0, D(2026, 4, 20), 2),
        # A suspension after the clock ran out does not revive it.
        ((Pause(D(2026, 4, 20), D(2026, 4, 25)),), 0, D(2026, 4, 16), 0),
    ],
)
def test_suspensions_and_an_extension_shift_the_award_by_exactly_their_length(
    law_tables: None,
    pauses: tuple[Pause, ...],
    extension: int,
    due: dt.date,
    paused_days: int,
) -> None:
    reading = clocks.read_clock(
        "award",
        ACCEPTED,
        today=D(2026, 5, 20),
        pauses=pauses,
        extension_days=extension,
        met_on=D(2026, 4, 1),
    )
    expected = calendar.next_working_day_on_or_after(
        D(2026, 4, 16) + dt.timedelta(days=paused_days + extension)
    ).date
    assert reading.due_on == expected == due
    assert reading.paused_days == paused_days


def test_a_suspension_of_a_working_day_clock_counts_working_days(law_tables: None) -> None:
    # Sep 30 and Oct 8 are the working days inside the pause; the due date moves by two.
    reading = clocks.read_clock(
        "acceptance_decision",
        D(2026, 9, 29),
        today=D(2026, 10, 20),
        pauses=[Pause(D(2026, 9, 30), D(2026, 10, 9))],
    )
    assert (reading.due_on, reading.paused_days) == (D(2026, 10, 14), 2)


def test_an_extension_beyond_fifteen_days_is_refused(law_tables: None) -> None:
    with pytest.raises(ValueError, match="at most 15"):
        clocks.read_clock("award", ACCEPTED, today=ACCEPTED, extension_days=16)
    with pytest.raises(ValueError, match="at most 0"):
        clocks.read_clock("acceptance_decision", ACCEPTED, today=ACCEPTED, extension_days=1)


@pytest.mark.parametrize(
    ("today", "met_on", "pauses", "state", "days_left"),
    [
        (D(2026, 4, 10), None, (), ClockState.RUNNING, 6),
        (D(2026, 4, 16), None, (), ClockState.RUNNING, 0),
        (D(2026, 4, 20), None, (), ClockState.OVERDUE, -4),
        (D(2026, 4, 20), D(2026, 4, 16), (), ClockState.MET_ON_TIME, 0),
        (D(2026, 4, 20), D(2026, 4, 17), (), ClockState.MET_LATE, -1),
        (D(2026, 3, 20), None, (Pause(D(2026, 3, 10)),), ClockState.PAUSED, 38),
        (D(2026, 3, 22), None, (Pause(D(2026, 3, 10)),), ClockState.PAUSED, 38),
        (D(2026, 4, 20), None, (Pause(D(2026, 3, 10), D(2026, 3, 15)),), ClockState.RUNNING, 1),
    ],
)
def test_clock_states(
    law_tables: None,
    today: dt.date,
    met_on: dt.date | None,
    pauses: tuple[Pause, ...],
    state: ClockState,
    days_left: int,
) -> None:
    reading = clocks.read_clock("award", ACCEPTED, today=today, met_on=met_on, pauses=pauses)
    assert (reading.state, reading.days_left) == (state, days_left)
    assert reading.label_zh == "仲裁审理期限"
    assert reading.label_en == "Award"
    assert "第四十三条" in reading.basis
    assert reading.provisional is False


def test_a_paused_clock_holds_its_days_left_and_moves_its_due_date(law_tables: None) -> None:
    on_20 = clocks.read_clock(
        "award", ACCEPTED, today=D(2026, 3, 20), pauses=[Pause(D(2026, 3, 10))]
    )
    on_22 = clocks.read_clock(
        "award", ACCEPTED, today=D(2026, 3, 22), pauses=[Pause(D(2026, 3, 10))]
    )
    assert (on_20.due_on, on_22.due_on) == (D(2026, 4, 27), D(2026, 4, 29))
    assert on_20.days_left == on_22.days_left


def test_a_working_day_clock_counts_days_left_in_working_days(law_tables: None) -> None:
    received = D(2026, 9, 29)
    before = clocks.read_clock("acceptance_decision", received, today=D(2026, 9, 30))
    assert (before.state, before.days_left, before.unit) == (
        ClockState.RUNNING,
        4,  # Oct 8, 9, make-up Sat 10, 12
        "working_days",
    )
    after = clocks.read_clock("acceptance_decision", received, today=D(2026, 10, 14))
    assert (after.state, after.days_left) == (ClockState.OVERDUE, -2)


def test_a_reading_that_reaches_2027_is_provisional(law_tables: None) -> None:
    reading = clocks.read_clock("award", D(2026, 12, 1), today=D(2026, 12, 10))
    assert reading.provisional is True


def test_readings_cost_no_queries_once_the_tables_are_loaded(
    law_tables: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    clocks.read_clock("award", ACCEPTED, today=D(2026, 4, 1))
    with django_assert_num_queries(0):
        for day in range(200):
            clocks.read_clock(
                "acceptance_decision", ACCEPTED + dt.timedelta(days=day), today=D(2026, 11, 1)
            )


# --- Properties of due dates (package calendar, default periods; no database) ----------

START = st.dates(min_value=D(2004, 1, 1), max_value=D(2060, 12, 31))
FORWARD_CODES = st.sampled_from(
    [
        "mediation_window",
        "acceptance_decision",
        "serve_application",
        "defence",
        "tribunal_notice",
        "hearing_notice",
        "award",
        "award_extension",
        "lawsuit_after_award",
        "limitation",
    ]
)


@given(code=FORWARD_CODES, start=START)
def test_a_due_date_is_a_working_day_after_the_start(code: str, start: dt.date) -> None:
    with pinned_law_tables():
        due = clocks.due_date(code, start)
        assert due.date > start
        assert calendar.is_working_day(due.date).working


@given(code=FORWARD_CODES, a=START, b=START)
def test_due_dates_are_monotone_in_the_start(code: str, a: dt.date, b: dt.date) -> None:
    first, second = sorted((a, b))
    with pinned_law_tables():
        assert clocks.due_date(code, first).date <= clocks.due_date(code, second).date


@given(start=START)
def test_a_postponement_deadline_is_a_working_day_before_the_hearing(start: dt.date) -> None:
    with pinned_law_tables():
        latest = clocks.latest_postponement_request(start)
        assert latest.date < start
        assert calendar.is_working_day(latest.date).working


@given(
    start=st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 6, 30)),
    pause_at=st.integers(min_value=1, max_value=45),
    pause_days=st.integers(min_value=0, max_value=90),
)
def test_a_suspension_shifts_the_award_by_its_length(
    start: dt.date, pause_at: int, pause_days: int
) -> None:
    begin = start + dt.timedelta(days=pause_at)
    pause = Pause(begin, begin + dt.timedelta(days=pause_days))
    with pinned_law_tables():
        plain = clocks.read_clock("award", start, today=start)
        paused = clocks.read_clock("award", start, today=start, pauses=[pause])
        unrolled = plain.started_on + dt.timedelta(days=45 + pause_days)
        assert paused.due_on == calendar.next_working_day_on_or_after(unrolled).date
    assert paused.due_on >= plain.due_on
    assert paused.paused_days == pause_days


def test_a_remembered_reading_follows_a_changed_period_and_a_new_day_off(
    law_tables: None,
) -> None:
    """read_clock remembers its readings on the calendar, keyed by the period's row: a
    change of either table gives the new answer at once, not the remembered one."""
    from disputes.law.models import CalendarDay, StatutoryPeriod

    today = D(2026, 3, 10)
    first = clocks.read_clock("award", D(2026, 3, 2), today=today)
    assert first.due_on == D(2026, 4, 16)
    assert clocks.read_clock("award", D(2026, 3, 2), today=today) is first  # remembered

    award = StatutoryPeriod.objects.get(code="award")
    award.length = 60
    award.save()
    assert clocks.read_clock("award", D(2026, 3, 2), today=today).due_on == D(2026, 5, 6)

    # A working-day clock over a new day off (Friday 2026-03-13): one day later.
    before = clocks.read_clock("acceptance_decision", D(2026, 3, 9), today=today)
    assert before.due_on == D(2026, 3, 16)
    CalendarDay.objects.create(date=D(2026, 3, 13), kind=CalendarDay.Kind.DAY_OFF, name="测试")
    after = clocks.read_clock("acceptance_decision", D(2026, 3, 9), today=today)
    assert after.due_on == D(2026, 3, 17)
