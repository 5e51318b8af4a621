"""DB_PREPARE_THRESHOLD: a statement a connection has run that many times is prepared, so
PostgreSQL stops planning it; `off` keeps client-side binding and prepares nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.deploy.files import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_a_statement_run_often_is_prepared_and_keeps_its_answers() -> None:
    from disputes.models import Dispute

    marker = "prepared-statement-test"
    query = Dispute.objects.filter(tracking_number=marker).values_list("pk", flat=True)
    for _ in range(6):
        assert list(query.all()) == []  # a fresh evaluation each time
    assert any(marker not in sql and "tracking_number" in sql and "$1" in sql
               for sql in prepared()), prepared()


def options(**env: str) -> str:
    keep = {key: value for key, value in os.environ.items()
            if key in {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
         "print(o.get('server_side_binding'), o.get('prepare_threshold'))"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
        env={**keep, "DJANGO_SETTINGS_MODULE": "backend.settings", "SECRET_KEY": "x" * 50,
             "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/none", **env})
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(("setting", "expected"), [
    (None, "True 5"), ("12", "True 12"), ("off", "None None"), ("OFF", "None None"),
])
def test_the_threshold_is_read_from_the_environment(setting: str | None, expected: str) -> None:
    env = {} if setting is None else {"DB_PREPARE_THRESHOLD": setting}
    assert options(**env) == expected
