"""In-memory copies of the law tables, reloaded when a row changes.

Clocks of thousands of cases are computed per screen, so the tables are read once into
plain Python structures. A save or delete of a law row invalidates the copies that
depend on its table (`invalidate_on_change`, wired in `LawConfig.ready`); other processes
do not hear that signal, so every copy also expires after `MAX_AGE_SECONDS` and reloads
then.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

# How stale a copy may get in a process that did not make the change itself.
MAX_AGE_SECONDS = 300.0

_caches_by_table: defaultdict[str, list[TableCache[Any]]] = defaultdict(list)


class TableCache(Generic[T]):
    """A value built from law tables by `load`, kept until one of `tables` changes."""

    def __init__(
        self,
        load: Callable[[], T],
        *,
        tables: tuple[str, ...],
        max_age: float = MAX_AGE_SECONDS,
    ) -> None:
        self._load = load
        self._max_age = max_age
        self._lock = threading.Lock()
        self._value: T | None = None
        self._loaded_at = 0.0
        self._pinned = False
        for table in tables:
            _caches_by_table[table.lower()].append(self)

    def get(self) -> T:
        value = self._value
        if value is not None and (
            self._pinned or time.monotonic() - self._loaded_at < self._max_age
        ):
            return value
        with self._lock:
            if self._value is None or (
                not self._pinned and time.monotonic() - self._loaded_at >= self._max_age
            ):
                self._value = self._load()
                self._loaded_at = time.monotonic()
            return self._value

    def invalidate(self) -> None:
        with self._lock:
            self._value = None
            self._pinned = False

    def pin(self, value: T) -> None:
        """Use `value` until invalidated, without reading the database (benchmarks)."""
        with self._lock:
            self._value = value
            self._loaded_at = time.monotonic()
            self._pinned = True


def invalidate_table(label: str) -> None:
    """Drop every copy built from `label` ("law.calendarday"), now and after commit.

    Now, so the changing transaction reads its own rows; after commit, so a copy that
    another thread loaded in between from the old rows does not survive.
    """
    caches = list(_caches_by_table.get(label.lower(), ()))
    for cache in caches:
        cache.invalidate()

    def _again() -> None:
        for cache in caches:
            cache.invalidate()

    transaction.on_commit(_again)


def table_changed(sender: type[models.Model], **kwargs: Any) -> None:
    """A save or delete of a row drops the in-memory copies built from its table."""
    invalidate_table(sender._meta.label_lower)


def invalidate_on_change(*tables: type[models.Model]) -> None:
    """Wire a save or delete of any row of these models to `table_changed` (from an
    AppConfig.ready)."""
    for model in tables:
        uid = f"table-cache-{model._meta.label_lower}"
        post_save.connect(table_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(table_changed, sender=model, dispatch_uid=uid)


def invalidate_all() -> None:
    for caches in list(_caches_by_table.values()):
        for cache in caches:
            cache.invalidate()
