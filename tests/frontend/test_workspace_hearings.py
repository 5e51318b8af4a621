"""The hearing calendar (/workspace/hearings/): an arbitrator's own tribunals by day; the
chair and filing officers see the commission's; others have no calendar."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.models import Hearing
from tests.world import days_ago

pytestmark = pytest.mark.django_db

CALENDAR = "/workspace/hearings/"


def hearings_listed(response: Any) -> list[int]:
    assert response.status_code == 200, response.content[:2000]
    return [int(pk) for pk in re.findall(r'data-hearing="(\d+)"', response.content.decode())]


def scheduled(world: Any, *, in_days: int, **kwargs: Any) -> Hearing:
    """A case whose hearing is `in_days` from today (the world schedules it by its receipt)."""
    case = world.case_in("hearing_scheduled", received_on=days_ago(20 - in_days), **kwargs)
    return Hearing.objects.get(record__dispute=case, state=Hearing.State.SCHEDULED)


def test_the_calendar_is_at_workspace_hearings() -> None:
    assert reverse("workspace:hearings") == CALENDAR


def test_an_arbitrator_sees_the_hearings_of_their_tribunals_by_day(world, client_as) -> None:
    first = scheduled(world, in_days=2)
    later = scheduled(world, in_days=9)
    start = timezone.localdate().isoformat()
    response = client_as("arbitrator").get(CALENDAR, {"from": start})
    assert hearings_listed(response) == [first.pk, later.pk]
    html = response.content.decode()
    day = timezone.localtime(first.scheduled_for).date().isoformat()
    assert f'<time datetime="{day}">' in html
    assert "09:30" in html and "第一仲裁庭" in html and "我参加" in html
    assert first.record.case_number in html
    # arbitrator2 sits on neither tribunal.
    assert hearings_listed(client_as("arbitrator2").get(CALENDAR, {"from": start})) == []
    # The commission's chair and filing officers see every hearing.
    assert hearings_listed(client_as("chair").get(CALENDAR, {"from": start})) == [first.pk,
                                                                                 later.pk]
    assert hearings_listed(client_as("filing_officer").get(CALENDAR, {"from": start})) == [
        first.pk, later.pk]


def test_past_and_far_hearings_are_outside_the_four_weeks_shown(world, client_as) -> None:
    past = scheduled(world, in_days=-3)
    soon = scheduled(world, in_days=1)
    arbitrator = client_as("arbitrator")
    assert hearings_listed(arbitrator.get(CALENDAR)) == [soon.pk]
    week_before = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert hearings_listed(arbitrator.get(CALENDAR, {"from": week_before})) == [past.pk, soon.pk]
    far = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    assert hearings_listed(arbitrator.get(CALENDAR, {"from": far})) == []
    assert hearings_listed(arbitrator.get(CALENDAR, {"from": "not-a-date"})) == [soon.pk]


def test_a_postponed_hearing_shows_only_on_its_new_date(world, client_as) -> None:
    hearing = scheduled(world, in_days=2)
    case = hearing.record.dispute
    world.do("postpone_hearing", case)
    new = Hearing.objects.get(record__dispute=case, state=Hearing.State.SCHEDULED)
    start = timezone.localdate().isoformat()
    assert hearings_listed(client_as("arbitrator").get(CALENDAR, {"from": start})) == [new.pk]


def test_only_commission_staff_have_a_calendar(world, client_as) -> None:
    scheduled(world, in_days=2)
    for persona in ["mediator", "head", "supervisor", "worker"]:
        assert client_as(persona).get(CALENDAR).status_code == 403, persona
    assert client_as(None).get(CALENDAR).status_code == 302
    assert "workspace/hearings/" in client_as("arbitrator").get("/workspace/").content.decode()
    assert "workspace/hearings/" not in client_as("mediator").get("/workspace/").content.decode()
