"""Fixtures of the deployment tests: the Redis requirement (fails under REQUIRE_REDIS=1)
and a fresh readiness state per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from channels.layers import channel_layers

from backend.health import migration_state


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if url:
        return url
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail("REQUIRE_REDIS=1 but REDIS_URL is not set: this test must run on Redis.")
    pytest.skip("needs Redis (set REDIS_URL); CI requires it")


@pytest.fixture(autouse=True)
def fresh_readiness() -> Iterator[None]:
    """The process remembers that its migrations are applied; each test starts unsure, and
    with a channel layer built from its own settings."""
    migration_state.forget()
    channel_layers.backends.clear()
    yield
    migration_state.forget()
    channel_layers.backends.clear()
