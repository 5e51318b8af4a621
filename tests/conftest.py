"""Suite-wide fixtures. Personas and case builders live in tests/personas.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

if TYPE_CHECKING:
    from tests.world import World


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql")
    require_postgres = os.environ.get("REQUIRE_POSTGRES") == "1"
    if on_postgres:
        return
    if require_postgres:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but the suite is not running on PostgreSQL.")
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in CI, where it is required)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def redis_url() -> str:
    """The Redis of the suite; a test that needs it fails under REQUIRE_REDIS=1 without it."""
    url = os.environ.get("REDIS_URL", "")
    if url:
        return url
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail("REQUIRE_REDIS=1 but REDIS_URL is not set: this test must run on Redis.")
    pytest.skip("needs Redis (set REDIS_URL); CI requires it")


@pytest.fixture
def world(db: None) -> World:
    from tests.world import build_world

    return build_world()



@pytest.fixture(autouse=True)
def fresh_law_tables() -> None:
    """The law tables' in-memory copies outlive a test's rollback: start each test afresh."""
    from disputes.law.cache import invalidate_all

    invalidate_all()


@pytest.fixture(autouse=True)
def chinese_first() -> None:
    """A request that asked for English (Accept-Language) leaves English active in the
    thread after it: every test starts in the site's language, whatever ran before."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2's cost is for production; tests create many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_as(world: World) -> Callable[[str | None], APIClient]:
    """An API client signed in as one of the world's personas (tests/frontend has its own,
    for pages)."""

    def make(persona: str | None) -> APIClient:
        client = APIClient()
        if persona is not None:
            # A fresh user object, as in a real request: no memberships cached on it.
            client.force_authenticate(get_user_model().objects.get(pk=world.users[persona].pk))
        return client

    return make
