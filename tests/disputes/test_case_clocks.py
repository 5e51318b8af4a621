"""The clocks on each case (issue: statutory clocks): computed from the case's rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.clocks import ClockState, due_date
from disputes.models import Dispute, Status
from disputes.selectors import dispute_clocks, overdue_figures, with_clock_data
from tests.world import World


def clock(dispute: Dispute, code: str) -> object:
    d = with_clock_data(Dispute.objects.filter(pk=dispute.pk)).get()
    readings = {r.code: r for r in dispute_clocks(d)}
    return readings[code]


def test_an_accepted_case_shows_its_mediation_acceptance_and_award_clocks(world: World) -> None:
    dispute = world.case_in(Status.ACCEPTED)
    codes = [r.code for r in dispute_clocks(with_clock_data(
        Dispute.objects.filter(pk=dispute.pk)).get())]
    assert codes == ["mediation_window", "acceptance_decision", "award"]
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
