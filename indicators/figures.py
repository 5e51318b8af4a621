"""Read-side: figures from the maintained summaries, for any period and any dimensions.

Every function here is one or two queries on `IndicatorCount`, at the smallest grain that
keeps the dimensions asked for; nothing reads cases or events (the drill-down does:
`indicators.drilldown`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from indicators.definitions import Definition, Part, meets, percent
from indicators.measures import grain_for
from indicators.models import IndicatorCount


@dataclass(frozen=True)
class Period:
    """Whole months: from the first day of `first` to the last day of `last`."""

    first: dt.date  # first day of the first month
    last: dt.date  # first day of the last month

    def __post_init__(self) -> None:
        if self.first.day != 1 or self.last.day != 1 or self.last < self.first:
            raise ValueError("a period is whole months, first <= last")

    @property
    def start(self) -> dt.date:
        return self.first

    @property
    def end(self) -> dt.date:
        """The day after the period."""
        return add_months(self.last, 1)

    @property
    def months(self) -> list[dt.date]:
        result, month = [], self.first
        while month <= self.last:
            result.append(month)
            month = add_months(month, 1)
        return result

    @classmethod
    def month(cls, day: dt.date) -> Period:
        first = day.replace(day=1)
        return cls(first, first)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 1))

    @classmethod
    def last_months(cls, count: int, today: dt.date) -> Period:
        last = today.replace(day=1)
        return cls(add_months(last, -(count - 1)), last)

    def __str__(self) -> str:
        if self.first == self.last:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m}..{self.last:%Y-%m}"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Filters:
    """Which rows count. `districts` and `organizations` are the reader's scope (a row
    counts when it is in either); the rest narrow it."""

    districts: frozenset[int] = frozenset()
    organizations: frozenset[int] = frozenset()
    organization: int | None = None
    street: int | None = None
    tier: str | None = None
    dispute_type: str | None = None
    is_collective: bool | None = None
    is_new_employment_form: bool | None = None
    is_migrant_wage: bool | None = None

    @property
    def dimensions(self) -> set[str]:
        """The dimensions these filters need kept."""
        used = set()
        if self.organizations or self.organization is not None:
            used.add("organization")
        for name in ("street", "tier", "dispute_type", "is_collective",
                     "is_new_employment_form", "is_migrant_wage"):
            if getattr(self, name) is not None:
                used.add(name)
        return used

    def q(self) -> Q:
        scope = Q(district_id__in=self.districts) if self.districts else Q(pk__in=[])
        if self.organizations:
            scope |= Q(organization_id__in=self.organizations)
        condition = scope
        if self.organization is not None:
            condition &= Q(organization_id=self.organization)
        if self.street is not None:
            condition &= Q(street_id=self.street)
        if self.tier is not None:
            condition &= Q(tier=self.tier)
        if self.dispute_type is not None:
            condition &= Q(dispute_type=self.dispute_type)
        for flag in ("is_collective", "is_new_employment_form", "is_migrant_wage"):
            value = getattr(self, flag)
            if value is not None:
                condition &= Q(**{flag: value})
        return condition


GROUP_COLUMNS = {"month": "month", "organization": "organization_id", "street": "street_id",
                 "tier": "tier", "dispute_type": "dispute_type", "is_collective": "is_collective"}
BREAKDOWNS = ("month", "organization", "street", "tier", "dispute_type")


def measure_rows(measures: Iterable[str], filters: Filters, *, before: dt.date,
                 group_by: Sequence[str] = (), with_tier: bool = False,
                 since: dt.date | None = None,
                 by_month: bool = True) -> QuerySet[IndicatorCount, dict[str, Any]]:
    """Sums of n and amount by measure (and month unless `by_month` is false, and
    `group_by`), for months before `before` (and from `since`). A caller that only adds
    the months up asks without them: the database sums them, and returns a row per
    measure instead of one per measure and month (the opening stock spans every month
    on file, the dashboard's page read ten times the rows it needed)."""
    dims = filters.dimensions | {d for d in group_by if d != "month"}
    if with_tier:
        dims.add("tier")
    rows = IndicatorCount.objects.filter(filters.q(), grain=grain_for(dims),
                                         measure__in=sorted(set(measures)), month__lt=before)
    if since is not None:
        rows = rows.filter(month__gte=since)
    month = ["month"] if by_month or "month" in group_by else []
    columns = ["measure", *month, *(GROUP_COLUMNS[g] for g in group_by if g != "month")]
    if with_tier and "tier" not in group_by:
        columns.append("tier")
    return rows.values(*columns).annotate(total=Sum("n"), amount_total=Sum("amount")).order_by()


@dataclass
class PartValue:
    part: Part
    value: int

    @property
    def key(self) -> str:
        return self.part.key


@dataclass
class Figure:
    definition: Definition
    period: Period
    numerator: int = 0
    denominator: int = 0
    parts: list[PartValue] = field(default_factory=list)
    applicable: bool = True
    group: Any = None  # the month, organization id, ... of a breakdown row

    @property
    def rate(self) -> Decimal | None:
        return percent(self.numerator, self.denominator) if self.applicable else None

    @property
    def meets_target(self) -> bool | None:
        if not self.applicable:
            return None
        return meets(self.numerator, self.denominator, self.definition.target)

    def value(self, key: str) -> int:
        return next(p.value for p in self.parts if p.key == key)


def _term_total(part: Part, sums: dict[tuple[str, str], int], by_measure: dict[str, int]) -> int:
    total = 0
    for term in part.terms:
        if term.tier:
            total += term.sign * sums.get((term.measure, term.tier), 0)
        else:
            total += term.sign * by_measure.get(term.measure, 0)
    return total


def _by_measure(sums: dict[tuple[str, str], int]) -> dict[str, int]:
    """The sums over every tier, once per group (not once per term: the dashboard
    evaluates four definitions for each of ~40 groups on every read)."""
    totals: dict[str, int] = defaultdict(int)
    for (measure, _tier), value in sums.items():
        totals[measure] += value
    return totals


def _evaluate(definition: Definition, period: Period, flows: dict[tuple[str, str], int],
              stock: dict[tuple[str, str], int], group: Any = None) -> Figure:
    flow_totals, stock_totals = _by_measure(flows), _by_measure(stock)
    values = {part.key: (_term_total(part, stock, stock_totals) if part.opening_stock
                         else _term_total(part, flows, flow_totals))
              for part in definition.parts}
    return Figure(
        definition=definition, period=period,
        numerator=sum(values[p.key] for p in definition.numerator),
        denominator=sum(values[p.key] for p in definition.denominator),
        parts=[PartValue(p, values[p.key]) for p in definition.parts],
        group=group,
    )


def applicable(definition: Definition, filters: Filters, by: str | None = None) -> bool:
    asked = filters.dimensions - {"organization"} | ({by} if by and by != "month" else set())
    return asked <= definition.dimensions


def figures(definitions: Sequence[Definition], period: Period, filters: Filters) -> list[Figure]:
    """Each definition's figure for the period: one query for all of them."""
    return [rows[0] for rows in breakdown(definitions, period, filters, by=None).values()]


def breakdown(definitions: Sequence[Definition], period: Period, filters: Filters,
              by: str | None) -> dict[str, list[Figure]]:
    """Each definition's figures by month, organization, street, tier or dispute type (or
    one figure when `by` is None), keyed by the definition's ref."""
    usable = [d for d in definitions if applicable(d, filters, by)]
    result: dict[str, list[Figure]] = {
        d.ref: [Figure(d, period, applicable=False)] for d in definitions if d not in usable}
    if not usable:
        return result
    measures = frozenset().union(*(d.measures for d in usable))
    with_tier = any(d.needs_tier for d in usable)
    stock_measures = frozenset().union(
        *(p.measures for d in usable for p in d.parts if p.opening_stock))
    group = [by] if by else []
    # flows[group][(measure, tier)] in the period; stock[group][(measure, tier)] before it
    flows: dict[Any, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    before: dict[Any, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    by_month: dict[Any, dict[dt.date, dict[tuple[str, str], int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int)))
    column = GROUP_COLUMNS[by] if by and by != "month" else None

    def key_of(row: dict[str, Any]) -> tuple[str, str]:
        return row["measure"], row.get("tier", "") if with_tier else ""

    for row in measure_rows(measures, filters, before=period.end, group_by=group,
                            with_tier=with_tier, since=period.start, by_month=by == "month"):
        flows[row[column] if column else None][key_of(row)] += row["total"]
        if by == "month":
            by_month[None][row["month"]][key_of(row)] += row["total"]
    if stock_measures:
        for row in measure_rows(stock_measures, filters, before=period.start,
                                group_by=[g for g in group if g != "month"],
                                with_tier=with_tier, by_month=False):
            before[row[column] if column else None][key_of(row)] += row["total"]
    for definition in usable:
        if by == "month":
            result[definition.ref] = _monthly(definition, period, before[None], by_month[None])
            continue
        groups = sorted({*flows, *before}, key=lambda g: (g is None, str(g))) if by else [None]
        result[definition.ref] = [
            _evaluate(definition, period, flows[g], before[g], group=g) for g in groups
        ]
    return result


def _monthly(definition: Definition, period: Period, before: dict[tuple[str, str], int],
             months: dict[dt.date, dict[tuple[str, str], int]]) -> list[Figure]:
    """One figure per month; each month's opening stock is the running total up to it."""
    running: dict[tuple[str, str], int] = defaultdict(int, before)
    figures_ = []
    for month in period.months:
        flows = months.get(month, {})
        figures_.append(_evaluate(definition, Period.month(month), flows, dict(running),
                                  group=month))
        for key, value in flows.items():
            running[key] += value
    return figures_


def measure_totals(measures: Iterable[str], period: Period, filters: Filters,
                   *, group_by: Sequence[str] = ()) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    """(measure, *group values) -> (n, amount) within the period."""
    totals: dict[tuple[Any, ...], tuple[int, Decimal]] = {}
    for row in measure_rows(measures, filters, before=period.end, group_by=group_by,
                            since=period.start, by_month=False):
        key = (row["measure"], *(row[GROUP_COLUMNS[g]] for g in group_by))
        n, amount = totals.get(key, (0, Decimal(0)))
        totals[key] = (n + row["total"], amount + Decimal(row["amount_total"] or 0))
    return totals
