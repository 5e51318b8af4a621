"""Who sees which figures (STYLE.md habit 7): supervisors their districts, organization
staff their organizations, nobody else.

Used by the API and the pages alike. Asking for a district, organization or street outside
one's scope answers 404 (NotInScope), as for a case; a signed-in person with no staff role
at all gets 403 (ActionNotPermitted): the figures exist, the person may not read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from disputes.access import AnyUser, supervised_district_ids
from disputes.errors import ActionNotPermitted, NotInScope
from indicators.figures import Filters
from mediation.models import Organization, Role, Street
from mediation.selectors import active_memberships


@dataclass(frozen=True)
class Scope:
    districts: frozenset[int]
    organizations: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.districts and not self.organizations


def indicator_scope(user: AnyUser) -> Scope:
    """Districts supervised, and the organizations the user works in."""
    return Scope(
        districts=frozenset(supervised_district_ids(user)),
        organizations=frozenset(m.organization_id for m in active_memberships(user)
                                if m.role != Role.SUPERVISOR),
    )


def require_scope(user: AnyUser) -> Scope:
    scope = indicator_scope(user)
    if scope.empty:
        raise ActionNotPermitted("no figures for this user")
    return scope


def _visible_districts(scope: Scope) -> set[int]:
    return set(scope.districts) | set(
        Organization.objects.filter(pk__in=scope.organizations).values_list("district_id",
                                                                             flat=True))


def access_filters(user: AnyUser, *, district: int | None = None,
                   organization: int | None = None, street: int | None = None,
                   tier: str | None = None, dispute_type: str | None = None,
                   is_collective: bool | None = None,
                   is_new_employment_form: bool | None = None,
                   is_migrant_wage: bool | None = None) -> Filters:
    """The filters a reader may apply, within their scope."""
    scope = require_scope(user)
    districts, organizations = scope.districts, scope.organizations
    if district is not None:
        if district not in scope.districts:
            raise NotInScope
        districts, organizations = frozenset({district}), frozenset()
    if organization is not None:
        org = Organization.objects.filter(pk=organization).values_list("district_id",
                                                                       flat=True).first()
        if org is None or not (org in districts or organization in organizations):
            raise NotInScope
    if street is not None:
        street_district = Street.objects.filter(pk=street).values_list("district_id",
                                                                       flat=True).first()
        if street_district is None or street_district not in _visible_districts(
                Scope(districts, organizations)):
            raise NotInScope
    return Filters(districts=districts, organizations=organizations, organization=organization,
                   street=street, tier=tier, dispute_type=dispute_type,
                   is_collective=is_collective, is_new_employment_form=is_new_employment_form,
                   is_migrant_wage=is_migrant_wage)
