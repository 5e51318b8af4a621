"""Every page of the worker portal × every persona: the status each one gets.

A new URL of frontend/urls.py fails `test_every_page_is_in_the_matrix` until it is added
here. GETs read; POSTs carry no valid input, so "allowed" shows as 400 and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from disputes.models import Dispute, Status
from tests.world import World

PERSONAS = ["worker", "other_worker", "employer", "clerk", "mediator", "mediator2", "head",
            "arbitrator", "filing_officer", "chair", "supervisor", None]
PARTIES = {"worker", "employer"}
LOGIN = 302  # to the login page


def signed_in(code: int) -> Callable[[str | None], int]:
    return lambda persona: LOGIN if persona is None else code


def party(code: int) -> Callable[[str | None], int]:
    return lambda persona: LOGIN if persona is None else (code if persona in PARTIES else 404)


def everyone(code: int) -> Callable[[str | None], int]:
    return lambda persona: code


# (name, method, path, expected status per persona)
MATRIX: list[tuple[str, str, Callable[[Dispute], str], Callable[[str | None], int]]] = [
    ("home", "GET", lambda d: "/", everyone(200)),
    ("login", "GET", lambda d: "/accounts/login/", lambda p: 200 if p is None else 302),
    ("logout", "POST", lambda d: "/accounts/logout/", everyone(302)),
    ("apply", "GET", lambda d: "/apply/", signed_in(200)),
    ("receipt", "GET", lambda d: "/apply/receipt/", signed_in(302)),  # nothing to show
    ("apply_points", "GET", lambda d: "/apply/points/", signed_in(200)),
    ("apply_employers", "GET", lambda d: "/apply/employers/?q=x", signed_in(200)),
    ("status_lookup", "POST", lambda d: "/status/", everyone(400)),
    ("status_view", "GET", lambda d: "/status/case/", everyone(302)),  # no look-up yet
    ("status_rate", "POST", lambda d: "/status/case/rating/", everyone(302)),
    ("my_cases", "GET", lambda d: "/my/cases/", signed_in(200)),
    ("my_case", "GET", lambda d: f"/my/cases/{d.pk}/", party(200)),
    ("add_evidence", "POST", lambda d: f"/my/cases/{d.pk}/evidence/", party(400)),
    ("rate", "POST", lambda d: f"/my/cases/{d.pk}/rating/", party(400)),
]


def test_every_page_is_in_the_matrix() -> None:
    frontend = [r for r in get_resolver().url_patterns
                if isinstance(r, URLResolver) and r.namespace == "frontend"]
    names = {p.name for r in frontend for p in r.url_patterns if isinstance(p, URLPattern)}
    assert names == {row[0] for row in MATRIX}


@pytest.mark.parametrize("persona", PERSONAS, ids=str)
def test_each_persona_gets_what_the_policy_says(
        world: World, client_as: Callable[[str | None], Client], persona: str | None) -> None:
    case = world.case_in(Status.CLOSED)
    got, want = {}, {}
    for name, method, path, expect in MATRIX:
        client = client_as(persona)  # afresh: one row signs out
        response = client.get(path(case)) if method == "GET" else client.post(path(case), {})
        got[name], want[name] = response.status_code, expect(persona)
    assert got == want
