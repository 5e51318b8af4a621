"""Collective disputes (集体劳动人事争议)."""

from __future__ import annotations

from dataclasses import dataclass, field

from disputes.rules.common import Reason

COLLECTIVE_MIN_WORKERS = 10
COLLECTIVE_BASIS = (
    "《劳动争议调解仲裁法》第七条；《劳动人事争议仲裁办案规则》第五条、第六十二条；"
    "《劳动人事争议仲裁组织规则》第十三条"
)


@dataclass(frozen=True, slots=True)
class CollectiveHandling:
    is_collective: bool
    priority: bool  # priority filing and hearing (Rules art. 5)
    representatives: bool  # the workers elect representatives (Law art. 7)
    tribunal_size: int | None  # three arbitrators with a presiding one; None: not fixed here
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def collective_handling(
    *, workers: int, common_claim: bool, collective_contract: bool
) -> CollectiveHandling:
    """How a dispute with many workers, or over a collective contract, is handled.

    Rules art. 62: ten or more workers with a common claim, or a dispute over carrying
    out a collective contract: priority filing and hearing (art. 5), representatives
    (Law art. 7: three to five), and a tribunal of three arbitrators.
    """
    reasons: list[Reason] = []
    if workers >= COLLECTIVE_MIN_WORKERS and common_claim:
        reasons.append(
            Reason(
                "ten_or_more_workers",
                f"劳动者一方 {workers} 人，在十人以上并有共同请求，按集体争议处理：优先立案、"
                "优先审理，可推举三至五名代表参加仲裁，由三名仲裁员组成仲裁庭。",
                f"{workers} workers, ten or more with a common claim: a collective dispute — "
                "priority filing and hearing, three to five elected representatives, a "
                "tribunal of three arbitrators.",
                COLLECTIVE_BASIS,
            )
        )
    elif workers >= COLLECTIVE_MIN_WORKERS:
        reasons.append(
            Reason(
                "no_common_claim",
                "劳动者虽在十人以上，但没有共同请求，不按集体争议处理。",
                "Ten or more workers, but without a common claim: not a collective dispute.",
                COLLECTIVE_BASIS,
            )
        )
    if collective_contract:
        reasons.append(
            Reason(
                "collective_contract",
                "因履行集体合同发生的争议，按集体争议处理：优先立案、优先审理，"
                "由工会或推举的代表参加，按三方原则由三名仲裁员组成仲裁庭。",
                "A dispute over carrying out a collective contract: priority filing and "
                "hearing, the union or elected representatives take part, a tripartite "
                "tribunal of three arbitrators.",
                COLLECTIVE_BASIS + "；《劳动合同法》第五十六条",
            )
        )
    is_collective = collective_contract or (workers >= COLLECTIVE_MIN_WORKERS and common_claim)
    return CollectiveHandling(
        is_collective=is_collective,
        priority=is_collective,
        representatives=is_collective,
        tribunal_size=3 if is_collective else None,
        reasons=tuple(reasons),
    )
