"""Choosing the cases: how many of each kind, and the personas' own cases."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from disputes import services
from disputes.demo.people import People, demo_worker_party, employer_party
from disputes.demo.planner import workday_back
from disputes.demo.plans import (
    CLOSED_RECIPES,
    NOT_ACCEPTED_RECIPES,
    OPEN_LAG,
    OPEN_RECIPES,
    PRE_ROUTES,
    CaseSpec,
    Deck,
    pick,
)
from disputes.demo.subjects import money, subject_for
from disputes.demo.world import (
    COMPANIES,
    EMPLOYER_COMPANY,
    ENTERPRISE_COMPANIES,
    INDUSTRIES,
    STREETS,
    Company,
    S,
    center_key,
)

STATE_WEIGHTS: dict[str, float] = {
    S.SUBMITTED: 3, S.ENTERPRISE_MEDIATION: 2.5, S.STREET_MEDIATION: 7, S.UNION_MEDIATION: 2.5,
    S.MEDIATION_SUCCEEDED: 4, S.MEDIATION_FAILED: 2.5, S.ARBITRATION_REVIEW: 3,
    S.PRE_ARBITRATION_MEDIATION: 2.5, S.NOT_ACCEPTED: 3, S.ACCEPTED: 3,
    S.HEARING_SCHEDULED: 4, S.DELIBERATION: 2.5, S.SUSPENDED: 2,
}
# The personas' cases: (target, tokens or None for any recipe), in order of preference.
WORKER_CASES: list[tuple[str, list[str] | None]] = [
    (S.CLOSED, ["route:street", "agree", "perform"]),
    (S.SUBMITTED, None),  # filed online today
    (S.STREET_MEDIATION, ["route:street", "extras"]),
    (S.HEARING_SCHEDULED, ["route:street", "fail", "apply", "accept", "tribunal", "hearing"]),
    (S.MEDIATION_SUCCEEDED, ["route:street", "agree"]),
    (S.CLOSED, ["route:street", "fail", "apply", "accept", "tribunal", "hearing", "conclude",
                "award"]),
    (S.ARBITRATION_REVIEW, ["route:street", "agree", "apply"]),
    (S.DELIBERATION, None),
    (S.CLOSED, ["direct", "apply", "refer", "pre_agree"]),
    (S.MEDIATION_FAILED, ["route:street", "fail"]),
    (S.ACCEPTED, None),
    (S.CLOSED, ["route:street", "withdraw"]),
]
EMPLOYER_CASES: list[tuple[str, list[str] | None]] = [
    (S.ENTERPRISE_MEDIATION, ["route:enterprise", "extras"]),
    (S.CLOSED, ["route:enterprise", "agree", "perform"]),
    (S.HEARING_SCHEDULED, None),
    (S.STREET_MEDIATION, ["route:street", "extras"]),
    (S.CLOSED, ["route:enterprise", "fail", "apply", "accept", "tribunal", "hearing",
                "conclude", "award"]),
    (S.MEDIATION_SUCCEEDED, ["route:enterprise", "agree"]),
    (S.ARBITRATION_REVIEW, None),
    (S.CLOSED, None),
]


def allocate(n: int) -> dict[str, int]:
    """Cases per target state: every state gets some, the rest are closed. Fewer cases
    than states: one each, closed first, as far as they go."""
    if n <= len(STATE_WEIGHTS):
        states = [S.CLOSED, *sorted(STATE_WEIGHTS, key=lambda s: -STATE_WEIGHTS[s])]
        return {state: int(i < n) for i, state in enumerate(states)}
    counts = {state: max(1, round(n * w / 100)) for state, w in STATE_WEIGHTS.items()}
    counts[S.CLOSED] = max(1, n - sum(counts.values()))
    return counts


class CaseChooser:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.people = People(rng)
        self.year_start = dt.date(today.year, 1, 5)
        self.closed = Deck(rng, CLOSED_RECIPES)
        self.to_arbitration = Deck(rng, PRE_ROUTES)

    def home_street(self) -> int:
        """The first center (吴家山, the district seat) takes the largest share."""
        weights = [26, 10, 8, 8, 9, 7, 4, 5, 6, 4, 8, 7]
        return self.rng.choices(range(len(STREETS)), weights=weights)[0]

    def company_in(self, street: int, *, platform_ok: bool = True) -> Company:
        here = [c for c in COMPANIES if c.street == street]
        if not here or self.rng.random() < 0.25:
            here = COMPANIES
        if not platform_ok:
            here = [c for c in here if not INDUSTRIES[c.industry].platform] or COMPANIES[:1]
        return self.rng.choice(here)

    def spec(self, index: int, target: str, tokens: list[str] | None,
             persona: str | None) -> CaseSpec:
        rng = self.rng
        if tokens is None:
            if target == S.CLOSED:
                tokens = self.closed.draw()
            elif target == S.NOT_ACCEPTED:
                tokens = pick(rng, NOT_ACCEPTED_RECIPES)
            else:
                tokens = pick(rng, OPEN_RECIPES[target])
        if tokens and tokens[0] == "pre":
            tokens = self.to_arbitration.draw() + tokens[1:]
        if persona == "worker" and tokens and tokens[0] == "direct" and target != S.CLOSED:
            tokens = ["route:street", "fail", *tokens[1:]]
        enterprise_case = any(t == "route:enterprise" for t in tokens)
        if persona == "employer" or (enterprise_case and persona != "worker"):
            company = (EMPLOYER_COMPANY if persona == "employer"
                       else rng.choice(ENTERPRISE_COMPANIES))
            street = company.street
        else:
            street = 0 if persona == "worker" else self.home_street()
            company = self.company_in(street)
        if persona == "worker" and enterprise_case:
            tokens = ["route:street" if t == "route:enterprise" else t for t in tokens]
        collective = (persona is None and not enterprise_case and target != S.NOT_ACCEPTED
                      and rng.random() < 0.06)
        if collective and (INDUSTRIES[company.industry].platform or rng.random() < 0.6):
            # Collective disputes here are mostly building workers' unpaid wages.
            company = rng.choice([c for c in COMPANIES if INDUSTRIES[c.industry].migrant])
            street = company.street
        enterprise = (f"enterprise{ENTERPRISE_COMPANIES.index(company) + 1}"
                      if company in ENTERPRISE_COMPANIES else None)
        home = "commission" if tokens and tokens[0] == "direct" else center_key(street)
        workers = rng.randint(10, 28) if collective else 1  # Rules art. 62: ten or more
        subject = subject_for(rng, company, workers, self.today.year)
        if collective:
            applicants = [self.people.worker(representative=i < 3) for i in range(workers)]
        elif persona == "worker":
            applicants = [demo_worker_party()]
        else:
            applicants = [self.people.worker()]
        parties = [*applicants, employer_party(company, f"027-8{rng.randint(0, 9_999_999):07d}")]
        needs_two_claims = "partial" in tokens and len(subject.claims) < 2
        if needs_two_claims:
            subject.claims.append(services.ClaimInput(
                "overtime_pay", "支付延时加班工资", money(rng.uniform(2000, 9000))))
        total = subject.total
        simplified = (not subject.is_collective and "accept" in tokens
                      and total <= Decimal("60000") and rng.random() < 0.3)
        late = target in (S.CLOSED, S.NOT_ACCEPTED) and rng.random() < 0.03
        online = persona == "worker" and target == S.SUBMITTED
        spec = CaseSpec(
            index=index, target=target, tokens=tokens, seed=rng.getrandbits(32), company=company,
            home=home, enterprise=enterprise, subject=subject, parties=parties, persona=persona,
            online=online, simplified=simplified, late=late,
        )
        if target in OPEN_LAG:
            low, high = OPEN_LAG[target]
            spec.lag = rng.randint(low, high)
            spec.received_on = self.today - dt.timedelta(days=spec.lag + 10)
        else:
            latest = self.today - dt.timedelta(days=25)
            span = max(0, (latest - self.year_start).days)
            spec.received_on = self.year_start + dt.timedelta(days=rng.randint(0, span))
        spec.received_on = workday_back(spec.received_on)
        if online:
            spec.received_on, spec.lag = self.today, 0
        return spec

    def choose(self, n: int) -> list[CaseSpec]:
        counts = allocate(n)
        wanted: list[tuple[str, list[str] | None, str | None]] = []
        for persona, table, share in (("worker", WORKER_CASES, 25), ("employer", EMPLOYER_CASES, 40)):
            how_many = max(3 if persona == "employer" else 4, n // share)
            for target, tokens in table[:how_many]:
                if counts[target] > 0:
                    counts[target] -= 1
                    wanted.append((target, tokens, persona))
        for target, count in counts.items():
            wanted.extend((target, None, None) for _ in range(count))
        return [self.spec(i, target, tokens, persona)
                for i, (target, tokens, persona) in enumerate(wanted)]
