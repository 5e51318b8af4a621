"""Random histories through the real services; afterwards every maintained figure equals a
recount from the raw events, and the drill-down from the case rows.

Each run submits cases with random dates, organizations, types and flags, then performs
random transitions (any the state allows, by any persona the access policy permits, with
dates moved at random, so some are refused and change nothing), rates closed cases, and
runs summary passes of random sizes in between, as the worker would. The long run is
LONG_RUN (3,000) operations, and then a rebuild from scratch must give the same rows; the
drill-down is checked on a shorter one. The seeds are fixed: a failure replays exactly.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from disputes import access, services
from disputes.errors import ActionNotPermitted, NotInScope
from disputes.lifecycle import TRANSITIONS
from disputes.models import TERMINAL, Dispute, DisputeType, Hearing
from indicators import drilldown
from indicators.figures import Filters, Period, add_months
from indicators.maintenance import catch_up, recompute, update_all
from indicators.measures import GRAINS
from indicators.models import IndicatorCount
from tests.indicators.conftest import FixtureRatings, summary_cells
from tests.indicators.recount import recount
from tests.world import World, sample_input

pytestmark = pytest.mark.django_db

# The long run: thousands of operations (issue 7), through the services, not HTTP.
LONG_RUN = 3000
OPERATIONS = 400  # the drill-down's run
V = TypeVar("V", int, Decimal)
# Closing moves are available almost everywhere; weighted down, histories go further.
WEIGHTS = {"withdraw": 1, "terminate": 1, "refuse": 1, "schedule_mediation_session": 1,
           "postpone_hearing": 1, "issue_partial_award": 1, "issue_mediation_statement": 2,
           "record_defence": 2}
PARTIES = {"worker", "employer"}
ACTING = ["worker", "clerk", "mediator", "head", "mediator2", "union_mediator",
          "filing_officer", "arbitrator", "chair"]


def submit(world: World, rng: random.Random) -> Dispute:
    today = timezone.localdate()
    organization = rng.choice([world.center, world.center2, world.union, world.enterprise,
                               world.commission])
    return world.submit(
        organization=organization,
        received_on=today - dt.timedelta(days=rng.randint(60, 400)),
        street=rng.choice([*world.streets, None]),
        dispute_type=rng.choice(DisputeType.values),
        is_new_employment_form=rng.random() < 0.3,
        is_migrant_wage=rng.random() < 0.3,
        workers=rng.choice([1, 1, 1, 2, 10]),
        amount=str(rng.choice([3000, 12000, 45000])),
    )


def dated(name: str, case: Dispute, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The step's dates: a random time after the case's last event (never past today), and
    now and then a closing date from long before it, which the services accept."""
    today = timezone.localdate()
    last = case.events.order_by("-seq").values_list("occurred_on", flat=True).first()
    assert last is not None
    on = min(last + dt.timedelta(days=rng.choice([0, 1, 3, 8, 20, 40])), today)
    if name in ("withdraw", "terminate") and rng.random() < 0.2:
        on = min(case.received_on + dt.timedelta(days=rng.randint(0, 10)), today)
    moved = dict(data)
    for key, value in data.items():
        if key.endswith("_on") and isinstance(value, str) and value:
            moved[key] = on.isoformat()
    if "performance_due" in data:
        moved["performance_due"] = (on + dt.timedelta(days=10)).isoformat()
    at = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=14), dt.time(9, 30)))
    if name in ("schedule_hearing", "postpone_hearing", "schedule_mediation_session"):
        moved["scheduled_for"] = at.isoformat()
    if name == "conclude_hearing":
        hearing = Hearing.objects.filter(record__dispute=case, state=Hearing.State.SCHEDULED
                                         ).order_by("-pk").first()
        if hearing is not None:
            held = timezone.localtime(hearing.scheduled_for).date()
            moved["held_on"] = min(held + dt.timedelta(days=rng.randint(0, 2)), today).isoformat()
    return moved


def may_act(world: World, persona: str, case: Dispute, name: str) -> bool:
    """`access.can_perform`, without its party look-up for the staff personas: in this
    world only `worker` (and `employer`, who does not act here) is a party to the cases."""
    user = world.users[persona]
    if persona in PARTIES:
        return access.can_perform(user, case, name)
    return bool(access.acting_roles(user, case, TRANSITIONS[name]))


def transition(world: World, case: Dispute, rng: random.Random) -> Dispute:
    possible = [t.name for t in case.get_available_status_transitions()]  # type: ignore[attr-defined]
    if not possible:
        return case
    name = rng.choices(possible, weights=[WEIGHTS.get(p, 6) for p in possible])[0]
    if name == "assign_mediator":
        return case  # sample_input only knows the world's usual mediators
    # The first permitted persona in a random order: a uniform choice among the permitted
    # ones, asking the access policy about ~2 personas instead of all 9 (the test's cost).
    actor = next((p for p in rng.sample(ACTING, len(ACTING)) if may_act(world, p, case, name)),
                 None)
    if actor is None:
        return case
    data = dated(name, case, sample_input(name, world, case), rng)
    try:
        return services.dispute_transition(dispute=case, actor=world.users[actor],
                                           name=name, data=data)
    except (ValidationError, TransitionNotAllowed, ActionNotPermitted, NotInScope):
        case.refresh_from_db()
        return case


def rate(world: World, case: Dispute, ratings: FixtureRatings, rng: random.Random) -> None:
    # Usually after the closure was recorded; sometimes "before" it, which must not count.
    offset = dt.timedelta(seconds=rng.choice([1, 30, 3600, -3600]))
    ratings.add(case.pk, rng.randint(1, 5), timezone.now() + offset)


def run_history(world: World, ratings: FixtureRatings, seed: int,
                operations: int = OPERATIONS) -> None:
    rng = random.Random(seed)
    cases: dict[int, Dispute] = {}
    for _ in range(operations):
        roll = rng.random()
        open_cases = [c for c in cases.values() if c.status not in TERMINAL]
        if roll < 0.12 or not open_cases:
            case = submit(world, rng)
            cases[case.pk] = case
        elif roll < 0.9:
            case = transition(world, rng.choice(open_cases), rng)
            cases[case.pk] = case
        elif roll < 0.95:
            closed = [c for c in cases.values() if c.status in TERMINAL]
            if closed:
                rate(world, rng.choice(closed), ratings, rng)
        else:
            catch_up(limit=rng.choice([1, 7, 50]))


def coarser(cells: Mapping[tuple[Any, ...], V], kept: frozenset[str]) -> dict[tuple[Any, ...], V]:
    """A grain's cells from the full grain's: the dimensions it does not keep summed over."""
    out: dict[tuple[Any, ...], Any] = defaultdict(int)
    for (measure, month, district, org, street, tier, kind, c, n, w), value in cells.items():
        out[(measure, month, district,
             org if "organization" in kept else 0, street if "street" in kept else 0,
             tier if "tier" in kept else "", kind if "dispute_type" in kept else "",
             c if "is_collective" in kept else False,
             n if "is_new_employment_form" in kept else False,
             w if "is_migrant_wage" in kept else False)] += value
    return {cell: value for cell, value in out.items() if value}


def test_every_maintained_figure_equals_a_recount_from_the_raw_events(
        world: World, ratings: FixtureRatings) -> None:
    run_history(world, ratings, 1, operations=LONG_RUN)
    update_all()

    counts, amounts = recount(ratings.rows)
    assert sum(counts.values()) > 1000, "the history should have produced something to count"
    for grain, kept in GRAINS.items():
        got_counts, got_amounts = summary_cells(grain)
        assert got_counts == coarser(counts, kept), grain
        assert got_amounts == coarser(amounts, kept), grain
    # A rebuild from scratch (`recompute_indicators`) gives the same rows as the passes.
    before = summary_cells("f")
    recompute()
    assert summary_cells("f") == before


@pytest.mark.parametrize("seed", [4])
def test_the_drilldown_finds_exactly_what_each_number_counts(
        world: World, ratings: FixtureRatings, seed: int) -> None:
    run_history(world, ratings, seed)
    update_all()
    scope = Filters(districts=frozenset({world.district.pk}))
    months = sorted(set(IndicatorCount.objects.values_list("month", flat=True)))
    summary, amounts = summary_cells("o")

    for month in months:
        period = Period.month(month)
        for measure in drilldown.ALL_MEASURES:
            expected = Counter({(org, tier): n for (m, mo, _, org, _, tier, *_), n
                                in summary.items() if m == measure and mo == month})
            expected_amount = sum((a for (m, mo, *_), a in amounts.items()
                                   if m == measure and mo == month), Decimal(0))
            items = drilldown.measure_items(measure, period, scope)
            found: Counter[tuple[int, str]] = Counter()
            for item in items:
                found[(item.organization_id, item.tier)] += item.n
            assert found == expected, (measure, month)
            assert sum((i.amount for i in items), Decimal(0)) == expected_amount, (measure, month)
        pending = drilldown.pending_at(month, scope)
        accepted = sum(n for (m, mo, *_), n in summary.items()
                       if m == "arbitration.accepted" and mo < month)
        closed = sum(n for (m, mo, *_), n in summary.items()
                     if m.startswith("arbitration.closed.") and m != "arbitration.closed.on_time"
                     and mo < month)
        assert len(pending) == accepted - closed, month
    assert add_months(months[-1], 1) > months[0]
