"""Demo ratings (`manage.py seed_demo`): the applicants of a share of the closed cases rate
them through the service, mostly satisfied, so the dashboard's fourth indicator has figures.
Parties with an account (the `worker` persona) are left to rate their cases themselves."""

from __future__ import annotations

import random
from collections.abc import Iterable

from disputes.models import TERMINAL, Dispute, Party
from satisfaction.services import satisfaction_rate

RATED_SHARE = 0.6
# Scores 5..1: most parties are satisfied, a few are not (the plan's target is 98 %).
SCORES = (5, 4, 3, 2, 1)
WEIGHTS = (74, 21, 3, 1.5, 0.5)
COMMENTS = {5: "调解员耐心细致，处理及时。", 4: "总体满意，等待时间稍长。",
            3: "结果可以接受。", 2: "处理时间太长。", 1: "对结果不满意。"}


def rate_closed_cases(disputes: Iterable[Dispute], rng: random.Random) -> int:
    """Rate a share of the closed cases as their applicant (the rating is dated now, after
    the closure was recorded, as a real one would be); how many were rated."""
    rated = 0
    for dispute in disputes:
        if dispute.status not in TERMINAL or rng.random() > RATED_SHARE:
            continue
        applicant = (dispute.parties.filter(side=Party.Side.APPLICANT, user__isnull=True)
                     .order_by("pk").first())
        if applicant is None:
            continue
        score = rng.choices(SCORES, weights=WEIGHTS)[0]
        satisfaction_rate(dispute=dispute, party=applicant, score=score,
                          comment=COMMENTS[score] if rng.random() < 0.4 else "")
        rated += 1
    return rated
