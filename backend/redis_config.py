"""The channel layer's Redis hosts from the environment: one Redis by URL, or a master
followed through Redis Sentinel.

- `REDIS_URL=redis://[:password@]host:port/db`: one Redis (or a managed Redis with one
  stable endpoint).
- `REDIS_SENTINELS=host1:26379,host2:26379,host3:26379` with `REDIS_SENTINEL_MASTER`
  (the name the sentinels monitor, default `mymaster`): the layer asks the sentinels for
  the current master and follows a failover. `REDIS_DB` (default 0), `REDIS_PASSWORD`
  (the master's) and `REDIS_SENTINEL_PASSWORD` (the sentinels' own, if they require one)
  complete it. When both are set, the sentinels win: a URL cannot follow a failover.

Redis Cluster is not supported by channels-redis (`group_send` runs multi-key scripts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured


def parse_sentinels(raw: list[str]) -> list[tuple[str, int]]:
    """`["host:26379", "[::1]:26380"]` → `[("host", 26379), ("::1", 26380)]`."""
    sentinels = []
    for item in raw:
        host, sep, port = item.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ImproperlyConfigured(
                f"REDIS_SENTINELS: {item!r} is not host:port (e.g. redis-sentinel-0:26379).")
        sentinels.append((host.strip("[]"), int(port)))
    return sentinels


def channel_layer_hosts(env: Mapping[str, str], sentinels: list[str]) -> list[dict[str, Any]]:
    """The `hosts` of channels-redis's layer; empty when no Redis is configured (the
    in-memory layer is used then). redis-py 8 times out idle reads unless
    `socket_timeout` is None, so every entry sets it."""
    if sentinels:
        host: dict[str, Any] = {
            "sentinels": parse_sentinels(sentinels),
            "master_name": env.get("REDIS_SENTINEL_MASTER") or "mymaster",
            "socket_timeout": None,
        }
        db = env.get("REDIS_DB") or "0"
        if not db.isdigit():
            raise ImproperlyConfigured(f"REDIS_DB={db!r} is not a database number.")
        host["db"] = int(db)
        if env.get("REDIS_PASSWORD"):
            host["password"] = env["REDIS_PASSWORD"]
        if env.get("REDIS_SENTINEL_PASSWORD"):
            host["sentinel_kwargs"] = {"password": env["REDIS_SENTINEL_PASSWORD"]}
        return [host]
    url = env.get("REDIS_URL") or ""
    if url:
        return [{"address": url, "socket_timeout": None}]
    return []
