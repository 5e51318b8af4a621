"""Keeping the summaries: the watermark, counting once, the commands."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from disputes.models import DisputeEvent
from indicators.apps import IndicatorsConfig
from indicators.fold import OutOfSequence
from indicators.maintenance import EventRow, apply_events, catch_up, update_all
from indicators.models import EVENTS, CaseTrack, Watermark
from tests.indicators.conftest import FixtureRatings, summary_cells
from tests.world import World


def events_of(dispute_id: int) -> list[EventRow]:
    return [EventRow(*row) for row in DisputeEvent.objects.filter(dispute_id=dispute_id)
            .order_by("seq").values_list(*EventRow._fields)]


@pytest.mark.django_db
def test_a_pass_moves_the_watermark_to_the_last_event_read(world: World,
                                                           ratings: FixtureRatings) -> None:
    world.case_in("mediation_failed")
    last = DisputeEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    first = catch_up(limit=2)
    rest = update_all()

    assert (first.events, rest.events) == (2, 1)
    assert Watermark.objects.get(source=EVENTS).last_id == last
    assert catch_up().total == 0


@pytest.mark.django_db
def test_an_event_is_never_counted_twice(world: World, ratings: FixtureRatings) -> None:
    case = world.case_in("mediation_succeeded")
    update_all()
    before = summary_cells()

    apply_events(events_of(case.pk))  # the same events again, as after a retried pass

    assert summary_cells() == before


@pytest.mark.django_db
def test_a_hole_in_a_case_log_stops_the_pass(world: World, ratings: FixtureRatings) -> None:
    case = world.case_in("mediation_failed")
    events = events_of(case.pk)

    with pytest.raises(OutOfSequence):
        apply_events([events[0], events[2]])


@pytest.mark.django_db
def test_the_commands_update_and_rebuild(world: World, ratings: FixtureRatings) -> None:
    world.case_in("closed")
    out = StringIO()

    call_command("update_indicators", stdout=out)
    counted = summary_cells()
    call_command("recompute_indicators", stdout=out)

    assert "4 event(s), 0 rating(s) added" in out.getvalue()
    assert "rebuilt from 4 event(s)" in out.getvalue()
    assert summary_cells() == counted
    assert CaseTrack.objects.count() == 1


@pytest.mark.parametrize("value", [{"mediation_success": 7}, {"no_such_rate": 1}])
def test_a_default_version_that_does_not_exist_is_refused(settings: object,
                                                          value: dict[str, int]) -> None:
    settings.INDICATORS_DEFAULT_VERSIONS = value  # type: ignore[attr-defined]
    import indicators

    with pytest.raises(ImproperlyConfigured):
        IndicatorsConfig("indicators", indicators).ready()
