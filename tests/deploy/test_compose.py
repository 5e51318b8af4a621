"""deploy/compose.yaml, read as the compose tool reads it: services, order, and no secrets."""

from __future__ import annotations

import subprocess
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.deploy.files import DEPLOY, PLACEHOLDER, ROOT, env_file, yaml_documents

APP_SERVICES = ["migrate", "web", "worker"]
SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "_KEY", "DATABASE_URL", "REDIS_URL")


def compose() -> dict[str, Any]:
    [doc] = yaml_documents(DEPLOY / "compose.yaml")
    return doc


def services() -> dict[str, dict[str, Any]]:
    return dict(compose()["services"])


def is_secret_name(name: str) -> bool:
    return any(word in name.upper() for word in SECRET_WORDS)


def test_it_has_the_database_redis_migration_web_worker_nginx_and_backups() -> None:
    assert set(services()) == {"postgres", "redis", "migrate", "web", "worker", "nginx", "backup"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_app_services_run_the_runtime_image_of_deploy_dockerfile(name: str) -> None:
    build = services()[name]["build"]
    assert (DEPLOY / build["context"]).resolve() == ROOT
    assert build["dockerfile"] == "deploy/Dockerfile"
    assert build["target"] == "runtime"


def test_each_app_service_runs_its_own_command() -> None:
    s = services()
    assert s["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert s["worker"]["command"] == ["python", "manage.py", "run_worker"]
    assert "command" not in s["web"]  # the image's: daphne backend.asgi:application
    assert s["worker"]["stop_signal"] == "SIGTERM"


def test_web_and_worker_start_after_a_successful_migration() -> None:
    s = services()
    assert s["migrate"]["restart"] == "no"
    assert s["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert s[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert s[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert s["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_app_knows_it_sits_behind_one_proxy_that_sets_the_scheme() -> None:
    for name in APP_SERVICES:
        environment = services()[name]["environment"]
        assert environment["NUM_PROXIES"] == "1"
        assert environment["SECURE_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"
        assert environment["RUN_WORKER_IN_PROCESS"] == "0"


def test_only_nginx_is_reachable_from_outside() -> None:
    s = services()
    assert [name for name, service in s.items() if "ports" in service] == ["nginx"]
    assert compose()["networks"]["backend"]["internal"] is True
    for name in ("postgres", "redis", *APP_SERVICES):
        assert s[name]["networks"] == ["backend"]


def test_no_secret_value_is_written_in_the_compose_file() -> None:
    for name, service in services().items():
        for key, value in (service.get("environment") or {}).items():
            # A key file's path (TLS_CERTIFICATE_KEY) is fine; the key itself is mounted.
            if is_secret_name(key) and not str(value).startswith("/"):
                pytest.fail(f"{name}: {key}={value!r} belongs in an env file, not here")


def test_secrets_come_from_env_files_that_git_ignores() -> None:
    used = {path for service in services().values() for path in service.get("env_file", [])}
    assert used == {"disputes.env", "secrets.env", "postgres.env"}
    for path in sorted(used):
        assert (DEPLOY / f"{path}.example").is_file(), path
        ignored = subprocess.run(["git", "check-ignore", "-q", f"deploy/{path}"],  # noqa: S603, S607
                                 cwd=ROOT, check=False)
        assert ignored.returncode == 0, f"deploy/{path} is not ignored by git"
    # nginx and the database never see the app's secrets.
    assert services()["nginx"]["env_file"] == ["disputes.env"]
    assert services()["postgres"]["env_file"] == ["postgres.env"]
    assert services()["backup"]["env_file"] == ["postgres.env"]


@pytest.mark.parametrize("name", ["disputes.env.example", "secrets.env.example",
                                  "postgres.env.example"])
def test_the_example_env_files_hold_placeholders_only(name: str) -> None:
    for key, value in env_file(DEPLOY / name).items():
        if key.endswith("_URL"):
            password = urlparse(value).password
            assert password in (None, PLACEHOLDER), f"{name}: {key}"
        elif is_secret_name(key):
            assert value == PLACEHOLDER, f"{name}: {key}"


def test_the_settings_example_has_no_secrets_at_all() -> None:
    assert not [key for key in env_file(DEPLOY / "disputes.env.example") if is_secret_name(key)]


def test_backups_run_with_the_database_account_and_see_the_evidence_read_only() -> None:
    backup = services()["backup"]
    assert backup["entrypoint"] == ["/bin/sh", "/opt/backup/backup.sh"]
    assert backup["image"].split(":")[0] == services()["postgres"]["image"].split(":")[0]
    assert backup["image"] == services()["postgres"]["image"]  # pg_dump of the server's version
    assert "media:/media:ro" in backup["volumes"]
    assert "media:/var/lib/disputes/media" in services()["web"]["volumes"]
