"""The clocks on each case (issue: statutory clocks): computed from the case's rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.clocks import ClockReading, ClockState, due_date
from disputes.models import Dispute, Status
from disputes.selectors import dispute_clocks, overdue_figures, with_clock_data
from tests.world import World


def clock(dispute: Dispute, code: str) -> object:
    d = with_clock_data(Dispute.objects.filter(pk=dispute.pk)).get()
    readings = {r.code: r for r in dispute_clocks(d)}
    return readings[code]


def test_an_accepted_case_shows_its_mediation_acceptance_service_tribunal_and_award_clocks(
    world: World,
) -> None:
    dispute = world.case_in(Status.ACCEPTED)
    codes = [r.code for r in dispute_clocks(with_clock_data(
        Dispute.objects.filter(pk=dispute.pk)).get())]
    assert codes == ["mediation_window", "acceptance_decision", "serve_application", "defence",
                     "tribunal_notice", "award"]
    acceptance = clock(dispute, "acceptance_decision")
    assert acceptance.state == ClockState.MET_ON_TIME  # type: ignore[attr-defined]


def test_suspension_shifts_the_award_date_by_exactly_its_length(world: World) -> None:
    dispute = world.case_in(Status.ACCEPTED)
    before = clock(dispute, "award").due_on  # type: ignore[attr-defined]
    world.do("suspend", dispute)  # started on received + 10 days
    world.do("resume", dispute)   # resumed on received + 20 days
    after = clock(dispute, "award")
    record = Dispute.objects.get(pk=dispute.pk).arbitration
    started = record.award_clock_started_on
    assert started is not None
    # 45 calendar days after a start moved 10 days later = the same days, rolled once.
    assert after.paused_days == 10  # type: ignore[attr-defined]
    assert after.due_on == due_date("award", started + dt.timedelta(days=10)).date  # type: ignore[attr-defined]
    assert after.due_on > before  # type: ignore[attr-defined]


def test_an_extension_adds_its_days(world: World) -> None:
    dispute = world.case_in(Status.ACCEPTED)
    before = clock(dispute, "award")
    world.do("extend_award_deadline", dispute, days=15)
    after = clock(dispute, "award")
    assert after.extension_days == 15  # type: ignore[attr-defined]
    assert after.due_on > before.due_on  # type: ignore[attr-defined]


def test_added_claims_restart_the_award_clock(world: World) -> None:
    dispute = world.case_in(Status.ACCEPTED)
    world.do("amend_claims", dispute)
    record = Dispute.objects.get(pk=dispute.pk).arbitration
    assert clock(dispute, "award").started_on == record.award_clock_started_on  # type: ignore[attr-defined]
    assert record.award_clock_started_on == dispute.received_on + dt.timedelta(days=7)


def test_a_late_acceptance_decision_and_an_overdue_award_are_counted(world: World) -> None:
    late = world.case_in(Status.ARBITRATION_REVIEW)
    world.do("accept", late, accepted_on=(late.received_on + dt.timedelta(days=40)).isoformat())
    figures = overdue_figures(Dispute.objects.filter(organization=world.commission))
    assert figures.late_acceptance_decisions == 1
    # accepted 40 days after receipt, 20 days ago: the award (45 days) is not yet overdue
    assert figures.overdue_awards == 0
    old = world.case_in(Status.ACCEPTED)  # accepted ~55 days ago: 45-day award clock ran out
    assert clock(old, "award").state == ClockState.OVERDUE  # type: ignore[attr-defined]
    assert overdue_figures(Dispute.objects.filter(organization=world.commission)).overdue_awards == 1


@pytest.mark.parametrize("count", [2, 6])
def test_a_queue_of_clocks_costs_a_fixed_number_of_queries(world: World, count: int) -> None:
    for _ in range(count):
        world.case_in(Status.ACCEPTED)
    with CaptureQueriesContext(connection) as queries:
        for d in with_clock_data(Dispute.objects.all()):
            dispute_clocks(d)
    assert len(queries) <= 5


# --- Service, defence and tribunal notice, on real dates --------------------------------
# The case is filed at the commission on Mon 2026-09-28, the application received Tue
# 9-29 and accepted Wed 9-30, just before the National Day holidays (Oct 1-7, make-up
# working Saturday Oct 10). Five working days from 9-30: Oct 8, 9, 10, 12, 13.
D = dt.date
ACCEPTED_ON = D(2026, 9, 30)
FIVE_WORKING_DAYS_LATER = D(2026, 10, 13)


def accepted_on_the_eve_of_national_day(world: World) -> Dispute:
    dispute = world.submit(received_on=D(2026, 9, 28))
    dispute = world.do("apply_for_arbitration", dispute, applied_on="2026-09-29")
    return world.do("accept", dispute, accepted_on=ACCEPTED_ON.isoformat())


def readings_on(dispute: Dispute, today: dt.date) -> dict[str, ClockReading]:
    d = with_clock_data(Dispute.objects.filter(pk=dispute.pk)).get()
    return {r.code: r for r in dispute_clocks(d, today=today)}


@pytest.mark.parametrize(
    ("served_on", "today", "state", "days_left"),
    [
        (D(2026, 10, 13), D(2026, 11, 2), ClockState.MET_ON_TIME, 0),
        (D(2026, 10, 8), D(2026, 11, 2), ClockState.MET_ON_TIME, 4),  # Oct 9, 10, 12, 13
        (D(2026, 10, 14), D(2026, 11, 2), ClockState.MET_LATE, -1),
        (D(2026, 10, 19), D(2026, 11, 2), ClockState.MET_LATE, -4),  # Oct 14, 15, 16, 19
        (None, D(2026, 10, 7), ClockState.RUNNING, 5),  # a holiday: all five still ahead
        (None, D(2026, 10, 10), ClockState.RUNNING, 2),  # the make-up Saturday counts
        (None, D(2026, 10, 13), ClockState.RUNNING, 0),
        (None, D(2026, 10, 15), ClockState.OVERDUE, -2),
    ],
)
def test_the_service_clock_runs_five_working_days_from_acceptance(
    world: World, served_on: dt.date | None, today: dt.date, state: ClockState, days_left: int,
) -> None:
    dispute = accepted_on_the_eve_of_national_day(world)
    if served_on is not None:
        world.do("serve_application", dispute, served_on=served_on.isoformat())
    reading = readings_on(dispute, today)["serve_application"]
    assert (reading.started_on, reading.due_on) == (ACCEPTED_ON, FIVE_WORKING_DAYS_LATER)
    assert (reading.state, reading.days_left) == (state, days_left)


# Served Fri 2026-10-09: ten working days are Oct 10 (make-up Saturday), 12-16, 19-22.
@pytest.mark.parametrize(
    ("received_on", "today", "state", "days_left"),
    [
        (D(2026, 10, 22), D(2026, 11, 2), ClockState.MET_ON_TIME, 0),
        (D(2026, 10, 12), D(2026, 11, 2), ClockState.MET_ON_TIME, 8),
        (D(2026, 10, 23), D(2026, 11, 2), ClockState.MET_LATE, -1),
        (None, D(2026, 10, 9), ClockState.RUNNING, 10),
        (None, D(2026, 10, 21), ClockState.RUNNING, 1),
        (None, D(2026, 10, 26), ClockState.OVERDUE, -2),  # Oct 23 and Mon 26
    ],
)
def test_the_defence_clock_runs_ten_working_days_from_service(
    world: World, received_on: dt.date | None, today: dt.date, state: ClockState,
    days_left: int,
) -> None:
    dispute = accepted_on_the_eve_of_national_day(world)
    world.do("serve_application", dispute, served_on="2026-10-09")
    if received_on is not None:
        world.do("record_defence", dispute, received_on=received_on.isoformat())
    reading = readings_on(dispute, today)["defence"]
    assert (reading.started_on, reading.due_on) == (D(2026, 10, 9), D(2026, 10, 22))
    assert (reading.state, reading.days_left) == (state, days_left)


def test_there_is_no_defence_clock_before_service(world: World) -> None:
    dispute = accepted_on_the_eve_of_national_day(world)
    readings = readings_on(dispute, D(2026, 10, 20))
    assert "defence" not in readings
    assert readings["serve_application"].state == ClockState.OVERDUE


@pytest.mark.parametrize(
    ("formed_on", "today", "state", "days_left"),
    [
        (D(2026, 10, 9), D(2026, 11, 2), ClockState.MET_ON_TIME, 3),  # Oct 10, 12, 13
        (D(2026, 10, 13), D(2026, 11, 2), ClockState.MET_ON_TIME, 0),
        (D(2026, 10, 14), D(2026, 11, 2), ClockState.MET_LATE, -1),
        (None, D(2026, 10, 12), ClockState.RUNNING, 1),
        (None, D(2026, 10, 14), ClockState.OVERDUE, -1),
    ],
)
def test_the_tribunal_notice_clock_is_met_by_the_formation_date(
    world: World, formed_on: dt.date | None, today: dt.date, state: ClockState, days_left: int,
) -> None:
    dispute = accepted_on_the_eve_of_national_day(world)
    if formed_on is not None:
        world.do("form_tribunal", dispute, formed_on=formed_on.isoformat())
    reading = readings_on(dispute, today)["tribunal_notice"]
    assert (reading.started_on, reading.due_on) == (ACCEPTED_ON, FIVE_WORKING_DAYS_LATER)
    assert (reading.state, reading.days_left) == (state, days_left)


def test_a_re_formed_tribunal_keeps_the_first_formation_date(world: World) -> None:
    dispute = accepted_on_the_eve_of_national_day(world)
    world.do("form_tribunal", dispute, formed_on="2026-10-09")
    world.do("form_tribunal", dispute, formed_on="2026-10-20")  # e.g. after a recusal
    record = Dispute.objects.get(pk=dispute.pk).arbitration
    assert record.tribunal_formed_on == D(2026, 10, 9)
    assert readings_on(dispute, D(2026, 11, 2))["tribunal_notice"].state == ClockState.MET_ON_TIME


def test_a_case_closed_before_service_shows_no_service_or_tribunal_clock(world: World) -> None:
    dispute = accepted_on_the_eve_of_national_day(world)
    world.do("withdraw", dispute, closed_on="2026-10-08")
    codes = set(readings_on(dispute, D(2026, 11, 2)))
    assert {"serve_application", "tribunal_notice", "defence"}.isdisjoint(codes)
    assert {"acceptance_decision", "award"} <= codes


def test_a_closed_case_keeps_the_clocks_it_met(world: World) -> None:
    dispute = accepted_on_the_eve_of_national_day(world)
    world.do("serve_application", dispute, served_on="2026-10-09")
    world.do("withdraw", dispute, closed_on="2026-10-12")
    readings = readings_on(dispute, D(2026, 11, 2))
    assert readings["serve_application"].state == ClockState.MET_ON_TIME
    assert "defence" not in readings  # no defence came before the case closed
