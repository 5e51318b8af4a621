"""Wage tables as the rules read them: minimum wages by date, average wages by year.

Tables are kept where they are issued (a city's minimum wage, a province's average
wage); a district reaches them through its parent regions. Read once into memory and
reloaded when a row changes (`disputes.law.cache`).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from disputes.law.cache import TableCache
from disputes.law.models import AverageWage, MinimumWage, Region


@dataclass(frozen=True, slots=True)
class MinimumWageRow:
    region_code: str
    region_name: str
    category: str
    monthly_amount: Decimal
    effective_from: dt.date
    basis: str


@dataclass(frozen=True, slots=True)
class AverageWageRow:
    region_code: str
    region_name: str
    year: int
    annual_amount: Decimal
    basis: str


@dataclass(frozen=True)
class WageTables:
    """Regions with their parents, and the wage rows issued for each region."""

    parents: dict[str, str | None]
    minimum_wages: dict[str, list[MinimumWageRow]]  # each sorted by effective_from
    average_wages: dict[str, dict[int, AverageWageRow]]

    def lineage(self, region_code: str) -> list[str]:
        """The region and the ones above it, nearest first."""
        codes: list[str] = []
        code: str | None = region_code
        while code is not None and code not in codes:
            codes.append(code)
            code = self.parents.get(code)
        return codes


def _load_wage_tables() -> WageTables:
    regions = {
        code: (name, parent)
        for code, name, parent in Region.objects.values_list("code", "name", "parent__code")
    }
    minimum: dict[str, list[MinimumWageRow]] = {}
    for row in MinimumWage.objects.values(
        "region__code", "category", "monthly_amount", "effective_from", "basis"
    ).order_by("effective_from"):
        code = row["region__code"]
        minimum.setdefault(code, []).append(
            MinimumWageRow(
                region_code=code,
                region_name=regions[code][0],
                category=row["category"],
                monthly_amount=row["monthly_amount"],
                effective_from=row["effective_from"],
                basis=row["basis"],
            )
        )
    average: dict[str, dict[int, AverageWageRow]] = {}
    for code, year, amount, basis in AverageWage.objects.values_list(
        "region__code", "year", "annual_amount", "basis"
    ):
        average.setdefault(code, {})[year] = AverageWageRow(
            region_code=code,
            region_name=regions[code][0],
            year=year,
            annual_amount=amount,
            basis=basis,
        )
    return WageTables(
        parents={code: parent for code, (_, parent) in regions.items()},
        minimum_wages=minimum,
        average_wages=average,
    )


wage_cache: TableCache[WageTables] = TableCache(
    _load_wage_tables, tables=("law.region", "law.minimumwage", "law.averagewage")
)


def _region(region_code: str | None) -> str:
    # The deployment's district (settings.DISTRICT_CODE, e.g. 420112 东西湖区) finds the
    # city's and the province's tables through its parents.
    return region_code or settings.DISTRICT_CODE


def minimum_wage_on(day: dt.date, region_code: str | None = None) -> MinimumWageRow | None:
    """The monthly minimum wage in force on `day` for the region, or None if none is on file."""
    tables = wage_cache.get()
    for code in tables.lineage(_region(region_code)):
        rows = tables.minimum_wages.get(code)
        if not rows:
            continue
        i = bisect_right([row.effective_from for row in rows], day)
        return rows[i - 1] if i else None
    return None


def average_wage_for(year: int, region_code: str | None = None) -> AverageWageRow | None:
    """The average annual wage for `year`, or the latest earlier year on file, or None."""
    tables = wage_cache.get()
    for code in tables.lineage(_region(region_code)):
        rows = tables.average_wages.get(code)
        if not rows:
            continue
        years = [y for y in rows if y <= year]
        return rows[max(years)] if years else None
    return None
