"""Transitions per second through the API against pgbench, and 16 clients racing on one case.

    .venv/bin/python -m bench.build_db --cases 20000 --fresh \\
        --database-url postgres://postgres@127.0.0.1:5432/disputes_bench      # once
    .venv/bin/python -m bench.transitions \\
        --database-url postgres://postgres@127.0.0.1:5432/disputes_bench

Everything goes over real HTTP to the ASGI application under daphne (`--servers`
processes on free ports, DEBUG off, the project's settings otherwise, with
bench/serving.py's URLs in front of the project's), with token
authentication (`Authorization: Token ...`, one token per center head), from client
threads that each keep one HTTP/1.1 connection open, like pgbench's clients. In one run:

1. throughput: `--clients` clients share the cases in street mediation (each client its
   own cases, so they never meet) and drive each through the cycle
   schedule_mediation_session → schedule_mediation_session → record_failure →
   route_to_street (back into street mediation at the same center), as the center's
   head, each request carrying the version of the case from the previous answer (the
   `version` field). Transitions/s (200s ÷ the window), p50/p95 latency. Any answer other
   than 200 is an error. Before it, for context, the same with one client for
   `--single-seconds` (latency without queueing). After it, the same window again with
   `Prefer: return=minimal` on every transition (RFC 7240: the answer is the case's new
   state and version, not the whole case read back), what an integration that only goes
   on to the next step asks for; its ratio is reported beside the full answer's. For
   each, the daphne processes' CPU time per transition (/proc), which other load on the
   machine moves less than the rates. Then the floor: the same window with each request
   a row update through the API instead (bench/serving.py, served only by these daphne
   processes: token authentication, the case row locked, its version raised, no work),
   the least any API transition could cost here; its ratio to pgbench is the ceiling of
   the transitions' ratio on this machine, and transitions ÷ floor is reported too.
2. pgbench, TPC-B-like: `pgbench -i -s --scale` on a scratch database next to the bench
   database (`<name>_pgbench`, dropped afterwards), then `pgbench -c <clients> -j 2 -T`,
   same server, same duration. Ratio = transitions/s ÷ pgbench tps (goal 0.15, aim 0.25;
   p95 < 100 ms).
3. hot case: `--hot-clients` (16) clients race on ONE case in street mediation: each reads
   the case (GET, version and state), then posts one of schedule_mediation_session,
   record_failure, route_to_street (60/20/20) with `If-Match: <version>`. Answers are
   counted: 200, 409 stale_version, 409 transition_not_allowed. Every transition that was
   illegal in the state the client read must be answered 409. Afterwards: the case's
   version = the initial version + the 200s (no lost update), its event_seq = the number of
   its events, the new events are exactly the 200s by kind, and the hash chain verifies
   (`disputes.events.verify_chain`).
4. pgbench row lock: `--hot-clients` pgbench clients run BEGIN; SELECT ... FROM
   disputes_dispute WHERE id = :hot FOR UPDATE; UPDATE ... SET version = version + 1;
   COMMIT on the same case row for the same duration (the case's version is put back
   afterwards). Ratio = the hot case's 200s/s ÷ that tps (goal 0.3).

Any 5xx, any unexpected answer, a lost update or a broken chain makes the exit status 1.
Reports: bench/reports/transitions.md and transitions.json; the previous pair is kept as
transitions.previous.* and the new Markdown shows the change. A benchmark, never a test:
nothing here asserts a timing; the load average is recorded before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench import common

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).resolve().parent / "reports"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/disputes_bench"
RATIO_GOAL, RATIO_AIM, P95_GOAL_MS, HOT_RATIO_GOAL = 0.15, 0.25, 100.0, 0.3
# RFC 7240: the transition answers the new state and version instead of the whole case.
MINIMAL = {"Prefer": "return=minimal"}
# bench/serving.py's view: the least an API transition could cost (the floor).
ROW_UPDATE_PATH = "/bench/row-update/{id}/"
CYCLE = ("schedule_mediation_session", "schedule_mediation_session", "record_failure",
         "route_to_street")
HOT_MIX = (("schedule_mediation_session", 60), ("record_failure", 20), ("route_to_street", 20))
# Which of the transitions above each state allows (the lifecycle in README.md).
LEGAL = {
    "street_mediation": {"schedule_mediation_session", "record_failure"},
    "mediation_failed": {"route_to_street"},
}
HOT_LOCK_SCRIPT = """\
BEGIN;
SELECT version FROM disputes_dispute WHERE id = :hot FOR UPDATE;
UPDATE disputes_dispute SET version = version + 1 WHERE id = :hot;
COMMIT;
"""


# -- HTTP clients ----------------------------------------------------------------------------

def transition_path(case_id: int, name: str) -> str:
    return f"/api/v1/disputes/{case_id}/transitions/{name}/"


def transition_input(name: str, organization: int) -> dict[str, Any]:
    """The input of each transition of the cycle (dates default to today)."""
    if name == "schedule_mediation_session":
        at = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        return {"scheduled_for": at.isoformat(timespec="seconds"), "location": "调解室"}
    if name == "record_failure":
        return {"reason": "双方分歧较大，调解不成。"}
    if name == "route_to_street":
        return {"organization": organization}
    raise ValueError(name)


class Connection:
    """One keep-alive HTTP/1.1 connection with a token, like one pgbench client."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any], float]:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Authorization": f"Token {self.token}", "Accept": "application/json",
                **({"Content-Type": "application/json"} if data else {}), **(headers or {})}
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=sent)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            return 0, {"code": "connection_error"}, time.perf_counter() - started
        elapsed = time.perf_counter() - started
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"code": "not_json", "detail": raw[:200].decode(errors="replace")}
        return response.status, parsed if isinstance(parsed, dict) else {}, elapsed

    def close(self) -> None:
        self.conn.close()


@dataclass
class Case:
    id: int
    organization: int
    token: str
    version: int
    step: int = 0  # position in CYCLE


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, of the timed POSTs
    answers: Counter[str] = field(default_factory=Counter)  # "200", "409 stale_version", ...
    done: Counter[str] = field(default_factory=Counter)  # 200s by transition
    errors: list[str] = field(default_factory=list)
    illegal: int = 0  # transitions illegal in the state the client read
    illegal_409: int = 0  # ... answered 409
    last_finish: float = 0.0

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.answers.update(other.answers)
        self.done.update(other.done)
        self.errors += other.errors[: max(0, 20 - len(self.errors))]
        self.illegal += other.illegal
        self.illegal_409 += other.illegal_409
        self.last_finish = max(self.last_finish, other.last_finish)


def answer_key(status: int, data: dict[str, Any]) -> str:
    return f"{status} {data.get('code', '')}".strip() if status != 200 else "200"


def step_for(state: str) -> int:
    return 3 if state == "mediation_failed" else 0


def cycle_client(host: str, port: int, cases: list[Case], start: float, end: float,
                 warmup: int, tally: Tally, barrier: threading.Barrier | None = None,
                 headers: dict[str, str] | None = None, floor: bool = False) -> None:
    """Drive the client's own cases round the cycle until `end`; requests that start
    before `start` are warm-up (not counted). `headers` go with every transition. With
    `floor`, each request is bench/serving.py's row update instead (the state stays)."""
    connections: dict[str, Connection] = {}

    def connection(token: str) -> Connection:
        if token not in connections:
            connections[token] = Connection(host, port, token)
        return connections[token]

    def one(case: Case, timed: bool) -> None:
        if floor:
            name, path, body = "row_update", ROW_UPDATE_PATH.format(id=case.id), {
                "version": case.version}
        else:
            name = CYCLE[case.step % len(CYCLE)]
            path = transition_path(case.id, name)
            body = {**transition_input(name, case.organization), "version": case.version}
        status, data, elapsed = connection(case.token).call("POST", path, body, headers)
        if timed:
            tally.latencies.append(elapsed)
            tally.answers[answer_key(status, data)] += 1
            tally.last_finish = time.monotonic()
        if status == 200:
            case.version, case.step = int(data["version"]), case.step + (not floor)
            if timed:
                tally.done[name] += 1
            return
        tally.errors.append(f"case {case.id} {name}: {status} {json.dumps(data)[:200]}")
        status, data, _ = connection(case.token).call("GET", f"/api/v1/disputes/{case.id}/")
        if status == 200:  # resynchronise and go on
            case.version, case.step = int(data["version"]), step_for(str(data["status"]))

    try:
        i = 0
        for _ in range(warmup):
            one(cases[i % len(cases)], timed=False)
            i += 1
        if barrier is not None:
            barrier.wait()
        while time.monotonic() < end:
            one(cases[i % len(cases)], timed=time.monotonic() >= start)
            i += 1
    finally:
        for c in connections.values():
            c.close()


def hot_client(host: str, port: int, case_id: int, token: str, end: float, seed: int,
               tally: Tally, barrier: threading.Barrier | None = None) -> None:
    """Read the case, post a transition from HOT_MIX with If-Match: <version read>."""
    rng = random.Random(seed)  # noqa: S311 - which transition to try, not a secret
    names = [n for n, _ in HOT_MIX]
    weights = [w for _, w in HOT_MIX]
    conn = Connection(host, port, token)
    try:
        if barrier is not None:
            barrier.wait()
        while time.monotonic() < end:
            status, data, _ = conn.call("GET", f"/api/v1/disputes/{case_id}/")
            if status != 200:
                tally.answers[f"GET {answer_key(status, data)}"] += 1
                tally.errors.append(f"GET case {case_id}: {status} {json.dumps(data)[:200]}")
                continue
            version, state = int(data["version"]), str(data["status"])
            organization = int(data["organization"]["id"]) if isinstance(
                data.get("organization"), dict) else int(data["organization"])
            name = rng.choices(names, weights)[0]
            status, data, elapsed = conn.call(
                "POST", transition_path(case_id, name), transition_input(name, organization),
                {"If-Match": str(version)})
            key = answer_key(status, data)
            tally.latencies.append(elapsed)
            tally.answers[key] += 1
            tally.last_finish = time.monotonic()
            if name not in LEGAL.get(state, set()):
                tally.illegal += 1
                tally.illegal_409 += status == 409
            if status == 200:
                tally.done[name] += 1
            elif status != 409:
                tally.errors.append(f"{name} on version {version}: {status} "
                                    f"{json.dumps(data)[:200]}")
    finally:
        conn.close()


def run_threads(targets: list[Callable[..., None]], args: list[tuple[Any, ...]]) -> None:
    threads = [threading.Thread(target=t, args=a, daemon=True)
               for t, a in zip(targets, args, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    return 1000 * ordered[max(0, math.ceil(p * len(ordered)) - 1)]  # ms, nearest rank


def summary(tally: Tally, seconds: float) -> dict[str, Any]:
    ok = tally.answers.get("200", 0)
    return {
        "requests": sum(tally.answers.values()), "ok": ok, "seconds": round(seconds, 2),
        "per_second": round(ok / seconds, 2) if seconds > 0 else 0.0,
        "p50_ms": round(percentile(tally.latencies, 0.5), 1),
        "p95_ms": round(percentile(tally.latencies, 0.95), 1),
        "max_ms": round(percentile(tally.latencies, 1.0), 1),
        "answers": dict(sorted(tally.answers.items())), "done": dict(sorted(tally.done.items())),
        "errors": tally.errors[:20],
    }


def throughput(host: str, ports: list[int], cases: list[Case], clients: int, seconds: float,
               warmup: int = 2, headers: dict[str, str] | None = None,
               floor: bool = False) -> dict[str, Any]:
    """`clients` threads, each its own share of the cases and one server (round robin)."""
    clients = max(1, min(clients, len(cases)))
    shares = [cases[i::clients] for i in range(clients)]
    tallies = [Tally() for _ in range(clients)]
    barrier = threading.Barrier(clients)
    span = _Span(seconds)  # opened by the first client past the barrier
    run_threads([_timed_cycle] * clients,
                [(host, ports[i % len(ports)], shares[i], span, warmup, tallies[i], barrier,
                  headers, floor) for i in range(clients)])
    total = Tally()
    for t in tallies:
        total.merge(t)
    elapsed = (total.last_finish or span.end) - span.start
    return {"clients": clients, "servers": len(ports), "cases": len(cases), **summary(
        total, elapsed)}


class _Span:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = 0.0
        self.end = 0.0
        self.lock = threading.Lock()

    def open(self) -> None:
        with self.lock:
            if not self.start:
                self.start = time.monotonic()
                self.end = self.start + self.seconds


def _timed_cycle(host: str, port: int, cases: list[Case], span: _Span, warmup: int,
                 tally: Tally, barrier: threading.Barrier,
                 headers: dict[str, str] | None, floor: bool) -> None:
    # Warm up, wait for everyone, then the first to pass opens the window.
    cycle_client(host, port, cases, 0.0, 0.0, warmup, Tally(), None, headers, floor)
    barrier.wait()
    span.open()
    cycle_client(host, port, cases, span.start, span.end, 0, tally, None, headers, floor)


def measured_throughput(servers: list[subprocess.Popen[bytes]], ports: list[int],
                        cases: list[Case], clients: int, seconds: float,
                        warmup: int, headers: dict[str, str] | None = None,
                        floor: bool = False) -> dict[str, Any]:
    """`throughput`, plus the servers' CPU time per transition (warm-up included)."""
    before = cpu_seconds(servers)
    result = throughput("127.0.0.1", ports, cases, clients, seconds, warmup, headers, floor)
    used = cpu_seconds(servers) - before
    counted = result["ok"] + warmup * result["clients"]
    result["server_cpu_ms_per_transition"] = round(1000 * used / counted, 1) if counted else None
    return result


def hot(host: str, ports: list[int], case_id: int, token: str, clients: int,
        seconds: float, seed: int = 1) -> dict[str, Any]:
    tallies = [Tally() for _ in range(clients)]
    barrier = threading.Barrier(clients)
    span = _Span(seconds)

    def client(i: int) -> None:
        barrier.wait()
        span.open()
        hot_client(host, ports[i % len(ports)], case_id, token, span.end, seed + i, tallies[i])

    run_threads([client] * clients, [(i,) for i in range(clients)])
    total = Tally()
    for t in tallies:
        total.merge(t)
    result = summary(total, (total.last_finish or span.end) - span.start)
    result.update({"clients": clients, "case": case_id, "illegal_attempts": total.illegal,
                   "illegal_answered_409": total.illegal_409})
    return result


# -- the database side -------------------------------------------------------------------------

def setup_django(url: str) -> None:
    os.environ["RUN_WORKER_IN_PROCESS"] = "0"
    common.setup_django(url, LOG_LEVEL="WARNING")


def street_cases(limit: int) -> list[Case]:
    """The cases in street mediation (or failed there, ready to be routed back), each with
    a token of its center's head."""
    from rest_framework.authtoken.models import Token

    from disputes.models import Dispute
    from mediation.models import Membership, Organization, Role

    heads: dict[int, str] = {}
    for m in Membership.objects.filter(role=Role.HEAD, is_active=True).select_related(
            "user").order_by("organization_id", "user_id"):
        if m.organization_id not in heads:
            heads[m.organization_id] = Token.objects.get_or_create(user=m.user)[0].key
    street = [Organization.Kind.STREET_CENTER, Organization.Kind.PEOPLES_COMMITTEE]
    rows = (Dispute.objects.filter(status__in=list(LEGAL), organization_id__in=list(heads),
                                   organization__kind__in=street)
            .order_by("pk").values_list("pk", "organization_id", "version", "status"))
    return [Case(pk, org, heads[org], version, step_for(state))
            for pk, org, version, state in rows[:limit]]


def queries_per_transition(case: Case) -> dict[str, Any]:
    """One transition of the cycle in-process, its SQL statements counted (context)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    name = CYCLE[case.step % len(CYCLE)]
    client = Client(HTTP_AUTHORIZATION=f"Token {case.token}")
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False), \
            CaptureQueriesContext(connection) as captured:
        response = client.post(transition_path(case.id, name),
                               {**transition_input(name, case.organization),
                                "version": case.version}, content_type="application/json")
    if response.status_code != 200:
        raise SystemExit(f"in-process {name} on case {case.id}: {response.status_code} "
                         f"{response.content[:300]!r}")
    case.version, case.step = int(response.json()["version"]), case.step + 1
    statements = [q["sql"] for q in captured.captured_queries]
    return {"transition": name, "queries": len(statements),
            "sql_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1),
            "writes": sum(s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                          for s in statements)}


@dataclass
class HotState:
    version: int
    event_seq: int
    events: int
    status: str


def hot_state(case_id: int) -> HotState:
    from disputes.models import Dispute

    d = Dispute.objects.get(pk=case_id)
    return HotState(d.version, d.event_seq, d.events.count(), d.status)


def verify_hot(case_id: int, before: HotState, result: dict[str, Any]) -> dict[str, Any]:
    """No lost update: every 200 is one version, one event, in one unbroken chain."""
    from disputes.events import verify_chain
    from disputes.models import Dispute

    d = Dispute.objects.get(pk=case_id)
    events = list(d.events.order_by("seq"))
    new = Counter(e.kind for e in events if e.seq > before.event_seq)
    ok = result["ok"]
    problems = [str(p) for p in verify_chain(d, events)]
    checks: dict[str, Any] = {
        "version": {"before": before.version, "after": d.version,
                    "expected": before.version + ok, "ok": d.version == before.version + ok},
        "event_seq": {"after": d.event_seq, "expected": before.event_seq + ok,
                      "events": len(events),
                      "ok": d.event_seq == before.event_seq + ok == len(events)},
        "new_events_by_kind": {"events": dict(sorted(new.items())), "answers": result["done"],
                               "ok": dict(new) == result["done"]},
        "chain": {"problems": problems[:10], "ok": not problems},
        "final_state": {"status": d.status,
                        "last_event_to": events[-1].to_state if events else "",
                        "ok": not events or events[-1].to_state == d.status},
    }
    checks["all_ok"] = all(c["ok"] for c in checks.values() if isinstance(c, dict))
    return checks


# -- servers and pgbench ---------------------------------------------------------------------

def server_env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.server_settings",
            "DEBUG": "0", "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "ERROR", "RUN_WORKER_IN_PROCESS": "0",
            "REMINDER_SWEEP_MINUTES": "0", "SMS_BACKEND": "log"}


def start_servers(url: str, count: int, log: Path) -> tuple[list[subprocess.Popen[bytes]], list[int]]:
    """`count` daphne processes on free ports; their output (409s are logged as warnings)
    goes to `log`, read back by `server_errors`."""
    from bench.websockets import free_port, wait_for_port

    env = server_env(url)
    ports = [free_port() for _ in range(count)]
    daphne = str(Path(sys.executable).parent / "daphne")
    with log.open("ab") as out:
        servers = [subprocess.Popen(  # noqa: S603 - this environment's daphne
            [daphne, "-b", "127.0.0.1", "-p", str(port), "backend.asgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT) for port in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_for_port(port, server, "daphne")
    except BaseException:
        stop_servers(servers)
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    return servers, ports


def cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for p in processes:
        try:
            fields = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def server_errors(log: Path) -> list[str]:
    """The servers' ERROR lines (a 5xx logs one with its traceback), at most 20."""
    if not log.exists():
        return []
    lines = log.read_text(errors="replace").splitlines()
    return [line[:300] for line in lines if " ERROR " in line or line.startswith("Traceback")][:20]


def stop_servers(servers: list[subprocess.Popen[bytes]]) -> None:
    for s in servers:
        if s.poll() is None:
            s.send_signal(signal.SIGTERM)
    for s in servers:
        try:
            s.wait(timeout=20)
        except subprocess.TimeoutExpired:
            s.kill()
            s.wait(timeout=10)


def pg_args(url: str, database: str | None = None) -> list[str]:
    parsed = urlparse(url)
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432),
            "-U", parsed.username or "postgres"]
    return [*args, database or parsed.path.lstrip("/")]


def pg_env(url: str) -> dict[str, str]:
    password = urlparse(url).password
    return {**os.environ, **({"PGPASSWORD": password} if password else {})}


def pgbench_binary() -> str:
    binary = shutil.which("pgbench")
    if binary is None:
        raise SystemExit("pgbench is not installed (Debian: postgresql-client)")
    return binary


def parse_pgbench(output: str) -> dict[str, Any]:
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output) or \
        re.search(r"tps = ([\d.]+)", output)
    if tps is None:
        raise SystemExit(f"pgbench printed no tps:\n{output[-2000:]}")
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    done = re.search(r"number of transactions actually processed: (\d+)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {"tps": round(float(tps.group(1)), 1),
            "latency_avg_ms": float(latency.group(1)) if latency else None,
            "transactions": int(done.group(1)) if done else None,
            "failed": int(failed.group(1)) if failed else 0}


def pgbench_tpcb(url: str, clients: int, seconds: float, scale: int, jobs: int) -> dict[str, Any]:
    """TPC-B-like on a scratch database `<bench database>_pgbench`, dropped afterwards."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    name = urlparse(url).path.lstrip("/") + "_pgbench"
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = pg_env(url)
    try:
        started = time.perf_counter()
        subprocess.run([pgbench_binary(), "-i", "-q", "-s", str(scale), *pg_args(url, name)],  # noqa: S603
                       check=True, env=env, capture_output=True)
        init_seconds = time.perf_counter() - started
        done = subprocess.run(  # noqa: S603
            [pgbench_binary(), "-c", str(clients), "-j", str(jobs), "-T", str(max(1, round(seconds))),
             *pg_args(url, name)], check=True, env=env, capture_output=True, text=True)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    return {"what": f"pgbench TPC-B-like, scale {scale}, -c {clients} -j {jobs} "
                    f"-T {max(1, round(seconds))}", "clients": clients, "scale": scale,
            "init_seconds": round(init_seconds, 1), **parse_pgbench(done.stdout)}


def pgbench_row_lock(url: str, case_id: int, clients: int, seconds: float,
                     jobs: int) -> dict[str, Any]:
    """The hot case's row lock and version bump in plain SQL; the version is put back."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT version FROM disputes_dispute WHERE id = %s",
                           [case_id]).fetchone()
    assert row is not None
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(HOT_LOCK_SCRIPT)
    try:
        done = subprocess.run(  # noqa: S603
            [pgbench_binary(), "-n", "-f", script.name, "-D", f"hot={case_id}", "-c", str(clients),
             "-j", str(jobs), "-T", str(max(1, round(seconds))), *pg_args(url)],
            check=True, env=pg_env(url), capture_output=True, text=True)
    finally:
        os.unlink(script.name)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE disputes_dispute SET version = %s WHERE id = %s",
                         [row[0], case_id])
    return {"what": f"pgbench -f (BEGIN; SELECT ... FOR UPDATE; UPDATE ... version = version "
                    f"+ 1; COMMIT) on case {case_id}, -c {clients} -j {jobs} "
                    f"-T {max(1, round(seconds))}", "clients": clients, "script": HOT_LOCK_SCRIPT,
            **parse_pgbench(done.stdout)}


def machine() -> dict[str, Any]:
    import django
    from django.db import connection

    settings = {}
    with connection.cursor() as cursor:
        for name in ("server_version", "synchronous_commit", "fsync", "shared_buffers",
                     "max_connections"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
        cursor.execute("SELECT current_database(), "
                       "pg_size_pretty(pg_database_size(current_database()))")
        database, size = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM disputes_dispute")
        cases = cursor.fetchone()[0]
    return {**common.hardware(), "django": django.get_version(),
            "postgresql": settings.pop("server_version"), "postgresql_settings": settings,
            "database": database, "database_size": size, "cases": cases,
            "load_average_before": [round(x, 2) for x in os.getloadavg()]}


def run(args: argparse.Namespace) -> dict[str, Any]:
    setup_django(args.database_url)
    info = machine()
    cases = street_cases(args.cases + 1)
    if len(cases) < 2:
        raise SystemExit("Fewer than 2 cases in street mediation: build the database with "
                         "bench.build_db first (20,000 cases give ~160).")
    hot_case, cases = cases[0], cases[1:]
    context = queries_per_transition(cases[0])
    log = Path(tempfile.mkdtemp(prefix="bench-transitions-")) / "daphne.log"
    servers, ports = start_servers(args.database_url, args.servers, log)
    try:
        print(f"{len(ports)} daphne processes up; {len(cases)} cases, {args.clients} clients, "
              f"{args.seconds:.0f} s", file=sys.stderr, flush=True)
        alone = measured_throughput(servers, ports, cases, 1, args.single_seconds, args.warmup)
        print(f"  one client: {alone['per_second']} transitions/s", file=sys.stderr, flush=True)
        moved = measured_throughput(servers, ports, cases, args.clients, args.seconds,
                                    args.warmup)
        print(f"  throughput: {moved['per_second']} transitions/s", file=sys.stderr, flush=True)
        brief = measured_throughput(servers, ports, cases, args.clients, args.seconds,
                                    args.warmup, MINIMAL)
        print(f"  throughput, {MINIMAL['Prefer']}: {brief['per_second']} transitions/s",
              file=sys.stderr, flush=True)
        floor = measured_throughput(servers, ports, cases, args.clients, args.seconds,
                                    args.warmup, floor=True)
        print(f"  floor (row update through the API): {floor['per_second']} requests/s",
              file=sys.stderr, flush=True)
        tpcb = pgbench_tpcb(args.database_url, args.clients, args.seconds, args.scale, args.jobs)
        print(f"  pgbench: {tpcb['tps']} tps", file=sys.stderr, flush=True)
        before = hot_state(hot_case.id)
        if before.status != "street_mediation":  # a previous run left it failed: route it back
            hot_case.version, hot_case.step = before.version, step_for(before.status)
        raced = hot("127.0.0.1", ports, hot_case.id, hot_case.token, args.hot_clients,
                    args.hot_seconds, seed=args.seed)
    finally:
        stop_servers(servers)
        logged = server_errors(log)
        shutil.rmtree(log.parent, ignore_errors=True)
    raced["checks"] = verify_hot(hot_case.id, before, raced)
    print(f"  hot case: {raced['per_second']} 200s/s, checks "
          f"{'ok' if raced['checks']['all_ok'] else 'FAILED'}", file=sys.stderr, flush=True)
    lock = pgbench_row_lock(args.database_url, hot_case.id, args.hot_clients, args.hot_seconds,
                            args.jobs)
    info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    for result in (moved, brief, floor):
        result["ratio"] = round(result["per_second"] / tpcb["tps"], 4) if tpcb["tps"] else 0.0
    for result in (moved, brief):
        result["ratio_to_floor"] = (round(result["per_second"] / floor["per_second"], 3)
                                    if floor["per_second"] else 0.0)
    raced["ratio"] = round(raced["per_second"] / lock["tps"], 4) if lock["tps"] else 0.0
    failures = (failures_of(moved, raced) + failures_of_throughput(f"{MINIMAL['Prefer']}", brief)
                + failures_of_throughput("floor", floor))
    if logged:
        failures.append(f"the servers logged {len(logged)} error line(s): {logged[0]}")
    return {
        "name": "transitions",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "method": (f"real HTTP to daphne ({args.servers} processes, DEBUG off), token auth, "
                   f"one keep-alive connection per client thread; {args.warmup} untimed "
                   f"transitions per client first; windows of {args.seconds:.0f} s "
                   f"(throughput) and {args.hot_seconds:.0f} s (hot case)"),
        "goals": {"ratio": RATIO_GOAL, "ratio_aim": RATIO_AIM, "p95_ms": P95_GOAL_MS,
                  "hot_ratio": HOT_RATIO_GOAL},
        "machine": info,
        "baseline": {"throughput": tpcb["what"], "hot": lock["what"]},
        "ratios": {"transitions_per_pgbench_tps": moved["ratio"],
                   "minimal_transitions_per_pgbench_tps": brief["ratio"],
                   "floor_per_pgbench_tps": floor["ratio"],
                   "transitions_per_floor": moved["ratio_to_floor"],
                   "minimal_transitions_per_floor": brief["ratio_to_floor"],
                   "hot_200s_per_pgbench_row_lock_tps": raced["ratio"]},
        "context": {"one_transition_in_process": context},
        "throughput": moved, "throughput_minimal": brief, "floor": floor, "one_client": alone,
        "pgbench": tpcb, "hot": raced, "pgbench_row_lock": lock,
        "server_errors": logged, "failures": failures, "ok": not failures,
    }


def status_of(key: str) -> int:
    """The HTTP status of an answer key: "200", "409 stale_version", "GET 500 ..."."""
    words = key.removeprefix("GET ").split()
    return int(words[0]) if words and words[0].isdigit() else 0


def failures_of_throughput(label: str, result: dict[str, Any]) -> list[str]:
    failures = []
    unexpected = {k: v for k, v in result["answers"].items() if k != "200"}
    if unexpected:
        failures.append(f"throughput ({label}): unexpected answers {unexpected}")
    if not result["ok"]:
        failures.append(f"throughput ({label}): no transition succeeded")
    return failures


def failures_of(moved: dict[str, Any], raced: dict[str, Any]) -> list[str]:
    failures = []
    for label, result, allowed in (("throughput", moved, {"200"}),
                                   ("hot case", raced, {"200", "409 stale_version",
                                                        "409 transition_not_allowed"})):
        unexpected = {k: v for k, v in result["answers"].items() if k not in allowed}
        server_errors = sum(v for k, v in result["answers"].items() if status_of(k) >= 500)
        if server_errors:
            failures.append(f"{label}: {server_errors} server errors (5xx)")
        if unexpected:
            failures.append(f"{label}: unexpected answers {unexpected}")
        if not result["ok"]:
            failures.append(f"{label}: no transition succeeded")
    if raced["illegal_answered_409"] != raced["illegal_attempts"]:
        failures.append(f"hot case: {raced['illegal_attempts'] - raced['illegal_answered_409']} "
                        "illegal transitions not answered 409")
    checks = raced.get("checks", {})
    for name, check in checks.items():
        if isinstance(check, dict) and not check["ok"]:
            failures.append(f"hot case: check {name} failed: {json.dumps(check, ensure_ascii=False)}")
    return failures


# -- reports -----------------------------------------------------------------------------------

def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def cap(cpus: int | None, ms: float | None) -> str:
    return f"{1000 * (cpus or 1) / ms:,.0f}" if ms else "?"


def markdown(report: dict[str, Any], previous: dict[str, Any] | None) -> str:
    m, t, p, h, lock = (report["machine"], report["throughput"], report["pgbench"],
                        report["hot"], report["pgbench_row_lock"])
    one = report.get("one_client") or dict.fromkeys(("per_second", "p50_ms", "p95_ms"), 0.0)
    old = previous or {}

    def was(section: str, key: str, fmt: str = "{:,.1f}") -> str:
        value = old.get(section, {}).get(key)
        return fmt.format(value) if isinstance(value, int | float) else "–"

    ratio, hot_ratio = t["ratio"], h["ratio"]
    brief = report.get("throughput_minimal")

    def verdict(result: dict[str, Any]) -> str:
        return (f"ratio {mark(result['ratio'] >= RATIO_GOAL)}"
                f"{' aim ✓' if result['ratio'] >= RATIO_AIM else ''}, "
                f"p95 {mark(result['p95_ms'] < P95_GOAL_MS)}")

    throughput_verdict = verdict(t)
    brief_row = [] if brief is None else [
        f"| the same, `Prefer: return=minimal` (answer: state and version) | {brief['clients']} "
        f"| {brief['per_second']:,.1f} | {brief['p50_ms']:.1f} | {brief['p95_ms']:.1f} | "
        f"{brief['ratio']:.3f} | ≥ {RATIO_GOAL} (aim {RATIO_AIM}), p95 < {P95_GOAL_MS:.0f} ms "
        f"| {verdict(brief)} | {was('throughput_minimal', 'per_second')} / "
        f"{was('throughput_minimal', 'ratio', '{:.3f}')} |"]
    floor = report.get("floor")
    floor_row = [] if floor is None else [
        f"| floor: a row update through the API (bench/serving.py: token auth, lock, version "
        f"+1, no work) | {floor['clients']} | {floor['per_second']:,.1f} | "
        f"{floor['p50_ms']:.1f} | {floor['p95_ms']:.1f} | {floor['ratio']:.3f} | – | ceiling "
        f"of any API transition here | {was('floor', 'per_second')} / "
        f"{was('floor', 'ratio', '{:.3f}')} |"]
    floor_note = [] if floor is None else [
        "",
        f"Floor: no API transition can be faster than a request that only authenticates "
        f"and updates the case row through the same server; that one reaches "
        f"{floor['ratio']:.3f} of pgbench ({floor.get('server_cpu_ms_per_transition')} ms "
        f"of daphne CPU a request). Transitions reach {t.get('ratio_to_floor', 0):.2f} of "
        f"it with the full answer"
        + ("" if brief is None else f", {brief.get('ratio_to_floor', 0):.2f} with "
                                    "`Prefer: return=minimal`") + "."]
    c = report["context"]["one_transition_in_process"]
    checks = h["checks"]
    lines = [
        "# Transitions benchmark · 案件流转性能基准",
        "",
        f"Run {report['run_at']} on `{m['database']}` ({m['cases']:,} cases, "
        f"{m['database_size']}).",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory']} RAM, load average "
        f"{' '.join(map(str, m['load_average_before']))} before and "
        f"{' '.join(map(str, m['load_average_after']))} after; Python {m['python']}, "
        f"Django {m['django']}, PostgreSQL {m['postgresql']} ("
        + ", ".join(f"{k} {v}" for k, v in m["postgresql_settings"].items()) + ").",
        "",
        f"Method: {report['method']}.",
        "",
        "| benchmark | clients | per second | p50 ms | p95 ms | ratio | goal | verdict | "
        "previous: per second / ratio |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
        f"| transitions through the API | {t['clients']} | {t['per_second']:,.1f} | "
        f"{t['p50_ms']:.1f} | {t['p95_ms']:.1f} | {ratio:.3f} | ≥ {RATIO_GOAL} (aim "
        f"{RATIO_AIM}), p95 < {P95_GOAL_MS:.0f} ms | {throughput_verdict} | "
        f"{was('throughput', 'per_second')} / {was('throughput', 'ratio', '{:.3f}')} |",
        *brief_row,
        *floor_row,
        f"| context: one client, one request at a time | 1 | {one['per_second']:,.1f} | "
        f"{one['p50_ms']:.1f} | {one['p95_ms']:.1f} | – | – | context | "
        f"{was('one_client', 'per_second')} |",
        f"| pgbench TPC-B-like (baseline) | {p['clients']} | {p['tps']:,.1f} | – | – | 1 | – | "
        f"baseline | {was('pgbench', 'tps')} |",
        f"| hot case: 200s through the API | {h['clients']} | {h['per_second']:,.1f} | "
        f"{h['p50_ms']:.1f} | {h['p95_ms']:.1f} | {hot_ratio:.3f} | ≥ {HOT_RATIO_GOAL} | "
        f"ratio {mark(hot_ratio >= HOT_RATIO_GOAL)}, no lost update "
        f"{mark(checks['all_ok'])} | {was('hot', 'per_second')} / "
        f"{was('hot', 'ratio', '{:.3f}')} |",
        f"| pgbench row lock on the hot row (baseline) | {lock['clients']} | "
        f"{lock['tps']:,.1f} | – | – | 1 | – | baseline | {was('pgbench_row_lock', 'tps')} |",
        "",
        f"Throughput: {t['ok']:,} transitions in {t['seconds']} s on {t['cases']} cases "
        f"({t['servers']} daphne processes), by kind {t['done']}; answers {t['answers']}. "
        f"pgbench: {p['what']} (initialised in {p['init_seconds']} s), latency average "
        f"{p['latency_avg_ms']} ms.",
        "",
        f"Hot case {h['case']}: {h['requests']:,} transition requests in {h['seconds']} s: "
        f"answers {h['answers']}; {h['illegal_answered_409']}/{h['illegal_attempts']} "
        f"transitions illegal in the state the client had read were answered 409. After: "
        f"version {checks['version']['before']} → {checks['version']['after']} (expected "
        f"{checks['version']['expected']}) {mark(checks['version']['ok'])}; event_seq "
        f"{checks['event_seq']['after']} = events {checks['event_seq']['events']} "
        f"{mark(checks['event_seq']['ok'])}; new events by kind {checks['new_events_by_kind']['events']} "
        f"= 200s by kind {mark(checks['new_events_by_kind']['ok'])}; hash chain "
        f"{mark(checks['chain']['ok'])}; state {checks['final_state']['status']} = last "
        f"event's {mark(checks['final_state']['ok'])}.",
        "",
        f"Server CPU (user + system of the daphne processes ÷ transitions; PostgreSQL's own "
        f"work not included): {one.get('server_cpu_ms_per_transition')} ms a transition with "
        f"one client, {t.get('server_cpu_ms_per_transition')} ms with {t['clients']}"
        + ("" if brief is None else f" ({brief.get('server_cpu_ms_per_transition')} ms with "
                                    "`Prefer: return=minimal`)") + ". On "
        f"{m['cpus']} otherwise idle CPUs the one-client figure alone caps the rate near "
        f"{cap(m['cpus'], one.get('server_cpu_ms_per_transition'))} transitions/s.",
        *floor_note,
        "",
        f"Context: one {c['transition']} in-process (django.test.Client) ran {c['queries']} "
        f"SQL statements ({c['writes']} writes), {c['sql_ms']} ms of SQL; a pgbench TPC-B "
        "transaction is 7 statements (3 UPDATEs, 1 SELECT, 1 INSERT, BEGIN, END).",
        "",
        f"Result: {'OK' if report['ok'] else 'FAILED: ' + '; '.join(report['failures'])}.",
    ]
    return "\n".join(lines)


write_reports = common.write_reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--clients", type=int, default=8,
                        help="clients of the throughput run and of pgbench (8)")
    parser.add_argument("--servers", type=int, default=4, help="daphne processes (4)")
    parser.add_argument("--seconds", type=float, default=30, help="throughput window (30)")
    parser.add_argument("--cases", type=int, default=1000,
                        help="at most this many cases in street mediation are driven (1000)")
    parser.add_argument("--warmup", type=int, default=2,
                        help="untimed transitions per client first (2)")
    parser.add_argument("--single-seconds", type=float, default=5,
                        help="window of the one-client run, for context (5)")
    parser.add_argument("--hot-clients", type=int, default=16)
    parser.add_argument("--hot-seconds", type=float, default=20, help="hot-case window (20)")
    parser.add_argument("--scale", type=int, default=10, help="pgbench -i scale (10)")
    parser.add_argument("--jobs", type=int, default=2, help="pgbench -j (2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reports", type=Path, default=REPORTS, help="report directory")
    args = parser.parse_args(argv)
    common.bench_database_url(args.database_url, name="--database-url")
    report = run(args)
    md, js = write_reports(report, args.reports, "transitions", markdown)
    print(markdown(report, None))
    print(f"\nReports: {md} and {js}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
