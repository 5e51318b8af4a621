"""Running the plans through the real services, all steps of all cases in date order."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User

from disputes import services
from disputes.demo.choosing import CaseChooser
from disputes.demo.planner import fitted_plan
from disputes.demo.plans import CaseSpec, ClaimRef, OrgRef, Step, UserRef
from disputes.demo.world import WORKER_ID, DemoWorld
from disputes.models import Channel, Dispute, Party


def application_for(spec: CaseSpec, world: DemoWorld) -> services.Application:
    subject = spec.subject
    knew = spec.received_on - dt.timedelta(days=subject.knew_days_before)
    requested = world.orgs[spec.home] if spec.home != "commission" else None
    return services.Application(
        district=world.district,
        street=world.streets[spec.company.street],
        requested_organization=requested,
        dispute_type=subject.dispute_type,
        facts=subject.facts,
        parties=spec.parties,
        claims=subject.claims,
        received_on=spec.received_on,
        is_collective=subject.is_collective,
        is_new_employment_form=subject.is_new_employment_form,
        is_migrant_wage=subject.is_migrant_wage,
        knew_on=knew,
        employment_ended_on=knew if subject.employment_ended else None,
    )


class Runner:
    """Runs every case's steps in date order through the services."""

    def __init__(self, world: DemoWorld) -> None:
        self.world = world
        self.disputes: dict[int, Dispute] = {}
        self.claims: dict[int, list[int]] = {}

    def resolve(self, value: Any, case: int) -> Any:
        if isinstance(value, UserRef):
            return self.world.users[value.username].pk
        if isinstance(value, OrgRef):
            return self.world.orgs[value.key].pk
        if isinstance(value, ClaimRef):
            if case not in self.claims or value.index >= len(self.claims[case]):
                self.claims[case] = list(
                    self.disputes[case].claims.order_by("pk").values_list("pk", flat=True))
            return self.claims[case][value.index]
        if isinstance(value, list):
            return [self.resolve(v, case) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v, case) for k, v in value.items()}
        return value

    def submit(self, spec: CaseSpec, actor: User) -> Dispute:
        channel = Channel.ONLINE if spec.online else Channel.COUNTER
        result = services.dispute_submit(actor=actor, application=application_for(spec, self.world),
                                         channel=channel)
        dispute = result.dispute
        # The demo accounts follow their own cases (online filing links the applicant itself).
        if spec.persona == "worker" and not spec.online:
            Party.objects.filter(dispute=dispute, id_number=WORKER_ID).update(
                user=self.world.users["worker"])
        if spec.persona == "employer":
            Party.objects.filter(dispute=dispute, side=Party.Side.RESPONDENT).update(
                user=self.world.users["employer"])
        return dispute

    def run(self, plans: dict[int, tuple[CaseSpec, list[Step]]],
            progress: Callable[[int], None] | None = None) -> None:
        order = sorted(
            ((step.day, case, n, step) for case, (_, steps) in plans.items()
             for n, step in enumerate(steps)),
            key=lambda row: (row[0], row[1], row[2]),
        )
        for done, (_, case, _, step) in enumerate(order, start=1):
            spec = plans[case][0]
            actor = self.world.users[step.actor]
            try:
                if step.name == "submit":
                    self.disputes[case] = self.submit(spec, actor)
                else:
                    self.disputes[case] = services.dispute_transition(
                        dispute=self.disputes[case], actor=actor, name=step.name,
                        data=self.resolve(step.data, case))
            except Exception as exc:
                raise RuntimeError(
                    f"demo case {case} ({spec.target}, {' '.join(spec.tokens)}): "
                    f"{step.name} by {step.actor} on {step.day} failed: {exc!r}"
                ) from exc
            if progress is not None and done % 500 == 0:
                progress(done)


def build_cases(world: DemoWorld, *, count: int, seed: int, today: dt.date) -> list[Dispute]:
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    specs = CaseChooser(rng, today).choose(count)
    plans = {spec.index: (spec, fitted_plan(spec, world, today)) for spec in specs}
    runner = Runner(world)
    runner.run(plans)
    return list(runner.disputes.values())
