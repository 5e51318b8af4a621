"""The outbox worker: delivery, retries with back-off, parking, the admin, two workers."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from channels.layers import InMemoryChannelLayer, channel_layers, get_channel_layer
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from disputes.models import DisputeEvent, Status
from notifications.groups import groups_for
from notifications.outbox import (
    Parcel,
    deliver_all_due,
    deliver_due,
    retry_delay,
    run_until_stopped,
)
from tests.world import World

Delivery = DisputeEvent.Delivery


def failing(parcels: list[Parcel]) -> dict[int, str]:
    return {p.event_id: "ConnectionError: redis is down" for p in parcels}


class Recorder:
    """A sender that remembers what it sent (and may take its time, to widen races)."""

    def __init__(self, pause: float = 0.0) -> None:
        self.sent: list[int] = []
        self.pause = pause
        self.lock = threading.Lock()

    def __call__(self, parcels: list[Parcel]) -> dict[int, str]:
        time.sleep(self.pause)
        with self.lock:
            self.sent.extend(p.event_id for p in parcels)
        return {}


def pending(**filters: Any) -> list[DisputeEvent]:
    return list(DisputeEvent.objects.filter(delivery=Delivery.PENDING, **filters))


@pytest.mark.django_db
def test_it_marks_sent_events_delivered(world: World) -> None:
    case = world.case_in(Status.STREET_MEDIATION)
    sender = Recorder()
    assert deliver_all_due(send=sender) == 2
    assert sorted(sender.sent) == sorted(case.events.values_list("pk", flat=True))
    assert not pending()
    assert deliver_all_due(send=sender) == 0


@pytest.mark.django_db
def test_a_failed_send_waits_with_exponential_back_off(world: World, settings: Any) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    world.case_in(Status.SUBMITTED)
    before = timezone.now()
    assert deliver_due(send=failing) == 1
    [event] = pending()
    assert event.attempts == 1
    assert event.last_error == "ConnectionError: redis is down"
    assert event.next_attempt_at is not None
    assert before + dt.timedelta(seconds=10) <= event.next_attempt_at
    assert event.next_attempt_at <= timezone.now() + dt.timedelta(seconds=10)
    assert deliver_due(send=failing) == 0  # not due yet
    DisputeEvent.objects.update(next_attempt_at=before)
    assert deliver_due(send=failing) == 1
    [event] = pending()
    assert event.attempts == 2
    assert event.next_attempt_at is not None
    assert event.next_attempt_at >= before + dt.timedelta(seconds=20)
    DisputeEvent.objects.update(next_attempt_at=before)
    assert deliver_due(send=Recorder()) == 1
    event.refresh_from_db()
    assert event.delivery == Delivery.DELIVERED
    assert event.attempts == 3
    assert event.last_error == ""


@pytest.mark.parametrize(("attempts", "seconds"), [
    (1, 2), (2, 4), (3, 8), (6, 64), (9, 512), (10, 600), (30, 600),
])
def test_retry_delay_doubles_up_to_the_maximum(settings: Any, attempts: int,
                                               seconds: int) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 2
    settings.OUTBOX_RETRY_MAX_SECONDS = 600
    assert retry_delay(attempts) == dt.timedelta(seconds=seconds)


@pytest.mark.django_db
def test_it_parks_an_event_after_the_last_attempt(world: World, settings: Any) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    settings.OUTBOX_MAX_ATTEMPTS = 3
    case = world.case_in(Status.SUBMITTED)
    assert deliver_all_due(send=failing) == 3
    event = case.events.get()
    assert event.delivery == Delivery.PARKED
    assert event.attempts == 3
    assert "redis is down" in event.last_error
    assert deliver_all_due(send=Recorder()) == 0  # parked events wait for staff


@pytest.mark.django_db
def test_staff_see_parked_events_in_the_admin_and_send_them_again(
        world: World, settings: Any, admin_client: Client) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    settings.OUTBOX_MAX_ATTEMPTS = 1
    parked_case = world.case_in(Status.SUBMITTED)
    deliver_all_due(send=failing)
    delivered_case = world.case_in(Status.SUBMITTED)
    deliver_all_due(send=Recorder())
    page = admin_client.get("/admin/notifications/parkedevent/")
    assert page.status_code == 200
    assert parked_case.tracking_number in page.content.decode()
    assert delivered_case.tracking_number not in page.content.decode()
    event = parked_case.events.get()
    answer = admin_client.post("/admin/notifications/parkedevent/",
                               {"action": "retry_delivery", "_selected_action": [event.pk]})
    assert answer.status_code == 302
    event.refresh_from_db()
    assert event.delivery == Delivery.PENDING
    assert event.attempts == 0
    sender = Recorder()
    assert deliver_all_due(send=sender) == 1
    assert sender.sent == [event.pk]


@pytest.mark.django_db
def test_events_go_to_the_case_the_organizations_and_the_dashboard(world: World) -> None:
    case = world.case_in(Status.ACCEPTED)
    assert groups_for(case) == [f"case.{case.pk}", f"org.{world.commission.pk}",
                                f"dashboard.{world.district.pk}"]
    street = world.case_in(Status.STREET_MEDIATION)
    assert groups_for(street) == [f"case.{street.pk}", f"org.{world.center.pk}",
                                  f"dashboard.{world.district.pk}"]


def test_run_worker_will_not_loop_on_the_in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    assert isinstance(get_channel_layer(), InMemoryChannelLayer)
    with pytest.raises(CommandError, match="in-memory channel layer"):
        call_command("run_worker")


@pytest.mark.django_db
def test_the_worker_loop_ends_when_asked(settings: Any) -> None:
    settings.OUTBOX_POLL_MS = 20
    stop = threading.Event()

    def work() -> None:
        try:
            run_until_stopped(stop=stop, send=Recorder())
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(0.1)
    stop.set()
    thread.join(timeout=2)
    assert not thread.is_alive()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_never_deliver_one_event_twice(world: World) -> None:
    for state in [Status.ACCEPTED, Status.DELIBERATION, Status.CLOSED, Status.NOT_ACCEPTED]:
        world.case_in(state)
    expected = set(DisputeEvent.objects.values_list("pk", flat=True))
    assert len(expected) > 20
    senders = [Recorder(pause=0.02), Recorder(pause=0.02)]
    start = threading.Barrier(2)

    def work(sender: Recorder) -> None:
        try:
            start.wait()
            while deliver_due(send=sender, limit=3):
                pass
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(s,)) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    sent = senders[0].sent + senders[1].sent
    assert len(sent) == len(set(sent))  # nothing twice
    assert set(sent) == expected  # nothing lost
    assert senders[0].sent and senders[1].sent  # both did work, side by side
    assert not DisputeEvent.objects.exclude(delivery=Delivery.DELIVERED).exists()


@pytest.mark.django_db
def test_a_channel_layer_that_fails_leaves_the_batch_pending_for_a_retry(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.case_in(Status.STREET_MEDIATION)
    calls = []

    async def broken_group_send(group: str, message: dict[str, Any]) -> None:
        calls.append(group)
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(get_channel_layer(), "group_send", broken_group_send)
    assert deliver_due() == 2  # the real sender, through async_to_sync
    assert len(calls) == 1  # the second event was not tried against a dead layer
    first, second = DisputeEvent.objects.order_by("seq")
    assert first.delivery == second.delivery == Delivery.PENDING
    assert first.attempts == second.attempts == 1
    assert "Connection refused" in first.last_error
    assert "earlier failure" in second.last_error


@pytest.mark.django_db
def test_the_queue_a_case_leaves_hears_that_it_left(world: World) -> None:
    case = world.case_in(Status.MEDIATION_FAILED)
    assert case.organization_id == world.center.pk
    case = world.do("apply_for_arbitration", case)
    event = case.events.order_by("-seq").first()
    assert event is not None and event.payload["from_organization"] == world.center.pk
    groups = groups_for(case, event)
    assert f"org.{world.center.pk}" in groups and f"org.{world.commission.pk}" in groups
    # An event that does not move the case names no organization it left.
    case = world.do("accept", case)
    accepted = case.events.order_by("-seq").first()
    assert accepted is not None and "from_organization" not in accepted.payload
    assert f"org.{world.center.pk}" not in groups_for(case, accepted)
