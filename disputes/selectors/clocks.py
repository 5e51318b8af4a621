"""The clocks that apply to a case, from its own rows with the cached calendar and period
table (no query per clock; `clocks_for_many` and `page_rows` read a whole queue in a fixed
number of queries), the next deadline, and overdue figures."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from disputes.clocks import ClockReading, ClockState, Pause, read_clock
from disputes.models import (
    ArbitrationRecord,
    Award,
    Dispute,
    DisputeEvent,
    MediationAttempt,
    Outcome,
    Party,
    Status,
    Suspension,
)

ARBITRATION_OUTCOMES = {Outcome.AWARD, Outcome.MEDIATION_STATEMENT, Outcome.WITHDRAWN,
                        Outcome.OTHER}


def clock_prefetches(attempts: QuerySet[MediationAttempt] | None = None) -> list[Prefetch]:
    """The prefetches of what `dispute_clocks` reads, in the orders it needs (of cases read
    with `select_related("arbitration")`). `attempts`: the attempts' queryset, for a
    screen that joins what else it shows of them."""
    base = MediationAttempt.objects.all() if attempts is None else attempts
    return [
        Prefetch("mediation_attempts", queryset=base.order_by("pk")),
        Prefetch("arbitration__suspensions", queryset=Suspension.objects.order_by("started_on")),
        Prefetch("arbitration__awards", queryset=Award.objects.order_by("issued_on", "pk")),
    ]


def with_clock_data(disputes: QuerySet[Dispute]) -> QuerySet[Dispute]:
    """Prefetch what `dispute_clocks` reads, so a queue costs a fixed number of queries."""
    return disputes.select_related("arbitration").prefetch_related(*clock_prefetches())


def record_of(dispute: Dispute) -> ArbitrationRecord | None:
    try:
        return dispute.arbitration
    except ArbitrationRecord.DoesNotExist:
        return None


def dispute_clocks(dispute: Dispute, *, today: dt.date | None = None) -> list[ClockReading]:
    """Every clock that applies to the case now or applied in the past."""
    record = record_of(dispute)
    # Lazy managers: a relation is read only where a clock needs it (as before the split).
    return _clocks(dispute, dispute.mediation_attempts.all(), record,
                   record.suspensions.all() if record is not None else (),
                   record.awards.all() if record is not None else (),
                   today=today or timezone.localdate())


class CaseClockFields(Protocol):
    """What the clocks read of a case (a Dispute, or a list's row of values)."""

    @property
    def status(self) -> str: ...
    @property
    def closed_on(self) -> dt.date | None: ...
    @property
    def outcome(self) -> str: ...


class RecordClockFields(Protocol):
    """What the clocks read of an arbitration record (the model, or plain values)."""

    @property
    def applied_on(self) -> dt.date: ...
    @property
    def accepted_on(self) -> dt.date | None: ...
    @property
    def application_served_on(self) -> dt.date | None: ...
    @property
    def defence_received_on(self) -> dt.date | None: ...
    @property
    def tribunal_formed_on(self) -> dt.date | None: ...
    @property
    def award_clock_started_on(self) -> dt.date | None: ...
    @property
    def extension_days(self) -> int: ...


class _AttemptRow(Protocol):
    @property
    def tier(self) -> str: ...
    @property
    def received_on(self) -> dt.date: ...
    @property
    def ended_on(self) -> dt.date | None: ...


class _SuspensionRow(Protocol):
    @property
    def started_on(self) -> dt.date: ...
    @property
    def ended_on(self) -> dt.date | None: ...


class _AwardRow(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def issued_on(self) -> dt.date: ...


def _clocks(dispute: CaseClockFields, attempts: Iterable[_AttemptRow],
            record: RecordClockFields | None,
            suspensions: Iterable[_SuspensionRow], awards: Iterable[_AwardRow], *,
            today: dt.date) -> list[ClockReading]:
    """`dispute_clocks` from the case's related rows, given in the order the clocks need
    (attempts by pk, suspensions by start, awards by issue date then pk): model instances
    or plain named rows with the same attributes."""
    readings: list[ClockReading] = []
    # Law art. 14: 15 days for each mediation; nothing closes when it runs out.
    for attempt in attempts:
        if attempt.tier in {"arbitral"}:
            continue
        readings.append(read_clock("mediation_window", attempt.received_on, today=today,
                                   met_on=attempt.ended_on))
    if record is None:
        return readings
    # Law art. 29: decide acceptance within 5 working days of receiving the application.
    decided_on = record.accepted_on or (
        dispute.closed_on if dispute.status == Status.NOT_ACCEPTED else None)
    if decided_on is None and dispute.status in (Status.CLOSED,):
        decided_on = dispute.closed_on  # withdrawn or mediated before a decision
    readings.append(read_clock("acceptance_decision", record.applied_on, today=today,
                               met_on=decided_on))
    # A clock whose act never happened stops mattering once the case is closed (withdrawn
    # before service, say): it is shown while the case is open, or once met.
    still_open = dispute.status not in (Status.CLOSED, Status.NOT_ACCEPTED)
    if record.accepted_on is not None:
        served = record.application_served_on
        # Law art. 30: serve the application on the respondent within 5 working days.
        if served is not None or still_open:
            readings.append(read_clock("serve_application", record.accepted_on, today=today,
                                       met_on=served))
        # Law art. 30: the respondent's 10 days run from receiving the copy; a missing
        # defence does not stop the case, so an overdue reading only says none came.
        defence = record.defence_received_on
        if served is not None and (defence is not None or still_open):
            readings.append(read_clock("defence", served, today=today, met_on=defence))
        # Law art. 32, Rules art. 37: the tribunal's composition within 5 working days.
        formed = record.tribunal_formed_on
        if formed is not None or still_open:
            readings.append(read_clock("tribunal_notice", record.accepted_on, today=today,
                                       met_on=formed))
    if record.award_clock_started_on is not None:
        # Law art. 43: 45 days (+ up to 15 approved once); suspension stops the clock
        # (Rules art. 47) and added claims restart it (Rules art. 46).
        closed = dispute.closed_on if dispute.outcome in ARBITRATION_OUTCOMES else None
        pauses = [Pause(s.started_on, s.ended_on) for s in suspensions
                  if s.started_on >= record.award_clock_started_on]
        readings.append(read_clock("award", record.award_clock_started_on, today=today,
                                   met_on=closed, pauses=pauses,
                                   extension_days=record.extension_days))
    finals = [a for a in awards if a.kind == Award.Kind.FINAL]
    if finals:
        # Law arts. 48, 50: 15 days to sue after receiving the award (issue date used).
        readings.append(read_clock("lawsuit_after_award", finals[-1].issued_on, today=today,
                                   met_on=None))
    return readings


# Clocks that measure the staff's own work; the lawsuit period after an award is the
# parties' and does not put a case on anyone's overdue list.
STAFF_CLOCKS = frozenset({
    "mediation_window", "acceptance_decision", "serve_application", "tribunal_notice",
    "award",
})


def next_due(dispute: Dispute, *, today: dt.date | None = None) -> tuple[dt.date | None, str]:
    """The earliest due date among the case's running (or overdue) staff clocks; paused
    and met clocks do not count. (None, "") when nothing is running."""
    running = [
        r for r in dispute_clocks(dispute, today=today)
        if r.code in STAFF_CLOCKS and r.state in (ClockState.RUNNING, ClockState.OVERDUE)
    ]
    if not running:
        return None, ""
    first = min(running, key=lambda r: r.due_on)
    return first.due_on, first.code


def clocks_for_many(disputes: Iterable[Dispute], *, today: dt.date | None = None
                    ) -> dict[int, list[ClockReading]]:
    today = today or timezone.localdate()
    return {d.pk: dispute_clocks(d, today=today) for d in disputes}


@dataclass(frozen=True, slots=True)
class AttemptRow:
    tier: str
    received_on: dt.date
    ended_on: dt.date | None


@dataclass(frozen=True, slots=True)
class SuspensionRow:
    started_on: dt.date
    ended_on: dt.date | None


@dataclass(frozen=True, slots=True)
class AwardRow:
    kind: str
    issued_on: dt.date


@dataclass(slots=True)
class PageRows:
    """What a case list row shows besides the case's own row, and what its clocks read:
    parties as (side, kind, name) in (side, pk) order; attempts by pk; suspensions by
    start; awards by issue date, then pk."""

    parties: list[tuple[str, str, str]] = field(default_factory=list)
    attempts: list[AttemptRow] = field(default_factory=list)
    suspensions: list[SuspensionRow] = field(default_factory=list)
    awards: list[AwardRow] = field(default_factory=list)
    # Only with page_rows(..., events=True): the timeline as (seq, kind, occurred_on).
    events: list[tuple[int, str, dt.date]] = field(default_factory=list)


def _page_rows_sql(match: str, *, events: bool = False) -> str:
    """The UNION ALL of `page_rows`, in SQL both PostgreSQL and SQLite run: written out
    because building four ORM querysets and their union cost more CPU than the rows.
    `match` follows each branch's `dispute_id`."""
    q = connection.ops.quote_name
    party, attempt = Party._meta.db_table, MediationAttempt._meta.db_table
    record = ArbitrationRecord._meta.db_table
    pause, award = Suspension._meta.db_table, Award._meta.db_table
    # Columns: tag, case id, row id, two texts, two dates (NULL where a part has none).
    # Only quoted names from the models' meta, integers and placeholders go into the text.
    parts = [
        f"SELECT 'p', {q('dispute_id')}, {q('id')}, {q('side')}, {q('kind')}, {q('name')}, "  # noqa: S608
        f"NULL, NULL FROM {q(party)} WHERE {q('dispute_id')} {match}",
        f"SELECT 'm', {q('dispute_id')}, {q('id')}, {q('tier')}, NULL, NULL, "  # noqa: S608
        f"{q('received_on')}, {q('ended_on')} FROM {q(attempt)} "
        f"WHERE {q('dispute_id')} {match}",
        f"SELECT 's', r.{q('dispute_id')}, x.{q('id')}, NULL, NULL, NULL, x.{q('started_on')}, "  # noqa: S608
        f"x.{q('ended_on')} FROM {q(pause)} x JOIN {q(record)} r "
        f"ON r.{q('id')} = x.{q('record_id')} WHERE r.{q('dispute_id')} {match}",
        f"SELECT 'w', r.{q('dispute_id')}, x.{q('id')}, x.{q('kind')}, NULL, NULL, "  # noqa: S608
        f"x.{q('issued_on')}, NULL FROM {q(award)} x JOIN {q(record)} r "
        f"ON r.{q('id')} = x.{q('record_id')} WHERE r.{q('dispute_id')} {match}",
    ]
    if events:
        parts.append(
            f"SELECT 'e', {q('dispute_id')}, {q('seq')}, {q('kind')}, NULL, NULL, "  # noqa: S608
            f"{q('occurred_on')}, NULL FROM {q(DisputeEvent._meta.db_table)} "
            f"WHERE {q('dispute_id')} {match}")
    return " UNION ALL ".join(parts)


def db_date(value: dt.date | str | None) -> dt.date | None:
    """A date column's value as a date: SQLite hands back text where it does not know
    the column's type (through a UNION, an aggregate, a raw query)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def page_rows(dispute_ids: Sequence[int], *, events: bool = False) -> dict[int, PageRows]:
    """The parties, mediation attempts, suspensions and awards of many cases in ONE query
    (a UNION ALL of four plain selects; ordered here): a case list's page costs its case
    rows and this, whatever its size. Every id gets an entry. With `events`, the same
    query also brings each case's timeline (`PageRows.events`, in seq order)."""
    rows: dict[int, PageRows] = {pk: PageRows() for pk in dispute_ids}
    if not rows:
        return rows
    ids = [str(int(pk)) for pk in rows]
    if connection.vendor == "postgresql" and not events:
        # One statement for every page, the ids as one text parameter in each of the four
        # branches: it is prepared once (DB_PREPARE_THRESHOLD), where ids written into the
        # text make a new statement, planned anew (about 1 ms), for each page. As text,
        # not a list: psycopg would work out a type for every element of a list.
        array = "{" + ",".join(ids) + "}"
        sql, params = _page_rows_sql("= ANY(%s::bigint[])"), [array] * 4
    else:
        # SQLite has no arrays. With the timeline, PostgreSQL's plan for a prepared
        # `= ANY(...)` (one plan for any array) reads the events table far slower than
        # one made for the ids at hand, so they are written into the text as integers.
        sql, params = _page_rows_sql(f"IN ({', '.join(ids)})", events=events), None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _collect_page_rows(rows, cursor.fetchall())


def page_rows_subquery(case_id: str) -> str:
    """PostgreSQL only: `page_rows(..., events=True)` of the case whose id is the SQL
    expression `case_id` (a column of the outer query), as a scalar subquery giving one
    JSON array of rows: a query that reads cases can bring their rows in the same
    statement. `page_rows_of(pk, value)` reads the value."""
    union = _page_rows_sql(f"= {case_id}", events=True)
    return (f"(SELECT json_agg(json_build_array(t, o, k, a, b, c, d1, d2)) "  # noqa: S608
            f"FROM ({union}) AS x(t, o, k, a, b, c, d1, d2))")


def page_rows_of(pk: int, value: list[list[Any]] | str | None) -> PageRows:
    """The PageRows of the case `pk` from `page_rows_subquery`'s value."""
    fetched = json.loads(value) if isinstance(value, str) else (value or [])
    return _collect_page_rows({pk: PageRows()}, fetched)[pk]


def _collect_page_rows(rows: dict[int, PageRows], fetched: Iterable[Sequence[Any]]
                      ) -> dict[int, PageRows]:
    """Fill `rows` (one empty PageRows per case id) from the fetched rows of
    `_page_rows_sql`, in each part's order."""
    parties, attempts, suspensions, awards = [], [], [], []
    timeline: list[tuple[int, int, str, dt.date]] = []
    for tag, owner, pk, a, b, c, d1, d2 in fetched:
        if tag == "e":
            timeline.append((owner, pk, a, db_date(d1)))  # type: ignore[arg-type]
        elif tag == "p":
            parties.append((owner, a, pk, b, c))
        elif tag == "m":
            attempts.append((owner, pk, AttemptRow(a, db_date(d1), db_date(d2))))  # type: ignore[arg-type]
        elif tag == "s":
            start = db_date(d1)
            suspensions.append((owner, start, pk, SuspensionRow(start, db_date(d2))))  # type: ignore[arg-type]
        else:
            issued = db_date(d1)
            awards.append((owner, issued, pk, AwardRow(a, issued)))  # type: ignore[arg-type]
    for owner, side, _pk, kind, name in sorted(parties, key=lambda r: (r[0], r[1], r[2])):
        rows[owner].parties.append((side, kind, name))
    for owner, _pk, attempt in sorted(attempts, key=lambda r: (r[0], r[1])):
        rows[owner].attempts.append(attempt)
    for owner, _start, _pk, pause in sorted(suspensions, key=lambda r: (r[0], r[1])):
        rows[owner].suspensions.append(pause)
    for owner, _issued, _pk, award in sorted(awards, key=lambda r: (r[0], r[1], r[2])):
        rows[owner].awards.append(award)
    for owner, seq, kind, occurred_on in sorted(timeline, key=lambda r: (r[0], r[1])):
        rows[owner].events.append((seq, kind, occurred_on))
    return rows


def page_clocks(case: CaseClockFields, record: RecordClockFields | None, rows: PageRows, *,
                today: dt.date) -> list[ClockReading]:
    """`dispute_clocks` of a case given as plain values (a list's row) and its `page_rows`."""
    return _clocks(case, rows.attempts, record, rows.suspensions, rows.awards, today=today)


def clocks_for_page(disputes: Sequence[Dispute], *, today: dt.date | None = None
                    ) -> dict[int, list[ClockReading]]:
    """`clocks_for_many` for cases read with `select_related("arbitration")` and without
    `with_clock_data`'s prefetches: their related rows in one query (`page_rows`)."""
    today = today or timezone.localdate()
    related = page_rows([d.pk for d in disputes])
    return {d.pk: page_clocks(d, record_of(d), related[d.pk], today=today) for d in disputes}


@dataclass(frozen=True)
class OverdueFigures:
    late_acceptance_decisions: int
    overdue_awards: int
    open_mediations_past_window: int


def overdue_figures(disputes: QuerySet[Dispute], *, today: dt.date | None = None
                    ) -> OverdueFigures:
    """Late acceptance decisions and overdue awards among the given cases (e.g. one
    organization's): counted from the same clock readings the case pages show."""
    late = overdue = windows = 0
    for readings in clocks_for_many(with_clock_data(disputes), today=today).values():
        for r in readings:
            late_state = r.state in (ClockState.OVERDUE, ClockState.MET_LATE)
            if r.code == "acceptance_decision" and late_state:
                late += 1
            elif r.code == "award" and r.state == ClockState.OVERDUE:
                overdue += 1
            elif r.code == "mediation_window" and r.state == ClockState.OVERDUE:
                windows += 1
    return OverdueFigures(late, overdue, windows)


# ---------------------------------------------------------------------------------------
# What the filing officer must see: simplified procedure, collective handling, limitation
