"""Demo cases for 东西湖区, driven through the real services (`manage.py seed_demo`).

Nothing here writes a Dispute, Party or event row itself: every case is submitted with
`dispute_submit` and moved with `dispute_transition` by a persona who may do that step,
with dates that fit the law's clocks (hearing notice ≥ 5 working days, postponement
request ≥ 3 working days before the hearing, arbitration from a mediating state only
after the 15-day window). Each case is first planned as a list of dated steps; all steps
of all cases then run in date order, so case numbers follow acceptance dates.
"""

from __future__ import annotations

from disputes.demo.people import (
    People,
    demo_worker_party,
    employer_party,
)
from disputes.demo.runner import (
    build_cases,
)
from disputes.demo.subjects import (
    FAILURE_REASONS,
    HEARING_ROOMS,
    REFUSAL_REASONS,
    SUSPENSION_NOTES,
    money,
    subject_for,
)
from disputes.demo.world import (
    ARBITRATORS,
    COMPANIES,
    EMPLOYER_COMPANY,
    ENTERPRISE_COMPANIES,
    INDUSTRIES,
    RECUSED,
    STREETS,
    WORKER_NAME,
    Company,
    DemoWorld,
    center_key,
)

__all__ = [
    "ARBITRATORS",
    "COMPANIES",
    "EMPLOYER_COMPANY",
    "ENTERPRISE_COMPANIES",
    "FAILURE_REASONS",
    "HEARING_ROOMS",
    "INDUSTRIES",
    "RECUSED",
    "REFUSAL_REASONS",
    "STREETS",
    "SUSPENSION_NOTES",
    "WORKER_NAME",
    "Company",
    "DemoWorld",
    "People",
    "build_cases",
    "center_key",
    "demo_worker_party",
    "employer_party",
    "money",
    "subject_for",
]
