"""In a real browser (Debian's chromium through Playwright) against Daphne on the test
database: filing an application, a status page that follows the case live, and a case
kept from a mediator of another center.

Few and quick on purpose; everything else is checked with Django's test client."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import NoReverseMatch, reverse

from disputes.models import Dispute, Status
from disputes.services.intake import hash_access_code
from tests.frontend.conftest import login_cookie
from tests.frontend.helpers import PNG
from tests.world import World, credit_code, resident_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,  # the server process shares the test database
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CODE = "AAAA-BBBB-CCCC"


def test_a_worker_files_an_application_and_reaches_the_status_page(
        world: World, live_server_url: str, new_page: Callable[[], Any], tmp_path: Any) -> None:
    from playwright.sync_api import expect

    # The server checks passwords with the production hashers (few rounds: a test account).
    type(world.worker).objects.filter(pk=world.worker.pk).update(
        password=PBKDF2PasswordHasher().encode("x-worker", "testsalt", iterations=1000))
    page = new_page()
    page.goto(f"{live_server_url}/apply/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill("worker")
    page.get_by_label("密码").fill("x-worker")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="申请调解仲裁", level=1)).to_be_visible()

    page.get_by_label("姓名").fill("李小红")
    page.get_by_label("证件号码").fill(resident_id(321))
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("单位名称").fill("武汉临空港物流有限公司")
    page.get_by_label("统一社会信用代码").fill(credit_code(7))
    page.get_by_label("争议类型").select_option("wages")
    page.get_by_label("事实与理由").fill("公司拖欠 2026 年 3 月至 5 月工资。")
    page.locator("#id_claims-0-item_type").select_option("wages")
    page.locator("#id_claims-0-description").fill("支付拖欠工资")
    page.locator("#id_claims-0-amount").fill("12000")
    evidence = tmp_path / "工资条.png"
    evidence.write_bytes(PNG)
    page.get_by_label("证据文件").set_input_files(str(evidence))
    # Choosing the street lists the nearest points first (htmx), without leaving the page.
    page.get_by_label("您所在或单位所在的街道").select_option(label="将军路街道")
    first_point = page.locator("#points .choice label").first
    expect(first_point).to_contain_text(world.center2.name)
    expect(first_point).to_contain_text("分钟")
    page.get_by_label(world.center2.name).check()
    page.get_by_label("我确认以上内容真实").check()
    page.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", name="申请回执")).to_be_visible()
    number = page.get_by_test_id("tracking-number").inner_text().strip()
    code = page.get_by_test_id("access-code").inner_text().strip()
    dispute = Dispute.objects.get(tracking_number=number)
    assert dispute.requested_organization == world.center2
    assert dispute.evidence.count() == 1

    # Anybody holding the receipt follows the case without an account.
    visitor = new_page()
    visitor.goto(f"{live_server_url}/status/")
    visitor.get_by_label("查询编号").fill(number)
    visitor.get_by_label("查询码").fill(code)
    visitor.get_by_role("button", name="查询").click()
    expect(visitor).to_have_url(f"{live_server_url}/status/case/")
    expect(visitor.get_by_test_id("now-words")).to_have_text(
        "您的申请已收到，正在分派到调解组织或仲裁委员会。")
    assert code not in visitor.url and number not in visitor.url


def test_the_status_page_changes_without_reload_when_the_mediator_records_an_agreement(
        world: World, live_server_url: str, new_page: Callable[[], Any]) -> None:
    from playwright.sync_api import expect

    case = world.case_in(Status.STREET_MEDIATION)
    Dispute.objects.filter(pk=case.pk).update(access_code_hash=hash_access_code(CODE))
    page = new_page()
    page.goto(f"{live_server_url}/status/")
    page.get_by_label("查询编号").fill(case.tracking_number)
    page.get_by_label("查询码").fill(CODE)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("status-label")).to_have_text("街道调解中")
    expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "connected")
    page.evaluate("window.__not_reloaded = true")

    world.do("record_agreement", case)  # committed; the server's worker delivers it

    expect(page.get_by_test_id("status-label")).to_have_text("调解成功")
    expect(page.get_by_test_id("now-words")).to_have_text("双方已达成调解协议。")
    expect(page.locator(".timeline li").first).to_contain_text("记录调解协议")
    assert page.evaluate("window.__not_reloaded") is True


def test_a_mediator_of_another_center_cannot_open_the_case(
        world: World, live_server_url: str, new_page: Callable[[], Any]) -> None:
    case = world.case_in(Status.STREET_MEDIATION)
    page = new_page()
    page.context.add_cookies([login_cookie(world.mediator2, live_server_url)])
    urls = [f"/my/cases/{case.pk}/"]
    with contextlib.suppress(NoReverseMatch):  # the workspace, once it is installed
        urls.append(reverse("workspace:case", args=[case.pk]))
    for url in urls:
        response = page.goto(f"{live_server_url}{url}")
        assert response is not None and response.status == 404, url
        assert case.tracking_number not in page.content()


# -- the staff workspace ----------------------------------------------------------------


def test_a_mediator_records_an_agreement_from_the_queue_after_a_stale_attempt(
        world: World, live_server_url: str, new_page: Callable[[], Any]) -> None:
    """The queue, the case page, a form fetched when opened, the live "this case changed"
    notice, the Chinese conflict message with the input kept, then the agreement."""
    from playwright.sync_api import expect

    case = world.case_in(Status.STREET_MEDIATION)
    page = new_page()
    page.context.add_cookies([login_cookie(world.mediator, live_server_url)])
    page.goto(f"{live_server_url}/workspace/")
    page.locator(f"#queue-list tr[data-case='{case.pk}'] a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.tracking_number)
    expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "connected")

    page.locator("#action-record_agreement summary").click()  # the form is fetched now
    terms = page.locator("#id_record_agreement_terms")
    terms.fill("公司于十日内一次性支付工资 10000 元。")
    page.locator("#id_record_agreement_total_amount").fill("10000")

    world.do("schedule_mediation_session", case)  # someone else changes the case meanwhile
    expect(page.locator("#case-updated")).to_be_visible()  # live, without reload
    expect(page.locator("#case-updated [data-update-label]")).to_have_text("安排调解")

    page.locator("#action-record_agreement").get_by_role("button", name="记录调解协议").click()
    expect(page.get_by_text("本案在您填写期间已被他人更新，操作未执行。", exact=False)).to_be_visible()
    expect(terms).to_have_value("公司于十日内一次性支付工资 10000 元。")  # nothing lost
    case.refresh_from_db()
    assert case.status == Status.STREET_MEDIATION

    page.locator("#action-record_agreement").get_by_role("button", name="记录调解协议").click()
    expect(page.get_by_text("已完成：记录调解协议。")).to_be_visible()
    expect(page.locator(".state-now")).to_contain_text("调解成功")
    case.refresh_from_db()
    assert case.status == Status.MEDIATION_SUCCEEDED


def test_a_filing_officer_accepts_a_case_that_arrives_in_the_acceptance_queue(
        world: World, live_server_url: str, new_page: Callable[[], Any]) -> None:
    from playwright.sync_api import expect

    page = new_page()
    page.context.add_cookies([login_cookie(world.filing_officer, live_server_url)])
    page.goto(f"{live_server_url}/workspace/?tab=acceptance")
    expect(page.locator("[data-live-status]").first).to_have_attribute("data-state", "connected")

    case = world.case_in(Status.ARBITRATION_REVIEW)  # arrives while the queue is open
    row = page.locator(f"#queue-list tr[data-case='{case.pk}']")
    expect(row).to_be_visible()  # the list refreshed itself
    row.locator("a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.tracking_number)
    page.locator("#action-accept summary").click()
    page.locator("#id_accept_facts_clear").check()  # the hint follows the findings
    expect(page.locator("#accept-simplified .simplified-hint")).to_have_attribute("data-eligible", "1")
    page.locator("#id_accept_public_interest").check()
    expect(page.locator("#accept-simplified .simplified-hint")).to_have_attribute("data-eligible", "0")
    expect(page.locator("#accept-simplified")).to_contain_text("不得简易处理")
    page.locator("#action-accept").get_by_role("button", name="受理").click()
    expect(page.get_by_text("已完成：受理。")).to_be_visible()
    expect(page.locator(".state-now")).to_contain_text("已受理")
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.arbitration.case_number
