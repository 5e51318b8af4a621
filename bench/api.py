"""The case list and the public status look-up against a bare Django view, in one run.

    .venv/bin/python -m bench.build_db --cases 1000000 --fresh      # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/disputes_bench .venv/bin/python -m bench.api

Every request goes in-process through `django.test.Client` (server time only: no network,
no HTTP server, no worker pool), one at a time, after warm-up requests, a fixed number
of times each; an endpoint and its minimal baseline take turns, request by request, so a
slow stretch of the machine falls on both alike:

- bare: a view returning a small JsonResponse, defined here and mounted next to the
  project's URLs, through the same middleware: what Django and the middleware cost with
  no work behind them. Reported for every benchmark (ratio to bare), never hidden.
- bare + 1 query: the same plus one SELECT of a case by primary key; context.
- minimal list as <persona>: the least any implementation of the case list could cost,
  as a plain Django view logged in as the same persona: the session's user, the same
  scope (`access.disputes_for_user`), ONE SELECT of 50 case rows (the list's own columns)
  with the list's WHERE and ORDER BY, `json.dumps`. No filters, no parties, no clocks, no
  cursor, no DRF.
- minimal status: the least any status look-up could cost: parse the JSON body, ONE
  SELECT of the case's row by tracking number, compare the access code's HMAC,
  `json.dumps` of its state. No lockout check, no clocks, no timeline.
- list as filing_officer / list as supervisor: GET /api/v1/disputes/?page_size=50, logged
  in (force_login) as the commission's filing officer and as the district supervisor,
  whose scope is every case.
- status: POST /api/v1/public/status/ with a case's tracking number and the bench access
  code (bench.world.BENCH_ACCESS_CODE), cycling through a sample of cases.

Each is reported as requests/s, p50/p95/max latency, this process's CPU time per request,
queries per request, and requests/s as a ratio to the bare view's and to its minimal
baseline's. The ratio goal (≥ 0.6, aim 0.8) is judged against the minimal baseline of
the same endpoint and persona: a bare view that reads nothing is the cost of the
framework, not of the endpoint; no implementation that must authenticate, scope and read
50 cases (or check a code) can come near it (one indexed SELECT by primary key alone
brings it to about a quarter: "bare + 1 query"), so against the bare view the goal would
measure the database round trips, not the code. The bare-view ratio stays in the report
for comparison with earlier runs. For the 50-case page the p95 goal is < 50 ms. The case
list's main query is EXPLAIN ANALYZEd into the report.

Reports: bench/reports/api.md and api.json. The previous pair is kept as
api.previous.md / api.previous.json and the new report shows the change. A benchmark,
never a test: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hmac
import json
import math
import os
import random
import statistics
import sys
import time
import types
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import common

REPORTS = Path(__file__).resolve().parent / "reports"
LIST_URL = "/api/v1/disputes/"
STATUS_URL = "/api/v1/public/status/"
BARE_URL = "/bench/bare/"
BARE_QUERY_URL = "/bench/bare-query/"
MINIMAL_LIST_URL = "/bench/minimal-list/"
MINIMAL_STATUS_URL = "/bench/minimal-status/"
# The Dispute columns the case list shows (related objects, parties and clocks aside).
LIST_COLUMNS = ("id", "tracking_number", "status", "dispute_type", "organization_id",
                "street_id", "is_collective", "is_new_employment_form", "is_migrant_wage",
                "channel", "received_on", "outcome", "closed_on", "next_due_on",
                "next_due_clock", "version")
RATIO_GOAL, RATIO_AIM, P95_GOAL_MS = 0.6, 0.8, 50.0


def bare(request: Any) -> Any:
    """The baseline: what Django and the middleware cost with no work behind them."""
    from django.http import JsonResponse

    return JsonResponse({"ok": True, "service": "bench"})


def bare_query(request: Any) -> Any:
    """Context, not the baseline: the bare view plus one indexed SELECT of a case, the
    least any view that reads the database costs."""
    from django.http import JsonResponse

    from disputes.models import Dispute

    status = Dispute.objects.filter(pk=1).values_list("status", flat=True).first()
    return JsonResponse({"ok": True, "status": status})


def minimal_list(request: Any) -> Any:
    """The least any implementation of the case list could cost: the session's user, the
    list's scope, one SELECT of 50 rows with the list's WHERE and ORDER BY, json.dumps."""
    from django.http import HttpResponse

    from disputes import access

    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    rows = list(access.disputes_for_user(request.user).order_by("-received_on", "-id")
                .values(*LIST_COLUMNS)[:50])
    return HttpResponse(json.dumps({"results": rows}, default=str, ensure_ascii=False),
                        content_type="application/json")


def minimal_status(request: Any) -> Any:
    """The least any status look-up could cost: the body, one SELECT of the case by its
    tracking number, the access code's HMAC compared, json.dumps."""
    from django.http import HttpResponse

    from disputes.models import Dispute
    from disputes.services.intake import hash_access_code

    body = json.loads(request.body)
    row = (Dispute.objects.filter(tracking_number=body["tracking_number"].strip().upper())
           .values("access_code_hash", "status", "received_on", "version").first())
    if row is None or not hmac.compare_digest(row.pop("access_code_hash"),
                                              hash_access_code(body["access_code"])):
        return HttpResponse(status=404)
    return HttpResponse(json.dumps(row, default=str), content_type="application/json")


def bench_urlconf() -> types.ModuleType:
    """The project's URLs with the bare views in front (a temporary ROOT_URLCONF)."""
    from django.urls import include, path

    urlconf = types.ModuleType("bench_urls")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        path(BARE_URL.strip("/") + "/", bare),
        path(BARE_QUERY_URL.strip("/") + "/", bare_query),
        path(MINIMAL_LIST_URL.strip("/") + "/", minimal_list),
        path(MINIMAL_STATUS_URL.strip("/") + "/", minimal_status),
        path("", include("backend.urls")),
    ]
    return urlconf


@dataclass
class Result:
    name: str
    what: str
    iterations: int
    seconds: list[float] = field(repr=False)
    queries: int
    db_ms: float  # SQL time of one request, as Django's debug cursor measured it
    cpu_ms: float  # this process's CPU time per request (the machine's load aside)
    minimal: str | None = None  # the name of the minimal baseline the goal is judged on
    rps: float = 0.0
    ratio: float = 0.0  # to the bare view
    ratio_minimal: float | None = None  # to `minimal` (the goal's ratio)
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    p95_goal_ms: float | None = None

    def __post_init__(self) -> None:
        ordered = sorted(self.seconds)
        self.rps = len(ordered) / sum(ordered)
        self.p50_ms = 1000 * statistics.median(ordered)
        self.p95_ms = 1000 * ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
        self.max_ms = 1000 * ordered[-1]


@dataclass
class Spec:
    """One endpoint to measure: how to make its i-th request and check the answer."""

    name: str
    what: str
    request: Callable[[int], Any]
    check: Callable[[Any], None]


def measure(name: str, what: str, request: Callable[[int], Any], *, warmup: int,
            iterations: int, check: Callable[[Any], None]) -> Result:
    return measure_together([Spec(name, what, request, check)], warmup=warmup,
                            iterations=iterations)[0]


def measure_together(specs: list[Spec], *, warmup: int, iterations: int) -> list[Result]:
    """Each spec's warm-up, one request with its queries captured, then `iterations` timed
    rounds of one request of each spec, in turn (the order rotating each round), so that
    whatever else slows the machine in a stretch of the run (another tenant, a checkpoint)
    falls on an endpoint and its baseline alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    captured: dict[str, tuple[int, float]] = {}
    for spec in specs:
        for i in range(warmup):
            spec.check(spec.request(i))
        with CaptureQueriesContext(connection) as queries:
            spec.check(spec.request(warmup))
        # Read now: every request that follows clears Django's query log.
        captured[spec.name] = (len(queries), sum(float(q["time"]) for q in
                                                 queries.captured_queries) * 1000)
    seconds: dict[str, list[float]] = {spec.name: [] for spec in specs}
    cpu = dict.fromkeys(seconds, 0.0)
    for i in range(iterations):
        shift = i % len(specs)
        for spec in specs[shift:] + specs[:shift]:
            cpu_started, started = time.process_time(), time.perf_counter()
            response = spec.request(warmup + 1 + i)
            seconds[spec.name].append(time.perf_counter() - started)
            cpu[spec.name] += time.process_time() - cpu_started
            spec.check(response)
    return [Result(spec.name, spec.what, iterations, seconds[spec.name], *captured[spec.name],
                   1000 * cpu[spec.name] / iterations) for spec in specs]


def expect(status: int, *, results: int | None = None) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        if response.status_code != status:
            raise SystemExit(f"{response.request['PATH_INFO']} answered {response.status_code}, "
                             f"not {status}: {response.content[:300]!r}")
        if results is not None and len(response.json()["results"]) != results:
            raise SystemExit(f"{response.request['PATH_INFO']} listed "
                             f"{len(response.json()['results'])} cases, not {results}")
    return check


def list_query_plan(client: Any) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the list's page query, as the view sent it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(LIST_URL, {"page_size": 50})
    page = next(q["sql"] for q in captured.captured_queries
                if 'FROM "disputes_dispute"' in q["sql"] and "LIMIT" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"{page}\n\n{plan}"


def machine() -> dict[str, Any]:
    import django
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT current_database(), pg_size_pretty(pg_database_size(current_database()))")
        database, size = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM disputes_dispute")
        cases = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'disputes_disputeevent'")
        events = cursor.fetchone()[0]
    return {
        **common.hardware(), "django": django.get_version(), "psycopg": psycopg.__version__, "postgresql": pg,
        "database": database, "database_size": size, "cases": cases, "events_estimate": events,
        "load_average_before": round(os.getloadavg()[0], 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from bench.world import BENCH_ACCESS_CODE
    from disputes.models import Dispute

    info = machine()
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["filing_officer", "supervisor"])}
    rng = random.Random(args.seed)  # noqa: S311 - which cases to look up, not a secret
    top = Dispute.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = rng.sample(range(1, top + 1), min(args.lookups, top))
    numbers = list(Dispute.objects.filter(pk__in=picks).values_list("tracking_number", flat=True))
    if not numbers:
        raise SystemExit("No cases: build the database with bench.build_db first.")

    results: list[Result] = []
    plans: dict[str, str] = {}
    warm, n = args.warmup, args.iterations
    with override_settings(ROOT_URLCONF=bench_urlconf(), DEBUG=False,
                           ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        anonymous = Client()
        results.append(measure(
            "bare", "GET a view returning a small JsonResponse (the baseline)",
            lambda i: anonymous.get(BARE_URL), warmup=warm, iterations=args.bare_iterations,
            check=expect(200)))
        results.append(measure(
            "bare + 1 query", "the bare view plus one SELECT of a case by primary key (context)",
            lambda i: anonymous.get(BARE_QUERY_URL), warmup=warm,
            iterations=args.bare_iterations, check=expect(200)))
        for username in ("filing_officer", "supervisor"):
            client = Client()
            client.force_login(users[username])
            minimal, result = measure_together([
                Spec(f"minimal list as {username}",
                     f"the list's scope, one SELECT of 50 rows, json.dumps, as {username} "
                     "(the list's baseline)",
                     lambda i, c=client: c.get(MINIMAL_LIST_URL),  # type: ignore[misc]
                     expect(200, results=50)),
                Spec(f"list as {username}", f"GET {LIST_URL}?page_size=50 logged in as {username}",
                     lambda i, c=client: c.get(LIST_URL, {"page_size": 50}),  # type: ignore[misc]
                     expect(200, results=50)),
            ], warmup=warm, iterations=n)
            result.p95_goal_ms = P95_GOAL_MS
            result.minimal = minimal.name
            results += [minimal, result]
            if args.explain:
                plans[username] = list_query_plan(client)

        def lookup(url: str) -> Callable[[int], Any]:
            return lambda i: anonymous.post(
                url, {"tracking_number": numbers[i % len(numbers)],
                      "access_code": BENCH_ACCESS_CODE}, content_type="application/json")

        minimal_status, status = measure_together([
            Spec("minimal status", "one SELECT of the case by tracking number, the code's HMAC "
                 "compared, json.dumps (the look-up's baseline)", lookup(MINIMAL_STATUS_URL),
                 expect(200)),
            Spec("status", f"POST {STATUS_URL} with a tracking number and its access code "
                 f"({len(numbers)} cases in turn)", lookup(STATUS_URL), expect(200)),
        ], warmup=warm, iterations=n)
        status.minimal = minimal_status.name
        results += [minimal_status, status]

    baseline = results[0].rps
    by_name = {result.name: result for result in results}
    for result in results:
        result.ratio = result.rps / baseline
        if result.minimal:
            result.ratio_minimal = result.rps / by_name[result.minimal].rps
    info["load_average_after"] = round(os.getloadavg()[0], 2)
    return {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "method": f"in-process django.test.Client, sequential; {warm} warm-up requests, then "
                  f"{args.bare_iterations} (bare) or {n} timed requests each, every endpoint "
                  "taking turns with its minimal baseline; DEBUG off",
        "goals": {"ratio": RATIO_GOAL, "ratio_aim": RATIO_AIM, "p95_ms_50_case_page": P95_GOAL_MS},
        "machine": info,
        "baseline": {"name": "bare", "rps": round(baseline, 1),
                     "goal_judged_against": "the endpoint's minimal baseline (ratio_minimal)"},
        "results": [{k: (round(v, 3) if isinstance(v, float) else v)
                     for k, v in asdict(r).items() if k != "seconds"} for r in results],
        "plans": plans,
    }


def verdict(result: dict[str, Any]) -> str:
    if result["name"] == "bare":
        return "baseline"
    if result["name"] == "bare + 1 query":
        return "context"
    if result["name"].startswith("minimal"):
        return "minimal baseline"
    marks = []
    ratio = result.get("ratio_minimal")
    if ratio is not None:
        marks.append("ratio ✓ aim" if ratio >= RATIO_AIM else "ratio ✓" if ratio >= RATIO_GOAL
                     else "ratio ✗")
    goal = result.get("p95_goal_ms")
    if goal:
        marks.append("p95 ✓" if result["p95_ms"] < goal else "p95 ✗")
    return ", ".join(marks)


def markdown(report: dict[str, Any], previous: dict[str, Any] | None) -> str:
    m = report["machine"]
    before = {r["name"]: r for r in (previous or {}).get("results", [])}
    lines = [
        "# API benchmark · 接口性能基准",
        "",
        f"Run {report['run_at']} on `{m['database']}` ({m['cases']:,} cases, "
        f"~{m['events_estimate']:,} events, {m['database_size']}).",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), load average {m['load_average_before']}"
        f" before and {m['load_average_after']} after; Python {m['python']}, Django "
        f"{m['django']}, psycopg {m['psycopg']}, PostgreSQL {m['postgresql']}.",
        "",
        f"Method: {report['method']}. The bare view: "
        f"{report['baseline']['rps']:,.0f} requests/s. Goals: ≥ {RATIO_GOAL} (aim "
        f"{RATIO_AIM}) of the requests/s of the endpoint's minimal baseline (ratio to "
        f"minimal; see bench/api.py for why not the bare view, whose ratio is shown too); "
        f"p95 < {P95_GOAL_MS:.0f} ms for the 50-case page.",
        "",
        "| benchmark | req/s | ratio to bare | ratio to minimal | p50 ms | p95 ms | max ms | "
        "CPU ms | queries | SQL ms | verdict | previous ratio to bare / p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in report["results"]:
        old = before.get(r["name"])
        change = f"{old['ratio']:.3f} / {old['p95_ms']:.1f} ms" if old else "–"
        minimal = r.get("ratio_minimal")
        cpu = r.get("cpu_ms")
        lines.append(
            f"| {r['name']} | {r['rps']:,.1f} | {r['ratio']:.3f} | "
            f"{'–' if minimal is None else f'{minimal:.3f}'} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['max_ms']:.1f} | {'–' if cpu is None else f'{cpu:.1f}'} | "
            f"{r['queries']} | {r['db_ms']:.1f} | {verdict(r)} | {change} |")
    lines += ["", "SQL ms: the time of one request's queries as Django's debug cursor timed "
              "them. CPU ms: this process's CPU time per request (the benchmark's own Python; "
              "the database server's work and waiting for it are not in it).", ""]
    for username, plan in report["plans"].items():
        lines += [f"## The list's page query as {username}", "", "```", plan, "```", ""]
    return "\n".join(lines)


def write_reports(report: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    return common.write_reports(report, directory, "api", markdown)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # 1,000: a full pass of the garbage collector (about 80 ms with Django's 160,000
    # objects) comes every few hundred requests and falls on whichever request is running;
    # over 1,000 rounds each endpoint takes its share of them, over 200 it is luck.
    parser.add_argument("--iterations", type=int, default=1000,
                        help="timed requests per API benchmark (1000)")
    parser.add_argument("--bare-iterations", type=int, default=2000,
                        help="timed requests to the bare view (2000)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first (20)")
    parser.add_argument("--lookups", type=int, default=200,
                        help="how many different cases the status look-up cycles through")
    parser.add_argument("--seed", type=int, default=1, help="which cases are looked up")
    parser.add_argument("--no-explain", dest="explain", action="store_false",
                        help="skip EXPLAIN ANALYZE of the list query")
    parser.add_argument("--reports", type=Path, default=REPORTS, help="report directory")
    args = parser.parse_args(argv)
    common.bench_database_url()
    common.setup_django()
    report = run(args)
    md, js = write_reports(report, args.reports)
    print(markdown(report, None).split("\nSQL ms")[0])
    print(f"\nReports: {md} and {js}")


if __name__ == "__main__":
    main(sys.argv[1:])
