"""The tables the bench cases are written to, and the ids their rows get."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from bench.bulk import Table, table
from disputes.models import (
    Agreement,
    ArbitrationRecord,
    Award,
    AwardItem,
    Claim,
    Dispute,
    DisputeEvent,
    Hearing,
    MediationAttempt,
    MediationSession,
    Party,
    Suspension,
    TribunalMember,
)
from disputes.services.intake import CODE_ALPHABET

# Id blocks: chunk c owns ids [start + c·size·cap, start + (c+1)·size·cap) of each table,
# so worker processes never collide; `cap` is the most rows one case can have.
CAPS = {"user": 1, "party": 18, "claim": 4, "attempt": 4, "session": 4, "agreement": 3,
        "record": 1, "tribunal": 3, "hearing": 3, "suspension": 2, "award": 2,
        "award_item": 8, "event": 32}
ID_STARTS = {"user": 10_000}  # above the seeded accounts


def tables() -> dict[str, Table]:
    """name -> the table and the columns the builder sets (the rest come from defaults)."""
    return {
        "user": table(get_user_model(), ["id", "password", "username", "first_name",
                                         "last_name", "date_joined"]),
        "dispute": table(Dispute, [
            "id", "tracking_number", "access_code_hash", "status", "version", "event_seq",
            "last_event_hash", "district_id", "street_id", "organization_id",
            "requested_organization_id", "mediator_id", "dispute_type", "is_collective",
            "is_new_employment_form", "is_migrant_wage", "facts", "channel", "received_on",
            "knew_on", "employment_ended_on", "submitted_by_id", "mediation_window_ends",
            "suspended_from", "outcome", "closed_on", "created_at", "updated_at"]),
        "party": table(Party, ["id", "dispute_id", "side", "kind", "name", "id_type",
                               "id_number", "phone", "address", "is_representative",
                               "user_id"]),
        "claim": table(Claim, ["id", "dispute_id", "item_type", "description", "amount",
                               "is_counter_claim", "added_on"]),
        "attempt": table(MediationAttempt, ["id", "dispute_id", "organization_id", "tier",
                                            "mediator_id", "received_on", "ended_on",
                                            "result", "failure_reason"]),
        "session": table(MediationSession, ["id", "attempt_id", "scheduled_for", "location"]),
        "agreement": table(Agreement, ["id", "attempt_id", "terms", "total_amount",
                                       "signed_on", "performance_due", "performed",
                                       "performed_on"]),
        "record": table(ArbitrationRecord, [
            "id", "dispute_id", "commission_id", "applied_on", "case_number", "accepted_on",
            "procedure", "refusal_reason", "application_served_on", "defence_received_on",
            "tribunal_formed_on", "award_clock_started_on", "extension_days",
            "extension_approved_on"]),
        "tribunal": table(TribunalMember, ["id", "record_id", "arbitrator_id", "seat"]),
        "hearing": table(Hearing, ["id", "record_id", "scheduled_for", "notice_served_on",
                                   "location", "state", "postponement_reason"]),
        "suspension": table(Suspension, ["id", "record_id", "reason", "note", "started_on",
                                         "ended_on"]),
        "award": table(Award, ["id", "record_id", "kind", "issued_on", "reasoning", "result"]),
        "award_item": table(AwardItem, ["id", "award_id", "claim_id", "decision",
                                        "granted_amount", "is_final", "final_reason"]),
        "event": table(DisputeEvent, [
            "id", "dispute_id", "seq", "kind", "actor_id", "from_state", "to_state", "payload",
            "occurred_on", "recorded_at", "prev_hash", "hash", "delivery", "attempts",
            "next_attempt_at", "delivered_at"]),
    }


# Parents before children: the order the rows are copied in.
TABLE_ORDER = ["user", "dispute", "party", "claim", "attempt", "session", "agreement",
               "record", "tribunal", "hearing", "suspension", "award", "award_item", "event"]


def tracking_number(dispute_id: int, received_on: dt.date) -> str:
    """LD + date + 6 characters, like `new_tracking_number`; the suffix is a bijection of
    the id (so unique) that does not look sequential."""
    n = (dispute_id * 7_368_787 + 104_729) % len(CODE_ALPHABET) ** 6
    suffix = []
    for _ in range(6):
        n, digit = divmod(n, len(CODE_ALPHABET))
        suffix.append(CODE_ALPHABET[digit])
    return f"LD{received_on:%Y%m%d}{''.join(suffix)}"


class Ids:
    def __init__(self, chunk: int, size: int) -> None:
        self.next = {name: ID_STARTS.get(name, 1) + chunk * size * cap for name, cap in CAPS.items()}
        self.limit = {name: start + size * CAPS[name] for name, start in self.next.items()}

    def take(self, name: str) -> int:
        value = self.next[name]
        self.next[name] = value + 1
        return value

    def check(self) -> None:
        over = [name for name, value in self.next.items() if value > self.limit[name]]
        if over:
            raise RuntimeError(f"a case had more rows than CAPS allows in {over}")

