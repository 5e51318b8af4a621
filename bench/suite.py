"""Every benchmark in one command, with one report of every ratio, the machine and the baselines.

    .venv/bin/python -m bench.suite --build 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/disputes_bench     # build, then run all
    .venv/bin/python -m bench.suite --database-url ...                      # on an existing one
    .venv/bin/python -m bench.suite --quick --build 20000 --database-url ... # a smoke run (minutes)

1. `--build N`: `bench.build_db --cases N --fresh` (bulk COPY; 1,000,000 cases in ~7 min on
   2 CPUs), timed.
2. Each benchmark in its own process, one after another, on the same server, each with its
   own baseline measured in the same run: clocks, api, pages, indicators, websockets (its
   own fresh database, `--ws-database-url`), transitions, and peers (`bench.peers.collect`,
   when that module and its peer engines are installed). A benchmark that fails or exits
   non-zero is recorded with its output's tail, and the others still run.
3. Their ratios are read from their JSON reports (api, transitions, peers) or from the lines
   they print (clocks, pages, indicators, websockets) into bench/reports/suite.json and
   suite.md, with the machine (CPUs, model, RAM, PostgreSQL, load average before and after
   each benchmark) and each baseline. The previous pair is kept as suite.previous.* and the
   new Markdown shows each ratio's change.

`--only` / `--skip` take names (comma-separated). `--quick` runs every benchmark briefly:
its numbers are a smoke test, not measurements. The exit status is 1 when any benchmark
failed. A benchmark, never a test: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench import common
from bench.transitions import write_reports

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).resolve().parent / "reports"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/disputes_bench"
ORDER = ("clocks", "api", "pages", "indicators", "websockets", "transitions", "peers")
TAIL = 3000  # characters of a failed benchmark's output kept in the report


@dataclass
class Context:
    url: str
    ws_url: str
    quick: bool
    reports: Path  # where the benchmarks that write reports write them
    scratch: Path  # a temporary directory for reports the suite only reads
    peer_cases: int
    timeout: float


@dataclass
class Outcome:
    """What one benchmark gave: ratios (name → number), the baseline, goals and details."""

    name: str
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    exit_code: int | None = None
    ratios: dict[str, float] | None = None
    figures: dict[str, float] | None = None  # other numbers with a goal (p95 ms, ...)
    goals: dict[str, str] | None = None
    baseline: str = ""
    details: dict[str, Any] | None = None
    error: str = ""
    load_average: tuple[float, float] = (0.0, 0.0)  # 1-minute, before and after

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "seconds": round(self.seconds, 1),
                "exit_code": self.exit_code, "ratios": self.ratios or {},
                "figures": self.figures or {},
                "goals": self.goals or {}, "baseline": self.baseline,
                "details": self.details or {}, "error": self.error,
                "load_average_before_after": list(self.load_average)}


# -- running one benchmark ----------------------------------------------------------------

def run_module(module: str, args: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    """`python -m module args`, stdout and stderr together; (exit code, output)."""
    try:
        done = subprocess.run(  # noqa: S603 - our own modules, our own arguments
            [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or "") if isinstance(exc.stdout, str) else (exc.stdout or b"").decode()
        return 124, out + f"\n(timed out after {timeout:.0f} s)"
    return done.returncode, done.stdout + done.stderr


def bench_env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "backend.settings",
            "LOG_LEVEL": "WARNING",
            "RUN_WORKER_IN_PROCESS": "0"}


def number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_clocks(output: str) -> tuple[dict[str, float], dict[str, Any]]:
    ratios: dict[str, float] = {}
    faster = re.search(r"naive day-by-day loop.*?engine\s+([\d.,]+)x faster", output)
    slower = re.search(r"plain date arithmetic.*?engine\s+([\d.,]+)x slower", output)
    equal = re.search(r"answers equal to the naive loop's:\s+(\d+)/(\d+)", output)
    per = re.search(r"engine \(disputes\.clocks\)\s+([\d.]+) s\s+([\d.]+) µs a reading", output)
    if faster:
        ratios["naive loop time ÷ engine time"] = number(faster.group(1))
    if slower:
        ratios["engine time ÷ plain arithmetic time"] = number(slower.group(1))
    if equal:
        ratios["answers equal to the naive loop's"] = int(equal.group(1)) / int(equal.group(2))
    details = {"engine_us_per_reading": number(per.group(2)) if per else None}
    return ratios, details


def parse_markdown_table(output: str, first_header: str) -> list[dict[str, str]]:
    """The rows of the first Markdown table whose header starts with `first_header`."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            if line.startswith("|") and cells and cells[0] == first_header:
                header = cells
            continue
        if not line.startswith("|"):
            break
        if set(line.replace("|", "").strip()) <= set("-: "):
            continue
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


def first_number(text: str) -> float | None:
    found = re.search(r"[\d][\d,]*(?:\.\d+)?", text)
    return number(found.group(0)) if found else None


def parse_pages(output: str) -> tuple[dict[str, float], dict[str, Any]]:
    ratios: dict[str, float] = {}
    rows = parse_markdown_table(output, "page")
    p95: dict[str, float | None] = {}
    for row in rows:
        name = row.get("page", "")
        ratio_key = next((k for k in row if "÷ bare" in k), None)
        value = first_number(row.get(ratio_key, "")) if ratio_key else None
        if name and name != "bare" and value is not None:
            ratios[f"{name}: p50 ÷ bare p50"] = value
        p95[name] = first_number(row.get("p95 ms", ""))
    figures = {f"{name}: p95 ms": value for name, value in p95.items()
               if name and name != "bare" and value is not None}
    return ratios, {"figures": figures, "rows": rows}


def parse_indicators(output: str) -> tuple[dict[str, float], dict[str, Any]]:
    ratios: dict[str, float] = {}
    timings = {m.group(1).strip(): {"p50_ms": number(m.group(2)), "p95_ms": number(m.group(3))}
               for m in re.finditer(r"^\s+(\S.*?)\s+p50\s+([\d.,]+) ms\s+p95\s+([\d.,]+) ms",
                                    output, re.MULTILINE)}
    faster = re.search(r"summaries ([\d.,]+)x faster", output)
    same = re.search(r"same numbers as the GROUP BY:\s+(\d+)/(\d+)", output)
    if faster:
        ratios["trend: GROUP BY p50 ÷ summaries p50"] = number(faster.group(1))
    if same and int(same.group(2)):
        ratios["same numbers as the GROUP BY"] = int(same.group(1)) / int(same.group(2))
    figures = {f"{name}: p95 ms": t["p95_ms"] for name, t in timings.items()
               if name.startswith("dashboard")}
    return ratios, {"timings": timings, "figures": figures}


def parse_websockets(output: str) -> tuple[dict[str, float], dict[str, Any]]:
    ratios: dict[str, float] = {}
    lines: dict[str, dict[str, Any]] = {}
    for m in re.finditer(r"^\s+(raw channel layer send→receive|fan-out via layer \+ daphne "
                         r"\(no DB\)|commit → worker → client)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+"
                         r"([\d.]+)\s+([\d.]+)(?:\s+(\d+)/(\d+))?", output, re.MULTILINE):
        lines[m.group(1)] = {"events": int(m.group(2)), "p50_ms": float(m.group(3)),
                             "p95_ms": float(m.group(4)), "p99_ms": float(m.group(5)),
                             "max_ms": float(m.group(6)),
                             "delivered": int(m.group(7)) if m.group(7) else None,
                             "expected": int(m.group(8)) if m.group(8) else None}
    full = lines.get("commit → worker → client")
    fan = lines.get("fan-out via layer + daphne (no DB)")
    if full and full["expected"]:
        ratios["delivered ÷ expected (real events)"] = full["delivered"] / full["expected"]
    if full and fan and fan["p50_ms"]:
        ratios["commit → client p50 ÷ fan-out p50"] = round(full["p50_ms"] / fan["p50_ms"], 3)
    figures = {"commit → worker → client: p95 ms": full["p95_ms"]} if full else {}
    return ratios, {"lines": lines, "figures": figures}


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def subprocess_bench(name: str, module: str, args: list[str], ctx: Context,
                     parse: Callable[[str], tuple[dict[str, float], dict[str, Any]]],
                     baseline: str, goals: dict[str, str], url: str | None = None) -> Outcome:
    code, output = run_module(module, args, bench_env(url or ctx.url), ctx.timeout)
    ratios, details = parse(output)
    figures = details.pop("figures", {})
    details["output_tail"] = output[-TAIL:] if code else output[-800:]
    outcome = Outcome(name, "ok" if code == 0 and ratios else "failed", exit_code=code,
                      ratios=ratios, figures=figures, goals=goals, baseline=baseline,
                      details=details)
    if outcome.status == "failed":
        outcome.error = (f"exit status {code}" if code else "no ratio found in its output")
    return outcome


def bench_clocks(ctx: Context) -> Outcome:
    args = ["--cases", "2000", "--repeat", "1"] if ctx.quick else []
    return subprocess_bench(
        "clocks", "bench.clocks", args, ctx, parse_clocks,
        "a naive day-by-day loop and plain date arithmetic on the same cases, same run",
        {"answers equal to the naive loop's": "= 1"})


def bench_api(ctx: Context) -> Outcome:
    args = ["--reports", str(ctx.scratch)]
    if ctx.quick:
        args += ["--iterations", "20", "--bare-iterations", "200", "--warmup", "3",
                 "--no-explain"]
    code, output = run_module("bench.api", args, bench_env(ctx.url), ctx.timeout)
    report = read_json(ctx.scratch / "api.json")
    results = report.get("results", [])
    # Each endpoint is judged against its minimal baseline (bench/api.py says why); the
    # ratio to the bare view stays beside it as context, without a goal.
    measured = [r for r in results if r.get("minimal")]
    ratios = {f"{r['name']}: req/s ÷ bare req/s": r["ratio"] for r in results
              if r.get("name") != "bare"}
    ratios.update({f"{r['name']}: req/s ÷ {r['minimal']} req/s": r["ratio_minimal"]
                   for r in measured if r.get("ratio_minimal") is not None})
    goals = {f"{r['name']}: req/s ÷ {r['minimal']} req/s": "≥ 0.6 (aim 0.8)" for r in measured}
    figures = {f"{r['name']}: p95 ms": r["p95_ms"] for r in results if r.get("p95_goal_ms")}
    goals.update({f"{r['name']}: p95 ms": f"< {r['p95_goal_ms']:g}" for r in results
                  if r.get("p95_goal_ms")})
    details = {"results": [{k: r.get(k) for k in ("name", "rps", "p50_ms", "p95_ms", "queries")}
                           for r in results], "output_tail": output[-TAIL:] if code else ""}
    outcome = Outcome("api", "ok" if code == 0 and ratios else "failed", exit_code=code,
                      ratios=ratios, figures=figures, goals=goals, details=details,
                      baseline="each endpoint's minimal view (its scope and one SELECT, "
                      "json.dumps) and the bare view, "
                      f"{report.get('baseline', {}).get('rps', '?')} req/s "
                      "(in-process django.test.Client)")
    if outcome.status == "failed":
        outcome.error = f"exit status {code}" if code else "no api.json written"
    return outcome


def bench_pages(ctx: Context) -> Outcome:
    args = ["--reports", str(ctx.scratch)]  # pages.json stays its author's
    if ctx.quick:
        args += ["--iterations", "5", "--bare-iterations", "50", "--warmup", "1"]
    return subprocess_bench("pages", "bench.pages", args, ctx, parse_pages,
                            "a bare logged-in view, same middleware, same run (p50)",
                            {"p95 ms": "< 300"})


def bench_indicators(ctx: Context) -> Outcome:
    args = ["--no-report"]  # indicators.json stays its author's
    if ctx.quick:
        args += ["--repeat", "5", "--warmup", "1"]
    return subprocess_bench(
        "indicators", "bench.indicators", args, ctx, parse_indicators,
        "the same trend by a plain GROUP BY over the event log, same run",
        {"same numbers as the GROUP BY": "= 1", "dashboard (all its queries): p95 ms": "< 100"})


def bench_websockets(ctx: Context) -> Outcome:
    args = ["--fresh", "--database-url", ctx.ws_url]
    if ctx.quick:
        args += ["--clients", "100", "--client-processes", "2", "--events", "10", "--rate", "2",
                 "--baseline", "50", "--baseline-events", "5", "--quiet", "5"]
    return subprocess_bench(
        "websockets", "bench.websockets", args, ctx, parse_websockets,
        "the channel layer alone and the fan-out without the outbox, same clients, same run",
        {"delivered ÷ expected (real events)": "= 1"}, url=ctx.ws_url)


def bench_transitions(ctx: Context) -> Outcome:
    args = ["--database-url", ctx.url, "--reports", str(ctx.reports)]
    if ctx.quick:
        args += ["--seconds", "5", "--hot-seconds", "5", "--scale", "2"]
    code, output = run_module("bench.transitions", args, bench_env(ctx.url), ctx.timeout)
    report = read_json(ctx.reports / "transitions.json") if code in (0, 1) else {}
    ratios = report.get("ratios", {})
    t, h = report.get("throughput", {}), report.get("hot", {})
    outcome = Outcome(
        "transitions", "ok" if code == 0 and ratios else "failed", exit_code=code,
        ratios=ratios,
        figures={k: v for k, v in {"transitions: p95 ms": t.get("p95_ms"),
                                   "transitions per second": t.get("per_second"),
                                   "hot case: 200s per second": h.get("per_second"),
                                   "hot case: checks passed (no lost update)":
                                   1.0 if h.get("checks", {}).get("all_ok") else 0.0}.items()
                 if isinstance(v, int | float)},
        goals={"transitions_per_pgbench_tps": "≥ 0.15 (aim 0.25)",
               "transitions: p95 ms": "< 100",
               "hot_200s_per_pgbench_row_lock_tps": "≥ 0.3",
               "hot case: checks passed (no lost update)": "= 1"},
        baseline="; ".join(f"{k}: {v}" for k, v in report.get("baseline", {}).items()),
        details={"transitions_per_second": t.get("per_second"), "p50_ms": t.get("p50_ms"),
                 "p95_ms": t.get("p95_ms"), "pgbench_tps": report.get("pgbench", {}).get("tps"),
                 "hot_200s_per_second": h.get("per_second"), "hot_answers": h.get("answers"),
                 "hot_checks_ok": h.get("checks", {}).get("all_ok"),
                 "row_lock_tps": report.get("pgbench_row_lock", {}).get("tps"),
                 "failures": report.get("failures", []),
                 "output_tail": output[-TAIL:] if code else ""})
    if outcome.status == "failed":
        outcome.error = f"exit status {code}: {'; '.join(report.get('failures', []))}"
    return outcome


def bench_peers(ctx: Context) -> Outcome:
    if importlib.util.find_spec("bench.peers") is None:
        return Outcome("peers", "skipped", error="bench/peers.py is not there")
    try:
        peers: Any = importlib.import_module("bench.peers")
        result = peers.collect(ctx.url, cases=ctx.peer_cases)
    except (Exception, SystemExit) as exc:  # recorded, the suite goes on
        return Outcome("peers", "failed", error=f"{type(exc).__name__}: {exc}"[:TAIL])
    ratios = {k: float(v) for k, v in (result.get("ratios") or {}).items()
              if isinstance(v, int | float)}
    details = result.get("details") or {}
    return Outcome("peers", "ok" if ratios else "failed", ratios=ratios,
                   baseline=str(result.get("baseline", "")),
                   goals=details.get("goals") if isinstance(details.get("goals"), dict) else None,
                   details={"ok": details.get("ok"), "machine": details.get("machine")},
                   error="" if ratios else "no ratios returned")


BENCHMARKS: dict[str, Callable[[Context], Outcome]] = {
    "clocks": bench_clocks, "api": bench_api, "pages": bench_pages,
    "indicators": bench_indicators, "websockets": bench_websockets,
    "transitions": bench_transitions, "peers": bench_peers,
}


# -- the machine, the build, the report ----------------------------------------------------------

def machine(url: str) -> dict[str, Any]:
    info: dict[str, Any] = {**common.hardware(),
                            "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            info["database"] = urlparse(url).path.lstrip("/")
            info["database_size"] = conn.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]  # type: ignore[index]
            info["cases"] = conn.execute("SELECT count(*) FROM disputes_dispute").fetchone()[0]  # type: ignore[index]
            info["events_estimate"] = conn.execute(
                "SELECT reltuples::bigint FROM pg_class "
                "WHERE relname = 'disputes_disputeevent'").fetchone()[0]  # type: ignore[index]
    except Exception as exc:  # the report says what could not be read
        info["database_error"] = str(exc)[:300]
    return info


def build(url: str, cases: int, timeout: float) -> dict[str, Any]:
    started = time.perf_counter()
    code, output = run_module("bench.build_db", ["--cases", str(cases), "--fresh",
                                                 "--database-url", url],
                              {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings"},
                              timeout)
    built = re.search(r"Built ([\d,]+) cases, ([\d,]+) events in ([\d.]+) s", output)
    result = {"cases": cases, "exit_code": code, "seconds": round(time.perf_counter() - started, 1),
              "events": int(built.group(2).replace(",", "")) if built else None,
              "output_tail": output[-1500:]}
    if code:
        raise SystemExit(f"bench.build_db failed (exit status {code}):\n{output[-TAIL:]}")
    return result


def ws_database_url(url: str) -> str:
    """bench.websockets takes only a database named disputes_bench… or bench_…: `<name>_ws`
    when the bench database is so named, else disputes_bench_ws on the same server."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    ws = f"{name}_ws" if name.startswith(("disputes_bench", "bench_")) else "disputes_bench_ws"
    return parsed._replace(path=f"/{ws}").geturl()


def fmt(value: Any) -> str:
    if not isinstance(value, int | float):
        return "–"
    size = abs(value)
    digits = 3 if size < 1 else 2 if size < 10 else 1 if size < 1000 else 0
    return f"{value:,.{digits}f}"


def change(new: Any, old: Any) -> str:
    if not isinstance(new, int | float) or not isinstance(old, int | float):
        return "–"
    if old == 0:
        return "–" if new == 0 else "new"
    return f"{(new - old) / abs(old) * 100:+.0f} %"


def markdown(report: dict[str, Any], previous: dict[str, Any] | None) -> str:
    m = report["machine"]
    before = {b["name"]: b for b in (previous or {}).get("benchmarks", [])}
    lines = [
        "# Benchmark suite · 性能基准汇总",
        "",
        f"Run {report['run_at']}{' (--quick: a smoke run, not measurements)' if report['quick'] else ''}"
        f" on `{m.get('database', '?')}` ({fmt(m.get('cases'))} cases, "
        f"~{fmt(m.get('events_estimate'))} events, {m.get('database_size', '?')}); "
        f"previous run: {(previous or {}).get('run_at', 'none')}.",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory']} RAM, Python "
        f"{m['python']}, PostgreSQL {m.get('postgresql', '?')}; load average "
        f"{' '.join(map(str, m['load_average_before']))} before and "
        f"{' '.join(map(str, m.get('load_average_after', [])))} after.",
        "",
    ]
    if report.get("build"):
        b = report["build"]
        lines += [f"Build: bench.build_db --cases {b['cases']:,} in {b['seconds']} s "
                  f"({fmt(b.get('events'))} events).", ""]
    lines += ["| benchmark | ratio or figure | value | goal | previous | change |",
              "|---|---|---:|---|---:|---:|"]
    for bench in report["benchmarks"]:
        previous_bench = before.get(bench["name"], {})
        old = {**previous_bench.get("ratios", {}), **previous_bench.get("figures", {})}
        if bench["status"] != "ok" and not bench["ratios"]:
            lines.append(f"| {bench['name']} | **{bench['status']}**: "
                         f"{bench['error'][:200].replace('|', '/').replace(chr(10), ' ')} | "
                         f"– | – | – | – |")
            continue
        goals = bench.get("goals") or {}
        for key, value in {**bench["ratios"], **bench.get("figures", {})}.items():
            goal = goals.get(key) or next((g for k, g in goals.items() if key.endswith(k)), "")
            status = "" if bench["status"] == "ok" else f" (**{bench['status']}**)"
            lines.append(f"| {bench['name']}{status} | {key} | {fmt(value)} | {goal} | "
                         f"{fmt(old.get(key))} | {change(value, old.get(key))} |")
    lines += ["", "## Baselines and load", ""]
    for bench in report["benchmarks"]:
        la = bench.get("load_average_before_after") or []
        lines.append(f"- **{bench['name']}** ({bench['status']}, {bench['seconds']} s, load "
                     f"average {' → '.join(map(str, la))}): "
                     f"{bench['baseline'] or bench['error'] or '–'}")
    failed = [b["name"] for b in report["benchmarks"] if b["status"] == "failed"]
    lines += ["", f"Result: {'every benchmark ran' if not failed else 'FAILED: ' + ', '.join(failed)}"
              f"{'' if not report['skipped'] else '; skipped: ' + ', '.join(report['skipped'])}."]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> dict[str, Any]:
    names = [n for n in ORDER if (not args.only or n in args.only) and n not in args.skip]
    build_info = build(args.database_url, args.build, args.timeout) if args.build else None
    info = machine(args.database_url)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as scratch:
        ctx = Context(url=args.database_url, ws_url=args.ws_database_url or
                      ws_database_url(args.database_url), quick=args.quick,
                      reports=args.reports, scratch=Path(scratch),
                      peer_cases=20 if args.quick else args.peer_cases, timeout=args.timeout)
        for name in names:
            print(f"[suite] {name} …", file=sys.stderr, flush=True)
            load_before = round(os.getloadavg()[0], 2)
            started = time.perf_counter()
            try:
                outcome = BENCHMARKS[name](ctx)
            except Exception as exc:  # recorded, the suite goes on
                outcome = Outcome(name, "failed", error=f"{type(exc).__name__}: {exc}"[:TAIL])
            outcome.seconds = time.perf_counter() - started
            outcome.load_average = (load_before, round(os.getloadavg()[0], 2))
            outcomes.append(outcome)
            print(f"[suite] {name}: {outcome.status} in {outcome.seconds:.0f} s "
                  f"{outcome.error}", file=sys.stderr, flush=True)
    info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    skipped = [n for n in ORDER if n not in names] + [o.name for o in outcomes
                                                      if o.status == "skipped"]
    return {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "command": " ".join(["python -m bench.suite", *sys.argv[1:]]),
        "machine": info, "build": build_info, "skipped": skipped,
        "benchmarks": [o.as_dict() for o in outcomes],
        "ok": all(o.status != "failed" for o in outcomes),
    }


def names(text: str) -> list[str]:
    chosen = [n.strip() for n in text.split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(ORDER))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown benchmark(s) {unknown}; known: {list(ORDER)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--build", type=int, default=0, metavar="CASES",
                        help="build the database first with this many cases (bench.build_db)")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--only", type=names, default=[], help=f"some of {','.join(ORDER)}")
    parser.add_argument("--skip", type=names, default=[], help="leave these out")
    parser.add_argument("--ws-database-url", default="",
                        help="bench.websockets' own database (default: <name>_ws when the "
                             "bench database is named disputes_bench…, else disputes_bench_ws)")
    parser.add_argument("--peer-cases", type=int, default=200, help="cases per peer engine")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds before a benchmark is stopped (3600)")
    parser.add_argument("--reports", type=Path, default=REPORTS, help="report directory")
    args = parser.parse_args(argv)
    common.bench_database_url(args.database_url, name="--database-url")
    report = run(args)
    md, js = write_reports(report, args.reports, "suite", markdown)
    print(md.read_text())
    print(f"Reports: {md} and {js}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
