"""COPY plumbing for `bench.build_db`: column lists read from the models, and the indexes
and constraints that are dropped before a bulk load and rebuilt after it.

Column lists come from `Model._meta.concrete_fields` (`field.column`), so a field the
builder does not know is filled from its default: the builder keeps working when a model
gains a nullable or defaulted field, and stops with the field's name when it gains a
required one. Index and constraint definitions are read from PostgreSQL's catalog
(`pg_get_indexdef`, `pg_get_constraintdef`) and recreated verbatim, so whatever the
migrations made is what the loaded database has.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import psycopg
from django.db import models
from django.utils import timezone
from psycopg import sql


class UnknownRequiredField(Exception):
    """A model gained a field without a default that the builder does not fill."""


@dataclass(frozen=True)
class Table:
    """One model's table as the builder writes it: the columns it sets, then the rest."""

    model: type[models.Model]
    name: str
    known: tuple[str, ...]  # attnames the builder sets, in the order of its row dicts
    columns: tuple[str, ...]  # database columns: the known ones, then the filled ones
    fill: tuple[Any, ...]  # values of the columns the builder does not set
    pick: Callable[[dict[str, Any]], Any] = field(repr=False, compare=False)

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        picked = self.pick(values)
        if len(self.known) == 1:
            picked = (picked,)
        return (*picked, *self.fill)

    @property
    def copy_sql(self) -> str:
        names = ", ".join(f'"{c}"' for c in self.columns)
        return f'COPY "{self.name}" ({names}) FROM STDIN (FORMAT BINARY)'


def _fill_value(model: type[models.Model], f: models.Field[Any, Any]) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    if f.blank and f.empty_strings_allowed:
        return ""
    raise UnknownRequiredField(
        f"{model._meta.label}.{f.name} has no default and is not nullable: teach "
        "bench/histories.py to fill it."
    )


def table(model: type[models.Model], known: Sequence[str]) -> Table:
    """The table of `model`, with `known` attnames first and every other column filled."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    missing = [name for name in known if name not in fields]
    if missing:
        raise KeyError(f"{model._meta.label} has no field(s) {missing}: update bench/histories.py")
    rest = [f for name, f in fields.items() if name not in known]
    return Table(
        model=model,
        name=model._meta.db_table,
        known=tuple(known),
        columns=(*(fields[name].column for name in known), *(f.column for f in rest)),
        fill=tuple(_fill_value(model, f) for f in rest),
        pick=itemgetter(*known),
    )


def column_types(cursor: psycopg.Cursor[Any], spec: Table) -> list[int]:
    """The type oid of each column, for binary COPY (which sends no type names)."""
    cursor.execute(
        "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass "
        "AND attnum > 0 AND NOT attisdropped", [spec.name])
    oids = dict(cursor.fetchall())
    return [oids[column] for column in spec.columns]


def copy_rows(cursor: psycopg.Cursor[Any], spec: Table, types: list[int],
              rows: Iterable[dict[str, Any]]) -> int:
    """COPY in binary format: a third of the text format's client time (no text
    rendering of dates, times and numbers), and no parsing on the server."""
    count = 0
    with cursor.copy(spec.copy_sql) as copy:
        copy.set_types(types)
        for values in rows:
            copy.write_row(spec.row(values))
            count += 1
    return count


# ---------------------------------------------------------------------------------------
# Indexes and constraints around the load


@dataclass
class Schema:
    """What is dropped before the load, to be rebuilt after it, per table."""

    indexes: list[tuple[str, str]] = field(default_factory=list)  # (table, CREATE INDEX ...)
    keys: list[tuple[str, str, str, str]] = field(default_factory=list)  # (table, name, kind, index)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, def)


def capture(cursor: psycopg.Cursor[Any], tables: Sequence[str]) -> Schema:
    """Read the indexes, primary/unique keys and foreign keys of `tables` (and the foreign
    keys of other tables pointing at them) from the catalog."""
    schema = Schema()
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype = 'f'
          AND (c.conrelid = ANY(%(t)s::regclass[]) OR c.confrelid = ANY(%(t)s::regclass[]))
        ORDER BY 1, 2
        """,
        {"t": list(tables)},
    )
    schema.foreign_keys = [(t, n, d) for t, n, d in cursor.fetchall()]
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname,
               CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END,
               pg_get_indexdef(c.conindid)
        FROM pg_constraint c
        WHERE c.contype IN ('p', 'u') AND c.conrelid = ANY(%(t)s::regclass[])
        ORDER BY 1, 2
        """,
        {"t": list(tables)},
    )
    schema.keys = [(t, n, k, i) for t, n, k, i in cursor.fetchall()]
    cursor.execute(
        """
        SELECT i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%(t)s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1, 2
        """,
        {"t": list(tables)},
    )
    schema.indexes = [(t, d) for t, d in cursor.fetchall()]
    return schema


def _index_name(create_sql: str) -> str:
    # "CREATE [UNIQUE] INDEX name ON public.table USING ..."
    words = create_sql.split()
    return words[words.index("INDEX") + 1]


def drop(cursor: psycopg.Cursor[Any], schema: Schema) -> None:
    for tbl, name, _ in schema.foreign_keys:
        cursor.execute(f'ALTER TABLE {tbl} DROP CONSTRAINT "{name}"')
    for tbl, name, _, _ in schema.keys:
        cursor.execute(f'ALTER TABLE {tbl} DROP CONSTRAINT "{name}"')
    for _, create_sql in schema.indexes:
        cursor.execute(f'DROP INDEX "{_index_name(create_sql)}"')


def rebuild(dsn: str, schema: Schema, *, jobs: int, sizes: dict[str, int],
            log: Callable[[str], None]) -> dict[str, float]:
    """Recreate every index (`jobs` at a time, biggest tables first), then the keys on
    them, then the foreign keys (added NOT VALID, then validated). Returns seconds spent
    per table (summed over its statements)."""
    seconds: dict[str, float] = {}
    lock = threading.Lock()

    def run(connection: psycopg.Connection[Any], tbl: str, sql: str) -> None:
        started = time.monotonic()
        connection.execute(sql)
        with lock:
            seconds[tbl] = seconds.get(tbl, 0.0) + time.monotonic() - started

    builds = [(tbl, [sql]) for tbl, _, _, sql in schema.keys]
    builds += [(tbl, [sql]) for tbl, sql in schema.indexes]
    builds.sort(key=lambda item: -sizes.get(item[0], 0))
    parallel(dsn, jobs, builds, run)
    log(f"  indexes rebuilt: {len(builds)}")

    with psycopg.connect(dsn, autocommit=True) as connection:
        for tbl, name, kind, index_sql in schema.keys:
            run(connection, tbl,
                f'ALTER TABLE {tbl} ADD CONSTRAINT "{name}" {kind} USING INDEX '
                f'"{_index_name(index_sql)}"')
        for tbl, name, definition in schema.foreign_keys:
            connection.execute(f'ALTER TABLE {tbl} ADD CONSTRAINT "{name}" {definition} NOT VALID')
    # Validating takes a lock that conflicts with itself on the same table: one task per
    # table, its foreign keys in turn.
    by_table: dict[str, list[str]] = {}
    for tbl, name, _ in schema.foreign_keys:
        by_table.setdefault(tbl, []).append(f'ALTER TABLE {tbl} VALIDATE CONSTRAINT "{name}"')
    validations = sorted(by_table.items(), key=lambda item: -sizes.get(item[0], 0))
    parallel(dsn, jobs, validations, run)
    log(f"  keys and foreign keys restored and validated: "
        f"{len(schema.keys)} + {len(schema.foreign_keys)}")
    return seconds


def parallel(dsn: str, jobs: int, work: list[tuple[str, list[str]]],
              run: Callable[[psycopg.Connection[Any], str, str], None]) -> None:
    if not work:
        return
    connections = [psycopg.connect(dsn, autocommit=True) for _ in range(max(1, jobs))]
    try:
        for connection in connections:
            connection.execute("SET maintenance_work_mem = '512MB'")
        free = list(connections)

        def task(item: tuple[str, list[str]]) -> None:
            connection = free.pop()  # at most len(connections) tasks run at once
            try:
                for sql in item[1]:
                    run(connection, item[0], sql)
            finally:
                free.append(connection)

        with ThreadPoolExecutor(max_workers=len(connections)) as pool:
            for future in [pool.submit(task, item) for item in work]:
                future.result()
    finally:
        for connection in connections:
            connection.close()


def reset_sequences(cursor: psycopg.Cursor[Any], tables: Sequence[str]) -> None:
    """Point each table's id sequence past the ids the load set explicitly."""
    for tbl in tables:
        cursor.execute(
            sql.SQL("SELECT setval(pg_get_serial_sequence({name}, 'id'), "
                    "COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)").format(
                name=sql.Literal(tbl), table=sql.Identifier(tbl)))
