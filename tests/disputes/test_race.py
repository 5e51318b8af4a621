"""Two connections race on one case: exactly one wins, the other gets a clear conflict, and
nothing is half-written. Needs PostgreSQL's row locks; runs in CI, never skipped there."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django_fsm import TransitionNotAllowed

from disputes import services
from disputes.errors import StaleVersion
from disputes.models import ArbitrationRecord, Dispute, DisputeEvent, Status
from disputes.services import base
from tests.world import World, sample_input

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.fixture
def slow_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each transaction between read and write, so the two overlap for sure."""
    monkeypatch.setattr(base, "after_lock", lambda dispute: time.sleep(0.3))


def transition(world: World, dispute: Dispute, name: str, actor: str,
               version: int | None = None) -> Callable[[], Dispute]:
    data = sample_input(name, world, dispute)
    return lambda: services.dispute_transition(
        dispute=dispute, actor=world.users[actor], name=name, data=data,
        expected_version=version)


@pytest.mark.usefixtures("slow_writes")
def test_accept_and_refuse_at_once_one_wins(world: World) -> None:
    dispute = world.case_in(Status.ARBITRATION_REVIEW)
    events_before = DisputeEvent.objects.filter(dispute=dispute).count()
    results = race(transition(world, dispute, "accept", "filing_officer"),
                   transition(world, dispute, "refuse", "filing_officer"))
    winners = [r for r in results if isinstance(r, Dispute)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], TransitionNotAllowed)
    dispute.refresh_from_db()
    record = ArbitrationRecord.objects.get(dispute=dispute)
    assert DisputeEvent.objects.filter(dispute=dispute).count() == events_before + 1
    if dispute.status == Status.ACCEPTED:
        assert record.case_number and not record.refusal_reason
    else:
        assert dispute.status == Status.NOT_ACCEPTED
        assert record.refusal_reason and not record.case_number


@pytest.mark.usefixtures("slow_writes")
def test_same_version_twice_one_gets_stale_version(world: World) -> None:
    dispute = world.case_in(Status.STREET_MEDIATION)
    v = dispute.version
    results = race(transition(world, dispute, "schedule_mediation_session", "mediator", v),
                   transition(world, dispute, "schedule_mediation_session", "head", v))
    assert sorted(type(r).__name__ for r in results) == ["Dispute", "StaleVersion"], results
    dispute.refresh_from_db()
    assert dispute.version == v + 1
    assert dispute.event_seq == DisputeEvent.objects.filter(dispute=dispute).count()


@pytest.mark.usefixtures("slow_writes")
def test_without_the_row_lock_the_race_is_lost(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shows the tests above depend on the lock: with a plain read, both requests pass the
    version check and the loser fails on a constraint instead of a clear conflict."""
    monkeypatch.setattr(base, "lock_dispute", lambda pk: Dispute.objects.get(pk=pk))
    dispute = world.case_in(Status.STREET_MEDIATION)
    v = dispute.version
    results = race(transition(world, dispute, "schedule_mediation_session", "mediator", v),
                   transition(world, dispute, "schedule_mediation_session", "head", v))
    assert not any(isinstance(r, StaleVersion) for r in results), results


def test_connections_are_separate() -> None:
    assert connection.vendor == "postgresql"


def test_a_locked_case_leaves_its_district_free(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The case lock takes the case row only, so transitions of other cases of the same
    district never wait for it."""
    from django.db import DatabaseError, transaction

    from mediation.models import District

    seen: list[str] = []

    def probe(locked: Dispute) -> None:
        def other() -> None:
            try:
                with transaction.atomic():
                    District.objects.select_for_update(nowait=True).get(pk=locked.district_id)
                seen.append("free")
            except DatabaseError:
                seen.append("locked")
            finally:
                connections.close_all()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=10)

    dispute = world.case_in(Status.STREET_MEDIATION)
    monkeypatch.setattr(base, "after_lock", probe)
    transition(world, dispute, "schedule_mediation_session", "mediator", dispute.version)()
    assert seen == ["free"]
