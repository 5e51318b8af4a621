"""How long the statutory clocks of many cases take, against baselines timed in the same run.

    .venv/bin/python -m bench.clocks                 # tables from the database
    .venv/bin/python -m bench.clocks --no-db         # chinese_calendar package + default periods
    .venv/bin/python -m bench.clocks --cases 50000 --repeat 5

Each case reads the clocks a case screen shows: acceptance decision, service of the
application, the respondent's defence, tribunal notice, award (some suspended, some
extended, some met) and the earliest hearing date after a notice. The same readings
are then computed by two baselines over the same dates:

- a naive loop that steps day by day through the same calendar (days off, make-up
  working days) and the same period table: the obvious way to count working days.
  Its answers must equal the engine's; any difference is printed and the run fails.
- plain date arithmetic (start + length, no calendar at all): wrong answers, but the
  least work any clock can do. It shows what the calendar costs on top.

Times are the best of `--repeat` runs, reported as ratios, because absolute times say
more about the machine than about the code. Nothing here is a test: timings never fail
the suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench import common

if TYPE_CHECKING:
    from disputes.clocks import Pause, PeriodSpec

TODAY = dt.date(2026, 11, 20)
ONE_DAY = dt.timedelta(days=1)

# One reading as the benchmark compares it: the due date and the days left (in the
# clock's unit, as of the day it was met or today).
Answer = tuple[dt.date, int]


@dataclass(frozen=True)
class Case:
    received_on: dt.date
    accepted_on: dt.date
    served_on: dt.date | None
    defence_on: dt.date | None
    formed_on: dt.date | None
    pauses: tuple[Pause, ...]
    extension_days: int
    awarded_on: dt.date | None


def make_cases(count: int) -> list[Case]:
    """A fixed, varied mix of cases over 2025-2026 (the same every run)."""
    from disputes.clocks import Pause

    first = dt.date(2025, 1, 1)
    cases = []
    for i in range(count):
        received = first + dt.timedelta(days=(i * 7919) % 680)
        accepted = received + dt.timedelta(days=i % 6)
        served = accepted + dt.timedelta(days=i % 9) if i % 5 else None
        defence = served + dt.timedelta(days=3 + i % 15) if served and i % 4 else None
        formed = accepted + dt.timedelta(days=i % 8) if i % 6 else None
        pauses: tuple[Pause, ...] = ()
        if i % 10 == 0:
            pauses = (Pause(accepted + dt.timedelta(days=10), accepted + dt.timedelta(days=30)),)
        elif i % 25 == 1:
            pauses = (Pause(accepted + dt.timedelta(days=5)),)
        awarded = accepted + dt.timedelta(days=40 + i % 20) if i % 3 == 0 else None
        cases.append(Case(received, accepted, served, defence, formed, pauses,
                          15 if i % 7 == 0 else 0, awarded))
    return cases


# ---------------------------------------------------------------------------------------
# The engine


def engine_readings(cases: Sequence[Case]) -> list[Answer]:
    from disputes import clocks

    read = clocks.read_clock
    out: list[Answer] = []
    for case in cases:
        readings = [
            read("acceptance_decision", case.received_on, today=TODAY, met_on=case.accepted_on),
            read("serve_application", case.accepted_on, today=TODAY, met_on=case.served_on),
            read("tribunal_notice", case.accepted_on, today=TODAY, met_on=case.formed_on),
            read("award", case.accepted_on, today=TODAY, met_on=case.awarded_on,
                 pauses=case.pauses, extension_days=case.extension_days),
        ]
        if case.served_on is not None:
            readings.append(read("defence", case.served_on, today=TODAY, met_on=case.defence_on))
        out.extend((r.due_on, r.days_left) for r in readings)
        hearing = clocks.earliest_hearing_date(case.accepted_on + dt.timedelta(days=7))
        out.append((hearing.date, 0))
    return out


# ---------------------------------------------------------------------------------------
# Baseline 1: a naive day-by-day loop on the same calendar and period table


class NaiveCalendar:
    def __init__(self, days_off: set[dt.date], make_up: set[dt.date]) -> None:
        self.days_off = days_off
        self.make_up = make_up

    def working(self, day: dt.date) -> bool:
        return day in self.make_up or (day not in self.days_off and day.weekday() < 5)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        day = start
        while n:
            day += ONE_DAY
            if self.working(day):
                n -= 1
        return day

    def roll_forward(self, day: dt.date) -> dt.date:
        while not self.working(day):
            day += ONE_DAY
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        days, day = 0, start
        while day < end:
            day += ONE_DAY
            days += self.working(day)
        return sign * days


def naive_reading(cal: NaiveCalendar, spec: PeriodSpec, start: dt.date, *,
                  met_on: dt.date | None, pauses: Sequence[Pause] = (),
                  extension_days: int = 0) -> Answer:
    """The clocks' counting rules (disputes/clocks.py) done the obvious way."""
    as_of = met_on or TODAY

    def due_with(extra: int) -> dt.date:
        if spec.unit == "working_days":
            return cal.add_working_days(start, spec.length + extra)
        return cal.roll_forward(start + dt.timedelta(days=spec.length + extra))

    paused = 0
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.end is None and pause.start > as_of:
            continue  # not begun yet
        end = pause.end or as_of + ONE_DAY
        begin = max(pause.start, start + ONE_DAY)
        if end <= begin or begin > due_with(extension_days + paused):
            continue  # nothing to take out, or the clock had already run out
        if spec.unit == "working_days":
            paused += cal.working_days_between(begin - ONE_DAY, end - ONE_DAY)
        else:
            paused += (end - begin).days
    due = due_with(extension_days + paused)
    if spec.unit == "working_days":
        return due, cal.working_days_between(as_of, due)
    return due, (due - as_of).days


def naive_readings(cal: NaiveCalendar, specs: dict[str, PeriodSpec],
                   cases: Sequence[Case]) -> list[Answer]:
    out: list[Answer] = []
    for case in cases:
        out.append(naive_reading(cal, specs["acceptance_decision"], case.received_on,
                                 met_on=case.accepted_on))
        out.append(naive_reading(cal, specs["serve_application"], case.accepted_on,
                                 met_on=case.served_on))
        out.append(naive_reading(cal, specs["tribunal_notice"], case.accepted_on,
                                 met_on=case.formed_on))
        out.append(naive_reading(cal, specs["award"], case.accepted_on, met_on=case.awarded_on,
                                 pauses=case.pauses, extension_days=case.extension_days))
        if case.served_on is not None:
            out.append(naive_reading(cal, specs["defence"], case.served_on,
                                     met_on=case.defence_on))
        notice = specs["hearing_notice"]
        out.append((cal.add_working_days(case.accepted_on + dt.timedelta(days=7),
                                         notice.length), 0))
    return out


# ---------------------------------------------------------------------------------------
# Baseline 2: plain date arithmetic, no calendar (the floor)


def plain_readings(specs: dict[str, PeriodSpec], cases: Sequence[Case]) -> list[Answer]:
    lengths = {code: dt.timedelta(days=spec.length) for code, spec in specs.items()}
    out: list[Answer] = []
    for case in cases:
        starts = [("acceptance_decision", case.received_on, case.accepted_on),
                  ("serve_application", case.accepted_on, case.served_on),
                  ("tribunal_notice", case.accepted_on, case.formed_on),
                  ("award", case.accepted_on, case.awarded_on)]
        if case.served_on is not None:
            starts.append(("defence", case.served_on, case.defence_on))
        for code, start, met_on in starts:
            due = start + lengths[code]
            out.append((due, (due - (met_on or TODAY)).days))
        out.append((case.accepted_on + dt.timedelta(days=7) + lengths["hearing_notice"], 0))
    return out


# ---------------------------------------------------------------------------------------


def best_of(repeat: int, run: Callable[[], list[Answer]]) -> tuple[float, list[Answer]]:
    best, answers = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        answers = run()
        best = min(best, time.perf_counter() - started)
    return best, answers


def load_tables(no_db: bool) -> tuple[NaiveCalendar, dict[str, PeriodSpec], float]:
    """Pin or load the engine's tables and build the naive calendar from the same source."""
    from disputes import clocks
    from disputes.calendar import WorkingCalendar, calendar_cache, current_calendar
    from disputes.law import defaults

    started = time.perf_counter()
    if no_db:
        import chinese_calendar

        calendar_cache.pin(WorkingCalendar.from_package())
        clocks.period_cache.pin(clocks.period_specs(defaults.STATUTORY_PERIODS))
        days_off, make_up = set(chinese_calendar.holidays), set(chinese_calendar.workdays)
    else:
        from disputes.law.models import CalendarDay

        days_off, make_up = set(), set()
        for day, kind in CalendarDay.objects.values_list("date", "kind"):
            (make_up if kind == CalendarDay.Kind.WORKING_DAY else days_off).add(day)
    current_calendar()
    specs = dict(clocks.periods())
    return NaiveCalendar(days_off, make_up), specs, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument(
        "--no-db",
        action="store_true",
        help="use the chinese_calendar package and the default periods, without a database",
    )
    args = parser.parse_args(argv)

    common.setup_django()
    from django.db import DatabaseError

    try:
        cal, specs, loaded = load_tables(args.no_db)
    except DatabaseError as exc:
        print(f"No law tables in the database ({exc}).\n"
              "Run `manage.py migrate` first, or pass --no-db.", file=sys.stderr)
        return 2

    cases = make_cases(args.cases)
    engine_time, engine = best_of(args.repeat, lambda: engine_readings(cases))
    naive_time, naive = best_of(args.repeat, lambda: naive_readings(cal, specs, cases))
    plain_time, _ = best_of(args.repeat, lambda: plain_readings(specs, cases))

    source = "chinese_calendar package, default periods" if args.no_db else "database tables"
    n = len(engine)
    print(f"{len(cases)} cases, {n} clock readings ({source}; tables loaded in {loaded:.3f} s)")
    print(f"  engine (disputes.clocks)             {engine_time:8.3f} s  "
          f"{engine_time / n * 1e6:6.2f} µs a reading")
    print(f"  naive day-by-day loop, same tables   {naive_time:8.3f} s  "
          f"engine {naive_time / engine_time:5.1f}x faster")
    print(f"  plain date arithmetic, no calendar   {plain_time:8.3f} s  "
          f"engine {engine_time / plain_time:5.1f}x slower (the floor)")
    wrong = [(i, mine, theirs) for i, (mine, theirs) in enumerate(zip(engine, naive, strict=True))
             if mine != theirs]
    print(f"  answers equal to the naive loop's:   {n - len(wrong)}/{n}")
    for i, mine, theirs in wrong[:10]:
        print(f"    reading {i}: engine {mine}, naive {theirs}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
