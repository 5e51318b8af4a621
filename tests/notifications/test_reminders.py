"""Deadline reminders: when each is made, who hears of it, once however many sweeps run."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes.calendar import subtract_working_days
from disputes.clocks import ClockReading
from disputes.models import Dispute, DisputeEvent, Status
from disputes.selectors import dispute_clocks, with_clock_data
from notifications import reminders as reminders_module
from notifications.models import Channel, Message, Reminder
from notifications.outbox import Parcel, deliver_due_reminders
from notifications.reminders import reminder_due, sweep_reminders
from tests.notifications.conftest import Headers
from tests.notifications.live import connect, run_worker_once
from tests.world import World

DAY = dt.timedelta(days=1)
WARN, TODAY, LATE = Reminder.Kind.WARNING, Reminder.Kind.DUE_TODAY, Reminder.Kind.OVERDUE


def reading(case: Dispute, code: str) -> ClockReading:
    fresh = with_clock_data(Dispute.objects.filter(pk=case.pk)).get()
    return next(r for r in dispute_clocks(fresh) if r.code == code)


def before(day: dt.date, working_days: int) -> dt.date:
    return subtract_working_days(day, working_days).date


def made(clock: str | None = None) -> list[tuple[str, str, int, dt.date]]:
    rows = Reminder.objects.order_by("pk")
    if clock:
        rows = rows.filter(clock=clock)
    return list(rows.values_list("clock", "kind", "working_days_before", "due_on"))


def told(reminder: Reminder) -> list[tuple[str, str, str]]:
    """(recipient, channel, template) of a reminder's messages."""
    return sorted(
        (str(m.party.name if m.party else m.user), m.channel, m.template)
        for m in reminder.messages.select_related("party", "user")
    )


# -- when ----------------------------------------------------------------------------------

# Monday 2026-10-12 is due (the DOMAIN.md example); Oct 10 is a make-up working Saturday.
@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 10, 8), None),  # three working days before
    (dt.date(2026, 10, 9), (WARN, 2)),  # two working days before: Friday 9, Saturday 10
    (dt.date(2026, 10, 10), (WARN, 2)),  # the make-up Saturday: still the 2-day warning
    (dt.date(2026, 10, 11), (WARN, 2)),  # Sunday
    (dt.date(2026, 10, 12), (TODAY, 0)),
    (dt.date(2026, 10, 13), (LATE, 0)),
    (dt.date(2027, 1, 1), (LATE, 0)),
])
def test_which_reminder_is_due_on_a_day(db: None, today: dt.date,
                                        expected: tuple[str, int] | None) -> None:
    assert reminder_due(dt.date(2026, 10, 12), today, [2, 0], overdue=True) == expected


def test_after_missed_sweeps_only_the_nearest_warning_goes_out(db: None) -> None:
    due = dt.date(2026, 10, 12)
    assert reminder_due(due, dt.date(2026, 10, 10), [3, 2, 1], overdue=True) == (WARN, 1)
    assert reminder_due(due, dt.date(2026, 10, 12), [3, 2, 1], overdue=True) == (WARN, 1)
    assert reminder_due(due, dt.date(2026, 10, 13), [3], overdue=False) is None


@pytest.mark.django_db
def test_a_deadline_is_warned_two_working_days_before_on_the_day_and_after(
        world: World) -> None:
    case = world.case_in(Status.ARBITRATION_REVIEW)
    due = reading(case, "acceptance_decision").due_on

    assert sweep_reminders(today=before(due, 3)) == 0
    assert sweep_reminders(today=before(due, 2)) == 1
    assert sweep_reminders(today=before(due, 2)) == 0  # the same day again
    assert sweep_reminders(today=before(due, 1)) == 0  # no 1-day warning by default
    assert sweep_reminders(today=due) == 1
    assert sweep_reminders(today=due + DAY) == 1
    assert sweep_reminders(today=due + 30 * DAY) == 0

    assert made() == [("acceptance_decision", WARN, 2, due), ("acceptance_decision", TODAY, 0, due),
                      ("acceptance_decision", LATE, 0, due)]


@pytest.mark.django_db
def test_the_offsets_are_a_setting(world: World, settings: Any) -> None:
    settings.REMINDER_WARNING_WORKING_DAYS = [3, 1]
    case = world.case_in(Status.ARBITRATION_REVIEW)
    due = reading(case, "acceptance_decision").due_on
    for day in [before(due, 3), before(due, 2), before(due, 1), due, due + DAY]:
        sweep_reminders(today=day)
    assert made() == [("acceptance_decision", WARN, 3, due), ("acceptance_decision", WARN, 1, due),
                      ("acceptance_decision", LATE, 0, due)]


@pytest.mark.django_db
def test_a_met_deadline_and_a_closed_case_are_left_alone(world: World) -> None:
    decided = world.case_in(Status.NOT_ACCEPTED)
    withdrawn = world.case_in(Status.ARBITRATION_REVIEW)
    due = reading(withdrawn, "acceptance_decision").due_on
    world.do("withdraw", withdrawn)
    assert sweep_reminders(today=due) == 0
    assert sweep_reminders(today=reading(decided, "acceptance_decision").due_on + DAY) == 0


@pytest.mark.django_db
def test_an_extended_award_deadline_is_a_new_deadline(world: World) -> None:
    case = world.case_in(Status.DELIBERATION)
    due = reading(case, "award").due_on
    sweep_reminders(today=due)
    world.do("extend_award_deadline", Dispute.objects.get(pk=case.pk))
    extended = reading(case, "award").due_on
    assert extended > due
    sweep_reminders(today=extended)
    assert made("award") == [("award", TODAY, 0, due), ("award", TODAY, 0, extended)]


# -- who -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_acceptance_decision_goes_to_the_filing_officers_by_web_and_email(
        world: World) -> None:
    world.filing_officer.email = "lian@zhongcai.example.gov.cn"
    world.filing_officer.save()
    case = world.case_in(Status.ARBITRATION_REVIEW)
    due = reading(case, "acceptance_decision").due_on

    sweep_reminders(today=before(due, 2))

    reminder = Reminder.objects.get()
    assert reminder.organization == world.commission  # its queue
    assert told(reminder) == [("filing_officer", "email", "deadline_warning"),
                              ("filing_officer", "web", "deadline_warning")]
    web = reminder.messages.get(channel=Channel.WEB)
    assert web.subject == "期限提醒：受理审查期限"
    assert (f"案件 {case.tracking_number}的受理审查期限将于 {due.year}年{due.month}月{due.day}日 "
            "届满，还有 2 个工作日，请及时办理。") in web.body
    assert web.status == Message.Status.SENT
    assert reminder.messages.get(channel=Channel.EMAIL).status == Message.Status.PENDING


@pytest.mark.django_db
def test_an_overdue_award_goes_to_the_tribunal(world: World) -> None:
    case = world.case_in(Status.DELIBERATION)
    due = reading(case, "award").due_on
    sweep_reminders(today=due + DAY)
    reminder = Reminder.objects.get(clock="award")
    assert reminder.kind == LATE
    assert told(reminder) == [(name, "web", "overdue")
                              for name in sorted(["arbitrator", "tribunal_b", "tribunal_c"])]
    assert "仲裁审理期限已于" in reminder.messages.first().body  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_mediation_window_goes_to_the_mediator_or_else_the_head(world: World) -> None:
    unassigned = world.case_in(Status.STREET_MEDIATION)
    assigned = world.case_in(Status.STREET_MEDIATION)
    world.do("assign_mediator", assigned)
    due = reading(unassigned, "mediation_window").due_on

    sweep_reminders(today=due + DAY)

    by_case = {r.dispute_id: r for r in Reminder.objects.filter(clock="mediation_window")}
    assert told(by_case[unassigned.pk]) == [("head", "web", "overdue")]
    assert told(by_case[assigned.pk]) == [("mediator", "web", "overdue")]
    assert by_case[assigned.pk].organization == world.center


@pytest.mark.django_db
def test_a_hearing_is_recalled_to_the_parties_and_the_tribunal(world: World) -> None:
    case = world.case_in(Status.HEARING_SCHEDULED)
    hearing_day = timezone.localtime(case.arbitration.hearings.get().scheduled_for).date()

    sweep_reminders(today=hearing_day)
    sweep_reminders(today=hearing_day + DAY)  # no overdue notice for a hearing

    reminder = Reminder.objects.get(clock="hearing")
    assert (reminder.kind, reminder.due_on) == (TODAY, hearing_day)
    assert told(reminder) == sorted([
        ("张明", "sms", "hearing_reminder"), ("张明", "web", "hearing_reminder"),
        ("武汉临空港物流有限公司", "web", "hearing_reminder"),
        ("arbitrator", "web", "hearing_reminder"), ("tribunal_b", "web", "hearing_reminder"),
        ("tribunal_c", "web", "hearing_reminder"),
    ])
    sms = reminder.messages.get(channel=Channel.SMS)
    assert "在第一仲裁庭开庭，就在今天，请准时到庭。" in sms.body
    assert sms.address == "13800138000"


@pytest.mark.django_db
def test_the_respondent_is_reminded_of_the_defence_and_staff_of_its_absence(
        world: World) -> None:
    case = world.case_in(Status.ACCEPTED)
    due = reading(case, "defence").due_on

    sweep_reminders(today=before(due, 2))
    sweep_reminders(today=due + DAY)

    warning, overdue = Reminder.objects.filter(clock="defence").order_by("pk")
    assert told(warning) == sorted([
        ("武汉临空港物流有限公司", "web", "defence_due"),
        *[(n, "web", "defence_due") for n in ("arbitrator", "tribunal_b", "tribunal_c")]])
    assert told(overdue) == [(n, "web", "overdue")
                             for n in ("arbitrator", "tribunal_b", "tribunal_c")]


@pytest.mark.django_db
def test_an_agreement_not_performed_by_its_date_tells_the_parties_and_the_center(
        world: World) -> None:
    case = world.case_in(Status.MEDIATION_SUCCEEDED)
    due = case.mediation_attempts.get().agreement.performance_due
    assert due is not None

    sweep_reminders(today=due + DAY)

    reminder = Reminder.objects.get(clock="performance")
    assert (reminder.kind, reminder.organization) == (LATE, world.center)
    assert told(reminder) == sorted([
        ("head", "web", "overdue"),  # no mediator was assigned: the center's head
        ("张明", "sms", "agreement_performance_due"),
        ("张明", "web", "agreement_performance_due"),
        ("武汉临空港物流有限公司", "web", "agreement_performance_due"),
    ])
    sms = reminder.messages.get(channel=Channel.SMS)
    assert "已于" in sms.body
    assert "劳动者可以依法申请仲裁" in sms.body


# -- once ----------------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_make_each_reminder_and_message_once(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [world.case_in(Status.ARBITRATION_REVIEW) for _ in range(4)]
    due = reading(cases[0], "acceptance_decision").due_on
    # Both sweeps read the clocks before either writes: the widest race there is.
    both_read = threading.Barrier(2, timeout=20)
    real_load = reminders_module._load

    def load_then_wait(ids: Any) -> list[Dispute]:
        loaded = real_load(ids)
        both_read.wait()
        return loaded

    monkeypatch.setattr(reminders_module, "_load", load_then_wait)
    counts: list[int] = []

    def sweep() -> None:
        try:
            counts.append(sweep_reminders(today=due + DAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    keys = list(Reminder.objects.values_list("dispute_id", "clock", "kind",
                                             "working_days_before", "due_on"))
    assert len(keys) == len(set(keys)) == 4
    assert len(counts) == 2
    assert sum(counts) == len(keys)  # each made by exactly one of the two
    for reminder in Reminder.objects.all():
        # Exactly the messages one sweep writes: nothing twice, nothing missing.
        assert reminder.messages.count() == len(set(told(reminder))) > 0


@pytest.mark.django_db
def test_the_sweep_reads_clocks_in_a_fixed_number_of_queries(world: World) -> None:
    first = world.case_in(Status.ARBITRATION_REVIEW)
    due = reading(first, "acceptance_decision").due_on
    with CaptureQueriesContext(connection) as one:
        assert sweep_reminders(today=due) == 1
    for _ in range(4):
        world.case_in(Status.ARBITRATION_REVIEW)
    with CaptureQueriesContext(connection) as five:
        assert sweep_reminders(today=due) == 4  # the first case's exists already
    assert len(five.captured_queries) == len(one.captured_queries)


# -- the queue -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_reminder_goes_to_its_organizations_queue_with_retries(world: World) -> None:
    case = world.case_in(Status.ARBITRATION_REVIEW)
    sweep_reminders(today=reading(case, "acceptance_decision").due_on)
    reminder = Reminder.objects.get()
    sent: list[Parcel] = []

    def down(parcels: list[Parcel]) -> dict[int, str]:
        return {p.event_id: "ConnectionError: redis is down" for p in parcels}

    def up(parcels: list[Parcel]) -> dict[int, str]:
        sent.extend(parcels)
        return {}

    assert deliver_due_reminders(send=down) == 1
    reminder.refresh_from_db()
    assert (reminder.delivery, reminder.attempts) == (Reminder.Delivery.PENDING, 1)
    Reminder.objects.update(next_attempt_at=timezone.now())
    assert deliver_due_reminders(send=up) == 1
    [parcel] = sent
    assert parcel.groups == [f"org.{world.commission.pk}"]
    assert parcel.message["type"] == "dispute.reminder"
    assert parcel.message["reminder"] == {
        "id": reminder.pk, "dispute": case.pk, "tracking_number": case.tracking_number,
        "clock": "acceptance_decision", "label": "受理审查期限", "kind": "due_today",
        "kind_label": "今日届满", "due_on": reminder.due_on.isoformat(),
        "working_days_before": 0,
    }
    reminder.refresh_from_db()
    assert reminder.delivery == Reminder.Delivery.DELIVERED
    assert deliver_due_reminders(send=up) == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_queue_screen_hears_a_reminder_once(
        world: World, login_headers: Callable[[User | None], Headers]) -> None:
    case = world.case_in(Status.ARBITRATION_REVIEW)
    due = reading(case, "acceptance_decision").due_on
    headers = login_headers(world.filing_officer)
    outsider = login_headers(world.mediator2)

    DisputeEvent.objects.update(delivery=DisputeEvent.Delivery.DELIVERED)

    async def scenario() -> None:
        queue = await connect(f"/ws/queue/{world.commission.pk}/", headers)
        other = await connect(f"/ws/queue/{world.center2.pk}/", outsider)
        await sync_sweep(due)
        await run_worker_once()
        message = await queue.receive_json_from(timeout=3)
        assert message["type"] == "reminder"
        assert message["kind"] == "due_today"
        assert message["dispute"] == case.pk
        # Sent again (a worker died before marking it): the screen does not show it twice.
        await reset_reminders()
        await run_worker_once()
        assert await queue.receive_nothing(timeout=0.3)
        assert await other.receive_nothing(timeout=0.1)
        await queue.disconnect()
        await other.disconnect()

    async_to_sync(scenario)()


async def sync_sweep(day: dt.date) -> None:
    from channels.db import database_sync_to_async

    await database_sync_to_async(sweep_reminders)(today=day)


async def reset_reminders() -> None:
    from channels.db import database_sync_to_async

    await database_sync_to_async(Reminder.objects.update)(
        delivery=Reminder.Delivery.PENDING, next_attempt_at=None)


# -- the commands --------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_sweep_command_and_the_worker_make_and_send_reminders(world: World,
                                                                 settings: Any) -> None:
    world.filing_officer.email = "lian@zhongcai.example.gov.cn"
    world.filing_officer.save()
    case = world.case_in(Status.ARBITRATION_REVIEW)
    due = reading(case, "acceptance_decision").due_on
    out = io.StringIO()
    call_command("sweep_reminders", f"--today={due.isoformat()}", stdout=out)
    assert out.getvalue().strip() == "reminders: 1 made"
    call_command("sweep_reminders", f"--today={due.isoformat()}", stdout=out)
    assert out.getvalue().strip().endswith("reminders: 0 made")

    from django.core import mail

    call_command("run_worker", "--once", stdout=io.StringIO())
    assert Reminder.objects.get().delivery == Reminder.Delivery.DELIVERED
    assert [m.subject for m in mail.outbox if "期限提醒" in m.subject] == [
        f"期限提醒：案件 {case.tracking_number} 受理审查期限"]
    email = Message.objects.get(reminder__isnull=False, channel=Channel.EMAIL)
    assert email.status == Message.Status.SENT


@pytest.mark.django_db
def test_run_worker_once_with_sweep_sweeps_today(world: World) -> None:
    out = io.StringIO()
    call_command("run_worker", "--once", "--sweep", stdout=out)
    assert "reminders: 0 made" in out.getvalue()
