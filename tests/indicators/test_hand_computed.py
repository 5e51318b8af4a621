"""Hand-computed figures: the spring of 2026 (scenario.py) gives exactly these rates.

May 2026, worked out from the scenario's dates:

mediation ended in May          agreed: M1 (street), M3 (union), P1 (pre-arbitration),
                                        A9 (tribunal statement)                        4
                                failed: M2 (street), M4 (enterprise, window ran out and
                                        arbitration applied for), P2 (pre-arbitration)   3
                                M5 was withdrawn: not concluded, not counted
arbitration                     pending on May 1: A9, A11, A12, A16, A17             5
                                accepted in May: P2, A13, A14                           3
                                closed in May: A9 (statement), A12 (withdrawn), A13, A16,
                                        A17 (awards), A14 (terminated)                   6
                                pending on June 1: A11, P2                              2
award clock met on time         A12, A13, A14 (suspension not counted), A16 (30 days
                                suspended), A17 (restart + extension); A9 is late        5
pre-arbitration agreements      P1                                                      1
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators import drilldown
from indicators.definitions import current_definitions, definition
from indicators.figures import Filters, Period, breakdown, figures
from indicators.maintenance import update_all
from tests.indicators.conftest import FixtureRatings
from tests.indicators.scenario import Story, d, spring_2026
from tests.world import World

pytestmark = pytest.mark.django_db

MAY = Period.month(d(5, 1))
APRIL = Period.month(d(4, 1))


@pytest.fixture
def spring(world: World, ratings: FixtureRatings) -> Story:
    story = spring_2026(world)
    update_all()
    return story


def district(world: World, **narrowing: object) -> Filters:
    return Filters(districts=frozenset({world.district.pk}), **narrowing)  # type: ignore[arg-type]


def figure(world: World, code: str, version: int, period: Period = MAY, **narrowing: object):
    (result,) = figures([definition(code, version)], period, district(world, **narrowing))
    return result


@pytest.mark.parametrize(("code", "version", "numerator", "denominator", "rate"), [
    ("mediation_success", 1, 4, 7, "57.1"),
    ("mediation_success", 2, 2, 4, "50.0"),  # (A9 + P1) / (3 accepted + P1)
    ("arbitration_closure", 1, 6, 8, "75.0"),
    ("arbitration_closure", 2, 7, 4, "175.0"),  # (6 + P1) / (3 + P1): no pending stock
    ("closed_within_period", 1, 5, 6, "83.3"),
])
def test_may_gives_the_hand_computed_rate(spring: Story, world: World, code: str, version: int,
                                          numerator: int, denominator: int, rate: str) -> None:
    result = figure(world, code, version)

    assert (result.numerator, result.denominator) == (numerator, denominator)
    assert result.rate == Decimal(rate)


def test_the_counts_behind_the_closure_rate_are_the_hand_counted_ones(spring: Story,
                                                                      world: World) -> None:
    result = figure(world, "arbitration_closure", 1)

    assert {p.key: p.value for p in result.parts} == {"closed": 6, "pending_start": 5,
                                                      "accepted": 3}
    assert result.meets_target is False


def test_april_is_counted_apart_from_may(spring: Story, world: World) -> None:
    mediation = figure(world, "mediation_success", 1, APRIL)
    closure = figure(world, "arbitration_closure", 1, APRIL)
    within = figure(world, "closed_within_period", 1, APRIL)

    assert (mediation.numerator, mediation.denominator, mediation.meets_target) == (1, 1, True)
    # Pending on April 1: A10, A16, A17; accepted in April: A9, A11, A12; closed: A10.
    assert (closure.numerator, closure.denominator, closure.rate) == (1, 6, Decimal("16.6"))
    assert (within.numerator, within.denominator) == (1, 1)


def test_a_two_month_period_starts_from_the_stock_of_its_first_month(spring: Story,
                                                                    world: World) -> None:
    result = figure(world, "arbitration_closure", 1, Period(d(4, 1), d(5, 1)))

    # Pending on April 1: 3; accepted in April and May: 6; closed in April and May: 7.
    assert (result.numerator, result.denominator) == (7, 9)


@pytest.mark.parametrize(("by", "expected"), [
    ("tier", {"street": (1, 2), "union": (1, 1), "enterprise": (0, 1),
              "pre_arbitration": (1, 2), "arbitral": (1, 1)}),
    ("organization", {"center": (1, 2), "union": (1, 1), "enterprise": (0, 1),
                      "commission": (2, 3)}),
    ("street", {0: (3, 6), 1: (1, 1)}),
])
def test_mediation_ranks_by_tier_organization_and_street(spring: Story, world: World, by: str,
                                                         expected: dict[object, tuple[int, int]]
                                                         ) -> None:
    names = {world.center.pk: "center", world.union.pk: "union",
             world.enterprise.pk: "enterprise", world.commission.pk: "commission",
             world.streets[0].pk: 0, world.streets[1].pk: 1}
    rows = breakdown([definition("mediation_success", 1)], MAY, district(world), by=by)

    got = {names.get(f.group, f.group): (f.numerator, f.denominator)
           for f in rows["mediation_success.v1"]}
    assert got == expected


def test_filters_by_dispute_type_and_flags(spring: Story, world: World) -> None:
    termination = figure(world, "mediation_success", 1, dispute_type="termination")
    collective = figure(world, "arbitration_closure", 1, is_collective=True)
    new_forms = figure(world, "closed_within_period", 1, is_new_employment_form=True)

    assert (termination.numerator, termination.denominator) == (0, 1)  # M2
    assert (collective.numerator, collective.denominator) == (1, 1)  # A13
    assert (new_forms.numerator, new_forms.denominator) == (1, 1)  # A14


def test_a_tier_filter_does_not_apply_to_arbitration_figures(spring: Story, world: World) -> None:
    result = figure(world, "arbitration_closure", 1, tier="street")

    assert result.applicable is False
    assert result.rate is None


def test_monthly_trend_carries_the_pending_stock_forward(spring: Story, world: World) -> None:
    rows = breakdown([definition("arbitration_closure", 1)], Period(d(3, 1), d(6, 1)),
                     district(world), by="month")["arbitration_closure.v1"]

    assert [(f.group, f.value("pending_start"), f.value("accepted"), f.value("closed"))
            for f in rows] == [
        (d(3, 1), 0, 3, 0), (d(4, 1), 3, 3, 1), (d(5, 1), 5, 3, 6), (d(6, 1), 2, 0, 0)]


def test_an_organization_sees_only_its_own_figures(spring: Story, world: World) -> None:
    own = Filters(organizations=frozenset({world.center.pk}))

    (mediation,) = figures([definition("mediation_success", 1)], MAY, own)
    (closure,) = figures([definition("arbitration_closure", 1)], MAY, own)

    assert (mediation.numerator, mediation.denominator) == (1, 2)  # M1, M2
    assert (closure.numerator, closure.denominator) == (0, 0)


@pytest.mark.parametrize(("code", "part", "names"), [
    ("mediation_success", "agreed", {"M1", "M3", "P1", "A9"}),
    ("mediation_success", "failed", {"M2", "M4", "P2"}),
    ("arbitration_closure", "pending_start", {"A9", "A11", "A12", "A16", "A17"}),
    ("arbitration_closure", "accepted", {"P2", "A13", "A14"}),
    ("arbitration_closure", "closed", {"A9", "A12", "A13", "A14", "A16", "A17"}),
    ("closed_within_period", "on_time", {"A12", "A13", "A14", "A16", "A17"}),
])
def test_each_number_drills_down_to_the_cases_it_counts(spring: Story, world: World, code: str,
                                                        part: str, names: set[str]) -> None:
    chosen = definition(code, 1)
    (the_part,) = [p for p in chosen.parts if p.key == part]
    items = drilldown.part_items(chosen, the_part, MAY, district(world))

    by_id = {case.pk: name for name, case in spring.cases.items()}
    assert sorted(by_id[i.dispute_id] for i in items) == sorted(names)
    assert len(items) == next(p.value for p in figure(world, code, 1).parts if p.key == part)


def test_satisfaction_counts_ratings_given_after_closure(world: World,
                                                         ratings: FixtureRatings) -> None:
    story = spring_2026(world)
    now = timezone.now()
    later = now + dt.timedelta(seconds=5)
    for name, score in [("A12", 5), ("A13", 4), ("A14", 3), ("A16", 2), ("A17", 5), ("P1", 1)]:
        ratings.add(story.cases[name].pk, score, later)
    ratings.add(story.cases["M2"].pk, 5, later)  # still open: no closure, not counted
    ratings.add(story.cases["A13"].pk, 1, now - dt.timedelta(days=1))  # before its closure
    update_all()

    month = Period.month(timezone.localtime(later).date())
    v1 = figure(world, "satisfaction", 1, month)
    v2 = figure(world, "satisfaction", 2, month)
    commission = figure(world, "satisfaction", 1, month, organization=world.commission.pk)

    assert (v1.numerator, v1.denominator, v1.rate) == (4, 6, Decimal("66.6"))  # scores 3-5
    assert (v2.numerator, v2.denominator, v2.rate) == (3, 6, Decimal("50.0"))  # scores 4-5
    assert (commission.numerator, commission.denominator) == (4, 6)


def test_the_bureau_chooses_the_default_version(settings: object, spring: Story,
                                                world: World) -> None:
    settings.INDICATORS_DEFAULT_VERSIONS = {"mediation_success": 2}  # type: ignore[attr-defined]

    chosen = {d.code: d.version for d in current_definitions()}

    assert chosen == {"mediation_success": 2, "arbitration_closure": 1,
                      "closed_within_period": 1, "satisfaction": 1}
