"""Intake over the API: online applications, paper applications, Idempotency-Key."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from disputes.models import Dispute, Party
from disputes.services.intake import access_code_matches
from tests.world import credit_code, days_ago, resident_id

pytestmark = pytest.mark.django_db

ONLINE = "/api/v1/intake/online/"
COUNTER = "/api/v1/intake/counter/"


def application(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "dispute_type": "wages",
        "facts": "公司拖欠 2026 年 8 月至 10 月工资共 15000 元。",
        "parties": [
            {"side": "applicant", "kind": "worker", "name": "李四", "id_type": "resident_id",
             "id_number": resident_id(301), "phone": "13912345678"},
            {"side": "respondent", "kind": "employer", "name": "武汉某某科技有限公司",
             "id_type": "credit_code", "id_number": credit_code(301)},
        ],
        "claims": [{"item_type": "wages", "description": "支付拖欠工资", "amount": "15000.00"}],
        "street": world.streets[0].pk,
        "requested_organization": world.center.pk,
        **extra,
    }


def test_a_worker_files_online_and_gets_number_and_code_once(world, client_as) -> None:
    response = client_as("other_worker").post(ONLINE, application(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    case = Dispute.objects.get(pk=body["id"])
    assert body["tracking_number"] == case.tracking_number
    assert access_code_matches(case, body["access_code"])
    assert case.status == "submitted" and case.channel == "online"
    assert case.received_on == timezone.localdate()
    assert case.organization == world.center
    assert Party.objects.get(dispute=case, side="applicant").user == world.other_worker
    # The code is not stored and not shown again.
    detail = client_as("other_worker").get(f"/api/v1/disputes/{case.pk}/").content.decode()
    assert body["access_code"] not in detail


def test_without_an_organization_the_application_goes_to_the_commission(world, client_as) -> None:
    response = client_as("worker").post(
        ONLINE, application(world, requested_organization=None), format="json")
    assert response.status_code == 201, response.content
    assert Dispute.objects.get(pk=response.json()["id"]).organization == world.commission


def test_a_clerk_records_a_paper_application_with_its_receipt_date(world, client_as) -> None:
    response = client_as("clerk").post(
        COUNTER, application(world, received_on=days_ago(3).isoformat()), format="json")
    assert response.status_code == 201, response.content
    case = Dispute.objects.get(pk=response.json()["id"])
    assert case.channel == "counter" and case.received_on == days_ago(3)


def test_only_an_intake_clerk_records_paper_applications(world, client_as) -> None:
    data = application(world, received_on=days_ago(3).isoformat())
    for persona in ["worker", "mediator", "supervisor"]:
        assert client_as(persona).post(COUNTER, data, format="json").status_code == 403
    assert client_as(None).post(COUNTER, data, format="json").status_code == 401
    assert Dispute.objects.count() == 0


def test_online_applications_cannot_be_back_dated(world, client_as) -> None:
    response = client_as("worker").post(
        ONLINE, application(world, received_on=days_ago(30).isoformat()), format="json")
    assert response.status_code == 400
    assert "received_on" in response.json()["errors"]


@pytest.mark.parametrize("field, value", [
    ("status", "closed"), ("version", 7), ("tracking_number", "LD20260101AAAAAA"),
    ("organization", 1), ("access_code_hash", "x"), ("channel", "counter"),
    ("submitted_by", 1), ("outcome", "award"),
])
def test_engine_fields_cannot_be_set(world, client_as, field: str, value: Any) -> None:
    response = client_as("worker").post(ONLINE, application(world, **{field: value}),
                                        format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Dispute.objects.count() == 0


def test_nested_unknown_fields_are_refused_too(world, client_as) -> None:
    data = application(world)
    data["parties"][0]["user"] = world.supervisor.pk
    response = client_as("worker").post(ONLINE, data, format="json")
    assert response.status_code == 400
    assert Dispute.objects.count() == 0


def test_bad_input_answers_every_problem_in_chinese(world, client_as) -> None:
    data = application(world)
    data["parties"][0]["id_number"] = "420112199001011235"  # wrong check digit
    data["parties"].pop()  # no respondent
    data["claims"][0]["amount"] = "-1"
    data["dispute_type"] = "nonsense"
    response = client_as("worker").post(ONLINE, data, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "dispute_type" in errors and "claims" in errors
    assert Dispute.objects.count() == 0
    data = application(world)
    data["parties"][0]["id_number"] = "420112199001011235"
    data["parties"][1]["side"] = "applicant"
    response = client_as("worker").post(ONLINE, data, format="json")
    assert response.status_code == 400
    text = str(response.json()["errors"])
    assert "申请人" in text and "被申请人" in text


def test_an_intake_replayed_three_times_creates_one_case(world, client_as) -> None:
    client = client_as("worker")
    bodies = [
        client.post(ONLINE, application(world), format="json", HTTP_IDEMPOTENCY_KEY="k-123")
        for _ in range(3)
    ]
    assert [b.status_code for b in bodies] == [201, 201, 201]
    assert bodies[0].json() == bodies[1].json() == bodies[2].json()
    assert bodies[1]["Idempotent-Replayed"] == "true"
    assert Dispute.objects.count() == 1


def test_a_key_is_the_users_own(world, client_as) -> None:
    first = client_as("worker").post(ONLINE, application(world), format="json",
                                     HTTP_IDEMPOTENCY_KEY="same")
    second = client_as("other_worker").post(ONLINE, application(world), format="json",
                                            HTTP_IDEMPOTENCY_KEY="same")
    assert first.json()["id"] != second.json()["id"]
    assert Dispute.objects.count() == 2


def test_a_key_reused_for_a_different_application_is_refused(world, client_as) -> None:
    client = client_as("worker")
    assert client.post(ONLINE, application(world), format="json",
                       HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    other = application(world, facts="另一件事。")
    response = client.post(ONLINE, other, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert Dispute.objects.count() == 1


def test_a_failed_attempt_does_not_use_up_the_key(world, client_as) -> None:
    client = client_as("worker")
    bad = application(world, dispute_type="nonsense")
    assert client.post(ONLINE, bad, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 400
    response = client.post(ONLINE, application(world), format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert response.status_code == 201


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_with_one_key_create_one_case(world) -> None:
    barrier = threading.Barrier(3)
    answers: list[tuple[int, Any]] = []
    data = application(world)

    def post() -> None:
        client = APIClient()
        client.force_authenticate(world.worker)
        barrier.wait()
        try:
            r = client.post(ONLINE, data, format="json", HTTP_IDEMPOTENCY_KEY="race")
            answers.append((r.status_code, r.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [code for code, _ in answers] == [201, 201, 201]
    assert len({body["id"] for _, body in answers}) == 1
    assert Dispute.objects.count() == 1
