"""/healthz and /readyz: what a load balancer, Docker and Kubernetes ask a web process."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import OperationalError
from django.test import Client

from backend import health

IN_MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def redis_layer(url: str) -> dict[str, Any]:
    return {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                        "CONFIG": {"hosts": [{"address": url, "socket_timeout": None}]}}}


def closed_port() -> int:
    """A port nothing listens on: bound for a moment and released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_healthz_answers_without_touching_the_database() -> None:
    # No database access is allowed in this test: a query would raise.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "no-cache" in response["Cache-Control"]


def test_probes_answer_any_host_over_plain_http_in_production(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["ldzc.example.gov.cn"]
    settings.SECURE_SSL_REDIRECT = True
    pod = Client(HTTP_HOST="10.42.0.17:8000")
    assert pod.get("/healthz").status_code == 200
    # Anything else from that Host is refused, and the public host is sent to HTTPS.
    assert pod.get("/").status_code == 400
    assert Client(HTTP_HOST="ldzc.example.gov.cn").get("/").status_code == 301


@pytest.mark.django_db
def test_readyz_is_ready_with_the_database_migrated_and_no_redis(settings: Any) -> None:
    settings.CHANNEL_LAYERS = IN_MEMORY_LAYER
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ready", "checks": {
        "database": "ok", "migrations": "ok", "channel_layer": "not_configured"}}


@pytest.mark.django_db
def test_readyz_says_which_migrations_are_missing(settings: Any) -> None:
    settings.CHANNEL_LAYERS = IN_MEMORY_LAYER
    last = MigrationRecorder.Migration.objects.filter(app="disputes").order_by("-id").first()
    assert last is not None
    last.delete()  # as if the migration job had not run yet (rolled back after the test)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable", "reason": "migrations_pending",
        "checks": {"database": "ok", "migrations": "migrations_pending"},
        "detail": "1 migration(s) not applied"}


@pytest.mark.django_db
def test_readyz_remembers_migrations_once_they_were_all_applied(
        settings: Any, django_assert_num_queries: Any) -> None:
    settings.CHANNEL_LAYERS = IN_MEMORY_LAYER
    assert Client().get("/readyz").status_code == 200
    with django_assert_num_queries(1):  # SELECT 1; the migration graph is not read again
        assert Client().get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_is_not(
        settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CHANNEL_LAYERS = IN_MEMORY_LAYER

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection refused (secret-host:5432)")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database_unreachable",
                               "checks": {"database": "database_unreachable"}}
    assert b"secret-host" not in response.content


@pytest.mark.django_db
def test_readyz_is_unavailable_when_redis_is_not(settings: Any) -> None:
    settings.CHANNEL_LAYERS = redis_layer(f"redis://127.0.0.1:{closed_port()}/0")
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable", "reason": "channel_layer_unreachable",
        "checks": {"database": "ok", "migrations": "ok",
                   "channel_layer": "channel_layer_unreachable"}}


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_is_ready_when_redis_answers(settings: Any, redis_url: str) -> None:
    settings.CHANNEL_LAYERS = redis_layer(redis_url)
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["channel_layer"] == "ok"


def test_a_sentinel_layer_is_checked_through_its_sentinels() -> None:
    client = health.redis_client({"sentinels": [("10.0.0.5", 26379), ("10.0.0.6", 26379)],
                                  "master_name": "disputes", "socket_timeout": None})
    pool = client.connection_pool
    assert pool.service_name == "disputes"  # type: ignore[attr-defined]
    sentinels = pool.sentinel_manager.sentinels  # type: ignore[attr-defined]
    assert [s.connection_pool.connection_kwargs["host"] for s in sentinels] == [
        "10.0.0.5", "10.0.0.6"]
    # The probe's own short timeout, not the layer's unlimited one.
    assert pool.connection_kwargs["socket_timeout"] == health.REDIS_TIMEOUT_SECONDS
