"""The status pages: the public look-up (number + code by POST, never in the URL, throttled
on the API's counters) and a signed-in party's "my cases"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import FailureCounter
from disputes import services
from disputes.models import Channel, Dispute, Evidence, Party, Status
from disputes.tokens import dispute_from_status_token
from tests.frontend.helpers import PNG
from tests.world import World


@dataclass
class Submitted:
    dispute: Dispute
    code: str


@pytest.fixture
def submitted(world: World) -> Submitted:
    """A case at the street center, with the access code the applicant received."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)  # routed today: the window runs
    result = services.dispute_submit(actor=world.clerk,
                                     application=world.application(received_on=yesterday),
                                     channel=Channel.COUNTER)
    Party.objects.filter(dispute=result.dispute, side=Party.Side.APPLICANT).update(user=world.worker)
    world.do("route_to_street", result.dispute)
    result.dispute.refresh_from_db()
    return Submitted(result.dispute, result.access_code)


def look_up(client: Client, number: str, code: str, address: str = "203.0.113.7") -> object:
    return client.post("/status/", {"tracking_number": number, "access_code": code},
                       REMOTE_ADDR=address)


def test_the_number_and_code_open_the_status_page(submitted: Submitted) -> None:
    client = Client()
    response = look_up(client, submitted.dispute.tracking_number.lower(), submitted.code)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == "/status/case/"  # type: ignore[index]
    assert submitted.code not in response["Location"]  # type: ignore[index]
    page = client.get("/status/case/")
    body = page.content.decode()
    assert "街道劳动争议调解中心正在调解。" in body
    assert "15 日内未达成协议" in body
    assert "调解期限" in body and "还剩" in body  # the mediation window as a countdown
    assert "张*" in body and "张明" not in body  # the applicant masked
    assert submitted.dispute.tracking_number in body
    token = body.split('data-live-token="')[1].split('"')[0]
    assert dispute_from_status_token(token) == submitted.dispute.pk
    assert 'data-live-after="2"' in body


def test_the_live_part_alone_is_sent_to_htmx(submitted: Submitted,
                                             django_assert_max_num_queries: object) -> None:
    client = Client()
    look_up(client, submitted.dispute.tracking_number, submitted.code)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        part = client.get("/status/case/", headers={"HX-Request": "true"})
    body = part.content.decode()
    assert body.lstrip().startswith("{") is False
    assert 'id="case-live"' in body and "<html" not in body
    assert 'hx-trigger="case-event from:body delay:200ms"' in body  # a burst: one fetch


@pytest.mark.parametrize("wrong", ["number", "code"])
def test_a_miss_gets_one_answer_and_counts_on_the_api_counters(
        submitted: Submitted, wrong: str) -> None:
    number = "LD20260101XXXXXX" if wrong == "number" else submitted.dispute.tracking_number
    code = "AAAA-BBBB-CCCC" if wrong == "code" else submitted.code
    response = look_up(Client(), number, code)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "查询编号或查询码不正确。" in response.content.decode()  # type: ignore[attr-defined]
    assert FailureCounter.objects.filter(key=f"lookup-case:{number.upper()}").exists()
    assert FailureCounter.objects.filter(key="lookup-client:203.0.113.7").exists()


def test_guesses_through_the_page_and_the_api_share_one_budget(
        submitted: Submitted, settings: object) -> None:
    number = submitted.dispute.tracking_number
    for _ in range(4):
        look_up(Client(), number, "AAAA-BBBB-CCCC")
    api = APIClient().post("/api/v1/public/status/", {"tracking_number": number,
                                                       "access_code": "AAAA-BBBB-CCCC"},
                           format="json", REMOTE_ADDR="198.51.100.1")
    assert api.status_code == 429
    # Now even the right code is refused, from any address, until the lockout ends.
    response = look_up(Client(), number, submitted.code, address="198.51.100.2")
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert int(response["Retry-After"]) > 0  # type: ignore[index]
    assert "查询失败次数过多" in response.content.decode()  # type: ignore[attr-defined]


def test_the_status_page_needs_a_look_up_first(world: World) -> None:
    response = Client().get("/status/case/")
    assert response.status_code == 302 and response["Location"] == "/status/"


def test_a_look_up_lasts_as_long_as_the_status_token(submitted: Submitted, settings: object) -> None:
    client = Client()
    look_up(client, submitted.dispute.tracking_number, submitted.code)
    settings.STATUS_TOKEN_MAX_AGE_SECONDS = -1  # type: ignore[attr-defined]
    assert client.get("/status/case/").status_code == 302


def test_a_worker_sees_their_cases_without_a_code(
        submitted: Submitted, world: World, client_as: Callable[[str | None], Client]) -> None:
    other = world.case_in(Status.SUBMITTED)
    Party.objects.filter(dispute=other).update(user=world.other_worker)
    client = client_as("worker")
    listing = client.get("/my/cases/").content.decode()
    assert submitted.dispute.tracking_number in listing
    assert other.tracking_number not in listing
    page = client.get(f"/my/cases/{submitted.dispute.pk}/").content.decode()
    assert "街道劳动争议调解中心正在调解。" in page
    assert "支付拖欠工资" in page
    assert 'data-live-token' not in page  # the session is enough for the websocket


@pytest.mark.parametrize("persona", [None, "other_worker", "mediator2", "union_mediator",
                                     "supervisor", "mediator"])
def test_anyone_but_a_party_is_told_the_case_does_not_exist(
        submitted: Submitted, client_as: Callable[[str | None], Client], persona: str | None) -> None:
    response = client_as(persona).get(f"/my/cases/{submitted.dispute.pk}/")
    assert response.status_code == (302 if persona is None else 404)


def test_a_party_adds_evidence_from_the_case_page(
        submitted: Submitted, client_as: Callable[[str | None], Client]) -> None:
    client = client_as("worker")
    url = f"/my/cases/{submitted.dispute.pk}/evidence/"
    ok = client.post(url, {"evidence-documents": SimpleUploadedFile("合同.png", PNG),
                           "evidence-description": "劳动合同"})
    assert ok.status_code == 302
    assert Evidence.objects.get().description == "劳动合同"
    bad = client.post(url, {"evidence-documents": SimpleUploadedFile("a.exe", b"MZ\x90")})
    assert bad.status_code == 400
    assert "只接受 PDF、JPEG、PNG 或 WebP 文件" in bad.content.decode()
    assert client_as("other_worker").post(url, {}).status_code == 404


def test_my_cases_costs_a_fixed_number_of_queries(
        world: World, client_as: Callable[[str | None], Client],
        django_assert_max_num_queries: object) -> None:
    for _ in range(3):
        world.case_in(Status.ACCEPTED)
    client = client_as("worker")
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        response = client.get("/my/cases/")
    assert response.content.decode().count('class="card"') >= 3
