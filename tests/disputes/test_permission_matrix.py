"""Every persona x every transition, on a case in a state where the transition is allowed.

A persona outside the case's scope gets NotInScope (404); one who sees the case but may
not act gets ActionNotPermitted; a permitted one succeeds. Refusals change nothing.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from disputes import access
from disputes.errors import ActionNotPermitted, NotInScope
from disputes.lifecycle import TRANSITIONS
from disputes.models import Status
from disputes.services import dispute_transition
from mediation.models import Membership, Role
from tests.world import PERSONAS, World, sample_input

S = Status
# Where each transition is tried (the case is at the first street center, or the commission).
STATE_FOR = {
    "route_to_enterprise": S.SUBMITTED, "route_to_street": S.SUBMITTED,
    "route_to_union": S.SUBMITTED, "assign_mediator": S.STREET_MEDIATION,
    "schedule_mediation_session": S.STREET_MEDIATION, "record_agreement": S.STREET_MEDIATION,
    "record_failure": S.STREET_MEDIATION, "confirm_performance": S.MEDIATION_SUCCEEDED,
    "apply_for_arbitration": S.MEDIATION_FAILED,
    "refer_to_pre_arbitration_mediation": S.ARBITRATION_REVIEW,
    "record_pre_arbitration_agreement": S.PRE_ARBITRATION_MEDIATION,
    "end_pre_arbitration_mediation": S.PRE_ARBITRATION_MEDIATION,
    "accept": S.ARBITRATION_REVIEW, "refuse": S.ARBITRATION_REVIEW,
    "serve_application": S.ACCEPTED, "record_defence": S.ACCEPTED,
    "form_tribunal": S.ACCEPTED, "schedule_hearing": S.ACCEPTED,
    "postpone_hearing": S.HEARING_SCHEDULED, "conclude_hearing": S.HEARING_SCHEDULED,
    "amend_claims": S.ACCEPTED, "issue_partial_award": S.DELIBERATION,
    "issue_mediation_statement": S.HEARING_SCHEDULED, "issue_award": S.DELIBERATION,
    "extend_award_deadline": S.ACCEPTED, "suspend": S.ACCEPTED, "resume": S.SUSPENDED,
    "withdraw": S.STREET_MEDIATION, "terminate": S.ACCEPTED,
}

STREET = {"clerk", "head", "mediator"}
# Who may act, written out by hand from DOMAIN.md's roles.
MAY_ACT: dict[str, set[str]] = {
    "route_to_enterprise": STREET, "route_to_street": STREET, "route_to_union": STREET,
    "assign_mediator": {"head"},
    "schedule_mediation_session": {"mediator", "head"},
    "record_agreement": {"mediator", "head"},
    "record_failure": {"mediator", "head"},
    "confirm_performance": {"mediator", "head", "worker"},
    "apply_for_arbitration": STREET | {"worker", "filing_officer"},
    "refer_to_pre_arbitration_mediation": {"filing_officer"},
    "record_pre_arbitration_agreement": {"filing_officer", "arbitrator", "arbitrator2"},
    "end_pre_arbitration_mediation": {"filing_officer", "arbitrator", "arbitrator2"},
    "accept": {"filing_officer"}, "refuse": {"filing_officer"},
    # The tribunal is formed on these cases: only its arbitrator acts, not arbitrator2.
    "serve_application": {"filing_officer", "arbitrator"},
    "record_defence": {"filing_officer", "arbitrator"},
    "form_tribunal": {"chair"},
    "schedule_hearing": {"arbitrator"}, "postpone_hearing": {"arbitrator"},
    "conclude_hearing": {"arbitrator"},
    "amend_claims": {"arbitrator", "filing_officer"},
    "issue_partial_award": {"arbitrator"}, "issue_mediation_statement": {"arbitrator"},
    "issue_award": {"arbitrator"},
    "extend_award_deadline": {"chair"}, "suspend": {"chair"}, "resume": {"chair"},
    "withdraw": STREET | {"worker"}, "terminate": {"chair"},
}
STREET_STATES = {S.SUBMITTED, S.STREET_MEDIATION, S.MEDIATION_SUCCEEDED, S.MEDIATION_FAILED}
# Who sees the case at all (else 404): parties, the bureau, the organizations involved.
SEES_AT_STREET = STREET | {"worker", "employer", "supervisor"}
SEES_AT_COMMISSION = SEES_AT_STREET | {"filing_officer", "arbitrator", "arbitrator2", "chair"}


class Rollback(Exception):
    pass


def test_the_matrix_covers_every_transition() -> None:
    assert set(MAY_ACT) == set(TRANSITIONS) == set(STATE_FOR)


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_permission_matrix(world: World, name: str) -> None:
    dispute = world.case_in(STATE_FOR[name])
    sees = SEES_AT_STREET if STATE_FOR[name] in STREET_STATES else SEES_AT_COMMISSION
    before = (dispute.status, dispute.version, dispute.event_seq)
    for persona in [*PERSONAS, "anonymous"]:
        user = AnonymousUser() if persona == "anonymous" else world.users[persona]
        data = sample_input(name, world, dispute)
        if persona in MAY_ACT[name]:
            with pytest.raises(Rollback), transaction.atomic():
                after = dispute_transition(dispute=dispute, actor=user, name=name, data=data)
                assert after.version == before[1] + 1, persona
                raise Rollback
        else:
            expected = ActionNotPermitted if persona in sees else NotInScope
            with pytest.raises(expected):
                dispute_transition(dispute=dispute, actor=user, name=name, data=data)
        assert access.can_perform(user, dispute, name) == (persona in MAY_ACT[name]), persona
        dispute.refresh_from_db()
        assert (dispute.status, dispute.version, dispute.event_seq) == before


def test_a_mediator_of_another_center_does_not_see_the_case(world: World) -> None:
    dispute = world.case_in(S.STREET_MEDIATION)
    assert not access.can_view(world.mediator2, dispute)
    assert dispute not in access.disputes_for_user(world.mediator2)
    assert dispute in access.disputes_for_user(world.mediator)


def test_a_worker_who_is_not_a_party_does_not_see_the_case(world: World) -> None:
    dispute = world.case_in(S.SUBMITTED)
    with pytest.raises(NotInScope):
        access.access_dispute(world.other_worker, dispute.pk)
    assert access.access_dispute(world.worker, dispute.pk) == dispute


def test_an_assigned_mediator_excludes_colleagues(world: World) -> None:
    colleague = get_user_model().objects.create_user(username="colleague")
    Membership.objects.create(user=colleague, organization=world.center, role=Role.MEDIATOR)
    dispute = world.case_in(S.STREET_MEDIATION)
    world.do("assign_mediator", dispute)
    dispute.refresh_from_db()
    assert access.can_perform(world.mediator, dispute, "record_agreement")
    assert not access.can_perform(colleague, dispute, "record_agreement")
