"""Websocket test helpers: communicators on the real ASGI application, logged in through
a real session cookie, a Redis requirement that fails under REQUIRE_REDIS=1, and a private
redis-server on its own port for the fault tests (never the shared one)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
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


class PrivateRedis:
    """A redis-server of the test's own, on a free port, without persistence: it can be
    stopped and started again without touching the shared one."""

    def __init__(self, binary: str, directory: str) -> None:
        self.binary = binary
        self.directory = directory
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (the redis-server found on PATH)
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.directory],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 15
        while True:  # waiting for the server to listen, not a timed assertion
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on {self.port}") from None
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path: Any) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but redis-server is not installed.")
        pytest.skip("needs the redis-server program for a private Redis")
    server = PrivateRedis(binary, str(tmp_path))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_layer(private_redis: PrivateRedis, settings: Any) -> PrivateRedis:
    """This process's channel layer on the private Redis."""
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": private_redis.url, "socket_timeout": None}]},
    }}
    channel_layers.backends.clear()
    return private_redis
