"""The planner: turns a case spec into dated steps that fit the law's clocks."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from disputes import calendar, clocks
from disputes.demo.plans import OPEN_RECIPES, CaseSpec, ClaimRef, OrgRef, Step, UserRef
from disputes.demo.subjects import FAILURE_REASONS, HEARING_ROOMS, REFUSAL_REASONS, SUSPENSION_NOTES, money
from disputes.demo.world import ARBITRATORS, MEDIATING, RECUSED, DemoWorld, S
from disputes.models import DisputeType, Procedure


def workday(day: dt.date) -> dt.date:
    return calendar.next_working_day_on_or_after(day).date


def workday_back(day: dt.date) -> dt.date:
    return calendar.previous_working_day_on_or_before(day).date


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class Planner:
    """Turns a spec's tokens into dated steps by permitted personas (one pass, no writes)."""

    def __init__(self, spec: CaseSpec, world: DemoWorld, today: dt.date,
                 received_on: dt.date) -> None:
        self.spec = spec
        self.world = world
        self.today = today
        self.rng = random.Random(spec.seed)  # noqa: S311 - demo data, reproducible
        self.day = received_on
        self.received_on = received_on
        self.steps: list[Step] = []
        self.status: str = S.SUBMITTED
        self.org = "commission" if spec.home == "commission" else spec.home
        self.mediator: str | None = None
        self.window_ends = dt.date.max
        self.agreement_due = dt.date.max
        self.applied_on = received_on
        self.claim_amounts: list[Decimal | None] = [c.amount for c in spec.subject.claims]
        self.decided: set[int] = set()
        self.tribunal: list[str] = []
        self.hearing: dt.date | None = None
        self.award_start = received_on
        self.pauses: list[clocks.Pause] = []
        self.extension = 0
        self.suspended_from = ""

    # -- helpers ---------------------------------------------------------------------------

    def later(self, low: int, high: int, *, not_before: dt.date | None = None) -> dt.date:
        day = self.day + dt.timedelta(days=self.rng.randint(low, high))
        if not_before is not None and day < not_before:
            day = not_before
        self.day = workday(day)
        return self.day

    def add(self, name: str, actor: str, **data: Any) -> None:
        self.steps.append(Step(name, actor, self.day, data))

    def staff(self, org: str, role: str) -> str:
        roles = self.world.staff[org]
        return roles.get(role) or roles["head"]

    @property
    def presiding(self) -> str:
        return self.tribunal[0]

    def applicant(self, fallback: str) -> str:
        """The worker persona acts for themself; other applicants go through the staff."""
        return "worker" if self.spec.persona == "worker" else fallback

    def amount_agreed(self) -> Decimal:
        total = self.spec.subject.total
        if not total:
            return money(self.rng.uniform(3000, 12000))
        return money(float(total) * self.rng.uniform(0.55, 0.95))

    def award_deadline(self) -> dt.date:
        return clocks.read_clock("award", self.award_start, today=self.day,
                                 pauses=self.pauses, extension_days=self.extension).due_on

    # -- the plan --------------------------------------------------------------------------

    def plan(self) -> list[Step]:
        spec = self.spec
        if spec.online:
            self.add("submit", "worker")
        else:
            self.add("submit", self.staff(self.org, "clerk"))
        for token in spec.tokens:
            name, _, arg = token.partition(":")
            getattr(self, f"do_{name}")(arg) if arg else getattr(self, f"do_{name}")()
        return self.steps

    def do_direct(self) -> None:
        pass  # filed at the commission: "apply" follows on the same day

    def do_route(self, tier: str) -> None:
        org = {"street": self.spec.home, "peoples": "peoples", "union": "union",
               "enterprise": self.spec.enterprise or "peoples"}[tier]
        router = self.staff(self.org, "clerk")
        day = self.later(0, 2) if self.status == S.SUBMITTED else self.later(1, 5)
        name = {"street": "route_to_street", "peoples": "route_to_street",
                "union": "route_to_union", "enterprise": "route_to_enterprise"}[tier]
        self.add(name, router, organization=OrgRef(org), received_on=day)
        self.org = org
        self.mediator = None
        self.window_ends = clocks.due_date("mediation_window", day).date
        self.status = {"route_to_street": S.STREET_MEDIATION, "route_to_union": S.UNION_MEDIATION,
                       "route_to_enterprise": S.ENTERPRISE_MEDIATION}[name]

    def mediator_of(self) -> str:
        return self.mediator or self.staff(self.org, "mediator")

    def do_agree(self) -> None:
        signed = self.later(2, 13)
        due = signed + dt.timedelta(days=self.rng.choice([7, 10, 15, 20, 30]))
        amount = self.amount_agreed()
        self.add("record_agreement", self.mediator_of(), signed_on=signed, performance_due=due,
                 total_amount=str(amount),
                 terms=f"被申请人于{due:%Y年%m月%d日}前一次性支付申请人{amount:.0f}元，"
                       "双方劳动争议就此了结。")
        self.agreement_due = due
        self.status = S.MEDIATION_SUCCEEDED

    def do_fail(self) -> None:
        ended = self.later(3, 14)
        self.add("record_failure", self.mediator_of(), ended_on=ended,
                 reason=self.rng.choice(FAILURE_REASONS))
        self.status = S.MEDIATION_FAILED

    def do_perform(self) -> None:
        days = max(1, (self.agreement_due - self.day).days)
        performed = self.later(1, days if self.rng.random() < 0.9 else days + 10)
        self.add("confirm_performance", self.applicant(self.mediator_of()),
                 performed_on=performed)
        self.status = S.CLOSED

    def do_extras(self) -> None:
        """An open mediation: the head assigns a mediator, who books a session. These
        services date their events today, so only cases still open get them."""
        if self.status == S.PRE_ARBITRATION_MEDIATION:
            mediator = self.mediator_of()
        else:
            mediator = self.staff(self.org, "mediator")
            self.add("assign_mediator", self.staff(self.org, "head"), mediator=UserRef(mediator))
            self.mediator = mediator
        session = workday(self.today + dt.timedelta(days=self.rng.randint(-3, 8)))
        session = max(session, self.day)
        place = self.world.orgs[self.org]
        self.add("schedule_mediation_session", mediator,
                 scheduled_for=at(session, *self.rng.choice([(9, 30), (14, 30)])),
                 location=f"{place.short_name or place.name}调解室")

    def do_apply(self) -> None:
        if self.status == S.SUBMITTED:
            actor = self.staff("commission", "clerk")
            day = self.day
        elif self.status in MEDIATING:
            # Law art. 14: only once the 15-day window has run out without agreement.
            day = self.later(1, 8, not_before=self.window_ends + dt.timedelta(days=1))
            actor = self.applicant(self.staff(self.org, "clerk"))
        elif self.status == S.MEDIATION_SUCCEEDED:
            # Law art. 15: the employer did not perform the agreement.
            day = self.later(1, 10, not_before=self.agreement_due + dt.timedelta(days=1))
            actor = self.applicant(self.staff(self.org, "clerk"))
        else:
            day = self.later(1, 10)
            actor = self.applicant(self.staff(self.org, "clerk"))
        self.add("apply_for_arbitration", actor, applied_on=day)
        self.applied_on = day
        self.org = "commission"
        self.mediator = None
        self.status = S.ARBITRATION_REVIEW

    def decision_day(self) -> dt.date:
        """Within the 5 working days of Law art. 29 (a few decided late)."""
        due = clocks.due_date("acceptance_decision", self.applied_on).date
        if self.spec.late and self.rng.random() < 0.5:
            return self.later(1, 3, not_before=due + dt.timedelta(days=1))
        before = self.day
        day = self.later(0, 4)
        if day > due:
            self.day = day = max(before, workday_back(due))
        return day

    def do_refer(self) -> None:
        day = self.later(0, 2)
        mediator = self.rng.choice(["commission_mediator", "commission_mediator",
                                    *ARBITRATORS[3:]])
        self.add("refer_to_pre_arbitration_mediation", "filing_officer", referred_on=day,
                 mediator=UserRef(mediator))
        self.mediator = mediator
        self.status = S.PRE_ARBITRATION_MEDIATION

    def do_pre_agree(self) -> None:
        signed = self.later(2, 10)
        amount = self.amount_agreed()
        self.add("record_pre_arbitration_agreement", self.mediator_of(), signed_on=signed,
                 total_amount=str(amount),
                 terms=f"被申请人当场支付申请人{amount:.0f}元，申请人撤回仲裁申请。")
        self.status = S.CLOSED

    def do_pre_fail(self) -> None:
        ended = self.later(2, 10)
        self.add("end_pre_arbitration_mediation", self.mediator_of(), ended_on=ended,
                 reason=self.rng.choice(FAILURE_REASONS))
        self.mediator = None
        self.status = S.ARBITRATION_REVIEW

    def do_accept(self) -> None:
        day = self.decision_day()
        findings: dict[str, bool] = {}
        if self.spec.simplified:
            # Rules art. 56: the filing officer finds the facts clear (one ground suffices).
            findings = {"facts_clear": True, "parties_agree": self.rng.random() < 0.5}
        procedure = Procedure.SIMPLIFIED if self.spec.simplified else Procedure.ORDINARY
        self.add("accept", "filing_officer", accepted_on=day, procedure=procedure, **findings)
        self.award_start = day
        self.status = S.ACCEPTED
        # Law art. 30: the copy goes to the respondent within 5 working days.
        self.add("serve_application", "filing_officer", served_on=self.later(0, 3))

    def do_refuse(self) -> None:
        day = self.decision_day()
        self.add("refuse", "filing_officer", decided_on=day,
                 reason=self.rng.choice(REFUSAL_REASONS))
        self.status = S.NOT_ACCEPTED

    def do_tribunal(self) -> None:
        pool = list(ARBITRATORS)
        if self.spec.company == RECUSED[1]:
            pool.remove(RECUSED[0])  # Law art. 33: the declared relation keeps them off
        self.rng.shuffle(pool)
        if "arbitrator" in pool and self.rng.random() < 0.45:
            pool.remove("arbitrator")
            pool.insert(0, "arbitrator")  # the persona presides over many cases
        self.tribunal = pool[:1] if self.spec.simplified else pool[:3]
        formed_on = self.later(0, 2)
        self.add("form_tribunal", "chair", arbitrators=[UserRef(u) for u in self.tribunal],
                 presiding=UserRef(self.presiding), formed_on=formed_on)
        if self.rng.random() < 0.8:  # Law art. 30: some respondents never answer
            self.add("record_defence", "filing_officer", received_on=self.later(2, 9))

    def schedule(self, name: str, **extra: Any) -> None:
        served = self.later(0, 4) if name == "postpone_hearing" else self.later(1, 5)
        earliest = clocks.earliest_hearing_date(served).date
        hearing = workday(earliest + dt.timedelta(days=self.rng.randint(0, 9)))
        self.hearing = hearing
        self.add(name, self.presiding, notice_served_on=served,
                 scheduled_for=at(hearing, *self.rng.choice([(9, 0), (9, 30), (14, 30)])),
                 location=self.rng.choice(HEARING_ROOMS), **extra)

    def do_hearing(self) -> None:
        self.schedule("schedule_hearing")
        self.status = S.HEARING_SCHEDULED

    def do_postpone(self) -> None:
        assert self.hearing is not None
        latest = clocks.latest_postponement_request(self.hearing).date  # Law art. 35
        days = [self.day + dt.timedelta(days=n) for n in range((latest - self.day).days + 1)]
        workdays = [d for d in days if calendar.is_working_day(d).working] or [self.day]
        self.day = requested = self.rng.choice(workdays)
        self.schedule("postpone_hearing", requested_on=requested,
                      reason=self.rng.choice(["申请人因病住院，提交了医院证明。",
                                              "被申请人新委托代理人，申请准备时间。",
                                              "申请人申请调取新证据。"]))

    def do_conclude(self) -> None:
        assert self.hearing is not None
        self.day = self.hearing
        self.add("conclude_hearing", self.presiding, held_on=self.hearing)
        self.status = S.DELIBERATION

    def do_amend(self) -> None:
        day = self.later(1, 6)
        amount = money(self.rng.uniform(1500, 12000))
        self.add("amend_claims", self.tribunal[0] if self.tribunal else "filing_officer",
                 amended_on=day,
                 claims=[{"item_type": "overtime_pay", "description": "增加请求：支付延时加班工资",
                          "amount": str(amount)}])
        self.claim_amounts.append(amount)
        self.award_start = day  # Rules art. 46: added claims restart the award clock

    def award_items(self, only: list[int], result: str) -> list[dict[str, Any]]:
        items = []
        for index in only:
            amount = self.claim_amounts[index]
            if result == "employer_won":
                items.append({"claim": ClaimRef(index), "decision": "dismissed",
                              "granted_amount": None})
            elif result == "worker_won" or index == only[0]:
                items.append({"claim": ClaimRef(index), "decision": "granted",
                              "granted_amount": str(amount) if amount is not None else None})
            else:
                part = money(float(amount) * self.rng.uniform(0.3, 0.8)) if amount else None
                items.append({"claim": ClaimRef(index), "decision": "partly_granted",
                              "granted_amount": str(part) if part is not None else None})
        return items

    def do_partial(self) -> None:
        # Rules art. 51: part of the facts are clear; the first claim is decided first.
        day = self.later(0, 3)
        self.add("issue_partial_award", self.presiding, issued_on=day,
                 reasoning="部分事实已经清楚，先行裁决。", result="worker_won",
                 items=self.award_items([0], "worker_won"))
        self.decided.add(0)

    def do_award(self) -> None:
        deadline = self.award_deadline()
        if self.spec.late:
            day = self.later(1, 4, not_before=deadline + dt.timedelta(days=1))
        else:
            day = self.later(3, 14)
            if day > deadline:
                self.day = day = max(workday_back(deadline), self.steps[-1].day)
        result = self.rng.choices(["worker_won", "partly", "employer_won"], [35, 45, 20])[0]
        undecided = [i for i in range(len(self.claim_amounts)) if i not in self.decided]
        if len(undecided) == 1 and result == "partly":
            result = "worker_won"
        self.add("issue_award", self.presiding, issued_on=day, result=result,
                 reasoning="经审理查明，申请人与被申请人之间存在劳动关系，本庭依据查明的事实"
                           "逐项作出裁决。", items=self.award_items(undecided, result))
        self.status = S.CLOSED

    def do_statement(self) -> None:
        day = self.hearing if self.status == S.HEARING_SCHEDULED else None
        if day is not None and day >= self.day:
            self.day = day  # mediated at the hearing (Law art. 42)
        else:
            self.later(0, 6)
        amount = self.amount_agreed()
        self.add("issue_mediation_statement", self.presiding, signed_on=self.day,
                 total_amount=str(amount),
                 terms=f"被申请人于调解书生效之日起十日内支付申请人{amount:.0f}元。")
        self.status = S.CLOSED

    def do_extend(self) -> None:
        deadline = self.award_deadline()
        self.day = max(self.day, workday_back(deadline - dt.timedelta(days=self.rng.randint(1, 6))))
        days = self.rng.choice([10, 15])
        self.add("extend_award_deadline", "chair", days=days, approved_on=self.day,
                 reason="案情复杂，需进一步调查核实加班事实，经仲裁委主任书面批准延长审限。")
        self.extension = days
        # Take the extension: the award comes after the original deadline.
        self.day = max(self.day, deadline)

    def do_suspend(self) -> None:
        day = self.later(2, 10)
        reason = ("awaiting_appraisal" if self.spec.subject.dispute_type == DisputeType.WORK_INJURY
                  else self.rng.choice(["awaiting_other_case", "employer_ended", "other"]))
        self.add("suspend", "chair", started_on=day, reason=reason, note=SUSPENSION_NOTES[reason])
        self.suspended_from = self.status
        self.status = S.SUSPENDED

    def do_resume(self) -> None:
        started = self.day
        day = self.later(10, 35)
        self.add("resume", "chair", resumed_on=day)
        self.pauses.append(clocks.Pause(started, day))  # Rules art. 47: the clock stopped
        self.status = self.suspended_from

    def do_withdraw(self) -> None:
        day = self.later(1, 10)
        if self.status in MEDIATING or self.status in (S.SUBMITTED, S.MEDIATION_FAILED):
            actor = self.applicant(self.staff(self.org, "clerk"))
        else:
            actor = self.applicant("filing_officer")
        self.add("withdraw", actor, closed_on=day,
                 reason=self.rng.choice(["双方已自行和解，申请人撤回申请。",
                                         "被申请人已支付拖欠工资，申请人撤回申请。",
                                         "申请人另行向人民法院起诉，撤回申请。"]))
        self.status = S.CLOSED

    def do_terminate(self) -> None:
        assert self.hearing is not None
        self.day = max(self.day, self.hearing)
        self.add("terminate", "chair", closed_on=self.day,
                 reason="申请人经书面通知无正当理由拒不到庭，按撤回仲裁申请处理（劳动争议调解"
                        "仲裁法第三十六条）。")
        self.status = S.CLOSED


def last_day(steps: list[Step]) -> dt.date:
    return max(s.day for s in steps)


def fitted_plan(spec: CaseSpec, world: DemoWorld, today: dt.date) -> list[Step]:
    """Plan the case, moving its receipt date until every step is in the past and, for an
    open case, its last step is about `spec.lag` days ago."""
    received = spec.received_on
    steps: list[Step] = []
    goal = today - dt.timedelta(days=spec.lag)
    is_open = spec.target in OPEN_RECIPES
    for attempt in range(30):
        steps = Planner(spec, world, today, received).plan()
        last = last_day(steps)
        # Working days shift a plan unevenly: widen the tolerance as the attempts go on.
        if last <= today and (not is_open or abs((goal - last).days) <= 3 + attempt):
            break
        shift = (goal - last).days if is_open else (today - last).days
        if last > today:
            shift = min(shift, -1)
        received = workday_back(received + dt.timedelta(days=shift))
    if last_day(steps) > today:
        raise RuntimeError(f"demo case {spec.index} does not fit before {today}")
    spec.received_on = received
    return steps
