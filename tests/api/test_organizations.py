"""The public directory of mediation organizations and the nearest mediation points."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from mediation.models import Organization
from mediation.selectors import distance_km, travel_minutes
from tests.world import World

DIRECTORY = "/api/v1/organizations/"
NEAREST = "/api/v1/organizations/nearest/"

# A point in 吴家山 (the first street), a few hundred metres from its center.
HOME: dict[str, Any] = {"latitude": "30.6190", "longitude": "114.1330"}


def test_the_directory_lists_active_organizations_with_their_streets(world: World) -> None:
    response = APIClient().get(DIRECTORY)

    assert response.status_code == 200
    by_name = {o["name"]: o for o in response.json()}
    assert set(by_name) == {world.center.name, world.center2.name, world.union.name,
                            world.enterprise.name, world.commission.name}
    center = by_name[world.center.name]
    assert center["kind"] == "street_center"
    assert center["kind_label"] == "街道劳动争议调解中心"
    assert center["streets"] == [{"id": world.streets[0].pk, "code": "420112001",
                                  "name": "吴家山街道"}]
    assert by_name[world.center2.name]["streets"][0]["name"] == "将军路街道"


def test_the_directory_leaves_out_the_bureau_and_inactive_organizations(world: World) -> None:
    Organization.objects.create(kind=Organization.Kind.STREET_CENTER, name="已撤销的调解中心",
                                district=world.district, is_active=False)

    names = {o["name"] for o in APIClient().get(DIRECTORY).json()}

    assert world.bureau.name not in names
    assert "已撤销的调解中心" not in names


def test_the_directory_filters_by_kind_and_street(world: World) -> None:
    centers = APIClient().get(DIRECTORY, {"kind": "street_center"}).json()
    on_street = APIClient().get(DIRECTORY, {"streets": world.streets[1].pk}).json()
    bureaus = APIClient().get(DIRECTORY, {"kind": "hr_bureau"}).json()

    assert {o["name"] for o in centers} == {world.center.name, world.center2.name}
    assert [o["name"] for o in on_street] == [world.center2.name]
    assert bureaus == []


@pytest.mark.parametrize("query", [{"kind": "police"}, {"streets": "abc"}])
def test_a_bad_filter_is_400(world: World, query: dict[str, str]) -> None:
    response = APIClient().get(DIRECTORY, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_directory_costs_two_queries_however_many_organizations(
        world: World, django_assert_max_num_queries: Any) -> None:
    for i in range(10):
        extra = Organization.objects.create(kind=Organization.Kind.UNION_STUDIO,
                                            name=f"工会工作室{i}", district=world.district)
        extra.streets.add(*world.streets)

    with django_assert_max_num_queries(2):
        response = APIClient().get(DIRECTORY)

    assert len(response.json()) == 15


@pytest.mark.parametrize("url", [DIRECTORY, NEAREST])
def test_a_stale_token_still_gets_the_public_answer(world: World, url: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = client.get(url, HOME)

    assert response.status_code == 200


def test_staff_see_the_same_directory(world: World, client_as: Any) -> None:
    assert client_as("mediator").get(DIRECTORY).json() == APIClient().get(DIRECTORY).json()


# -- nearest points ------------------------------------------------------------------------------

def test_the_nearest_points_come_closest_first(world: World) -> None:
    response = APIClient().get(NEAREST, HOME)

    assert response.status_code == 200
    points = response.json()
    distances = [p["distance_km"] for p in points]
    assert distances == sorted(distances)
    assert points[0]["organization"]["name"] == world.center.name
    names = [p["organization"]["name"] for p in points]
    # Only places the public can walk into: no enterprise committee, no bureau.
    assert world.enterprise.name not in names
    assert world.bureau.name not in names
    assert set(names) == {world.center.name, world.center2.name, world.union.name,
                          world.commission.name}


def test_the_distances_and_minutes_are_the_selectors(world: World) -> None:
    (point,) = APIClient().get(NEAREST, {**HOME, "limit": 1}).json()

    km = distance_km(30.6190, 114.1330, 30.6210, 114.1360)
    assert point["distance_km"] == pytest.approx(km, abs=0.01)
    assert point["travel_minutes"] == travel_minutes(km)


# From HOME: the center ~0.4 km (2 min), the commission ~1.1 km (5 min), the union studio
# ~2 km (8 min), the other center ~8.7 km (34 min) at SERVICE_CIRCLE_SPEED_KMH = 20.
@pytest.mark.parametrize(("minutes", "within"), [
    (2, 1), (4, 1), (5, 2), (8, 3), (30, 3), (34, 4),
])
def test_within_circle_follows_the_service_circle_setting(world: World, settings: Any,
                                                          minutes: int, within: int) -> None:
    settings.SERVICE_CIRCLE_SPEED_KMH = 20
    settings.SERVICE_CIRCLE_MINUTES = minutes

    points = APIClient().get(NEAREST, {**HOME, "limit": 20}).json()

    assert len(points) == 4
    for point in points:
        assert point["within_circle"] is (point["travel_minutes"] <= minutes)
    assert [p["within_circle"] for p in points] == [True] * within + [False] * (4 - within)


def test_the_limit_cuts_the_list(world: World) -> None:
    assert len(APIClient().get(NEAREST, {**HOME, "limit": 2}).json()) == 2
    assert len(APIClient().get(NEAREST, HOME).json()) == 4


def test_a_phones_precise_position_is_accepted(world: World) -> None:
    response = APIClient().get(NEAREST, {"latitude": "30.619012345678901",
                                         "longitude": "114.13301234567891"})

    assert response.status_code == 200
    assert response.json()[0]["organization"]["name"] == world.center.name


@pytest.mark.parametrize("query", [
    {},
    {"latitude": "30.6"},
    {"longitude": "114.1"},
    {"latitude": "91", "longitude": "114.1"},
    {"latitude": "-90.5", "longitude": "114.1"},
    {"latitude": "30.6", "longitude": "180.01"},
    {"latitude": "north", "longitude": "114.1"},
    {"latitude": "nan", "longitude": "114.1"},
    {"latitude": "30.6", "longitude": "inf"},
    {"latitude": "1e999", "longitude": "114.1"},
    {"latitude": "30.6", "longitude": "114.1", "limit": "0"},
    {"latitude": "30.6", "longitude": "114.1", "limit": "21"},
    {"latitude": "30.6", "longitude": "114.1", "limit": "many"},
])
def test_bad_coordinates_are_400(world: World, query: dict[str, str]) -> None:
    response = APIClient().get(NEAREST, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_poles_and_the_date_line_are_answered(world: World) -> None:
    for lat, lon in [("90", "180"), ("-90", "-180"), ("0", "0")]:
        response = APIClient().get(NEAREST, {"latitude": lat, "longitude": lon})
        assert response.status_code == 200
        assert all(p["within_circle"] is False for p in response.json())


def test_no_mediation_points_is_an_empty_list(world: World) -> None:
    Organization.objects.update(latitude=None, longitude=None)

    response = APIClient().get(NEAREST, HOME)

    assert response.status_code == 200
    assert response.json() == []
