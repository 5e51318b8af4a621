"""Limitation (仲裁时效, Law art. 27)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from disputes.clocks import ClockState, Pause, PeriodCode, read_clock
from disputes.rules.common import ClaimKind

LIMITATION_BASIS = "《劳动争议调解仲裁法》第二十七条"
# Labor remuneration (劳动报酬) owed during employment: no limit while it lasts (art. 27 ¶4).
REMUNERATION_CLAIMS = frozenset({ClaimKind.WAGES, ClaimKind.OVERTIME_PAY})


@dataclass(frozen=True, slots=True)
class LimitationWarning:
    """Whether the one-year limitation may have run; a defence, never a ground to refuse.

    The commission accepts the application either way; the respondent may raise it.
    """

    out_of_time: bool
    counted_from: dt.date | None
    runs_until: dt.date | None  # None: no limit runs (wages during employment)
    provisional: bool
    reason_zh: str
    reason_en: str
    basis: str = LIMITATION_BASIS


def limitation_warning(
    *,
    claim_kind: str,
    knew_on: dt.date,
    applied_on: dt.date,
    employment_ended_on: dt.date | None = None,
    interrupted_on: dt.date | None = None,
    suspensions: Sequence[Pause] = (),
) -> LimitationWarning:
    """Check the one-year limitation of Law art. 27 for one claim.

    The year runs from the day the party knew or should have known of the infringement
    (¶1); it starts anew from an interruption (¶2: a claim on the other side, a request
    for relief, the other side agreeing to perform), and stops during a suspension (¶3:
    force majeure or another just cause). Wages owed during employment: no limit while
    the employment lasts; once it has ended, one year from its end (¶4).
    """
    employed = employment_ended_on is None or employment_ended_on >= applied_on
    if claim_kind in REMUNERATION_CLAIMS and employed:
        return LimitationWarning(
            out_of_time=False,
            counted_from=None,
            runs_until=None,
            provisional=False,
            reason_zh="劳动关系存续期间因拖欠劳动报酬发生争议，不受一年仲裁时效限制。",
            reason_en="Unpaid remuneration during employment: the one-year limitation does "
            "not run while the employment lasts.",
            basis=LIMITATION_BASIS + "第四款",
        )
    if claim_kind in REMUNERATION_CLAIMS and employment_ended_on is not None:
        counted_from = employment_ended_on
        from_zh, from_en = "劳动关系终止之日", "the end of the employment"
    else:
        counted_from = knew_on
        from_zh = "知道或者应当知道权利被侵害之日"
        from_en = "the day the party knew or should have known"
    if interrupted_on is not None and interrupted_on > counted_from:
        # Only a running limitation is interrupted: one that had already run out is not
        # revived by a later request for relief.
        before = read_clock(
            PeriodCode.LIMITATION,
            counted_from,
            today=interrupted_on,
            met_on=interrupted_on,
            pauses=suspensions,
        )
        if before.state == ClockState.MET_ON_TIME:
            counted_from = interrupted_on
            from_zh, from_en = "时效中断之日", "the interruption"
    reading = read_clock(
        PeriodCode.LIMITATION,
        counted_from,
        today=applied_on,
        met_on=applied_on,
        pauses=suspensions,
    )
    out_of_time = reading.state == ClockState.MET_LATE
    if out_of_time:
        reason_zh = (
            f"自{from_zh}（{counted_from}）起算的一年仲裁时效已于 {reading.due_on} 届满；"
            "时效是被申请人的抗辩事由，不影响受理。"
        )
        reason_en = (
            f"The one-year limitation counted from {from_en} ({counted_from}) ran out on "
            f"{reading.due_on}; it is a defence for the respondent, not a ground to refuse."
        )
    else:
        reason_zh = (
            f"自{from_zh}（{counted_from}）起算，仲裁时效至 {reading.due_on} 届满，申请在时效内。"
        )
        reason_en = (
            f"Counted from {from_en} ({counted_from}), the limitation runs until "
            f"{reading.due_on}; the application is in time."
        )
    return LimitationWarning(
        out_of_time=out_of_time,
        counted_from=counted_from,
        runs_until=reading.due_on,
        provisional=reading.provisional,
        reason_zh=reason_zh,
        reason_en=reason_en,
    )
