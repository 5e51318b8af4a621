"""Where the satisfaction figures read the parties' ratings from.

The summaries need four things of a rating: its id (for the watermark), its case, its
score (1-5) and when it was given. `ModelRatings` reads them from
`satisfaction.SatisfactionRating` (one rating per party and case, only on a closed case);
any other source with the same four can stand in (tests use rows of their own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Protocol

from django.apps import apps
from django.db import models
from django.db.models import QuerySet

from indicators.fold import RatingRow


class RatingSource(Protocol):
    def after(self, last_id: int, limit: int) -> list[RatingRow]:
        """Ratings with an id above `last_id`, in id order."""

    def with_ids(self, ids: Collection[int]) -> list[RatingRow]: ...

    def given_between(self, start: dt.datetime, end: dt.datetime) -> list[RatingRow]:
        """Ratings given at or after `start` and before `end`."""

    def up_to(self, last_id: int) -> list[RatingRow]:
        """Every rating with an id at or below `last_id`."""

    def max_id(self) -> int: ...


class NoRatings:
    """No rating model is installed: satisfaction has no ratings to count."""

    def after(self, last_id: int, limit: int) -> list[RatingRow]:
        return []

    def with_ids(self, ids: Collection[int]) -> list[RatingRow]:
        return []

    def given_between(self, start: dt.datetime, end: dt.datetime) -> list[RatingRow]:
        return []

    def up_to(self, last_id: int) -> list[RatingRow]:
        return []

    def max_id(self) -> int:
        return 0


class ModelRatings:
    """`satisfaction.SatisfactionRating`: dispute, party, score 1-5, comment, rated_at."""

    FIELDS = ("pk", "dispute_id", "score", "rated_at")

    def _ratings(self) -> QuerySet[models.Model]:
        return apps.get_model("satisfaction", "SatisfactionRating")._default_manager.all()

    def _rows(self, queryset: QuerySet[models.Model]) -> list[RatingRow]:
        return [RatingRow(*row) for row in queryset.values_list(*self.FIELDS)]

    def after(self, last_id: int, limit: int) -> list[RatingRow]:
        return self._rows(self._ratings().filter(pk__gt=last_id).order_by("pk")[:limit])

    def with_ids(self, ids: Collection[int]) -> list[RatingRow]:
        return self._rows(self._ratings().filter(pk__in=list(ids)))

    def given_between(self, start: dt.datetime, end: dt.datetime) -> list[RatingRow]:
        return self._rows(self._ratings().filter(rated_at__gte=start, rated_at__lt=end)
                          .order_by("pk"))

    def up_to(self, last_id: int) -> list[RatingRow]:
        return self._rows(self._ratings().filter(pk__lte=last_id).order_by("pk"))

    def max_id(self) -> int:
        last = self._ratings().order_by("-pk").values_list("pk", flat=True).first()
        return int(last or 0)


_override: RatingSource | None = None


def rating_source() -> RatingSource:
    if _override is not None:
        return _override
    if apps.is_installed("satisfaction"):
        return ModelRatings()
    return NoRatings()


def use_source(source: RatingSource | None) -> None:
    """Read ratings from `source` instead (None: the installed model again)."""
    global _override
    _override = source
