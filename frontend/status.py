"""What the status pages show of a case: plain words, next step, clocks as countdowns, a
timeline without personal data. One builder for the public look-up and "my cases"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from disputes import selectors
from disputes.clocks import ClockReading, ClockState
from disputes.identifiers import mask_name
from disputes.models import TERMINAL, Dispute, DisputeEvent, Party
from disputes.plain import event_label, plain_state


@dataclass(frozen=True)
class Countdown:
    label: str
    basis: str
    due_on: dt.date
    state: str
    text: str  # "还剩 3 个工作日", "已超过期限 2 日", ...
    css: str  # badge modifier: overdue, soon, ok
    provisional: bool


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    label: str
    occurred_on: dt.date


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def _units(reading: ClockReading, n: int) -> str:
    if reading.unit == "working_days":
        return ngettext("%(n)d 个工作日", "%(n)d 个工作日", n) % {"n": n}
    if reading.unit == "years":
        return ngettext("%(n)d 年", "%(n)d 年", n) % {"n": n}
    return ngettext("%(n)d 日", "%(n)d 日", n) % {"n": n}


def countdown(reading: ClockReading) -> Countdown:
    days = reading.days_left
    if reading.state == ClockState.RUNNING:
        text = _("今天到期") if days == 0 else _("还剩 %(left)s") % {"left": _units(reading, days)}
        css = "soon" if days <= 2 else "ok"
    elif reading.state == ClockState.OVERDUE:
        text = _("已超过期限 %(late)s") % {"late": _units(reading, -days)}
        css = "overdue"
    elif reading.state == ClockState.PAUSED:
        text = _("暂停计算（案件中止）")
        css = "soon"
    elif reading.state == ClockState.MET_LATE:
        text = _("已完成（超过期限）")
        css = "overdue"
    else:
        text = _("已按期完成")
        css = "ok"
    return Countdown(
        label=reading.label_en if _english() else reading.label_zh, basis=reading.basis,
        due_on=reading.due_on, state=str(reading.state), text=text, css=css,
        provisional=reading.provisional,
    )


def case_status(dispute: Dispute, *, today: dt.date | None = None) -> dict[str, Any]:
    """The status page's context for one case, in a fixed number of queries."""
    today = today or timezone.localdate()
    full = (selectors.with_clock_data(Dispute.objects.filter(pk=dispute.pk))
            .select_related("organization").get())
    words = plain_state(full.status, full.outcome)
    readings = selectors.dispute_clocks(full, today=today)
    running = [countdown(r) for r in readings
               if r.state in (ClockState.RUNNING, ClockState.OVERDUE, ClockState.PAUSED)]
    done = [countdown(r) for r in readings
            if r.state in (ClockState.MET_ON_TIME, ClockState.MET_LATE)]
    events = DisputeEvent.objects.filter(dispute=full).order_by("-seq").values_list(
        "seq", "kind", "occurred_on")
    applicant = (Party.objects.filter(dispute=full, side=Party.Side.APPLICANT)
                 .order_by("pk").values_list("name", flat=True).first())
    return {
        "dispute": full,
        "status_label": full.get_status_display(),
        "now_words": words.now,
        "next_words": words.next,
        "running_clocks": running,
        "met_clocks": done,
        "timeline": [TimelineEntry(seq, event_label(kind), on) for seq, kind, on in events],
        "last_seq": full.event_seq,
        "applicant_masked": mask_name(applicant or ""),
        "is_closed": full.status in TERMINAL,
        "today": today,
    }
