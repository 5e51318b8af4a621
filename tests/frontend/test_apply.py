"""The online application: a guided form that files the case through `dispute_submit`,
keeps every answer on a mistake, and shows the access code exactly once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from disputes.models import Channel, Claim, Dispute, DisputeEvent, Evidence, Party, Status
from disputes.services.intake import access_code_matches
from tests.frontend.helpers import PNG, application_post
from tests.world import World

URL = "/apply/"


def test_it_asks_a_visitor_to_sign_in_first(client_as: Callable[[str | None], Client]) -> None:
    response = client_as(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/apply/")


def test_the_form_shows_every_step_and_the_nearest_points(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    page = client_as("worker").get(URL).content.decode()
    for step in range(1, 7):
        assert f"第 {step} 步（共 6 步）" in page
    assert world.center.name in page and world.union.name in page
    assert world.enterprise.name not in page  # enterprise committees serve their own staff
    assert "不调解，直接申请仲裁" in page


def test_a_worker_files_an_application_online(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    client = client_as("worker")
    data = application_post(world)
    data["evidence-documents"] = SimpleUploadedFile("工资条.png", PNG, content_type="image/png")
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == "/apply/receipt/"
    dispute = Dispute.objects.get()
    assert dispute.channel == Channel.ONLINE
    assert dispute.status == Status.SUBMITTED
    assert dispute.requested_organization == world.center
    assert dispute.street == world.streets[0]
    applicant = dispute.parties.get(side=Party.Side.APPLICANT)
    assert applicant.user == world.worker and applicant.name == "李小红"
    assert list(Claim.objects.order_by("amount").values_list("amount", flat=True)) == [
        Decimal("3000"), Decimal("12000")]
    assert Evidence.objects.get().original_name == "工资条.png"
    assert list(DisputeEvent.objects.order_by("seq").values_list("kind", flat=True)) == [
        "submitted", "evidence_added"]

    receipt = client.get("/apply/receipt/")
    body = receipt.content.decode()
    assert receipt["Cache-Control"].startswith("no-store") or "no-store" in receipt["Cache-Control"]
    assert dispute.tracking_number in body
    code = body.split('data-testid="access-code">')[1].split("<")[0]
    assert access_code_matches(dispute, code)

    again = client.get("/apply/receipt/")  # the code is shown once
    assert again.status_code == 302 and again["Location"] == "/my/cases/"
    assert code not in client.get("/my/cases/").content.decode()
    assert code not in client.get(f"/my/cases/{dispute.pk}/").content.decode()


def test_going_straight_to_arbitration_files_with_the_commission(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    response = client_as("worker").post(URL, application_post(world, **{
        "where-organization": "arbitration"}))
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.requested_organization is None
    assert dispute.organization == world.commission


def test_a_resent_form_does_not_file_the_case_twice(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    client = client_as("worker")
    data = application_post(world)
    client.post(URL, data)
    client.get("/apply/receipt/")
    second = client.post(URL, data)
    assert Dispute.objects.count() == 1
    assert second["Location"] == f"/my/cases/{Dispute.objects.get().pk}/"


@pytest.mark.parametrize(("change", "field_id", "message"), [
    ({"me-id_number": "420112199001011234"}, "id_me-id_number", "校验位错误"),
    ({"me-phone": "12345"}, "id_me-phone", "联系电话格式不正确"),
    ({"employer-credit_code": "91420112MA4K0000O0"}, "id_employer-credit_code", "统一社会信用代码"),
    ({"facts-facts": ""}, "id_facts-facts", "必填项"),
    ({"claims-0-amount": "-5"}, "id_claims-0-amount", "0"),
    ({"claims-0-description": "", "claims-0-amount": ""}, "id_claims-0-description", "必填"),
    ({"where-organization": None}, "where-organization", "请选择一个调解组织"),
    ({"decl-confirm": None}, "id_decl-confirm", "请阅读并勾选确认"),
])
def test_a_mistake_is_shown_next_to_its_field_and_nothing_typed_is_lost(
        world: World, client_as: Callable[[str | None], Client], change: dict[str, str | None],
        field_id: str, message: str) -> None:
    response = client_as("worker").post(URL, application_post(world, **change))
    assert response.status_code == 400
    assert not Dispute.objects.exists()
    page = response.content.decode()
    assert f'href="#{field_id}"' in page  # the summary links to the field
    assert message in page
    # Everything else is still filled in.
    assert "公司拖欠 2026 年 3 月至 5 月工资。" in page or change.get("facts-facts") == ""
    assert 'value="武汉临空港物流有限公司"' in page
    assert 'value="支付加班费"' in page
    assert "value=\"13912345678\"" in page or "me-phone" in change


def test_another_claim_row_can_be_added_without_losing_anything(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    data = application_post(world, add_claim="1")
    response = client_as("worker").post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="claims-TOTAL_FORMS" value="3"' in page
    assert 'id="id_claims-2-description"' in page
    assert 'value="支付加班费"' in page
    assert "请修改以下内容" not in page  # adding a row is not a failed submission
    assert not Dispute.objects.exists()


def test_a_blank_extra_claim_row_is_ignored(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    data = application_post(world, **{"claims-1-item_type": "", "claims-1-description": "",
                                      "claims-1-amount": ""})
    assert client_as("worker").post(URL, data).status_code == 302
    assert Claim.objects.count() == 1


def test_an_unacceptable_file_is_refused_before_anything_is_filed(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    data = application_post(world)
    data["evidence-documents"] = SimpleUploadedFile("x.png", b"MZ\x90\x00not an image")
    response = client_as("worker").post(URL, data)
    assert response.status_code == 400
    assert "只接受 PDF、JPEG、PNG 或 WebP 文件" in response.content.decode()
    assert "请在第 5 步重新选择" in response.content.decode()
    assert not Dispute.objects.exists()


def test_nearest_points_come_nearest_first_for_the_chosen_street(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    response = client_as("worker").get("/apply/points/", {"where-street": world.streets[1].pk})
    page = response.content.decode()
    assert page.index(world.center2.name) < page.index(world.center.name)
    assert "半小时服务圈" in page
    assert "分钟" in page


def test_the_employer_committee_is_offered_to_its_own_workers(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    world.enterprise.enterprise_name = "武汉临空港物流有限公司"
    world.enterprise.enterprise_credit_code = "91420112MA4K000070"
    world.enterprise.save(update_fields=["enterprise_name", "enterprise_credit_code"])
    client = client_as("worker")
    page = client.get("/apply/points/", {"employer-credit_code": "91420112MA4K000070"}
                      ).content.decode()
    assert world.enterprise.name in page
    found = client.get("/apply/employers/", {"employer-name": "临空港"}).content.decode()
    assert 'data-employer-code="91420112MA4K000070"' in found
