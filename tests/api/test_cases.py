"""The case list and detail: scope, filters, pagination, masking, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.identifiers import mask_id_number
from disputes.models import Dispute, Party
from tests.world import days_ago, resident_id

pytestmark = pytest.mark.django_db

LIST = "/api/v1/disputes/"


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_persona_lists_exactly_the_cases_in_its_scope(world, client_as) -> None:
    street = world.case_in("street_mediation")
    union = world.case_in("union_mediation")
    arbitration = world.case_in("accepted")
    elsewhere = world.submit(organization=world.center2)
    assert ids(client_as("mediator").get(LIST)) == {street.pk, arbitration.pk}
    assert ids(client_as("mediator2").get(LIST)) == {elsewhere.pk}
    assert ids(client_as("union_mediator").get(LIST)) == {union.pk}
    assert ids(client_as("filing_officer").get(LIST)) == {arbitration.pk}
    assert ids(client_as("supervisor").get(LIST)) == {street.pk, union.pk, arbitration.pk,
                                                      elsewhere.pk}
    assert ids(client_as("worker").get(LIST)) == {street.pk, union.pk, arbitration.pk,
                                                  elsewhere.pk}
    assert ids(client_as("other_worker").get(LIST)) == set()


def test_anonymous_is_asked_to_authenticate(world, client_as) -> None:
    response = client_as(None).get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_case_outside_scope_answers_404_never_403(world, client_as) -> None:
    case = world.case_in("street_mediation")
    for persona in ["mediator2", "union_mediator", "other_worker", "filing_officer"]:
        response = client_as(persona).get(f"{LIST}{case.pk}/")
        assert response.status_code == 404, persona
        assert response.json()["code"] == "not_found"
    assert client_as("mediator").get(f"{LIST}{case.pk}/").status_code == 200
    assert client_as("mediator").get(f"{LIST}999999/").status_code == 404


def test_filters_narrow_the_scope(world, client_as) -> None:
    street = world.case_in("street_mediation")
    failed = world.case_in("mediation_failed")
    union = world.case_in("union_mediation")
    Party.objects.filter(dispute=union, side="applicant").update(name="欧阳娜娜")
    union.is_migrant_wage = True
    union.save(update_fields=["is_migrant_wage"])
    sup = client_as("supervisor")
    assert ids(sup.get(LIST, {"status": "street_mediation"})) == {street.pk}
    assert ids(sup.get(LIST, {"status": ["street_mediation", "mediation_failed"]})) == {
        street.pk, failed.pk}
    assert ids(sup.get(LIST, {"tier": "union"})) == {union.pk}
    assert ids(sup.get(LIST, {"tier": "street"})) == {street.pk, failed.pk}
    assert ids(sup.get(LIST, {"is_migrant_wage": "true"})) == {union.pk}
    assert ids(sup.get(LIST, {"q": "欧阳"})) == {union.pk}
    assert ids(sup.get(LIST, {"q": street.tracking_number.lower()})) == {street.pk}
    assert ids(sup.get(LIST, {"organization": world.union.pk})) == {union.pk}
    assert ids(sup.get(LIST, {"dispute_type": "wages"})) == {street.pk, failed.pk, union.pk}
    assert ids(sup.get(LIST, {"received_after": "2999-01-01"})) == set()
    # A filter never widens the scope: mediator2 asking for center's cases gets none.
    assert ids(client_as("mediator2").get(LIST, {"organization": world.center.pk})) == set()


def test_bad_filter_values_answer_400_with_the_field(world, client_as) -> None:
    response = client_as("supervisor").get(LIST, {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    response = client_as("supervisor").get(LIST, {"received_after": "31/02/2026"})
    assert response.status_code == 400
    assert "received_after" in response.json()["errors"]


def test_cursor_pagination_walks_every_case_once(world, client_as) -> None:
    made = {world.submit().pk for _ in range(7)}
    seen: list[int] = []
    url: str | None = f"{LIST}?page_size=3"
    pages = 0
    while url:
        body = client_as("supervisor").get(url).json()
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(made)


def test_ordering_by_id_ascending(world, client_as) -> None:
    made = [world.submit().pk for _ in range(4)]
    body = client_as("supervisor").get(LIST, {"ordering": "id"}).json()
    assert [row["id"] for row in body["results"]] == sorted(made)


def test_list_query_count_does_not_grow_with_the_page(world, client_as) -> None:
    """The same queries for 5 cases and for 50, with the organization and street names
    read (cold: one query more) and with them in memory (selectors.names_for)."""
    from disputes.selectors.references import names_cache

    def queries(size: int) -> tuple[int, int]:
        counts = []
        for cold in (True, False):
            if cold:
                names_cache.invalidate()
            with CaptureQueriesContext(connection) as captured:
                body = client_as("supervisor").get(LIST, {"page_size": size}).json()
            assert len(body["results"]) == size
            counts.append(len(captured.captured_queries))
        return counts[0], counts[1]

    for _ in range(5):
        world.case_in("accepted")
    five = queries(5)
    for _ in range(45):
        world.case_in("street_mediation")
    fifty = queries(50)
    assert fifty == five
    assert five[0] == five[1] + 1


def test_the_list_shows_a_renamed_organization_and_a_new_street(world, client_as) -> None:
    """The names in memory follow a save at once (in this process), and a row they do not
    know yet (bulk_create sends no signal, like a row added by another process) makes
    them load again."""
    from mediation.models import Street

    case = world.case_in("street_mediation")
    client_as("supervisor").get(LIST)  # the names are now in memory
    organization = case.organization
    organization.name = "更名后的调解中心"
    organization.save()
    [street] = Street.objects.bulk_create(
        [Street(district=case.district, code="420112999", name="新设街道",
                latitude="30.6", longitude="114.1")])
    type(case).objects.filter(pk=case.pk).update(street=street)
    row = next(r for r in client_as("supervisor").get(LIST).json()["results"]
               if r["id"] == case.pk)
    assert row["organization"]["name"] == "更名后的调解中心"
    assert row["street"] == {"id": street.pk, "code": "420112999", "name": "新设街道"}


def test_detail_has_everything_a_case_screen_needs(world, client_as) -> None:
    case = world.case_in("hearing_scheduled")
    body = client_as("arbitrator").get(f"{LIST}{case.pk}/").json()
    assert body["version"] == case.version
    assert body["status"] == "hearing_scheduled"
    assert body["status_label"] == "已排期开庭"
    assert {p["side"] for p in body["parties"]} == {"applicant", "respondent"}
    assert body["claims"][0]["amount"] == "12000.00"
    assert body["mediation_attempts"][0]["tier"] == "street"
    assert body["arbitration"]["case_number"]
    assert len(body["arbitration"]["tribunal"]) == 3
    assert body["arbitration"]["hearings"][0]["state"] == "scheduled"
    assert [e["kind"] for e in body["timeline"]][:2] == ["submitted", "route_to_street"]
    assert [e["seq"] for e in body["timeline"]] == list(range(1, len(body["timeline"]) + 1))
    codes = {c["code"] for c in body["clocks"]}
    assert {"mediation_window", "acceptance_decision", "award"} <= codes
    names = {t["name"]: t for t in body["available_transitions"]}
    assert "conclude_hearing" in names and "postpone_hearing" in names
    assert names["conclude_hearing"]["target"] == "deliberation"
    assert names["postpone_hearing"]["target"] == "hearing_scheduled"
    assert names["conclude_hearing"]["input"] == [
        {"name": "held_on", "label": "开庭日期", "type": "date", "required": False}]
    # The chair acts on other transitions of the same case; the arbitrator not on the
    # tribunal has none.
    chair = {t["name"] for t in client_as("chair").get(f"{LIST}{case.pk}/").json()[
        "available_transitions"]}
    assert "suspend" in chair and "conclude_hearing" not in chair
    assert client_as("arbitrator2").get(f"{LIST}{case.pk}/").json()[
        "available_transitions"] == []


def test_resume_targets_the_state_the_case_was_suspended_from(world, client_as) -> None:
    case = world.case_in("suspended")
    names = {t["name"]: t for t in client_as("chair").get(f"{LIST}{case.pk}/").json()[
        "available_transitions"]}
    assert names["resume"]["target"] == "accepted"


def _party(body: dict[str, Any], side: str) -> dict[str, Any]:
    return next(p for p in body["parties"] if p["side"] == side)


def test_identifiers_are_masked_unless_the_role_needs_them(world, client_as) -> None:
    case = world.case_in("street_mediation")
    full_id = resident_id(100)
    url = f"{LIST}{case.pk}/"
    for persona in ["mediator", "head", "clerk"]:
        applicant = _party(client_as(persona).get(url).json(), "applicant")
        assert applicant["id_number"] == full_id, persona
        assert applicant["phone"] == "13800138000", persona
    supervisor = _party(client_as("supervisor").get(url).json(), "applicant")
    assert supervisor["id_number"] == mask_id_number(full_id) != full_id
    assert supervisor["phone"] == "138****8000"
    # A party sees its own identifiers, the other side's masked.
    as_worker = client_as("worker").get(url).json()
    assert _party(as_worker, "applicant")["id_number"] == full_id
    assert _party(as_worker, "applicant")["is_you"] is True
    as_employer = client_as("employer").get(url).json()
    assert _party(as_employer, "applicant")["id_number"] == mask_id_number(full_id)
    assert _party(as_employer, "respondent")["is_you"] is True
    # Event payloads are for the case's staff.
    assert all(e["payload"] == {} for e in as_worker["timeline"])


def test_list_never_carries_identifiers(world, client_as) -> None:
    case = world.case_in("street_mediation")
    text = client_as("mediator").get(LIST).content.decode()
    assert resident_id(100) not in text and "13800138000" not in text
    assert case.tracking_number in text


def test_english_labels_on_request(world, client_as) -> None:
    case = world.case_in("street_mediation")
    body = client_as("mediator").get(f"{LIST}{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["status_label"] == "In street mediation"
    assert any(t["label"] == "Record a failed mediation" for t in body["available_transitions"])


def test_staff_see_the_limitation_and_collective_notices_parties_do_not(world, client_as) -> None:
    case = world.case_in("arbitration_review", workers=10)
    Dispute.objects.filter(pk=case.pk).update(knew_on=days_ago(800),
                                              employment_ended_on=days_ago(790))
    body = client_as("filing_officer").get(f"{LIST}{case.pk}/").json()
    notices = {n["code"]: n for n in body["notices"]}
    assert notices["limitation"]["level"] == "warning"
    assert "仲裁时效" in notices["limitation"]["text"]
    assert "三人仲裁庭" in notices["collective"]["text"]
    assert client_as("worker").get(f"{LIST}{case.pk}/").json()["notices"] == []


def test_overdue_filter_and_soonest_deadline_first(world, client_as) -> None:
    late = world.case_in("arbitration_review")  # applied long ago: acceptance decision late
    fresh = world.case_in("street_mediation", received_on=days_ago(1))
    closed = world.case_in("closed")
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.next_due_clock == "acceptance_decision"
    assert late.next_due_on is not None and late.next_due_on < days_ago(0)
    assert fresh.next_due_clock == "mediation_window" and fresh.next_due_on >= days_ago(0)
    sup = client_as("supervisor")
    assert ids(sup.get(LIST, {"overdue": "true"})) == {late.pk}
    assert ids(sup.get(LIST, {"overdue": "false"})) == {fresh.pk, closed.pk}
    body = sup.get(LIST, {"ordering": "next_due_on"}).json()
    assert [row["id"] for row in body["results"]] == [late.pk, fresh.pk]
    assert ids(sup.get(LIST, {"due_before": days_ago(0).isoformat()})) == {late.pk}


def test_an_organizations_overdue_cases_by_clock(world, client_as) -> None:
    world.case_in("arbitration_review")  # the commission's decision on acceptance is late
    world.case_in("street_mediation", received_on=days_ago(1))
    body = client_as("filing_officer").get(
        f"/api/v1/organizations/{world.commission.pk}/overdue/").json()
    assert body["by_clock"] == {"acceptance_decision": 1} and body["total"] == 1
    assert ids(client_as("filing_officer").get(body["cases_url"])) == {
        Dispute.objects.get(status="arbitration_review").pk}
    assert client_as("supervisor").get(
        f"/api/v1/organizations/{world.center.pk}/overdue/").json()["total"] == 0
    assert client_as("mediator").get(
        f"/api/v1/organizations/{world.commission.pk}/overdue/").status_code == 404
