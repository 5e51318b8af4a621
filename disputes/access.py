"""The access policy: who sees which case and who may perform which transition.

Used by the services, the API, the web pages and the websocket consumers alike
(STYLE.md habit 7). One condition per line; a case the user may not see answers 404.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet

from disputes.errors import ActionNotPermitted, NotInScope
from disputes.lifecycle import TRANSITIONS, TransitionSpec
from disputes.models import (
    TERMINAL,
    ArbitrationRecord,
    Dispute,
    MediationAttempt,
    Party,
    TribunalMember,
)
from mediation.models import Organization, Role
from mediation.selectors import active_memberships, arbitration_commission_for

AnyUser = User | AnonymousUser
T = TypeVar("T")
Row = TypeVar("Row")


def _staff_org_ids(user: AnyUser) -> set[int]:
    return {m.organization_id for m in active_memberships(user) if m.role != Role.SUPERVISOR}


def supervised_district_ids(user: AnyUser) -> set[int]:
    return {
        m.organization.district_id for m in active_memberships(user) if m.role == Role.SUPERVISOR
    }


def may_watch_queue(user: AnyUser, organization_id: int) -> bool:
    """Active staff of the organization; supervisors watch the dashboard, not queues."""
    return any(
        m.organization_id == organization_id and m.role != Role.SUPERVISOR
        for m in active_memberships(user)
    )


def _history_org_ids(user: AnyUser) -> set[int]:
    """Organizations a case can leave after handling it (a failed mediation moves it on).
    Not an arbitration commission: a case that applied there stays there (no transition
    changes `organization` after apply_for_arbitration), so its attempts and record there
    add nothing to `organization_id` (tests/disputes/test_scope.py holds this)."""
    return {
        m.organization_id for m in active_memberships(user)
        if m.role != Role.SUPERVISOR
        and m.organization.kind != Organization.Kind.ARBITRATION_COMMISSION
    }


@overload
def disputes_for_user(user: AnyUser) -> QuerySet[Dispute]: ...
@overload
def disputes_for_user(user: AnyUser, cases: QuerySet[Dispute, Row]) -> QuerySet[Dispute, Row]: ...


def disputes_for_user(user: AnyUser, cases: QuerySet[Dispute, Any] | None = None,
                      ) -> QuerySet[Dispute, Any]:
    """Every case the user may see, as one filter (no object-level check left to lists):
    of all cases, or of `cases` (a queryset of Dispute, `values()` ones included).

    Each clause is cheap per row, so a list ordered by the newest-first index stops after a
    page instead of materialising the whole scope: the party clause (few rows), the current
    organization, and the mediation history of non-commission organizations."""
    cases = Dispute.objects.all() if cases is None else cases
    if not user.is_authenticated:
        return cases.none()
    org_ids = _staff_org_ids(user)
    districts = supervised_district_ids(user)
    scope = Q(Exists(Party.objects.filter(dispute=OuterRef("pk"), user=user)))
    if districts:
        scope |= Q(district_id__in=districts)
    if org_ids:
        scope |= Q(organization_id__in=org_ids)
    history = _history_org_ids(user)
    if history:
        scope |= Q(Exists(MediationAttempt.objects.filter(
            dispute=OuterRef("pk"), organization_id__in=history)))
    return cases.filter(scope)


def can_view(user: AnyUser, dispute: Dispute) -> bool:
    if not user.is_authenticated:
        return False
    if dispute.district_id in supervised_district_ids(user):
        return True
    if dispute.organization_id in _staff_org_ids(user):
        return True
    if party_sides(user, dispute):
        return True
    return disputes_for_user(user).filter(pk=dispute.pk).exists()


def access_dispute(user: AnyUser, dispute_id: int,
                   cases: QuerySet[Dispute] | None = None) -> Dispute:
    """The case, if the user may see it; otherwise NotInScope (answered as 404). Read
    from `cases` (default: all, no joins), e.g. with the joins a screen needs.

    Read by primary key, then `can_view`: for the case's own staff and supervisors that
    is decided in memory; others cost the scope's query (`disputes_for_user`) as before.
    Building and compiling the scope's query for one case cost more than the rest of a
    small transition's checks."""
    if not user.is_authenticated:
        raise NotInScope
    try:
        dispute = (Dispute.objects.all() if cases is None else cases).get(pk=dispute_id)
    except Dispute.DoesNotExist as exc:
        raise NotInScope from exc
    if not can_view(user, dispute):
        raise NotInScope
    return dispute


def _memo(dispute: Dispute, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """One answer per case instance: a page or an answer asks the same question of the same
    case for each of the 27 transitions. A service that changes parties or the tribunal
    works on its own locked instance and clears it (`forget_access_answers`)."""
    memo: dict[tuple[object, ...], Any] = dispute.__dict__.setdefault("_access_memo", {})
    if key not in memo:
        memo[key] = compute()
    return cast(T, memo[key])


def forget_access_answers(dispute: Dispute) -> None:
    dispute.__dict__.pop("_access_memo", None)


def party_sides(user: AnyUser, dispute: Dispute) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(_memo(dispute, ("sides", user.pk), lambda: frozenset(
        Party.objects.filter(dispute=dispute, user=user).values_list("side", flat=True))))


def is_tribunal_member(user: AnyUser, dispute: Dispute) -> bool:
    return _memo(dispute, ("member", user.pk), lambda: TribunalMember.objects.filter(
        record__dispute=dispute, arbitrator_id=user.pk).exists())


def _tribunal_exists(dispute: Dispute) -> bool:
    return _memo(dispute, ("tribunal",), lambda: TribunalMember.objects.filter(
        record__dispute=dispute).exists())


def acting_roles(user: AnyUser, dispute: Dispute, spec: TransitionSpec) -> set[str]:
    """The user's roles that count for this transition on this case."""
    orgs = {dispute.organization_id}
    if spec.commission_may_act:
        commission = arbitration_commission_for(dispute.district_id)
        if commission is not None:
            orgs.add(commission.pk)
    roles = {m.role for m in active_memberships(user) if m.organization_id in orgs}
    roles &= spec.staff_roles
    if Role.MEDIATOR in roles and dispute.mediator_id not in (None, user.pk):
        roles.discard(Role.MEDIATOR)  # another mediator is in charge of the case
    if (
        Role.ARBITRATOR in roles
        and spec.tribunal_only
        and _tribunal_exists(dispute)
        and not is_tribunal_member(user, dispute)
    ):
        roles.discard(Role.ARBITRATOR)  # arbitrators act only on their own tribunal
    return roles


def can_perform(user: AnyUser, dispute: Dispute, name: str) -> bool:
    """Permission only; whether the state allows it now is the FSM's answer."""
    spec = TRANSITIONS[name]
    if not user.is_authenticated:
        return False
    if acting_roles(user, dispute, spec):
        return True
    return bool(party_sides(user, dispute) & spec.party_sides)


def require_transition(user: AnyUser, dispute: Dispute, name: str) -> None:
    """Permitted: go on. Sees the case but may not act: ActionNotPermitted. Else 404.
    (A commission's filing officer records an arbitration application for a case still at a
    street center: permitted without seeing the rest of that center's work.)"""
    if can_perform(user, dispute, name):
        return
    if can_view(user, dispute):
        raise ActionNotPermitted
    raise NotInScope


def available_transitions(user: AnyUser, dispute: Dispute) -> list[TransitionSpec]:
    """The transitions this user may perform now: permitted and allowed by the state."""
    possible = {t.name for t in dispute.get_available_status_transitions()}  # type: ignore[attr-defined]
    return [
        spec for name, spec in TRANSITIONS.items()
        if name in possible and can_perform(user, dispute, name)
    ]


# Roles whose work needs parties' full identifiers and phones: they record applications,
# contact the parties and draft agreements, decisions and awards. Supervisors see figures,
# not identities.
IDENTIFIER_ROLES = frozenset({
    Role.INTAKE_CLERK, Role.MEDIATOR, Role.HEAD, Role.FILING_OFFICER, Role.ARBITRATOR,
    Role.CHAIR,
})


def sees_identifiers(user: AnyUser, dispute: Dispute) -> bool:
    """Staff of the case's organization (or of its arbitration commission) in a role that
    needs them. Parties see their own identifiers only (decided where parties are shown)."""
    if not user.is_authenticated:
        return False
    orgs = {dispute.organization_id}
    with contextlib.suppress(ArbitrationRecord.DoesNotExist):
        orgs.add(dispute.arbitration.commission_id)
    return any(
        m.organization_id in orgs and m.role in IDENTIFIER_ROLES for m in active_memberships(user)
    )


def may_add_evidence(user: AnyUser, dispute: Dispute) -> bool:
    """Parties and the case's own staff add evidence while the case is open."""
    if dispute.status in TERMINAL:
        return False
    return bool(party_sides(user, dispute)) or sees_identifiers(user, dispute)
