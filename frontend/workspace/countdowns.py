"""Clock readings as the workspace shows them: a countdown with its urgency.

The readings come from `disputes.selectors` (the same ones the API and the status page
read); this module only words them and says how urgent each is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from disputes.clocks import ClockReading, ClockState
from disputes.selectors import STAFF_CLOCKS

# A running clock with this many units (working or calendar days) left or fewer is shown
# as "soon due" on the queue, so the staff act before it runs out.
SOON_DAYS = 3
WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Countdown:
    """A clock reading in the reader's language; the words are worked out once (a queue
    page shows a few hundred)."""

    code: str
    label: str
    basis: str
    started_on: dt.date
    due_on: dt.date
    days_left: int
    working_days: bool
    state: str
    provisional: bool
    paused_days: int
    extension_days: int
    is_staff_clock: bool

    @property
    def running(self) -> bool:
        return self.state in (ClockState.RUNNING, ClockState.OVERDUE)

    @cached_property
    def urgency(self) -> str:
        """overdue, soon, ok (running), paused, met, late (met late), lapsed (a party's
        period that ran out: the respondent's defence, the time to sue; nobody's delay)."""
        if self.state == ClockState.OVERDUE:
            return "overdue" if self.is_staff_clock else "lapsed"
        if self.state == ClockState.RUNNING:
            return "soon" if self.days_left <= SOON_DAYS else "ok"
        if self.state == ClockState.PAUSED:
            return "paused"
        if self.state == ClockState.MET_LATE:
            return "late"
        return "met"

    @cached_property
    def badge(self) -> str:
        """The CSS modifier of frontend/app.css's .badge for this urgency."""
        return {"overdue": "badge--overdue", "late": "badge--overdue", "soon": "badge--soon",
                "ok": "badge--ok", "met": "badge--ok"}.get(self.urgency, "")

    @cached_property
    def text(self) -> str:
        n = abs(self.days_left)
        if self.state == ClockState.OVERDUE and not self.is_staff_clock:
            return _("已届满")
        if self.state == ClockState.OVERDUE:
            return (_("已超期 %(n)d 个工作日") if self.working_days
                    else _("已超期 %(n)d 日")) % {"n": n}
        if self.state == ClockState.RUNNING:
            if self.days_left == 0:
                return _("今日届满")
            return (_("剩 %(n)d 个工作日") if self.working_days else _("剩 %(n)d 日")) % {"n": n}
        if self.state == ClockState.PAUSED:
            return _("暂停计算（中止）")
        if self.state == ClockState.MET_LATE:
            return _("已完成（逾期）")
        return _("已按期完成")


def countdown(reading: ClockReading) -> Countdown:
    english = (get_language() or "zh-hans").startswith("en")
    return Countdown(
        code=reading.code,
        label=reading.label_en if english else reading.label_zh,
        basis=reading.basis,
        started_on=reading.started_on,
        due_on=reading.due_on,
        days_left=reading.days_left,
        working_days=reading.unit == WORKING_DAYS,
        state=str(reading.state),
        provisional=reading.provisional,
        paused_days=reading.paused_days,
        extension_days=reading.extension_days,
        is_staff_clock=reading.code in STAFF_CLOCKS,
    )


def running_countdowns(readings: list[ClockReading]) -> list[Countdown]:
    """The clocks that still run (or are paused): the staff's own first, soonest first,
    then paused ones, then the parties' periods. What the queue shows."""
    shown = [countdown(r) for r in readings
             if r.state in (ClockState.RUNNING, ClockState.OVERDUE, ClockState.PAUSED)]
    return sorted(shown, key=lambda c: (not c.is_staff_clock, c.state == ClockState.PAUSED,
                                        c.due_on))
