"""`POST /api/v1/public/status/`: the case in plain words for whoever holds its number and
access code; one answer for every miss; throttled per case and per client address."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import signing
from django.utils import timezone, translation
from rest_framework.test import APIClient

from api.models import FailureCounter
from disputes import services
from disputes.identifiers import mask_id_number, mask_phone
from disputes.models import Channel, Dispute, Outcome, Party, Status
from disputes.plain import _CLOSED, _STATES, event_label, plain_state
from disputes.services.intake import hash_access_code
from disputes.tokens import STATUS_TOKEN_SALT, dispute_from_status_token, status_token
from tests.world import World

URL = "/api/v1/public/status/"


@dataclass
class Submitted:
    dispute: Dispute
    code: str


def submit(world: World) -> Submitted:
    result = services.dispute_submit(actor=world.clerk, application=world.application(),
                                     channel=Channel.COUNTER)
    # As world.submit does: the worker persona is the applicant (some steps are theirs).
    Party.objects.filter(dispute=result.dispute, side=Party.Side.APPLICANT).update(user=world.worker)
    return Submitted(result.dispute, result.access_code)


@pytest.fixture
def submitted(world: World) -> Submitted:
    """A case at the street center, its access code as the applicant received it."""
    case = submit(world)
    world.do("route_to_street", case.dispute)
    case.dispute.refresh_from_db()
    return case


def look_up(number: str, code: str, *, address: str = "203.0.113.7",
            client: APIClient | None = None, **headers: Any) -> Any:
    return (client or APIClient()).post(
        URL, {"tracking_number": number, "access_code": code}, format="json",
        REMOTE_ADDR=address, **headers)


# -- the answer ----------------------------------------------------------------------------------

def test_the_right_number_and_code_answer_the_case_in_plain_words(submitted: Submitted,
                                                                   world: World) -> None:
    response = look_up(submitted.dispute.tracking_number, submitted.code)

    assert response.status_code == 200
    body = response.json()
    words = plain_state(Status.STREET_MEDIATION)
    assert body["tracking_number"] == submitted.dispute.tracking_number
    assert body["status"] == Status.STREET_MEDIATION
    assert body["status_label"] == "街道调解中"
    assert body["now"] == words.now_zh == "街道劳动争议调解中心正在调解。"
    assert body["next"] == words.next_zh
    assert body["received_on"] == submitted.dispute.received_on.isoformat()
    assert body["organization"] == world.center.name
    assert body["applicant"] == "张*"
    assert [e["label"] for e in body["timeline"]] == ["提交申请", "转街道调解"]
    assert [e["seq"] for e in body["timeline"]] == [1, 2]
    assert body["last_seq"] == 2
    assert [c["code"] for c in body["clocks"]]
    mediation = body["clocks"][0]
    assert set(mediation) >= {"label", "started_on", "due_on", "days_left", "state"}
    assert dispute_from_status_token(body["status_token"]) == submitted.dispute.pk


def test_the_answer_speaks_english_when_asked(submitted: Submitted) -> None:
    response = look_up(submitted.dispute.tracking_number, submitted.code,
                       HTTP_ACCEPT_LANGUAGE="en")

    body = response.json()
    assert body["now"] == plain_state(Status.STREET_MEDIATION).now_en
    assert body["timeline"][0]["label"] == "Application submitted"
    assert body["timeline"][1]["label"] == "Refer to street mediation"


def test_the_code_is_forgiving_about_dashes_spaces_and_case(submitted: Submitted) -> None:
    sloppy = submitted.code.replace("-", " ").lower()
    number = f"  {submitted.dispute.tracking_number.lower()} "

    assert look_up(number, sloppy).status_code == 200


def test_a_known_code_set_on_a_case_answers(world: World) -> None:
    dispute = world.submit()
    Dispute.objects.filter(pk=dispute.pk).update(access_code_hash=hash_access_code("ABCD-EFGH-JKLM"))

    response = look_up(dispute.tracking_number, "ABCD-EFGH-JKLM")

    assert response.status_code == 200
    assert response.json()["status"] == Status.SUBMITTED
    assert response.json()["clocks"] == []
    assert response.json()["now"] == plain_state(Status.SUBMITTED).now_zh


def test_a_closed_case_tells_how_it_ended(world: World) -> None:
    case = submit(world)
    for step in ["route_to_street", "record_agreement", "confirm_performance"]:
        world.do(step, case.dispute)
        case.dispute.refresh_from_db()

    body = look_up(case.dispute.tracking_number, case.code).json()

    assert body["status"] == Status.CLOSED
    assert body["now"] == plain_state(Status.CLOSED, Outcome.PERFORMED).now_zh


def test_no_personal_identifier_or_phone_is_in_the_answer(submitted: Submitted) -> None:
    party = submitted.dispute.parties.get(side="applicant")

    raw = look_up(submitted.dispute.tracking_number, submitted.code).content.decode()

    assert party.id_number not in raw
    assert mask_id_number(party.id_number) not in raw  # not even masked
    assert party.phone not in raw
    assert mask_phone(party.phone) not in raw
    assert party.name not in raw
    assert "武汉临空港物流有限公司" not in raw  # nor the employer's name
    assert submitted.code not in raw
    assert "payload" not in raw


def test_the_timeline_shows_no_event_payloads_or_actors(submitted: Submitted) -> None:
    body = look_up(submitted.dispute.tracking_number, submitted.code).json()

    for event in body["timeline"]:
        assert set(event) == {"seq", "label", "occurred_on"}


def test_every_timeline_label_is_words_not_a_code(submitted: Submitted, world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disputes.services.evidence import evidence_add

    evidence_add(dispute=submitted.dispute, actor=world.worker,
                 upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))

    body = look_up(submitted.dispute.tracking_number, submitted.code).json()

    labels = [e["label"] for e in body["timeline"]]
    assert len(labels) == 3
    assert all("_" not in label for label in labels), labels


def test_the_lookup_costs_the_same_queries_for_a_short_and_a_long_history(
        submitted: Submitted, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = look_up(submitted.dispute.tracking_number, submitted.code)
        assert response.status_code == 200
        return len(context)

    def advance(*steps: str) -> None:
        for step in steps:
            world.do(step, submitted.dispute)
            submitted.dispute.refresh_from_db()

    in_mediation = queries()
    advance("record_failure", "apply_for_arbitration", "accept")
    accepted = queries()
    advance("form_tribunal", "schedule_hearing", "conclude_hearing")

    assert queries() == accepted <= 6
    assert in_mediation <= accepted  # an arbitration record adds its suspensions and awards


def test_a_lookup_reads_the_case_row_once_and_clears_only_a_count_that_exists(
        submitted: Submitted) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    number = submitted.dispute.tracking_number

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as context:
            assert look_up(number, submitted.code).status_code == 200
        return [q["sql"] for q in context.captured_queries]

    clean = statements()
    assert sum('FROM "disputes_dispute"' in sql for sql in clean) == 1
    assert not any(sql.startswith("DELETE") for sql in clean)

    assert look_up(number, "AAAA-AAAA-AAAA").status_code == 404
    after_a_failure = statements()
    assert sum(sql.startswith("DELETE") for sql in after_a_failure) == 1
    assert not FailureCounter.objects.filter(key=f"lookup-case:{number}").exists()
    # The client's own count is kept: it is cleared by time only.
    assert FailureCounter.objects.filter(key="lookup-client:203.0.113.7").exists()


# -- the status token ----------------------------------------------------------------------------

@pytest.mark.parametrize(("age", "valid"), [(0, True), (59, True), (61, False), (86400, False)])
def test_the_status_token_expires(submitted: Submitted, settings: Any,
                                  monkeypatch: pytest.MonkeyPatch, age: int, valid: bool) -> None:
    settings.STATUS_TOKEN_MAX_AGE_SECONDS = 60
    signed_at = int(time.time()) - age
    monkeypatch.setattr(signing.TimestampSigner, "timestamp",
                        lambda self: signing.b62_encode(signed_at))
    token = status_token(submitted.dispute)
    monkeypatch.undo()

    expected = submitted.dispute.pk if valid else None
    assert dispute_from_status_token(token) == expected


def test_a_tampered_status_token_is_refused(submitted: Submitted) -> None:
    token = look_up(submitted.dispute.tracking_number, submitted.code).json()["status_token"]
    other = submit_number_token(submitted.dispute.pk + 1)
    _payload, rest = token.split(":", 1)

    assert dispute_from_status_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert dispute_from_status_token(other.split(":", 1)[0] + ":" + rest) is None
    assert dispute_from_status_token("") is None
    assert dispute_from_status_token("not a token") is None


def test_a_token_signed_for_something_else_is_refused(submitted: Submitted) -> None:
    foreign = signing.dumps({"d": submitted.dispute.pk}, salt="something.else")

    assert dispute_from_status_token(foreign) is None


def submit_number_token(pk: int) -> str:
    return signing.dumps({"d": pk}, salt=STATUS_TOKEN_SALT)


# -- one answer for every miss -------------------------------------------------------------------

def test_an_unknown_number_and_a_wrong_code_get_the_same_answer(submitted: Submitted) -> None:
    wrong_code = look_up(submitted.dispute.tracking_number, "AAAA-BBBB-CCCC")
    unknown = look_up("LD20200101ZZZZZZ", submitted.code)

    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.content == unknown.content
    assert wrong_code.json()["code"] == "not_found"
    assert sorted(wrong_code.headers) == sorted(unknown.headers)


@pytest.mark.parametrize("body", [
    {},
    {"tracking_number": "LD1"},
    {"access_code": "AAAA"},
    {"tracking_number": "LD1", "access_code": "AAAA", "id": 1},
    {"tracking_number": "X" * 25, "access_code": "AAAA"},
    {"tracking_number": "LD1", "access_code": "A" * 33},
])
def test_malformed_requests_are_400(world: World, body: dict[str, Any]) -> None:
    response = APIClient().post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_number_and_code_are_never_taken_from_the_url(submitted: Submitted) -> None:
    query = f"?tracking_number={submitted.dispute.tracking_number}&access_code={submitted.code}"

    assert APIClient().get(URL + query).status_code == 405
    assert APIClient().post(URL + query, {}, format="json").status_code == 400


def test_get_is_405(world: World) -> None:
    response = APIClient().get(URL)

    assert response.status_code == 405
    assert "POST" in response["Allow"]


# -- throttling ----------------------------------------------------------------------------------

def test_after_the_case_limit_even_the_right_code_gets_429(submitted: Submitted,
                                                           settings: Any) -> None:
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CASE = 3
    settings.STATUS_LOOKUP_LOCKOUT_MINUTES = 15
    number = submitted.dispute.tracking_number
    # From several addresses: the case's limit holds whoever tries.
    assert look_up(number, "AAAA-AAAA-AAA1", address="198.51.100.1").status_code == 404
    assert look_up(number, "AAAA-AAAA-AAA2", address="198.51.100.2").status_code == 404
    assert look_up(number, "AAAA-AAAA-AAA3", address="198.51.100.3").status_code == 429

    response = look_up(number, submitted.code, address="198.51.100.4")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60 + 1
    assert "status_token" not in response.json()


def test_an_unknown_number_is_throttled_like_a_known_one(world: World, settings: Any) -> None:
    """Otherwise the 429 would tell which numbers exist."""
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CASE = 3
    known = submit(world).dispute.tracking_number
    for number in [known, "LD20200101ZZZZZZ"]:
        answers = [look_up(number, "AAAA-AAAA-AAAA", address=f"198.51.100.{i}").status_code
                   for i in range(4)]
        assert answers == [404, 404, 429, 429]


def test_the_case_lockout_ends_after_its_time(submitted: Submitted, settings: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CASE = 3
    settings.STATUS_LOOKUP_LOCKOUT_MINUTES = 15
    number = submitted.dispute.tracking_number
    for i in range(3):
        look_up(number, "AAAA-AAAA-AAAA", address=f"198.51.100.{i}")
    real_now = timezone.now

    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(minutes=14))
    assert look_up(number, submitted.code).status_code == 429
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(minutes=16))
    assert look_up(number, submitted.code).status_code == 200


def test_a_successful_lookup_clears_the_cases_count(submitted: Submitted, settings: Any) -> None:
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CASE = 3
    number = submitted.dispute.tracking_number
    look_up(number, "AAAA-AAAA-AAAA")
    look_up(number, "AAAA-AAAA-AAAA")

    assert look_up(number, submitted.code).status_code == 200
    assert not FailureCounter.objects.filter(key=f"lookup-case:{number}").exists()
    assert look_up(number, "AAAA-AAAA-AAAA", address="198.51.100.9").status_code == 404


def test_one_client_is_throttled_across_different_numbers(submitted: Submitted, world: World,
                                                          settings: Any) -> None:
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CASE = 5
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CLIENT = 4
    answers = [look_up(f"LD20200101AAAAA{i}", "AAAA-AAAA-AAAA").status_code for i in range(4)]
    assert answers == [404, 404, 404, 429]

    blocked = look_up(submitted.dispute.tracking_number, submitted.code)
    elsewhere = look_up(submitted.dispute.tracking_number, submitted.code, address="192.0.2.50")

    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert elsewhere.status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_client_count(
        submitted: Submitted, settings: Any) -> None:
    """NUM_PROXIES = 0: the connection's address counts, not what the client claims."""
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CLIENT = 3
    for i in range(3):
        look_up(f"LD20200101AAAAA{i}", "AAAA-AAAA-AAAA", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")

    response = look_up(submitted.dispute.tracking_number, submitted.code,
                       HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert response.status_code == 429


def test_a_throttled_client_does_not_add_to_a_cases_count(submitted: Submitted,
                                                           settings: Any) -> None:
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CLIENT = 2
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CASE = 3
    number = submitted.dispute.tracking_number
    for _ in range(5):
        look_up(number, "AAAA-AAAA-AAAA")

    # Two failures reached the case's counter before the client was stopped.
    assert FailureCounter.objects.get(key=f"lookup-case:{number}").failures == 2
    assert look_up(number, submitted.code, address="192.0.2.50").status_code == 200


# -- logs ----------------------------------------------------------------------------------------

def test_the_access_code_never_reaches_the_logs(submitted: Submitted, settings: Any,
                                                caplog: pytest.LogCaptureFixture) -> None:
    settings.STATUS_LOOKUP_MAX_FAILURES_PER_CASE = 2
    caplog.set_level(logging.DEBUG)
    number = submitted.dispute.tracking_number

    look_up(number, submitted.code)
    look_up(number, "WRNG-CODE-1234")
    look_up("LD20200101ZZZZZZ", submitted.code)
    look_up(number, "WRNG-CODE-5678")
    look_up(number, submitted.code)

    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, 'request', '')!r}"
                       for r in caplog.records)
    bare = submitted.code.replace("-", "")
    for secret in [submitted.code, bare, "WRNG-CODE-1234", "WRNG-CODE-5678"]:
        assert secret not in logged
    assert any("status look-up failed" in r.getMessage() for r in caplog.records)


def test_an_error_report_shows_the_access_code_as_stars(
        submitted: Submitted, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """What an administrator's e-mailed traceback (AdminEmailHandler) would contain."""
    from django.views.debug import ExceptionReporter

    from api.views import public

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("clock tables unavailable")

    monkeypatch.setattr(public, "public_status", broken)
    client = APIClient()
    client.raise_request_exception = False

    response = client.post(URL, {"tracking_number": submitted.dispute.tracking_number,
                                 "access_code": submitted.code})

    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    report = ExceptionReporter(record.request, *record.exc_info).get_traceback_text()  # type: ignore[attr-defined, misc]
    assert submitted.code not in report
    assert submitted.dispute.tracking_number in report


# -- disputes.plain ------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [s for s in Status if s != Status.CLOSED])
def test_every_open_state_has_plain_words_in_chinese_and_english(status: str) -> None:
    words = plain_state(status)

    for text in [words.now_zh, words.next_zh]:
        assert text and any("\u4e00" <= ch <= "\u9fff" for ch in text)
    for text in [words.now_en, words.next_en]:
        assert text and text.isascii()
    with translation.override("en"):
        assert (words.now, words.next) == (words.now_en, words.next_en)
    with translation.override("zh-hans"):
        assert (words.now, words.next) == (words.now_zh, words.next_zh)


@pytest.mark.parametrize("outcome", ["", *Outcome])
def test_every_way_a_case_closes_has_plain_words(outcome: str) -> None:
    words = plain_state(Status.CLOSED, outcome)

    assert words.now_zh and words.next_zh and words.now_en and words.next_en
    assert "结案" in words.now_zh


def test_the_plain_words_cover_exactly_the_states() -> None:
    assert set(_STATES) == {s for s in Status if s != Status.CLOSED}
    assert set(_CLOSED) <= set(Outcome)


def test_every_event_kind_of_the_lifecycle_has_a_label() -> None:
    from disputes.lifecycle import EVENT_KINDS

    for kind in EVENT_KINDS:
        with translation.override("zh-hans"):
            zh = event_label(kind)
        with translation.override("en"):
            en = event_label(kind)
        assert zh != kind and en != kind
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
        assert en.isascii()


def test_the_status_body_is_json_serialisable_for_the_websocket(submitted: Submitted) -> None:
    body = look_up(submitted.dispute.tracking_number, submitted.code).json()

    assert json.loads(json.dumps(body)) == body
