"""`Dispute.next_due_on` is kept by every transition and equals the clocks' answer."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from disputes.models import Dispute
from disputes.selectors import next_due, with_clock_data
from tests.world import PATHS

pytestmark = pytest.mark.django_db


def recount(pk: int) -> tuple[object, str]:
    return next_due(with_clock_data(Dispute.objects.filter(pk=pk)).get())


@pytest.mark.parametrize("state", sorted(PATHS))
def test_every_state_keeps_the_next_due_date(world, state: str) -> None:
    case = world.case_in(state)
    case.refresh_from_db()
    assert (case.next_due_on, case.next_due_clock) == recount(case.pk)
    if state in {"closed", "not_accepted", "suspended", "submitted", "mediation_succeeded",
                 "mediation_failed"}:
        assert case.next_due_on is None
    else:
        assert case.next_due_on is not None


def test_recompute_command_repairs_a_wrong_value(world) -> None:
    case = world.case_in("accepted")
    right = recount(case.pk)
    Dispute.objects.filter(pk=case.pk).update(next_due_on=None, next_due_clock="")
    call_command("recompute_due_dates", verbosity=0)
    case.refresh_from_db()
    assert (case.next_due_on, case.next_due_clock) == right
