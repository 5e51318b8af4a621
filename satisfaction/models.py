"""The parties' satisfaction with how a closed case was handled (the plan's 满意度 indicator).

Above `disputes/` in the house: it refers to cases and parties, and nothing in `disputes/`
refers to it. The bureau's satisfaction figures read it through `indicators.ratings`, which
relies on the fields (dispute, party, score 1-5, comment, rated_at) and on ratings never
changing once given (it folds them in by id).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.models import Dispute, Party

MIN_SCORE = 1
MAX_SCORE = 5
COMMENT_MAX_LENGTH = 500


class SatisfactionRating(models.Model):
    """One party's rating of one closed case: a score from 1 to 5 and an optional comment.
    A party rates a case once."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="satisfaction_ratings",
        verbose_name=_("案件"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="satisfaction_ratings",
        verbose_name=_("评价人（当事人）"),
    )
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.TextField(_("意见建议"), max_length=COMMENT_MAX_LENGTH, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "party"], name="rating_once_per_party"),
            models.CheckConstraint(
                condition=models.Q(score__gte=MIN_SCORE) & models.Q(score__lte=MAX_SCORE),
                name="rating_score_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["rated_at"])]

    def __str__(self) -> str:
        return f"{self.dispute_id} · {self.score}"
