"""Peers side by side: one dispute path through our engine, viewflow.fsm and SpiffWorkflow.

    .venv/bin/pip install -e '.[peers]'      # the two peers: benchmark-only, never runtime
    .venv/bin/python -m bench.peers --cases 200
    .venv/bin/python -m bench.peers --cases 200 --database-url postgres://postgres@127.0.0.1:5432/disputes_bench

The same path, submitted → street mediation → failed → arbitration review → accepted
(application served, tribunal formed, defence received) → hearing scheduled → deliberation
→ closed by award, i.e. the creation of the case and the ten transitions of PATH, runs
through three engines on the same PostgreSQL database in the same run, the same number of
cases each, in interleaved blocks (so a change of the machine's load hits all three):

- ours: the real services (`disputes.services.dispute_transition` → `run_transition`),
  driven by `tests/world.py`'s personas and inputs, exactly as the test suite drives a case;
- viewflow.fsm (django-viewflow): a case row with the same states and a `viewflow.fsm.State`
  flow class doing the same transitions; per transition, in one transaction: the row locked
  (SELECT … FOR UPDATE), the transition (its source state checked), the row updated (status,
  version, updated_at), one event row inserted;
- SpiffWorkflow: a BPMN process (bench/peers_assets/dispute_path.bpmn, one user task per
  transition) run by `BpmnWorkflow`; per transition, in one transaction: the row locked, the
  workflow deserialized from it (the JSON serializer), the ready user task completed with the
  transition's input, the engine stepped, the workflow serialized back into the row, one
  event row inserted.

Reported: cases per second of each, ours ÷ theirs, p50/p95 per case, queries per case and
what each persists per transition. `bench/reports/peers.md` and `peers.json` (the previous
pair kept as `peers.previous.*`). `collect()` is what `bench/suite.py` calls. The database
used is `<name>_peers` beside the one given (created afresh for every run, dropped first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.metadata
import importlib.util
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlparse

from bench import common

if TYPE_CHECKING:
    from tests.world import World

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).resolve().parent / "reports"
BPMN_FILE = Path(__file__).resolve().parent / "peers_assets" / "dispute_path.bpmn"
BPMN_PROCESS = "dispute_path"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/disputes_bench_peers"
INSTALL_HINT = ".venv/bin/pip install -e '.[peers]'"
# import name -> distribution name, for the peers only.
PEER_PACKAGES = {"viewflow": "django-viewflow", "SpiffWorkflow": "SpiffWorkflow"}

# The transitions after submission, with the state each leads to (the self-loops of the
# accepted state included: a hearing cannot be scheduled before them).
PATH: list[tuple[str, str]] = [
    ("route_to_street", "street_mediation"),
    ("record_failure", "mediation_failed"),
    ("apply_for_arbitration", "arbitration_review"),
    ("accept", "accepted"),
    ("serve_application", "accepted"),
    ("form_tribunal", "accepted"),
    ("record_defence", "accepted"),
    ("schedule_hearing", "hearing_scheduled"),
    ("conclude_hearing", "deliberation"),
    ("issue_award", "closed"),
]
TRANSITIONS = [name for name, _ in PATH]
TARGET = dict(PATH)
SUBMITTED = "submitted"
CLOSED = "closed"
EVENT_KINDS = [SUBMITTED, *TRANSITIONS]

# The peers record the same kind of input in their events as our services do (dates,
# texts, ids), without the related rows our services write from it.
PEER_INPUT: dict[str, dict[str, Any]] = {
    SUBMITTED: {"channel": "counter", "dispute_type": "wages", "claims": 1,
                "amount": "12000.00", "received_on": "2026-01-05"},
    "route_to_street": {"organization": 1, "received_on": "2026-01-06"},
    "record_failure": {"reason": "双方对金额分歧较大。", "ended_on": "2026-01-06"},
    "apply_for_arbitration": {"applied_on": "2026-01-21"},
    "accept": {"accepted_on": "2026-01-26", "procedure": "ordinary"},
    "serve_application": {"served_on": "2026-01-27"},
    "form_tribunal": {"arbitrators": [9, 10, 11], "presiding": 9, "formed_on": "2026-01-26"},
    "record_defence": {"received_on": "2026-01-29"},
    "schedule_hearing": {"scheduled_for": "2026-02-10T09:30:00+08:00",
                         "notice_served_on": "2026-01-27", "location": "第一仲裁庭"},
    "conclude_hearing": {"held_on": "2026-02-10"},
    "issue_award": {"issued_on": "2026-02-12", "reasoning": "经审理查明……",
                    "result": "worker_won",
                    "items": [{"claim": 1, "decision": "granted", "granted_amount": "12000.00"}]},
}


# -- the peers ------------------------------------------------------------------------------


class Peer(Protocol):
    """One engine under test: `prepare` once, then `run_case` per case, then `verify`."""

    name: str  # short key of the ratio: "ours/<name>"
    title: str
    per_transition: str  # what it does and persists per transition, for the report

    def version(self) -> str: ...

    def prepare(self) -> None: ...

    def run_case(self, index: int) -> int:
        """Create one case and take it to closed by award; return its id."""
        ...

    def verify(self, case_ids: Sequence[int]) -> list[str]:
        """Problems found in those cases (empty when all ended right)."""
        ...


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


class OurEngine:
    """The real services, the personas and inputs of tests/world.py."""

    name = "ours"
    title = "本引擎 · our engine (disputes.services)"
    per_transition = (
        "in one transaction: case row locked (SELECT … FOR UPDATE, district joined), version "
        "checked, actor's permission checked (memberships, tribunal), input validated by the "
        "transition's form, django-fsm-2 `can_proceed` and the @transition, the transition's "
        "own rows written (mediation attempt, arbitration record, tribunal, hearing, award and "
        "items), case row updated, one hash-chained event (SHA-256 over the canonical JSON, also "
        "the notification outbox) inserted, the next statutory deadline recomputed"
    )

    def __init__(self, world: World | None = None) -> None:
        self.world = world

    def version(self) -> str:
        return f"labor-disputes {_version('labor-disputes')}, django-fsm-2 {_version('django-fsm-2')}"

    def prepare(self) -> None:
        if self.world is None:
            from django.test import override_settings

            from tests.world import build_world

            # A throw-away bench database: the accounts need no slow password hash.
            with override_settings(
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                self.world = build_world()

    def run_case(self, index: int) -> int:
        world = self.world
        assert world is not None, "prepare() first"
        dispute = world.submit()  # dispute_submit, then the personas linked to the parties
        self.mark(SUBMITTED)
        for name in TRANSITIONS:
            dispute = world.do(name, dispute)
            self.mark(name)
        return dispute.pk

    def mark(self, step: str) -> None:
        """Called after each step; `count_queries` replaces it to count per step."""

    def verify(self, case_ids: Sequence[int]) -> list[str]:
        from disputes.events import verify_chain
        from disputes.models import Award, Dispute, DisputeEvent

        problems: list[str] = []
        for dispute in Dispute.objects.filter(pk__in=case_ids).order_by("pk"):
            events = list(DisputeEvent.objects.filter(dispute=dispute).order_by("seq"))
            if dispute.status != CLOSED:
                problems.append(f"ours {dispute.pk}: status {dispute.status}")
            if [e.kind for e in events] != EVENT_KINDS:
                problems.append(f"ours {dispute.pk}: events {[e.kind for e in events]}")
            if not Award.objects.filter(record__dispute=dispute, kind=Award.Kind.FINAL).exists():
                problems.append(f"ours {dispute.pk}: no final award")
            problems.extend(f"ours {p}" for p in verify_chain(dispute, events))
        found = Dispute.objects.filter(pk__in=case_ids).count()
        if found != len(set(case_ids)):
            problems.append(f"ours: {found} of {len(set(case_ids))} cases found")
        return problems


@functools.cache
def peer_models() -> dict[str, Any]:
    """The peers' tables, as Django models of a label no app installs (made on first use):
    for each peer a case row and an event row of the same shape."""
    from django.db import models

    class PeerCase(models.Model):
        status = models.CharField(max_length=32)
        version = models.PositiveIntegerField(default=0)
        created_at = models.DateTimeField(auto_now_add=True)
        updated_at = models.DateTimeField(auto_now=True)

        class Meta:
            abstract = True

        def __str__(self) -> str:
            return f"{self.pk} {self.status}"

    def event_model(peer: str, case_model: type[models.Model]) -> type[models.Model]:
        fields: dict[str, Any] = {
            "__module__": __name__,
            "case": models.ForeignKey(case_model, on_delete=models.CASCADE),
            "seq": models.PositiveIntegerField(),
            "kind": models.CharField(max_length=48),
            "actor": models.CharField(max_length=32),
            "from_state": models.CharField(max_length=32),
            "to_state": models.CharField(max_length=32),
            "payload": models.JSONField(default=dict),
            "recorded_at": models.DateTimeField(auto_now_add=True),
            "__str__": lambda self: f"#{self.seq} {self.kind}",
            "Meta": type("Meta", (), {
                "app_label": "bench_peers", "db_table": f"bench_peers_{peer}_event",
                "constraints": [models.UniqueConstraint(
                    fields=["case", "seq"], name=f"bench_peers_{peer}_event_seq")]}),
        }
        return type(f"{peer.capitalize()}Event", (models.Model,), fields)

    class ViewflowCase(PeerCase):
        class Meta:
            app_label = "bench_peers"
            db_table = "bench_peers_viewflow_case"

    class SpiffCase(PeerCase):
        # The serializer's JSON text as it is (jsonb would parse it once more on every save).
        workflow = models.TextField()

        class Meta:
            app_label = "bench_peers"
            db_table = "bench_peers_spiff_case"

    return {"ViewflowCase": ViewflowCase, "ViewflowEvent": event_model("viewflow", ViewflowCase),
            "SpiffCase": SpiffCase, "SpiffEvent": event_model("spiff", SpiffCase)}


def create_tables(*model_names: str) -> None:
    from django.db import connection

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for name in model_names:
            model = peer_models()[name]
            if model._meta.db_table not in existing:
                editor.create_model(model)


def _actor(name: str) -> str:
    from tests.world import ACTORS

    return ACTORS[name]


def _check_peer_events(label: str, case: Any, events: list[Any]) -> list[str]:
    problems = []
    if case.status != CLOSED:
        problems.append(f"{label} {case.pk}: status {case.status}")
    if case.version != len(TRANSITIONS):
        problems.append(f"{label} {case.pk}: version {case.version}")
    if [(e.seq, e.kind) for e in events] != list(enumerate(EVENT_KINDS, start=1)):
        problems.append(f"{label} {case.pk}: events {[(e.seq, e.kind) for e in events]}")
    states = [SUBMITTED, *TARGET.values()]
    if [e.to_state for e in events] != states or [e.from_state for e in events] != ["", *states[:-1]]:
        problems.append(f"{label} {case.pk}: event states do not follow the path")
    return problems


def viewflow_flow_class() -> type:
    """The dispute path as a viewflow.fsm flow over a case row (the same states as ours)."""
    from viewflow import fsm

    from disputes.models import Status

    class CaseFlow:
        status = fsm.State(Status, default=Status.SUBMITTED)

        def __init__(self, case: Any) -> None:
            self.case = case

        @status.setter()
        def _set_status(self, value: str) -> None:
            self.case.status = value

        @status.getter()
        def _get_status(self) -> str:
            return str(self.case.status)

        @status.transition(source=Status.SUBMITTED, target=Status.STREET_MEDIATION,
                           label="转街道调解")
        def route_to_street(self) -> None:
            pass

        @status.transition(source=Status.STREET_MEDIATION, target=Status.MEDIATION_FAILED,
                           label="记录调解不成")
        def record_failure(self) -> None:
            pass

        @status.transition(source=Status.MEDIATION_FAILED, target=Status.ARBITRATION_REVIEW,
                           label="申请仲裁")
        def apply_for_arbitration(self) -> None:
            pass

        @status.transition(source=Status.ARBITRATION_REVIEW, target=Status.ACCEPTED, label="受理")
        def accept(self) -> None:
            pass

        @status.transition(source=Status.ACCEPTED, target=Status.ACCEPTED, label="送达申请书")
        def serve_application(self) -> None:
            pass

        @status.transition(source=Status.ACCEPTED, target=Status.ACCEPTED, label="组成仲裁庭")
        def form_tribunal(self) -> None:
            pass

        @status.transition(source=Status.ACCEPTED, target=Status.ACCEPTED, label="收到答辩书")
        def record_defence(self) -> None:
            pass

        @status.transition(source=Status.ACCEPTED, target=Status.HEARING_SCHEDULED,
                           label="安排开庭")
        def schedule_hearing(self) -> None:
            pass

        @status.transition(source=Status.HEARING_SCHEDULED, target=Status.DELIBERATION,
                           label="庭审结束")
        def conclude_hearing(self) -> None:
            pass

        @status.transition(source=Status.DELIBERATION, target=Status.CLOSED, label="作出裁决")
        def issue_award(self) -> None:
            pass

    return CaseFlow


class _TablePeer:
    """What both peers do the same way: a case row and one event row per step, the path run
    case by case, each step in one transaction with the case row locked, and every case
    checked at the end. A peer says how a case starts (`new_case`) and how its engine takes
    one transition (`advance`, which sets the status and names any other field it changed)."""

    name: str
    case_model: Any
    event_model: Any

    def new_case(self) -> dict[str, Any]:
        return {}

    def advance(self, case: Any, name: str) -> list[str]:
        raise NotImplementedError

    def check_case(self, case: Any) -> list[str]:
        return []

    def run_case(self, index: int) -> int:
        from django.db import transaction

        with transaction.atomic():
            case = self.case_model.objects.create(status=SUBMITTED, **self.new_case())
            self.event_model.objects.create(case=case, seq=1, kind=SUBMITTED, actor="clerk",
                                            from_state="", to_state=SUBMITTED,
                                            payload=PEER_INPUT[SUBMITTED])
        self.mark(SUBMITTED)
        for name in TRANSITIONS:
            self.step(case.pk, name)
            self.mark(name)
        return int(case.pk)

    def mark(self, step: str) -> None:
        """Called after each step; `count_queries` replaces it to count per step."""

    def step(self, case_id: int, name: str) -> None:
        from django.db import transaction

        with transaction.atomic():
            case = self.case_model.objects.select_for_update().get(pk=case_id)
            from_state = case.status
            changed = self.advance(case, name)
            case.version += 1
            case.save(update_fields=["status", "version", *changed, "updated_at"])
            self.event_model.objects.create(case=case, seq=case.version + 1, kind=name,
                                            actor=_actor(name), from_state=from_state,
                                            to_state=case.status, payload=PEER_INPUT[name])

    def verify(self, case_ids: Sequence[int]) -> list[str]:
        problems: list[str] = []
        cases = list(self.case_model.objects.filter(pk__in=case_ids).order_by("pk"))
        for case in cases:
            events = list(self.event_model.objects.filter(case=case).order_by("seq"))
            problems.extend(_check_peer_events(self.name, case, events))
            problems.extend(self.check_case(case))
        if len(cases) != len(set(case_ids)):
            problems.append(f"{self.name}: {len(cases)} of {len(set(case_ids))} cases found")
        return problems


class ViewflowPeer(_TablePeer):
    name = "viewflow"
    title = "django-viewflow · viewflow.fsm"
    per_transition = (
        "in one transaction: case row locked (SELECT … FOR UPDATE), the viewflow.fsm transition "
        "(source state checked, status set through the flow's setter), case row updated "
        "(status, version, updated_at), one event row inserted (kind, actor, from/to state, "
        "the transition's input as JSON)"
    )

    def version(self) -> str:
        return f"django-viewflow {_version('django-viewflow')}"

    def prepare(self) -> None:
        create_tables("ViewflowCase", "ViewflowEvent")
        self.flow = viewflow_flow_class()
        self.case_model = peer_models()["ViewflowCase"]
        self.event_model = peer_models()["ViewflowEvent"]

    def advance(self, case: Any, name: str) -> list[str]:
        getattr(self.flow(case), name)()  # TransitionNotAllowed from a wrong state
        return []


class SpiffPeer(_TablePeer):
    name = "spiff"
    title = "SpiffWorkflow · BPMN (BpmnWorkflow)"
    per_transition = (
        "in one transaction: case row locked (SELECT … FOR UPDATE), the workflow deserialized "
        "from the row (BpmnWorkflowSerializer JSON, spec included), the ready user task of the "
        "transition checked and completed with the transition's input, engine stepped, the "
        "workflow serialized back and the case row updated (status, version, workflow JSON, "
        "updated_at), one event row inserted (as viewflow's)"
    )

    def version(self) -> str:
        return f"SpiffWorkflow {_version('SpiffWorkflow')}"

    def prepare(self) -> None:
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        create_tables("SpiffCase", "SpiffEvent")
        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN_FILE))
        self.spec = parser.get_spec(BPMN_PROCESS)
        self.serializer = BpmnWorkflowSerializer()
        self.case_model = peer_models()["SpiffCase"]
        self.event_model = peer_models()["SpiffEvent"]

    def new_case(self) -> dict[str, Any]:
        from SpiffWorkflow.bpmn import BpmnWorkflow

        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        return {"workflow": self.serializer.serialize_json(workflow)}

    def advance(self, case: Any, name: str) -> list[str]:
        from SpiffWorkflow.util.task import TaskState

        workflow = self.serializer.deserialize_json(case.workflow)
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        if task is None or task.task_spec.bpmn_id != name:
            found = task.task_spec.bpmn_id if task is not None else None
            raise RuntimeError(f"「{name}」不能在此时执行 · not the ready task ({found})")
        task.data.update(PEER_INPUT[name])
        task.run()
        workflow.do_engine_steps()
        case.status = TARGET[name]
        if workflow.is_completed() != (case.status == CLOSED):
            raise RuntimeError(f"workflow completed={workflow.is_completed()} in {case.status}")
        case.workflow = self.serializer.serialize_json(workflow)
        return ["workflow"]

    def check_case(self, case: Any) -> list[str]:
        if not self.serializer.deserialize_json(case.workflow).is_completed():
            return [f"spiff {case.pk}: workflow not completed"]
        return []


def missing_peers() -> list[str]:
    """The peer distributions that are not installed."""
    return [dist for module, dist in PEER_PACKAGES.items() if importlib.util.find_spec(module) is None]


# -- measuring ------------------------------------------------------------------------------


@dataclass
class Measured:
    name: str
    title: str
    version: str
    per_transition: str
    times: list[float] = field(default_factory=list)  # seconds per case
    cpu: float = 0.0  # this process's CPU seconds over the timed cases (the rest: waiting)
    case_ids: list[int] = field(default_factory=list)
    queries_per_case: int | None = None
    queries_by_step: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        total = sum(self.times)
        ordered = sorted(self.times)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))] * 1000

        cases_per_s = len(self.times) / total if total else 0.0
        return {
            "name": self.name, "title": self.title, "version": self.version,
            "cases": len(self.times), "seconds": round(total, 3),
            "cases_per_s": round(cases_per_s, 2),
            "steps_per_s": round(cases_per_s * len(EVENT_KINDS), 1),  # creation + transitions
            "p50_ms": round(statistics.median(self.times) * 1000, 2) if self.times else None,
            "p95_ms": round(pct(0.95), 2) if self.times else None,
            "max_ms": round(ordered[-1] * 1000, 2) if self.times else None,
            "queries_per_case": self.queries_per_case,
            "queries_by_step": self.queries_by_step,
            # Python's share of the wall time; the rest is PostgreSQL, commits, waiting for a CPU.
            "cpu_share": round(self.cpu / total, 3) if total else None,
            "per_transition": self.per_transition,
            "verified": (f"{len(set(self.case_ids))}/{len(set(self.case_ids))}" if not self.problems
                         else f"problems: {len(self.problems)}"),
            "problems": self.problems[:20],
        }


def count_queries(peer: Peer) -> tuple[int, dict[str, int]]:
    """Queries of one more case (not timed, not in the results), in all and per step when
    the peer calls `mark(step)` after each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    by_step: dict[str, int] = {}
    with CaptureQueriesContext(connection) as captured:
        seen = 0

        def mark(step: str) -> None:
            nonlocal seen
            by_step[step] = len(captured.captured_queries) - seen
            seen = len(captured.captured_queries)

        hooked = hasattr(peer, "mark")
        if hooked:
            setattr(peer, "mark", mark)  # noqa: B010 - an instance attribute over the method
        try:
            peer.run_case(-1)
        finally:
            if hooked:
                delattr(peer, "mark")
    return len(captured.captured_queries), by_step


def measure(peers: Sequence[Peer], *, cases: int, warmup: int = 3, block: int = 10,
            queries: bool = True) -> list[Measured]:
    """Run `cases` cases through every peer in interleaved blocks of `block` cases."""
    from django.test import override_settings

    results = [Measured(p.name, p.title, p.version(), p.per_transition) for p in peers]
    # No query log growing during the timed runs; SpiffWorkflow logs every task's change of
    # state at INFO, which a deployment would silence too.
    spiff_logger = logging.getLogger("spiff")
    spiff_level = spiff_logger.level
    spiff_logger.setLevel(logging.WARNING)
    try:
        with override_settings(DEBUG=False):
            _timed(peers, results, cases=cases, warmup=warmup, block=block)
        for peer, result in zip(peers, results, strict=True):
            if queries:
                result.queries_per_case, result.queries_by_step = count_queries(peer)
            result.problems = peer.verify(result.case_ids)
    finally:
        spiff_logger.setLevel(spiff_level)
    return results


def _timed(peers: Sequence[Peer], results: list[Measured], *, cases: int, warmup: int,
           block: int) -> None:
    for peer in peers:
        peer.prepare()
        for i in range(warmup):
            peer.run_case(-1 - i)
    done = 0
    while done < cases:
        n = min(block, cases - done)
        for peer, result in zip(peers, results, strict=True):
            for i in range(done, done + n):
                start, cpu = time.perf_counter(), time.process_time()
                case_id = peer.run_case(i)
                result.times.append(time.perf_counter() - start)
                result.cpu += time.process_time() - cpu
                result.case_ids.append(case_id)
        done += n


def machine() -> dict[str, Any]:
    import django
    from django.db import connection

    info: dict[str, Any] = {
        **common.hardware(), "django": django.get_version(), "database_vendor": connection.vendor,
        "database": str(connection.settings_dict.get("NAME", "")),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
            info["postgresql"] = row[0] if row else ""
    return info


def build_report(measured: Sequence[Measured], info: dict[str, Any], *,
                 load_before: float, load_after: float, warmup: int, block: int) -> dict[str, Any]:
    by_name = {m.name: m.summary() for m in measured}
    ours = by_name["ours"]
    ratios = {f"ours/{name}": (round(ours["cases_per_s"] / s["cases_per_s"], 3)
                               if s["cases_per_s"] else None)
              for name, s in by_name.items() if name != "ours"}
    peers = [f"{s['title']} ({s['version']})" for name, s in by_name.items() if name != "ours"]
    cases = ours["cases"]
    return {
        "name": "peers",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "path": [SUBMITTED, *[f"{name} → {TARGET[name]}" for name in TRANSITIONS]],
        "method": (f"{cases} cases per engine, each created and taken through the "
                   f"{len(TRANSITIONS)} transitions of the path to closed by award, one at a time "
                   f"in one process, engines interleaved in blocks of {block} cases; "
                   f"{warmup} untimed warm-up cases each; timing per case (creation included); "
                   "queries counted on one more case (BEGIN and COMMIT included); CPU share = "
                   "this process's CPU time ÷ wall time (PostgreSQL's own CPU not included: the "
                   "rest is the server, commits and waiting for a CPU); DEBUG off"),
        "steps_per_case": len(EVENT_KINDS),
        "baseline": "each peer's cases/s on the same PostgreSQL in the same run: " + "; ".join(peers),
        "ratios": ratios,
        "machine": {**info, "load_average_before": round(load_before, 2),
                    "load_average_after": round(load_after, 2)},
        "results": list(by_name.values()),
        "ok": all(not m.problems for m in measured),
    }


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def markdown(report: dict[str, Any], previous: dict[str, Any] | None) -> str:
    info = report["machine"]
    before = {r["name"]: r for r in (previous or {}).get("results", [])}
    before_ratios = (previous or {}).get("ratios", {})
    lines = [
        "# 同路径对比：本引擎、viewflow.fsm、SpiffWorkflow · Peers side by side",
        "",
        f"Run at {report['run_at']} on {info.get('cpus')} CPUs ({info.get('cpu_model')}), "
        f"PostgreSQL {info.get('postgresql', '?')} (database `{info.get('database')}`), "
        f"Python {info.get('python')}, Django {info.get('django')}; load average "
        f"{info['load_average_before']} before, {info['load_average_after']} after.",
        "",
        "Path: " + " → ".join(p.split(" → ")[0] for p in report["path"]) + " (closed by award).",
        "",
        f"Method: {report['method']}.",
        "",
        f"Baseline: {report['baseline']}.",
        "",
        "| engine | version | cases/s | steps/s | ours ÷ it | p50 ms/case | p95 ms/case "
        "| queries/case | CPU share | verified | previous cases/s | previous ours ÷ it |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        key = f"ours/{r['name']}"
        ratio = report["ratios"].get(key) if r["name"] != "ours" else 1.0
        old = before.get(r["name"], {})
        old_ratio = before_ratios.get(key) if r["name"] != "ours" else None
        lines.append(
            f"| {r['title']} | {r['version']} | {_fmt(r['cases_per_s'])} | "
            f"{_fmt(r['steps_per_s'], 1)} | {_fmt(ratio, 3)} | {_fmt(r['p50_ms'], 1)} | "
            f"{_fmt(r['p95_ms'], 1)} | {_fmt(r['queries_per_case'])} | "
            f"{_fmt(r.get('cpu_share'), 2)} | {r['verified']} | "
            f"{_fmt(old.get('cases_per_s'))} | {_fmt(old_ratio, 3)} |")
    with_steps = [r for r in report["results"] if r.get("queries_by_step")]
    if with_steps:
        lines += ["", "## 每步查询数 · Queries per step", "",
                  "| step | " + " | ".join(r["name"] for r in with_steps) + " |",
                  "|---|" + "---:|" * len(with_steps)]
        for step in EVENT_KINDS:
            lines.append(f"| {step} | " + " | ".join(
                _fmt(r["queries_by_step"].get(step)) for r in with_steps) + " |")
    lines += ["", "## 每次流转做什么 · What each does per transition", ""]
    for r in report["results"]:
        lines.append(f"- **{r['title']}**: {r['per_transition']}.")
    problems = [p for r in report["results"] for p in r["problems"]]
    lines += ["", "## 核对 · Checks", ""]
    if problems:
        lines += ["Problems (the run failed):", ""] + [f"- {p}" for p in problems]
    else:
        lines.append("Every case of every engine ended closed by award with its "
                     f"{len(EVENT_KINDS)} events in order (ours: hash chain verified, final award "
                     "present; SpiffWorkflow: workflow completed).")
    if previous:
        lines += ["", f"Previous report: {previous.get('run_at')} (load average "
                      f"{previous.get('machine', {}).get('load_average_before')}), "
                      "kept as `peers.previous.md` / `peers.previous.json`."]
    return "\n".join(lines)


def write_reports(report: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    return common.write_reports(report, directory, "peers", markdown)


def peers_database_url(url: str) -> str:
    """`<name>_peers` beside the database named in `url` (the name itself if it ends so)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"a PostgreSQL URL is needed, not {parsed.scheme!r}")
    name = parsed.path.lstrip("/") or "disputes_bench"
    if not name.endswith("_peers"):
        name += "_peers"
    return parsed._replace(path=f"/{name}").geturl()


def fresh_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.endswith("_peers"):
        raise SystemExit(f"refusing to drop {name!r}: only a database named …_peers is dropped")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(*, cases: int, warmup: int, block: int) -> dict[str, Any]:
    """Migrate the (fresh) database Django points at, build the world, measure all three."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load_before = os.getloadavg()[0]
    measured = measure([OurEngine(), ViewflowPeer(), SpiffPeer()], cases=cases, warmup=warmup,
                       block=block)
    return build_report(measured, machine(), load_before=load_before,
                        load_after=os.getloadavg()[0], warmup=warmup, block=block)


def collect(database_url: str, *, cases: int, reports: Path = REPORTS) -> dict[str, Any]:
    """For bench/suite.py: run the CLI in a child process (its own Django settings and
    database, `<name>_peers`) and return the ratios from the report it wrote."""
    missing = missing_peers()
    if missing:
        raise RuntimeError(f"peers not installed ({', '.join(missing)}): {INSTALL_HINT}")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings"}
    subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "bench.peers", "--cases", str(cases),
         "--database-url", database_url, "--reports", str(reports)], cwd=ROOT, env=env,
        check=True)
    report = json.loads((reports / "peers.json").read_text())
    return {"name": "peers", "ratios": report["ratios"], "baseline": report["baseline"],
            "details": report}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="timed cases per engine (200)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed cases per engine first (3)")
    parser.add_argument("--block", type=int, default=10,
                        help="cases per engine before the next engine takes its turn (10)")
    parser.add_argument("--database-url",
                        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
                        help="PostgreSQL server and name; the run uses <name>_peers, dropped and "
                             "created afresh")
    parser.add_argument("--reports", type=Path, default=REPORTS, help="report directory")
    args = parser.parse_args(argv)
    missing = missing_peers()
    if missing:
        print(f"缺少对比引擎 · the peers are not installed: {', '.join(missing)}\n"
              f"安装 · install them (benchmark only): {INSTALL_HINT}", file=sys.stderr)
        raise SystemExit(2)
    url = peers_database_url(args.database_url)
    fresh_database(url)
    common.setup_django(url)
    report = run(cases=args.cases, warmup=args.warmup, block=args.block)
    md, js = write_reports(report, args.reports)
    print(md.read_text().split("\n## ")[0])
    print(f"\nReports: {md} and {js}")
    if not report["ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
