"""On Redis: a transition committed in this process reaches a websocket client here through a
`run_worker` running in another process, which then stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.contrib.auth.models import User

from disputes.models import DisputeEvent, Status
from tests.notifications.conftest import Headers
from tests.notifications.live import connect
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(str(db["USER"]))
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]))
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transition_reaches_a_client_of_another_process_through_the_worker(
        world: World, login_headers: Callable[[User | None], Headers], redis_url: str) -> None:
    assert isinstance(get_channel_layer(), RedisChannelLayer)
    case = world.case_in(Status.SUBMITTED)
    DisputeEvent.objects.update(delivery=DisputeEvent.Delivery.DELIVERED)
    headers = login_headers(world.worker)
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url,
           "DJANGO_SETTINGS_MODULE": "backend.settings", "OUTBOX_POLL_MS": "50",
           "LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        async def scenario() -> None:
            comm = await connect(f"/ws/cases/{case.pk}/", headers)
            await database_sync_to_async(world.do)("route_to_street", case)  # committed
            # The worker process needs a moment to start: a generous timeout.
            message = await comm.receive_json_from(timeout=20)
            assert message["kind"] == "route_to_street"
            assert message["seq"] == 2
            await comm.disconnect()

        async_to_sync(scenario)()
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0, output.decode()
    event = DisputeEvent.objects.get(dispute=case, seq=2)
    assert event.delivery == DisputeEvent.Delivery.DELIVERED
