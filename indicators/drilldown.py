"""From any number to the cases it counts: the same definitions, read from the case rows.

The summaries are folded from the event log (`indicators.fold`); these queries read the
rows the services keep beside it (mediation attempts, arbitration records, case outcomes,
claims, parties, ratings) and apply the same rules. The two must agree on every count and
amount, which `tests/indicators` checks after random histories: each side is the other's
proof.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from disputes.clocks import ClockState
from disputes.models import (
    Award,
    Dispute,
    DisputeEvent,
    MediationAttempt,
    Party,
    Status,
    Tier,
)
from disputes.selectors import dispute_clocks, with_clock_data
from indicators import measures as m
from indicators.definitions import Definition, Part
from indicators.figures import Filters, Period
from indicators.maintenance import application_amounts, closed_cases
from indicators.ratings import rating_source


def _day(value: dt.date | None) -> dt.date:
    assert value is not None  # every query below filters on the date it reads
    return value


@dataclass(frozen=True)
class Counted:
    """One thing a number counts: a case, the date that placed it, and for whom."""

    dispute_id: int
    measure: str
    on: dt.date
    organization_id: int
    tier: str = ""
    n: int = 1
    amount: Decimal = Decimal(0)
    ref: int | None = None  # the attempt, rating ... counted, when not the case itself


def _case_q(filters: Filters, prefix: str = "") -> Q:
    """The case's own dimensions (street, type, flags); scope and organization are checked
    on the organization each measure counts for (`_in_scope`)."""
    q = Q()
    if filters.street is not None:
        q &= Q(**{f"{prefix}street_id": filters.street})
    if filters.dispute_type is not None:
        q &= Q(**{f"{prefix}dispute_type": filters.dispute_type})
    for flag in m.FLAGS:
        value = getattr(filters, flag)
        if value is not None:
            q &= Q(**{f"{prefix}{flag}": value})
    return q


def _in_scope(filters: Filters, district_id: int, organization_id: int, tier: str = "") -> bool:
    if not (district_id in filters.districts or organization_id in filters.organizations):
        return False
    if filters.organization is not None and organization_id != filters.organization:
        return False
    return filters.tier is None or tier == filters.tier


def _between(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _keep(items: Iterable[tuple[Counted, int]], filters: Filters) -> list[Counted]:
    return [c for c, district in items if _in_scope(filters, district, c.organization_id, c.tier)]


# -- one function per family of measures --------------------------------------------------------

def cases_received(period: Period, filters: Filters) -> list[Counted]:
    rows = DisputeEvent.objects.filter(
        _between("occurred_on", period), _case_q(filters, "dispute__"), kind="submitted",
    ).values_list("dispute_id", "occurred_on", "payload", "dispute__district_id")
    return _keep(((Counted(pk, m.CASES_RECEIVED, on, int(payload.get("organization") or 0)),
                   district) for pk, on, payload, district in rows), filters)


def cases_closed(outcome: str, period: Period, filters: Filters) -> list[Counted]:
    rows = Dispute.objects.filter(_between("closed_on", period), _case_q(filters),
                                  status=Status.CLOSED, outcome=outcome,
                                  ).values_list("pk", "closed_on", "organization_id", "district_id")
    return _keep(((Counted(pk, m.CASES_CLOSED[outcome], on, org), district)
                  for pk, on, org, district in rows), filters)


def mediations(measure: str, period: Period, filters: Filters) -> list[Counted]:
    attempts = MediationAttempt.objects.filter(_case_q(filters, "dispute__"))
    if measure == m.MEDIATION_RECEIVED:
        attempts = attempts.filter(_between("received_on", period)).exclude(tier=Tier.ARBITRAL)
        date_field = "received_on"
    else:
        result = (MediationAttempt.Result.AGREEMENT if measure == m.MEDIATION_AGREED
                  else MediationAttempt.Result.FAILURE)
        attempts = attempts.filter(_between("ended_on", period), result=result)
        date_field = "ended_on"
    rows = attempts.values_list("pk", "dispute_id", date_field, "organization_id", "tier",
                                "agreement__total_amount", "dispute__district_id")
    return _keep(((Counted(pk_dispute, measure, on, org, tier,
                           amount=(amount or Decimal(0)) if measure == m.MEDIATION_AGREED
                           else Decimal(0), ref=pk), district)
                  for pk, pk_dispute, on, org, tier, amount, district in rows), filters)


def _records(filters: Filters) -> QuerySet[Dispute]:
    return Dispute.objects.filter(_case_q(filters), arbitration__isnull=False)


def arbitration_received(period: Period, filters: Filters) -> list[Counted]:
    rows = _records(filters).filter(_between("arbitration__applied_on", period)).values_list(
        "pk", "arbitration__applied_on", "arbitration__commission_id", "district_id")
    return _keep(((Counted(pk, m.ARBITRATION_RECEIVED, on, org), district)
                  for pk, on, org, district in rows), filters)


def arbitration_refused(period: Period, filters: Filters) -> list[Counted]:
    rows = _records(filters).filter(_between("closed_on", period),
                                    status=Status.NOT_ACCEPTED).values_list(
        "pk", "closed_on", "arbitration__commission_id", "district_id")
    return _keep(((Counted(pk, m.ARBITRATION_REFUSED, _day(on), org), district)
                  for pk, on, org, district in rows), filters)


def _applicant_workers(dispute_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for dispute_id in Party.objects.filter(
            dispute_id__in=dispute_ids, side=Party.Side.APPLICANT, kind=Party.Kind.WORKER,
    ).values_list("dispute_id", flat=True):
        counts[dispute_id] = counts.get(dispute_id, 0) + 1
    return counts


def arbitration_accepted(measure: str, period: Period, filters: Filters) -> list[Counted]:
    rows = list(_records(filters).filter(_between("arbitration__accepted_on", period)).values_list(
        "pk", "arbitration__accepted_on", "arbitration__commission_id", "district_id"))
    ids = [pk for pk, *_ in rows]
    if measure == m.ARBITRATION_ACCEPTED:
        amounts = application_amounts(ids)
        items = [(Counted(pk, measure, _day(on), org, amount=amounts.get(pk, Decimal(0))),
                   district)
                 for pk, on, org, district in rows]
    else:
        workers = _applicant_workers(ids)
        items = [(Counted(pk, measure, _day(on), org,
                          n=workers[pk] if measure == m.ARBITRATION_ACCEPTED_WORKERS else 1),
                  district)
                 for pk, on, org, district in rows if workers.get(pk)]
    return _keep(items, filters)


# The case, the date that placed it, the commission, the district (of `_closed_arbitration`).
PLACED_FIELDS = ("pk", "placed_on", "arbitration__commission_id", "district_id")


def _closed_arbitration(filters: Filters) -> QuerySet[Dispute]:
    """Accepted cases that are closed, with the date that places them: the closing date, or
    the acceptance date when the closing date recorded is earlier."""
    return _records(filters).filter(
        status=Status.CLOSED, arbitration__accepted_on__isnull=False,
    ).annotate(placed_on=Greatest(F("closed_on"), F("arbitration__accepted_on")))


def arbitration_closed(outcome: str, period: Period, filters: Filters) -> list[Counted]:
    rows = _closed_arbitration(filters).filter(_between("placed_on", period), outcome=outcome
                                               ).values_list(*PLACED_FIELDS)
    return _keep(((Counted(pk, m.ARBITRATION_CLOSED[outcome], on, org), district)
                  for pk, on, org, district in rows), filters)


def arbitration_closed_on_time(period: Period, filters: Filters) -> list[Counted]:
    """Closed accepted cases whose award clock, as the case page reads it, was met on time."""
    cases = with_clock_data(_closed_arbitration(filters).filter(_between("placed_on", period)))
    items = []
    for case in cases:
        award = [r for r in dispute_clocks(case, today=case.closed_on) if r.code == "award"]
        if award and award[0].state == ClockState.MET_ON_TIME:
            items.append((Counted(case.pk, m.ARBITRATION_CLOSED_ON_TIME, case.placed_on,  # type: ignore[attr-defined]
                                  case.arbitration.commission_id), case.district_id))
    return _keep(items, filters)


def award_results(result: str, period: Period, filters: Filters) -> list[Counted]:
    finals = Award.objects.filter(kind=Award.Kind.FINAL, result=result).values("record__dispute_id")
    rows = _closed_arbitration(filters).filter(
        _between("placed_on", period), outcome="award", pk__in=finals,
    ).values_list(*PLACED_FIELDS)
    return _keep(((Counted(pk, m.ARBITRATION_AWARD_RESULT[result], on, org), district)
                  for pk, on, org, district in rows), filters)


def ratings(score: int, period: Period, filters: Filters) -> list[Counted]:
    """Ratings of `score` given in the period (local dates) after their case's closure."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(period.end, dt.time.min, tzinfo=zone)
    given = [r for r in rating_source().given_between(start, end) if r.score == score]
    cases = closed_cases({r.dispute_id for r in given})
    matching = set(Dispute.objects.filter(_case_q(filters), pk__in=list(cases))
                   .values_list("pk", flat=True))
    items = []
    for rating in given:
        case = cases.get(rating.dispute_id)
        if case is None or rating.dispute_id not in matching:
            continue
        if case.closure_recorded_at is None or rating.rated_at <= case.closure_recorded_at:
            continue
        items.append((Counted(rating.dispute_id, m.SATISFACTION_SCORE[score],
                              timezone.localtime(rating.rated_at).date(), case.organization_id,
                              ref=rating.id), case.facts.district_id))
    return _keep(items, filters)


def pending_at(day: dt.date, filters: Filters) -> list[Counted]:
    """Arbitration cases pending at the start of `day`: accepted before it and not closed
    before it (placed as the closures are)."""
    rows = _records(filters).filter(arbitration__accepted_on__lt=day).annotate(
        placed_on=Greatest(F("closed_on"), F("arbitration__accepted_on")),
    ).filter(
        Q(status__in=[s for s in Status if s not in (Status.CLOSED, Status.NOT_ACCEPTED)])
        | Q(status=Status.CLOSED, placed_on__gte=day)
    ).values_list("pk", "arbitration__accepted_on", "arbitration__commission_id", "district_id")
    return _keep(((Counted(pk, "arbitration.pending", _day(on), org), district)
                  for pk, on, org, district in rows), filters)


def measure_items(measure: str, period: Period, filters: Filters) -> list[Counted]:
    """Every item the summaries count for `measure` in the period."""
    if measure == m.CASES_RECEIVED:
        return cases_received(period, filters)
    for outcome, name in m.CASES_CLOSED.items():
        if measure == name:
            return cases_closed(outcome, period, filters)
    if measure in (m.MEDIATION_RECEIVED, m.MEDIATION_AGREED, m.MEDIATION_FAILED):
        return mediations(measure, period, filters)
    if measure == m.ARBITRATION_RECEIVED:
        return arbitration_received(period, filters)
    if measure == m.ARBITRATION_REFUSED:
        return arbitration_refused(period, filters)
    if measure in (m.ARBITRATION_ACCEPTED, m.ARBITRATION_ACCEPTED_WORKERS,
                   m.ARBITRATION_ACCEPTED_BY_WORKERS):
        return arbitration_accepted(measure, period, filters)
    for outcome, name in m.ARBITRATION_CLOSED.items():
        if measure == name:
            return arbitration_closed(outcome, period, filters)
    if measure == m.ARBITRATION_CLOSED_ON_TIME:
        return arbitration_closed_on_time(period, filters)
    for result, name in m.ARBITRATION_AWARD_RESULT.items():
        if measure == name:
            return award_results(result, period, filters)
    for score, name in m.SATISFACTION_SCORE.items():
        if measure == name:
            return ratings(score, period, filters)
    raise KeyError(measure)


ALL_MEASURES = (
    m.CASES_RECEIVED, *m.CASES_CLOSED.values(), m.MEDIATION_RECEIVED, m.MEDIATION_AGREED,
    m.MEDIATION_FAILED, m.ARBITRATION_RECEIVED, m.ARBITRATION_REFUSED, m.ARBITRATION_ACCEPTED,
    m.ARBITRATION_ACCEPTED_WORKERS, m.ARBITRATION_ACCEPTED_BY_WORKERS,
    *m.ARBITRATION_CLOSED.values(), m.ARBITRATION_CLOSED_ON_TIME,
    *m.ARBITRATION_AWARD_RESULT.values(), *m.SATISFACTION_SCORE.values(),
)


def part_items(definition: Definition, part: Part, period: Period,
               filters: Filters) -> list[Counted]:
    """The items behind one part of a figure: what its number counts."""
    if part.opening_stock:
        return pending_at(period.start, filters)
    items: list[Counted] = []
    for term in part.terms:
        if term.sign < 0:
            continue
        found = measure_items(term.measure, period, filters)
        items.extend(i for i in found if not term.tier or i.tier == term.tier)
    items.sort(key=lambda i: (i.on, i.dispute_id))
    return items
