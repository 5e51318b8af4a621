"""Each case shows its notification log: the case's staff see all of it, a party their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from disputes.models import Dispute, Status
from notifications.outbox import Parcel, deliver_all_due
from notifications.reminders import sweep_reminders
from notifications.selectors import notification_log
from tests.world import World

pytestmark = pytest.mark.django_db


def delivered(parcels: list[Parcel]) -> dict[int, str]:
    return {}


def client_for(world: World, persona: str | None) -> APIClient:
    client = APIClient()
    if persona is not None:
        # A fresh user object, as in a real request: no memberships cached on it.
        client.force_authenticate(get_user_model().objects.get(pk=world.users[persona].pk))
    return client


def url(case: Dispute) -> str:
    return f"/api/v1/disputes/{case.pk}/notifications/"


@pytest.fixture
def case(world: World) -> Dispute:
    world.employer.email = "hr@linkonggang.example.com"
    world.employer.save()
    case = world.case_in(Status.STREET_MEDIATION)
    deliver_all_due(send=delivered)
    return case


def test_the_cases_staff_read_every_message_in_order(world: World, case: Dispute) -> None:
    answer = client_for(world, "mediator").get(url(case))

    assert answer.status_code == 200
    log = answer.json()
    assert [(m["template"], m["channel"], m["recipient_kind"], m["party_side"])
            for m in log] == [
        ("case_received", "sms", "party", "applicant"),
        ("case_received", "web", "party", "applicant"),
        ("routed", "sms", "party", "applicant"),
        ("routed", "web", "party", "applicant"),
        ("routed", "email", "party", "respondent"),
        ("routed", "web", "party", "respondent"),
    ]
    sms = log[0]
    assert sms["address"] == "138****8000"  # masked, even for staff
    assert sms["recipient_name"] == "张明"
    assert (sms["status"], sms["status_label"], sms["channel_label"]) == ("pending", "待发送",
                                                                          "短信")
    assert (sms["cause"], sms["event_seq"], sms["event_kind"]) == ("event", 1, "submitted")
    assert sms["reminder_clock"] is None
    assert sms["body"].startswith("【劳动人事争议调解仲裁】张明您好")
    assert log[4]["address"] == "h***@linkonggang.example.com"
    assert "13800138000" not in answer.content.decode()
    assert "hr@linkonggang" not in answer.content.decode()


def test_a_party_reads_only_the_messages_addressed_to_them(world: World,
                                                           case: Dispute) -> None:
    worker = client_for(world, "worker").get(url(case)).json()
    employer = client_for(world, "employer").get(url(case)).json()

    assert {m["party_side"] for m in worker} == {"applicant"}
    assert len(worker) == 4
    assert [(m["template"], m["channel"]) for m in employer] == [("routed", "email"),
                                                                 ("routed", "web")]


@pytest.mark.parametrize(("persona", "status"), [
    ("clerk", 200), ("head", 200),
    ("supervisor", 403),  # sees the case, not its messages
    ("mediator2", 404), ("other_worker", 404), ("arbitrator", 404),
    (None, 401),
])
def test_who_may_read_the_log(world: World, case: Dispute, persona: str | None,
                              status: int) -> None:
    answer = client_for(world, persona).get(url(case))
    assert answer.status_code == status
    if status == 403:
        assert answer.json()["code"] == "not_permitted"
    if status == 404:
        assert answer.json()["code"] == "not_found"


def test_reminders_are_in_the_log_with_their_clock(world: World) -> None:
    case = world.case_in(Status.ARBITRATION_REVIEW)
    from tests.notifications.test_reminders import reading

    due = reading(case, "acceptance_decision").due_on
    sweep_reminders(today=due)
    log = client_for(world, "filing_officer").get(url(case)).json()
    [reminder] = [m for m in log if m["cause"] == "reminder"]
    assert reminder["recipient_kind"] == "staff"
    assert reminder["recipient_name"] == "filing_officer"
    assert (reminder["reminder_clock"], reminder["reminder_kind"], reminder["due_on"]) == (
        "acceptance_decision", "due_today", due.isoformat())
    assert reminder["party_side"] is None
    assert reminder["event_seq"] is None


def test_reading_the_log_costs_a_fixed_number_of_queries(
        world: World, case: Dispute, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        world.do("schedule_mediation_session", Dispute.objects.get(pk=case.pk))
    deliver_all_due(send=delivered)
    assert notification_log(case).count() > 10
    client = client_for(world, "mediator")
    with django_assert_max_num_queries(8):
        assert client.get(url(case)).status_code == 200
