"""Production settings: `manage.py check --deploy` is silent with DEBUG off, both with the
bare minimum and with the settings of deploy/ (compose and the Kubernetes ConfigMap)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tests.deploy.files import ROOT, named, yaml_documents

MINIMUM = {"DEBUG": "0", "ALLOWED_HOSTS": "ldzc.example.gov.cn"}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Nothing of the test run's own settings leaks in, except where the code is.
    keep = {key: value for key, value in os.environ.items()
            if key in {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(  # noqa: S603 (this interpreter, manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
        check=False, timeout=120,
        env={**keep, "DJANGO_SETTINGS_MODULE": "backend.settings",
             "DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": secrets.token_urlsafe(50),
             **env})


def compose_app_settings() -> dict[str, str]:
    [compose] = yaml_documents(ROOT / "deploy" / "compose.yaml")
    return {key: str(value) for key, value in compose["services"]["web"]["environment"].items()}


@pytest.mark.parametrize("production", [
    pytest.param(MINIMUM, id="minimum"),
    pytest.param({**MINIMUM, **compose_app_settings()}, id="compose"),
    pytest.param(named("ConfigMap", "disputes-config")["data"], id="kubernetes"),
])
def test_check_deploy_gives_no_warning(production: dict[str, str]) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_site_without_tls_is_told_what_it_gives_up() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **MINIMUM,
                    SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_a_nonsense_proxy_header_stops_the_start() -> None:
    result = manage("check", **MINIMUM, SECURE_PROXY_SSL_HEADER="X Forwarded Proto")
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER='X Forwarded Proto' is not a header name" in result.stderr


def test_the_proxy_header_names_the_request_meta_key() -> None:
    result = manage("shell", "-c", "from django.conf import settings; "
                    "print(settings.SECURE_PROXY_SSL_HEADER)",
                    **MINIMUM, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
