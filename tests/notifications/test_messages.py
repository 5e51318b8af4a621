"""Messages for events: who gets which text through which channel, exactly once; sending
them with retries; the editable templates."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from disputes.models import DisputeEvent, Party, Status
from notifications.delivery import deliver_all_due_messages, deliver_due_messages
from notifications.messages import plan_event_messages
from notifications.models import Channel, Message, MessageTemplate, TemplateCode
from notifications.outbox import Parcel, deliver_all_due, deliver_due, work_all_due
from notifications.sms import SmsBackend, SmsError
from tests.world import World

pytestmark = pytest.mark.django_db

Sent = Message.Status.SENT
Pending = Message.Status.PENDING
Failed = Message.Status.FAILED
PHONE = "13800138000"  # the world's applicants


def delivered(parcels: list[Parcel]) -> dict[int, str]:
    return {}


def redis_down(parcels: list[Parcel]) -> dict[int, str]:
    return {p.event_id: "ConnectionError: redis is down" for p in parcels}


class RecordingSms(SmsBackend):
    sent: list[tuple[str, str, str]] = []
    fail_with: str = ""

    def send(self, *, phone: str, text: str, reference: str) -> None:
        if RecordingSms.fail_with:
            raise SmsError(RecordingSms.fail_with)
        RecordingSms.sent.append((phone, text, reference))


@pytest.fixture
def sms(settings: Any) -> type[RecordingSms]:
    settings.SMS_BACKEND = "tests.notifications.test_messages.RecordingSms"
    RecordingSms.sent = []
    RecordingSms.fail_with = ""
    return RecordingSms


def rows(**filters: Any) -> list[tuple[str, str, str]]:
    """(template, channel, recipient) of the messages, in order."""
    found = []
    for m in Message.objects.filter(**filters).select_related("party", "user").order_by("pk"):
        who = f"{m.party.side}:{m.party.name}" if m.party else f"staff:{m.user}"
        found.append((m.template, m.channel, who))
    return found


def test_a_submitted_application_tells_the_applicant_by_sms(world: World) -> None:
    case = world.submit()

    deliver_all_due(send=delivered)

    assert rows() == [("case_received", "sms", "applicant:张明"),
                      ("case_received", "web", "applicant:张明")]
    message = Message.objects.get(channel=Channel.SMS)
    assert message.address == PHONE
    assert message.status == Pending
    assert message.event == case.events.get(seq=1)
    assert message.body.startswith("【劳动人事争议调解仲裁】张明您好，您的劳动争议申请已收到")
    assert case.tracking_number in message.body
    web = Message.objects.get(channel=Channel.WEB)
    assert (web.status, web.subject) == (Sent, "申请已收到")  # delivered by being stored


def test_routing_tells_both_parties_with_the_organization_and_the_window(world: World) -> None:
    world.center.address, world.center.phone = "吴家山街道办事处二楼", "027-83891234"
    world.center.save()
    world.employer.email = "hr@linkonggang.example.com"
    world.employer.save()
    case = world.case_in(Status.STREET_MEDIATION)

    deliver_all_due(send=delivered)

    routed = case.events.get(kind="route_to_street")
    assert rows(event=routed) == [
        ("routed", "sms", "applicant:张明"),
        ("routed", "web", "applicant:张明"),
        # The respondent has no phone on file: e-mail to the linked account instead.
        ("routed", "email", "respondent:武汉临空港物流有限公司"),
        ("routed", "web", "respondent:武汉临空港物流有限公司"),
    ]
    sms = Message.objects.get(event=routed, channel=Channel.SMS)
    window = case.mediation_window_ends
    assert window is not None
    assert f"已转吴家山街道劳动争议调解中心调解，调解期限至 {window.year}年{window.month}月" in sms.body
    assert "地址：吴家山街道办事处二楼。电话：027-83891234。" in sms.body
    email = Message.objects.get(event=routed, channel=Channel.EMAIL)
    assert email.subject == f"您的案件已转吴家山街道劳动争议调解中心调解（{case.tracking_number}）"


@pytest.mark.parametrize(("state", "kind", "template", "words"), [
    (Status.HEARING_SCHEDULED, "schedule_hearing", TemplateCode.HEARING_NOTICE, "开庭"),
    (Status.CLOSED, "confirm_performance", None, ""),
    (Status.ACCEPTED, "accept", None, ""),
])
def test_each_event_that_matters_to_the_parties_has_its_message(
        world: World, state: str, kind: str, template: str | None, words: str) -> None:
    case = world.case_in(state)
    deliver_all_due(send=delivered)
    messages = Message.objects.filter(event__dispute=case, event__kind=kind)
    if template is None:
        assert not messages.exists()
        return
    sms = messages.get(channel=Channel.SMS)
    assert sms.template == template
    assert words in sms.body


def test_a_hearing_notice_says_when_and_where(world: World) -> None:
    case = world.case_in(Status.HEARING_SCHEDULED)
    deliver_all_due(send=delivered)
    sms = Message.objects.get(event__dispute=case, event__kind="schedule_hearing",
                              channel=Channel.SMS)
    hearing_at = timezone.localtime(case.arbitration.hearings.get().scheduled_for)
    when = f"{hearing_at.year}年{hearing_at.month}月{hearing_at.day}日 09:30"
    assert f"定于 {when} 在第一仲裁庭开庭" in sms.body
    assert f"您的案件（{case.arbitration.case_number}）" in sms.body


def test_a_mediation_session_and_an_award_are_announced(world: World) -> None:
    session = world.case_in(Status.STREET_MEDIATION)
    world.do("schedule_mediation_session", session)
    awarded = world.case_in(Status.DELIBERATION)
    world.do("issue_award", awarded)
    deliver_all_due(send=delivered)
    scheduled = Message.objects.get(event__kind="schedule_mediation_session",
                                    channel=Channel.SMS)
    assert "在吴家山街道调解室进行调解" in scheduled.body
    award = Message.objects.get(event__kind="issue_award", channel=Channel.SMS)
    assert "作出裁决" in award.body
    assert "15 日内向人民法院起诉" in award.body


def test_planning_an_event_again_adds_nothing(world: World) -> None:
    case = world.case_in(Status.STREET_MEDIATION)
    events = list(case.events.order_by("seq"))
    assert plan_event_messages(events) == {}
    first = list(Message.objects.order_by("pk").values_list("pk", "event_id", "party_id",
                                                            "channel"))

    assert plan_event_messages(events) == {}  # a retry, a crash before the commit, ...
    DisputeEvent.objects.update(delivery=DisputeEvent.Delivery.PENDING)
    deliver_all_due(send=delivered)  # ... or the worker claiming them again

    assert list(Message.objects.order_by("pk").values_list("pk", "event_id", "party_id",
                                                           "channel")) == first
    # Submitted: the applicant's SMS and web notice; routed: the same, and the respondent's
    # web notice (an account, no phone on file).
    assert len(first) == 5


def test_messages_are_written_even_while_the_channel_layer_is_down(world: World) -> None:
    case = world.submit()

    assert deliver_due(send=redis_down) == 1

    event = case.events.get()
    assert event.delivery == DisputeEvent.Delivery.PENDING  # retried for the live screens
    assert Message.objects.filter(event=event, channel=Channel.SMS).count() == 1


def test_a_broken_template_fails_its_messages_not_the_worker(world: World) -> None:
    MessageTemplate.objects.filter(code="case_received", channel="sms").update(
        body="{{ tracking_number|no_such_filter }}")
    case = world.submit()

    deliver_all_due(send=delivered)

    assert case.events.get().delivery == DisputeEvent.Delivery.DELIVERED
    sms = Message.objects.get(channel=Channel.SMS)
    assert sms.status == Failed
    assert sms.error.startswith("模板错误（case_received/sms）")
    assert Message.objects.get(channel=Channel.WEB).status == Sent  # the other channels go


def test_a_template_switched_off_sends_nothing_through_that_channel(world: World) -> None:
    MessageTemplate.objects.filter(code="case_received", channel="sms").update(is_active=False)
    world.submit()
    deliver_all_due(send=delivered)
    assert rows() == [("case_received", "web", "applicant:张明")]


def test_an_edited_template_is_what_goes_out(world: World) -> None:
    MessageTemplate.objects.filter(code="case_received", channel="sms").update(
        body="收到（{{ tracking_number }}）。{% if case_number %}不应出现{% endif %}")
    case = world.submit()
    deliver_all_due(send=delivered)
    assert Message.objects.get(channel=Channel.SMS).body == f"收到（{case.tracking_number}）。"


def test_the_admin_refuses_a_template_with_a_syntax_error(admin_client: Client) -> None:
    template = MessageTemplate.objects.get(code="overdue", channel="web")
    url = f"/admin/notifications/messagetemplate/{template.pk}/change/"
    assert admin_client.get(url).status_code == 200
    answer = admin_client.post(url, {"code": "overdue", "channel": "web", "subject": "x",
                                     "body": "{% if kind %}no end", "is_active": "on"})
    assert answer.status_code == 200
    assert "模板语法错误" in answer.content.decode()
    template.refresh_from_db()
    assert "no end" not in template.body


def test_every_template_code_and_channel_is_seeded() -> None:
    seeded = set(MessageTemplate.objects.values_list("code", "channel"))
    for code in TemplateCode.values:
        staff_only = code in {"deadline_warning", "overdue"}
        channels = {"web", "email"} if staff_only else {"sms", "email", "web"}
        assert {(code, c) for c in channels} <= seeded, code


# -- sending -------------------------------------------------------------------------------

def test_the_worker_sends_sms_and_email_once(world: World, sms: type[RecordingSms]) -> None:
    world.worker.email = "zhang.ming@example.com"
    world.worker.save()
    world.submit()
    deliver_all_due(send=delivered)

    assert deliver_all_due_messages() == 2  # the SMS and the e-mail; web needs no sending
    assert deliver_all_due_messages() == 0

    sms_row = Message.objects.get(channel=Channel.SMS)
    assert sms.sent == [(PHONE, sms_row.body, str(sms_row.pk))]
    assert (sms_row.status, sms_row.attempts) == (Sent, 1)
    assert sms_row.sent_at is not None
    [email] = mail.outbox
    email_row = Message.objects.get(channel=Channel.EMAIL)
    assert email.to == ["zhang.ming@example.com"]
    assert email.subject == email_row.subject
    assert email.extra_headers["Message-ID"] == f"<notification-{email_row.pk}@localhost>"
    assert email_row.status == Sent


def test_a_failing_gateway_is_retried_with_back_off_then_gives_up(
        world: World, sms: type[RecordingSms], settings: Any) -> None:
    settings.MESSAGE_RETRY_BASE_SECONDS = 60
    settings.MESSAGE_MAX_ATTEMPTS = 2
    world.submit()
    deliver_all_due(send=delivered)
    sms.fail_with = "gateway answered HTTP 503"
    before = timezone.now()

    assert deliver_due_messages() == 1
    row = Message.objects.get(channel=Channel.SMS)
    assert (row.status, row.attempts, row.error) == (Pending, 1,
                                                     "SmsError: gateway answered HTTP 503")
    assert row.next_attempt_at is not None
    assert row.next_attempt_at >= before + dt.timedelta(seconds=60)
    assert deliver_due_messages() == 0  # waits for its back-off

    Message.objects.update(next_attempt_at=before)
    assert deliver_due_messages() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Failed, 2)
    assert sms.sent == []


def test_staff_send_a_failed_message_again_from_the_admin(
        world: World, sms: type[RecordingSms], settings: Any, admin_client: Client) -> None:
    settings.MESSAGE_MAX_ATTEMPTS = 1
    world.submit()
    deliver_all_due(send=delivered)
    sms.fail_with = "gateway unreachable"
    deliver_all_due_messages()
    row = Message.objects.get(channel=Channel.SMS)
    assert row.status == Failed
    page = admin_client.get("/admin/notifications/message/")
    assert page.status_code == 200
    assert PHONE not in page.content.decode()  # masked: 138****8000
    assert "138****8000" in page.content.decode()

    admin_client.post("/admin/notifications/message/",
                      {"action": "send_again", "_selected_action": [row.pk]})
    sms.fail_with = ""
    assert deliver_all_due_messages() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == (Sent, 1, "")
    assert len(sms.sent) == 1


def test_after_one_failure_the_rest_of_the_channel_waits_without_an_attempt(
        world: World, sms: type[RecordingSms]) -> None:
    world.submit()
    world.submit()
    deliver_all_due(send=delivered)
    sms.fail_with = "gateway unreachable"

    assert deliver_due_messages() == 2

    first, second = Message.objects.filter(channel=Channel.SMS).order_by("pk")
    assert (first.attempts, second.attempts) == (1, 0)
    assert second.next_attempt_at == first.next_attempt_at
    assert second.status == first.status == Pending


def test_the_log_backend_writes_the_number_masked(
        world: World, caplog: pytest.LogCaptureFixture, settings: Any) -> None:
    settings.SMS_BACKEND = "notifications.sms.LogSmsBackend"
    world.submit()
    with caplog.at_level(logging.INFO):
        work_all_due(send=delivered)
    text = caplog.text
    assert "138****8000" in text
    assert PHONE not in text
    assert "您的劳动争议申请已收到" in text


def test_a_party_without_phone_or_account_gets_nothing(world: World) -> None:
    case = world.submit()
    Party.objects.filter(dispute=case).update(phone="", user=None)
    deliver_all_due(send=delivered)
    assert not Message.objects.exists()
