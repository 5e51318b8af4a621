"""Every state x every transition: allowed (reaches its target) or refused
(TransitionNotAllowed, state and version unchanged, no event written)."""

from __future__ import annotations

import pytest
from django_fsm import TransitionNotAllowed

from disputes import access
from disputes.lifecycle import TRANSITIONS
from disputes.models import Status
from tests.world import PATHS, World

S = Status
MEDIATING = {S.ENTERPRISE_MEDIATION, S.STREET_MEDIATION, S.UNION_MEDIATION}
ARBITRATING = {S.ACCEPTED, S.HEARING_SCHEDULED, S.DELIBERATION}
OPEN = set(S) - {S.CLOSED, S.NOT_ACCEPTED}
SAME = "same"

# The lifecycle of DOMAIN.md, written out by hand: state -> {transition: target}.
ALLOWED: dict[str, dict[str, str]] = {state: {} for state in S}
for state in (S.SUBMITTED, S.MEDIATION_FAILED):
    ALLOWED[state] |= {"route_to_enterprise": S.ENTERPRISE_MEDIATION,
                       "route_to_street": S.STREET_MEDIATION,
                       "route_to_union": S.UNION_MEDIATION,
                       "apply_for_arbitration": S.ARBITRATION_REVIEW}
for state in MEDIATING:
    # The demo cases were routed weeks ago: the 15-day window (Law art. 14) has run out.
    ALLOWED[state] |= {"apply_for_arbitration": S.ARBITRATION_REVIEW}
    ALLOWED[state] |= {"assign_mediator": SAME, "schedule_mediation_session": SAME,
                       "record_agreement": S.MEDIATION_SUCCEEDED,
                       "record_failure": S.MEDIATION_FAILED}
ALLOWED[S.MEDIATION_SUCCEEDED] |= {"confirm_performance": S.CLOSED,
                                   "apply_for_arbitration": S.ARBITRATION_REVIEW}
ALLOWED[S.ARBITRATION_REVIEW] |= {"refer_to_pre_arbitration_mediation": S.PRE_ARBITRATION_MEDIATION,
                                  "accept": S.ACCEPTED, "refuse": S.NOT_ACCEPTED}
ALLOWED[S.PRE_ARBITRATION_MEDIATION] |= {"assign_mediator": SAME,
                                         "schedule_mediation_session": SAME,
                                         "record_pre_arbitration_agreement": S.CLOSED,
                                         "end_pre_arbitration_mediation": S.ARBITRATION_REVIEW}
ALLOWED[S.ACCEPTED] |= {"form_tribunal": SAME, "schedule_hearing": S.HEARING_SCHEDULED}
ALLOWED[S.HEARING_SCHEDULED] |= {"postpone_hearing": SAME, "conclude_hearing": S.DELIBERATION}
for state in (S.ACCEPTED, S.HEARING_SCHEDULED):
    # Law art. 30: service and defence are recorded until the hearing.
    ALLOWED[state] |= {"serve_application": SAME, "record_defence": SAME}
ALLOWED[S.DELIBERATION] |= {"issue_award": S.CLOSED}
for state in ARBITRATING:
    ALLOWED[state] |= {"amend_claims": SAME, "issue_partial_award": SAME,
                       "issue_mediation_statement": S.CLOSED, "extend_award_deadline": SAME,
                       "suspend": S.SUSPENDED, "terminate": S.CLOSED}
ALLOWED[S.SUSPENDED] |= {"resume": S.ACCEPTED, "terminate": S.CLOSED}
for state in OPEN:
    ALLOWED[state]["withdraw"] = S.CLOSED

CASES = [(state, name) for state in S for name in TRANSITIONS]


def test_the_table_names_every_transition() -> None:
    named = {name for table in ALLOWED.values() for name in table}
    assert named == set(TRANSITIONS)


@pytest.fixture
def anyone_may_act(monkeypatch: pytest.MonkeyPatch) -> None:
    """The state table is the FSM's; who may act is the permission matrix's test."""
    monkeypatch.setattr(access, "require_transition", lambda user, dispute, name: None)


@pytest.mark.usefixtures("anyone_may_act")
@pytest.mark.parametrize(("state", "name"), CASES, ids=[f"{s}-{n}" for s, n in CASES])
def test_state_transition_table(world: World, state: str, name: str) -> None:
    dispute = world.case_in(state)
    before = (dispute.status, dispute.version, dispute.event_seq)
    expected = ALLOWED[state].get(name)
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            world.do(name, dispute)
        dispute.refresh_from_db()
        assert (dispute.status, dispute.version, dispute.event_seq) == before
    else:
        after = world.do(name, dispute)
        after.refresh_from_db()
        assert after.status == (state if expected == SAME else expected)
        assert after.version == before[1] + 1
        assert after.event_seq == before[2] + 1


def test_paths_reach_every_state() -> None:
    assert set(PATHS) == set(S)


def test_mediation_window_opens_arbitration_only_after_15_days(world: World) -> None:
    from disputes.models import Dispute
    from tests.world import days_ago

    dispute = world.submit(received_on=days_ago(3))
    dispute = world.do("route_to_street", dispute, received_on=days_ago(2).isoformat())
    with pytest.raises(TransitionNotAllowed):
        world.do("apply_for_arbitration", dispute, applied_on=days_ago(1).isoformat())
    assert Dispute.objects.get(pk=dispute.pk).status == S.STREET_MEDIATION
