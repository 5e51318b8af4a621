"""Service of the application and the respondent's defence (Law art. 30): recorded on the
arbitration record, dated against its history, refused with a clear message otherwise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed

from disputes.models import Dispute, DisputeEvent, Status
from tests.world import World, days_ago


def accepted_unserved(world: World) -> Dispute:
    dispute = world.case_in(Status.ARBITRATION_REVIEW)
    return world.do("accept", dispute)  # accepted on received + 5 days


def codes(caught: pytest.ExceptionInfo[ValidationError], field: str) -> list[str | None]:
    return [e.code for e in caught.value.error_dict[field]]


def unchanged(dispute: Dispute) -> tuple[str, int, int]:
    fresh = Dispute.objects.get(pk=dispute.pk)
    return fresh.status, fresh.version, fresh.event_seq


def test_service_is_recorded_with_its_deadline(world: World) -> None:
    dispute = accepted_unserved(world)
    accepted_on = dispute.arbitration.accepted_on
    assert accepted_on is not None
    served_on = accepted_on + dt.timedelta(days=1)
    world.do("serve_application", dispute, served_on=served_on.isoformat())
    record = Dispute.objects.get(pk=dispute.pk).arbitration
    assert record.application_served_on == served_on
    event = DisputeEvent.objects.filter(dispute=dispute).latest("seq")
    assert event.kind == "serve_application"
    assert event.occurred_on == served_on
    assert event.payload["on_time"] is True
    assert "corrects" not in event.payload


def test_service_before_acceptance_is_refused(world: World) -> None:
    dispute = accepted_unserved(world)
    accepted_on = dispute.arbitration.accepted_on
    assert accepted_on is not None
    before = unchanged(dispute)
    with pytest.raises(ValidationError, match="不能早于受理日期") as caught:
        world.do("serve_application", dispute,
                 served_on=(accepted_on - dt.timedelta(days=1)).isoformat())
    assert codes(caught, "served_on") == ["served_before_acceptance"]
    assert unchanged(dispute) == before
    assert Dispute.objects.get(pk=dispute.pk).arbitration.application_served_on is None


@pytest.mark.parametrize("name, field", [("serve_application", "served_on"),
                                         ("record_defence", "received_on")])
def test_a_date_in_the_future_is_refused(world: World, name: str, field: str) -> None:
    dispute = world.case_in(Status.ACCEPTED)  # served on received + 6 days
    before = unchanged(dispute)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        world.do(name, dispute, **{field: days_ago(-1).isoformat()})
    assert unchanged(dispute) == before


def test_a_defence_before_service_is_on_file_is_refused(world: World) -> None:
    dispute = accepted_unserved(world)
    before = unchanged(dispute)
    with pytest.raises(ValidationError, match="请先登记送达") as caught:
        world.do("record_defence", dispute)
    assert codes(caught, "received_on") == ["not_served"]
    assert unchanged(dispute) == before


def test_a_defence_dated_before_service_is_refused(world: World) -> None:
    dispute = world.case_in(Status.ACCEPTED)
    served_on = dispute.arbitration.application_served_on
    assert served_on is not None
    with pytest.raises(ValidationError, match="不能早于申请书副本送达日期") as caught:
        world.do("record_defence", dispute,
                 received_on=(served_on - dt.timedelta(days=1)).isoformat())
    assert codes(caught, "received_on") == ["defence_before_service"]
    assert Dispute.objects.get(pk=dispute.pk).arbitration.defence_received_on is None


def test_a_late_defence_is_recorded_and_marked_late(world: World) -> None:
    dispute = world.case_in(Status.ACCEPTED)  # served about 54 days ago
    world.do("record_defence", dispute, received_on=days_ago(1).isoformat())
    assert Dispute.objects.get(pk=dispute.pk).arbitration.defence_received_on == days_ago(1)
    event = DisputeEvent.objects.filter(dispute=dispute).latest("seq")
    assert (event.kind, event.payload["on_time"]) == ("record_defence", False)


def test_recording_service_again_corrects_the_date_and_the_log_keeps_both(world: World) -> None:
    dispute = world.case_in(Status.ACCEPTED)  # served on received + 6 days
    first = dispute.arbitration.application_served_on
    assert first is not None
    corrected = first + dt.timedelta(days=1)
    world.do("serve_application", dispute, served_on=corrected.isoformat())
    assert Dispute.objects.get(pk=dispute.pk).arbitration.application_served_on == corrected
    events = DisputeEvent.objects.filter(dispute=dispute, kind="serve_application").order_by("seq")
    assert [e.payload["served_on"] for e in events] == [first.isoformat(), corrected.isoformat()]
    assert events.last().payload["corrects"] == first.isoformat()  # type: ignore[union-attr]


def test_service_cannot_be_moved_after_the_defence(world: World) -> None:
    dispute = world.case_in(Status.ACCEPTED)
    world.do("record_defence", dispute)  # received on received + 8 days
    defence = Dispute.objects.get(pk=dispute.pk).arbitration.defence_received_on
    assert defence is not None
    with pytest.raises(ValidationError, match="不能晚于已登记的答辩书收到日期") as caught:
        world.do("serve_application", dispute,
                 served_on=(defence + dt.timedelta(days=1)).isoformat())
    assert codes(caught, "served_on") == ["served_after_defence"]


def test_neither_is_recorded_once_the_hearing_is_over(world: World) -> None:
    dispute = world.case_in(Status.DELIBERATION)
    before = unchanged(dispute)
    for name in ("serve_application", "record_defence"):
        with pytest.raises(TransitionNotAllowed):
            world.do(name, dispute)
    assert unchanged(dispute) == before


def test_the_first_formation_date_is_filled_in_for_tribunals_formed_before_the_field(
    world: World,
) -> None:
    """The data migration dates old tribunals from their first form_tribunal event."""
    import importlib

    from django.apps import apps

    from disputes.models import ArbitrationRecord

    migration = importlib.import_module(
        "disputes.migrations.0002_service_defence_and_tribunal_dates")
    formed = world.case_in(Status.ACCEPTED)
    unformed = world.case_in(Status.ARBITRATION_REVIEW)
    world.do("accept", unformed)
    ArbitrationRecord.objects.update(tribunal_formed_on=None)
    migration.date_formed_tribunals(apps, None)
    event = DisputeEvent.objects.get(dispute=formed, kind="form_tribunal")
    assert ArbitrationRecord.objects.get(dispute=formed).tribunal_formed_on == event.occurred_on
    assert ArbitrationRecord.objects.get(dispute=unformed).tribunal_formed_on is None
