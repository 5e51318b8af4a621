"""The supervision dashboard at /supervision/ and its drill-down pages."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from indicators import charts
from indicators.maintenance import update_all
from tests.indicators.conftest import FixtureRatings
from tests.indicators.scenario import Story, spring_2026
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def spring(world: World, ratings: FixtureRatings) -> Story:
    story = spring_2026(world)
    update_all()
    return story


def signed_in(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def test_a_supervisor_sees_targets_beside_figures_with_charts(spring: Story,
                                                              world: World) -> None:
    response = signed_in(world, "supervisor").get("/supervision/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "劳动人事争议仲裁结案率" in html
    assert "目标 ≥ 98%" in html
    assert html.count("<svg") >= 4
    assert 'data-live-sockets="/ws/dashboard/"' in html
    assert "/supervision/cases/?indicator=arbitration_closure" in html


def test_the_page_loads_nothing_from_another_host(spring: Story, world: World) -> None:
    html = signed_in(world, "supervisor").get("/supervision/").content.decode()

    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"^(https?:)?//", url), url


def test_organization_staff_watch_their_queues(spring: Story, world: World) -> None:
    html = signed_in(world, "chair").get("/supervision/").content.decode()

    assert f'data-live-sockets="/ws/queue/{world.commission.pk}/"' in html


@pytest.mark.parametrize(("persona", "status"), [("worker", 403), ("employer", 403)])
def test_parties_have_no_dashboard(spring: Story, world: World, persona: str,
                                   status: int) -> None:
    assert signed_in(world, persona).get("/supervision/").status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/supervision/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_organization_outside_the_scope_is_not_found(spring: Story, world: World) -> None:
    response = signed_in(world, "mediator2").get(f"/supervision/?organization={world.center.pk}")

    assert response.status_code == 404


def test_the_live_refresh_fetches_only_the_body(spring: Story, world: World) -> None:
    html = signed_in(world, "supervisor").get("/supervision/?fragment=1").content.decode()

    assert html.startswith('<div id="dashboard-body"')
    assert "<html" not in html


def test_rolling_figures_below_target_and_overdue_clocks_are_warned(
        spring: Story, world: World) -> None:
    # A case at the street center whose 15-day mediation window ran out long ago.
    world.case_in("street_mediation")

    html = signed_in(world, "supervisor").get("/supervision/").content.decode()

    assert "低于目标" in html
    assert "件案件已超过" in html


def test_a_number_drills_down_to_its_cases(spring: Story, world: World) -> None:
    response = signed_in(world, "supervisor").get(
        "/supervision/cases/?indicator=arbitration_closure&part=pending_start"
        "&start=2026-05&end=2026-05")

    html = response.content.decode()
    assert response.status_code == 200
    assert "共 5 项" in html
    for name in ("A9", "A11", "A12", "A16", "A17"):
        assert spring.cases[name].tracking_number in html


def test_the_dashboard_is_read_in_a_fixed_number_of_queries(
        spring: Story, world: World, django_assert_max_num_queries: Any) -> None:
    client = signed_in(world, "supervisor")
    client.get("/supervision/")

    with django_assert_max_num_queries(40):
        assert client.get("/supervision/").status_code == 200


def test_charts_are_well_formed_svg_with_escaped_labels() -> None:
    from decimal import Decimal

    svg = charts.ranking_chart([charts.Bar("<b>&中心", Decimal("80.5"), "4/5"),
                                charts.Bar("无数据", None)], Decimal("72"), title="a<b")
    line = charts.trend_chart([charts.Point("01", Decimal("50")), charts.Point("02", None),
                               charts.Point("03", Decimal("99.9"))], Decimal("96"), title="t")

    for drawing in (svg, line):
        ElementTree.fromstring(str(drawing))  # noqa: S314 (ours) parses: every label escaped
    assert "&lt;b&gt;&amp;中心" in svg


def test_the_dashboard_speaks_english_too(spring: Story, world: World) -> None:
    client = signed_in(world, "supervisor")
    client.cookies["django_language"] = "en"

    html = client.get("/supervision/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Supervision dashboard" in html
    assert "Arbitration closure rate" in html
    assert "Target ≥ 98%" in html


def test_a_nonsense_filter_is_a_bad_request(spring: Story, world: World) -> None:
    response = signed_in(world, "supervisor").get("/supervision/?tier=nowhere")

    assert response.status_code == 400
