"""Indicator test helpers: ratings as fixture rows, and the summaries read back as cells."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from indicators import ratings as rating_sources
from indicators.fold import RatingRow
from indicators.models import IndicatorCount


@dataclass
class FixtureRatings:
    """A rating source of the test's own rows (the `RatingSource` interface)."""

    rows: list[RatingRow] = field(default_factory=list)

    def add(self, dispute_id: int, score: int, rated_at: dt.datetime) -> RatingRow:
        row = RatingRow(len(self.rows) + 1, dispute_id, score, rated_at)
        self.rows.append(row)
        return row

    def after(self, last_id: int, limit: int) -> list[RatingRow]:
        return sorted((r for r in self.rows if r.id > last_id), key=lambda r: r.id)[:limit]

    def with_ids(self, ids: Collection[int]) -> list[RatingRow]:
        return [r for r in self.rows if r.id in set(ids)]

    def given_between(self, start: dt.datetime, end: dt.datetime) -> list[RatingRow]:
        return [r for r in self.rows if start <= r.rated_at < end]

    def up_to(self, last_id: int) -> list[RatingRow]:
        return [r for r in self.rows if r.id <= last_id]

    def max_id(self) -> int:
        return max((r.id for r in self.rows), default=0)


@pytest.fixture
def ratings() -> Iterator[FixtureRatings]:
    source = FixtureRatings()
    rating_sources.use_source(source)
    yield source
    rating_sources.use_source(None)


def summary_cells(grain: str = "f") -> tuple[Counter[tuple[Any, ...]], dict[tuple[Any, ...], Decimal]]:
    """The summary rows of one grain as (counts, amounts) by cell; no zero cells."""
    counts: Counter[tuple[Any, ...]] = Counter()
    amounts: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    for row in IndicatorCount.objects.filter(grain=grain):
        cell = (row.measure, row.month, row.district_id, row.organization_id, row.street_id,
                row.tier, row.dispute_type, row.is_collective, row.is_new_employment_form,
                row.is_migrant_wage)
        if row.n:
            counts[cell] += row.n
        if row.amount:
            amounts[cell] += Decimal(row.amount)
    return counts, {cell: a for cell, a in amounts.items() if a}
