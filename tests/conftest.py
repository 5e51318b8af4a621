"""Suite-wide fixtures. Personas and case builders live in tests/personas.py."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

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
def world(db: None) -> World:
    from tests.world import build_world

    return build_world()



@pytest.fixture(autouse=True)
def fresh_law_tables() -> None:
    """The law tables' in-memory copies outlive a test's rollback: start each test afresh."""
    from disputes.law.cache import invalidate_all

    invalidate_all()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2's cost is for production; tests create many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
