"""A recount of every maintained figure from the raw event rows, written apart from
`indicators.fold` on purpose: it replays each case's whole history at once, straight from
DOMAIN.md's definitions, with none of the summaries' batching, watermarks or tracks. The
tests compare its answer with the summary rows cell by cell.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from disputes.clocks import ClockState, Pause, read_clock
from disputes.models import Claim, Dispute, DisputeEvent
from indicators.fold import RatingRow

Cell = tuple[Any, ...]  # (measure, month, district, organization, street, tier, type, c, n, w)

OUTCOME = {"confirm_performance": "performed",
           "record_pre_arbitration_agreement": "pre_arbitration_mediated",
           "issue_mediation_statement": "mediation_statement", "issue_award": "award",
           "withdraw": "withdrawn", "terminate": "other"}
MEDIATING = {"enterprise_mediation": "enterprise", "street_mediation": "street",
             "union_mediation": "union"}


def recount(ratings: list[RatingRow]) -> tuple[Counter[Cell], dict[Cell, Decimal]]:
    """(counts, amounts) by cell, from every event and rating on file; no zero cells."""
    counts: Counter[Cell] = Counter()
    amounts: dict[Cell, Decimal] = defaultdict(Decimal)
    cases = {d.pk: d for d in Dispute.objects.all()}
    history: dict[int, list[DisputeEvent]] = defaultdict(list)
    for event in DisputeEvent.objects.order_by("dispute_id", "seq"):
        history[event.dispute_id].append(event)

    for pk, events in history.items():
        case = cases[pk]

        def add(measure: str, day: dt.date, org: int, tier: str = "", n: int = 1,
                amount: Decimal = Decimal(0), case: Dispute = case) -> None:
            cell = (measure, day.replace(day=1), case.district_id, org, case.street_id or 0,
                    tier, case.dispute_type, case.is_collective, case.is_new_employment_form,
                    case.is_migrant_wage)
            counts[cell] += n
            amounts[cell] += amount

        amended = {c for e in events if e.kind == "amend_claims" for c in e.payload["claims"]}
        claimed = sum((c.amount for c in Claim.objects.filter(dispute=case, is_counter_claim=False)
                       if c.amount is not None and c.pk not in amended), Decimal(0))
        workers = 0
        org = commission = 0
        mediating: tuple[int, str] | None = None
        accepted_on: dt.date | None = None
        clock_start: dt.date | None = None
        extension = 0
        suspensions: list[list[dt.date]] = []
        for e in events:
            p = e.payload
            if e.kind == "submitted":
                workers, org = p["workers"], p["organization"]
                add("cases.received", e.occurred_on, org)
            elif e.kind.startswith("route_to_") or e.kind == "refer_to_pre_arbitration_mediation":
                mediating = (p["organization"], p["tier"])
                org = p["organization"]
                add("mediation.received", e.occurred_on, *mediating)
            elif e.kind in ("record_agreement", "record_pre_arbitration_agreement",
                            "issue_mediation_statement"):
                add("mediation.agreed", e.occurred_on, p["organization"], p["tier"],
                    amount=Decimal(p["total_amount"]))
                mediating = None
            elif e.kind in ("record_failure", "end_pre_arbitration_mediation"):
                add("mediation.failed", e.occurred_on, p["organization"], p["tier"])
                mediating = None
            elif e.kind == "apply_for_arbitration":
                if e.from_state in MEDIATING:
                    assert mediating is not None and mediating[1] == MEDIATING[e.from_state]
                    add("mediation.failed", e.occurred_on, *mediating)
                mediating = None
                commission = org = p["commission"]
                add("arbitration.received", e.occurred_on, commission)
            elif e.kind == "refuse":
                add("arbitration.refused", e.occurred_on, commission)
            elif e.kind == "accept":
                accepted_on = clock_start = e.occurred_on
                add("arbitration.accepted", e.occurred_on, commission, amount=claimed)
                if workers:
                    add("arbitration.accepted.workers", e.occurred_on, commission, n=workers)
                    add("arbitration.accepted.by_workers", e.occurred_on, commission)
            elif e.kind == "amend_claims":
                clock_start = dt.date.fromisoformat(p["award_clock_restarted_on"])
            elif e.kind == "extend_award_deadline":
                extension = p["days"]
            elif e.kind == "suspend":
                suspensions.append([e.occurred_on])
            elif e.kind == "resume":
                suspensions[-1].append(e.occurred_on)
            if e.kind in OUTCOME:
                outcome = OUTCOME[e.kind]
                add(f"cases.closed.{outcome}", e.occurred_on, org)
                if accepted_on is None:
                    continue
                placed = max(e.occurred_on, accepted_on)
                add(f"arbitration.closed.{outcome}", placed, commission)
                assert clock_start is not None
                pauses = [Pause(s[0], s[1] if len(s) > 1 else e.occurred_on)
                          for s in suspensions if s[0] >= clock_start]
                reading = read_clock("award", clock_start, today=e.occurred_on,
                                     met_on=e.occurred_on, pauses=pauses,
                                     extension_days=extension)
                if reading.state == ClockState.MET_ON_TIME:
                    add("arbitration.closed.on_time", placed, commission)
                if outcome == "award" and p.get("result"):
                    add(f"arbitration.award.{p['result']}", placed, commission)

    closures = {e.dispute_id: e.recorded_at for e in DisputeEvent.objects.filter(
        to_state__in=["closed", "not_accepted"])}
    for rating in ratings:
        closed_at = closures.get(rating.dispute_id)
        if closed_at is None or rating.rated_at <= closed_at:
            continue
        case = cases[rating.dispute_id]
        cell = (f"satisfaction.score.{rating.score}",
                timezone.localtime(rating.rated_at).date().replace(day=1), case.district_id,
                case.organization_id, case.street_id or 0, "", case.dispute_type,
                case.is_collective, case.is_new_employment_form, case.is_migrant_wage)
        counts[cell] += 1
    return +counts, {cell: a for cell, a in amounts.items() if a}
