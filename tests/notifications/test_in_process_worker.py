"""The embedded run: without Redis the worker runs inside the web process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.testing import ApplicationCommunicator
from django.contrib.auth.models import User

from disputes.models import DisputeEvent, Status
from notifications import embedded
from tests.notifications.conftest import Headers
from tests.notifications.live import connect, receive_events
from tests.world import World

Login = Callable[[User | None], Headers]


@pytest.fixture
def in_process(settings: Any) -> Iterator[None]:
    settings.RUN_WORKER_IN_PROCESS = True
    settings.OUTBOX_POLL_MS = 20
    yield
    embedded.worker.shutdown()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_web_process_delivers_its_own_events(world: World, login_headers: Login,
                                                 in_process: None) -> None:
    case = world.case_in(Status.SUBMITTED)
    # The worker starts idle: on the test's in-memory SQLite (shared cache) a write while it
    # holds its own write transaction fails at once instead of waiting, as a file would.
    DisputeEvent.objects.update(delivery=DisputeEvent.Delivery.DELIVERED)
    headers = login_headers(world.worker)

    async def scenario() -> None:
        comm = await connect(f"/ws/cases/{case.pk}/", headers)
        assert embedded.worker.running
        await database_sync_to_async(world.do)("route_to_street", case)
        [message] = await receive_events(comm, 1)  # nobody ran run_worker
        assert message["kind"] == "route_to_street"
        await comm.disconnect()
        await sync_to_async(embedded.worker.shutdown, thread_sensitive=False)()

    async_to_sync(scenario)()
    assert not DisputeEvent.objects.filter(delivery=DisputeEvent.Delivery.PENDING).exists()


@pytest.mark.django_db
def test_it_does_not_start_when_switched_off(world: World, login_headers: Login) -> None:
    case = world.case_in(Status.SUBMITTED)
    headers = login_headers(None)

    async def scenario() -> None:
        from tests.notifications.conftest import communicator

        comm = communicator(f"/ws/cases/{case.pk}/", headers)
        await comm.connect()
        await comm.receive_output(timeout=2)  # refused: no login
        assert not embedded.worker.running

    async_to_sync(scenario)()


@pytest.mark.django_db
def test_a_lifespan_server_starts_it_before_any_request_and_stops_it(in_process: None) -> None:
    from backend.asgi import application

    async def scenario() -> None:
        lifespan = ApplicationCommunicator(application, {"type": "lifespan"})
        await lifespan.send_input({"type": "lifespan.startup"})
        assert await lifespan.receive_output(timeout=2) == {"type": "lifespan.startup.complete"}
        assert embedded.worker.running
        await lifespan.send_input({"type": "lifespan.shutdown"})
        assert await lifespan.receive_output(timeout=10) == {"type": "lifespan.shutdown.complete"}
        assert not embedded.worker.running

    async_to_sync(scenario)()
