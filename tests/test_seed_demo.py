"""`manage.py seed_demo`: the demo district, its accounts and cases in every state, made
through the real services (so every event chain verifies)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from disputes.management.commands.seed_demo import PERSONAS
from disputes.models import Dispute, DisputeEvent, Party, Status
from mediation.models import District, Membership, Organization

pytestmark = pytest.mark.django_db

CASES = 60


def test_it_seeds_a_living_district_once(settings: Any) -> None:
    """One seeding for every check: seeding is the slow part (a few seconds)."""
    settings.DEBUG = True
    call_command("seed_demo", cases=CASES, stdout=StringIO())

    # Cases in every state, made through the services: every event chain verifies.
    assert Dispute.objects.count() == CASES
    assert set(Dispute.objects.values_list("status", flat=True)) == set(Status.values)
    out = StringIO()
    call_command("verify_events", stdout=out)
    assert f"OK: {CASES} case(s)" in out.getvalue()

    # Every demo account logs in with the demo password.
    for username in [*PERSONAS, "center03_mediator", "union_head", "commission_clerk"]:
        assert authenticate(username=username, password=settings.DEMO_PASSWORD), username
    assert get_user_model().objects.get(username="admin").is_superuser

    # A share of the closed cases is rated by its applicant, mostly satisfied; the worker
    # persona's own cases are left for the persona to rate.
    from satisfaction.models import SatisfactionRating

    ratings = SatisfactionRating.objects.all()
    assert ratings.exists()
    assert all(r.dispute.status in {Status.CLOSED, Status.NOT_ACCEPTED} for r in ratings)
    assert not ratings.filter(party__user__isnull=False).exists()
    assert ratings.filter(score__gte=4).count() > ratings.count() // 2

    # The worker and employer personas follow cases of their own.
    worker_cases = Party.objects.filter(user__username="worker", side=Party.Side.APPLICANT)
    assert worker_cases.values("dispute").distinct().count() >= 3
    assert Party.objects.filter(user__username="employer", side=Party.Side.RESPONDENT).exists()

    # The first street center is staffed by the clerk, mediator and head personas.
    center = Organization.objects.get(name="吴家山街道劳动争议调解中心")
    assert set(Membership.objects.filter(organization=center)
               .values_list("user__username", "role")) == {
        ("clerk", "intake_clerk"), ("mediator", "mediator"), ("head", "head")}

    # A second run finds the district and changes nothing.
    counts = (Dispute.objects.count(), DisputeEvent.objects.count(),
              get_user_model().objects.count(), Organization.objects.count())
    out = StringIO()
    call_command("seed_demo", cases=CASES, stdout=out)
    assert "already present" in out.getvalue()
    assert counts == (Dispute.objects.count(), DisputeEvent.objects.count(),
                      get_user_model().objects.count(), Organization.objects.count())


def test_it_refuses_to_run_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", cases=5, stdout=StringIO())
    assert not District.objects.exists()


def test_force_runs_it_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG = False
    call_command("seed_demo", cases=0, force=True, stdout=StringIO())
    assert District.objects.filter(code="420112").exists()
    assert not Dispute.objects.exists()
