"""deploy/backup: a dump of the live database and its evidence files, restored into a new
database (the drill), and swapped in by --replace, on this machine's PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from disputes.models import Dispute, DisputeEvent, Status
from tests.deploy.files import DEPLOY
from tests.world import World

BACKUP = DEPLOY / "backup" / "backup.sh"
RESTORE = DEPLOY / "backup" / "restore.sh"
TOOLS = ("pg_dump", "pg_restore", "psql", "sha256sum", "tar")


@pytest.fixture
def pg_env() -> dict[str, str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"PostgreSQL client tools not installed here: {', '.join(missing)}")
    db = settings.DATABASES["default"]
    return {**os.environ, "PGHOST": str(db["HOST"] or "127.0.0.1"),
            "PGPORT": str(db["PORT"] or 5432), "PGUSER": str(db["USER"]),
            "PGPASSWORD": str(db["PASSWORD"] or ""), "PGDATABASE": str(db["NAME"])}


@pytest.fixture
def scratch_databases(pg_env: dict[str, str]) -> Iterator[list[str]]:
    """Names of databases a test creates; dropped afterwards whatever happened."""
    names: list[str] = []
    yield names
    with psycopg.connect(dbname="postgres", host=pg_env["PGHOST"], port=pg_env["PGPORT"],
                         user=pg_env["PGUSER"], password=pg_env["PGPASSWORD"],
                         autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(script), *args],  # noqa: S603, S607 (our own scripts)
                          capture_output=True, text=True, env=env, check=False, timeout=120)


def execute(env: dict[str, str], database: str, *statements: str) -> None:
    with psycopg.connect(dbname=database, host=env["PGHOST"], port=env["PGPORT"],
                         user=env["PGUSER"], password=env["PGPASSWORD"], autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.encode())


def count(env: dict[str, str], database: str, table: str) -> int:
    with psycopg.connect(dbname=database, host=env["PGHOST"], port=env["PGPORT"],
                         user=env["PGUSER"], password=env["PGPASSWORD"]) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 (fixed names)
    assert row is not None
    return int(row[0])


def one_backup(tmp_path: Path, env: dict[str, str]) -> Path:
    media = tmp_path / "media"
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "contract.pdf").write_bytes(b"%PDF-1.7 labour contract")
    result = run(BACKUP, "--once", env={**env, "BACKUP_DIR": str(tmp_path / "backups"),
                                        "MEDIA_DIR": str(media)})
    assert result.returncode == 0, result.stdout + result.stderr
    [dump] = (tmp_path / "backups").glob("disputes-*.dump")
    return dump


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_a_new_database_with_its_cases_and_evidence(
        world: World, tmp_path: Path, pg_env: dict[str, str],
        scratch_databases: list[str]) -> None:
    world.case_in(Status.MEDIATION_FAILED)
    connection.close()  # the dump sees what is committed; nothing is held open
    dump = one_backup(tmp_path, pg_env)
    base = dump.with_suffix("")
    assert {p.name for p in dump.parent.iterdir()} == {
        dump.name, f"{base.name}.media.tar.gz", f"{base.name}.sha256"}

    target = f"{pg_env['PGDATABASE']}_drill"
    scratch_databases.append(target)
    restored_media = tmp_path / "restored-media"
    result = run(RESTORE, "--target-db", target, "--media-dir", str(restored_media), str(dump),
                 env=pg_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restored:" in result.stdout and "1 cases" in result.stdout
    assert count(pg_env, target, "disputes_dispute") == Dispute.objects.count() == 1
    assert count(pg_env, target, "disputes_disputeevent") == DisputeEvent.objects.count()
    assert (restored_media / "evidence" / "2026" / "contract.pdf").read_bytes() == (
        b"%PDF-1.7 labour contract")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_backup_is_refused_before_anything_is_created(
        world: World, tmp_path: Path, pg_env: dict[str, str],
        scratch_databases: list[str]) -> None:
    connection.close()
    dump = one_backup(tmp_path, pg_env)
    with dump.open("r+b") as damaged:
        damaged.seek(-8, os.SEEK_END)
        damaged.write(b"XXXXXXXX")
    target = f"{pg_env['PGDATABASE']}_damaged"
    scratch_databases.append(target)
    result = run(RESTORE, "--target-db", target, str(dump), env=pg_env)
    assert result.returncode != 0
    assert "checksum mismatch" in result.stderr
    with psycopg.connect(dbname="postgres", host=pg_env["PGHOST"], port=pg_env["PGPORT"],
                         user=pg_env["PGUSER"], password=pg_env["PGPASSWORD"]) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             [target]).fetchone() is None


@pytest.mark.postgres
def test_replace_swaps_the_restored_database_in_and_keeps_the_old_one(
        tmp_path: Path, pg_env: dict[str, str], scratch_databases: list[str]) -> None:
    """On two databases of its own (the test database stays untouched): `live` holds one
    row more than its backup; after --replace `live` is the backup again and the previous
    one is kept under another name."""
    live = f"{pg_env['PGDATABASE']}_replace"
    scratch_databases.append(live)
    admin: Any
    with psycopg.connect(dbname="postgres", host=pg_env["PGHOST"], port=pg_env["PGPORT"],
                         user=pg_env["PGUSER"], password=pg_env["PGPASSWORD"],
                         autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{live}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{live}"')
    env = {**pg_env, "PGDATABASE": live}
    statements = ["CREATE TABLE django_migrations (id serial, app text, name text)",
                  "INSERT INTO django_migrations (app, name) VALUES ('disputes', '0001_initial')",
                  "CREATE TABLE disputes_dispute (id serial)",
                  "CREATE TABLE disputes_disputeevent (id serial)",
                  "INSERT INTO disputes_dispute DEFAULT VALUES"]
    execute(env, live, *statements)
    result = run(BACKUP, "--once", env={**env, "BACKUP_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    [dump] = tmp_path.glob("disputes-*.dump")
    execute(env, live, "INSERT INTO disputes_dispute DEFAULT VALUES")
    assert count(env, live, "disputes_dispute") == 2

    result = run(RESTORE, "--target-db", f"{live}_incoming", "--replace", str(dump), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(dbname="postgres", host=pg_env["PGHOST"], port=pg_env["PGPORT"],
                         user=pg_env["PGUSER"], password=pg_env["PGPASSWORD"]) as admin:
        names = [row[0] for row in admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{live}%"])]
    scratch_databases.extend(name for name in names if name != live)
    [before] = [name for name in names if name.startswith(f"{live}_before_")]
    assert sorted(names) == sorted([live, before])
    assert count(env, live, "disputes_dispute") == 1  # the backup's
    assert count(env, before, "disputes_dispute") == 2  # what was there, kept


@pytest.mark.postgres
@pytest.mark.django_db
def test_old_sets_go_after_the_retention_but_the_newest_always_stay(
        tmp_path: Path, pg_env: dict[str, str]) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    ages = {"20260101T023000": 60, "20260201T023000": 40, "20260301T023000": 30,
            "20261120T023000": 5}
    for stamp, days in ages.items():
        for suffix in (".dump", ".sha256"):
            path = backups / f"disputes-{stamp}{suffix}"
            path.write_text("old")
            then = time.time() - days * 86400
            os.utime(path, (then, then))
    result = run(BACKUP, "--once", env={**pg_env, "BACKUP_DIR": str(backups),
                                        "BACKUP_KEEP_DAYS": "14", "BACKUP_KEEP_MIN": "3"})
    assert result.returncode == 0, result.stdout + result.stderr
    dumps = sorted(p.name for p in backups.glob("disputes-*.dump"))
    # Kept: the new one, the 5-day-old one (within 14 days) and, as the third newest, the
    # 30-day-old one; the two oldest went, with their checksums.
    assert len(dumps) == 3
    assert dumps[:2] == ["disputes-20260301T023000.dump", "disputes-20261120T023000.dump"]
    assert not list(backups.glob("disputes-202601*")) and not list(backups.glob("disputes-202602*"))


def test_a_nonsense_schedule_is_refused(tmp_path: Path) -> None:
    result = run(BACKUP, "--once", env={**os.environ, "BACKUP_DIR": str(tmp_path),
                                        "BACKUP_AT": "2:30am"})
    assert result.returncode != 0
    assert "BACKUP_AT=2:30am is not a time of day" in result.stderr
