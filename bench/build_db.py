"""Build a large PostgreSQL database of realistic cases for the benchmarks, in minutes.

    .venv/bin/python -m bench.build_db --cases 1000000 --fresh \\
        --database-url postgres://postgres@127.0.0.1:5432/disputes_bench

1. Create the database (`--fresh`: drop it first), run the migrations and
   `seed_demo --cases 0`: the district, its streets, organizations, staff and demo accounts.
2. Drop the indexes, keys and foreign keys of the case tables, then COPY the cases and
   their histories (bench/histories.py) from `--jobs` worker processes, `--chunk` cases
   at a time, with explicit ids.
3. Rebuild the indexes and keys exactly as the migrations made them, validate the
   foreign keys, point the id sequences past the loaded ids, VACUUM ANALYZE.
4. Check the hash chains of a sample of cases with `disputes.events.verify_chain`.

Every case's access code is `bench.world.BENCH_ACCESS_CODE`, hashed with the
ACCESS_CODE_KEY (default: SECRET_KEY) of the environment the builder runs in: run the
benchmarks with the same settings. A bench database is never a live one.
"""

from __future__ import annotations

import argparse
import gc
import io
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from bench import common

DEFAULT_SEED = 20260101
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/disputes_bench"


@dataclass
class ChunkStats:
    chunk: int
    rows: dict[str, int]
    generate_seconds: float
    copy_seconds: dict[str, float]
    states: Counter[str] = field(default_factory=Counter)
    cpu_seconds: float = 0.0  # the worker's own CPU time: wall time minus waiting


def log(message: str) -> None:
    print(message, flush=True)


def create_database(url: str, *, fresh: bool) -> None:
    name = urlparse(url).path.lstrip("/")
    if not name:
        raise SystemExit("The database URL names no database.")
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    [name]).fetchone()
        if exists and not fresh:
            raise SystemExit(f"Database {name} exists: pass --fresh to drop and rebuild it.")
        if exists:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def close_django_connections() -> None:
    """Worker processes are forked: no open connection or pool thread may cross over."""
    from django.db import connections

    for connection in connections.all():
        connection.close()
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


# -- worker processes ---------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(world: Any, dsn: str, size: int, seed: int) -> None:
    from bench import bulk, histories

    connection = psycopg.connect(dsn)
    connection.execute("SET synchronous_commit = off")
    tables = histories.tables()
    with connection.cursor() as cursor:
        types = {name: bulk.column_types(cursor, spec) for name, spec in tables.items()}
    connection.commit()
    _worker.update(world=world, size=size, seed=seed, connection=connection, tables=tables,
                   types=types)
    gc.freeze()  # what the parent built (Django, the world) is never garbage


def _load_chunk(chunk: int) -> ChunkStats:
    from bench import bulk, histories

    started, cpu = time.monotonic(), time.process_time()
    # The chunk's rows are a few hundred thousand dicts without cycles: the cyclic
    # collector would only rescan them again and again (a third of the time).
    gc.disable()
    try:
        built = histories.build_chunk(_worker["world"], chunk=chunk, size=_worker["size"],
                                      seed=_worker["seed"])
    finally:
        gc.enable()
    stats = ChunkStats(chunk, {}, time.monotonic() - started, {}, built.states)
    connection: psycopg.Connection[Any] = _worker["connection"]
    with connection.cursor() as cursor:
        for name in histories.TABLE_ORDER:
            started = time.monotonic()
            stats.rows[name] = bulk.copy_rows(cursor, _worker["tables"][name],
                                              _worker["types"][name], built.rows[name])
            stats.copy_seconds[name] = time.monotonic() - started
    connection.commit()
    stats.cpu_seconds = time.process_time() - cpu
    return stats


# -- the build ----------------------------------------------------------------------------


def build(args: argparse.Namespace) -> None:
    started = time.monotonic()
    url = args.database_url
    log(f"Building {args.cases:,} cases into {urlparse(url).path.lstrip('/')} "
        f"({args.jobs} worker processes, chunks of {args.chunk:,}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f})")
    mark = time.monotonic()
    create_database(url, fresh=args.fresh)
    common.setup_django(url)
    from django.core.management import call_command, get_commands
    from django.db import transaction
    from django.utils import timezone

    from bench import bulk, histories
    from bench.world import BENCH_ACCESS_CODE, load_world, pin_law_tables

    call_command("migrate", verbosity=0)
    call_command("seed_demo", cases=0, force=True, stdout=io.StringIO())
    log(f"  database, migrations and seed_demo --cases 0: {time.monotonic() - mark:.1f} s")

    pin_law_tables()
    world = load_world(cases=args.cases, years=args.years, today=timezone.localdate(),
                       seed=args.seed)
    specs = histories.tables()
    names = [specs[name].name for name in histories.TABLE_ORDER]
    with psycopg.connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        schema = bulk.capture(cursor, names)
        bulk.drop(cursor, schema)
    log(f"  dropped for the load: {len(schema.indexes) + len(schema.keys)} indexes and keys, "
        f"{len(schema.foreign_keys)} foreign keys")
    close_django_connections()

    mark = time.monotonic()
    chunks = (args.cases + args.chunk - 1) // args.chunk
    rows: Counter[str] = Counter()
    copy_seconds: Counter[str] = Counter()
    states: Counter[str] = Counter()
    generate = cpu = 0.0
    done = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(args.jobs, initializer=_init_worker,
                      initargs=(world, url, args.chunk, args.seed)) as pool:
        for stats in pool.imap_unordered(_load_chunk, range(chunks)):
            rows.update(stats.rows)
            copy_seconds.update(stats.copy_seconds)
            states.update(stats.states)
            generate += stats.generate_seconds
            cpu += stats.cpu_seconds
            done += stats.rows["dispute"]
            elapsed = time.monotonic() - mark
            log(f"  {done:>10,} / {args.cases:,} cases  {rows['event']:>11,} events  "
                f"{elapsed:6.1f} s  ~{elapsed * (args.cases - done) / done:5.0f} s left")
    load_seconds = time.monotonic() - mark
    log(f"  generated and copied in {load_seconds:.1f} s (generation {generate:.1f} worker-s; "
        f"worker CPU {cpu:.1f} s of {load_seconds * args.jobs:.1f} worker-s)")

    mark = time.monotonic()
    sizes = {specs[name].name: rows[name] for name in histories.TABLE_ORDER}
    index_seconds = bulk.rebuild(url, schema, jobs=args.jobs, sizes=sizes, log=log)
    with psycopg.connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        bulk.reset_sequences(cursor, names)
        public = [t for (t,) in cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
    log(f"  indexes, keys, foreign keys, sequences: {time.monotonic() - mark:.1f} s")

    mark = time.monotonic()
    if "recompute_due_dates" in get_commands():
        # The project's own step after a bulk import: open cases' next due date.
        out = io.StringIO()
        with transaction.atomic():  # one commit, not one per updated case
            call_command("recompute_due_dates", stdout=out)
        log(f"  recompute_due_dates: {out.getvalue().strip()} ({time.monotonic() - mark:.1f} s)")

    mark = time.monotonic()
    vacuum_seconds: dict[str, float] = {}

    def vacuum(connection: psycopg.Connection[Any], tbl: str, statement: str) -> None:
        begun = time.monotonic()
        connection.execute(statement)
        vacuum_seconds[tbl] = time.monotonic() - begun

    # VACUUM as well as ANALYZE: it sets the visibility map and hint bits, as autovacuum
    # would have on a live database, so the first benchmark run does not pay for them.
    work = [(t, [f'VACUUM (ANALYZE) "{t}"']) for t in public]
    work.sort(key=lambda item: -sizes.get(item[0], 0))
    bulk.parallel(url, args.jobs, work, vacuum)
    log(f"  VACUUM ANALYZE: {time.monotonic() - mark:.1f} s")

    verify(args.sample, args.cases, BENCH_ACCESS_CODE)
    total = time.monotonic() - started
    report(specs, histories.TABLE_ORDER, rows, copy_seconds, index_seconds, vacuum_seconds,
           states, url)
    log(f"Built {args.cases:,} cases, {rows['event']:,} events in {total:.1f} s "
        f"({total / 60:.1f} min); load average now {os.getloadavg()[0]:.1f}.")


def verify(sample: int, cases: int, code: str) -> None:
    """Re-check the hash chain of `sample` random cases, and that the access code opens them."""
    from disputes.events import verify_chain
    from disputes.models import Dispute
    from disputes.services.intake import access_code_matches

    rng = random.Random(7)  # noqa: S311 - a sample, not a secret
    ids = sorted(rng.sample(range(1, cases + 1), min(sample, cases)))
    problems: list[str] = []
    for dispute in Dispute.objects.filter(pk__in=ids).prefetch_related("events"):
        chain = sorted(dispute.events.all(), key=lambda e: e.seq)
        problems += [str(problem) for problem in verify_chain(dispute, chain)]
        if not access_code_matches(dispute, code):
            problems.append(f"dispute {dispute.pk}: the bench access code does not match")
    if problems:
        for problem in problems[:20]:
            log(f"  PROBLEM {problem}")
        raise SystemExit(f"{len(problems)} problems in the sample of {len(ids)} cases")
    log(f"  hash chains and access codes verified on a sample of {len(ids)} cases")


def report(specs: dict[str, Any], order: list[str], rows: Counter[str],
           copy_seconds: Counter[str], index_seconds: dict[str, float],
           vacuum_seconds: dict[str, float], states: Counter[str], url: str) -> None:
    log("")
    log(f"{'table':<30} {'rows':>12} {'copy s*':>9} {'index s':>9} {'vacuum s':>9}")
    for name in order:
        tbl = specs[name].name
        log(f"{tbl:<30} {rows[name]:>12,} {copy_seconds[name]:>9.1f} "
            f"{index_seconds.get(tbl, 0.0):>9.1f} {vacuum_seconds.get(tbl, 0.0):>9.1f}")
    log("  * copy s: seconds the worker processes spent in that table's COPY, summed")
    total = sum(states.values())
    log("")
    log("cases by state:")
    for state, count in states.most_common():
        log(f"  {count:>10,}  {100 * count / total:5.1f}%  {state}")
    with psycopg.connect(url) as connection:
        size = connection.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
    log(f"database size: {size[0] if size else '?'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="how many cases (20,000)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
                        help=f"PostgreSQL database to build (default {DEFAULT_URL})")
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: the CPU count)")
    parser.add_argument("--chunk", type=int, default=10_000, help="cases per COPY batch")
    parser.add_argument("--years", type=int, default=2, help="receipt dates span this many years")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--sample", type=int, default=200, help="cases whose chains are verified")
    args = parser.parse_args(argv)
    if urlparse(args.database_url).scheme not in {"postgres", "postgresql"}:
        raise SystemExit("--database-url must be a postgres:// URL")
    if args.cases < 1 or args.chunk < 1 or args.jobs < 1:
        raise SystemExit("--cases, --chunk and --jobs must be positive")
    build(args)


if __name__ == "__main__":
    main(sys.argv[1:])
