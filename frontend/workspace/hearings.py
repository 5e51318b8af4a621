"""The hearing calendar: upcoming hearings by day.

An arbitrator sees the hearings of the tribunals they sit on; the commission's chair and
filing officers see every hearing of their commission (they schedule rooms and serve the
notices, Law art. 35). Always within `access.disputes_for_user`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from disputes import access
from disputes.models import Hearing, Party, TribunalMember
from frontend.workspace.actions import display_name
from frontend.workspace.queue import commission_roles, names_summary
from mediation.models import Organization, Role
from mediation.selectors import active_memberships

DAYS_SHOWN = 28


@dataclass(frozen=True)
class CalendarEntry:
    hearing: Hearing
    applicants: str
    respondents: str
    tribunal: list[str]
    mine: bool


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    entries: list[CalendarEntry]


def may_see_calendar(user: access.AnyUser) -> bool:
    return bool(commission_roles(user))


def _oversees(user: access.AnyUser) -> list[int]:
    """Commissions whose every hearing the user sees (chair, filing officer)."""
    return [m.organization_id for m in active_memberships(user)
            if m.organization.kind == Organization.Kind.ARBITRATION_COMMISSION
            and m.role in (Role.CHAIR, Role.FILING_OFFICER)]


def hearings_for(user: access.AnyUser, start: dt.date, days: int = DAYS_SHOWN) -> QuerySet[Hearing]:
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = since + dt.timedelta(days=days)
    whose = Q(record__tribunal__arbitrator_id=user.pk)
    oversees = _oversees(user)
    if oversees:
        whose |= Q(record__commission_id__in=oversees)
    return (
        Hearing.objects.filter(whose, state=Hearing.State.SCHEDULED,
                               scheduled_for__gte=since, scheduled_for__lt=until,
                               record__dispute__in=access.disputes_for_user(user))
        .distinct()
        .select_related("record__dispute")
        .prefetch_related(
            Prefetch("record__dispute__parties", queryset=Party.objects.order_by("side", "pk")),
            Prefetch("record__tribunal",
                     queryset=TribunalMember.objects.select_related("arbitrator")),
        )
        .order_by("scheduled_for", "pk")
    )


def calendar_days(user: access.AnyUser, start: dt.date, days: int = DAYS_SHOWN) -> list[CalendarDay]:
    by_day: dict[dt.date, list[CalendarEntry]] = {}
    for h in hearings_for(user, start, days):
        members = sorted(h.record.tribunal.all(), key=lambda m: (m.seat == TribunalMember.Seat.MEMBER, m.pk))
        parties = list(h.record.dispute.parties.all())
        entry = CalendarEntry(
            hearing=h,
            applicants=names_summary([p.name for p in parties if p.side == Party.Side.APPLICANT]),
            respondents=names_summary([p.name for p in parties
                                       if p.side == Party.Side.RESPONDENT]),
            tribunal=[f"{display_name(m.arbitrator)}（{m.get_seat_display()}）" for m in members],
            mine=any(m.arbitrator_id == user.pk for m in members),
        )
        by_day.setdefault(timezone.localtime(h.scheduled_for).date(), []).append(entry)
    return [CalendarDay(day=d, entries=e) for d, e in sorted(by_day.items())]
