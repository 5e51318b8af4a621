"""Rules the engine decides: final award, simplified procedure, collective handling,
recusal, limitation.

Pure functions on plain values and dataclasses; the wage tables they need come from
`disputes.law` through an in-memory cache. Every decision carries its reasons in Chinese
and English and the legal basis, so a screen can show why.
"""

from __future__ import annotations

# Read through this package by the tests of the wage tables.
from disputes.law.wages import minimum_wage_on
from disputes.rules.collective import (
    COLLECTIVE_BASIS,
    COLLECTIVE_MIN_WORKERS,
    CollectiveHandling,
    collective_handling,
)
from disputes.rules.common import (
    ClaimKind,
    Reason,
    money,
)
from disputes.rules.final_award import (
    FINAL_AWARD_BASIS,
    FINAL_AWARD_MONTHS,
    MONEY_CLAIMS,
    NATIONAL_STANDARD_CLAIMS,
    ClaimItem,
    FinalAwardDecision,
    ItemFinality,
    is_final_award,
)
from disputes.rules.limitation import (
    LIMITATION_BASIS,
    REMUNERATION_CLAIMS,
    LimitationWarning,
    limitation_warning,
)
from disputes.rules.recusal import (
    RECUSAL_BASIS,
    ArbitratorRelation,
    Conflict,
    PartyRef,
    RelationKind,
    normalize_identifier,
    normalize_name,
    recusal_conflicts,
)
from disputes.rules.simplified import (
    SIMPLIFIED_BASIS,
    SimplifiedCase,
    SimplifiedEligibility,
    simplified_procedure,
)

__all__ = [
    "COLLECTIVE_BASIS",
    "COLLECTIVE_MIN_WORKERS",
    "FINAL_AWARD_BASIS",
    "FINAL_AWARD_MONTHS",
    "LIMITATION_BASIS",
    "MONEY_CLAIMS",
    "NATIONAL_STANDARD_CLAIMS",
    "RECUSAL_BASIS",
    "REMUNERATION_CLAIMS",
    "SIMPLIFIED_BASIS",
    "ArbitratorRelation",
    "ClaimItem",
    "ClaimKind",
    "CollectiveHandling",
    "Conflict",
    "FinalAwardDecision",
    "ItemFinality",
    "LimitationWarning",
    "PartyRef",
    "Reason",
    "RelationKind",
    "SimplifiedCase",
    "SimplifiedEligibility",
    "collective_handling",
    "is_final_award",
    "limitation_warning",
    "minimum_wage_on",
    "money",
    "normalize_identifier",
    "normalize_name",
    "recusal_conflicts",
    "simplified_procedure",
]
