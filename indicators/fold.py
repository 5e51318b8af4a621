"""Which counts one event adds: the rules behind every maintained figure.

`apply_event` reads one event of a case, in sequence order, with what the case's earlier
events left in its `CaseTrack`, and adds its counts to a `Tally`. It reads no database row
itself: what it needs beyond the event (the case's fixed dimensions, the amounts of the
claims accepted) comes from a `BatchContext` that the caller loads for a whole batch.

The rules, per event kind (the definitions in `indicators.definitions` are sums of these):
- submitted: a case received, on the receipt date, for its first organization.
- route_to_* / refer_to_pre_arbitration_mediation: a mediation received (tier and
  organization from the event).
- record_agreement / record_pre_arbitration_agreement / issue_mediation_statement: a
  mediation ended in agreement, on the signing date, for its tier and organization.
- record_failure / end_pre_arbitration_mediation: a mediation ended without agreement.
- apply_for_arbitration from a mediating state: the mediation in progress ended without
  agreement on the application date (Law art. 14: its window ran out); the services close
  that attempt as failed the same way. An arbitration application received.
- accept: an arbitration case accepted (amount: its claims as applied for, workers: the
  applicant workers at intake); the award clock starts (Law art. 43).
- amend_claims restarts the award clock (Rules art. 46); extend_award_deadline adds its
  days (Law art. 43); suspend / resume stop and restart it (Rules art. 47).
- a closing event (withdraw, terminate, issue_award, issue_mediation_statement,
  confirm_performance, record_pre_arbitration_agreement): a case closed by its manner;
  for an accepted case also an arbitration closure, placed on the closing date but never
  before the acceptance date (the services do not refuse an earlier closing date, and a
  case cannot leave the pending stock before it entered it), and whether the award clock
  was met on time, read by the same clock engine as the case page.
- withdraw from a mediation: the attempt is abandoned, neither agreement nor failure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from disputes.clocks import ClockState, Pause, read_clock
from disputes.models import MEDIATING, DisputeEvent, Outcome, Tier
from indicators import measures as m
from indicators.measures import Key, month_of
from indicators.models import CaseTrack

ROUTES = {"route_to_enterprise", "route_to_street", "route_to_union"}
CLOSING = {
    "confirm_performance": Outcome.PERFORMED,
    "record_pre_arbitration_agreement": Outcome.PRE_ARBITRATION_MEDIATED,
    "issue_mediation_statement": Outcome.MEDIATION_STATEMENT,
    "issue_award": Outcome.AWARD,
    "withdraw": Outcome.WITHDRAWN,
    "terminate": Outcome.OTHER,
}
AGREEMENTS = {"record_agreement", "record_pre_arbitration_agreement", "issue_mediation_statement"}
FAILURES = {"record_failure", "end_pre_arbitration_mediation"}


class OutOfSequence(RuntimeError):
    """An event arrived before an earlier event of the same case: the log has a hole, or
    the summaries were written by something else. `recompute_indicators` rebuilds them."""


@dataclass
class Tally:
    """Counts and amounts added by a batch of events, by key."""

    counts: dict[Key, list[Any]] = field(default_factory=lambda: defaultdict(lambda: [0, Decimal(0)]))

    def add(self, key: Key, n: int = 1, amount: Decimal | None = None) -> None:
        cell = self.counts[key]
        cell[0] += n
        if amount:
            cell[1] += amount

    def __len__(self) -> int:
        return len(self.counts)


@dataclass(frozen=True)
class CaseFacts:
    """A case's dimensions, fixed at intake (no service changes them afterwards)."""

    district_id: int
    street_id: int
    dispute_type: str
    is_collective: bool
    is_new_employment_form: bool
    is_migrant_wage: bool


@dataclass
class BatchContext:
    """Rows a batch of events needs besides the events: the facts of cases without a track
    yet, and the amount claimed in the application of each case accepted in the batch."""

    facts: Mapping[int, CaseFacts] = field(default_factory=dict)
    accepted_amounts: Mapping[int, Decimal] = field(default_factory=dict)


def new_track(dispute_id: int, facts: CaseFacts) -> CaseTrack:
    return CaseTrack(
        dispute_id=dispute_id, district_id=facts.district_id, street_id=facts.street_id,
        dispute_type=facts.dispute_type, is_collective=facts.is_collective,
        is_new_employment_form=facts.is_new_employment_form,
        is_migrant_wage=facts.is_migrant_wage, pauses=[],
    )


def _key(track: CaseTrack, measure: str, day: dt.date, organization_id: int,
         tier: str = "") -> Key:
    return Key(
        measure=measure, month=month_of(day), district_id=track.district_id,
        organization_id=organization_id, street_id=track.street_id, tier=tier,
        dispute_type=track.dispute_type, is_collective=track.is_collective,
        is_new_employment_form=track.is_new_employment_form,
        is_migrant_wage=track.is_migrant_wage,
    )


def _amount(payload: dict[str, Any], name: str) -> Decimal:
    raw = payload.get(name)
    return Decimal(str(raw)) if raw not in (None, "") else Decimal(0)


def _date(raw: Any, default: dt.date) -> dt.date:
    return dt.date.fromisoformat(raw) if isinstance(raw, str) and raw else default


def award_clock_met_on_time(track: CaseTrack, closed_on: dt.date) -> bool:
    """Law art. 43 as the case page reads it (disputes.selectors.dispute_clocks): from the
    acceptance or the last restart, extended once, suspensions since the start not counted."""
    started = track.award_clock_started_on or track.accepted_on
    assert started is not None
    pauses = [Pause(dt.date.fromisoformat(begin), dt.date.fromisoformat(end))
              for begin, end in track.pauses if dt.date.fromisoformat(begin) >= started]
    reading = read_clock("award", started, today=closed_on, met_on=closed_on, pauses=pauses,
                         extension_days=track.extension_days)
    return reading.state == ClockState.MET_ON_TIME


def apply_event(track: CaseTrack, event: DisputeEvent, context: BatchContext,
                tally: Tally) -> None:
    if event.seq <= track.last_seq:
        return  # counted already (a gap found again after a retried pass, say)
    if event.seq != track.last_seq + 1:
        raise OutOfSequence(f"dispute {event.dispute_id}: event #{event.seq} after "
                            f"#{track.last_seq}")
    track.last_seq = event.seq
    kind, day, payload = event.kind, event.occurred_on, event.payload or {}

    if kind == "submitted":
        track.workers = int(payload.get("workers") or 0)
        track.organization_id = int(payload.get("organization") or 0)
        tally.add(_key(track, m.CASES_RECEIVED, day, track.organization_id))
    elif kind in ROUTES or kind == "refer_to_pre_arbitration_mediation":
        organization = int(payload["organization"])
        tier = str(payload.get("tier") or Tier.PRE_ARBITRATION)
        track.mediation_organization_id, track.mediation_tier = organization, tier
        track.organization_id = organization
        tally.add(_key(track, m.MEDIATION_RECEIVED, day, organization, tier))
    elif kind == "record_agreement" or kind in FAILURES:
        measure = m.MEDIATION_AGREED if kind == "record_agreement" else m.MEDIATION_FAILED
        tally.add(_key(track, measure, day, int(payload["organization"]), str(payload["tier"])),
                  amount=_amount(payload, "total_amount"))
        track.mediation_organization_id, track.mediation_tier = 0, ""
    elif kind == "apply_for_arbitration":
        if event.from_state in MEDIATING and track.mediation_tier:
            tally.add(_key(track, m.MEDIATION_FAILED, day, track.mediation_organization_id,
                           track.mediation_tier))
        track.mediation_organization_id, track.mediation_tier = 0, ""
        track.commission_id = track.organization_id = int(payload["commission"])
        tally.add(_key(track, m.ARBITRATION_RECEIVED, day, track.commission_id))
    elif kind == "refuse":
        tally.add(_key(track, m.ARBITRATION_REFUSED, day, track.commission_id))
    elif kind == "accept":
        track.accepted_on = track.award_clock_started_on = day
        amount = context.accepted_amounts.get(event.dispute_id, Decimal(0))
        tally.add(_key(track, m.ARBITRATION_ACCEPTED, day, track.commission_id), amount=amount)
        if track.workers:
            tally.add(_key(track, m.ARBITRATION_ACCEPTED_WORKERS, day, track.commission_id),
                      n=track.workers)
            tally.add(_key(track, m.ARBITRATION_ACCEPTED_BY_WORKERS, day, track.commission_id))
    elif kind == "amend_claims":
        track.award_clock_started_on = _date(payload.get("award_clock_restarted_on"), day)
    elif kind == "extend_award_deadline":
        track.extension_days = int(payload.get("days") or 0)
    elif kind == "suspend":
        track.suspended_on = day
    elif kind == "resume":
        if track.suspended_on is not None:
            track.pauses = [*track.pauses, [track.suspended_on.isoformat(), day.isoformat()]]
        track.suspended_on = None

    if kind in CLOSING:
        _close(track, event, CLOSING[kind], tally)


def _close(track: CaseTrack, event: DisputeEvent, outcome: str, tally: Tally) -> None:
    day, payload = event.occurred_on, event.payload or {}
    if event.kind in ("record_pre_arbitration_agreement", "issue_mediation_statement"):
        tier = Tier.PRE_ARBITRATION if outcome == Outcome.PRE_ARBITRATION_MEDIATED else Tier.ARBITRAL
        tally.add(_key(track, m.MEDIATION_AGREED, day, int(payload["organization"]), tier),
                  amount=_amount(payload, "total_amount"))
    track.mediation_organization_id, track.mediation_tier = 0, ""
    track.closed_on = day
    tally.add(_key(track, m.CASES_CLOSED[outcome], day, track.organization_id))
    if track.accepted_on is None:
        return
    if track.suspended_on is not None:
        # Closing a suspended case ends its suspension on the closing date (the services do
        # the same to the Suspension row).
        track.pauses = [*track.pauses, [track.suspended_on.isoformat(), day.isoformat()]]
        track.suspended_on = None
    placed = max(day, track.accepted_on)
    tally.add(_key(track, m.ARBITRATION_CLOSED[outcome], placed, track.commission_id))
    if award_clock_met_on_time(track, day):
        tally.add(_key(track, m.ARBITRATION_CLOSED_ON_TIME, placed, track.commission_id))
    result = str(payload.get("result") or "")
    if outcome == Outcome.AWARD and result in m.ARBITRATION_AWARD_RESULT:
        tally.add(_key(track, m.ARBITRATION_AWARD_RESULT[result], placed, track.commission_id))


@dataclass(frozen=True)
class RatingRow:
    """One party's rating, as the satisfaction figures read it (`indicators.ratings`)."""

    id: int
    dispute_id: int
    score: int
    rated_at: dt.datetime


@dataclass(frozen=True)
class ClosedCase:
    """What a rating needs of its case: its facts, who closed it and when that was recorded."""

    facts: CaseFacts
    organization_id: int
    closure_recorded_at: dt.datetime | None


def apply_rating(rating: RatingRow, case: ClosedCase, rated_on: dt.date, tally: Tally) -> None:
    """A rating counts when its case's closure was recorded before it was given."""
    if case.closure_recorded_at is None or rating.rated_at <= case.closure_recorded_at:
        return
    if rating.score not in m.SATISFACTION_SCORE:
        return
    facts = case.facts
    tally.add(Key(
        measure=m.SATISFACTION_SCORE[rating.score], month=month_of(rated_on),
        district_id=facts.district_id, organization_id=case.organization_id,
        street_id=facts.street_id, dispute_type=facts.dispute_type,
        is_collective=facts.is_collective, is_new_employment_form=facts.is_new_employment_form,
        is_migrant_wage=facts.is_migrant_wage,
    ))


def fold_case(track: CaseTrack, events: Iterable[DisputeEvent], context: BatchContext,
              tally: Tally) -> CaseTrack:
    for event in events:
        apply_event(track, event, context, tally)
    return track
