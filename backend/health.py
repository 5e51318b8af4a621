"""Liveness and readiness for load balancers, container engines and Kubernetes.

`/healthz` says the process answers; it does no I/O, so a slow database never gets a web
process restarted. `/readyz` says this process can serve a request now: the database
answers, every migration of this code is applied, and the Redis channel layer (when one is
configured) answers a PING. Otherwise 503 with the first failing check as `reason`; the
exception itself goes to the log only (it may name hosts and users).

`probe_middleware` answers both paths before any other middleware: a probe comes from the
orchestrator with the pod's address as Host (not in ALLOWED_HOSTS) over plain HTTP (which
SECURE_SSL_REDIRECT would redirect). The URL patterns below name the same views, so the
paths resolve like any other URL of the app.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import redis
import redis.sentinel
from channels.layers import get_channel_layer
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)

HEALTHZ = "/healthz"
READYZ = "/readyz"
# A probe must answer within the orchestrator's timeout (k8s: timeoutSeconds).
REDIS_TIMEOUT_SECONDS = 2.0

OK = "ok"
NOT_CONFIGURED = "not_configured"
# Reasons of a 503, in the order the checks run.
DATABASE_UNREACHABLE = "database_unreachable"
MIGRATIONS_PENDING = "migrations_pending"
CHANNEL_LAYER_UNREACHABLE = "channel_layer_unreachable"


class ProbeFailed(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class MigrationState:
    """Once a process has seen every migration of its own code applied it stops asking:
    its code cannot change under it, and loading the migration graph on every probe
    would cost more than the probe itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.all_applied = False

    def forget(self) -> None:
        with self._lock:
            self.all_applied = False

    def pending(self) -> list[str]:
        if self.all_applied:
            return []
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        names = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
        if not names:
            with self._lock:
                self.all_applied = True
        return names


migration_state = MigrationState()


def check_database() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver or pool error means the same thing here
        log.warning("readiness: database unreachable: %r", exc)
        raise ProbeFailed(DATABASE_UNREACHABLE) from exc
    return OK


def check_migrations() -> str:
    try:
        pending = migration_state.pending()
    except Exception as exc:
        log.warning("readiness: cannot read the migration state: %r", exc)
        raise ProbeFailed(DATABASE_UNREACHABLE) from exc
    if pending:
        raise ProbeFailed(MIGRATIONS_PENDING, f"{len(pending)} migration(s) not applied")
    return OK


def redis_client(host: dict[str, Any]) -> redis.Redis:
    """A synchronous client for one entry of channels-redis's `hosts` (its three forms:
    {"address": url, ...}, {"sentinels": [...], "master_name": ...}, or connection keywords),
    with short timeouts whatever the layer itself uses."""
    options = {key: value for key, value in host.items()
               if key not in {"address", "sentinels", "master_name", "sentinel_kwargs"}}
    options.update(socket_timeout=REDIS_TIMEOUT_SECONDS,
                   socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
    if "address" in host:
        return redis.Redis.from_url(host["address"], **options)
    if "master_name" in host:
        sentinel_options = dict(host.get("sentinel_kwargs") or {})
        sentinel_options.setdefault("socket_timeout", REDIS_TIMEOUT_SECONDS)
        sentinel_options.setdefault("socket_connect_timeout", REDIS_TIMEOUT_SECONDS)
        sentinel = redis.sentinel.Sentinel(host["sentinels"], sentinel_kwargs=sentinel_options,
                                           **options)
        return sentinel.master_for(host["master_name"])
    return redis.Redis(**options)


def check_channel_layer() -> str:
    """Each Redis host of the layer answers PING; the in-memory layer needs nothing."""
    hosts = getattr(get_channel_layer(), "hosts", None)
    if not hosts:
        return NOT_CONFIGURED
    for host in hosts:
        client = redis_client(dict(host))
        try:
            client.ping()
        except Exception as exc:
            log.warning("readiness: channel layer unreachable: %r", exc)
            raise ProbeFailed(CHANNEL_LAYER_UNREACHABLE) from exc
        finally:
            client.close()
    return OK


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("database", check_database),
    ("migrations", check_migrations),
    ("channel_layer", check_channel_layer),
]


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "alive"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, str] = {}
    for name, check in CHECKS:
        try:
            checks[name] = check()
        except ProbeFailed as failed:
            checks[name] = failed.reason
            body: dict[str, object] = {"status": "unavailable", "reason": failed.reason,
                                       "checks": checks}
            if failed.detail:
                body["detail"] = failed.detail
            return JsonResponse(body, status=503)
    return JsonResponse({"status": "ready", "checks": checks})


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {HEALTHZ: healthz, READYZ: readyz}


def probe_middleware(get_response: Callable[[HttpRequest], HttpResponse],
                     ) -> Callable[[HttpRequest], HttpResponse]:
    """First in MIDDLEWARE: probes skip the Host check, the HTTPS redirect and sessions."""

    def middleware(request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return get_response(request)

    return middleware


urlpatterns = [
    path(HEALTHZ.lstrip("/"), healthz, name="healthz"),
    path(READYZ.lstrip("/"), readyz, name="readyz"),
]
