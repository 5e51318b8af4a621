"""The staff queue (/workspace/): scope per persona, overdue first, filters, tabs, pages,
live wiring, and a query count that does not grow with the page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes.models import Dispute, Party
from frontend.workspace import queue as queue_module
from tests.world import days_ago

pytestmark = pytest.mark.django_db

QUEUE = "/workspace/"


def listed(response: Any) -> list[int]:
    """Case ids in the order the queue shows them."""
    assert response.status_code == 200, response.content[:2000]
    return [int(pk) for pk in re.findall(r'<tr data-case="(\d+)"', response.content.decode())]


def step(world: Any, case: Dispute, *names: str) -> Dispute:
    for name in names:
        case = world.do(name, case)
    case.refresh_from_db()
    return case


def test_the_queue_is_at_workspace_slash() -> None:
    assert reverse("workspace:queue") == QUEUE


def test_each_persona_sees_the_open_cases_its_organizations_handle(world, client_as) -> None:
    street = world.case_in("street_mediation")
    union = world.case_in("union_mediation")
    review = world.case_in("arbitration_review")
    elsewhere = world.submit(organization=world.center2)
    world.case_in("closed")  # closed cases leave the queue
    assert set(listed(client_as("mediator").get(QUEUE))) == {street.pk}
    assert set(listed(client_as("head").get(QUEUE))) == {street.pk}
    assert set(listed(client_as("clerk").get(QUEUE))) == {street.pk}
    assert set(listed(client_as("mediator2").get(QUEUE))) == {elsewhere.pk}
    assert set(listed(client_as("union_mediator").get(QUEUE))) == {union.pk}
    assert set(listed(client_as("filing_officer").get(QUEUE))) == {review.pk}
    assert set(listed(client_as("supervisor").get(QUEUE))) == {street.pk, union.pk, review.pk,
                                                               elsewhere.pk}


def test_parties_and_anonymous_visitors_have_no_queue(world, client_as) -> None:
    world.case_in("street_mediation")
    assert client_as("worker").get(QUEUE).status_code == 403
    assert client_as("employer").get(QUEUE).status_code == 403
    anonymous = client_as(None).get(QUEUE)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_overdue_and_soon_due_come_first_then_cases_without_a_deadline(world, client_as) -> None:
    # Mediation window: 15 days from the center's receipt (received_on + 1 in the world).
    no_deadline = world.submit(received_on=days_ago(90))
    running = world.case_in("street_mediation", received_on=days_ago(3))
    overdue_later = world.case_in("street_mediation", received_on=days_ago(30))
    overdue_first = world.case_in("street_mediation", received_on=days_ago(50))
    assert no_deadline.next_due_on is None
    order = listed(client_as("mediator").get(QUEUE))
    assert order == [overdue_first.pk, overdue_later.pk, running.pk, no_deadline.pk]


def test_a_row_shows_its_countdown_with_the_overdue_mark(world, client_as) -> None:
    world.case_in("street_mediation", received_on=days_ago(50))
    world.case_in("street_mediation", received_on=days_ago(3))
    html = client_as("mediator").get(QUEUE).content.decode()
    assert 'badge--overdue' in html and "已超期" in html
    assert "剩 " in html  # the running one counts down


def test_filters_narrow_by_state_overdue_tier_and_text(world, client_as) -> None:
    street = world.case_in("street_mediation", received_on=days_ago(50))
    fresh = world.case_in("street_mediation", received_on=days_ago(3))
    submitted = world.submit()
    failed = world.case_in("mediation_failed")
    mediator = client_as("mediator")
    assert set(listed(mediator.get(QUEUE, {"status": "submitted"}))) == {submitted.pk}
    assert set(listed(mediator.get(QUEUE, {"overdue": "on"}))) == {street.pk}
    assert set(listed(mediator.get(QUEUE, {"tier": "street"}))) == {street.pk, fresh.pk,
                                                                       failed.pk}
    assert listed(mediator.get(QUEUE, {"q": fresh.tracking_number})) == [fresh.pk]
    assert set(listed(mediator.get(QUEUE, {"q": "临空港"}))) == {street.pk, fresh.pk,
                                                                 submitted.pk, failed.pk}
    assert listed(mediator.get(QUEUE, {"q": "没有这个人"})) == []
    Party.objects.filter(dispute=fresh, side=Party.Side.RESPONDENT).update(name="武汉某餐饮公司")
    assert set(listed(mediator.get(QUEUE, {"q": "临空港"}))) == {street.pk, submitted.pk,
                                                                 failed.pk}
    # A bad parameter is ignored, not an error page.
    assert set(listed(mediator.get(QUEUE, {"status": "nonsense", "page": "x"}))) == {
        street.pk, fresh.pk, submitted.pk, failed.pk}


def test_text_search_finds_tracking_numbers_case_numbers_and_party_names(world, client_as
                                                                         ) -> None:
    review = world.case_in("arbitration_review")
    accepted = world.case_in("accepted")
    officer = client_as("filing_officer")
    assert listed(officer.get(QUEUE, {"q": review.tracking_number.lower()})) == [review.pk]
    number = accepted.arbitration.case_number
    assert number
    assert listed(officer.get(QUEUE, {"q": number[-6:]})) == [accepted.pk]
    Party.objects.filter(dispute=review, side=Party.Side.APPLICANT).update(name="欧阳娜娜")
    assert listed(officer.get(QUEUE, {"q": "欧阳"})) == [review.pk]
    assert listed(officer.get(QUEUE, {"q": "欧阳", "status": "accepted"})) == []


def test_a_filter_never_widens_the_scope(world, client_as) -> None:
    world.submit(organization=world.center2)
    response = client_as("mediator").get(QUEUE, {"organization": world.center2.pk})
    assert listed(response) == []


def test_mine_lists_the_cases_a_mediator_is_in_charge_of(world, client_as) -> None:
    assigned = world.case_in("street_mediation")
    world.do("assign_mediator", assigned)
    other = world.case_in("street_mediation")
    mediator = client_as("mediator")
    assert set(listed(mediator.get(QUEUE))) == {assigned.pk, other.pk}
    assert listed(mediator.get(QUEUE, {"tab": "mine"})) == [assigned.pk]


def test_arbitration_staff_have_the_acceptance_queue_with_its_countdown(world, client_as) -> None:
    review = world.case_in("arbitration_review")
    world.case_in("accepted")
    officer = client_as("filing_officer")
    response = officer.get(QUEUE, {"tab": "acceptance"})
    assert listed(response) == [review.pk]
    html = response.content.decode()
    assert "仲裁" in html and "个工作日" in html  # the 5-working-day acceptance clock
    assert 'aria-current="page"' in html
    # Mediation staff have no acceptance tab: the parameter is ignored.
    assert "tab=acceptance" not in client_as("mediator").get(QUEUE).content.decode()


def test_the_chair_sees_what_waits_on_the_chair(world, client_as) -> None:
    no_tribunal = world.case_in("arbitration_review")
    no_tribunal = step(world, no_tribunal, "accept")
    suspended = world.case_in("suspended")
    hearing = world.case_in("hearing_scheduled", received_on=days_ago(21))
    chair = client_as("chair")
    assert set(listed(chair.get(QUEUE))) >= {no_tribunal.pk, suspended.pk, hearing.pk}
    response = chair.get(QUEUE, {"tab": "chair"})
    shown = set(listed(response))
    assert {no_tribunal.pk, suspended.pk} <= shown
    assert hearing.pk not in shown  # its award deadline is weeks away
    html = response.content.decode()
    assert "待组成仲裁庭" in html and "中止中" in html
    # Only the chair has that tab.
    assert "tab=chair" not in client_as("filing_officer").get(QUEUE).content.decode()


def test_pages_of_the_queue(world, client_as, monkeypatch) -> None:
    monkeypatch.setattr(queue_module, "PAGE_SIZE", 2)
    cases = [world.submit(received_on=days_ago(10 + i)) for i in range(5)]
    mediator = client_as("mediator")
    first, second, third = (listed(mediator.get(QUEUE, {"page": n})) for n in (1, 2, 3))
    assert len(first) == 2 and len(second) == 2 and len(third) == 1
    assert set(first + second + third) == {c.pk for c in cases}
    html = mediator.get(QUEUE, {"page": 2, "status": "submitted"}).content.decode()
    assert "page=3" in html and "status=submitted" in html  # links keep the filters


def test_the_queue_costs_the_same_queries_for_few_or_many_cases(world, client_as) -> None:
    for _ in range(2):
        world.case_in("street_mediation")
    mediator = client_as("mediator")
    mediator.get(QUEUE)  # session and calendar tables warm

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert mediator.get(QUEUE).status_code == 200
        return len(queries)

    few = count()
    for _ in range(6):
        world.case_in("mediation_failed")
        world.case_in("street_mediation")
    assert count() == few
    assert few <= 12


def test_the_queue_listens_to_its_organizations_and_refetches_its_list(world, client_as) -> None:
    world.case_in("street_mediation")
    mediator = client_as("mediator")
    html = mediator.get(QUEUE).content.decode()
    watched = re.search(r'data-live-queue="([0-9,]+)"', html)
    assert watched is not None
    assert set(watched.group(1).split(",")) == {str(world.center.pk), str(world.enterprise.pk)}
    assert 'hx-trigger="queue-event from:body' in html
    assert "workspace/workspace.js" in html
    fragment = mediator.get(QUEUE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-list")
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert body.lstrip().startswith("<section id=\"queue-list\"")
    assert "<html" not in body
    # Supervisors watch the dashboard, not queues.
    assert "data-live-queue" not in client_as("supervisor").get(QUEUE).content.decode()


def test_a_collective_case_names_a_few_applicants_and_counts_the_rest(world, client_as) -> None:
    world.submit(workers=12, is_collective=True)
    html = client_as("mediator").get(QUEUE).content.decode()
    assert "张明、张1明、张2明等 12 人" in html
    assert "张5明" not in html
    assert "集体争议" in html
