"""The supervision dashboard's content: targets beside figures, monthly trends, rankings,
early warnings, the monthly table. Read from the summaries in a fixed number of queries
(tests/indicators/test_pages.py asserts the count), so it stays fast at any size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from disputes.clocks import UnknownPeriodError, period
from disputes.models import OPEN_STATES, Dispute
from indicators.charts import Bar, Point, ranking_chart, trend_chart
from indicators.definitions import Definition
from indicators.figures import Figure, Filters, Period, breakdown
from indicators.report import MonthlyTable, monthly_table
from mediation.models import Organization, Street
from mediation.selectors import StreetCoverage, service_circle_coverage

TREND_MONTHS = 12


@dataclass
class Card:
    definition: Definition
    current: Figure  # the year to date
    rolling: Figure  # the last INDICATORS_ROLLING_MONTHS months
    trend: list[Figure]
    chart: SafeString


@dataclass
class RankedRow:
    label: str
    figure: Figure


@dataclass
class Ranking:
    definition: Definition
    by: str
    rows: list[RankedRow]
    chart: SafeString


@dataclass
class EarlyWarning:
    kind: str  # "below_target" or "overdue"
    text: str


@dataclass
class OverdueGroup:
    organization: str
    clock: str
    cases: int
    oldest_due: dt.date


@dataclass
class Dashboard:
    today: dt.date
    year: Period
    rolling: Period
    trend_period: Period
    cards: list[Card]
    rankings: list[Ranking]
    warnings: list[EarlyWarning]
    overdue: list[OverdueGroup]
    table: MonthlyTable
    coverage: list[StreetCoverage] = field(default_factory=list)


def _ranked(figures: list[Figure], names: dict[Any, str]) -> list[RankedRow]:
    rows = [RankedRow(names.get(f.group, str(f.group)), f) for f in figures if f.denominator > 0]
    rows.sort(key=lambda r: (r.figure.rate is None, -(r.figure.rate or Decimal(0)), r.label))
    return rows


def _percent_of(figure: Figure) -> str:
    return f"{figure.rate}%" if figure.rate is not None else "—"


def overdue_clocks(filters: Filters, today: dt.date) -> list[OverdueGroup]:
    """Open cases whose earliest staff deadline (Dispute.next_due_on) has passed."""
    scope = Q(district_id__in=filters.districts) | Q(organization_id__in=filters.organizations)
    if filters.organization is not None:
        scope &= Q(organization_id=filters.organization)
    rows = (Dispute.objects.filter(scope, status__in=OPEN_STATES, next_due_on__lt=today)
            .values("organization__name", "next_due_clock")
            .annotate(cases=Count("pk"), oldest=Min("next_due_on"))
            .order_by("oldest"))
    return [OverdueGroup(r["organization__name"], r["next_due_clock"], r["cases"], r["oldest"])
            for r in rows]


def build_dashboard(definitions: list[Definition], filters: Filters, today: dt.date,
                    *, with_coverage: bool = True) -> Dashboard:
    year = Period(today.replace(month=1, day=1), today.replace(day=1))
    rolling = Period.last_months(settings.INDICATORS_ROLLING_MONTHS, today)
    trend_period = Period.last_months(TREND_MONTHS, today)

    current = breakdown(definitions, year, filters, by=None)
    recent = breakdown(definitions, rolling, filters, by=None)
    trend = breakdown(definitions, trend_period, filters, by="month")
    by_org = breakdown(definitions, year, filters, by="organization")
    by_org_recent = breakdown(definitions, rolling, filters, by="organization")
    by_street = breakdown(definitions, year, filters, by="street")

    org_ids = {f.group for rows in (*by_org.values(), *by_org_recent.values()) for f in rows}
    street_ids = {f.group for rows in by_street.values() for f in rows}
    org_names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    street_names: dict[Any, str] = dict(
        Street.objects.filter(pk__in=street_ids).values_list("pk", "name"))
    street_names[0] = _("未登记街道")

    cards, rankings, warnings = [], [], []
    for d in definitions:
        points = [Point(f"{f.group:%m}", f.rate) for f in trend[d.ref]]
        cards.append(Card(d, current[d.ref][0], recent[d.ref][0], trend[d.ref],
                          trend_chart(points, d.target, title=f"{d.name} · {trend_period}")))
        for by, rows, names in (("organization", by_org, org_names),
                                ("street", by_street, street_names)):
            ranked = _ranked(rows[d.ref], names)
            if ranked:
                bars = [Bar(r.label, r.figure.rate, f"{r.figure.numerator}/{r.figure.denominator}")
                        for r in ranked]
                rankings.append(Ranking(d, by, ranked, ranking_chart(bars, d.target,
                                                                     title=d.name)))
        figure = recent[d.ref][0]
        if figure.meets_target is False:
            warnings.append(EarlyWarning("below_target", _(
                "近 %(months)s 个月%(name)s为 %(rate)s，低于目标 %(target)s%%") % {
                "months": settings.INDICATORS_ROLLING_MONTHS, "name": d.name,
                "rate": _percent_of(figure), "target": d.target}))
        for f in by_org_recent[d.ref]:
            if f.meets_target is False:
                warnings.append(EarlyWarning("below_target", _(
                    "%(organization)s：近 %(months)s 个月%(name)s为 %(rate)s（%(numerator)s/"
                    "%(denominator)s），低于目标 %(target)s%%") % {
                    "organization": org_names.get(f.group, f.group),
                    "months": settings.INDICATORS_ROLLING_MONTHS, "name": d.name,
                    "rate": _percent_of(f), "numerator": f.numerator,
                    "denominator": f.denominator, "target": d.target}))
    overdue = overdue_clocks(filters, today)
    for group in overdue:
        warnings.append(EarlyWarning("overdue", _(
            "%(organization)s：%(cases)s 件案件已超过%(clock)s期限（最早 %(oldest)s 到期）") % {
            "organization": group.organization, "cases": group.cases,
            "clock": clock_label(group.clock), "oldest": group.oldest_due}))
    coverage = service_circle_coverage(filters.districts) if with_coverage else []
    return Dashboard(today=today, year=year, rolling=rolling, trend_period=trend_period,
                     cards=cards, rankings=rankings, warnings=warnings, overdue=overdue,
                     table=monthly_table(year, filters), coverage=coverage)


def clock_label(code: str) -> str:
    try:
        spec = period(code)
    except UnknownPeriodError:
        return code
    return spec.name_en if (get_language() or "zh-hans").startswith("en") else spec.name_zh
