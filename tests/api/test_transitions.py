"""POST /api/v1/disputes/{id}/transitions/{name}/: 200, 400, 403, 404, 409."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from disputes.lifecycle import TRANSITIONS
from disputes.models import Dispute
from tests.world import ACTORS, PATHS, sample_input

pytestmark = pytest.mark.django_db


def url(case: Dispute, name: str) -> str:
    return f"/api/v1/disputes/{case.pk}/transitions/{name}/"


def test_a_permitted_transition_answers_200_with_the_new_case(world, client_as) -> None:
    case = world.case_in("street_mediation")
    data = {**sample_input("record_failure", world, case), "version": case.version}
    response = client_as("mediator").post(url(case, "record_failure"), data, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "mediation_failed"
    assert body["version"] == case.version + 1
    assert body["timeline"][-1]["kind"] == "record_failure"
    case.refresh_from_db()
    assert case.status == "mediation_failed"


def test_prefer_return_minimal_answers_the_new_state_and_version_only(world, client_as) -> None:
    from django.test.utils import CaptureQueriesContext

    case, other = world.case_in("street_mediation"), world.case_in("street_mediation")
    data = {**sample_input("record_failure", world, case), "version": case.version}
    client = client_as("mediator")
    with CaptureQueriesContext(connection) as full:
        assert client.post(url(other, "record_failure"),
                           {**sample_input("record_failure", world, other),
                            "version": other.version}, format="json").status_code == 200
    with CaptureQueriesContext(connection) as minimal:
        response = client.post(url(case, "record_failure"), data, format="json",
                               HTTP_PREFER="handling=strict, RETURN=minimal")
    assert response.status_code == 200, response.content
    assert response["Preference-Applied"] == "return=minimal"
    assert "Prefer" in response["Vary"]
    case.refresh_from_db()
    assert response.json() == {
        "id": case.pk, "tracking_number": case.tracking_number, "status": "mediation_failed",
        "status_label": case.get_status_display(), "version": case.version,
        "outcome": case.outcome, "closed_on": None,
        "next_due_on": None if case.next_due_on is None else case.next_due_on.isoformat(),
        "next_due_clock": case.next_due_clock,
    }
    # Nothing is read back after the change.
    assert len(minimal.captured_queries) < len(full.captured_queries) - 5
    # Any other preference gets the full case.
    again = client.post(url(case, "route_to_street"),
                        {**sample_input("route_to_street", world, case), "version": case.version},
                        format="json", HTTP_PREFER="return=representation")
    assert again.status_code == 200, again.content
    assert "Preference-Applied" not in again
    assert "timeline" in again.json()


def test_if_match_header_carries_the_version(world, client_as) -> None:
    case = world.case_in("street_mediation")
    response = client_as("mediator").post(
        url(case, "record_failure"), sample_input("record_failure", world, case), format="json",
        HTTP_IF_MATCH=f'"{case.version}"')
    assert response.status_code == 200, response.content


def test_form_encoded_lists_reach_the_form(world, client_as) -> None:
    case = world.case_in("arbitration_review")
    world.do("accept", case)
    case.refresh_from_db()
    data = sample_input("form_tribunal", world, case)
    response = client_as("chair").post(url(case, "form_tribunal"),
                                       {**data, "version": case.version})
    assert response.status_code == 200, response.content
    assert len(response.json()["arbitration"]["tribunal"]) == 3


def test_missing_or_bad_version_is_a_400(world, client_as) -> None:
    case = world.case_in("street_mediation")
    data = sample_input("record_failure", world, case)
    response = client_as("mediator").post(url(case, "record_failure"), data, format="json")
    assert response.status_code == 400
    assert "version" in response.json()["errors"]
    response = client_as("mediator").post(url(case, "record_failure"),
                                          {**data, "version": "abc"}, format="json")
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "street_mediation"


def test_invalid_input_answers_400_with_field_errors_in_chinese(world, client_as) -> None:
    case = world.case_in("street_mediation")
    response = client_as("mediator").post(
        url(case, "record_agreement"),
        {"version": case.version, "terms": "", "total_amount": "-5", "signed_on": "2999-01-01"},
        format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"terms", "total_amount", "signed_on"} <= set(errors)
    assert "日期不能晚于今天" in errors["signed_on"][0]
    case.refresh_from_db()
    assert case.status == "street_mediation" and case.version == 2


@pytest.mark.parametrize("field", ["status", "version_id", "tracking_number", "organization_id",
                                   "outcome", "mediator_id"])
def test_fields_outside_the_form_are_refused(world, client_as, field: str) -> None:
    case = world.case_in("street_mediation")
    data = {**sample_input("record_failure", world, case), "version": case.version,
            field: "closed"}
    response = client_as("mediator").post(url(case, "record_failure"), data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    case.refresh_from_db()
    assert case.status == "street_mediation"


def test_route_cannot_pick_an_organization_of_the_wrong_kind(world, client_as) -> None:
    case = world.submit()
    response = client_as("clerk").post(
        url(case, "route_to_street"),
        {"organization": world.commission.pk, "version": case.version}, format="json")
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]


def test_outside_scope_is_404_and_in_scope_without_permission_is_403(world, client_as) -> None:
    case = world.case_in("street_mediation")
    data = {**sample_input("record_failure", world, case), "version": case.version}
    assert client_as("mediator2").post(url(case, "record_failure"), data,
                                       format="json").status_code == 404
    response = client_as("supervisor").post(url(case, "record_failure"), data, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert client_as("worker").post(url(case, "record_failure"), data,
                                    format="json").status_code == 403


def test_unknown_transition_name_is_404(world, client_as) -> None:
    case = world.case_in("street_mediation")
    response = client_as("mediator").post(url(case, "delete_everything"),
                                          {"version": case.version}, format="json")
    assert response.status_code == 404


def test_a_transition_the_state_does_not_allow_is_409(world, client_as) -> None:
    case = world.case_in("street_mediation")
    response = client_as("mediator").post(
        url(case, "confirm_performance"), {"version": case.version}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_a_stale_version_is_409_and_changes_nothing(world, client_as) -> None:
    case = world.case_in("street_mediation")
    data = {**sample_input("record_failure", world, case), "version": case.version - 1}
    response = client_as("mediator").post(url(case, "record_failure"), data, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    case.refresh_from_db()
    assert case.status == "street_mediation"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clients_with_the_same_version_get_one_200_and_one_409(world) -> None:
    case = world.case_in("street_mediation")
    data = {**sample_input("record_failure", world, case), "version": case.version}
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def post(persona: str) -> None:
        client = APIClient()
        client.force_authenticate(world.users[persona])
        barrier.wait()
        try:
            codes.append(client.post(url(case, "record_failure"), data, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(p,)) for p in ("mediator", "head")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    case.refresh_from_db()
    assert case.version == data["version"] + 1
    assert case.events.filter(kind="record_failure").count() == 1


# Transitions that no path of tests.world.PATHS takes, with a state they start from.
EXTRA_STEPS = [
    ("street_mediation", "assign_mediator"), ("street_mediation", "schedule_mediation_session"),
    ("pre_arbitration_mediation", "record_pre_arbitration_agreement"),
    ("pre_arbitration_mediation", "end_pre_arbitration_mediation"),
    ("accepted", "amend_claims"), ("accepted", "extend_award_deadline"),
    ("accepted", "issue_partial_award"), ("accepted", "withdraw"), ("accepted", "terminate"),
    ("hearing_scheduled", "postpone_hearing"), ("hearing_scheduled", "issue_mediation_statement"),
    ("deliberation", "issue_award"), ("suspended", "resume"),
]


def _post(world: Any, client_as: Any, case: Dispute, name: str) -> None:
    case.refresh_from_db()
    body: dict[str, Any] = {**sample_input(name, world, case), "version": case.version}
    response = client_as(ACTORS[name]).post(url(case, name), body, format="json")
    assert response.status_code == 200, (case.status, name, response.content)


def test_every_transition_is_reachable_through_the_api(world, client_as) -> None:
    """Each transition of the lifecycle, performed over HTTP by its usual persona."""
    done: set[str] = set()
    for path in PATHS.values():
        case = world.submit()
        for name in path:
            _post(world, client_as, case, name)
            done.add(name)
    for state, name in EXTRA_STEPS:
        _post(world, client_as, world.case_in(state), name)
        done.add(name)
    assert done == set(TRANSITIONS)
