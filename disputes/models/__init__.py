"""The Dispute aggregate: one record carries a dispute from application to closure.

State changes only through `disputes.services` (STYLE.md habit 1). The `@transition`
methods below only check and set fields on `self` (habit 2); the services lock the row,
check permission, call them, save and record the event.
"""

from __future__ import annotations

from disputes.models.arbitration import (
    ArbitrationRecord,
    Award,
    AwardItem,
    Hearing,
    Procedure,
    Suspension,
    TribunalMember,
)
from disputes.models.case import (
    IN_ARBITRATION,
    MAX_AMOUNT,
    MEDIATING,
    OPEN_STATES,
    TERMINAL,
    TIER_OF_STATE,
    Channel,
    Dispute,
    DisputeType,
    Outcome,
    Status,
    Tier,
    amount_validators,
)
from disputes.models.events import (
    DisputeEvent,
)
from disputes.models.mediation import (
    Agreement,
    MediationAttempt,
    MediationSession,
)
from disputes.models.parties import (
    Claim,
    ClaimType,
    Evidence,
    Party,
    evidence_path,
)

__all__ = [
    "IN_ARBITRATION",
    "MAX_AMOUNT",
    "MEDIATING",
    "OPEN_STATES",
    "TERMINAL",
    "TIER_OF_STATE",
    "Agreement",
    "ArbitrationRecord",
    "Award",
    "AwardItem",
    "Channel",
    "Claim",
    "ClaimType",
    "Dispute",
    "DisputeEvent",
    "DisputeType",
    "Evidence",
    "Hearing",
    "MediationAttempt",
    "MediationSession",
    "Outcome",
    "Party",
    "Procedure",
    "Status",
    "Suspension",
    "Tier",
    "TribunalMember",
    "amount_validators",
    "evidence_path",
]
