"""bench/peers.py where the peers are not installed (CI): our side of the path on two
cases, the measuring loop and the report writer with a stand-in peer."""

from __future__ import annotations

import ast
import json
import tomllib
from collections.abc import Sequence
from pathlib import Path

import pytest

from bench import peers
from disputes.events import verify_chain
from disputes.models import Dispute, DisputeEvent
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]


class StandIn:
    """A peer with the same interface that persists nothing."""

    name = "standin"
    title = "替身 · stand-in peer"
    per_transition = "nothing"

    def __init__(self) -> None:
        self.prepared = False
        self.ran: list[int] = []

    def version(self) -> str:
        return "stand-in 0"

    def prepare(self) -> None:
        self.prepared = True

    def run_case(self, index: int) -> int:
        self.ran.append(index)
        return 1000 + index

    def verify(self, case_ids: Sequence[int]) -> list[str]:
        return [] if sorted(case_ids) == [1000, 1001] else [f"standin: ids {list(case_ids)}"]


MACHINE = {"cpus": 2, "cpu_model": "test", "python": "3.11", "django": "5.2",
           "database": "test", "postgresql": "15"}


def report_of(measured: list[peers.Measured], **changes: object) -> dict[str, object]:
    report = peers.build_report(measured, MACHINE, load_before=1.0, load_after=1.5, warmup=0,
                                block=1)
    report.update(changes)
    return report


@pytest.mark.django_db
def test_our_path_ends_closed_by_award_and_the_report_keeps_the_previous(
        world: World, tmp_path: Path) -> None:
    standin = StandIn()
    measured = peers.measure([peers.OurEngine(world), standin], cases=2, warmup=0, block=1)
    ours, other = measured
    assert ours.problems == [] and other.problems == []
    assert standin.prepared and standin.ran == [0, 1, -1]  # two timed, one counted
    assert len(ours.times) == 2 and len(set(ours.case_ids)) == 2
    assert 0 < ours.cpu <= sum(ours.times) * 1.05  # CPU time measured, within the wall time
    for dispute in Dispute.objects.filter(pk__in=ours.case_ids):
        events = list(DisputeEvent.objects.filter(dispute=dispute).order_by("seq"))
        assert dispute.status == peers.CLOSED
        assert [e.kind for e in events] == peers.EVENT_KINDS
        assert [e.to_state for e in events][1:] == [target for _, target in peers.PATH]
        assert verify_chain(dispute, events) == []
    assert ours.queries_per_case is not None and ours.queries_per_case > len(peers.EVENT_KINDS)
    assert list(ours.queries_by_step) == peers.EVENT_KINDS
    assert sum(ours.queries_by_step.values()) == ours.queries_per_case
    assert other.queries_by_step == {}  # the stand-in does not mark its steps

    first = report_of(measured, run_at="2026-01-01T00:00:00+00:00")
    ratio = first["ratios"]["ours/standin"]  # type: ignore[index]
    summary = {m.name: m.summary() for m in measured}
    assert ratio == round(summary["ours"]["cases_per_s"] / summary["standin"]["cases_per_s"], 3)
    assert first["ok"] is True and first["name"] == "peers"
    peers.write_reports(first, tmp_path)
    second = report_of(measured, run_at="2026-01-02T00:00:00+00:00")
    md, js = peers.write_reports(second, tmp_path)
    assert json.loads(js.read_text())["run_at"].startswith("2026-01-02")
    assert json.loads((tmp_path / "peers.previous.json").read_text())["run_at"].startswith(
        "2026-01-01")
    assert (tmp_path / "peers.previous.md").exists()
    text = md.read_text()
    assert "替身 · stand-in peer" in text and "Previous report: 2026-01-01" in text
    row = next(line for line in text.splitlines() if line.startswith("| 替身"))
    assert row.rstrip(" |").endswith(f"{ratio:,.3f}")  # the previous ratio shown beside


@pytest.mark.django_db
def test_an_altered_event_fails_our_check(world: World) -> None:
    engine = peers.OurEngine(world)
    case_id = engine.run_case(0)
    assert engine.verify([case_id]) == []
    DisputeEvent.objects.filter(dispute_id=case_id, kind="accept").update(
        payload={"accepted_on": "2020-01-01"})
    problems = engine.verify([case_id])
    assert any("hash mismatch" in p for p in problems), problems


def test_a_failed_check_marks_the_report() -> None:
    ours = peers.Measured("ours", "ours", "1", "x", times=[0.2, 0.4], case_ids=[1, 2])
    other = peers.Measured("standin", "替身", "0", "y", times=[0.1, 0.1], case_ids=[3, 4],
                           problems=["standin 3: status accepted"])
    report = report_of([ours, other])
    assert report["ok"] is False
    assert report["ratios"] == {"ours/standin": 0.333}
    text = peers.markdown(report, None)
    assert "standin 3: status accepted" in text and "| problems: 1 |" in text


def test_the_cli_says_how_to_install_missing_peers(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(peers, "missing_peers", lambda: ["SpiffWorkflow"])
    with pytest.raises(SystemExit) as stop:
        peers.main(["--cases", "1"])
    assert stop.value.code == 2
    assert peers.INSTALL_HINT in capsys.readouterr().err
    with pytest.raises(RuntimeError, match=r"\.\[peers\]"):
        peers.collect("postgres://postgres@127.0.0.1:5432/disputes_bench", cases=1)


def test_the_run_uses_its_own_database() -> None:
    assert peers.peers_database_url("postgres://u@h:5432/disputes_bench") == \
        "postgres://u@h:5432/disputes_bench_peers"
    assert peers.peers_database_url("postgresql://u@h/x_peers") == "postgresql://u@h/x_peers"
    with pytest.raises(SystemExit):
        peers.fresh_database("postgres://postgres@127.0.0.1:5432/disputes")


def test_the_peers_are_never_runtime_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {"django-viewflow", "spiffworkflow"}
    assert not any(dep.lower().startswith(tuple(names)) for dep in project["dependencies"])
    assert {dep.split("=")[0].lower() for dep in project["optional-dependencies"]["peers"]} == names
    assert not any(line.lower().startswith(tuple(names))
                   for line in (ROOT / "requirements.lock").read_text().splitlines())
    packages = ["backend", "disputes", "mediation", "api", "frontend", "notifications",
                "indicators", "satisfaction", "bench"]
    importers = []
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text()
            if path == ROOT / "bench" / "peers.py" or not any(
                    name in source for name in peers.PEER_PACKAGES):
                continue
            for node in ast.walk(ast.parse(source, str(path))):
                modules = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                           [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(m.split(".")[0] in peers.PEER_PACKAGES for m in modules):
                    importers.append(str(path.relative_to(ROOT)))
    assert importers == []
