"""Websocket test helpers: communicators on the real ASGI application, logged in through
a real session cookie, and a Redis requirement that fails under REQUIRE_REDIS=1."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client

Headers = list[tuple[bytes, bytes]]
ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture(autouse=True)
def no_worker_in_process(settings: Any) -> None:
    """Tests run the worker themselves; the web process's own worker is tested explicitly."""
    settings.RUN_WORKER_IN_PROCESS = False


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    """A layer instance per test: the in-memory layer's groups and the Redis layer's
    connections (bound to one event loop) do not outlive the test."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def login_headers() -> Callable[[User | None], Headers]:
    def make(user: User | None) -> Headers:
        if user is None:
            return [ORIGIN]
        client = Client()
        client.force_login(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        return [ORIGIN, (b"cookie", cookie.encode())]

    return make


def communicator(path: str, headers: Headers) -> WebsocketCommunicator:
    from backend.asgi import application

    return WebsocketCommunicator(application, path, headers=headers)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if url:
        return url
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail("REQUIRE_REDIS=1 but REDIS_URL is not set: this test must run on Redis.")
    pytest.skip("needs Redis (set REDIS_URL); CI requires it")
