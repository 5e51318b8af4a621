"""The staff workspace pages (the queue and a case page) against a bare Django view, in one run.

    .venv/bin/python -m bench.build_db --cases 100000 --fresh      # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/disputes_bench .venv/bin/python -m bench.pages

Issue 6 asks that with 100,000 cases in the database the queue and case pages render in
under 300 ms of server time. Every request goes in-process through `django.test.Client`
(server time: URL routing, middleware, session, the view, its queries and the template;
no network, no HTTP server), one at a time, after warm-up requests:

- bare: a view returning a small HttpResponse, mounted next to the project's URLs, through
  the same middleware, logged in. The baseline: what any page costs before its own work.
- queue ...: GET /workspace/ as the demo personas of `seed_demo` (which bench.build_db
  runs): the street center's mediator, the commission's filing officer (the largest
  queue: every open arbitration case), the chair's tab, a text search, the overdue
  filter, a deep page, and the supervisor (every open case of the district).
- case ...: GET /workspace/cases/<id>/ for a case in deliberation seen by an arbitrator of
  its tribunal (the most actions; their forms are fetched when opened, below), the open
  case with the longest history seen by the filing officer, and a street mediation case
  seen by its center's mediator.
- form ...: GET /workspace/cases/<id>/actions/<name>/ as htmx fetches an action's form
  when it is opened on the case page (the case page itself renders the actions as buttons).

Each is reported with p50/p95/max server time, its ratio to the bare view's p50, the
queries per request and their SQL time, and ✓/✗ against the 300 ms goal at p95. A
benchmark, never a test: nothing here asserts a timing.

Reports: bench/reports/pages.md and pages.json. The previous pair is kept as
pages.previous.md / pages.previous.json and the new report shows the change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import common

BARE_URL = "/bench/bare/"
GOAL_MS = 300.0
REPORTS = Path(__file__).resolve().parent / "reports"


def bare(request: Any) -> Any:
    """The baseline: Django, the middleware and the session, with no work behind them."""
    from django.http import HttpResponse

    return HttpResponse("ok")


def bench_urlconf() -> types.ModuleType:
    """The project's URLs with the bare view in front, and the workspace's where the
    project does not mount them yet (a temporary ROOT_URLCONF)."""
    from django.urls import NoReverseMatch, include, path, reverse

    urlconf = types.ModuleType("bench_pages_urls")
    patterns: list[Any] = [path(BARE_URL.strip("/") + "/", bare)]
    try:
        reverse("workspace:queue")
    except NoReverseMatch:
        patterns.append(path("workspace/", include("frontend.workspace.urls")))
    patterns.append(path("", include("backend.urls")))
    urlconf.urlpatterns = patterns  # type: ignore[attr-defined]
    return urlconf


@dataclass
class Result:
    name: str
    what: str
    seconds: list[float] = field(repr=False)
    cpu: list[float] = field(repr=False)
    queries: int
    db_ms: float
    p50_ms: float = 0.0
    cpu_p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0

    def __post_init__(self) -> None:
        ordered = sorted(self.seconds)
        self.p50_ms = 1000 * statistics.median(ordered)
        self.p95_ms = 1000 * ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
        self.max_ms = 1000 * ordered[-1]
        self.cpu_p50_ms = 1000 * statistics.median(self.cpu)


def measure(name: str, what: str, request: Callable[[], Any], *, warmup: int,
            iterations: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def checked() -> Any:
        response = request()
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.request['PATH_INFO']} answered "
                             f"{response.status_code}: {response.content[:300]!r}")
        return response

    for _ in range(warmup):
        checked()
    with CaptureQueriesContext(connection) as captured:
        checked()
    queries = len(captured)
    db_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    seconds, cpu = [], []
    for _ in range(iterations):
        started, started_cpu = time.perf_counter(), time.process_time()
        checked()
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return Result(name, what, seconds, cpu, queries, db_ms)


def pick_cases() -> dict[str, int]:
    """The heaviest realistic case pages: most claims, longest history."""
    from django.db.models import Count

    from disputes.models import OPEN_STATES, Dispute, Status

    deliberation = (Dispute.objects.filter(status=Status.DELIBERATION,
                                           arbitration__tribunal__arbitrator__username="arbitrator")
                    .annotate(n=Count("claims")).order_by("-n", "pk").values_list("pk", flat=True)
                    .first())
    longest = (Dispute.objects.filter(status__in=OPEN_STATES,
                                      organization__kind="arbitration_commission")
               .order_by("-event_seq", "pk").values_list("pk", flat=True).first())
    street = (Dispute.objects.filter(status=Status.STREET_MEDIATION,
                                     organization__memberships__user__username="mediator")
              .order_by("next_due_on", "pk").values_list("pk", flat=True).first())
    found = {"deliberation": deliberation, "longest": longest, "street": street}
    missing = [k for k, v in found.items() if v is None]
    if missing:
        raise SystemExit(f"No case for {missing}: build the database with bench.build_db.")
    return {k: int(v) for k, v in found.items() if v is not None}


def run(args: argparse.Namespace) -> tuple[dict[str, Any], list[Result]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from disputes.models import OPEN_STATES, Dispute

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["mediator", "filing_officer", "chair", "arbitrator", "supervisor"])}
    missing = {"mediator", "filing_officer", "chair", "arbitrator", "supervisor"} - set(users)
    if missing:
        raise SystemExit(f"Demo accounts {sorted(missing)} missing: build with bench.build_db.")
    clients: dict[str, Any] = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    cases = pick_cases()
    info = {"cases": Dispute.objects.count(),
            "open": Dispute.objects.filter(status__in=OPEN_STATES).count(), **cases}
    w, n = args.warmup, args.iterations

    def get(who: str, url: str, params: dict[str, Any] | None = None) -> Callable[[], Any]:
        return lambda: clients[who].get(url, params or {})

    def htmx(who: str, url: str) -> Callable[[], Any]:
        return lambda: clients[who].get(url, HTTP_HX_REQUEST="true")

    plan = [
        ("bare", "GET a view returning a small HttpResponse, logged in (the baseline)",
         get("mediator", BARE_URL)),
        ("queue as mediator", "GET /workspace/ as the first street center's mediator",
         get("mediator", "/workspace/")),
        ("queue as filing_officer", "GET /workspace/ as the commission's filing officer",
         get("filing_officer", "/workspace/")),
        ("queue, acceptance tab", "GET /workspace/?tab=acceptance as the filing officer",
         get("filing_officer", "/workspace/", {"tab": "acceptance"})),
        ("queue, chair tab", "GET /workspace/?tab=chair as the chair",
         get("chair", "/workspace/", {"tab": "chair"})),
        ("queue, text search", "GET /workspace/?q=公司 (party names) as the filing officer",
         get("filing_officer", "/workspace/", {"q": "公司"})),
        ("queue, overdue", "GET /workspace/?overdue=on as the filing officer",
         get("filing_officer", "/workspace/", {"overdue": "on"})),
        ("queue, page 20", "GET /workspace/?page=20 as the filing officer",
         get("filing_officer", "/workspace/", {"page": 20})),
        ("queue as supervisor", "GET /workspace/ as the supervisor (the whole district)",
         get("supervisor", "/workspace/")),
        ("case in deliberation", f"GET /workspace/cases/{cases['deliberation']}/ as an "
         "arbitrator of its tribunal (the most actions, as buttons)",
         get("arbitrator", f"/workspace/cases/{cases['deliberation']}/")),
        ("case, longest history", f"GET /workspace/cases/{cases['longest']}/ as the filing "
         "officer", get("filing_officer", f"/workspace/cases/{cases['longest']}/")),
        ("case in street mediation", f"GET /workspace/cases/{cases['street']}/ as the "
         "center's mediator", get("mediator", f"/workspace/cases/{cases['street']}/")),
        ("form: issue_award", f"GET /workspace/cases/{cases['deliberation']}/actions/"
         "issue_award/ (htmx) as the arbitrator: the award form with a row per claim",
         htmx("arbitrator", f"/workspace/cases/{cases['deliberation']}/actions/issue_award/")),
        ("form: record_agreement", f"GET /workspace/cases/{cases['street']}/actions/"
         "record_agreement/ (htmx) as the mediator",
         htmx("mediator", f"/workspace/cases/{cases['street']}/actions/record_agreement/")),
    ]
    results = []
    with override_settings(ROOT_URLCONF=bench_urlconf(), DEBUG=False,
                           ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        for name, what, request in plan:
            iterations = args.bare_iterations if name == "bare" else n
            results.append(measure(name, what, request, warmup=w, iterations=iterations))
            print(f"  measured {name}", file=sys.stderr, flush=True)
    return info, results


def report(info: dict[str, Any], results: list[Result], args: argparse.Namespace,
           load_before: float) -> dict[str, Any]:
    baseline = results[0].p50_ms
    return {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "method": f"in-process django.test.Client, sequential, DEBUG off; {args.warmup} warm-up "
                  f"then {args.iterations} timed requests each ({args.bare_iterations} for bare)",
        "goal": {"p95_ms": GOAL_MS},
        "database": info,
        "machine": {"cpus": os.cpu_count(), "load_average_before": round(load_before, 2),
                    "load_average_after": round(os.getloadavg()[0], 2)},
        "results": [{"name": r.name, "what": r.what, "p50_ms": round(r.p50_ms, 1),
                     "p95_ms": round(r.p95_ms, 1), "max_ms": round(r.max_ms, 1),
                     "cpu_p50_ms": round(r.cpu_p50_ms, 1), "queries": r.queries,
                     "db_ms": round(r.db_ms, 1), "ratio_to_bare": round(r.p50_ms / baseline, 1)}
                    for r in results],
    }


def table(data: dict[str, Any], previous: dict[str, Any] | None = None) -> str:
    info, machine = data["database"], data["machine"]
    before = {r["name"]: r for r in (previous or {}).get("results", [])}
    lines = [
        f"Run {data['run_at']}. {info['cases']:,} cases ({info['open']:,} open); "
        f"{data['method']}; {machine['cpus']} CPUs, load average "
        f"{machine['load_average_before']:.2f} before and {machine['load_average_after']:.2f} "
        "after (other processes share the machine: wall times swing with it, CPU times less).",
        "",
        f"| page | p50 ms | p95 ms | max ms | p50 ÷ bare | CPU p50 ms | queries | SQL ms | "
        f"p95 < {GOAL_MS:.0f} ms | previous p95 / CPU p50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in data["results"]:
        verdict = "baseline" if r["name"] == "bare" else ("✓" if r["p95_ms"] < GOAL_MS else "✗")
        old = before.get(r["name"])
        change = f"{old['p95_ms']:.1f} / {old['cpu_p50_ms']:.1f}" if old else "—"
        lines.append(f"| {r['name']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                     f"{r['max_ms']:.1f} | {r['ratio_to_bare']:.1f}× | {r['cpu_p50_ms']:.1f} | "
                     f"{r['queries']} | {r['db_ms']:.1f} | {verdict} | {change} |")
    lines += ["", "ms: wall time of the whole request in this process (the server time). CPU: "
              "this process's own CPU time (Python: view, forms, template), which other "
              "load on the machine disturbs less. SQL: one request's queries as Django's "
              "debug cursor timed them.", "", "What each row is:"]
    lines += [f"- {r['name']}: {r['what']}" for r in data["results"]]
    if previous:
        lines += ["", f"Previous run: {previous.get('run_at', '?')} "
                  "(bench/reports/pages.previous.md)."]
    return "\n".join(lines)


def render(data: dict[str, Any], previous: dict[str, Any] | None) -> str:
    return "# Staff pages benchmark (python -m bench.pages)\n\n" + table(data, previous)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument("--bare-iterations", type=int, default=500,
                        help="timed requests to the bare view (500)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--reports", type=Path, default=REPORTS, help="report directory")
    parser.add_argument("--no-reports", action="store_true", help="print only, write nothing")
    args = parser.parse_args(argv)
    common.bench_database_url()
    common.setup_django()
    load_before = os.getloadavg()[0]
    info, results = run(args)
    data = report(info, results, args, load_before)
    if args.no_reports:
        print(table(data))
        return
    md, js = common.write_reports(data, args.reports, "pages", render)
    print(md.read_text())
    print(f"\nwrote {md} and {js}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
