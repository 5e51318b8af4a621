"""A small district's spring of 2026, driven through the real services with known dates.

The expected figures of each definition are worked out by hand in
`test_hand_computed.py`; the dates here are what those sums rest on. 2026 calendar facts
used: May 1-5 is the Labour Day holiday, Saturday May 9 a make-up working day, May 10 and
May 17 Sundays.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from disputes import services
from disputes.models import Dispute
from tests.world import World, sample_input


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


class Story:
    def __init__(self, world: World) -> None:
        self.world = world
        self.cases: dict[str, Dispute] = {}

    def case(self, name: str, received: dt.date, **changes: Any) -> Dispute:
        self.cases[name] = self.world.submit(received_on=received, **changes)
        return self.cases[name]

    def do(self, name: str, step: str, *, actor: str | None = None, **overrides: Any) -> Dispute:
        """The step by its usual persona (tests.world.ACTORS), or by `actor`."""
        plain = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in overrides.items()}
        case = self.cases[name]
        if actor is None:
            self.cases[name] = self.world.do(step, case, **plain)
        else:
            data = sample_input(step, self.world, case)
            data.update(plain)
            self.cases[name] = services.dispute_transition(
                dispute=case, actor=self.world.users[actor], name=step, data=data)
        return self.cases[name]

    # -- common paths --------------------------------------------------------------------

    def arbitrate(self, name: str, applied: dt.date, accepted: dt.date) -> None:
        self.do(name, "apply_for_arbitration", applied_on=applied)
        self.do(name, "accept", accepted_on=accepted)

    def to_deliberation(self, name: str, start: dt.date) -> None:
        self.do(name, "serve_application", served_on=start)
        self.do(name, "form_tribunal", formed_on=start)
        hearing = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=14),
                                                          dt.time(9, 30)))
        self.do(name, "schedule_hearing", scheduled_for=hearing.isoformat(),
                notice_served_on=start + dt.timedelta(days=1))
        self.do(name, "conclude_hearing", held_on=start + dt.timedelta(days=14))

    def award(self, name: str, issued: dt.date, result: str = "worker_won") -> None:
        self.do(name, "issue_award", issued_on=issued, result=result)


def spring_2026(world: World) -> Story:
    s = Story(world)
    w = world
    # -- mediation at the organizations ------------------------------------------------------
    s.case("M1", d(4, 20))
    s.do("M1", "route_to_street", received_on=d(4, 21))
    s.do("M1", "record_agreement", signed_on=d(5, 6), performance_due=d(5, 16),
         total_amount="8000.00")
    s.case("M2", d(5, 4), dispute_type="termination")
    s.do("M2", "route_to_street", received_on=d(5, 4))
    s.do("M2", "record_failure", ended_on=d(5, 10))
    s.case("M3", d(5, 5), street=w.streets[1])
    s.do("M3", "route_to_union", received_on=d(5, 5))
    s.do("M3", "record_agreement", actor="union_mediator", signed_on=d(5, 12), performance_due=d(5, 22),
         total_amount="5000.00")
    # The 15-day window from April 25 ends on Monday May 11 (May 10 is a Sunday): the
    # application of May 20 ends the mediation as failed (Law art. 14).
    s.case("M4", d(4, 24))
    s.do("M4", "route_to_enterprise", received_on=d(4, 25))
    s.do("M4", "apply_for_arbitration", applied_on=d(5, 20))
    s.case("M5", d(5, 6))
    s.do("M5", "route_to_street", received_on=d(5, 6))
    s.do("M5", "withdraw", closed_on=d(5, 8))  # abandoned: neither agreement nor failure
    s.case("M6", d(4, 1))
    s.do("M6", "route_to_street", received_on=d(4, 1))
    s.do("M6", "record_agreement", signed_on=d(4, 10), performance_due=d(4, 20),
         total_amount="3000.00")

    # -- at the arbitration commission ---------------------------------------------------------
    s.case("P1", d(5, 3), organization=w.commission)
    s.do("P1", "apply_for_arbitration", applied_on=d(5, 3))
    s.do("P1", "refer_to_pre_arbitration_mediation", referred_on=d(5, 4))
    s.do("P1", "record_pre_arbitration_agreement", signed_on=d(5, 15), total_amount="9000")
    s.case("P2", d(5, 3), organization=w.commission)
    s.do("P2", "apply_for_arbitration", applied_on=d(5, 3))
    s.do("P2", "refer_to_pre_arbitration_mediation", referred_on=d(5, 4))
    s.do("P2", "end_pre_arbitration_mediation", ended_on=d(5, 11))
    s.do("P2", "accept", accepted_on=d(5, 12))

    # Accepted April 2: the award clock ends May 17, a Sunday, so Monday May 18; the
    # statement of May 20 is late.
    s.case("A9", d(3, 25))
    s.arbitrate("A9", d(3, 26), d(4, 2))
    s.do("A9", "issue_mediation_statement", signed_on=d(5, 20), total_amount="11000")
    s.case("A10", d(3, 1))
    s.arbitrate("A10", d(3, 2), d(3, 5))
    s.to_deliberation("A10", d(3, 5))
    s.award("A10", d(4, 15))
    s.case("A11", d(4, 1))
    s.arbitrate("A11", d(4, 2), d(4, 8))
    s.do("A11", "serve_application", served_on=d(4, 9))
    s.do("A11", "form_tribunal", formed_on=d(4, 9))
    s.do("A11", "suspend", started_on=d(4, 20))
    s.case("A12", d(4, 10))
    s.arbitrate("A12", d(4, 12), d(4, 20))
    s.do("A12", "withdraw", closed_on=d(5, 6))
    s.case("A13", d(5, 4), workers=10)  # ten workers: a collective dispute (Rules art. 62)
    s.arbitrate("A13", d(5, 5), d(5, 6))
    s.to_deliberation("A13", d(5, 6))
    s.award("A13", d(5, 28), result="partly")
    s.case("A14", d(5, 5), is_new_employment_form=True)
    s.arbitrate("A14", d(5, 6), d(5, 7))
    s.do("A14", "suspend", started_on=d(5, 10))
    s.do("A14", "resume", resumed_on=d(5, 20))
    s.do("A14", "terminate", closed_on=d(5, 25))
    # Accepted March 20: due May 4, a holiday, so May 6; the 30 days suspended (March 25 to
    # April 24) move it to June 3, and the award of May 29 is on time.
    s.case("A16", d(3, 10))
    s.arbitrate("A16", d(3, 12), d(3, 20))
    s.do("A16", "serve_application", served_on=d(3, 21))
    s.do("A16", "form_tribunal", formed_on=d(3, 21))
    s.do("A16", "suspend", started_on=d(3, 25))
    s.do("A16", "resume", resumed_on=d(4, 24))
    hearing = timezone.make_aware(dt.datetime.combine(d(5, 12), dt.time(9, 30)))
    s.do("A16", "schedule_hearing", scheduled_for=hearing.isoformat(), notice_served_on=d(4, 27))
    s.do("A16", "conclude_hearing", held_on=d(5, 12))
    s.award("A16", d(5, 29))
    # Accepted March 16 (due April 30), claims added April 1 restart the clock (due May 16)
    # and the 15 days approved on April 20 make it May 31, a Sunday, so June 1: the award of
    # May 27 is on time. The added claim is not part of the amount accepted.
    s.case("A17", d(3, 10))
    s.arbitrate("A17", d(3, 11), d(3, 16))
    s.to_deliberation("A17", d(3, 16))
    s.do("A17", "amend_claims", amended_on=d(4, 1))
    s.do("A17", "extend_award_deadline", approved_on=d(4, 20), days=15)
    s.award("A17", d(5, 27), result="employer_won")
    return s
