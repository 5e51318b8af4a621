"""Satisfaction from the parties' real ratings (`satisfaction.SatisfactionRating`)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from disputes.models import Party
from indicators.definitions import definition
from indicators.figures import Filters, Period, figures
from indicators.maintenance import recompute, update_all
from satisfaction.services import satisfaction_rate
from tests.world import World

pytestmark = pytest.mark.django_db


def test_ratings_of_closed_cases_make_the_satisfaction_figure(world: World) -> None:
    closed = world.case_in("closed")
    other = world.case_in("closed")
    applicant = Party.objects.filter(dispute=closed, side=Party.Side.APPLICANT).first()
    respondent = Party.objects.filter(dispute=closed, side=Party.Side.RESPONDENT).first()
    third = Party.objects.filter(dispute=other, side=Party.Side.APPLICANT).first()
    assert applicant and respondent and third
    satisfaction_rate(dispute=closed, party=applicant, score=5)
    satisfaction_rate(dispute=closed, party=respondent, score=3)
    satisfaction_rate(dispute=other, party=third, score=2)
    update_all()

    month = Period.month(timezone.localdate())
    scope = Filters(districts=frozenset({world.district.pk}))
    (v1,) = figures([definition("satisfaction", 1)], month, scope)
    (v2,) = figures([definition("satisfaction", 2)], month, scope)

    assert (v1.numerator, v1.denominator) == (2, 3)  # 5 and 3 are positive, 2 is not
    assert (v2.numerator, v2.denominator) == (1, 3)  # only the 5 is satisfied or better
    recompute()
    (again,) = figures([definition("satisfaction", 1)], month, scope)
    assert (again.numerator, again.denominator) == (2, 3)
