"""Posting the case page's action forms: the transition is performed through the service;
a bad form, a stale version or a state that moved on keeps what was typed and says why."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.models import Claim, Dispute, Status, TribunalMember
from mediation.models import DeclaredRelation
from tests.world import days_ago, sample_input

pytestmark = pytest.mark.django_db


def act(case: Dispute, name: str) -> str:
    return reverse("workspace:act", args=[case.pk, name])


def page(case: Dispute) -> str:
    return reverse("workspace:case", args=[case.pk])


def form_of(html: str, case: Dispute, name: str) -> str:
    start = html.index(f'action="{act(case, name)}#action-{name}"')
    return html[start:html.index("</form>", start)]


def opened(client: Any, case: Dispute, name: str, *, htmx: bool = False) -> str:
    """The action's form as the case page fetches it when opened (htmx: the fragment), or
    as its own page (the plain link, without JavaScript)."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(act(case, name), **headers)
    assert response.status_code == 200, response.content.decode()[:2000]
    return str(response.content.decode())


def options(form: str, field: str) -> set[str]:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', form, re.S)
    assert select is not None, field
    return {v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v}


def accepted_without_tribunal(world: Any, **kwargs: Any) -> Dispute:
    case = world.case_in("arbitration_review", **kwargs)
    case = world.do("accept", case)
    case.refresh_from_db()
    return case


def test_posting_an_action_performs_it_and_returns_to_the_case(world, client_as) -> None:
    case = world.case_in("street_mediation")
    data = {**sample_input("record_agreement", world, case), "version": case.version}
    mediator = client_as("mediator")
    response = mediator.post(act(case, "record_agreement"), data)
    assert response.status_code == 303
    assert response["Location"] == page(case)
    case.refresh_from_db()
    assert case.status == Status.MEDIATION_SUCCEEDED
    assert case.events.order_by("-seq")[0].kind == "record_agreement"
    after = mediator.get(page(case)).content.decode()
    assert "已完成：记录调解协议。" in after
    assert "公司于十日内支付工资 10000 元。" in after  # the agreement's terms


def test_a_bad_form_shows_errors_next_to_the_fields_and_keeps_the_input(world, client_as
                                                                      ) -> None:
    case = world.case_in("street_mediation")
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    data = {"version": case.version, "terms": "分期付款：<首期> 5000 元", "total_amount": "很多",
            "signed_on": future, "performance_due": ""}
    response = client_as("mediator").post(act(case, "record_agreement"), data)
    assert response.status_code == 400
    html = response.content.decode()
    form = form_of(html, case, "record_agreement")
    assert "分期付款：&lt;首期&gt; 5000 元</textarea>" in form  # kept, escaped
    assert 'value="很多"' in form
    assert f'value="{future}"' in form
    assert 'id="id_record_agreement_total_amount_error"' in form
    assert 'id="id_record_agreement_signed_on_error"' in form
    assert "日期不能晚于今天。" in form
    assert re.search(r'<details class="card action" id="action-record_agreement" open>', html)
    case.refresh_from_db()
    assert case.status == Status.STREET_MEDIATION


def test_an_error_found_by_the_service_goes_next_to_its_field(world, client_as) -> None:
    # Law art. 14: while the mediation window runs, the case cannot go to arbitration.
    case = world.case_in("street_mediation", received_on=days_ago(3))
    response = client_as("mediator").post(act(case, "withdraw"), {"version": case.version})
    assert response.status_code == 400  # the form's own required reason
    assert 'id="id_withdraw_reason_error"' in response.content.decode()
    # Dates before the case's receipt are the form's check against this case's history.
    too_early = (case.received_on - dt.timedelta(days=1)).isoformat()
    response = client_as("mediator").post(act(case, "record_failure"), {
        "version": case.version, "reason": "分歧大", "ended_on": too_early})
    assert response.status_code == 400
    form = form_of(response.content.decode(), case, "record_failure")
    assert 'id="id_record_failure_ended_on_error"' in form and "日期不能早于收件日期" in form


def test_a_stale_version_asks_to_reload_and_loses_nothing(world, client_as) -> None:
    case = world.case_in("street_mediation")
    seen = case.version
    world.do("schedule_mediation_session", case)  # someone else changed the case meanwhile
    data = {**sample_input("record_agreement", world, case), "version": seen,
            "terms": "我写了很久的协议内容"}
    response = client_as("mediator").post(act(case, "record_agreement"), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "本案在您填写期间已被他人更新，操作未执行。" in html
    assert "重新加载" in html
    form = form_of(html, case, "record_agreement")
    assert "我写了很久的协议内容</textarea>" in form
    case.refresh_from_db()
    assert case.status == Status.STREET_MEDIATION
    assert f'name="version" value="{case.version}"' in form  # the page now shows this version


def test_an_action_the_state_no_longer_allows_says_so_and_keeps_the_input(world, client_as
                                                                        ) -> None:
    case = world.case_in("mediation_succeeded")
    data = {**sample_input("record_failure", world, case), "version": case.version,
            "reason": "我的记录"}
    response = client_as("mediator").post(act(case, "record_failure"), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "案件当前状态不允许「记录调解不成」" in html
    unsent = html[html.index('id="unsent"'):]
    assert "我的记录</textarea>" in unsent
    assert "<fieldset class=\"action-fields\" disabled>" in unsent
    case.refresh_from_db()
    assert case.status == Status.MEDIATION_SUCCEEDED


def test_outsiders_get_404_and_staff_who_may_not_act_get_403(world, client_as) -> None:
    case = world.case_in("street_mediation")
    data = {**sample_input("record_failure", world, case), "version": case.version}
    assert client_as("mediator2").post(act(case, "record_failure"), data).status_code == 404
    assert client_as("mediator").post(act(case, "no_such_thing"), data).status_code == 404
    withdraw = {**sample_input("withdraw", world, case), "version": case.version}
    assert client_as("worker").post(act(case, "withdraw"), withdraw).status_code == 404
    refused = client_as("supervisor").post(act(case, "record_failure"), data)
    assert refused.status_code == 403
    assert "您不能对本案执行「记录调解不成」" in refused.content.decode()
    assert client_as("mediator2").get(act(case, "record_failure")).status_code == 404
    refused = client_as("supervisor").get(act(case, "record_failure"))
    assert refused.status_code == 403 and "<form" not in refused.content.decode()
    assert client_as("mediator").get(act(case, "confirm_performance")).status_code == 409
    assert client_as("mediator").delete(act(case, "record_failure")).status_code == 405
    case.refresh_from_db()
    assert case.status == Status.STREET_MEDIATION


def test_a_form_without_the_case_version_is_not_performed(world, client_as) -> None:
    case = world.case_in("street_mediation")
    data = sample_input("record_failure", world, case)
    response = client_as("mediator").post(act(case, "record_failure"), data)
    assert response.status_code == 400
    assert "缺少案件版本号" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.STREET_MEDIATION


def test_an_action_that_moves_the_case_away_returns_to_the_queue(world, client_as) -> None:
    case = world.submit()
    data = {"version": case.version, "organization": world.center2.pk,
            "received_on": case.received_on.isoformat()}
    response = client_as("clerk").post(act(case, "route_to_street"), data)
    assert response.status_code == 303
    assert response["Location"] == reverse("workspace:queue")
    case.refresh_from_db()
    assert case.organization_id == world.center2.pk


def test_routing_offers_only_organizations_of_the_right_kind(world, client_as) -> None:
    case = world.submit()
    clerk = client_as("clerk")
    assert options(form_of(opened(clerk, case, "route_to_street"), case, "route_to_street"),
                   "organization") == {str(world.center.pk), str(world.center2.pk)}
    assert options(form_of(opened(clerk, case, "route_to_union"), case, "route_to_union"),
                   "organization") == {str(world.union.pk)}


def test_assigning_a_mediator_offers_the_organizations_mediators_only(world, client_as) -> None:
    case = world.case_in("street_mediation")
    html = opened(client_as("head"), case, "assign_mediator")
    assert options(form_of(html, case, "assign_mediator"), "mediator") == {str(world.mediator.pk)}
    response = client_as("head").post(act(case, "assign_mediator"),
                                      {"version": case.version, "mediator": world.mediator2.pk})
    assert response.status_code == 400
    assert "所选人员不是本机构的调解员。" in response.content.decode()
    response = client_as("head").post(act(case, "assign_mediator"),
                                      {"version": case.version, "mediator": world.mediator.pk})
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.mediator_id == world.mediator.pk


def test_tribunal_formation_shows_the_recusal_check_and_the_refusal(world, client_as) -> None:
    case = accepted_without_tribunal(world)
    barred = world.users["tribunal_b"]
    DeclaredRelation.objects.create(user=barred, kind=DeclaredRelation.Kind.INTEREST,
                                    counterpart_name="武汉临空港物流有限公司")
    chair = client_as("chair")
    html = opened(chair, case, "form_tribunal")
    form = form_of(html, case, "form_tribunal")
    candidates = set(re.findall(r'name="arbitrators" value="(\d+)"', form))
    assert candidates == {str(world.users[n].pk) for n in
                          ["arbitrator", "arbitrator2", "tribunal_b", "tribunal_c"]}
    assert "应当回避" in form and "武汉临空港物流有限公司" in form
    assert "第三十三条" in form
    response = chair.post(act(case, "form_tribunal"), {
        "version": case.version,
        "arbitrators": [world.arbitrator.pk, barred.pk, world.users["tribunal_c"].pk],
        "presiding": world.arbitrator.pk, "formed_on": str(case.arbitration.accepted_on)})
    assert response.status_code == 400
    form = form_of(response.content.decode(), case, "form_tribunal")
    assert 'id="id_form_tribunal_arbitrators_error"' in form
    assert "应当回避：tribunal_b" in form
    assert form.count("checked") == 3  # the choice is kept
    assert not TribunalMember.objects.filter(record__dispute=case).exists()
    response = chair.post(act(case, "form_tribunal"), {
        "version": case.version,
        "arbitrators": [world.arbitrator.pk, world.arbitrator2.pk, world.users["tribunal_c"].pk],
        "presiding": world.arbitrator.pk, "formed_on": str(case.arbitration.accepted_on)})
    assert response.status_code == 303
    assert TribunalMember.objects.filter(record__dispute=case).count() == 3


def award_post(case: Dispute, decisions: dict[int, tuple[str, str]], **fields: Any) -> dict[str, Any]:
    claims = list(case.claims.order_by("pk"))
    data: dict[str, Any] = {"version": case.version, "items-TOTAL_FORMS": len(claims),
                            "items-INITIAL_FORMS": len(claims), "items-MIN_NUM_FORMS": 0,
                            "items-MAX_NUM_FORMS": 200, **fields}
    for index, claim in enumerate(claims):
        decision, amount = decisions.get(claim.pk, ("", ""))
        data[f"items-{index}-claim"] = claim.pk
        data[f"items-{index}-decision"] = decision
        data[f"items-{index}-granted_amount"] = amount
    return data


def test_the_award_is_given_item_by_item_and_the_engine_marks_finality(world, client_as) -> None:
    case = world.case_in("deliberation")
    world.do("amend_claims", case, claims=[
        {"item_type": "economic_compensation", "description": "经济补偿", "amount": "60000"}])
    case.refresh_from_db()
    wages, compensation = case.claims.order_by("pk")
    arbitrator = client_as("arbitrator")
    html = opened(arbitrator, case, "issue_award")
    form = form_of(html, case, "issue_award")
    assert "支付拖欠工资" in form and "经济补偿" in form
    assert 'name="items-0-decision"' in form and 'name="items-1-granted_amount"' in form
    on = (case.received_on + dt.timedelta(days=23)).isoformat()
    response = arbitrator.post(act(case, "issue_award"), award_post(
        case, {wages.pk: ("granted", "12000.00"), compensation.pk: ("partly_granted", "40000")},
        issued_on=on, reasoning="经审理查明……", result="partly"))
    assert response.status_code == 303, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    html = arbitrator.get(page(case)).content.decode()
    wages_row = html[html.index(f'data-claim="{wages.pk}"'):]
    wages_row = wages_row[:wages_row.index("</tr>")]
    compensation_row = html[html.index(f'data-claim="{compensation.pk}"'):]
    compensation_row = compensation_row[:compensation_row.index("</tr>")]
    assert 'data-final="1"' in wages_row and "终局裁决" in wages_row
    assert 'data-final="0"' in compensation_row and "非终局裁决" in compensation_row


def test_a_bad_award_row_is_shown_next_to_that_row(world, client_as) -> None:
    case = world.case_in("deliberation")
    claim = case.claims.get()
    response = client_as("arbitrator").post(act(case, "issue_award"), award_post(
        case, {claim.pk: ("granted", "-5")}, issued_on="", reasoning="理由", result="worker_won"))
    assert response.status_code == 400
    form = form_of(response.content.decode(), case, "issue_award")
    assert 'id="id_issue_award_items-0-granted_amount_error"' in form
    assert 'value="-5"' in form and "理由</textarea>" in form
    case.refresh_from_db()
    assert case.status == Status.DELIBERATION


def claims_post(case: Dispute, rows: list[tuple[str, str, str]], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"version": case.version, "claims-TOTAL_FORMS": len(rows),
                            "claims-INITIAL_FORMS": 0, "claims-MIN_NUM_FORMS": 0,
                            "claims-MAX_NUM_FORMS": 50, **fields}
    for index, (item_type, description, amount) in enumerate(rows):
        data[f"claims-{index}-item_type"] = item_type
        data[f"claims-{index}-description"] = description
        data[f"claims-{index}-amount"] = amount
    return data


def test_claims_are_amended_as_rows(world, client_as) -> None:
    case = world.case_in("accepted")
    arbitrator = client_as("arbitrator")
    html = opened(arbitrator, case, "amend_claims")
    form = form_of(html, case, "amend_claims")
    assert 'name="claims-0-description"' in form and 'name="claims-1-description"' in form
    on = (case.received_on + dt.timedelta(days=7)).isoformat()
    # Another row, without losing what is typed.
    more = arbitrator.post(act(case, "amend_claims"), {
        **claims_post(case, [("overtime_pay", "加班费", "3000"), ("", "", "")], amended_on=on),
        "add_row": "1"})
    assert more.status_code == 200
    form = form_of(more.content.decode(), case, "amend_claims")
    assert 'name="claims-2-description"' in form
    assert 'value="加班费"' in form
    assert case.claims.count() == 1
    # A bad row: its error next to it, nothing performed.
    bad = arbitrator.post(act(case, "amend_claims"), claims_post(
        case, [("overtime_pay", "加班费", "三千"), ("", "", "")], amended_on=on))
    assert bad.status_code == 400
    form = form_of(bad.content.decode(), case, "amend_claims")
    assert 'id="id_amend_claims_claims-0-amount_error"' in form and 'value="三千"' in form
    assert case.claims.count() == 1
    # Blank rows are ignored; filled ones become claims.
    done = arbitrator.post(act(case, "amend_claims"), claims_post(
        case, [("overtime_pay", "加班费", "3000"), ("", "", ""),
               ("damages", "未签合同二倍工资", "")], amended_on=on))
    assert done.status_code == 303, done.content.decode()[:3000]
    assert set(Claim.objects.filter(dispute=case).values_list("description", flat=True)) == {
        "支付拖欠工资", "加班费", "未签合同二倍工资"}


def test_no_rows_filled_is_refused(world, client_as) -> None:
    case = world.case_in("accepted")
    response = client_as("arbitrator").post(act(case, "amend_claims"), claims_post(
        case, [("", "", ""), ("", "", "")]))
    assert response.status_code == 400
    assert case.claims.count() == 1
