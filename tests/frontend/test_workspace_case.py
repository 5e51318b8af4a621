"""The case page (/workspace/cases/<id>/): 404 outside scope, masking, escaping, the
sections it shows, only the actions the user may take now, and the live wiring."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes import access
from disputes.identifiers import mask_id_number, mask_phone
from disputes.models import Dispute, Party
from tests.world import PERSONAS, credit_code, resident_id

pytestmark = pytest.mark.django_db


def page(case: Dispute) -> str:
    return reverse("workspace:case", args=[case.pk])


def actions_shown(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:2000]
    return set(re.findall(r'<details class="card action" id="action-([a-z_]+)"',
                          response.content.decode()))


def test_a_case_outside_scope_answers_404_never_403(world, client_as) -> None:
    case = world.case_in("street_mediation")
    for persona in ["mediator2", "union_mediator", "other_worker", "filing_officer",
                    "arbitrator", "chair"]:
        assert client_as(persona).get(page(case)).status_code == 404, persona
    for persona in ["mediator", "head", "clerk", "supervisor"]:
        assert client_as(persona).get(page(case)).status_code == 200, persona
    assert client_as("mediator").get("/workspace/cases/999999/").status_code == 404


def test_parties_are_sent_to_their_own_page_in_the_portal(world, client_as) -> None:
    case = world.case_in("street_mediation")
    for persona in ["worker", "employer"]:
        response = client_as(persona).get(page(case))
        assert response.status_code == 302, persona
        assert response["Location"] == reverse("frontend:my_case", args=[case.pk])
    # Someone else's case stays a 404, not a redirect that says it exists.
    other = world.submit(organization=world.center2)
    Party.objects.filter(dispute=other).update(user=None)
    assert client_as("worker").get(page(other)).status_code == 404


def test_anonymous_visitors_are_asked_to_log_in(world, client_as) -> None:
    case = world.case_in("street_mediation")
    response = client_as(None).get(page(case))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


STATES = ["submitted", "street_mediation", "mediation_succeeded", "mediation_failed",
          "arbitration_review", "pre_arbitration_mediation", "accepted", "hearing_scheduled",
          "deliberation", "suspended", "closed"]


@pytest.mark.parametrize("state", STATES)
def test_only_the_actions_this_user_may_take_now_appear(world, client_as, state) -> None:
    case = world.case_in(state)
    User = get_user_model()
    for persona in PERSONAS:
        response = client_as(persona).get(page(case))
        if response.status_code == 404:
            assert not access.can_view(User.objects.get(pk=world.users[persona].pk), case)
            continue
        if persona in ("worker", "employer", "other_worker"):
            assert response.status_code in (302, 404)  # the portal is theirs
            continue
        user = User.objects.get(pk=world.users[persona].pk)
        expected = {spec.name for spec in access.available_transitions(user, case)}
        assert actions_shown(response) == expected, (state, persona)


def test_each_action_form_carries_the_case_version_and_posts_to_its_own_url(world, client_as
                                                                            ) -> None:
    case = world.case_in("street_mediation")
    action = reverse("workspace:act", args=[case.pk, "record_agreement"])
    html = client_as("mediator").get(action).content.decode()  # the form, opened
    form = html[html.index(f'action="{action}#action-record_agreement"'):]
    form = form[:form.index("</form>")]
    assert f'name="version" value="{case.version}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    for field in ["terms", "total_amount", "signed_on", "performance_due"]:
        assert f'name="{field}"' in form
        assert f'for="id_record_agreement_{field}"' in form  # every field is labelled


def test_identifiers_are_masked_for_the_supervisor_and_shown_to_the_case_staff(world, client_as
                                                                              ) -> None:
    case = world.case_in("street_mediation")
    worker_id, employer_code = resident_id(100), credit_code(7)
    supervisor = client_as("supervisor").get(page(case)).content.decode()
    assert worker_id not in supervisor and employer_code not in supervisor
    assert "13800138000" not in supervisor
    assert mask_id_number(worker_id) in supervisor
    assert mask_phone("13800138000") in supervisor
    mediator = client_as("mediator").get(page(case)).content.decode()
    assert worker_id in mediator and employer_code in mediator and "13800138000" in mediator


def test_no_page_shows_an_unmasked_id_to_a_role_that_may_not_see_it(world, client_as) -> None:
    cases = [world.case_in(state) for state in ["street_mediation", "accepted", "closed"]]
    for case in cases:
        html = client_as("supervisor").get(page(case)).content.decode()
        for party in Party.objects.filter(dispute=case):
            assert party.id_number not in html, (case.status, party.side)
    queue = client_as("supervisor").get("/workspace/").content.decode()
    for party in Party.objects.all():
        assert party.id_number not in queue


def test_user_text_is_escaped(world, client_as) -> None:
    case = world.case_in("street_mediation", facts="<script>alert('facts')</script> & 工资")
    Party.objects.filter(dispute=case, side=Party.Side.RESPONDENT).update(
        name="<img src=x onerror=alert(1)>公司")
    for persona in ["mediator", "supervisor"]:
        html = client_as(persona).get(page(case)).content.decode()
        assert "<script>alert('facts')</script>" not in html
        assert "&lt;script&gt;alert(&#x27;facts&#x27;)&lt;/script&gt; &amp; 工资" in html
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;公司" in html
    queue = client_as("mediator").get("/workspace/").content.decode()
    assert "<img src=x" not in queue and "&lt;img src=x onerror=alert(1)&gt;公司" in queue


def test_the_page_shows_clocks_claims_mediation_arbitration_and_timeline(world, client_as
                                                                       ) -> None:
    case = world.case_in("hearing_scheduled")
    html = client_as("arbitrator").get(page(case)).content.decode()
    assert "支付拖欠工资" in html  # the claim
    assert 'data-clock="award"' in html and 'data-clock="acceptance_decision"' in html
    assert "双方对金额分歧较大。" in html  # the failed street mediation's reason
    assert "第一仲裁庭" in html  # the hearing
    assert "首席仲裁员" in html  # the tribunal
    assert case.arbitration.case_number in html
    seqs = [int(s) for s in re.findall(r'<li data-seq="(\d+)"', html)]
    assert seqs == list(range(1, case.event_seq + 1))
    assert 'data-notice="limitation"' in html  # the staff's limitation notice


def test_evidence_downloads_through_the_api(world, client_as) -> None:
    from django.core.files.base import ContentFile

    from disputes.models import Evidence

    case = world.case_in("street_mediation")
    evidence = Evidence(dispute=case, original_name="工资条<1>.pdf", content_type="application/pdf",
                        size=4, sha256="0" * 64)
    evidence.file.save("x", ContentFile(b"%PDF"), save=True)
    html = client_as("mediator").get(page(case)).content.decode()
    url = reverse("api:evidence-download", args=[case.pk, evidence.pk])
    assert f'href="{url}"' in html
    assert "工资条&lt;1&gt;.pdf" in html
    assert client_as("mediator").get(url).status_code == 200


def test_the_page_is_live(world, client_as) -> None:
    case = world.case_in("street_mediation")
    client = client_as("mediator")
    html = client.get(page(case)).content.decode()
    assert f'data-live-case="{case.pk}"' in html
    assert f'data-live-after="{case.event_seq}"' in html
    assert "frontend/live.js" in html and "workspace/workspace.js" in html
    assert 'hx-trigger="case-event from:body' in html
    fragment = client.get(page(case), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-details")
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="case-details"')
    assert "<html" not in body and "action-record_agreement" not in body


def test_the_page_speaks_english_when_asked(world, client_as) -> None:
    case = world.case_in("street_mediation")
    client = client_as("mediator")
    client.cookies["django_language"] = "en"
    html = client.get(page(case)).content.decode()
    assert "Record an agreement" in html and "记录调解协议" not in html


def test_the_case_page_costs_a_bounded_number_of_queries(world, client_as) -> None:
    case = world.case_in("deliberation")
    client = client_as("arbitrator")
    client.get(page(case))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page(case)).status_code == 200
    few = len(queries)
    for _ in range(3):
        world.do("amend_claims", case)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page(case)).status_code == 200
    assert len(queries) == few  # more claims, events and award rows: no more queries


def test_action_forms_are_fetched_when_opened_and_work_without_javascript(world, client_as
                                                                         ) -> None:
    case = world.case_in("street_mediation")
    client = client_as("mediator")
    html = client.get(page(case)).content.decode()
    action = reverse("workspace:act", args=[case.pk, "record_agreement"])
    details = html[html.index('id="action-record_agreement"'):]
    details = details[:details.index("</details>")]
    assert f'hx-get="{action}"' in details and 'hx-trigger="toggle once"' in details
    assert f'<a href="{action}">' in details  # a plain link without JavaScript
    assert "<form" not in html[html.index('id="case-actions"'):].split("</section>")[0]
    fragment = client.get(action, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<form") and "<html" not in fragment
    assert f'name="version" value="{case.version}"' in fragment
    standalone = client.get(action).content.decode()
    assert "<html" in standalone and "<h1" in standalone and "记录调解协议" in standalone
    assert f'href="{page(case)}"' in standalone  # back to the case
    # Opened after the state moved on: said so, no form to fill in for nothing.
    world.do("record_agreement", case)
    late = client.get(action, HTTP_HX_REQUEST="true")
    assert late.status_code == 409 and "<form" not in late.content.decode()
    assert "已不能执行「记录调解协议」" in late.content.decode()
