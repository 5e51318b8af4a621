"""Every workspace URL × every persona: the status each one gets, for a case at the first
street center. A new URL of frontend/workspace/urls.py fails
`test_every_workspace_url_is_in_the_matrix` until it is added here. The POST carries no
input: "permitted" shows as 400 and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from disputes.models import Dispute, Status

pytestmark = pytest.mark.django_db

PERSONAS = ["worker", "other_worker", "employer", "clerk", "mediator", "head", "mediator2",
            "union_mediator", "filing_officer", "arbitrator", "chair", "supervisor", None]
CENTER_STAFF = {"clerk", "mediator", "head"}
COMMISSION = {"filing_officer", "arbitrator", "chair"}
PARTIES = {"worker", "employer"}
LOGIN = 302


def queue(persona: str | None) -> int:
    if persona is None:
        return LOGIN
    return 403 if persona in PARTIES | {"other_worker"} else 200


def case_page(persona: str | None) -> int:
    if persona is None or persona in PARTIES:
        return 302  # to the login page, or to the party's own page in the portal
    return 200 if persona in CENTER_STAFF | {"supervisor"} else 404


def record_failure(persona: str | None) -> int:
    if persona is None:
        return LOGIN
    if persona in {"mediator", "head"}:
        return 400  # permitted; the empty form is refused
    return 403 if persona in {"clerk", "supervisor"} else 404


def open_form(persona: str | None) -> int:
    if persona is None:
        return LOGIN
    if persona in {"mediator", "head"}:
        return 200
    return 403 if persona in {"clerk", "supervisor"} else 404


def add_evidence(persona: str | None) -> int:
    if persona is None:
        return LOGIN
    if persona in CENTER_STAFF:
        return 400  # permitted; no file chosen
    return 403 if persona == "supervisor" else 404


def simplified_hint(persona: str | None) -> int:
    # Only those who may accept a case get it: the case's other staff are told 403.
    if persona is None:
        return LOGIN
    return 403 if persona in CENTER_STAFF | {"supervisor"} else 404


def calendar(persona: str | None) -> int:
    if persona is None:
        return LOGIN
    return 200 if persona in COMMISSION else 403


MATRIX: list[tuple[str, str, Callable[[Dispute], str], Callable[[str | None], int]]] = [
    ("queue", "GET", lambda d: "/workspace/", queue),
    ("case", "GET", lambda d: f"/workspace/cases/{d.pk}/", case_page),
    ("act", "POST", lambda d: f"/workspace/cases/{d.pk}/actions/record_failure/", record_failure),
    ("act", "GET", lambda d: f"/workspace/cases/{d.pk}/actions/record_failure/", open_form),
    ("evidence", "POST", lambda d: f"/workspace/cases/{d.pk}/evidence/", add_evidence),
    ("simplified", "GET", lambda d: f"/workspace/cases/{d.pk}/simplified/", simplified_hint),
    ("hearings", "GET", lambda d: "/workspace/hearings/", calendar),
]


def test_every_workspace_url_is_in_the_matrix() -> None:
    resolvers = [r for r in get_resolver().url_patterns
                 if isinstance(r, URLResolver) and r.namespace == "workspace"]
    assert len(resolvers) == 1, "the workspace is mounted once, as namespace 'workspace'"
    names = {p.name for p in resolvers[0].url_patterns if isinstance(p, URLPattern)}
    assert names == {row[0] for row in MATRIX}


@pytest.mark.parametrize(("name", "method", "path", "expected"), MATRIX,
                         ids=[f"{row[0]}-{row[1]}" for row in MATRIX])
def test_each_persona_gets_its_status(world, client_as, name, method, path, expected) -> None:
    case = world.case_in(Status.STREET_MEDIATION)
    got = {}
    for persona in PERSONAS:
        client = client_as(persona)
        response = client.get(path(case)) if method == "GET" else client.post(path(case), {})
        got[persona] = response.status_code
    assert got == {persona: expected(persona) for persona in PERSONAS}
    case.refresh_from_db()
    assert case.status == Status.STREET_MEDIATION and case.event_seq == 2
