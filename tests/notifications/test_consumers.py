"""Who hears what on the websockets: the access policy at the door, the worker behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.utils import timezone

from api.views.public import status_token
from disputes.models import Dispute, DisputeEvent, Status
from tests.notifications.conftest import Headers
from tests.notifications.live import (
    connect,
    is_refused,
    receive_events,
    run_worker_once,
    seqs_until_replayed,
)
from tests.world import World

# Consumers reach the database from other threads (database_sync_to_async closes the
# connection of a test transaction): real commits, and the seeded law tables restored.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Login = Callable[[User | None], Headers]

EVENT_KEYS = {"type", "id", "dispute", "tracking_number", "seq", "kind", "label", "state",
              "state_label", "occurred_on"}


# (persona, path) -> refused. One world for the whole table: each row is a connection.
REFUSALS = [
    (None, "/ws/cases/{case}/"),
    ("other_worker", "/ws/cases/{case}/"),
    ("mediator2", "/ws/cases/{case}/"),
    ("union_mediator", "/ws/cases/{case}/"),
    (None, "/ws/cases/{case}/?token={other_token}"),
    (None, "/ws/cases/{case}/?token={token}x"),
    (None, "/ws/cases/{case}/?token=garbage"),
    ("mediator2", "/ws/queue/{center}/"),
    ("supervisor", "/ws/queue/{center}/"),
    ("worker", "/ws/queue/{center}/"),
    (None, "/ws/queue/{center}/"),
    ("mediator", "/ws/queue/999999/"),
    ("mediator", "/ws/dashboard/"),
    ("worker", "/ws/dashboard/"),
    (None, "/ws/dashboard/"),
]


def test_it_refuses_outsiders_with_4403(world: World, login_headers: Login) -> None:
    case = world.case_in(Status.STREET_MEDIATION)
    other = world.case_in(Status.SUBMITTED)
    values = {"case": case.pk, "center": world.center.pk, "token": status_token(case),
              "other_token": status_token(other)}
    rows = [(persona, path.format(**values),
             login_headers(world.users[persona] if persona else None))
            for persona, path in REFUSALS]

    async def scenario() -> list[tuple[str | None, str]]:
        return [(persona, path) for persona, path, headers in rows
                if not await is_refused(path, headers)]

    assert async_to_sync(scenario)() == []


def test_the_same_doors_open_to_those_in_scope(world: World, login_headers: Login) -> None:
    case = world.case_in(Status.STREET_MEDIATION)
    doors = [
        ("worker", f"/ws/cases/{case.pk}/"),
        ("employer", f"/ws/cases/{case.pk}/"),
        ("mediator", f"/ws/cases/{case.pk}/"),
        ("supervisor", f"/ws/cases/{case.pk}/"),
        (None, f"/ws/cases/{case.pk}/?token={status_token(case)}"),
        ("mediator", f"/ws/queue/{world.center.pk}/"),
        ("clerk", f"/ws/queue/{world.center.pk}/"),
        ("mediator2", f"/ws/queue/{world.center2.pk}/"),
        ("supervisor", "/ws/dashboard/"),
    ]
    rows = [(path, login_headers(world.users[p] if p else None)) for p, path in doors]

    async def scenario() -> None:
        for path, headers in rows:
            comm = await connect(path, headers)
            assert await comm.receive_nothing(timeout=0.05), path  # open, not closed
            await comm.disconnect()

    async_to_sync(scenario)()


def test_it_rejects_a_foreign_origin(world: World, login_headers: Login) -> None:
    from tests.notifications.conftest import communicator

    case = world.case_in(Status.SUBMITTED)
    headers = [(b"origin", b"https://evil.example.com"),
               *[h for h in login_headers(world.worker) if h[0] == b"cookie"]]

    async def scenario() -> None:
        connected, _ = await communicator(f"/ws/cases/{case.pk}/", headers).connect()
        assert not connected

    async_to_sync(scenario)()


def test_a_party_receives_their_cases_events_after_the_worker_runs(
        world: World, login_headers: Login) -> None:
    case = world.case_in(Status.SUBMITTED)
    worker, employer = login_headers(world.worker), login_headers(world.employer)

    async def scenario() -> None:
        comms = [await connect(f"/ws/cases/{case.pk}/", h) for h in (worker, employer)]
        await database_sync_to_async(world.do)("route_to_street", case)
        for comm in comms:
            assert await comm.receive_nothing(timeout=0.1)  # nothing before the worker runs
        await run_worker_once()
        for comm in comms:
            [message] = await receive_events(comm, 1)
            assert set(message) == EVENT_KEYS  # no payload, no names, no identifiers
            assert message["type"] == "event"
            assert message["seq"] == 2
            assert message["kind"] == "route_to_street"
            assert message["state"] == Status.STREET_MEDIATION
            assert message["label"] == "转街道调解"
            assert await comm.receive_nothing(timeout=0.1)
            await comm.disconnect()

    async_to_sync(scenario)()
    event = DisputeEvent.objects.get(dispute=case, seq=2)
    assert event.delivery == DisputeEvent.Delivery.DELIVERED
    assert event.attempts == 1
    assert event.delivered_at is not None


def test_the_public_status_page_follows_its_case_with_the_token(
        world: World, login_headers: Login) -> None:
    case = world.case_in(Status.SUBMITTED)
    path = f"/ws/cases/{case.pk}/?token={status_token(case)}"

    async def scenario() -> None:
        comm = await connect(path, login_headers(None))
        await database_sync_to_async(world.do)("route_to_street", case)
        await run_worker_once()
        [message] = await receive_events(comm, 1)
        assert set(message) == EVENT_KEYS
        assert message["kind"] == "route_to_street"
        await comm.disconnect()

    async_to_sync(scenario)()


def test_a_mediator_of_another_center_receives_nothing(world: World,
                                                       login_headers: Login) -> None:
    case = world.case_in(Status.SUBMITTED)

    mediator_headers = login_headers(world.mediator)
    mediator2_headers = login_headers(world.mediator2)

    async def scenario() -> None:
        own = await connect(f"/ws/queue/{world.center.pk}/", mediator_headers)
        other = await connect(f"/ws/queue/{world.center2.pk}/", mediator2_headers)
        await database_sync_to_async(world.do)("route_to_street", case)
        await run_worker_once()
        messages = await receive_events(own, 2)  # the submission and the routing
        assert [m["seq"] for m in messages] == [1, 2]
        assert await other.receive_nothing(timeout=0.3)
        await own.disconnect()
        await other.disconnect()

    async_to_sync(scenario)()


def test_the_commission_queue_and_the_dashboard_hear_of_arbitration(
        world: World, login_headers: Login) -> None:
    case = world.case_in(Status.MEDIATION_FAILED)
    DisputeEvent.objects.update(delivery=DisputeEvent.Delivery.DELIVERED)

    filing_officer_headers = login_headers(world.filing_officer)
    mediator_headers = login_headers(world.mediator)
    supervisor_headers = login_headers(world.supervisor)

    async def scenario() -> None:
        commission = await connect(f"/ws/queue/{world.commission.pk}/",
                                   filing_officer_headers)
        dashboard = await connect("/ws/dashboard/", supervisor_headers)
        center = await connect(f"/ws/queue/{world.center.pk}/", mediator_headers)
        await database_sync_to_async(world.do)("apply_for_arbitration", case)
        await run_worker_once()
        # The center no longer handles the case: it hears of it once, so its queue
        # re-fetches and drops the case.
        for comm in (commission, dashboard, center):
            [message] = await receive_events(comm, 1)
            assert message["kind"] == "apply_for_arbitration"
            assert message["state"] == Status.ARBITRATION_REVIEW
        assert await center.receive_nothing(timeout=0.2)
        for comm in (commission, dashboard, center):
            await comm.disconnect()

    async_to_sync(scenario)()


def test_a_reconnecting_client_gets_everything_after_its_last_sequence_in_order(
        world: World, login_headers: Login) -> None:
    case = world.case_in(Status.ACCEPTED)  # 7 events
    headers = login_headers(world.worker)

    async def scenario() -> None:
        comm = await connect(f"/ws/cases/{case.pk}/?after=3", headers)
        assert await seqs_until_replayed(comm) == ([4, 5, 6, 7], 7)
        await run_worker_once()  # the same events arrive live: not sent again
        assert await comm.receive_nothing(timeout=0.2)
        await database_sync_to_async(world.do)("schedule_hearing", case)
        await run_worker_once()
        [live] = await receive_events(comm, 1)
        assert live["seq"] == 8
        # The client asks again from 6, on the open connection.
        await comm.send_json_to({"type": "resume", "after": 6})
        assert await seqs_until_replayed(comm) == ([7, 8], 8)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_a_replay_from_the_last_sequence_sends_nothing_old(world: World,
                                                           login_headers: Login) -> None:
    case = world.case_in(Status.STREET_MEDIATION)

    worker_headers = login_headers(world.worker)

    async def scenario() -> None:
        comm = await connect(f"/ws/cases/{case.pk}/?after=2", worker_headers)
        assert await seqs_until_replayed(comm) == ([], 2)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_an_event_delivered_twice_reaches_the_client_once(world: World,
                                                          login_headers: Login) -> None:
    case = world.case_in(Status.SUBMITTED)

    mediator_headers = login_headers(world.mediator)
    worker_headers = login_headers(world.worker)

    async def scenario() -> None:
        comm = await connect(f"/ws/cases/{case.pk}/", worker_headers)
        queue = await connect(f"/ws/queue/{world.center.pk}/", mediator_headers)
        await database_sync_to_async(world.do)("route_to_street", case)
        await run_worker_once()
        await receive_events(comm, 1)
        assert len(await receive_events(queue, 2)) == 2
        # A worker that died after sending, before marking: the rows go out again.
        await database_sync_to_async(
            DisputeEvent.objects.filter(dispute=case).update
        )(delivery=DisputeEvent.Delivery.PENDING)
        await run_worker_once()
        assert await comm.receive_nothing(timeout=0.2)
        assert await queue.receive_nothing(timeout=0.2)
        await comm.disconnect()
        await queue.disconnect()

    async_to_sync(scenario)()


def test_a_late_event_is_read_from_the_database_before_a_newer_one(
        world: World, login_headers: Login) -> None:
    case = world.case_in(Status.SUBMITTED)

    def two_transitions_the_first_waiting_for_a_retry() -> None:
        dispute = world.do("route_to_street", case)
        world.do("assign_mediator", Dispute.objects.get(pk=dispute.pk))
        DisputeEvent.objects.filter(dispute=case, seq=2).update(
            next_attempt_at=timezone.now() + dt.timedelta(hours=1))

    worker_headers = login_headers(world.worker)

    async def scenario() -> None:
        comm = await connect(f"/ws/cases/{case.pk}/", worker_headers)
        await database_sync_to_async(two_transitions_the_first_waiting_for_a_retry)()
        await run_worker_once()  # delivers #3 only
        assert [m["seq"] for m in await receive_events(comm, 2)] == [2, 3]
        await database_sync_to_async(
            DisputeEvent.objects.filter(dispute=case, seq=2).update
        )(next_attempt_at=None)
        await run_worker_once()  # #2 at last: already sent
        assert await comm.receive_nothing(timeout=0.2)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_it_answers_a_malformed_message_with_an_error(world: World,
                                                      login_headers: Login) -> None:
    case = world.case_in(Status.SUBMITTED)

    worker_headers = login_headers(world.worker)

    async def scenario() -> None:
        comm = await connect(f"/ws/cases/{case.pk}/", worker_headers)
        await comm.send_json_to({"type": "resume", "after": "x"})
        answer = await comm.receive_json_from(timeout=2)
        assert answer["type"] == "error"
        assert answer["code"] == "bad_message"
        await comm.disconnect()

    async_to_sync(scenario)()
