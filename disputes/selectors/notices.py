"""What a filing officer must see about a case: the amount claimed, simplified-procedure
eligibility, collective handling and limitation, as notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language

from disputes import rules
from disputes.models import (
    ClaimType,
    Dispute,
    Party,
)
from disputes.selectors.clocks import record_of


def claimed_amount(dispute: Dispute) -> Decimal | None:
    """The amount in dispute (标的额): the applicant's open claims with an amount, summed;
    None when no claim has one."""
    amounts = [c.amount for c in dispute.claims.all()
               if not c.is_withdrawn and not c.is_counter_claim and c.amount is not None]
    return sum(amounts, Decimal("0")) if amounts else None


def simplified_eligibility(dispute: Dispute, *, facts_clear: bool, parties_agree: bool,
                           public_interest: bool = False, major_social_impact: bool = False,
                           respondent_unknown: bool = False) -> rules.SimplifiedEligibility:
    """Rules arts. 56, 57 for this case: the amount and the year come from its rows, the
    rest is what the filing officer found."""
    record = record_of(dispute)
    return rules.simplified_procedure(rules.SimplifiedCase(
        applied_on=record.applied_on if record is not None else dispute.received_on,
        facts_clear=facts_clear,
        amount=claimed_amount(dispute),
        both_parties_agree=parties_agree,
        involves_state_or_public_interest=public_interest,
        major_social_impact=major_social_impact,
        respondent_whereabouts_unknown=respondent_unknown,
        region_code=dispute.district.wage_region_code or None,
    ))


@dataclass(frozen=True)
class CollectiveStatus:
    """Rules art. 62 for one case, as the filing officer's screen shows it."""

    is_collective: bool
    workers: int  # applicant workers on the case
    priority: bool  # priority filing and hearing (Rules art. 5)
    representatives: bool  # three to five elected representatives (Law art. 7)
    tribunal_size: int | None  # 3 for a collective case; None: the procedure decides
    reasons: tuple[rules.Reason, ...]


def collective_status(dispute: Dispute) -> CollectiveStatus:
    """Whether the case is handled as a collective dispute, and what follows from it.

    The applicants filed one application with the case's claims, so they share a common
    claim. A case flagged collective at intake with fewer than ten workers can only be
    one over a collective contract (Rules art. 62), which is how the flag is read here.
    Reads the case's parties (prefetch `parties` to check many cases).
    """
    workers = sum(1 for p in dispute.parties.all()
                  if p.side == Party.Side.APPLICANT and p.kind == Party.Kind.WORKER)
    handling = rules.collective_handling(
        workers=workers,
        common_claim=True,
        collective_contract=dispute.is_collective and workers < rules.COLLECTIVE_MIN_WORKERS,
    )
    return CollectiveStatus(
        is_collective=handling.is_collective,
        workers=workers,
        priority=handling.priority,
        representatives=handling.representatives,
        tribunal_size=handling.tribunal_size,
        reasons=handling.reasons,
    )


@dataclass(frozen=True)
class LimitationItem:
    claim_type: str
    claim_label: str
    warning: rules.LimitationWarning


@dataclass(frozen=True)
class LimitationNotice:
    """Law art. 27 for each kind of claim on the case: a warning for the filing officer,
    never a ground to refuse (the respondent may raise it as a defence)."""

    checked: bool  # False: the day the party knew is not on file, nothing was counted
    as_of: dt.date  # the arbitration application's date, or today before there is one
    interrupted_on: dt.date | None  # the case's first application, when earlier than as_of
    items: tuple[LimitationItem, ...]
    reason_zh: str
    reason_en: str
    basis: str = rules.LIMITATION_BASIS

    @property
    def out_of_time(self) -> bool:
        return any(item.warning.out_of_time for item in self.items)


def limitation_notice(dispute: Dispute, *, today: dt.date | None = None) -> LimitationNotice:
    """The one-year limitation (Law art. 27) of each kind of the applicant's open claims,
    counted to the day the commission received the arbitration application (today while
    there is none). The application that opened the case earlier (at a mediation
    organization, say) was a request for relief that interrupts the limitation (art. 27
    ¶2): the year starts anew from that day, provided it had not already run out."""
    today = today or timezone.localdate()
    record = record_of(dispute)
    as_of = record.applied_on if record is not None else today
    interrupted_on = dispute.received_on if dispute.received_on < as_of else None
    if dispute.knew_on is None:
        return LimitationNotice(
            checked=False, as_of=as_of, interrupted_on=interrupted_on, items=(),
            reason_zh="未登记知道或者应当知道权利被侵害之日，无法核对仲裁时效。",
            reason_en="The day the party knew or should have known is not on file; the "
            "limitation was not checked.",
        )
    items: dict[str, LimitationItem] = {}
    for claim in dispute.claims.all():
        if claim.is_withdrawn or claim.is_counter_claim or claim.item_type in items:
            continue
        items[claim.item_type] = LimitationItem(
            claim_type=claim.item_type,
            claim_label=str(ClaimType(claim.item_type).label),
            warning=rules.limitation_warning(
                claim_kind=claim.item_type,
                knew_on=dispute.knew_on,
                applied_on=as_of,
                employment_ended_on=dispute.employment_ended_on,
                interrupted_on=interrupted_on,
            ),
        )
    late = [item for item in items.values() if item.warning.out_of_time]
    if late:
        labels = "、".join(item.claim_label for item in late)
        reason_zh = (f"{labels}的请求可能已超过一年仲裁时效；时效是被申请人的抗辩事由，"
                     "不影响受理。")
        reason_en = (f"The limitation may have run for: {', '.join(i.claim_type for i in late)}; "
                     "it is a defence for the respondent, not a ground to refuse.")
    else:
        reason_zh = "各项请求均在仲裁时效内。"
        reason_en = "Every claim is within the limitation period."
    return LimitationNotice(
        checked=True, as_of=as_of, interrupted_on=interrupted_on, items=tuple(items.values()),
        reason_zh=reason_zh, reason_en=reason_en,
    )


def case_notices(dispute: Dispute) -> list[dict[str, str]]:
    """What the case's staff must not miss when deciding: the one-year limitation (a
    warning, never a ground to refuse) and collective handling. The caller decides who
    sees them (the case's staff; never the parties)."""
    english = (get_language() or "zh-hans").startswith("en")
    notices: list[dict[str, str]] = []
    limitation = limitation_notice(dispute)
    notices.append({
        "code": "limitation",
        "level": "warning" if limitation.out_of_time or not limitation.checked else "info",
        "text": limitation.reason_en if english else limitation.reason_zh,
        "basis": limitation.basis,
    })
    collective = collective_status(dispute)
    if collective.is_collective:
        text_en = (f"Collective dispute ({collective.workers} workers): priority filing and "
                   "hearing, a tribunal of three arbitrators.")
        text_zh = (f"集体劳动人事争议（劳动者 {collective.workers} 人）：优先立案、优先审理，"
                   "组成三人仲裁庭。")
        basis = "; ".join(r.basis for r in collective.reasons)
        notices.append({
            "code": "collective", "level": "info", "text": text_en if english else text_zh,
            "basis": basis or "《劳动人事争议仲裁办案规则》第六十二条",
        })
    return notices
