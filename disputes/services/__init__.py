"""Every state change goes through a service here (STYLE.md habit 1).

`dispute_transition` is the one entry for screens and the API: it checks permission,
validates the transition's input with its form (lifecycle.TRANSITIONS) and calls the
typed service of the same name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError

from disputes import access
from disputes.errors import UnknownTransition
from disputes.lifecycle import TRANSITIONS
from disputes.models import Dispute
from disputes.services import arbitration, mediation, proceedings
from disputes.services.arbitration import (
    dispute_accept,
    dispute_apply_for_arbitration,
    dispute_end_pre_arbitration_mediation,
    dispute_form_tribunal,
    dispute_record_defence,
    dispute_record_pre_arbitration_agreement,
    dispute_refer_to_pre_arbitration_mediation,
    dispute_refuse,
    dispute_serve_application,
)
from disputes.services.intake import (
    Application,
    ClaimInput,
    IntakeResult,
    PartyInput,
    dispute_submit,
)
from disputes.services.mediation import (
    dispute_assign_mediator,
    dispute_confirm_performance,
    dispute_record_agreement,
    dispute_record_failure,
    dispute_route_to_enterprise,
    dispute_route_to_street,
    dispute_route_to_union,
    dispute_schedule_mediation_session,
)
from disputes.services.proceedings import (
    dispute_amend_claims,
    dispute_conclude_hearing,
    dispute_extend_award_deadline,
    dispute_issue_award,
    dispute_issue_mediation_statement,
    dispute_issue_partial_award,
    dispute_postpone_hearing,
    dispute_resume,
    dispute_schedule_hearing,
    dispute_suspend,
    dispute_terminate,
    dispute_withdraw,
)

SERVICES: dict[str, Callable[..., Dispute]] = {
    name: next(getattr(module, f"dispute_{name}") for module in (mediation, arbitration, proceedings)
               if hasattr(module, f"dispute_{name}"))
    for name in TRANSITIONS
}


def dispute_transition(
    *,
    dispute: Dispute,
    actor: User | AnonymousUser,
    name: str,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Dispute:
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise UnknownTransition(name)
    access.require_transition(actor, dispute, name)
    assert isinstance(actor, User)  # require_transition refuses anonymous users
    form = spec.form(data, dispute=dispute)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    # Form field names are the service's keywords (tests/disputes/test_lifecycle_metadata.py).
    return SERVICES[name](dispute=dispute, actor=actor, expected_version=expected_version,
                          **form.cleaned_data)


__all__ = [
    "SERVICES",
    "Application",
    "ClaimInput",
    "IntakeResult",
    "PartyInput",
    "dispute_accept",
    "dispute_amend_claims",
    "dispute_apply_for_arbitration",
    "dispute_assign_mediator",
    "dispute_conclude_hearing",
    "dispute_confirm_performance",
    "dispute_end_pre_arbitration_mediation",
    "dispute_extend_award_deadline",
    "dispute_form_tribunal",
    "dispute_issue_award",
    "dispute_issue_mediation_statement",
    "dispute_issue_partial_award",
    "dispute_postpone_hearing",
    "dispute_record_agreement",
    "dispute_record_defence",
    "dispute_record_failure",
    "dispute_record_pre_arbitration_agreement",
    "dispute_refer_to_pre_arbitration_mediation",
    "dispute_refuse",
    "dispute_resume",
    "dispute_route_to_enterprise",
    "dispute_route_to_street",
    "dispute_route_to_union",
    "dispute_schedule_hearing",
    "dispute_schedule_mediation_session",
    "dispute_serve_application",
    "dispute_submit",
    "dispute_suspend",
    "dispute_terminate",
    "dispute_transition",
    "dispute_withdraw",
]
