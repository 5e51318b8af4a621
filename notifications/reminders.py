"""Deadline reminders: the sweep that reads open cases' clocks and makes each reminder once.

For every running deadline of an open case, a warning at each configured number of
working days before it (`REMINDER_WARNING_WORKING_DAYS`, default 2 and 0 = on the day) and
an overdue notice the day after it. The deadlines are the staff clocks of
`disputes.selectors.dispute_clocks` (mediation window, acceptance decision, service,
defence, tribunal notice, award), the case's next scheduled hearing, and the performance
date of a mediation agreement not yet confirmed performed.

Exactly once, however many workers sweep at the same moment: a reminder is a row with a
unique key (case, clock, kind, working days before, due date), inserted with
INSERT ... ON CONFLICT DO NOTHING. Each sweep tags its inserts with its own id and reads
back only the rows it inserted, and writes their messages in the same transaction; a row
another sweep inserted first is that sweep's to announce. A sweep that dies rolls back its
reminders and their messages together, and the next sweep makes them.

If sweeps stopped for a while, only the most recent warning that fell due is sent (not
every missed one), and no warning is sent once the deadline has passed: the overdue notice
is. A changed due date (an extension, a new hearing date) is a new deadline.

Cost: the candidates come from indexed columns (`Dispute.next_due_on`, scheduled hearings,
served applications without a defence, agreements awaiting performance); their clocks are
read in a fixed number of queries per chunk of `REMINDER_SWEEP_CHUNK` cases.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation

from disputes.calendar import add_working_days, subtract_working_days, working_days_between
from disputes.clocks import ClockState, periods
from disputes.models import (
    OPEN_STATES,
    Agreement,
    ArbitrationRecord,
    Dispute,
    Hearing,
    MediationAttempt,
    Party,
    Status,
    TribunalMember,
)
from disputes.selectors import dispute_clocks, with_clock_data
from mediation.models import Membership, Role
from notifications.messages import (
    ALL_SIDES,
    RESPONDENT,
    Recipient,
    case_context,
    insert_once,
    message_rows,
    party_recipients,
    staff_recipients,
)
from notifications.models import Message, Reminder, TemplateCode
from notifications.rendering import TemplateBook, chinese_date, chinese_datetime

log = logging.getLogger(__name__)

Kind = Reminder.Kind

HEARING = "hearing"
PERFORMANCE = "performance"
# Clocks that are not statutory periods: their words and legal basis.
OTHER_CLOCKS = {
    HEARING: ("开庭", "《劳动争议调解仲裁法》第三十五条"),
    PERFORMANCE: ("调解协议履行期限", "《劳动争议调解仲裁法》第十五条、第十六条"),
}


@dataclass(frozen=True)
class ClockRule:
    """Who hears about one kind of deadline, with which template."""

    staff: str  # a key of _STAFF below
    staff_warning: str
    staff_overdue: str | None
    party_warning: str | None = None
    party_overdue: str | None = None
    warning_sides: frozenset[str] = frozenset()
    overdue_sides: frozenset[str] = frozenset()

    @property
    def has_overdue(self) -> bool:
        return self.staff_overdue is not None or self.party_overdue is not None


WARN, LATE = TemplateCode.DEADLINE_WARNING, TemplateCode.OVERDUE
CLOCK_RULES: dict[str, ClockRule] = {
    # Law art. 14: nothing closes, but the parties may now apply for arbitration.
    "mediation_window": ClockRule("mediator", WARN, LATE),
    "acceptance_decision": ClockRule("filing_officers", WARN, LATE),  # Law art. 29
    "serve_application": ClockRule("filing_officers", WARN, LATE),  # Law art. 30
    # Law art. 30: the respondent's document; a missing defence does not stop the case.
    "defence": ClockRule("tribunal_or_filing_officers", TemplateCode.DEFENCE_DUE, LATE,
                         party_warning=TemplateCode.DEFENCE_DUE,
                         warning_sides=frozenset({RESPONDENT})),
    "tribunal_notice": ClockRule("chairs", WARN, LATE),  # Law art. 32, Rules art. 37
    "award": ClockRule("tribunal_or_chairs", WARN, LATE),  # Law art. 43
    HEARING: ClockRule("tribunal", TemplateCode.HEARING_REMINDER, None,
                       party_warning=TemplateCode.HEARING_REMINDER, warning_sides=ALL_SIDES),
    # Law arts. 15, 16: not performed by the date -> arbitration or a payment order.
    PERFORMANCE: ClockRule("agreement_mediator", TemplateCode.AGREEMENT_PERFORMANCE_DUE, LATE,
                           party_warning=TemplateCode.AGREEMENT_PERFORMANCE_DUE,
                           party_overdue=TemplateCode.AGREEMENT_PERFORMANCE_DUE,
                           warning_sides=ALL_SIDES, overdue_sides=ALL_SIDES),
}


def clock_label(code: str) -> str:
    if code in OTHER_CLOCKS:
        return OTHER_CLOCKS[code][0]
    spec = periods().get(code)
    return spec.name_zh if spec is not None else code


@dataclass
class Deadline:
    code: str
    due_on: dt.date
    organization_id: int  # whose queue hears about it
    staff: list[User]
    label: str
    basis: str
    extra: dict[str, Any] = field(default_factory=dict)


def reminder_due(due_on: dt.date, today: dt.date, offsets: Sequence[int],
                 overdue: bool) -> tuple[str, int] | None:
    """Which reminder (kind, working days before) is due today for this deadline, if any:
    the overdue notice once it has passed, else the nearest warning that has fallen due."""
    if today > due_on:
        return (Kind.OVERDUE, 0) if overdue else None
    fallen_due = [k for k in offsets
                  if (due_on if k == 0 else subtract_working_days(due_on, k).date) <= today]
    if not fallen_due:
        return None
    nearest = min(fallen_due)
    return (Kind.DUE_TODAY if nearest == 0 else Kind.WARNING, nearest)


# -- candidates ----------------------------------------------------------------------------

def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def candidate_ids(today: dt.date, horizon: dt.date) -> set[int]:
    """Open cases with a deadline on or before `horizon` (overdue ones included)."""
    ids = set(Dispute.objects.filter(status__in=OPEN_STATES, next_due_on__lte=horizon)
              .values_list("pk", flat=True))
    ids |= set(Hearing.objects.filter(
        state=Hearing.State.SCHEDULED, scheduled_for__gte=_day_start(today),
        scheduled_for__lt=_day_start(horizon + dt.timedelta(days=1)),
        record__dispute__status__in=OPEN_STATES,
    ).values_list("record__dispute_id", flat=True))
    # The defence clock is the respondent's, so it is not in next_due_on.
    ids |= set(ArbitrationRecord.objects.filter(
        application_served_on__isnull=False, defence_received_on__isnull=True,
        dispute__status__in=OPEN_STATES,
    ).values_list("dispute_id", flat=True))
    ids |= set(Agreement.objects.filter(
        performance_due__lte=horizon, attempt__dispute__status=Status.MEDIATION_SUCCEEDED,
    ).exclude(performed=True).values_list("attempt__dispute_id", flat=True))
    return ids


def _load(ids: Iterable[int]) -> list[Dispute]:
    return list(
        with_clock_data(Dispute.objects.filter(pk__in=list(ids)))
        .select_related("organization", "mediator")
        .prefetch_related(
            "mediation_attempts__agreement",
            "mediation_attempts__mediator",
            Prefetch("arbitration__tribunal",
                     queryset=TribunalMember.objects.select_related("arbitrator")),
            Prefetch("arbitration__hearings",
                     queryset=Hearing.objects.filter(state=Hearing.State.SCHEDULED)),
            Prefetch("parties", queryset=Party.objects.select_related("user")
                     .order_by("side", "pk")),
        )
        .order_by("pk")
    )


class StaffIndex:
    """Active heads, filing officers and chairs of the organizations concerned (one query)."""

    ROLES = (Role.HEAD, Role.FILING_OFFICER, Role.CHAIR)

    def __init__(self, organization_ids: Iterable[int]) -> None:
        self._by: dict[tuple[int, str], list[User]] = defaultdict(list)
        rows = Membership.objects.filter(
            organization_id__in=set(organization_ids), role__in=self.ROLES, is_active=True,
            user__is_active=True,
        ).select_related("user").order_by("user_id")
        for m in rows:
            self._by[(m.organization_id, m.role)].append(m.user)

    def of(self, organization_id: int | None, role: str) -> list[User]:
        return list(self._by.get((organization_id or 0, role), []))


def _record(dispute: Dispute) -> ArbitrationRecord | None:
    try:
        return dispute.arbitration
    except ArbitrationRecord.DoesNotExist:
        return None


def _staff(rule: str, dispute: Dispute, staff: StaffIndex, *,
           attempt: MediationAttempt | None = None) -> list[User]:
    record = _record(dispute)
    commission = record.commission_id if record is not None else None
    tribunal = [m.arbitrator for m in record.tribunal.all()] if record is not None else []
    if rule == "mediator":
        return [dispute.mediator] if dispute.mediator else staff.of(dispute.organization_id,
                                                                    Role.HEAD)
    if rule == "agreement_mediator":
        assert attempt is not None
        return [attempt.mediator] if attempt.mediator else staff.of(attempt.organization_id,
                                                                    Role.HEAD)
    if rule == "filing_officers":
        return staff.of(commission, Role.FILING_OFFICER)
    if rule == "chairs":
        return staff.of(commission, Role.CHAIR)
    if rule == "tribunal":
        return tribunal
    if rule == "tribunal_or_chairs":
        return tribunal or staff.of(commission, Role.CHAIR)
    if rule == "tribunal_or_filing_officers":
        return tribunal or staff.of(commission, Role.FILING_OFFICER)
    raise ValueError(rule)


def deadlines(dispute: Dispute, today: dt.date, staff: StaffIndex) -> list[Deadline]:
    """The case's deadlines that still call for action (running or overdue, not met)."""
    found: list[Deadline] = []
    record = _record(dispute)
    commission = record.commission_id if record is not None else dispute.organization_id
    for reading in dispute_clocks(dispute, today=today):
        rule = CLOCK_RULES.get(reading.code)
        if rule is None or reading.state not in (ClockState.RUNNING, ClockState.OVERDUE):
            continue
        organization = (dispute.organization_id if reading.code == "mediation_window"
                        else commission)
        found.append(Deadline(reading.code, reading.due_on, organization,
                              _staff(rule.staff, dispute, staff), reading.label_zh,
                              reading.basis))
    if record is not None and dispute.status == Status.HEARING_SCHEDULED:
        label, basis = OTHER_CLOCKS[HEARING]
        for hearing in record.hearings.all():
            at = timezone.localtime(hearing.scheduled_for)
            found.append(Deadline(HEARING, at.date(), commission,
                                  _staff(CLOCK_RULES[HEARING].staff, dispute, staff), label,
                                  basis, {"hearing_at": chinese_datetime(at),
                                          "location": hearing.location}))
    if dispute.status == Status.MEDIATION_SUCCEEDED:
        label, basis = OTHER_CLOCKS[PERFORMANCE]
        for attempt in dispute.mediation_attempts.all():
            try:
                agreement = attempt.agreement
            except Agreement.DoesNotExist:
                continue
            if agreement.performance_due is None or agreement.performed:
                continue
            found.append(Deadline(PERFORMANCE, agreement.performance_due,
                                  attempt.organization_id,
                                  _staff(CLOCK_RULES[PERFORMANCE].staff, dispute, staff,
                                         attempt=attempt), label, basis))
    return found


# -- the sweep -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Wanted:
    dispute: Dispute
    deadline: Deadline
    kind: str
    working_days_before: int

    @property
    def key(self) -> tuple[int, str, str, int, dt.date]:
        return (self.dispute.pk, self.deadline.code, self.kind, self.working_days_before,
                self.deadline.due_on)


def warning_offsets() -> list[int]:
    return sorted(set(settings.REMINDER_WARNING_WORKING_DAYS))


def sweep_reminders(*, today: dt.date | None = None) -> int:
    """Make the reminders due today that do not exist yet, with their messages. Returns how
    many this sweep made (another sweep running at the same time makes the rest)."""
    today = today or timezone.localdate()
    offsets = warning_offsets()
    furthest = max(offsets, default=0)
    horizon = add_working_days(today, furthest).date if furthest else today
    ids = sorted(candidate_ids(today, horizon))
    if not ids:
        return 0
    book = TemplateBook.load()
    made = 0
    size = settings.REMINDER_SWEEP_CHUNK
    for start in range(0, len(ids), size):
        made += _sweep_chunk(ids[start:start + size], today, offsets, book)
    if made:
        log.info("reminders: %s made", made)
    return made


def _sweep_chunk(ids: list[int], today: dt.date, offsets: Sequence[int],
                 book: TemplateBook) -> int:
    with transaction.atomic():
        disputes = _load(ids)
        organizations = {d.organization_id for d in disputes}
        organizations |= {a.organization_id for d in disputes for a in d.mediation_attempts.all()}
        organizations |= {r.commission_id for d in disputes if (r := _record(d)) is not None}
        staff = StaffIndex(organizations)
        wanted: list[Wanted] = []
        for dispute in disputes:
            for deadline in deadlines(dispute, today, staff):
                due = reminder_due(deadline.due_on, today, offsets,
                                   CLOCK_RULES[deadline.code].has_overdue)
                if due is not None:
                    wanted.append(Wanted(dispute, deadline, *due))
        if not wanted:
            return 0
        existing = set(Reminder.objects.filter(dispute_id__in=ids).values_list(
            "dispute_id", "clock", "kind", "working_days_before", "due_on"))
        new = sorted({w.key: w for w in wanted if w.key not in existing}.values(),
                     key=lambda w: w.key)
        if not new:
            return 0
        sweep = uuid.uuid4()
        now = timezone.now()
        Reminder.objects.bulk_create([
            Reminder(dispute=w.dispute, clock=w.deadline.code, kind=w.kind,
                     working_days_before=w.working_days_before, due_on=w.deadline.due_on,
                     organization_id=w.deadline.organization_id, sweep=sweep,
                     next_attempt_at=now)
            for w in new
        ], ignore_conflicts=True)
        # Only the rows this sweep inserted: a concurrent sweep's rows are its to announce.
        mine = {(r.dispute_id, r.clock, r.kind, r.working_days_before, r.due_on): r
                for r in Reminder.objects.filter(sweep=sweep, dispute_id__in=ids)}
        rows: list[Message] = []
        for w in new:
            reminder = mine.get(w.key)
            if reminder is not None:
                rows += reminder_messages(w, reminder, today, book, now)
        insert_once(rows)
        return len(mine)


def reminder_messages(w: Wanted, reminder: Reminder, today: dt.date, book: TemplateBook,
                      now: dt.datetime) -> list[Message]:
    rule = CLOCK_RULES[w.deadline.code]
    overdue = w.kind == Kind.OVERDUE
    context = {
        **case_context(w.dispute),
        "kind": w.kind,
        "clock_label": w.deadline.label,
        "due_on": chinese_date(w.deadline.due_on),
        "working_days_left": max(working_days_between(today, w.deadline.due_on).days, 0),
        "basis": w.deadline.basis,
        **w.deadline.extra,
    }
    rows: list[Message] = []
    staff_template = rule.staff_overdue if overdue else rule.staff_warning
    if staff_template is not None:
        rows += message_rows(dispute=w.dispute, reminder=reminder, template=staff_template,
                             recipients=staff_recipients(w.deadline.staff), context=context,
                             book=book, now=now)
    party_template = rule.party_overdue if overdue else rule.party_warning
    sides = rule.overdue_sides if overdue else rule.warning_sides
    if party_template is not None and sides:
        parties: list[Recipient] = party_recipients(w.dispute, sides)
        rows += message_rows(dispute=w.dispute, reminder=reminder, template=party_template,
                             recipients=parties, context=context, book=book, now=now)
    return rows


def reminder_record(reminder: Reminder, tracking_number: str) -> dict[str, Any]:
    """What the organization's queue receives about a reminder (no personal data)."""
    with translation.override(settings.LANGUAGE_CODE):
        kind_label = str(Kind(reminder.kind).label)
    return {
        "id": reminder.pk,
        "dispute": reminder.dispute_id,
        "tracking_number": tracking_number,
        "clock": reminder.clock,
        "label": clock_label(reminder.clock),
        "kind": reminder.kind,
        "kind_label": kind_label,
        "due_on": reminder.due_on.isoformat(),
        "working_days_before": reminder.working_days_before,
    }

