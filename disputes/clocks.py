"""Statutory clocks: due dates and per-clock readings, computed from `law.StatutoryPeriod`.

Periods are data (legal staff correct them in the admin); this module only counts.
Counting rules (Rules art. 19 and the civil-procedure rule it refers to; Civil Code
arts. 201-203):
- the day a period starts is not counted;
- a working-day period skips days off and counts make-up working days (调休);
- a calendar-day or year period whose last day is not a working day ends on the next
  working day (for a period counted backwards: on the working day before);
- a year period ends on the same day of the end year, or on the month's last day when
  there is none (Civil Code art. 202).
A due date that touched a year with no published holiday schedule is provisional.

Pure: no Dispute import. Callers pass dates, pauses and extensions; a restart of the
award clock (Rules art. 46: claims added or changed, counter-claim, transfer) is a new
`started_on`, decided by the caller.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from typing import Any, cast

from disputes.calendar import WorkingCalendar, current_calendar
from disputes.law.cache import TableCache
from disputes.law.models import StatutoryPeriod


class PeriodCode(StrEnum):
    """The codes the engine relies on; the table may hold more."""

    MEDIATION_WINDOW = "mediation_window"
    ENTERPRISE_MEDIATION_EXTENSION = "enterprise_mediation_extension"
    ACCEPTANCE_DECISION = "acceptance_decision"
    SERVE_APPLICATION = "serve_application"
    DEFENCE = "defence"
    TRIBUNAL_NOTICE = "tribunal_notice"
    HEARING_NOTICE = "hearing_notice"
    POSTPONEMENT_REQUEST = "postponement_request"
    AWARD = "award"
    AWARD_EXTENSION = "award_extension"
    LAWSUIT_AFTER_AWARD = "lawsuit_after_award"
    LIMITATION = "limitation"


Unit = StatutoryPeriod.Unit
Direction = StatutoryPeriod.Direction
# Plain strings for the hot path: enum attribute lookups cost more than the arithmetic.
_WORKING_DAYS: str = Unit.WORKING_DAYS.value
_YEARS: str = Unit.YEARS.value
_BEFORE: str = Direction.BEFORE.value


class UnknownPeriodError(KeyError):
    """No statutory period with this code is on file."""


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    """One row of `law.StatutoryPeriod`, as the clocks read it."""

    code: str
    name_zh: str
    name_en: str
    length: int
    unit: str
    direction: str
    starts: str
    basis: str
    # The most an extension of this period may add (e.g. award → 15), if one is defined.
    extension_code: str | None = None
    max_extension: int | None = None

    @property
    def backwards(self) -> bool:
        return self.direction == _BEFORE


@dataclass(frozen=True, slots=True)
class Due:
    """When a period ends, and whether that answer rests on an unpublished holiday year."""

    date: dt.date
    provisional: bool
    period_code: str
    start: dt.date
    length: int
    unit: str


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Pause:
    """A stretch during which a clock does not run (suspension, Rules art. 47; public notice).

    The days from `start` up to the day before `end` do not count; `end` is the day the
    clock runs again. An open pause (`end=None`) lasts through today.
    """

    start: dt.date
    end: dt.date | None = None


@dataclass(slots=True)
class ClockReading:
    """One clock as a case screen shows it. A value: do not change it (not frozen only
    because a frozen dataclass is three times slower to build, and screens build many)."""

    code: str
    started_on: dt.date
    due_on: dt.date
    unit: str
    # In the clock's own unit (working days for working-day clocks), as of today, or as of
    # met_on for a met clock; negative when overdue or met late.
    days_left: int
    state: ClockState
    provisional: bool
    label_zh: str
    label_en: str
    basis: str
    paused_days: int = 0
    extension_days: int = 0


def period_specs(rows: Iterable[Mapping[str, Any]]) -> dict[str, PeriodSpec]:
    """Specs from period rows (dicts with the model's fields, `extends` as a code)."""
    rows = list(rows)
    extensions = {row["extends"]: row for row in rows if row.get("extends")}
    specs = {}
    for row in rows:
        extension = extensions.get(row["code"])
        specs[row["code"]] = PeriodSpec(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            length=row["length"],
            unit=row["unit"],
            direction=row["direction"],
            starts=row["starts"],
            basis=row["basis"],
            extension_code=extension["code"] if extension else None,
            max_extension=extension["length"] if extension else None,
        )
    return specs


def _load() -> dict[str, PeriodSpec]:
    fields = ("code", "name_zh", "name_en", "length", "unit", "direction", "starts", "basis")
    rows = StatutoryPeriod.objects.values(*fields, "extends__code")
    return period_specs({**row, "extends": row["extends__code"]} for row in rows)


period_cache: TableCache[dict[str, PeriodSpec]] = TableCache(_load, tables=("law.statutoryperiod",))


def periods() -> Mapping[str, PeriodSpec]:
    """Every statutory period on file, by code (one query on first use, none after)."""
    return period_cache.get()


def period(code: str) -> PeriodSpec:
    try:
        return periods()[code]
    except KeyError:
        raise UnknownPeriodError(code) from None


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; the month's last day when there is none (Civil Code art. 202)."""
    year = day.year + years
    last = month_calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def _end(spec: PeriodSpec, start: int, extra: int, cal: WorkingCalendar) -> tuple[int, bool]:
    """The period's last day (an ordinal), `extra` units (pauses, extension) added."""
    if spec.unit == _WORKING_DAYS:
        n = spec.length + extra
        return cal.shift(start, -n if spec.backwards else n)
    if spec.unit == _YEARS:
        years = -spec.length if spec.backwards else spec.length
        last = add_years(dt.date.fromordinal(start), years).toordinal()
        last += -extra if spec.backwards else extra
    else:
        days = spec.length + extra
        last = start - days if spec.backwards else start + days
    # The last day falls on a day off: the period ends on the next working day (Civil
    # Code art. 203), or the one before when counting back from the reference day.
    return cal.roll(last, forward=not spec.backwards)


def due_date(period_code: str, start: dt.date) -> Due:
    """When the period `period_code` that started (or is counted back from) `start` ends."""
    spec = period(period_code)
    end, provisional = _end(spec, start.toordinal(), 0, current_calendar())
    return Due(
        date=dt.date.fromordinal(end),
        provisional=provisional,
        period_code=spec.code,
        start=start,
        length=spec.length,
        unit=spec.unit,
    )


def earliest_hearing_date(notice_served_on: dt.date) -> Due:
    """The first day a hearing may be held after its notice was served (Law art. 35: ≥5 days)."""
    return due_date(PeriodCode.HEARING_NOTICE, notice_served_on)


def latest_postponement_request(hearing_date: dt.date) -> Due:
    """The last day a party may ask to postpone this hearing (Law art. 35: ≥3 days before)."""
    return due_date(PeriodCode.POSTPONEMENT_REQUEST, hearing_date)


def _paused_units(
    spec: PeriodSpec,
    started: int,
    pauses: Sequence[Pause],
    as_of: int,
    extension: int,
    cal: WorkingCalendar,
) -> tuple[int, bool]:
    """How many units the pauses took out of the clock, and whether one holds it now.

    The clock resumes where it stopped: each pause pushes the end back by its own length
    (in working days for a working-day clock). A pause that starts after the clock ran
    out does not revive it. Ordinals throughout.
    """
    # [begin, end, open]: the days begin..end-1 do not count.
    stretches: list[list[int]] = []
    for pause in sorted(pauses, key=attrgetter("start")):
        begin = pause.start.toordinal()
        if pause.end is None:
            if begin > as_of:
                continue  # Not begun yet.
            end, is_open = as_of + 1, 1
        else:
            end, is_open = pause.end.toordinal(), 0
        begin = max(begin, started + 1)  # The start day is not counted anyway.
        if end <= begin:
            continue
        if stretches and begin <= stretches[-1][1]:
            last = stretches[-1]
            last[1], last[2] = max(end, last[1]), last[2] or is_open
        else:
            stretches.append([begin, end, is_open])

    paused, open_now = 0, False
    for begin, end, is_open in stretches:
        last_running_day, _ = _end(spec, started, extension + paused, cal)
        if begin > last_running_day:
            break
        if spec.unit == _WORKING_DAYS:
            paused += cal.count(begin - 1, end - 1)[0]
        else:
            paused += end - begin
        open_now = open_now or bool(is_open)
    return paused, open_now


def read_clock(
    code: str,
    started_on: dt.date,
    *,
    today: dt.date,
    met_on: dt.date | None = None,
    pauses: Sequence[Pause] = (),
    extension_days: int = 0,
) -> ClockReading:
    """Read one clock for a case screen.

    `met_on` is the day the act was done (decision made, award issued); `pauses` the
    suspensions (Rules art. 47) and public-notice service; `extension_days` an approved
    extension in the clock's unit, at most the extension period on file (award: 15 days,
    once, with the chair's written approval, Law art. 43).
    """
    # Remembered on the calendar (dropped with it when the holiday table changes): a page
    # of cases received on the same days reads the same clocks again and again. The key
    # holds the period's row by value, so a changed period is a new key. The reading is
    # shared: a value, never changed (ClockReading).
    cal = current_calendar()
    spec = period(code)
    key = (spec, started_on, today, met_on, tuple(pauses), extension_days)
    memo = cal.memo
    reading = memo.get(key)
    if reading is None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        reading = memo[key] = _read_clock(spec, started_on, today, met_on, pauses,
                                          extension_days, cal)
    return cast(ClockReading, reading)


_MEMO_SIZE = 4096


def _read_clock(spec: PeriodSpec, started_on: dt.date, today: dt.date, met_on: dt.date | None,
                pauses: Sequence[Pause], extension_days: int, cal: WorkingCalendar,
                ) -> ClockReading:
    code = spec.code
    if extension_days < 0:
        raise ValueError("extension_days must not be negative.")
    if extension_days and (spec.max_extension is None or extension_days > spec.max_extension):
        raise ValueError(
            f"{code} allows an extension of at most {spec.max_extension or 0} {spec.unit}."
        )
    started = started_on.toordinal()
    as_of = (met_on or today).toordinal()
    paused, open_now = 0, False
    if pauses:
        paused, open_now = _paused_units(spec, started, pauses, as_of, extension_days, cal)
    due, provisional = _end(spec, started, extension_days + paused, cal)

    if spec.unit == _WORKING_DAYS:
        days_left, counted_provisional = cal.count(as_of, due)
        provisional = provisional or counted_provisional
    else:
        days_left = due - as_of

    if met_on is not None:
        state = ClockState.MET_ON_TIME if days_left >= 0 else ClockState.MET_LATE
    elif open_now:
        state = ClockState.PAUSED
    elif days_left < 0:
        state = ClockState.OVERDUE
    else:
        state = ClockState.RUNNING

    return ClockReading(
        code=spec.code,
        started_on=started_on,
        due_on=dt.date.fromordinal(due),
        unit=spec.unit,
        days_left=days_left,
        state=state,
        provisional=provisional,
        label_zh=spec.name_zh,
        label_en=spec.name_en,
        basis=spec.basis,
        paused_days=paused,
        extension_days=extension_days,
    )
