"""The half-hour service circle: nearest mediation points and street coverage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mediation.models import Organization, Street
from mediation.selectors import distance_km, nearest_service_points, service_circle_coverage
from tests.world import World


def test_distance_is_haversine() -> None:
    # One degree of latitude is about 111 km.
    assert 110.5 < distance_km(30.0, 114.0, 31.0, 114.0) < 111.5


def test_nearest_points_are_sorted_and_exclude_enterprise_committees(world: World) -> None:
    points = nearest_service_points(Decimal("30.6201"), Decimal("114.1350"), limit=10)
    names = [p.organization.name for p in points]
    assert names[0] == world.center.name
    assert [p.distance_km for p in points] == sorted(p.distance_km for p in points)
    assert all(p.organization.kind != Organization.Kind.ENTERPRISE_COMMITTEE for p in points)
    assert points[0].within_circle


def test_a_street_far_from_every_point_is_not_covered(world: World) -> None:
    far = Street.objects.create(district=world.district, code="420112099", name="远郊街道",
                                latitude=Decimal("31.2000"), longitude=Decimal("114.9000"))
    coverage = {c.street.pk: c.covered for c in service_circle_coverage(world.district.pk)}
    assert coverage[world.streets[0].pk] is True
    assert coverage[far.pk] is False


def test_coverage_reads_the_points_once_however_many_streets(
        world: World, django_assert_num_queries: Any) -> None:
    for n in range(5):
        Street.objects.create(district=world.district, code=f"42011208{n}", name=f"新街道{n}",
                              latitude=Decimal("30.62"), longitude=Decimal("114.13"))
    with django_assert_num_queries(2):
        coverage = service_circle_coverage([world.district.pk])
    assert len(coverage) == Street.objects.filter(district=world.district).count()
    assert coverage == service_circle_coverage(world.district.pk)
