"""Every URL pattern of the API × every persona: the status each one gets.

A new URL pattern fails `test_every_api_url_is_in_the_matrix` until it is added here.
Requests carry no valid input, so "allowed" shows as 400 (input checked after access) and
nothing changes; reads answer 200.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from disputes.models import Dispute, Evidence

pytestmark = pytest.mark.django_db

PERSONAS = ["worker", "other_worker", "employer", "clerk", "mediator", "mediator2", "head",
            "arbitrator", "filing_officer", "chair", "supervisor", None]
IN_SCOPE = {"worker", "employer", "clerk", "mediator", "head", "supervisor"}
CASE_STAFF = {"clerk", "mediator", "head"}
AUTHENTICATED = set(PERSONAS) - {None}


@dataclass(frozen=True)
class Row:
    method: str
    path: Callable[[Dispute, Evidence], str]
    expect: Callable[[str | None], int]
    data: dict[str, Any] | None = None
    format: str = "json"


def scoped_read(persona: str | None) -> int:
    if persona is None:
        return 401
    return 200 if persona in IN_SCOPE else 404


def record_failure(persona: str | None) -> int:
    if persona is None:
        return 401
    if persona not in IN_SCOPE:
        return 404
    return 400 if persona in {"mediator", "head"} else 403


def add_evidence(persona: str | None) -> int:
    if persona is None:
        return 401
    if persona not in IN_SCOPE:
        return 404
    return 403 if persona == "supervisor" else 400


def everyone(code: int) -> Callable[[str | None], int]:
    return lambda persona: code


def signed_in(code: int) -> Callable[[str | None], int]:
    return lambda persona: code if persona is not None else 401


def center_staff(persona: str | None) -> int:
    if persona is None:
        return 401
    return 200 if persona in {"clerk", "mediator", "head", "supervisor"} else 404


def counter(persona: str | None) -> int:
    if persona is None:
        return 401
    return 400 if persona == "clerk" else 403


def figures_reader(persona: str | None, allowed: int) -> int:
    if persona is None:
        return 401
    return 403 if persona in {"worker", "other_worker", "employer"} else allowed


MATRIX: dict[str, Row] = {
    "token": Row("post", lambda d, e: "/api/v1/auth/token/", everyone(400)),
    "intake-online": Row("post", lambda d, e: "/api/v1/intake/online/", signed_in(400)),
    "intake-counter": Row("post", lambda d, e: "/api/v1/intake/counter/", counter),
    "dispute-list": Row("get", lambda d, e: "/api/v1/disputes/", signed_in(200)),
    "dispute-detail": Row("get", lambda d, e: f"/api/v1/disputes/{d.pk}/", scoped_read),
    "dispute-transition": Row(
        "post", lambda d, e: f"/api/v1/disputes/{d.pk}/transitions/record_failure/",
        record_failure),
    "evidence-upload": Row("post", lambda d, e: f"/api/v1/disputes/{d.pk}/evidence/",
                           add_evidence, format="multipart"),
    "evidence-download": Row("get", lambda d, e: f"/api/v1/disputes/{d.pk}/evidence/{e.pk}/",
                             scoped_read),
    # The case's staff read the whole log, its parties their own messages; a supervisor sees
    # the case but not its messages.
    "dispute-notifications": Row(
        "get", lambda d, e: f"/api/v1/disputes/{d.pk}/notifications/",
        lambda p: 403 if p == "supervisor" else scoped_read(p)),
    "organizations": Row("get", lambda d, e: "/api/v1/organizations/", everyone(200)),
    "organizations-nearest": Row(
        "get", lambda d, e: "/api/v1/organizations/nearest/?latitude=30.62&longitude=114.13",
        everyone(200)),
    "organization-overdue": Row(
        "get", lambda d, e: f"/api/v1/organizations/{d.organization_id}/overdue/", center_staff),
    "public-status": Row("post", lambda d, e: "/api/v1/public/status/", everyone(400)),
    # Indicators (issue 7): supervisors and organization staff read figures in their scope;
    # parties have none (403). The drill-down without its indicator and part is invalid (400).
    "indicators-definitions": Row("get", lambda d, e: "/api/v1/indicators/definitions/",
                                  everyone(200)),
    "indicators-figures": Row("get", lambda d, e: "/api/v1/indicators/figures/",
                              lambda p: figures_reader(p, 200)),
    "indicators-breakdown": Row("get", lambda d, e: "/api/v1/indicators/breakdown/",
                                lambda p: figures_reader(p, 200)),
    "indicators-cases": Row("get", lambda d, e: "/api/v1/indicators/cases/",
                            lambda p: figures_reader(p, 400)),
    "indicators-monthly": Row("get", lambda d, e: "/api/v1/indicators/monthly/",
                              lambda p: figures_reader(p, 200)),
    "indicators-monthly-csv": Row("get", lambda d, e: "/api/v1/indicators/monthly/csv/",
                                  lambda p: figures_reader(p, 200)),
    "indicators-monthly-xlsx": Row("get", lambda d, e: "/api/v1/indicators/monthly/xlsx/",
                                   lambda p: figures_reader(p, 200)),
    # Background exports: no kind is invalid (400); a job that is not the reader's is 404.
    "indicators-exports": Row("post", lambda d, e: "/api/v1/indicators/exports/",
                              lambda p: figures_reader(p, 400)),
    "indicators-export": Row(
        "get", lambda d, e: "/api/v1/indicators/exports/00000000-0000-4000-8000-000000000000/",
        lambda p: figures_reader(p, 404)),
    "indicators-export-file": Row(
        "get",
        lambda d, e: "/api/v1/indicators/exports/00000000-0000-4000-8000-000000000000/file/",
        lambda p: figures_reader(p, 404)),
    "schema": Row("get", lambda d, e: "/api/v1/schema/", everyone(200)),
    "docs": Row("get", lambda d, e: "/api/v1/docs/", everyone(200)),
    "redoc": Row("get", lambda d, e: "/api/v1/redoc/", everyone(200)),
}


def api_url_names() -> set[str]:
    def walk(patterns: list[Any]) -> set[str]:
        names: set[str] = set()
        for p in patterns:
            if isinstance(p, URLResolver):
                names |= walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)
        return names

    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and p.namespace == "api":
            return walk(p.url_patterns)
    raise AssertionError("the api namespace is not mounted")


def test_every_api_url_is_in_the_matrix() -> None:
    assert api_url_names() == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_persona_as_the_matrix_says(world, client_as, name: str) -> None:
    case = world.case_in("street_mediation")
    evidence = Evidence(dispute=case, original_name="a.pdf", content_type="application/pdf",
                        size=9, sha256="0" * 64)
    evidence.file.save("x", ContentFile(b"%PDF-1.4\n"), save=True)
    row = MATRIX[name]
    before = (case.version, case.event_seq, Dispute.objects.count())
    got = {}
    for persona in PERSONAS:
        client = client_as(persona)
        response = getattr(client, row.method)(row.path(case, evidence), row.data or {},
                                               format=row.format if row.method == "post" else None)
        got[persona] = response.status_code
    assert got == {persona: row.expect(persona) for persona in PERSONAS}
    case.refresh_from_db()
    assert (case.version, case.event_seq, Dispute.objects.count()) == before
