"""How long the clocks of many cases take: a benchmark that prints, not a test.

    .venv/bin/python -m disputes.law.bench_clocks               # tables from the database
    .venv/bin/python -m disputes.law.bench_clocks --no-db       # package calendar + defaults
    .venv/bin/python -m disputes.law.bench_clocks --cases 50000

Each case reads the clocks a case screen shows: acceptance decision, service, tribunal
notice, award (some suspended, some extended, some met) and the hearing-notice date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from disputes.clocks import Pause


@dataclass(frozen=True)
class _Case:
    received_on: dt.date
    accepted_on: dt.date
    pauses: tuple[Pause, ...]
    extension_days: int
    awarded_on: dt.date | None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument(
        "--no-db",
        action="store_true",
        help="use the chinese_calendar package and the default periods, without a database",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()

    from disputes import clocks
    from disputes.calendar import WorkingCalendar, calendar_cache, current_calendar
    from disputes.law import defaults

    if args.no_db:
        calendar_cache.pin(WorkingCalendar.from_package())
        clocks.period_cache.pin(clocks.period_specs(defaults.STATUTORY_PERIODS))
    started = time.perf_counter()
    current_calendar()
    clocks.periods()
    loaded = time.perf_counter() - started

    today = dt.date(2026, 11, 20)
    first = dt.date(2025, 1, 1)
    cases = []
    for i in range(args.cases):
        received = first + dt.timedelta(days=(i * 7919) % 680)
        accepted = received + dt.timedelta(days=i % 6)
        pauses: tuple[Pause, ...] = ()
        if i % 10 == 0:
            pauses = (clocks.Pause(accepted + dt.timedelta(days=10), accepted + dt.timedelta(30)),)
        elif i % 25 == 1:
            pauses = (clocks.Pause(accepted + dt.timedelta(days=5)),)
        awarded = accepted + dt.timedelta(days=40 + i % 20) if i % 3 == 0 else None
        cases.append(_Case(received, accepted, pauses, 15 if i % 7 == 0 else 0, awarded))

    started = time.perf_counter()
    readings = 0
    for case in cases:
        clocks.read_clock(
            "acceptance_decision", case.received_on, today=today, met_on=case.accepted_on
        )
        clocks.read_clock("serve_application", case.accepted_on, today=today)
        clocks.read_clock("tribunal_notice", case.accepted_on, today=today)
        clocks.read_clock(
            "award",
            case.accepted_on,
            today=today,
            met_on=case.awarded_on,
            pauses=case.pauses,
            extension_days=case.extension_days,
        )
        clocks.earliest_hearing_date(case.accepted_on + dt.timedelta(days=7))
        readings += 5
    elapsed = time.perf_counter() - started
    print(
        f"{len(cases)} cases, {readings} clock readings: {elapsed:.3f} s "
        f"({elapsed / len(cases) * 1e6:.1f} µs a case); tables loaded in {loaded:.3f} s"
    )


if __name__ == "__main__":
    main()
