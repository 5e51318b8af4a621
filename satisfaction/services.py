"""Recording a rating: only a party of a closed case, once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disputes.models import TERMINAL, Dispute, Party
from satisfaction.models import COMMENT_MAX_LENGTH, MAX_SCORE, MIN_SCORE, SatisfactionRating


def satisfaction_rate(*, dispute: Dispute, party: Party, score: int,
                      comment: str = "") -> SatisfactionRating:
    """The party's rating of the closed case. Who the party is was decided by the caller
    (a signed-in party, or the holder of the case's access code as its applicant)."""
    if party.dispute_id != dispute.pk:
        raise ValidationError({"party": ["该当事人不属于此案件。"]})
    if dispute.status not in TERMINAL:
        raise ValidationError({"__all__": ["案件结案后才能评价。"]})
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValidationError({"score": [f"请选择 {MIN_SCORE} 至 {MAX_SCORE} 分。"]})
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError({"comment": [f"意见建议不能超过 {COMMENT_MAX_LENGTH} 字。"]})
    try:
        with transaction.atomic():
            return SatisfactionRating.objects.create(
                dispute=dispute, party=party, score=score, comment=comment,
            )
    except IntegrityError as exc:
        raise ValidationError({"__all__": ["您已评价过此案件，感谢您的反馈。"]}) from exc
