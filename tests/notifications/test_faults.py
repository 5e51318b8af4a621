"""Faults, on a private redis-server this module starts on its own free port (never the
shared one): Redis going away and coming back, a worker killed in the middle of a
delivery, two workers sweeping the clocks at the same moment."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.db import transaction

from disputes.models import Dispute, DisputeEvent, Status
from notifications.models import Channel, Message, Reminder
from notifications.outbox import deliver_due
from notifications.sms import SmsBackend
from tests.notifications.conftest import Headers, PrivateRedis
from tests.notifications.live import connect, receive_events, run_worker_once
from tests.notifications.test_across_processes import database_url
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
Login = Callable[[User | None], Headers]
Delivery = DisputeEvent.Delivery


def worker_env(redis: PrivateRedis, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis.url,
            "DJANGO_SETTINGS_MODULE": "backend.settings", "LOG_LEVEL": "INFO",
            "SMS_BACKEND": "log", **extra}


def wait_for_line(process: subprocess.Popen[bytes], prefix: str) -> str:
    """The first line of the process's output that starts with `prefix` (it prints it when
    it is where the test wants it; generous limit for a slow start)."""
    assert process.stdout is not None
    while True:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, f"no {prefix!r} line from the worker"
        line = process.stdout.readline().decode()
        assert line, f"the worker ended before {prefix!r} (exit {process.wait()})"
        if line.startswith(prefix):
            return line[len(prefix):].strip()


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=20)
    assert process.returncode == -signal.SIGKILL


def wait_for_row_locks(model: Any, ids: list[int]) -> None:
    """Block until the killed worker's server process has let go of its row locks
    (PostgreSQL ends it when the connection drops); a skip-locked claim would pass over
    rows still held."""
    with transaction.atomic():
        list(model.objects.select_for_update().filter(pk__in=ids))


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_stopped_transitions_succeed_and_their_events_arrive_after_it_returns(
        world: World, login_headers: Login, private_layer: PrivateRedis, settings: Any) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 0  # due again at once: the test decides when
    case = world.case_in(Status.SUBMITTED)
    DisputeEvent.objects.update(delivery=Delivery.DELIVERED)

    private_layer.stop()
    world.do("route_to_street", case)  # committed without Redis
    world.do("assign_mediator", Dispute.objects.get(pk=case.pk))
    assert deliver_due() == 2  # the worker tries, and fails
    late = list(case.events.filter(seq__gt=1).order_by("seq"))
    assert [(e.delivery, e.attempts) for e in late] == [(Delivery.PENDING, 1)] * 2
    assert "Connect" in late[0].last_error or "connect" in late[0].last_error
    # The messages the routing causes do not wait for Redis.
    assert Message.objects.filter(event=late[0], channel=Channel.SMS).count() == 1

    private_layer.start()  # an empty Redis: the groups it knew are gone
    mediator, worker = login_headers(world.mediator), login_headers(world.worker)

    async def scenario() -> None:
        queue = await connect(f"/ws/queue/{world.center.pk}/", mediator)
        page = await connect(f"/ws/cases/{case.pk}/?after=1", worker)  # it had seen #1
        replayed = await receive_events(page, 3)
        assert [m.get("seq") for m in replayed] == [2, 3, None]
        assert replayed[2] == {"type": "replayed", "last_seq": 3}
        await run_worker_once()  # the retry goes through
        live = await receive_events(queue, 2)
        assert [m["id"] for m in live] == [e.pk for e in late]
        assert await page.receive_nothing(timeout=0.3)  # already replayed: not twice
        await database_sync_to_async(world.do)("record_failure",
                                               await database_sync_to_async(
                                                   Dispute.objects.get)(pk=case.pk))
        await run_worker_once()
        assert (await receive_events(page, 1))[0]["seq"] == 4
        assert (await receive_events(queue, 1))[0]["seq"] == 4
        await queue.disconnect()
        await page.disconnect()

    async_to_sync(scenario)()
    assert not DisputeEvent.objects.exclude(delivery=Delivery.DELIVERED).exists()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_a_client_sees_nothing_twice(
        world: World, login_headers: Login, private_layer: PrivateRedis) -> None:
    world.case_in(Status.SUBMITTED)
    world.case_in(Status.SUBMITTED)
    DisputeEvent.objects.update(delivery=Delivery.DELIVERED)
    cases = list(Dispute.objects.order_by("pk"))
    headers = login_headers(world.mediator)

    async def scenario() -> None:
        queue = await connect(f"/ws/queue/{world.center.pk}/", headers)
        for case in cases:
            await database_sync_to_async(world.do)("route_to_street", case)
            await database_sync_to_async(world.do)(
                "assign_mediator", await database_sync_to_async(Dispute.objects.get)(pk=case.pk))
        expected = await database_sync_to_async(
            lambda: list(DisputeEvent.objects.filter(delivery=Delivery.PENDING)
                         .order_by("pk").values_list("pk", flat=True)))()
        assert len(expected) == 4

        stalling = subprocess.Popen(
            [sys.executable, "-m", "tests.notifications.stalling", "events", "-"],
            cwd=ROOT, env=worker_env(private_layer), stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        try:
            half = [int(i) for i in wait_for_line(stalling, "HALF-SENT").split(",")]
            first = await receive_events(queue, len(half))  # they did go out
            assert [m["id"] for m in first] == half
            kill(stalling)  # before it recorded anything
        finally:
            if stalling.poll() is None:
                stalling.kill()
        # Its transaction died with it: every event is pending again, none counted.
        rows = await database_sync_to_async(
            lambda: list(DisputeEvent.objects.filter(pk__in=expected)
                         .values_list("delivery", "attempts")))()
        assert rows == [(Delivery.PENDING, 0)] * 4
        await database_sync_to_async(wait_for_row_locks)(DisputeEvent, expected)

        await run_worker_once()  # another worker: sends all four, two of them again
        rest = await receive_events(queue, len(expected) - len(half))
        assert await queue.receive_nothing(timeout=0.3)
        received = [m["id"] for m in first + rest]
        assert sorted(received) == expected  # nothing lost, nothing twice
        await queue.disconnect()

    async_to_sync(scenario)()
    # One attempt each: the killed one never happened, as far as the database knows.
    assert set(DisputeEvent.objects.filter(attempts__gt=0)
               .values_list("delivery", "attempts")) == {(Delivery.DELIVERED, 1)}
    assert not DisputeEvent.objects.exclude(delivery=Delivery.DELIVERED).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_sending_messages_resends_only_what_it_had_not_recorded(
        world: World, private_redis: PrivateRedis, tmp_path: Path, settings: Any) -> None:
    for _ in range(3):
        world.submit()  # three SMS "申请已收到"
    from notifications.outbox import deliver_all_due

    deliver_all_due(send=lambda parcels: {})
    sms = list(Message.objects.filter(channel=Channel.SMS).order_by("pk")
               .values_list("pk", flat=True))
    assert len(sms) == 3
    gateway = tmp_path / "gateway.txt"

    stalling = subprocess.Popen(  # noqa: S603 (this interpreter, a path of the test's)
        [sys.executable, "-m", "tests.notifications.stalling", "messages", str(gateway)],
        cwd=ROOT, env=worker_env(private_redis), stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL)
    try:
        half = [int(i) for i in wait_for_line(stalling, "HALF-SENT").split(",")]
        kill(stalling)
    finally:
        if stalling.poll() is None:
            stalling.kill()
    assert half == sms[:2]
    assert set(Message.objects.filter(pk__in=sms).values_list("status", "attempts")) == {
        (Message.Status.PENDING, 0)}

    wait_for_row_locks(Message, sms)
    settings.SMS_BACKEND = "tests.notifications.test_faults.FileGateway"
    FileGateway.path = gateway
    from notifications.delivery import deliver_all_due_messages

    assert deliver_all_due_messages() == 3
    received = [int(line) for line in gateway.read_text().split()]
    # At least once: the two the killed worker handed over go again, with the same
    # reference, so a gateway that deduplicates on it delivers each message once.
    assert Counter(received) == Counter({sms[0]: 2, sms[1]: 2, sms[2]: 1})
    assert set(received) == set(sms)
    assert set(Message.objects.filter(pk__in=sms).values_list("status", "attempts")) == {
        (Message.Status.SENT, 1)}


class FileGateway(SmsBackend):
    """Appends each reference it is given to a file, as the stalling worker's gateway did."""

    path: Path

    def send(self, *, phone: str, text: str, reference: str) -> None:
        with open(self.path, "a") as received:
            received.write(reference + "\n")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sweeping_at_once_send_each_reminder_once(
        world: World, private_redis: PrivateRedis) -> None:
    # Cases whose deadlines passed long ago: every worker sweeping today finds them overdue.
    for state in [Status.ARBITRATION_REVIEW, Status.ARBITRATION_REVIEW,
                  Status.MEDIATION_SUCCEEDED, Status.MEDIATION_SUCCEEDED, Status.ACCEPTED]:
        world.case_in(state)
    for name in ("filing_officer", "head", "arbitrator", "tribunal_b", "tribunal_c"):
        user = world.users[name]
        user.email = f"{name}@zhongcai.example.gov.cn"
        user.save()
    DisputeEvent.objects.update(delivery=Delivery.DELIVERED)  # only reminders are at stake

    env = worker_env(private_redis)
    workers = [subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--once", "--sweep"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [w.communicate(timeout=120)[0].decode() for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    made = [int(m) for out in outputs for m in re.findall(r"^reminders: (\d+) made$", out, re.M)]
    reminders = list(Reminder.objects.values_list("dispute_id", "clock", "kind",
                                                  "working_days_before", "due_on"))
    assert len(made) == 2
    assert len(reminders) == len(set(reminders)) == sum(made) >= 5
    # What the two workers handed to the SMS and e-mail backends, from their logs:
    sent = [m for out in outputs
            for m in re.findall(r"sms (\d+) to|email to (\S+@\S+): ", out)]
    assert sent, outputs
    sms_refs = Counter(ref for ref, _ in sent if ref)
    assert sms_refs and max(sms_refs.values()) == 1  # no SMS twice
    reminder_sms = set(Message.objects.filter(reminder__isnull=False, channel=Channel.SMS)
                       .values_list("pk", flat=True))
    assert reminder_sms and reminder_sms <= {int(r) for r in sms_refs}
    assert not Message.objects.filter(channel__in=[Channel.SMS, Channel.EMAIL]).exclude(
        status=Message.Status.SENT).exists()
    emails = Message.objects.filter(reminder__isnull=False, channel=Channel.EMAIL)
    assert emails.count() == len([a for _, a in sent if a])  # each e-mail logged once
    assert "filing_officer@" not in "".join(outputs)  # logged masked: f***@zhongcai...
    assert "13800138000" not in "".join(outputs)
    assert not Reminder.objects.exclude(delivery=Reminder.Delivery.DELIVERED).exists()
