"""API test helpers: a client logged in as one of the world's personas."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

if TYPE_CHECKING:
    from tests.world import World


@pytest.fixture
def client_as(world: World) -> Callable[[str | None], APIClient]:
    def make(persona: str | None) -> APIClient:
        client = APIClient()
        if persona is not None:
            # A fresh user object, as in a real request: no memberships cached on it.
            client.force_authenticate(get_user_model().objects.get(pk=world.users[persona].pk))
        return client

    return make


@pytest.fixture(autouse=True)
def evidence_storage(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
