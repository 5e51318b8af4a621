"""Summary passes beside concurrent transactions: an event that commits after a later one
is still counted, and a reader never waits for a pass in progress. Needs PostgreSQL's row
locks and its commit order; runs in CI, never skipped there."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction

from disputes import services
from disputes.models import Channel, Dispute
from indicators.maintenance import catch_up, update_all
from indicators.models import EVENTS, PendingGap, Watermark
from mediation.models import District, Membership, Organization, Role
from tests.indicators.conftest import summary_cells
from tests.indicators.recount import recount
from tests.world import World

pytestmark = [pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def in_thread(target: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def elsewhere(world: World) -> Callable[[], Dispute]:
    """Intake in a second district. (A transition locks its case's district row too, via
    `select_related` in `lock_dispute`, so two cases of one district commit in turn.)"""
    district = District.objects.create(code="420113", name="汉阳区", city="武汉市")
    center = Organization.objects.create(kind=Organization.Kind.STREET_CENTER,
                                         name="汉阳区劳动争议调解中心", district=district)
    clerk = get_user_model().objects.create_user(username="clerk_hy", password="x-clerk")
    Membership.objects.create(user=clerk, organization=center, role=Role.INTAKE_CLERK)

    def submit() -> Dispute:
        application = dataclasses.replace(world.application(organization=center),
                                          district=district, street=None)
        return services.dispute_submit(actor=clerk, application=application,
                                       channel=Channel.COUNTER).dispute

    return submit


@pytest.mark.usefixtures("ratings")
def test_an_event_committed_after_a_later_one_is_still_counted(world: World) -> None:
    slow = world.case_in("street_mediation")
    submit_elsewhere = elsewhere(world)
    update_all()
    inside, release = threading.Event(), threading.Event()

    def long_transition() -> None:
        with transaction.atomic():
            world.do("record_failure", slow)  # its event takes an id, not yet visible
            inside.set()
            release.wait(10)

    thread = in_thread(long_transition)
    assert inside.wait(10)
    submit_elsewhere()  # an event with a higher id, committed first
    update_all()
    assert PendingGap.objects.filter(source=EVENTS).exists()
    release.set()
    thread.join(10)

    update_all()

    counts, amounts = recount([])
    assert summary_cells() == (counts, amounts)
    assert not PendingGap.objects.exists()


@pytest.mark.usefixtures("ratings")
def test_a_reader_does_not_wait_for_a_pass_in_progress(world: World) -> None:
    world.case_in("mediation_failed")
    update_all()
    world.do("route_to_street", world.submit())
    holding, release = threading.Event(), threading.Event()

    def long_pass() -> None:
        with transaction.atomic():
            Watermark.objects.select_for_update().get(source=EVENTS)
            holding.set()
            release.wait(10)

    thread = in_thread(long_pass)
    assert holding.wait(10)
    result = catch_up(wait=False)
    release.set()
    thread.join(10)

    assert result.busy is True
    assert result.events == 0
    assert catch_up().events == 2
