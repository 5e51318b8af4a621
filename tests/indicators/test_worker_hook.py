"""The outbox worker keeps the summaries current (OUTBOX_BEFORE_DELIVERY): after a
transition and one turn of the worker loop the figures count it, with no page read."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from disputes.models import DisputeEvent
from indicators.measures import MEDIATION_AGREED
from indicators.models import EVENTS, IndicatorCount, Watermark
from notifications.outbox import Parcel, run_until_stopped
from tests.indicators.conftest import FixtureRatings, summary_cells
from tests.indicators.recount import recount
from tests.world import World


class OneTurn:
    """A sender that stops the loop once it has delivered (the turn's hooks ran before)."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.sent: list[int] = []

    def __call__(self, parcels: list[Parcel]) -> dict[int, str]:
        self.sent.extend(p.event_id for p in parcels)
        self.stop.set()
        return {}


def one_worker_turn() -> OneTurn:
    stop = threading.Event()
    sender = OneTurn(stop)
    run_until_stopped(stop=stop, send=sender, sweep_at_start=False)
    return sender


@pytest.mark.django_db
def test_a_worker_turn_counts_the_transition_before_delivering_it(
        world: World, ratings: FixtureRatings, settings: Any) -> None:
    settings.INDICATORS_CATCH_UP_ON_READ = False  # no read may do the work here
    world.case_in("mediation_failed")
    one_worker_turn()
    case = world.case_in("mediation_succeeded")
    assert not IndicatorCount.objects.filter(measure=MEDIATION_AGREED).exists()

    sender = one_worker_turn()

    last = DisputeEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert sender.sent and set(case.events.values_list("pk", flat=True)) <= set(sender.sent)
    assert Watermark.objects.get(source=EVENTS).last_id == last
    assert summary_cells()[0] == recount(ratings.rows)[0]
    assert IndicatorCount.objects.filter(measure=MEDIATION_AGREED).exists()


@pytest.mark.django_db
def test_without_hooks_the_worker_only_delivers(world: World, ratings: FixtureRatings,
                                                 settings: Any) -> None:
    settings.OUTBOX_BEFORE_DELIVERY = []
    world.case_in("mediation_succeeded")

    assert one_worker_turn().sent

    assert not IndicatorCount.objects.exists()


@pytest.mark.django_db
def test_a_hook_that_does_not_import_stops_the_worker_at_start(settings: Any) -> None:
    settings.OUTBOX_BEFORE_DELIVERY = ["indicators.maintenance.no_such_function"]

    with pytest.raises(ImportError):
        one_worker_turn()
