"""Plans: the steps of a case, the recipes of which way cases go, case specs."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from disputes import services
from disputes.demo.subjects import Subject
from disputes.demo.world import Company, S


@dataclass(frozen=True)
class UserRef:
    username: str


@dataclass(frozen=True)
class OrgRef:
    key: str


@dataclass(frozen=True)
class ClaimRef:
    index: int  # the case's claims in the order they were made (amendments included)


@dataclass
class Step:
    name: str  # a transition, or "submit"
    actor: str  # username
    day: dt.date  # when it happened: orders all cases' steps
    data: dict[str, Any] = field(default_factory=dict)


# Which way a case goes. Tokens are read by `Planner`; "pre" is replaced by a way to
# arbitration (straight to the commission, or after a mediation that did not settle it).
OPEN_RECIPES: dict[str, list[tuple[float, list[str]]]] = {
    S.SUBMITTED: [(1, [])],
    S.ENTERPRISE_MEDIATION: [(1, ["route:enterprise", "extras"])],
    S.STREET_MEDIATION: [(6, ["route:street", "extras"]), (1, ["route:peoples", "extras"]),
                         (1, ["route:union", "fail", "route:street", "extras"])],
    S.UNION_MEDIATION: [(3, ["route:union", "extras"]),
                        (1, ["route:street", "fail", "route:union", "extras"])],
    S.MEDIATION_SUCCEEDED: [(4, ["route:street", "agree"]), (1, ["route:union", "agree"]),
                            (1, ["route:enterprise", "agree"])],
    S.MEDIATION_FAILED: [(3, ["route:street", "fail"]), (1, ["route:union", "fail"])],
    S.ARBITRATION_REVIEW: [(4, ["pre", "apply"]),
                           (1, ["pre", "apply", "refer", "pre_fail"])],
    S.PRE_ARBITRATION_MEDIATION: [(1, ["pre", "apply", "refer", "extras"])],
    S.ACCEPTED: [(3, ["pre", "apply", "accept", "tribunal"]),
                 (1, ["pre", "apply", "accept", "tribunal", "amend"])],
    S.HEARING_SCHEDULED: [(4, ["pre", "apply", "accept", "tribunal", "hearing"]),
                          (1, ["pre", "apply", "accept", "tribunal", "hearing", "postpone"])],
    S.DELIBERATION: [(4, ["pre", "apply", "accept", "tribunal", "hearing", "conclude"]),
                     (1, ["pre", "apply", "accept", "tribunal", "hearing", "conclude",
                          "partial"])],
    S.SUSPENDED: [(2, ["pre", "apply", "accept", "tribunal", "suspend"]),
                  (1, ["pre", "apply", "accept", "tribunal", "hearing", "suspend"])],
}
CLOSED_RECIPES: list[tuple[int, list[str]]] = [
    (40, ["route:street", "agree", "perform"]),
    (5, ["route:peoples", "agree", "perform"]),
    (6, ["route:union", "agree", "perform"]),
    (6, ["route:enterprise", "agree", "perform"]),
    (3, ["route:street", "fail", "route:union", "agree", "perform"]),
    (4, ["route:street", "withdraw"]),
    (8, ["pre", "apply", "refer", "pre_agree"]),
    (6, ["pre", "apply", "accept", "tribunal", "hearing", "statement"]),
    (4, ["pre", "apply", "accept", "tribunal", "hearing", "conclude", "statement"]),
    (11, ["pre", "apply", "accept", "tribunal", "hearing", "conclude", "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "amend", "hearing", "conclude", "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "hearing", "postpone", "conclude", "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "suspend", "resume", "hearing", "conclude",
         "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "hearing", "conclude", "partial", "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "hearing", "conclude", "extend", "award"]),
    (3, ["pre", "apply", "accept", "tribunal", "withdraw"]),
    (2, ["pre", "apply", "accept", "tribunal", "hearing", "terminate"]),
    (1, ["pre", "apply", "withdraw"]),
]
NOT_ACCEPTED_RECIPES: list[tuple[float, list[str]]] = [(1, ["pre", "apply", "refuse"])]
# How a case reaches the commission: most come straight to it.
PRE_ROUTES: list[tuple[int, list[str]]] = [
    (68, ["direct"]),
    (15, ["route:street", "fail"]),
    (4, ["route:union", "fail"]),
    (5, ["route:street"]),  # the 15-day window ran out (Law art. 14)
    (8, ["route:street", "agree"]),  # the agreement was not performed (Law art. 15)
]
# How recently an open case took its last step, in days: queues should look alive.
OPEN_LAG: dict[str, tuple[int, int]] = {
    S.SUBMITTED: (0, 3), S.ENTERPRISE_MEDIATION: (0, 12), S.STREET_MEDIATION: (0, 22),
    S.UNION_MEDIATION: (0, 14), S.MEDIATION_SUCCEEDED: (0, 10), S.MEDIATION_FAILED: (0, 8),
    S.ARBITRATION_REVIEW: (0, 4), S.PRE_ARBITRATION_MEDIATION: (0, 10),
    S.ACCEPTED: (0, 6), S.HEARING_SCHEDULED: (0, 6), S.DELIBERATION: (0, 12),
    S.SUSPENDED: (5, 45),
}


def pick(rng: random.Random, table: list[tuple[float, list[str]]]) -> list[str]:
    return list(rng.choices([t for _, t in table], weights=[w for w, _ in table])[0])


class Deck:
    """Draws from a weighted table without replacement, reshuffled when empty: the mix of
    a few hundred cases then follows the weights closely (e.g. the 72% mediation success
    the plan targets), whatever the seed."""

    def __init__(self, rng: random.Random, table: list[tuple[int, list[str]]]) -> None:
        self.rng = rng
        self.table = table
        self.cards: list[list[str]] = []

    def draw(self) -> list[str]:
        if not self.cards:
            self.cards = [tokens for weight, tokens in self.table for _ in range(weight)]
            self.rng.shuffle(self.cards)
        return list(self.cards.pop())


@dataclass
class CaseSpec:
    """The choices made for one case; the plan's dates follow from them and `received_on`."""

    index: int
    target: str
    tokens: list[str]
    seed: int
    company: Company
    home: str  # the street center where the case was filed (or "commission")
    enterprise: str | None  # the company's committee, if it has one
    subject: Subject
    parties: list[services.PartyInput]
    persona: str | None = None  # "worker" or "employer": linked to the demo account
    online: bool = False
    simplified: bool = False
    late: bool = False  # decided after its deadline (the indicators should show a few)
    lag: int = 0
    received_on: dt.date = dt.date.min
