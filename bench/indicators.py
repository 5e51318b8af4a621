"""The supervision dashboard's figures from the maintained summaries, against the same
figures computed by a plain GROUP BY over the event log, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/disputes_bench .venv/bin/python -m bench.indicators
    DATABASE_URL=... .venv/bin/python -m bench.indicators --repeat 50 --recompute

On a database built by `bench/build_db.py` (1,000,000 cases, 7.2 million events):

1. Bring the summaries up to date: `update_all` (the passes the worker runs), or with
   `--recompute` rebuild them from scratch (`recompute_indicators`), timed.
2. Time each of these `--repeat` times after `--warmup` runs, one at a time, and report
   p50, p95 and max:
   - dashboard: `indicators.dashboard.build_dashboard` for the district supervisor's scope
     (the year's figures, the rolling figures, the 12-month trend, organizations and
     streets ranked, the warnings with the overdue clocks, the monthly table): every
     query the page makes, without the HTML;
   - page: GET /supervision/ as the district supervisor (`django.test.Client`, the whole
     request: middleware, the catch-up, the dashboard, the service circle, the template);
   - figures: `indicators.figures.figures` for the year (what /api/v1/indicators/figures/
     computes), and the idle catch-up every read runs first;
   - trend from summaries: the 12-month trend of the mediation success rate and the
     arbitration closure rate (agreed, failed, pending at each month's start, accepted,
     closed) from the summaries;
   - trend by GROUP BY: the same numbers by one plain GROUP BY query over
     `disputes_disputeevent` (joined to the case for the district, and to the acceptance
     event for the arbitration closures) plus a running sum in Python for the stock.
3. Check that both trends give the same numbers, month by month; a difference is printed
   and the run exits with status 1. (The award clock of "closed within the statutory
   period" has no GROUP BY form: it is not in the comparison.)

Reports: bench/reports/indicators.md and indicators.json (the previous pair is kept as
indicators.previous.md / .json and the new report shows the change).

Nothing here is a test: timings never fail the suite. The ratio GROUP BY ÷ summaries is
what a change to the summaries should move; absolute times depend on the machine and its
load (printed before and after).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import common

REPORTS = Path(__file__).resolve().parent / "reports"
GOAL_P95_MS = 100.0

GROUP_BY_SQL = """
WITH e AS (
    SELECT ev.dispute_id, ev.kind, ev.from_state, ev.to_state, ev.occurred_on
    FROM disputes_disputeevent ev JOIN disputes_dispute d ON d.id = ev.dispute_id
    WHERE d.district_id = %(district)s AND ev.occurred_on < %(end)s
),
accepted AS (SELECT dispute_id, occurred_on AS accepted_on FROM e WHERE kind = 'accept'),
closed AS (
    SELECT greatest(e.occurred_on, accepted.accepted_on) AS placed
    FROM e JOIN accepted USING (dispute_id)
    WHERE e.to_state = 'closed'
)
SELECT 'agreed', date_trunc('month', occurred_on)::date, count(*) FROM e
 WHERE kind IN ('record_agreement', 'record_pre_arbitration_agreement',
                'issue_mediation_statement') AND occurred_on >= %(first)s
 GROUP BY 2
UNION ALL
SELECT 'failed', date_trunc('month', occurred_on)::date, count(*) FROM e
 WHERE (kind IN ('record_failure', 'end_pre_arbitration_mediation')
        OR (kind = 'apply_for_arbitration'
            AND from_state IN ('enterprise_mediation', 'street_mediation', 'union_mediation')))
   AND occurred_on >= %(first)s
 GROUP BY 2
UNION ALL
SELECT 'accepted', date_trunc('month', accepted_on)::date, count(*) FROM accepted GROUP BY 2
UNION ALL
SELECT 'closed', date_trunc('month', placed)::date, count(*) FROM closed
 WHERE placed < %(end)s GROUP BY 2
"""

Series = dict[dt.date, dict[str, int]]


def setup_django() -> None:
    # The page is requested in-process (django.test.Client), over plain HTTP.
    common.setup_django(
        DEBUG="0", SECRET_KEY="bench-only-not-a-secret-0123456789abcdefghijklmnop",  # noqa: S106
        INDICATORS_CATCH_UP_ON_READ="1", ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")


def timed(work: Callable[[], Any], *, repeat: int, warmup: int) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = work()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - started)
    return samples, result


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


RESULTS: list[dict[str, Any]] = []


def line(name: str, samples: list[float], extra: str = "") -> None:
    print(f"  {name:<34} p50 {statistics.median(samples) * 1000:8.1f} ms   "
          f"p95 {p95(samples) * 1000:8.1f} ms   max {max(samples) * 1000:8.1f} ms  {extra}")
    RESULTS.append({"name": name, "p50_ms": round(statistics.median(samples) * 1000, 1),
                    "p95_ms": round(p95(samples) * 1000, 1),
                    "max_ms": round(max(samples) * 1000, 1), "note": extra})


def markdown(report: dict[str, Any], previous: dict[str, Any] | None) -> str:
    before = {r["name"]: r for r in (previous or {}).get("results", [])}
    lines = [
        "# bench.indicators: the supervision dashboard on the summaries",
        "",
        f"Run {report['run_at']} · {report['cases']:,} cases, {report['events']:,} events · "
        f"{report['method']}",
        f"Machine: {report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
        f"load average {report['machine']['load_before']} before, "
        f"{report['machine']['load_after']} after.",
        f"Summaries: {report['summaries']}.",
        "",
        f"Goal: the dashboard page p95 < {GOAL_P95_MS:.0f} ms.",
        "",
        "| measure | p50 ms | p95 ms | max ms | previous p95 ms | note |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in report["results"]:
        old = before.get(r["name"], {}).get("p95_ms", "–")
        lines.append(f"| {r['name']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | {old} "
                     f"| {r['note']} |")
    lines += ["", f"Same numbers as the GROUP BY: {report['same_numbers']}."]
    return "\n".join(lines)


def write_reports(report: dict[str, Any]) -> None:
    md, js = common.write_reports(report, REPORTS, "indicators", markdown)
    print(f"reports: {md.relative_to(REPORTS.parent.parent)}, {js.name}")


def trend_from_summaries(district: int, period: Any) -> Series:
    from indicators.definitions import definition
    from indicators.figures import Filters, breakdown

    rows = breakdown([definition("mediation_success", 1), definition("arbitration_closure", 1)],
                     period, Filters(districts=frozenset({district})), by="month")
    series: Series = defaultdict(dict)
    for ref, keys in (("mediation_success.v1", ("agreed", "failed")),
                      ("arbitration_closure.v1", ("pending_start", "accepted", "closed"))):
        for figure in rows[ref]:
            for key in keys:
                series[figure.group][key] = figure.value(key)
    return dict(series)


def trend_by_group_by(district: int, period: Any) -> Series:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(GROUP_BY_SQL, {"district": district, "first": period.start,
                                      "end": period.end})
        found = cursor.fetchall()
    counts: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for part, month, n in found:
        counts[part][month] = n
    series: Series = {}
    pending = sum(n for m, n in counts["accepted"].items() if m < period.start) - sum(
        n for m, n in counts["closed"].items() if m < period.start)
    for month in period.months:
        accepted, closed = counts["accepted"].get(month, 0), counts["closed"].get(month, 0)
        series[month] = {"agreed": counts["agreed"].get(month, 0),
                         "failed": counts["failed"].get(month, 0), "pending_start": pending,
                         "accepted": accepted, "closed": closed}
        pending += accepted - closed
    return series


def page_timings(kw: dict[str, int]) -> list[float]:
    """The whole page as the supervisor persona of `seed_demo` sees it (none: skipped)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    supervisor = get_user_model().objects.filter(username="supervisor").first()
    if supervisor is None:
        print("  (no `supervisor` account: the page is not timed)")
        return []
    client = Client()
    client.force_login(supervisor)

    def get() -> None:
        response = client.get("/supervision/")
        assert response.status_code == 200, response.status_code

    samples, _ = timed(get, **kw)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--recompute", action="store_true",
                        help="rebuild the summaries from scratch first (timed)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="the dashboard's today (default: the real one)")
    parser.add_argument("--no-report", action="store_true",
                        help="print only; leave bench/reports/ alone")
    args = parser.parse_args(argv)
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from indicators.dashboard import build_dashboard
    from indicators.definitions import current_definitions
    from indicators.figures import Filters, Period, figures
    from indicators.maintenance import catch_up_before_reading, recompute, update_all
    from indicators.models import IndicatorCount
    from mediation.models import District

    today = args.today or timezone.localdate()
    district = District.objects.order_by("pk").values_list("pk", flat=True).first()
    if district is None:
        print("No district: build the database with bench/build_db.py first.")
        return 2
    cases = connection.cursor()
    cases.execute("SELECT count(*) FROM disputes_dispute")
    (case_count,) = cases.fetchone() or (0,)
    cases.execute("SELECT count(*) FROM disputes_disputeevent")
    (event_count,) = cases.fetchone() or (0,)
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{case_count:,} cases, {event_count:,} events; load average before: {load_before}")

    started = time.perf_counter()
    done = recompute() if args.recompute else update_all()
    upkeep = (f"{'rebuild (recompute_indicators)' if args.recompute else 'catch up (update_all)'} "
              f"{time.perf_counter() - started:.1f} s, {done.events:,} events, "
              f"{IndicatorCount.objects.count():,} summary rows")
    print(f"  {upkeep}")

    scope = Filters(districts=frozenset({district}))
    year = Period(today.replace(month=1, day=1), today.replace(day=1))
    trend = Period.last_months(12, today)
    definitions = current_definitions()
    kw = {"repeat": args.repeat, "warmup": args.warmup}

    dashboard, _board = timed(lambda: build_dashboard(definitions, scope, today,
                                                      with_coverage=False), **kw)
    page = page_timings(kw)
    just_figures, _ = timed(lambda: figures(definitions, year, scope), **kw)
    idle, _ = timed(catch_up_before_reading, **kw)
    summaries, from_summaries = timed(lambda: trend_from_summaries(district, trend), **kw)
    group_by, from_events = timed(lambda: trend_by_group_by(district, trend), **kw)

    print(f"timings ({args.repeat} runs after {args.warmup} warm-up runs, one at a time):")
    line("dashboard (all its queries)", dashboard, "goal: p95 < 100 ms")
    if page:
        line("dashboard page (HTML)", page, f"goal: p95 < {GOAL_P95_MS:.0f} ms")
    line("figures for the year", just_figures)
    line("idle catch-up before a read", idle)
    line("12-month trend from summaries", summaries)
    ratio = statistics.median(group_by) / statistics.median(summaries)
    line("12-month trend by GROUP BY", group_by, f"summaries {ratio:,.0f}x faster (p50)")

    differences = [(month, key, from_summaries.get(month, {}).get(key), value)
                   for month, values in from_events.items() for key, value in values.items()
                   if from_summaries.get(month, {}).get(key) != value]
    months = len(from_events)
    print(f"  same numbers as the GROUP BY: {months * 5 - len(differences)}/{months * 5}")
    for month, key, mine, theirs in differences[:20]:
        print(f"    {month:%Y-%m} {key}: summaries {mine}, GROUP BY {theirs}")
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average after: {load_after}")
    if not args.no_report:
        write_reports({
            "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "cases": case_count, "events": event_count,
            "method": f"in-process, one at a time, {args.warmup} warm-up runs then "
                      f"{args.repeat} timed runs each; DEBUG off",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "load_before": load_before, "load_after": load_after},
            "summaries": upkeep, "goal_p95_ms": GOAL_P95_MS,
            "same_numbers": f"{months * 5 - len(differences)}/{months * 5}",
            "results": RESULTS,
        })
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
