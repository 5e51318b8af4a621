"""Live updates for 1,000 websocket clients: commit-to-receipt latency and delivered ÷ expected.

    .venv/bin/python -m bench.websockets --fresh
    .venv/bin/python -m bench.websockets --fresh --clients 1000 --servers 2 --events 100 \\
        --rate 1 --database-url postgres://postgres@127.0.0.1:5432/disputes_bench_ws

What runs, all on this machine: a fresh PostgreSQL database (`--fresh` drops and creates
it; migrations, then one street center, its mediator and `--cases` cases routed to it), a
private redis-server on a free port (or `--redis-url`), the ASGI application under daphne
on `--servers` free ports (one daphne process each, the clients spread over them),
`--workers` `manage.py run_worker` processes (default settings: the
worker polls every OUTBOX_POLL_MS, 500 ms unless `--poll-ms`), and `--clients` websocket
clients spread over `--client-processes` processes. Every client is signed in as the
center's mediator (a real session cookie) and watches the center's queue,
`ws/queue/<id>/`, so every event is expected at every client.

Three measurements, in the same run, against the same clients:

1. raw channel layer: this process sends to a group with one member and receives it
   (`group_send` → `receive`), `--baseline` times. The floor of any live message.
2. fan-out without the outbox: this process `group_send`s `--baseline-events` synthetic
   events straight to the queue's group at `--rate`; latency is send → receipt at each
   client (channel layer + daphne + websocket to every client, no database, no worker).
3. commit → worker → client: `--events` real transitions (`schedule_mediation_session`
   through the service, one case after another) at `--rate`; latency is the moment the
   service returned (committed) → receipt at each client. The worker's poll interval is
   part of it, by design: it is the product's path.

For each: p50, p95, p99 and max, and delivered ÷ expected: distinct (client, event)
receipts ÷ (clients × events). It must be exactly 1 for the real events: the program says
so and exits with status 1 otherwise. Duplicates received are counted (the queue's
consumer drops repeats by event id, so there should be none). Clients take receipt times
from CLOCK_MONOTONIC, which all processes of one machine share.

A benchmark, never a test: nothing asserts a timing, and timings depend on the machine
(the load average is printed before and after). On 2 CPUs the clients' Python processes,
daphne, the worker, Redis and PostgreSQL all compete, so the fan-out numbers say as much
about the clients as about the server.

Example (the development container, 2 CPUs, load average 5-7 from other test suites;
1,000 clients, 2 daphne processes, 1 worker at OUTBOX_POLL_MS=500, 1 event a second):

                                         events    p50 ms    p95 ms    p99 ms    max ms
  raw channel layer send→receive            500       3.0       8.3      12.1      18.0
  fan-out via layer + daphne (no DB)         30     546.2    1380.6    1625.6    1682.3
  commit → worker → client                   60     866.5    1742.8    2151.9    2485.1
  delivered ÷ expected: 30000/30000 and 60000/60000 = exactly 1, no duplicates

Overload loses live messages: at 10 events a second (10,000 frames a second) one daphne
process fell behind by tens of seconds, and channels_redis drops what exceeds a channel's
capacity (100 pending messages per daphne process's channel, then 100 per consumer's
buffer): 121,000 of 200,000 arrived. The case channel recovers by sequence number (gap →
read from the database; reconnect → replay); queue and dashboard screens re-fetch on
reconnect. Size the daphne processes to the fan-out (clients × events a second).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import multiprocessing
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench import common

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/disputes_bench_ws"
SYNTHETIC_ID_BASE = 10**12  # fan-out baseline ids: never a real event's


# -- a minimal websocket client (RFC 6455), enough for text frames, pings and close -------

class Socket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, host: str, port: int, path: str, cookie: str) -> Socket:
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://{host}:{port}\r\nCookie: {cookie}\r\n\r\n"
        ).encode())
        await writer.drain()
        status = await reader.readline()
        if b" 101 " not in status:
            raise ConnectionError(f"handshake refused: {status!r}")
        while await reader.readline() not in (b"\r\n", b""):
            pass
        return cls(reader, writer)

    async def frame(self) -> tuple[int, bytes]:
        head = await self.reader.readexactly(2)
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        mask = await self.reader.readexactly(4) if head[1] & 0x80 else b""
        data = await self.reader.readexactly(length)
        if mask:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        return opcode, data

    def send(self, opcode: int, data: bytes) -> None:
        mask = os.urandom(4)
        length = len(data)
        if length < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        self.writer.write(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


async def _listen(index: int, sock: Socket, receipts: list[tuple[int, int, float]]) -> None:
    try:
        while True:
            opcode, data = await sock.frame()
            if opcode == 1:
                now = time.monotonic()
                message = json.loads(data)
                if message.get("type") == "event":
                    receipts.append((index, int(message["id"]), now))
            elif opcode == 9:  # daphne's keep-alive ping
                sock.send(10, data)
            elif opcode == 8:
                return
    except (asyncio.IncompleteReadError, ConnectionError):
        return


async def _clients(first: int, count: int, host: str, port: int, path: str, cookie: str,
                   pipe: Connection) -> None:
    receipts: list[tuple[int, int, float]] = []
    sockets: list[Socket] = []
    for start in range(0, count, 50):  # connect in batches: each connect reads the database
        batch = range(first + start, first + min(start + 50, count))
        sockets += await asyncio.gather(*(Socket.connect(host, port, path, cookie)
                                          for _ in batch))
    tasks = [asyncio.create_task(_listen(first + i, s, receipts))
             for i, s in enumerate(sockets)]
    pipe.send(("ready", len(sockets)))
    while True:
        while not pipe.poll():
            await asyncio.sleep(0.05)
        command = pipe.recv()
        if command == "count":
            pipe.send(("count", len(receipts), sum(not t.done() for t in tasks)))
        elif command == "stop":
            break
    for s in sockets:
        s.writer.close()
    for t in tasks:
        t.cancel()
    pipe.send(("receipts", receipts))


def client_process(first: int, count: int, host: str, port: int, path: str, cookie: str,
                   pipe: Connection) -> None:
    asyncio.run(_clients(first, count, host, port, path, cookie, pipe))


# -- the servers ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{what} did not start on port {port}") from None
            time.sleep(0.1)


def fresh_database(url: str, fresh: bool) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith(("disputes_bench", "bench_")):
        raise SystemExit(f"refusing to use {name!r}: a bench database's name starts with "
                         "disputes_bench or bench_")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [name]).fetchone()
        if exists and not fresh:
            raise SystemExit(f"database {name} exists: pass --fresh to drop and rebuild it")
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Stack:
    redis: subprocess.Popen[bytes] | None
    servers: list[subprocess.Popen[bytes]]
    workers: list[subprocess.Popen[bytes]]

    def stop(self) -> None:
        for process in [*self.workers, *self.servers]:
            process.send_signal(signal.SIGTERM)
        for process in [*self.workers, *self.servers]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.redis is not None:
            self.redis.kill()
            self.redis.wait(timeout=10)


def start_redis(directory: str) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed: pass --redis-url")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (the redis-server found on PATH)
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", directory], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process, "redis-server")
    return process, f"redis://127.0.0.1:{port}/0"


# -- the world -----------------------------------------------------------------------------

def build_world(cases: int) -> tuple[list[int], int, str]:
    """A street center, its clerk and mediator, `cases` cases routed to it. Returns the
    case ids, the center's id and a session cookie of the mediator."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from disputes import services
    from disputes.models import Channel, DisputeEvent, Party
    from mediation.models import District, Membership, Organization, Role, Street
    from notifications.models import Message

    users = get_user_model()
    district = District.objects.create(code="420112", name="东西湖区", wage_region_code="420100")
    street = Street.objects.create(district=district, code="420112001", name="吴家山街道",
                                   latitude=Decimal("30.62"), longitude=Decimal("114.135"))
    center = Organization.objects.create(kind=Organization.Kind.STREET_CENTER,
                                         name="吴家山街道劳动争议调解中心", district=district)
    center.streets.add(street)
    clerk = users.objects.create_user(username="bench_clerk")  # no password: no login
    mediator = users.objects.create_user(username="bench_mediator")
    Membership.objects.create(user=clerk, organization=center, role=Role.INTAKE_CLERK)
    Membership.objects.create(user=mediator, organization=center, role=Role.MEDIATOR)
    received = timezone.localdate() - dt.timedelta(days=3)
    ids = []
    for i in range(cases):
        application = services.Application(
            district=district, street=street, requested_organization=center,
            dispute_type="wages", facts="拖欠工资。",
            parties=[services.PartyInput(side=Party.Side.APPLICANT, kind=Party.Kind.WORKER,
                                         name=f"工人{i}", id_type=Party.IdType.OTHER,
                                         id_number=f"BENCH{i:06d}", phone="13800138000"),
                     services.PartyInput(side=Party.Side.RESPONDENT,
                                         kind=Party.Kind.EMPLOYER, name="某物流有限公司",
                                         id_type=Party.IdType.OTHER,
                                         id_number="BENCHEMPLOYER")],
            claims=[services.ClaimInput(item_type="wages", description="工资",
                                        amount=Decimal("1000"))],
            received_on=received,
        )
        dispute = services.dispute_submit(actor=clerk, application=application,
                                          channel=Channel.COUNTER).dispute
        services.dispute_route_to_street(dispute=dispute, actor=clerk, organization=center,
                                         received_on=received)
        ids.append(dispute.pk)
    # Start from an empty outbox: only the measured events are delivered.
    DisputeEvent.objects.update(delivery=DisputeEvent.Delivery.DELIVERED)
    Message.objects.all().delete()
    client = Client()
    client.force_login(mediator)
    return ids, center.pk, f"sessionid={client.cookies['sessionid'].value}"


# -- measurements --------------------------------------------------------------------------

@dataclass
class Line:
    name: str
    samples: list[float]  # seconds
    events: int
    expected: int | None = None
    delivered: int | None = None
    duplicates: int = 0

    def pct(self, p: float) -> float:
        ordered = sorted(self.samples)
        return 1000 * ordered[max(0, math.ceil(p * len(ordered)) - 1)]  # nearest rank

    def render(self) -> str:
        if not self.samples:
            return f"  {self.name:<38} no samples"
        ratio = ""
        if self.expected is not None:
            ratio = (f"  {self.delivered}/{self.expected} = "
                     f"{(self.delivered or 0) / self.expected:.6g}")
        return (f"  {self.name:<38} {self.events:>6} {self.pct(0.50):>9.1f} "
                f"{self.pct(0.95):>9.1f} {self.pct(0.99):>9.1f} "
                f"{1000 * max(self.samples):>9.1f}{ratio}")


def raw_layer_baseline(times: int) -> Line:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    async def run() -> list[float]:
        layer = get_channel_layer()
        assert layer is not None
        channel = await layer.new_channel()
        await layer.group_add("bench.baseline", channel)
        samples = []
        for i in range(times):
            start = time.monotonic()
            await layer.group_send("bench.baseline", {"type": "bench", "i": i})
            await layer.receive(channel)
            samples.append(time.monotonic() - start)
        await layer.group_discard("bench.baseline", channel)
        return samples

    samples: list[float] = async_to_sync(run)()
    return Line("raw channel layer send→receive", samples, times)


def paced(count: int, rate: float) -> Iterable[int]:
    start = time.monotonic()
    for i in range(count):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield i


def fan_out_baseline(events: int, rate: float, group: str) -> dict[int, float]:
    """Synthetic events straight into the queue's group; returns id -> send time."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert layer is not None
    sent: dict[int, float] = {}
    for i in paced(events, rate):
        event_id = SYNTHETIC_ID_BASE + i
        record = {"id": event_id, "dispute": 0, "tracking_number": "BENCH", "seq": i + 1,
                  "kind": "bench", "label": "基准", "state": "", "state_label": "",
                  "occurred_on": "2026-01-01"}
        sent[event_id] = time.monotonic()
        async_to_sync(layer.group_send)(group, {"type": "dispute.event", "event": record})
    return sent


def transitions(events: int, rate: float, case_ids: list[int]) -> dict[int, float]:
    """Real transitions through the service; returns event id -> commit time."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from disputes.models import Dispute
    from disputes.services import dispute_schedule_mediation_session

    mediator = get_user_model().objects.get(username="bench_mediator")
    at = timezone.now() + dt.timedelta(days=2)
    committed: dict[int, float] = {}
    for i in paced(events, rate):
        dispute = Dispute.objects.get(pk=case_ids[i % len(case_ids)])
        done = dispute_schedule_mediation_session(dispute=dispute, actor=mediator,
                                                  scheduled_for=at, location="调解室")
        committed_at = time.monotonic()  # the service's transaction has committed
        event_id = done.events.order_by("-seq").values_list("pk", flat=True)[0]
        committed[event_id] = committed_at
    return committed


def collect(pipes: list[Connection], expected_total: int, quiet: float) -> None:
    """Wait until the clients hold `expected_total` more receipts, or nothing new came for
    `quiet` seconds."""
    last, last_change = -1, time.monotonic()
    while True:
        for pipe in pipes:
            pipe.send("count")
        total = sum(pipe.recv()[1] for pipe in pipes)
        if total >= expected_total:
            return
        if total != last:
            last, last_change = total, time.monotonic()
        elif time.monotonic() - last_change > quiet:
            return
        time.sleep(0.2)


def line_from(name: str, sent: dict[int, float], receipts: list[tuple[int, int, float]],
              clients: int) -> Line:
    seen: set[tuple[int, int]] = set()
    samples: list[float] = []
    duplicates = 0
    for client, event_id, at in receipts:
        if event_id not in sent:
            continue
        if (client, event_id) in seen:
            duplicates += 1
            continue
        seen.add((client, event_id))
        samples.append(at - sent[event_id])
    return Line(name, samples, len(sent), expected=clients * len(sent), delivered=len(seen),
                duplicates=duplicates)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def run(args: argparse.Namespace) -> int:
    fresh_database(args.database_url, args.fresh)
    temp = tempfile.mkdtemp(prefix="bench-ws-")
    redis_process, redis_url = (None, args.redis_url) if args.redis_url else start_redis(temp)
    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": redis_url,
           "DJANGO_SETTINGS_MODULE": "backend.settings", "DEBUG": "1", "LOG_LEVEL": "WARNING",
           "RUN_WORKER_IN_PROCESS": "0", "REMINDER_SWEEP_MINUTES": "0",
           "SMS_BACKEND": "log", "DB_POOL_MAX": "20"}
    if args.poll_ms:
        env["OUTBOX_POLL_MS"] = str(args.poll_ms)
    os.environ.update(env)
    common.setup_django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    case_ids, center_id, cookie = build_world(args.cases)
    ports = [free_port() for _ in range(args.servers)]
    servers = [subprocess.Popen(  # noqa: S603 (this environment's daphne)
        [str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port),
         "backend.asgi:application"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for port in ports]
    workers = [subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env)
        for _ in range(args.workers)]
    stack = Stack(redis_process, servers, workers)
    processes: list[Any] = []
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_for_port(port, server, "daphne")
        print(f"load average before: {load_average()}", flush=True)
        context = multiprocessing.get_context("spawn")
        pipes: list[Connection] = []
        share = math.ceil(args.clients / args.client_processes)
        path = f"/ws/queue/{center_id}/"
        for n, first in enumerate(range(0, args.clients, share)):
            parent, child = context.Pipe()
            process = context.Process(target=client_process, args=(
                first, min(share, args.clients - first), "127.0.0.1", ports[n % len(ports)],
                path, cookie, child), daemon=True)
            process.start()
            processes.append(process)
            pipes.append(parent)
        connected = sum(pipe.recv()[1] for pipe in pipes)
        print(f"{connected} websocket clients on {path} ({len(ports)} daphne process(es)), "
              f"{args.workers} worker(s), OUTBOX_POLL_MS={settings.OUTBOX_POLL_MS}, "
              f"{len(case_ids)} cases, Redis {redis_url}", flush=True)

        raw = raw_layer_baseline(args.baseline)
        fan_sent = fan_out_baseline(args.baseline_events, args.rate, f"org.{center_id}")
        collect(pipes, connected * len(fan_sent), args.quiet)
        committed = transitions(args.events, args.rate, case_ids)
        collect(pipes, connected * (len(fan_sent) + len(committed)), args.quiet)
        for pipe in pipes:
            pipe.send("count")
        still_open = sum(pipe.recv()[2] for pipe in pipes)
        for pipe in pipes:
            pipe.send("stop")
        receipts = [r for pipe in pipes for r in pipe.recv()[1]]
    finally:
        for process in processes:
            process.join(timeout=10)
        stack.stop()
        shutil.rmtree(temp, ignore_errors=True)

    fan = line_from("fan-out via layer + daphne (no DB)", fan_sent, receipts, connected)
    full = line_from("commit → worker → client", committed, receipts, connected)
    print(f"\n  {'':<38} {'events':>6} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} "
          f"{'max ms':>9}  delivered / expected")
    for line in (raw, fan, full):
        print(line.render())
    if fan.samples and full.samples:
        print(f"\n  commit → client p50 is {full.pct(0.5) / fan.pct(0.5):.1f}× the fan-out "
              f"p50, {full.pct(0.5) / raw.pct(0.5):.0f}× the raw layer's; the worker polls "
              f"every {settings.OUTBOX_POLL_MS} ms when idle")
    print(f"  duplicates received: {full.duplicates + fan.duplicates}; clients still "
          f"connected at the end: {still_open}/{connected}")
    print(f"  load average after: {load_average()}")
    exact = full.expected is not None and full.delivered == full.expected
    print(f"  delivered ÷ expected for the real events: "
          f"{'exactly 1' if exact else 'NOT 1'}")
    return 0 if exact else 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DATABASE))
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--redis-url", default="", help="default: a private redis-server")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--rate", type=float, default=1.0, help="events a second")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--servers", type=int, default=2, help="daphne processes")
    parser.add_argument("--poll-ms", type=int, default=0, help="default: OUTBOX_POLL_MS")
    parser.add_argument("--baseline", type=int, default=500,
                        help="raw channel-layer round trips")
    parser.add_argument("--baseline-events", type=int, default=30,
                        help="synthetic events fanned out to the clients")
    parser.add_argument("--quiet", type=float, default=15.0,
                        help="stop waiting after this many seconds without a new receipt")
    raise SystemExit(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
