"""Read-side queries about cases: the clocks that apply to a case, overdue figures.

Clocks are computed from the case's own rows with the cached calendar and period table:
no query per clock, and `clocks_for_many` reads a whole queue in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from disputes.clocks import ClockReading, ClockState, Pause, read_clock
from disputes.models import (
    ArbitrationRecord,
    Award,
    Dispute,
    MediationAttempt,
    Outcome,
    Status,
    Suspension,
)

ARBITRATION_OUTCOMES = {Outcome.AWARD, Outcome.MEDIATION_STATEMENT, Outcome.WITHDRAWN,
                        Outcome.OTHER}


def with_clock_data(disputes: QuerySet[Dispute]) -> QuerySet[Dispute]:
    """Prefetch what `dispute_clocks` reads, so a queue costs a fixed number of queries."""
    return disputes.select_related("arbitration").prefetch_related(
        Prefetch("mediation_attempts", queryset=MediationAttempt.objects.order_by("pk")),
        Prefetch("arbitration__suspensions", queryset=Suspension.objects.order_by("started_on")),
        Prefetch("arbitration__awards", queryset=Award.objects.order_by("issued_on", "pk")),
    )


def _record(dispute: Dispute) -> ArbitrationRecord | None:
    try:
        return dispute.arbitration
    except ArbitrationRecord.DoesNotExist:
        return None


def dispute_clocks(dispute: Dispute, *, today: dt.date | None = None) -> list[ClockReading]:
    """Every clock that applies to the case now or applied in the past."""
    today = today or timezone.localdate()
    readings: list[ClockReading] = []
    # Law art. 14: 15 days for each mediation; nothing closes when it runs out.
    for attempt in dispute.mediation_attempts.all():
        if attempt.tier in {"arbitral"}:
            continue
        readings.append(read_clock("mediation_window", attempt.received_on, today=today,
                                   met_on=attempt.ended_on))
    record = _record(dispute)
    if record is None:
        return readings
    # Law art. 29: decide acceptance within 5 working days of receiving the application.
    decided_on = record.accepted_on or (
        dispute.closed_on if dispute.status == Status.NOT_ACCEPTED else None)
    if decided_on is None and dispute.status in (Status.CLOSED,):
        decided_on = dispute.closed_on  # withdrawn or mediated before a decision
    readings.append(read_clock("acceptance_decision", record.applied_on, today=today,
                               met_on=decided_on))
    if record.award_clock_started_on is not None:
        # Law art. 43: 45 days (+ up to 15 approved once); suspension stops the clock
        # (Rules art. 47) and added claims restart it (Rules art. 46).
        closed = dispute.closed_on if dispute.outcome in ARBITRATION_OUTCOMES else None
        pauses = [Pause(s.started_on, s.ended_on) for s in record.suspensions.all()
                  if s.started_on >= record.award_clock_started_on]
        readings.append(read_clock("award", record.award_clock_started_on, today=today,
                                   met_on=closed, pauses=pauses,
                                   extension_days=record.extension_days))
    finals = [a for a in record.awards.all() if a.kind == Award.Kind.FINAL]
    if finals:
        # Law arts. 48, 50: 15 days to sue after receiving the award (issue date used).
        readings.append(read_clock("lawsuit_after_award", finals[-1].issued_on, today=today,
                                   met_on=None))
    return readings


def clocks_for_many(disputes: Iterable[Dispute], *, today: dt.date | None = None
                    ) -> dict[int, list[ClockReading]]:
    today = today or timezone.localdate()
    return {d.pk: dispute_clocks(d, today=today) for d in disputes}


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
