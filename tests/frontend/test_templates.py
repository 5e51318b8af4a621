"""Template guarantees on every page of the site: identifiers stay masked for those who may
not see them (PIPL art. 28), and whatever people typed is shown as text, never as markup."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from disputes import access, services
from disputes.identifiers import mask_id_number
from disputes.models import Dispute, Party, Status
from disputes.services.evidence import evidence_add
from disputes.services.intake import hash_access_code
from tests.frontend.helpers import PNG
from tests.world import PERSONAS, World

CODE = "AAAA-BBBB-CCCC"
XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def pages_of(dispute: Dispute) -> list[str]:
    """Every HTML page that shows something of one case, the workspaces' included when
    they are installed."""
    urls = ["/", "/my/cases/", f"/my/cases/{dispute.pk}/", "/apply/", "/status/"]
    for name, args in [("workspace:queue", []), ("workspace:case", [dispute.pk])]:
        try:
            urls.append(reverse(name, args=args))
        except NoReverseMatch:
            continue
    return urls


def with_code(dispute: Dispute) -> Dispute:
    Dispute.objects.filter(pk=dispute.pk).update(access_code_hash=hash_access_code(CODE))
    return dispute


def public_page(dispute: Dispute) -> str:
    client = Client()
    client.post("/status/", {"tracking_number": dispute.tracking_number, "access_code": CODE})
    return client.get("/status/case/").content.decode()


@pytest.mark.parametrize("state", [Status.STREET_MEDIATION, Status.ACCEPTED, Status.CLOSED])
def test_no_page_shows_an_identifier_to_someone_who_may_not_see_it(
        world: World, client_as: Callable[[str | None], Client], state: str) -> None:
    case = with_code(world.case_in(state))
    applicant = Party.objects.filter(dispute=case, side=Party.Side.APPLICANT).get()
    respondent = Party.objects.filter(dispute=case, side=Party.Side.RESPONDENT).get()
    secrets = [applicant.id_number, applicant.phone]
    checked = 0
    for persona in [None, *PERSONAS]:
        user = get_user_model().objects.get(username=persona) if persona else None
        if user is not None and access.sees_identifiers(user, case):
            continue  # their pages may show them (the workspaces test what they show)
        client = client_as(persona)
        for url in pages_of(case):
            body = client.get(url, follow=True).content.decode()
            for secret in secrets:
                assert secret not in body, (persona, url)
            checked += 1
    assert checked > 20
    body = public_page(case)
    for secret in [*secrets, applicant.name, respondent.id_number]:
        assert secret not in body


def test_a_party_sees_only_their_own_identifier_and_only_masked(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    case = world.case_in(Status.STREET_MEDIATION)
    applicant = Party.objects.get(dispute=case, side=Party.Side.APPLICANT)
    page = client_as("worker").get(f"/my/cases/{case.pk}/").content.decode()
    assert mask_id_number(applicant.id_number) in page
    assert applicant.id_number not in page
    employer_page = client_as("employer").get(f"/my/cases/{case.pk}/").content.decode()
    assert mask_id_number(applicant.id_number) not in employer_page


def test_text_people_typed_is_shown_as_text(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    app = world.application()
    parties = [dataclasses.replace(p, name=XSS) for p in app.parties]
    claims = [dataclasses.replace(c, description=XSS) for c in app.claims]
    case = services.dispute_submit(
        actor=world.clerk, channel="counter",
        application=dataclasses.replace(app, parties=parties, claims=claims, facts=XSS)).dispute
    Party.objects.filter(dispute=case, side=Party.Side.APPLICANT).update(user=world.worker)
    world.do("route_to_street", case)
    evidence_add(dispute=case, actor=world.worker,
                 upload=SimpleUploadedFile(f"{XSS}.png", PNG), description=XSS)
    with_code(case)
    pages = {persona: [client_as(persona).get(url).content.decode() for url in pages_of(case)]
             for persona in ["worker", "mediator", "head"]}
    pages["public"] = [public_page(case)]
    seen = 0
    for persona, bodies in pages.items():
        for body in bodies:
            assert XSS not in body, persona
            seen += body.count(XSS_ESCAPED)
    assert seen >= 3  # the worker's own name, the claim and the evidence, at least


def test_a_failed_application_shows_what_was_typed_as_text(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    from tests.frontend.helpers import application_post

    data = application_post(world, **{"me-name": XSS, "employer-name": XSS,
                                       "facts-facts": XSS, "decl-confirm": None})
    body = client_as("worker").post("/apply/", data).content.decode()
    assert XSS not in body
    assert body.count(XSS_ESCAPED) >= 3
