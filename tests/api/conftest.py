"""API test helpers: evidence files in a temporary folder (`client_as`, a client logged in
as one of the world's personas, is suite-wide in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def evidence_storage(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
