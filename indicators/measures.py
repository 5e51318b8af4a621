"""The additive counts the summaries keep, and the dimensions they are kept by.

A measure is one kind of countable fact, placed in a month by one date and counted for one
organization. The indicator definitions (`indicators.definitions`) and the monthly table
(`indicators.report`) are sums of these; which event adds which measure is in
`indicators.fold`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from disputes.models import Award, Outcome

# Cases received (the `submitted` event, on the receipt date), for the case's first
# organization (the one the applicant chose, else the arbitration commission).
CASES_RECEIVED = "cases.received"
# Cases closed, by manner, on the closing date, for the organization that closed them.
CASES_CLOSED = {outcome.value: f"cases.closed.{outcome.value}" for outcome in Outcome}

# Mediation, for the mediating organization and its tier.
MEDIATION_RECEIVED = "mediation.received"  # routed or referred, on the receipt date
MEDIATION_AGREED = "mediation.agreed"  # ended in an agreement (amount: the agreed sum)
MEDIATION_FAILED = "mediation.failed"  # ended without one

# Arbitration, for the arbitration commission.
ARBITRATION_RECEIVED = "arbitration.received"  # application received (applied_on)
ARBITRATION_REFUSED = "arbitration.refused"  # not accepted (decision date)
ARBITRATION_ACCEPTED = "arbitration.accepted"  # accepted (amount: the claims accepted)
ARBITRATION_ACCEPTED_WORKERS = "arbitration.accepted.workers"  # n: applicant workers
ARBITRATION_ACCEPTED_BY_WORKERS = "arbitration.accepted.by_workers"  # a worker applied
ARBITRATION_OUTCOMES = (Outcome.MEDIATION_STATEMENT, Outcome.AWARD, Outcome.WITHDRAWN,
                        Outcome.OTHER)
# Accepted cases closed, by manner, placed by the closing date (never before acceptance).
ARBITRATION_CLOSED = {o.value: f"arbitration.closed.{o.value}" for o in ARBITRATION_OUTCOMES}
ARBITRATION_CLOSED_ON_TIME = "arbitration.closed.on_time"  # award clock met on time
ARBITRATION_AWARD_RESULT = {r.value: f"arbitration.award.{r.value}" for r in Award.Result}

# Parties' ratings given after closure, by score, on the rating date, for the organization
# that closed the case.
SATISFACTION_SCORE = {score: f"satisfaction.score.{score}" for score in range(1, 6)}

DIMENSIONS = ("organization", "street", "tier", "dispute_type", "is_collective",
              "is_new_employment_form", "is_migrant_wage")
FLAGS = ("is_collective", "is_new_employment_form", "is_migrant_wage")


@dataclass(frozen=True, slots=True)
class Key:
    """Where one count goes: the measure, its month and every dimension."""

    measure: str
    month: date
    district_id: int
    organization_id: int = 0
    street_id: int = 0
    tier: str = ""
    dispute_type: str = ""
    is_collective: bool = False
    is_new_employment_form: bool = False
    is_migrant_wage: bool = False

    def at_grain(self, kept: frozenset[str]) -> Key:
        """The same count with the dimensions a grain does not keep set to neutral."""
        return replace(
            self,
            organization_id=self.organization_id if "organization" in kept else 0,
            street_id=self.street_id if "street" in kept else 0,
            tier=self.tier if "tier" in kept else "",
            dispute_type=self.dispute_type if "dispute_type" in kept else "",
            is_collective=self.is_collective if "is_collective" in kept else False,
            is_new_employment_form=(self.is_new_employment_form
                                    if "is_new_employment_form" in kept else False),
            is_migrant_wage=self.is_migrant_wage if "is_migrant_wage" in kept else False,
        )


# Grains: the dimensions each level of the summary keeps. "f" keeps all; the others make
# the dashboard's usual questions (the district, by organization and tier, by street, the
# monthly table's causes and collective disputes) cheap.
GRAINS: dict[str, frozenset[str]] = {
    "d": frozenset(),
    "o": frozenset({"organization", "tier"}),
    "s": frozenset({"street"}),
    "c": frozenset({"dispute_type", "is_collective"}),
    "f": frozenset(DIMENSIONS),
}


def grain_for(dimensions: set[str]) -> str:
    """The smallest grain that keeps every dimension asked for (filtered or grouped by)."""
    for name in ("d", "o", "s", "c"):
        if dimensions <= GRAINS[name]:
            return name
    return "f"


def month_of(day: date) -> date:
    return day.replace(day=1)
