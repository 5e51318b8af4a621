"""The HTTP SMS gateway backend against a small gateway served by the test itself."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications.sms import HttpGatewaySmsBackend, LogSmsBackend, SmsError, get_sms_backend


@dataclass
class FakeGateway:
    url: str
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    hang: bool = False


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    state = FakeGateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.requests.append({
                "path": self.path,
                "headers": dict(self.headers),
                "body": json.loads(self.rfile.read(length)),
            })
            if state.hang:
                state.release.wait(10)
            self.send_response(state.status)
            if 300 <= state.status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def test_it_posts_json_with_the_bearer_token(gateway: FakeGateway) -> None:
    backend = HttpGatewaySmsBackend(url=gateway.url, token="s3cret", timeout=5, sender="东西湖仲裁院")

    backend.send(phone="13800138000", text="开庭提醒", reference="42")

    [request] = gateway.requests
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["body"] == {"phone": "13800138000", "text": "开庭提醒", "reference": "42",
                               "sign": "东西湖仲裁院"}


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503])
def test_an_error_answer_is_a_failure(gateway: FakeGateway, status: int) -> None:
    gateway.status = status
    backend = HttpGatewaySmsBackend(url=gateway.url, token="", timeout=5)
    with pytest.raises(SmsError, match=f"HTTP {status}"):
        backend.send(phone="13800138000", text="x", reference="1")


@pytest.mark.parametrize("status", [202, 204])
def test_any_2xx_is_accepted(gateway: FakeGateway, status: int) -> None:
    gateway.status = status
    HttpGatewaySmsBackend(url=gateway.url, token="", timeout=5).send(
        phone="13800138000", text="x", reference="1")
    assert len(gateway.requests) == 1


def test_a_redirect_is_a_failure_not_a_second_post(gateway: FakeGateway) -> None:
    gateway.status = 302
    with pytest.raises(SmsError, match="HTTP 302"):
        HttpGatewaySmsBackend(url=gateway.url, token="", timeout=5).send(
            phone="13800138000", text="x", reference="1")
    assert len(gateway.requests) == 1


def test_a_gateway_that_does_not_answer_in_time_is_a_failure(gateway: FakeGateway) -> None:
    gateway.hang = True
    with pytest.raises(SmsError, match="unreachable") as failure:
        HttpGatewaySmsBackend(url=gateway.url, token="", timeout=1).send(
            phone="13800138000", text="x", reference="1")
    assert "13800138000" not in str(failure.value)


def test_a_closed_port_is_a_failure() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SmsError, match="unreachable"):
        HttpGatewaySmsBackend(url=f"http://127.0.0.1:{port}/", token="", timeout=2).send(
            phone="13800138000", text="x", reference="1")


def test_only_http_addresses_are_accepted() -> None:
    with pytest.raises(SmsError):
        HttpGatewaySmsBackend(url="file:///etc/passwd", token="", timeout=1)


def test_the_setting_chooses_the_backend(settings: Any, gateway: FakeGateway) -> None:
    assert isinstance(get_sms_backend(), LogSmsBackend)  # the development default
    settings.SMS_BACKEND = "notifications.sms.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_TOKEN = "from-env"
    backend = get_sms_backend()
    assert isinstance(backend, HttpGatewaySmsBackend)
    backend.send(phone="13800138000", text="x", reference="7")
    assert gateway.requests[0]["headers"]["Authorization"] == "Bearer from-env"


def test_settings_refuse_the_http_gateway_without_an_address(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import backend.settings as module

    monkeypatch.setenv("SMS_BACKEND", "http")
    monkeypatch.setenv("SMS_GATEWAY_URL", "")
    with pytest.raises(ImproperlyConfigured, match="SMS_GATEWAY_URL"):
        importlib.reload(module)
    monkeypatch.setenv("SMS_BACKEND", "log")
    monkeypatch.setenv("REMINDER_WARNING_WORKING_DAYS", "2,x")
    with pytest.raises(ImproperlyConfigured, match="REMINDER_WARNING_WORKING_DAYS"):
        importlib.reload(module)
    monkeypatch.delenv("REMINDER_WARNING_WORKING_DAYS")
    importlib.reload(module)
