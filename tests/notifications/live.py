"""Async helpers shared by the websocket tests (run inside `async_to_sync`)."""

from __future__ import annotations

import io
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import call_command

from tests.notifications.conftest import Headers, communicator

REFUSED = {"type": "websocket.close", "code": 4403}


async def connect(path: str, headers: Headers) -> WebsocketCommunicator:
    comm = communicator(path, headers)
    connected, _ = await comm.connect()
    assert connected, path
    return comm


async def is_refused(path: str, headers: Headers) -> bool:
    comm = communicator(path, headers)
    connected, _ = await comm.connect()
    if not connected:
        return False  # rejected at the handshake: not the policy's answer
    answer = await comm.receive_output(timeout=2)
    await comm.disconnect()
    return bool(answer == REFUSED)


async def run_worker_once() -> None:
    await database_sync_to_async(call_command)("run_worker", "--once", stdout=io.StringIO())


async def receive_events(comm: WebsocketCommunicator, count: int) -> list[dict[str, Any]]:
    return [await comm.receive_json_from(timeout=3) for _ in range(count)]


async def seqs_until_replayed(comm: WebsocketCommunicator) -> tuple[list[int], int]:
    seqs: list[int] = []
    while True:
        message = await comm.receive_json_from(timeout=3)
        if message["type"] == "replayed":
            return seqs, message["last_seq"]
        assert message["type"] == "event", message
        seqs.append(message["seq"])
