"""Real processes for the scale-out test: Daphne web servers on sockets this process
binds (no port race), `run_worker` processes, a minimal websocket client and JSON over
HTTP, all from the standard library."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = Path(sys.executable).with_name("daphne")
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def database_url() -> str:
    """The database this test process writes to (pytest-django's test_<name>)."""
    db = settings.DATABASES["default"]
    auth = quote(str(db["USER"]), safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]), safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return f"--- {self.name} ---\n{self.log.read_text(errors='replace')[-4000:]}"


@dataclass
class Fleet:
    """Every process started here; `stop()` ends them all, politely first."""

    env: dict[str, str]
    logs: Path
    processes: list[Process] = field(default_factory=list)

    def start(self, name: str, argv: list[str], pass_fds: tuple[int, ...] = ()) -> Process:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=out,  # noqa: S603
                                     stderr=subprocess.STDOUT, pass_fds=pass_fds)
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def web(self, name: str) -> str:
        """A Daphne on a socket bound here and handed over: its URL is known before it runs."""
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(128)
            port = listener.getsockname()[1]
            self.start(name, [str(DAPHNE), "--fd", str(listener.fileno()),
                              "backend.asgi:application"], pass_fds=(listener.fileno(),))
        return f"127.0.0.1:{port}"

    def worker(self, name: str) -> Process:
        return self.start(name, [sys.executable, "manage.py", "run_worker"])

    def stop(self) -> dict[str, int | None]:
        for process in self.processes:
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
        codes: dict[str, int | None] = {}
        for process in self.processes:
            try:
                codes[process.name] = process.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()
                codes[process.name] = None
        return codes

    def output(self) -> str:
        return "\n".join(process.output() for process in self.processes)

    def check_running(self) -> None:
        dead = [p for p in self.processes if p.popen.poll() is not None]
        if dead:
            raise AssertionError("a process ended early:\n" + "\n".join(p.output() for p in dead))


@contextlib.contextmanager
def fleet(env: dict[str, str], logs: Path) -> Iterator[Fleet]:
    running = Fleet(env=env, logs=logs)
    try:
        yield running
    finally:
        running.stop()


def http_json(method: str, url: str, body: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310
        "Content-Type": "application/json", "Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (127.0.0.1)
            return response.status, _json_or_text(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json_or_text(error.read())


def _json_or_text(raw: bytes) -> dict[str, Any]:
    """A JSON answer, or an HTML error page kept as text for the failure message."""
    try:
        answer: dict[str, Any] = json.loads(raw or b"{}")
    except ValueError:
        return {"text": raw.decode(errors="replace")[:2000]}
    return answer


def wait_until_ready(fleet: Fleet, address: str, deadline_seconds: float = 30) -> None:
    """Poll /readyz until it answers 200; fail with the server's log when it never does."""
    deadline = time.monotonic() + deadline_seconds
    last = "no answer"
    while time.monotonic() < deadline:
        fleet.check_running()
        try:
            status, body = http_json("GET", f"http://{address}/readyz")
            if status == 200:
                return
            last = f"{status} {body}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.1)
    raise AssertionError(f"{address} never became ready ({last})\n{fleet.output()}")


class WebsocketClient:
    """RFC 6455, client side, text frames only: enough to listen to a case channel."""

    def __init__(self, address: str, path: str, origin: str) -> None:
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.stream: BinaryIO = self.sock.makefile("rb")
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        self.sock.sendall((
            f"GET {path} HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n").encode())
        status = self.stream.readline()
        assert b" 101 " in status, status
        headers = {}
        while (line := self.stream.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = base64.b64encode(hashlib.sha1(key.encode() + WS_GUID).digest()).decode()  # noqa: S324 (RFC 6455)
        assert headers.get("sec-websocket-accept") == expected, headers

    def receive_json(self, timeout: float) -> dict[str, Any] | None:
        """The next text message, or None when none comes within `timeout` seconds."""
        self.sock.settimeout(timeout)
        try:
            while True:
                opcode, payload = self._frame()
                if opcode == 0x1:
                    message: dict[str, Any] = json.loads(payload)
                    return message
                if opcode == 0x8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    raise ConnectionError(f"closed by the server (code {code})")
                if opcode == 0x9:
                    self._send(0xA, payload)  # pong
        except TimeoutError:
            return None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send(0x8, struct.pack("!H", 1000))
        self.stream.close()
        self.sock.close()

    def _exactly(self, n: int) -> bytes:
        data = self.stream.read(n)
        if len(data) != n:
            raise ConnectionError("connection closed mid-frame")
        return data

    def _frame(self) -> tuple[int, bytes]:
        first, second = self._exactly(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._exactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._exactly(8))[0]
        mask = self._exactly(4) if second & 0x80 else b""
        payload = self._exactly(length)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert first & 0x80, "fragmented messages are not expected here"
        return first & 0x0F, payload

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = secrets.token_bytes(4)
        header = bytes([0x80 | opcode, 0x80 | len(payload)])  # control frames: < 126 bytes
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)


def production_env(redis_url: str, **extra: str) -> dict[str, str]:
    """The settings of a web or worker process behind deploy/'s nginx (DEBUG off, one
    proxy, HTTPS announced by X-Forwarded-Proto), on the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # Access codes were hashed by this test process: the servers must use its key.
        "ACCESS_CODE_KEY": str(settings.ACCESS_CODE_KEY),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(),
        "DB_POOL_MAX": "4",
        "REDIS_URL": redis_url,
        "RUN_WORKER_IN_PROCESS": "0",
        "NUM_PROXIES": "1",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "OUTBOX_POLL_MS": "50",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
