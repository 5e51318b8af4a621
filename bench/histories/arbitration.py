"""The steps of a bench case at the arbitration commission: application, pre-arbitration
mediation, acceptance or refusal, tribunal, hearings, suspension, awards, closing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bench.histories.case import AGREEMENT, FAILURE, ONE_DAY, PENDING, CaseBase
from bench.histories.recipes import (
    AWARD_REASONING,
    EXTEND_REASON,
    POSTPONE_REASONS,
    TERMINATE_REASON,
    WINDOW_RAN_OUT,
)
from disputes import clocks, demo, rules
from disputes.models import Award, AwardItem, Hearing, Outcome, Procedure, TribunalMember
from disputes.models import Status as S

MEDIATING = {S.ENTERPRISE_MEDIATION, S.STREET_MEDIATION, S.UNION_MEDIATION}


class ArbitrationSteps(CaseBase):
    def do_apply(self) -> None:
        w, before = self.w, self.status
        if before == S.SUBMITTED:
            day, actor = self.day, w.commission_clerk
        elif before in MEDIATING:
            # Law art. 14: only once the 15-day window has run out without agreement.
            assert self.window_ends is not None
            day = self.later(1, 8, not_before=self.window_ends + ONE_DAY)
            actor = self.applicant_or(self.clerk())
        elif before == S.MEDIATION_SUCCEEDED:
            assert self.agreement is not None  # Law art. 15: the agreement was not performed
            day = self.later(1, 10, not_before=self.agreement["performance_due"] + ONE_DAY)
            actor = self.applicant_or(self.clerk())
        else:
            day = self.later(1, 10)
            actor = self.applicant_or(self.clerk())
        payload: dict[str, Any] = {"commission": w.commission_id, "from_mediation": before}
        if before == S.MEDIATION_SUCCEEDED:
            assert self.agreement is not None
            payload["agreement_not_performed"] = self.agreement["id"]
        self.emit("apply_for_arbitration", actor, S.ARBITRATION_REVIEW, day, payload)
        self.end_attempt(FAILURE, day, WINDOW_RAN_OUT)
        if before == S.MEDIATION_SUCCEEDED and self.agreement is not None:
            self.agreement["performed"] = False
        self.record = self.add("record", {
            "id": self.c.ids.take("record"), "dispute_id": self.id,
            "commission_id": w.commission_id, "applied_on": day, "case_number": None,
            "accepted_on": None, "procedure": Procedure.ORDINARY, "refusal_reason": "",
            "application_served_on": None, "defence_received_on": None,
            "tribunal_formed_on": None, "award_clock_started_on": None, "extension_days": 0,
            "extension_approved_on": None})
        self.org, self.mediator = w.commission_id, None

    def decision_day(self) -> tuple[dt.date, dt.date]:
        """Within the 5 working days of Law art. 29; a few decided late."""
        assert self.record is not None
        due = clocks.due_date("acceptance_decision", self.record["applied_on"]).date
        if self.rng.random() < 0.03:
            return self.later(1, 3, not_before=due + ONE_DAY), due
        before = self.day
        day = self.later(0, 4)
        if day > due:
            self.day = day = max(before, self.workday_back(due))
        return day, due

    def do_refer(self) -> None:
        day = self.later(0, 2)
        mediator = self.rng.choice([*self.w.commission_mediators, *self.w.arbitrators[3:]])
        self.emit("refer_to_pre_arbitration_mediation", self.w.filing_officer,
                  S.PRE_ARBITRATION_MEDIATION, day,
                  {"organization": self.w.commission_id, "tier": "pre_arbitration"})
        self.attempt = self.add("attempt", {
            "id": self.c.ids.take("attempt"), "dispute_id": self.id,
            "organization_id": self.w.commission_id, "tier": "pre_arbitration",
            "mediator_id": mediator, "received_on": day, "ended_on": None, "result": PENDING,
            "failure_reason": ""})
        self.mediator = mediator

    def do_pre_agree(self) -> None:
        signed = self.later(2, 10)
        amount = self.amount_agreed()
        assert self.attempt is not None
        agreement_id = self.c.ids.take("agreement")
        self.emit("record_pre_arbitration_agreement", self.mediator, S.CLOSED, signed, {
            "agreement": agreement_id, "total_amount": str(amount), "tier": "pre_arbitration",
            "organization": self.w.commission_id})
        self.agreement = self.add("agreement", {
            "id": agreement_id, "attempt_id": self.attempt["id"],
            "terms": f"被申请人当场支付申请人{amount:.0f}元，申请人撤回仲裁申请。",
            "total_amount": amount, "signed_on": signed, "performance_due": None,
            "performed": None, "performed_on": None})
        self.end_attempt(AGREEMENT, signed)
        self.close(Outcome.PRE_ARBITRATION_MEDIATED, signed)

    def do_pre_fail(self) -> None:
        ended = self.later(2, 10)
        self.emit("end_pre_arbitration_mediation", self.mediator, S.ARBITRATION_REVIEW, ended,
                  {"tier": "pre_arbitration", "organization": self.w.commission_id})
        self.end_attempt(FAILURE, ended, self.rng.choice(demo.FAILURE_REASONS))
        self.mediator = None

    def do_refuse(self) -> None:
        day, due = self.decision_day()
        self.emit("refuse", self.w.filing_officer, S.NOT_ACCEPTED, day,
                  {"decision_due": due.isoformat(), "on_time": day <= due})
        assert self.record is not None
        self.record["refusal_reason"] = self.rng.choice(demo.REFUSAL_REASONS)
        self.closed_on = day

    # -- arbitration -----------------------------------------------------------------------

    def do_accept(self) -> None:
        assert self.record is not None
        day, due = self.decision_day()
        self.simplified = not self.subject.is_collective and self.rng.random() < 0.3
        procedure = Procedure.SIMPLIFIED if self.simplified else Procedure.ORDINARY
        # Unique by the case id; never the shape `next_case_number` makes (4 digits).
        number = f"{self.w.commission_prefix}〔{day.year}〕第{self.id:07d}号"
        payload: dict[str, Any] = {"case_number": number, "procedure": procedure,
                                   "decision_due": due.isoformat(), "on_time": day <= due}
        if self.simplified:
            payload["simplified_grounds"] = ["facts_clear"]  # Rules art. 56
        self.emit("accept", self.w.filing_officer, S.ACCEPTED, day, payload)
        self.record.update(case_number=number, accepted_on=day, procedure=procedure,
                           award_clock_started_on=day)
        self.award_start = day
        # Law art. 30: the copy goes to the respondent within 5 working days.
        served = self.later(0, 3)
        served_due = clocks.due_date("serve_application", day).date
        self.emit("serve_application", self.w.filing_officer, S.ACCEPTED, served, {
            "served_on": served.isoformat(), "due": served_due.isoformat(),
            "on_time": served <= served_due})
        self.record["application_served_on"] = served

    def do_tribunal(self) -> None:
        assert self.record is not None
        pool = list(self.w.arbitrators)
        recused, company = self.w.recused
        if self.company.name == company:
            pool.remove(recused)  # Law art. 33: the declared relation keeps them off
        self.rng.shuffle(pool)
        members = pool[:1] if self.simplified else pool[:3]
        formed = self.later(0, 2)
        self.emit("form_tribunal", self.w.chair, self.status, formed,
                  {"arbitrators": members, "presiding": members[0]})
        for i, member in enumerate(members):
            seat = (TribunalMember.Seat.SOLE if len(members) == 1 else
                    TribunalMember.Seat.PRESIDING if i == 0 else TribunalMember.Seat.MEMBER)
            self.add("tribunal", {"id": self.c.ids.take("tribunal"),
                                  "record_id": self.record["id"], "arbitrator_id": member,
                                  "seat": seat})
        self.tribunal = members
        self.record["tribunal_formed_on"] = formed
        served = self.record["application_served_on"]
        if served is not None and self.rng.random() < 0.8:  # some respondents never answer
            received = self.later(2, 9)
            due = clocks.due_date("defence", served).date
            self.emit("record_defence", self.w.filing_officer, self.status, received, {
                "received_on": received.isoformat(), "due": due.isoformat(),
                "on_time": received <= due})
            self.record["defence_received_on"] = received

    def schedule(self, kind: str, occurred: dt.date, notice: dt.date,
                 extra: dict[str, Any]) -> dict[str, Any]:
        assert self.record is not None
        earliest = clocks.earliest_hearing_date(notice).date  # Law art. 35: ≥ 5 days
        day = self.workday(earliest + dt.timedelta(days=self.roll(0, 9)))
        when = self.at(day, *self.rng.choice([(9, 0), (9, 30), (14, 30)]))
        room = self.rng.choice(demo.HEARING_ROOMS)
        hearing_id = self.c.ids.take("hearing")
        self.emit(kind, self.tribunal[0], S.HEARING_SCHEDULED, occurred, {
            "hearing": hearing_id, "scheduled_for": when.isoformat(), "location": room, **extra})
        self.hearing_day = day
        return self.add("hearing", {
            "id": hearing_id, "record_id": self.record["id"], "scheduled_for": when,
            "notice_served_on": notice, "location": room, "state": Hearing.State.SCHEDULED,
            "postponement_reason": ""})

    def do_hearing(self) -> None:
        notice = self.later(1, 5)
        self.hearing = self.schedule("schedule_hearing", notice, notice, {})

    def do_postpone(self) -> None:
        assert self.hearing is not None
        latest = clocks.latest_postponement_request(self.hearing_day).date  # Law art. 35
        requested = self.workday_back(min(latest, self.day + dt.timedelta(days=self.roll(0, 4))))
        self.day = requested = max(requested, self.day)
        notice = self.later(0, 4)
        old = self.hearing
        reason = self.rng.choice(POSTPONE_REASONS)
        self.hearing = self.schedule("postpone_hearing", requested, notice, {"postponed": old["id"]})
        old.update(state=Hearing.State.POSTPONED, postponement_reason=reason)

    def do_conclude(self) -> None:
        assert self.hearing is not None
        self.day = max(self.day, self.hearing_day)
        self.emit("conclude_hearing", self.tribunal[0], S.DELIBERATION, self.day,
                  {"hearing": self.hearing["id"]})
        self.hearing["state"] = Hearing.State.HELD

    def do_amend(self) -> None:
        assert self.record is not None
        day = self.later(1, 6)
        amount = demo.money(self.rng.uniform(1500, 12000))
        claim_id = self.c.ids.take("claim")
        self.emit("amend_claims", self.w.filing_officer, self.status, day, {
            "claims": [claim_id], "counter_claim": False,
            "award_clock_restarted_on": day.isoformat()})
        self.claims.append(self.add("claim", {
            "id": claim_id, "dispute_id": self.id, "item_type": "overtime_pay",
            "description": "增加请求：支付延时加班工资", "amount": amount,
            "is_counter_claim": False, "added_on": day}))
        self.record["award_clock_started_on"] = self.award_start = day  # Rules art. 46

    def award(self, kind: str, day: dt.date, result: str, reasoning: str,
              indexes: list[int], award_id: int) -> None:
        assert self.record is not None
        self.add("award", {"id": award_id, "record_id": self.record["id"], "kind": kind,
                           "issued_on": day, "reasoning": reasoning, "result": result})
        items: list[tuple[int, str, Decimal | None]] = []
        for n, index in enumerate(indexes):
            amount = self.claims[index]["amount"]
            if result == "employer_won":
                items.append((index, AwardItem.Decision.DISMISSED, None))
            elif result == "worker_won" or n == 0 or amount is None:
                items.append((index, AwardItem.Decision.GRANTED, amount))
            else:
                items.append((index, AwardItem.Decision.PARTLY_GRANTED,
                              demo.money(float(amount) * self.rng.uniform(0.3, 0.8))))
        decision = rules.is_final_award(
            [rules.ClaimItem(kind=self.claims[i]["item_type"],
                             amount=granted if granted is not None else self.claims[i]["amount"])
             for i, _, granted in items],
            award_date=day, region_code=self.w.region_code)
        for (index, verdict, granted), finality in zip(items, decision.items, strict=True):
            self.add("award_item", {
                "id": self.c.ids.take("award_item"), "award_id": award_id,
                "claim_id": self.claims[index]["id"], "decision": verdict,
                "granted_amount": granted, "is_final": finality.is_final,
                "final_reason": finality.reason_zh[:200]})
        self.decided.update(indexes)

    def do_partial(self) -> None:
        # Rules art. 51: part of the facts are clear; the first claim is decided first.
        day = self.later(0, 3)
        award_id = self.c.ids.take("award")
        self.emit("issue_partial_award", self.tribunal[0], self.status, day,
                  {"award": award_id, "kind": Award.Kind.PARTIAL})
        self.award(Award.Kind.PARTIAL, day, "worker_won", "部分事实已经清楚，先行裁决。", [0],
                   award_id)

    def award_deadline(self) -> dt.date:
        return clocks.read_clock("award", self.award_start, today=self.day, pauses=self.pauses,
                                 extension_days=self.extension).due_on

    def do_award(self) -> None:
        deadline = self.award_deadline()
        if self.rng.random() < 0.03:
            day = self.later(1, 4, not_before=deadline + ONE_DAY)
        else:
            day = self.later(3, 14)
            if day > deadline:
                self.day = day = max(self.workday_back(deadline), self.last_day)
        result = self.rng.choices(["worker_won", "partly", "employer_won"], [35, 45, 20])[0]
        undecided = [i for i in range(len(self.claims)) if i not in self.decided]
        if len(undecided) == 1 and result == "partly":
            result = "worker_won"
        award_id = self.c.ids.take("award")
        self.emit("issue_award", self.tribunal[0], S.CLOSED, day,
                  {"award": award_id, "kind": Award.Kind.FINAL, "result": result})
        self.award(Award.Kind.FINAL, day, result, AWARD_REASONING, undecided, award_id)
        self.close(Outcome.AWARD, day)

    def do_statement(self) -> None:
        assert self.record is not None
        if self.status == S.HEARING_SCHEDULED and self.hearing_day >= self.day:
            self.day = self.hearing_day  # mediated at the hearing (Law art. 42)
        else:
            self.later(0, 6)
        amount = self.amount_agreed()
        agreement_id = self.c.ids.take("agreement")
        self.emit("issue_mediation_statement", self.tribunal[0], S.CLOSED, self.day, {
            "agreement": agreement_id, "total_amount": str(amount), "tier": "arbitral",
            "organization": self.w.commission_id})
        attempt = self.add("attempt", {
            "id": self.c.ids.take("attempt"), "dispute_id": self.id,
            "organization_id": self.w.commission_id, "tier": "arbitral", "mediator_id": None,
            "received_on": self.record["accepted_on"] or self.day, "ended_on": self.day,
            "result": AGREEMENT, "failure_reason": ""})
        self.add("agreement", {
            "id": agreement_id, "attempt_id": attempt["id"],
            "terms": f"被申请人于调解书生效之日起十日内支付申请人{amount:.0f}元。",
            "total_amount": amount, "signed_on": self.day, "performance_due": None,
            "performed": None, "performed_on": None})
        self.close(Outcome.MEDIATION_STATEMENT, self.day)

    def do_extend(self) -> None:
        assert self.record is not None
        deadline = self.award_deadline()
        self.day = max(self.day, self.workday_back(
            deadline - dt.timedelta(days=self.roll(1, 6))))
        days = self.rng.choice([10, 15])
        self.emit("extend_award_deadline", self.w.chair, self.status, self.day,
                  {"days": days, "reason": EXTEND_REASON})
        self.record.update(extension_days=days, extension_approved_on=self.day)
        self.extension = days
        self.day = max(self.day, deadline)  # the award comes after the original deadline

    def do_suspend(self) -> None:
        assert self.record is not None
        day = self.later(2, 10)
        reason = ("awaiting_appraisal" if self.subject.dispute_type == "work_injury"
                  else self.rng.choice(["awaiting_other_case", "employer_ended", "other"]))
        before = self.status
        self.emit("suspend", self.w.chair, S.SUSPENDED, day, {"reason": reason})
        self.suspended_from = before
        self.suspension = self.add("suspension", {
            "id": self.c.ids.take("suspension"), "record_id": self.record["id"],
            "reason": reason, "note": demo.SUSPENSION_NOTES[reason], "started_on": day,
            "ended_on": None})

    def do_resume(self) -> None:
        assert self.suspension is not None
        started = self.suspension["started_on"]
        day = self.later(10, 120)  # appraisals and other cases take months
        self.emit("resume", self.w.chair, self.suspended_from, day,
                  {"suspended_days": (day - started).days})
        self.suspension["ended_on"] = day
        self.pauses.append(clocks.Pause(started, day))  # Rules art. 47: the clock stopped
        self.suspended_from = ""

    def do_terminate(self) -> None:
        self.day = max(self.day, self.hearing_day)
        self.emit("terminate", self.w.chair, S.CLOSED, self.day, {"reason": TERMINATE_REASON})
        self.close(Outcome.OTHER, self.day)

