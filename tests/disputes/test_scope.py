"""The list scope's cheap form equals its plain definition: a staff member sees the cases
their organizations handle now, mediated before, or hold an arbitration record of."""

from __future__ import annotations

import pytest
from django.db.models import Exists, OuterRef, Q

from disputes import access, services
from disputes.models import ArbitrationRecord, Dispute, MediationAttempt, Party
from tests.world import PATHS, PERSONAS, sample_input

pytestmark = pytest.mark.django_db


def plain_scope(user) -> set[int]:
    orgs = access._staff_org_ids(user)
    scope = Q(Exists(Party.objects.filter(dispute=OuterRef("pk"), user=user)))
    scope |= Q(district_id__in=access.supervised_district_ids(user))
    scope |= Q(organization_id__in=orgs)
    scope |= Q(Exists(MediationAttempt.objects.filter(dispute=OuterRef("pk"),
                                                      organization_id__in=orgs)))
    scope |= Q(Exists(ArbitrationRecord.objects.filter(dispute=OuterRef("pk"),
                                                       commission_id__in=orgs)))
    return set(Dispute.objects.filter(scope).values_list("pk", flat=True))


def test_every_persona_sees_what_the_plain_definition_gives(world) -> None:
    for state in PATHS:
        world.case_in(state)
    # A case mediated at the union, failed, then at the street center, then to arbitration.
    case = world.case_in("union_mediation")
    services.dispute_transition(dispute=case, actor=world.union_mediator, name="record_failure",
                                data=sample_input("record_failure", world, case))
    case.refresh_from_db()
    services.dispute_transition(dispute=case, actor=world.union_mediator, name="route_to_street",
                                data=sample_input("route_to_street", world, case))
    case.refresh_from_db()
    world.do("record_failure", case)
    case.refresh_from_db()
    world.do("apply_for_arbitration", case)
    world.case_in("pre_arbitration_mediation")
    world.submit(organization=world.center2)
    for persona in PERSONAS:
        user = world.users[persona]
        fresh = type(user).objects.get(pk=user.pk)
        got = set(access.disputes_for_user(fresh).values_list("pk", flat=True))
        assert got == plain_scope(type(user).objects.get(pk=user.pk)), persona
    assert case.pk in set(access.disputes_for_user(world.union_mediator).values_list("pk", flat=True))
