"""Read-side of the ratings. The bureau's satisfaction figures are computed by
`indicators` (it reads this app's model through `indicators.ratings`)."""

from __future__ import annotations

from disputes.models import Party
from satisfaction.models import SatisfactionRating


def rating_by(party: Party) -> SatisfactionRating | None:
    """The party's rating of its case, if it gave one."""
    return SatisfactionRating.objects.filter(party=party).first()
