"""One bench case: its parties and claims, then its path step by step, cut at today.

`CaseBase` holds the case's state and writes its rows and hash-chained events; the steps
themselves are in `mediation.py` and `arbitration.py`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from bench.histories.recipes import (
    PRE_TOKENS,
    PRE_WEIGHTS,
    RECIPE_TOKENS,
    RECIPE_WEIGHTS,
)
from bench.histories.rows import Ids, tracking_number
from bench.world import World
from disputes import calendar, clocks, demo
from disputes.events import event_hash
from disputes.lifecycle import SUBMITTED_EVENT
from disputes.models import DisputeEvent, MediationAttempt, Party
from disputes.models import Status as S

PENDING, AGREEMENT, FAILURE, ABANDONED = (r.value for r in (
    MediationAttempt.Result.PENDING, MediationAttempt.Result.AGREEMENT,
    MediationAttempt.Result.FAILURE, MediationAttempt.Result.ABANDONED))
ONE_DAY = dt.timedelta(days=1)


class Cut(Exception):
    """The next step would happen after today: the case stays open where it is."""



@dataclass
class Context:
    world: World
    rng: random.Random
    ids: Ids
    rows: dict[str, list[dict[str, Any]]]
    company_cum_weights: list[int]
    people: demo.People = field(init=False)
    tz: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        self.people = demo.People(self.rng)
        self.tz = ZoneInfo(settings.TIME_ZONE)


class CaseBase:
    """The state of one case and the writing of its rows; the steps are in the subclasses."""

    def __init__(self, context: Context, dispute_id: int) -> None:
        self.c = context
        self.w = context.world
        self.rng = context.rng
        self.id = dispute_id
        self.status: str = S.SUBMITTED
        # Set by `intake`: where the case was filed and by whom.
        self.org = self.street = 0
        self.requested: int | None = None
        self.online = False
        self.applicant_user: int | None = None
        self.submitted_by: int | None = None
        self.seq = 0
        self.last_hash = ""
        self.first_recorded: dt.datetime | None = None
        self.last_recorded: dt.datetime | None = None
        self.last_day = dt.date.min
        self.mediator: int | None = None
        self.window_ends: dt.date | None = None
        self.attempt: dict[str, Any] | None = None
        self.agreement: dict[str, Any] | None = None
        self.record: dict[str, Any] | None = None
        self.hearing: dict[str, Any] | None = None
        self.hearing_day = dt.date.min
        self.suspension: dict[str, Any] | None = None
        self.suspended_from = ""
        self.tribunal: list[int] = []
        self.pauses: list[clocks.Pause] = []
        self.extension = 0
        self.award_start = dt.date.min
        self.claims: list[dict[str, Any]] = []
        self.decided: set[int] = set()
        self.outcome = ""
        self.closed_on: dt.date | None = None
        self.simplified = False
        # What the case is about and which way it goes.
        rng = self.rng
        self.tokens = list(rng.choices(RECIPE_TOKENS, cum_weights=RECIPE_WEIGHTS)[0])
        if "pre" in self.tokens:
            i = self.tokens.index("pre")
            self.tokens[i:i + 1] = rng.choices(PRE_TOKENS, cum_weights=PRE_WEIGHTS)[0]
        if "route:enterprise" in self.tokens:
            self.company = rng.choice(demo.ENTERPRISE_COMPANIES)
        else:
            self.company = rng.choices(self.w.companies,
                                       cum_weights=context.company_cum_weights)[0]
        self.received_on = self.day = self.received()
        roll = rng.random()
        self.workers = (rng.randint(10, 14) if roll < 0.01 else rng.randint(2, 3) if roll < 0.05
                        else 1)
        self.subject = demo.subject_for(rng, self.company, self.workers, self.received_on.year)

    # -- helpers ---------------------------------------------------------------------------

    def workday(self, day: dt.date) -> dt.date:
        found = self.w.next_workday.get(day)
        return found if found is not None else calendar.next_working_day_on_or_after(day).date

    def workday_back(self, day: dt.date) -> dt.date:
        found = self.w.previous_workday.get(day)
        return found if found is not None else calendar.previous_working_day_on_or_before(day).date

    def roll(self, low: int, high: int) -> int:
        """rng.randint(low, high), three times faster (it is called ~30 times a case)."""
        return low + int(self.rng.random() * (high - low + 1))

    def later(self, low: int, high: int, *, not_before: dt.date | None = None) -> dt.date:
        day = self.day + dt.timedelta(days=self.roll(low, high))
        if not_before is not None and day < not_before:
            day = not_before
        self.day = self.workday(day)
        return self.day

    def at(self, day: dt.date, hour: int, minute: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.c.tz)

    def stamp(self, day: dt.date) -> dt.datetime:
        """When the step was recorded: office hours of its day, after the previous step."""
        recorded = self.at(day, 8, 30) + dt.timedelta(minutes=self.roll(0, 540))
        if self.last_recorded is not None and recorded <= self.last_recorded:
            recorded = self.last_recorded + dt.timedelta(minutes=self.roll(3, 60))
        return recorded

    def emit(self, kind: str, actor: int | None, to_state: str, day: dt.date,
             payload: dict[str, Any]) -> None:
        """Append the step's event (hash-chained) or raise Cut when it lies after today.
        Callers write the step's rows only after this returns."""
        if day > self.w.today:
            raise Cut
        self.seq += 1
        recorded = self.stamp(day)
        digest = event_hash(
            dispute_id=self.id, seq=self.seq, kind=kind, actor_id=actor,
            from_state=self.status if self.seq > 1 else "", to_state=to_state,
            payload=payload, occurred_on=day, recorded_at=recorded, prev_hash=self.last_hash,
        )
        self.c.rows["event"].append({
            "id": self.c.ids.take("event"), "dispute_id": self.id, "seq": self.seq,
            "kind": kind, "actor_id": actor, "from_state": self.status if self.seq > 1 else "",
            "to_state": to_state, "payload": payload,
            "occurred_on": day, "recorded_at": recorded, "prev_hash": self.last_hash,
            "hash": digest, "delivery": DisputeEvent.Delivery.DELIVERED, "attempts": 1,
            "next_attempt_at": recorded, "delivered_at": recorded + dt.timedelta(seconds=2),
        })
        self.last_hash = digest
        self.first_recorded = self.first_recorded or recorded
        self.last_recorded = recorded
        self.last_day = day
        self.status = to_state

    def add(self, name: str, row: dict[str, Any]) -> dict[str, Any]:
        self.c.rows[name].append(row)
        return row

    def staff_of(self, org: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        s = self.w.staff[org]
        return s.clerks, s.mediators, s.heads

    def clerk(self) -> int:
        return self.rng.choice(self.staff_of(self.org)[0])

    def applicant_or(self, staff: int) -> int:
        return self.applicant_user if self.applicant_user is not None else staff

    def amount_agreed(self) -> Decimal:
        total = sum((c["amount"] or Decimal(0) for c in self.claims), Decimal(0))
        if not total:
            return demo.money(self.rng.uniform(3000, 12000))
        return demo.money(float(total) * self.rng.uniform(0.55, 0.95))

    def end_attempt(self, result: str, day: dt.date, reason: str = "") -> None:
        if self.attempt is not None:
            self.attempt.update(result=result, ended_on=day, failure_reason=reason)
            self.attempt = None

    def close(self, outcome: str, day: dt.date) -> None:
        self.outcome = outcome
        self.closed_on = day
        self.suspended_from = ""
        self.end_attempt(ABANDONED, day)
        if self.suspension is not None and self.suspension["ended_on"] is None:
            self.suspension["ended_on"] = day

    # -- the case --------------------------------------------------------------------------

    def run(self) -> None:
        self.intake()
        try:
            for token in self.tokens:
                name, _, arg = token.partition(":")
                step = getattr(self, f"do_{name}")
                step(arg) if arg else step()
        except Cut:
            pass  # open: the rest of the path lies after today
        self.finish()

    def received(self) -> dt.date:
        span = (self.w.today - self.w.first_day).days
        day = self.w.first_day + dt.timedelta(days=(self.id - 1) * span // self.w.cases
                                              + self.roll(0, 2))
        return min(self.workday(day), self.w.today)

    def intake(self) -> None:
        """The application: parties, claims, the applicant's account, the first event."""
        rng, w, company, subject, workers = (self.rng, self.w, self.company, self.subject,
                                             self.workers)
        persona = self.id % 40_000 == 17  # the demo `worker` has a few cases of their own
        self.online = persona or rng.random() < 0.35
        center, self.street = w.centers[company.street]
        direct = not self.tokens or self.tokens[0] == "apply"
        self.org = w.commission_id if direct else center
        self.requested = None if direct else center
        parties = [demo.demo_worker_party()] if persona else []
        parties += [self.c.people.worker(representative=workers >= 10 and i < 3)
                    for i in range(workers - len(parties))]
        for index, p in enumerate(parties):
            user = None
            if index == 0 and self.online:
                user = w.worker_id if persona else self.applicant_account(p.name)
                self.applicant_user = user
            self.add("party", {"id": self.c.ids.take("party"), "dispute_id": self.id,
                               "side": p.side, "kind": p.kind, "name": p.name,
                               "id_type": p.id_type, "id_number": p.id_number, "phone": p.phone,
                               "address": p.address, "is_representative": p.is_representative,
                               "user_id": user})
        # As demo.employer_party, with the credit code computed once per company.
        self.add("party", {"id": self.c.ids.take("party"), "dispute_id": self.id,
                           "side": Party.Side.RESPONDENT, "kind": Party.Kind.EMPLOYER,
                           "name": company.name, "id_type": Party.IdType.CREDIT_CODE,
                           "id_number": w.credit_codes[company.name],
                           "phone": f"027-8{self.roll(0, 9_999_999):07d}",
                           "address": company.address, "is_representative": False,
                           "user_id": w.employer_id if company is demo.EMPLOYER_COMPANY else None})
        for claim in subject.claims:
            self.claims.append(self.add("claim", {
                "id": self.c.ids.take("claim"), "dispute_id": self.id,
                "item_type": claim.item_type, "description": claim.description,
                "amount": claim.amount, "is_counter_claim": False, "added_on": self.received_on}))
        self.submitted_by = self.applicant_user if self.online else self.clerk()
        self.emit(SUBMITTED_EVENT, self.submitted_by, S.SUBMITTED, self.received_on, {
            "channel": "online" if self.online else "counter", "organization": self.org,
            "claims": len(subject.claims), "workers": workers})

    def applicant_account(self, name: str) -> int:
        """An online applicant signs in: their account, made when they first applied."""
        user_id = self.c.ids.take("user")
        self.add("user", {"id": user_id, "password": "!bench-applicant",
                          "username": f"applicant{self.id:07d}", "first_name": name[1:],
                          "last_name": name[0],
                          "date_joined": self.at(self.received_on, 8, 0)})
        return user_id

    def finish(self) -> None:
        s = self.subject
        knew_on = self.received_on - dt.timedelta(days=s.knew_days_before)
        self.add("dispute", {
            "id": self.id, "tracking_number": tracking_number(self.id, self.received_on),
            "access_code_hash": self.w.access_code_hash, "status": self.status,
            # Every transition adds one to the version; the submission made version 1.
            "version": self.seq, "event_seq": self.seq, "last_event_hash": self.last_hash,
            "district_id": self.w.district_id, "street_id": self.street,
            "organization_id": self.org, "requested_organization_id": self.requested,
            "mediator_id": self.mediator, "dispute_type": s.dispute_type,
            "is_collective": s.is_collective, "is_new_employment_form": s.is_new_employment_form,
            "is_migrant_wage": s.is_migrant_wage, "facts": s.facts,
            "channel": "online" if self.online else "counter", "received_on": self.received_on,
            "knew_on": knew_on, "employment_ended_on": knew_on if s.employment_ended else None,
            "submitted_by_id": self.submitted_by, "mediation_window_ends": self.window_ends,
            "suspended_from": self.suspended_from, "outcome": self.outcome,
            "closed_on": self.closed_on, "created_at": self.first_recorded,
            "updated_at": self.last_recorded,
        })
