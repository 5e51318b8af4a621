"""backend/handler.py: under ASGI a request crosses from the event loop to the sync thread
a fixed few times, not around every middleware; and it still goes through all of them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref import sync
from asgiref.testing import ApplicationCommunicator

from backend.handler import SyncChainASGIHandler


def post(path: str, body: dict[str, Any]) -> tuple[int, dict[bytes, bytes], bytes]:
    raw = json.dumps(body).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "",
             "headers": [(b"host", b"localhost"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(raw)).encode())],
             "client": ("127.0.0.1", 50000), "server": ("localhost", 80)}

    async def run() -> list[dict[str, Any]]:
        app = ApplicationCommunicator(SyncChainASGIHandler(), scope)
        await app.send_input({"type": "http.request", "body": raw, "more_body": False})
        start = await app.receive_output(10)
        end = await app.receive_output(10)
        return [start, end]

    start, end = sync.async_to_sync(run)()
    return start["status"], dict(start["headers"]), end["body"]


@pytest.mark.django_db(transaction=True)
def test_a_request_crosses_to_the_sync_thread_once_for_the_whole_chain(
    monkeypatch: pytest.MonkeyPatch, settings: Any,
) -> None:
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.SECURE_SSL_REDIRECT = False
    crossings: list[str] = []
    original = sync.SyncToAsync.__call__

    async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        crossings.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    status, headers, body = post("/api/v1/public/status/", {"tracking_number": "LD1"})
    # Through every middleware to the view and back: the view's validation answer, with
    # the headers the outer middleware add (security, clickjacking, language).
    assert status == 400 and json.loads(body)["code"] == "invalid"
    assert headers[b"X-Frame-Options"] == b"DENY"
    assert headers[b"X-Content-Type-Options"] == b"nosniff"
    assert headers[b"Content-Language"] == b"zh-hans"
    chain = [name for name in crossings if "signal" not in name.lower()
             and name != "log_response"]
    # Django's own handler: a crossing for each middleware's hooks, the view middleware,
    # the view and the rendering (about twenty).
    assert len(chain) == 1, crossings
