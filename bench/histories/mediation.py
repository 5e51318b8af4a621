"""The mediation steps of a bench case: routing, mediator, session, agreement or failure,
performance, withdrawal."""

from __future__ import annotations

import datetime as dt

from bench.histories.case import AGREEMENT, FAILURE, PENDING, CaseBase
from bench.histories.recipes import ROUTE_EVENT, ROUTE_STATE, WITHDRAW_REASONS
from disputes import clocks, demo
from disputes.models import TIER_OF_STATE, Outcome
from disputes.models import Status as S


class MediationSteps(CaseBase):
    def do_route(self, tier: str) -> None:
        w = self.w
        org = {"street": self.street_center, "peoples": w.peoples_id, "union": w.union_id,
               "enterprise": w.committees.get(self.company.name, w.peoples_id)}[tier]
        kind = ROUTE_EVENT[tier]
        target = ROUTE_STATE[kind]
        day = self.later(0, 2) if self.status == S.SUBMITTED else self.later(1, 5)
        window = clocks.due_date("mediation_window", day)
        self.emit(kind, self.clerk(), target, day, {
            "organization": org, "tier": TIER_OF_STATE[target],
            "window_ends": window.date.isoformat(), "provisional": window.provisional})
        self.attempt = self.add("attempt", {
            "id": self.c.ids.take("attempt"), "dispute_id": self.id, "organization_id": org,
            "tier": TIER_OF_STATE[target], "mediator_id": None, "received_on": day,
            "ended_on": None, "result": PENDING, "failure_reason": ""})
        self.org, self.mediator, self.window_ends = org, None, window.date

    @property
    def street_center(self) -> int:
        return self.w.centers[self.company.street][0]

    def do_assign(self) -> None:
        _, mediators, heads = self.staff_of(self.org)
        mediator = self.rng.choice(mediators)
        day = self.later(0, 2)
        self.emit("assign_mediator", self.rng.choice(heads), self.status, day,
                  {"mediator": mediator})
        assert self.attempt is not None
        self.attempt["mediator_id"] = self.mediator = mediator

    def do_session(self) -> None:
        booked = self.later(0, 2)
        held = self.workday(booked + dt.timedelta(days=self.roll(2, 7)))
        when = self.at(held, *self.rng.choice([(9, 30), (14, 30)]))
        place = f"{self.w.places[self.org]}调解室"
        session_id = self.c.ids.take("session")
        self.emit("schedule_mediation_session", self.mediator, self.status, booked,
                  {"session": session_id, "scheduled_for": when.isoformat(), "location": place})
        assert self.attempt is not None
        self.add("session", {"id": session_id, "attempt_id": self.attempt["id"],
                             "scheduled_for": when, "location": place})
        self.day = held  # what follows comes after the session

    def do_agree(self) -> None:
        signed = self.later(0, 6)
        due = signed + dt.timedelta(days=self.rng.choice([7, 10, 15, 20, 30]))
        amount = self.amount_agreed()
        assert self.attempt is not None
        attempt = self.attempt
        agreement_id = self.c.ids.take("agreement")
        self.emit("record_agreement", self.mediator, S.MEDIATION_SUCCEEDED, signed, {
            "agreement": agreement_id, "total_amount": str(amount),
            "performance_due": due.isoformat(), "tier": attempt["tier"],
            "organization": attempt["organization_id"]})
        self.agreement = self.add("agreement", {
            "id": agreement_id, "attempt_id": attempt["id"],
            "terms": f"被申请人于{due:%Y年%m月%d日}前一次性支付申请人{amount:.0f}元，双方劳动争议就此了结。",
            "total_amount": amount, "signed_on": signed, "performance_due": due,
            "performed": None, "performed_on": None})
        self.end_attempt(AGREEMENT, signed)

    def do_fail(self) -> None:
        ended = self.later(1, 7)
        assert self.attempt is not None
        self.emit("record_failure", self.mediator, S.MEDIATION_FAILED, ended, {
            "tier": self.attempt["tier"], "organization": self.attempt["organization_id"]})
        self.end_attempt(FAILURE, ended, self.rng.choice(demo.FAILURE_REASONS))

    def do_perform(self) -> None:
        assert self.agreement is not None
        due = self.agreement["performance_due"]
        days = max(1, (due - self.day).days)
        performed = self.later(1, days if self.rng.random() < 0.9 else days + 10)
        self.emit("confirm_performance", self.applicant_or(self.mediator or self.clerk()),
                  S.CLOSED, performed,
                  {"agreement": self.agreement["id"], "on_time": performed <= due})
        self.agreement.update(performed=True, performed_on=performed)
        self.close(Outcome.PERFORMED, performed)

    def do_withdraw(self) -> None:
        day = self.later(1, 10)
        at_commission = self.org == self.w.commission_id
        actor = self.applicant_or(self.w.filing_officer if at_commission else self.clerk())
        self.emit("withdraw", actor, S.CLOSED, day,
                  {"reason": self.rng.choice(WITHDRAW_REASONS)})
        self.close(Outcome.WITHDRAWN, day)

