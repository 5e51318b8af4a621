"""Redis Sentinel from the environment: the settings build the layer's hosts from
REDIS_SENTINELS, and a real sentinel (redis-server --sentinel, on its own ports) leads the
channel layer and the readiness probe to the master it monitors."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from backend.redis_config import channel_layer_hosts, parse_sentinels

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(client: redis.Redis, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 15
    while True:  # waiting for a server to listen, not a timed assertion
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.05)


@pytest.fixture
def sentinel(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """A private master and one sentinel monitoring it as `disputes`: (master port, sentinel port)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but redis-server is not installed.")
        pytest.skip("needs the redis-server program")
    master_port, sentinel_port = free_port(), free_port()
    conf = tmp_path / "sentinel.conf"  # the sentinel rewrites its file: it must be its own
    conf.write_text(
        f"port {sentinel_port}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor disputes 127.0.0.1 {master_port} 1\n"
        "sentinel down-after-milliseconds disputes 5000\n")
    processes = [
        subprocess.Popen(  # noqa: S603 (the redis-server found on PATH)
            [binary, "--port", str(master_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen(  # noqa: S603
            [binary, str(conf), "--sentinel"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL),
    ]
    try:
        wait_for(redis.Redis(port=master_port, socket_connect_timeout=0.2), processes[0],
                 "the master")
        wait_for(redis.Redis(port=sentinel_port, socket_connect_timeout=0.2), processes[1],
                 "the sentinel")
        yield master_port, sentinel_port
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=10)


def test_sentinels_are_read_as_host_and_port() -> None:
    assert parse_sentinels(["redis-sentinel-0:26379", "[::1]:26380"]) == [
        ("redis-sentinel-0", 26379), ("::1", 26380)]
    with pytest.raises(ImproperlyConfigured, match="host:port"):
        parse_sentinels(["redis-sentinel-0"])


def test_the_sentinels_win_over_a_url_and_carry_db_and_passwords() -> None:
    hosts = channel_layer_hosts(
        {"REDIS_URL": "redis://127.0.0.1:6379/0", "REDIS_SENTINEL_MASTER": "disputes",
         "REDIS_DB": "3", "REDIS_PASSWORD": "m", "REDIS_SENTINEL_PASSWORD": "s"},
        ["a:26379", "b:26379"])
    assert hosts == [{"sentinels": [("a", 26379), ("b", 26379)], "master_name": "disputes",
                      "socket_timeout": None, "db": 3, "password": "m",
                      "sentinel_kwargs": {"password": "s"}}]
    assert channel_layer_hosts({"REDIS_URL": "redis://x:6379/2"}, []) == [
        {"address": "redis://x:6379/2", "socket_timeout": None}]
    assert channel_layer_hosts({}, []) == []
    with pytest.raises(ImproperlyConfigured, match="REDIS_DB"):
        channel_layer_hosts({"REDIS_DB": "one"}, ["a:26379"])


def test_the_settings_read_the_sentinels_from_the_environment() -> None:
    env = {**os.environ, "REDIS_SENTINELS": "10.0.0.5:26379,10.0.0.6:26379",
           "REDIS_SENTINEL_MASTER": "disputes", "REDIS_URL": "",
           "DJANGO_SETTINGS_MODULE": "backend.settings"}
    env.pop("RUN_WORKER_IN_PROCESS", None)
    out = subprocess.run(
        [sys.executable, "-c",
         "import json, django; django.setup(); from django.conf import settings as s; "
         "print(json.dumps([s.CHANNEL_LAYERS['default'], s.RUN_WORKER_IN_PROCESS]))"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    layer, in_process = json.loads(out)
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert layer["CONFIG"]["hosts"][0]["sentinels"] == [["10.0.0.5", 26379], ["10.0.0.6", 26379]]
    assert layer["CONFIG"]["hosts"][0]["master_name"] == "disputes"
    assert in_process is False  # with Redis the worker is its own process


@pytest.mark.django_db
def test_the_layer_and_the_probe_reach_the_master_through_a_real_sentinel(
        sentinel: tuple[int, int], settings: Any) -> None:
    master_port, sentinel_port = sentinel
    hosts = channel_layer_hosts({"REDIS_SENTINEL_MASTER": "disputes", "REDIS_DB": "5"},
                                [f"127.0.0.1:{sentinel_port}"])
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": hosts}}}
    channel_layers.backends.clear()
    try:
        layer = get_channel_layer()
        assert layer is not None
        name = async_to_sync(layer.new_channel)()
        async_to_sync(layer.send)(name, {"type": "case.event", "seq": 1})
        assert async_to_sync(layer.receive)(name) == {"type": "case.event", "seq": 1}
        # The message went through the master the sentinel named, in REDIS_DB.
        assert redis.Redis(port=master_port, db=5).info("commandstats").get("cmdstat_zadd")
        response = Client().get("/readyz")
        assert response.status_code == 200, response.content
        assert response.json()["checks"]["channel_layer"] == "ok"
    finally:
        channel_layers.backends.clear()
