"""The case page's evidence (staff upload it, everyone in scope downloads it through the
access policy) and the accept form's simplified-procedure hint."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disputes.models import Dispute, Evidence
from tests.frontend.helpers import PNG

pytestmark = pytest.mark.django_db


def page(case: Dispute) -> str:
    return reverse("workspace:case", args=[case.pk])


def upload_url(case: Dispute) -> str:
    return reverse("workspace:evidence", args=[case.pk])


def test_the_cases_staff_upload_evidence_and_it_is_listed_with_its_download(world, client_as
                                                                             ) -> None:
    case = world.case_in("street_mediation")
    mediator = client_as("mediator")
    html = mediator.get(page(case)).content.decode()
    assert f'action="{upload_url(case)}"' in html and 'enctype="multipart/form-data"' in html
    assert '<label for="id_evidence-documents">' in html  # labelled
    response = mediator.post(upload_url(case), {
        "evidence-documents": SimpleUploadedFile("现场照片.png", PNG, "image/png"),
        "evidence-description": "证明<加班>时间"})
    assert response.status_code == 303
    assert response["Location"].startswith(page(case))
    evidence = Evidence.objects.get(dispute=case)
    assert evidence.uploaded_by_id == world.mediator.pk and evidence.content_type == "image/png"
    after = mediator.get(page(case)).content.decode()
    assert "已上传 1 个证据文件。" in after
    download = reverse("api:evidence-download", args=[case.pk, evidence.pk])
    assert f'href="{download}"' in after and "证明&lt;加班&gt;时间" in after
    assert mediator.get(download).status_code == 200
    assert client_as("mediator2").get(download).status_code == 404  # the access policy
    case.refresh_from_db()
    assert case.events.order_by("-seq")[0].kind == "evidence_added"


def test_a_file_that_is_not_what_it_claims_is_refused_next_to_the_field(world, client_as
                                                                        ) -> None:
    case = world.case_in("street_mediation")
    response = client_as("clerk").post(upload_url(case), {
        "evidence-documents": SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf",
                                                 "application/pdf"),
        "evidence-description": "劳动合同"})
    assert response.status_code == 400
    html = response.content.decode()
    section = html[html.index('id="evidence-upload"'):]
    assert 'id="id_evidence-documents_error"' in section
    assert "只接受 PDF、JPEG、PNG 或 WebP 文件" in section
    assert 'value="劳动合同"' in section  # the description is kept
    assert not Evidence.objects.filter(dispute=case).exists()
    empty = client_as("clerk").post(upload_url(case), {"evidence-description": ""})
    assert empty.status_code == 400 and "请选择要上传的文件。" in empty.content.decode()


def test_only_those_who_may_add_evidence_see_the_form(world, client_as) -> None:
    case = world.case_in("street_mediation")
    assert 'id="evidence-upload"' not in client_as("supervisor").get(page(case)).content.decode()
    refused = client_as("supervisor").post(upload_url(case), {
        "evidence-documents": SimpleUploadedFile("a.png", PNG, "image/png")})
    assert refused.status_code == 403
    closed = world.case_in("closed")
    assert 'id="evidence-upload"' not in client_as("mediator").get(page(closed)).content.decode()
    assert not Evidence.objects.exists()


def hint(html: str) -> str:
    found = re.search(r'<div class="message[^"]*simplified-hint".*?</div>', html, re.S)
    assert found is not None, "no simplified-procedure hint"
    return found.group(0)


def test_the_accept_form_says_whether_the_case_qualifies_for_simplified_handling(
        world, client_as) -> None:
    case = world.case_in("arbitration_review")
    officer = client_as("filing_officer")
    form = officer.get(reverse("workspace:act", args=[case.pk, "accept"])).content.decode()
    shown = hint(form)
    # Below the findings it depends on (and the procedure choice above them): when it grows
    # or shrinks, nothing the officer is about to tick moves under the pointer.
    assert form.index('name="procedure"') < form.index('name="respondent_unknown"') < \
        form.index("simplified-hint")
    assert "第五十六条" in shown
    # Re-fetched into a wrapper that stays in the page when a finding is ticked.
    assert re.search(r'id="accept-simplified"[^>]*hx-include="#id_accept_facts_clear', form, re.S)
    url = reverse("workspace:simplified", args=[case.pk])
    clear = hint(officer.get(url, {"facts_clear": "on"}, HTTP_HX_REQUEST="true").content.decode())
    assert 'data-eligible="1"' in clear and "事实清楚、权利义务关系明确、争议不大。" in clear
    barred = hint(officer.get(url, {"facts_clear": "on", "public_interest": "on"}).content.decode())
    assert 'data-eligible="0"' in barred and "涉及国家利益、社会公共利益，不得简易处理。" in barred
    assert client_as("mediator2").get(url).status_code == 404  # not in their scope
    for persona in ["mediator", "supervisor"]:  # they see the case, may not accept it
        assert client_as(persona).get(url).status_code == 403, persona
    # A refused submission shows the hint for what was ticked.
    response = officer.post(reverse("workspace:act", args=[case.pk, "accept"]), {
        "version": case.version, "accepted_on": case.arbitration.applied_on.isoformat(),
        "procedure": "simplified", "public_interest": "on"})
    assert response.status_code == 400
    assert 'data-eligible="0"' in hint(response.content.decode())
