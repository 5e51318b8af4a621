"""Read-side queries about organizations and staff."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from mediation.models import MEDIATION_KINDS, Membership, Organization, Role, Street

EARTH_RADIUS_KM = 6371.0


def active_memberships(user: User | AnonymousUser) -> list[Membership]:
    """The user's active roles; cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
            .select_related("organization")
        )
        user._active_memberships = cached  # type: ignore[attr-defined]
    return cached


def roles_in(user: User | AnonymousUser, organization_id: int | None) -> set[str]:
    if organization_id is None:
        return set()
    return {m.role for m in active_memberships(user) if m.organization_id == organization_id}


def has_role_anywhere(user: User | AnonymousUser, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(m.role in wanted for m in active_memberships(user))


def is_supervisor(user: User | AnonymousUser) -> bool:
    return has_role_anywhere(user, {Role.SUPERVISOR})


def arbitration_commission_for(district_id: int) -> Organization | None:
    return (
        Organization.objects.filter(
            district_id=district_id,
            kind=Organization.Kind.ARBITRATION_COMMISSION,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class ServicePoint:
    organization: Organization
    distance_km: float
    travel_minutes: int

    @property
    def within_circle(self) -> bool:
        return self.travel_minutes <= settings.SERVICE_CIRCLE_MINUTES


def travel_minutes(km: float) -> int:
    """Door-to-door estimate at SERVICE_CIRCLE_SPEED_KMH; straight-line distance x 1.3."""
    return math.ceil(km * 1.3 / settings.SERVICE_CIRCLE_SPEED_KMH * 60)


def mediation_points() -> QuerySet[Organization]:
    return Organization.objects.filter(
        is_active=True, kind__in=MEDIATION_KINDS, latitude__isnull=False
    ).exclude(kind=Organization.Kind.ENTERPRISE_COMMITTEE)


def nearest_service_points(
    latitude: float | Decimal, longitude: float | Decimal, *, limit: int = 5,
    points: Iterable[Organization] | None = None,
) -> list[ServicePoint]:
    """The mediation points closest to a location (enterprise committees serve only their
    own employees, so they are not offered to the public). `points` lets a caller that
    asks for many locations read the mediation points once."""
    lat, lon = float(latitude), float(longitude)
    found = []
    for org in mediation_points() if points is None else points:
        assert org.latitude is not None and org.longitude is not None
        km = distance_km(lat, lon, float(org.latitude), float(org.longitude))
        found.append(ServicePoint(org, round(km, 2), travel_minutes(km)))
    found.sort(key=lambda p: p.distance_km)
    return found[:limit]


@dataclass(frozen=True)
class StreetCoverage:
    street: Street
    nearest: ServicePoint | None

    @property
    def covered(self) -> bool:
        return self.nearest is not None and self.nearest.within_circle


def service_circle_coverage(district_ids: int | Iterable[int]) -> list[StreetCoverage]:
    """For each street of the districts: is a mediation point within the half-hour circle
    of its centre? Two queries whatever the number of streets."""
    ids = [district_ids] if isinstance(district_ids, int) else sorted(district_ids)
    points = list(mediation_points())
    result = []
    for street in Street.objects.filter(district_id__in=ids).order_by("district_id", "code"):
        nearest = nearest_service_points(street.latitude, street.longitude, limit=1, points=points)
        result.append(StreetCoverage(street, nearest[0] if nearest else None))
    return result
