"""bench/transitions.py and bench/suite.py: the client logic against a live server, the
checks that find a lost update, the parsers of the other benchmarks' output, and the report
writer that keeps the previous report. No timing is asserted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from bench import suite, transitions

CLOCKS_OUTPUT = """\
10000 cases, 58000 clock readings (database tables; tables loaded in 0.013 s)
  engine (disputes.clocks)                0.213 s    3.68 µs a reading
  naive day-by-day loop, same tables      0.503 s  engine   2.4x faster
  plain date arithmetic, no calendar      0.034 s  engine   6.3x slower (the floor)
  answers equal to the naive loop's:   57999/58000
"""

WEBSOCKETS_OUTPUT = """\
                                         events    p50 ms    p95 ms    p99 ms    max ms  delivered / expected
  raw channel layer send→receive            500       3.0       8.3      12.1      18.0
  fan-out via layer + daphne (no DB)         30     546.2    1380.6    1625.6    1682.3  30000/30000 = 1
  commit → worker → client                   60     866.5    1742.8    2151.9    2485.1  59000/60000 = 0.98
"""

INDICATORS_OUTPUT = """\
20,000 cases, 145,537 events; load average before: 1.00 1.00 1.00
timings (30 runs after 3 warm-up runs, one at a time):
  dashboard (all its queries)        p50     42.0 ms   p95     61.5 ms   max     70.0 ms  goal: p95 < 100 ms
  12-month trend from summaries      p50      2.0 ms   p95      3.0 ms   max      4.0 ms
  12-month trend by GROUP BY    p50     80.0 ms   p95     90.0 ms   max    95.0 ms summaries 40x faster (p50)
  same numbers as the GROUP BY: 60/60
"""

PAGES_OUTPUT = """\
| page | p50 ms | p95 ms | max ms | p50 ÷ bare | CPU p50 ms | queries | SQL ms | p95 < 300 ms |
|---|---:|---:|---:|---:|---:|---:|---:|---|
| bare | 1.0 | 2.0 | 3.0 | 1.0× | 0.9 | 2 | 0.5 | baseline |
| queue as mediator | 60.5 | 350.0 | 400.0 | 60.5× | 50.0 | 12 | 8.0 | ✗ |

ms: wall time of the whole request
"""


def test_parsers_read_the_other_benchmarks_output() -> None:
    ratios, _ = suite.parse_clocks(CLOCKS_OUTPUT)
    assert ratios == {"naive loop time ÷ engine time": 2.4,
                      "engine time ÷ plain arithmetic time": 6.3,
                      "answers equal to the naive loop's": 57999 / 58000}
    ratios, details = suite.parse_websockets(WEBSOCKETS_OUTPUT)
    assert ratios["delivered ÷ expected (real events)"] == 59000 / 60000
    assert ratios["commit → client p50 ÷ fan-out p50"] == round(866.5 / 546.2, 3)
    assert details["figures"] == {"commit → worker → client: p95 ms": 1742.8}
    ratios, details = suite.parse_indicators(INDICATORS_OUTPUT)
    assert ratios == {"trend: GROUP BY p50 ÷ summaries p50": 40.0,
                      "same numbers as the GROUP BY": 1.0}
    assert details["figures"] == {"dashboard (all its queries): p95 ms": 61.5}
    ratios, details = suite.parse_pages(PAGES_OUTPUT)
    assert ratios == {"queue as mediator: p50 ÷ bare p50": 60.5}
    assert details["figures"] == {"queue as mediator: p95 ms": 350.0}
    assert suite.parse_clocks("Traceback ...")[0] == {}


def suite_report(value: float, *, status: str = "ok") -> dict[str, Any]:
    return {
        "run_at": f"2026-01-0{1 if value < 0.2 else 2}T00:00:00+00:00", "quick": False,
        "command": "python -m bench.suite",
        "machine": {"cpus": 2, "cpu_model": "test CPU", "memory": "1.0 GiB", "python": "3.11",
                    "postgresql": "15", "database": "bench", "cases": 20000,
                    "events_estimate": 145000, "database_size": "122 MB",
                    "load_average_before": [1.0, 1.0, 1.0], "load_average_after": [2.0, 1.0, 1.0]},
        "build": None, "skipped": ["websockets"],
        "benchmarks": [
            suite.Outcome("transitions", status, seconds=3.0, ratios={
                "transitions_per_pgbench_tps": value}, figures={"transitions: p95 ms": 80.0},
                goals={"transitions_per_pgbench_tps": "≥ 0.15 (aim 0.25)",
                       "transitions: p95 ms": "< 100"},
                baseline="pgbench TPC-B-like").as_dict(),
            suite.Outcome("peers", "failed", error="RuntimeError: peers not installed").as_dict(),
        ],
        "ok": False,
    }


def test_suite_report_keeps_the_previous_one_and_shows_the_change(tmp_path: Path) -> None:
    suite.write_reports(suite_report(0.1), tmp_path, "suite", suite.markdown)
    assert not (tmp_path / "suite.previous.json").exists()
    md, js = suite.write_reports(suite_report(0.25), tmp_path, "suite", suite.markdown)
    assert json.loads((tmp_path / "suite.previous.json").read_text()) == suite_report(0.1)
    assert json.loads(js.read_text()) == suite_report(0.25)
    assert "0.100" in (tmp_path / "suite.previous.md").read_text()
    text = md.read_text()
    row = next(line for line in text.splitlines() if "transitions_per_pgbench_tps" in line)
    assert "| 0.250 | ≥ 0.15 (aim 0.25) | 0.100 | +150 % |" in row
    assert "| transitions: p95 ms | 80.0 | < 100 |" in text
    assert "**failed**: RuntimeError: peers not installed" in text
    assert "FAILED: peers" in text and "skipped: websockets" in text


def test_websockets_database_name_follows_its_guard() -> None:
    assert urlparse(suite.ws_database_url("postgres://u@h:5432/disputes_bench")).path == \
        "/disputes_bench_ws"
    assert urlparse(suite.ws_database_url("postgres://u@h:5432/mine")).path == \
        "/disputes_bench_ws"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cycle_and_hot_case_over_http(live_server: Any) -> None:
    from disputes.models import Dispute
    from tests.world import build_world

    world = build_world()
    made = {world.case_in("street_mediation").pk for _ in range(3)}
    cases = transitions.street_cases(10)
    assert {c.id for c in cases} == made
    hot_case, rest = cases[0], cases[1:]
    where = urlparse(live_server.url)
    host, port = where.hostname or "localhost", int(where.port or 80)

    moved = transitions.throughput(host, [port], rest, clients=2, seconds=1.0, warmup=1)
    assert moved["ok"] > 0 and moved["answers"] == {"200": moved["requests"]}, moved
    for case in rest:  # each client's last answer is what the database holds
        assert Dispute.objects.get(pk=case.id).version == case.version

    before = transitions.hot_state(hot_case.id)
    raced = transitions.hot(host, [port], hot_case.id, hot_case.token, clients=4, seconds=1.5)
    raced["checks"] = transitions.verify_hot(hot_case.id, before, raced)
    assert raced["ok"] >= 1 and raced["checks"]["all_ok"], raced
    assert set(raced["answers"]) <= {"200", "409 stale_version", "409 transition_not_allowed"}
    assert raced["illegal_answered_409"] == raced["illegal_attempts"]
    assert transitions.failures_of(moved, raced) == []

    # One 200 the database does not show is a lost update: the checks must say so.
    lost = transitions.verify_hot(hot_case.id, before, {**raced, "ok": raced["ok"] + 1})
    assert not lost["all_ok"] and not lost["version"]["ok"]
    assert transitions.failures_of(moved, {**raced, "checks": lost, "answers": {"500": 1}})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_floor_updates_only_the_version_over_http(live_server: Any, settings: Any) -> None:
    """bench/serving.py's row update (the floor of bench/transitions.py): 200 with the new
    version, the case's state untouched, 409 on a stale version, 401 without a token."""
    from disputes.models import Dispute
    from tests.world import build_world

    settings.ROOT_URLCONF = "bench.serving"
    world = build_world()
    for _ in range(2):
        world.case_in("street_mediation")
    cases = transitions.street_cases(10)
    where = urlparse(live_server.url)
    host, port = where.hostname or "localhost", int(where.port or 80)

    floor = transitions.throughput(host, [port], cases, clients=2, seconds=1.0, warmup=1,
                                   floor=True)
    assert floor["ok"] > 0 and floor["answers"] == {"200": floor["requests"]}, floor
    for case in cases:
        row = Dispute.objects.get(pk=case.id)
        assert (row.version, row.status) == (case.version, "street_mediation")

    path = transitions.ROW_UPDATE_PATH.format(id=cases[0].id)
    stale, _, _ = transitions.Connection(host, port, cases[0].token).call(
        "POST", path, {"version": cases[0].version - 1})
    anonymous, _, _ = transitions.Connection(host, port, "not-a-token").call(
        "POST", path, {"version": cases[0].version})
    assert (stale, anonymous) == (409, 401)
    assert Dispute.objects.get(pk=cases[0].id).version == cases[0].version


def test_peers_are_called_and_their_failure_recorded(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    calls: list[tuple[str, int]] = []

    class Peers:
        @staticmethod
        def collect(database_url: str, *, cases: int) -> dict[str, Any]:
            calls.append((database_url, cases))
            return {"name": "peers", "ratios": {"ours ÷ viewflow": 1.5, "note": "text"},
                    "baseline": "viewflow.fsm and SpiffWorkflow", "details": {"ok": True}}

    class Broken:
        @staticmethod
        def collect(database_url: str, *, cases: int) -> dict[str, Any]:
            raise RuntimeError("peers not installed")

    ctx = suite.Context(url="postgres://u@h/bench", ws_url="", quick=False, reports=tmp_path,
                        scratch=tmp_path, peer_cases=7, timeout=10)
    monkeypatch.setattr(suite.importlib, "import_module", lambda name: Peers)
    outcome = suite.bench_peers(ctx)
    assert calls == [("postgres://u@h/bench", 7)]
    assert (outcome.status, outcome.ratios) == ("ok", {"ours ÷ viewflow": 1.5})
    assert outcome.baseline == "viewflow.fsm and SpiffWorkflow"
    monkeypatch.setattr(suite.importlib, "import_module", lambda name: Broken)
    outcome = suite.bench_peers(ctx)
    assert outcome.status == "failed" and "peers not installed" in outcome.error
