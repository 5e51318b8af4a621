"""Fixtures of the deployment tests: a fresh readiness state per test (the Redis
requirement, `redis_url`, is suite-wide in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from channels.layers import channel_layers

from backend.health import migration_state


@pytest.fixture(autouse=True)
def fresh_readiness() -> Iterator[None]:
    """The process remembers that its migrations are applied; each test starts unsure, and
    with a channel layer built from its own settings."""
    migration_state.forget()
    channel_layers.backends.clear()
    yield
    migration_state.forget()
    channel_layers.backends.clear()
