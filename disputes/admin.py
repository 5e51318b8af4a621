"""Admin: disputes and events are read-only here; they change only through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from disputes.identifiers import mask_id_number, mask_phone
from disputes.models import (
    ArbitrationRecord,
    Claim,
    Dispute,
    DisputeEvent,
    MediationAttempt,
    Party,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PartyInline(ReadOnlyMixin, admin.TabularInline[Party, Dispute]):
    model = Party
    fields = ["side", "kind", "name", "id_type", "masked_id", "masked_phone"]
    readonly_fields = ["side", "kind", "name", "id_type", "masked_id", "masked_phone"]

    @admin.display(description="证件号码")
    def masked_id(self, obj: Party) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description="联系电话")
    def masked_phone(self, obj: Party) -> str:
        return mask_phone(obj.phone)


class ClaimInline(ReadOnlyMixin, admin.TabularInline[Claim, Dispute]):
    model = Claim
    fields = ["item_type", "description", "amount", "is_counter_claim", "added_on"]
    readonly_fields = ["item_type", "description", "amount", "is_counter_claim", "added_on"]


class AttemptInline(ReadOnlyMixin, admin.TabularInline[MediationAttempt, Dispute]):
    model = MediationAttempt
    fields = ["organization", "tier", "mediator", "received_on", "ended_on", "result"]
    readonly_fields = ["organization", "tier", "mediator", "received_on", "ended_on", "result"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyMixin, admin.ModelAdmin[Dispute]):
    list_display = ["tracking_number", "status", "dispute_type", "organization", "received_on"]
    list_filter = ["status", "dispute_type", "is_collective", "is_new_employment_form",
                   "is_migrant_wage", "organization__kind"]
    search_fields = ["tracking_number"]
    date_hierarchy = "received_on"
    exclude = ["access_code_hash"]
    inlines = [PartyInline, ClaimInline, AttemptInline]
    list_select_related = ["organization"]


@admin.register(ArbitrationRecord)
class ArbitrationRecordAdmin(ReadOnlyMixin, admin.ModelAdmin[ArbitrationRecord]):
    list_display = ["case_number", "dispute", "applied_on", "accepted_on", "procedure"]
    search_fields = ["case_number", "dispute__tracking_number"]


@admin.register(DisputeEvent)
class DisputeEventAdmin(ReadOnlyMixin, admin.ModelAdmin[DisputeEvent]):
    list_display = ["dispute", "seq", "kind", "from_state", "to_state", "occurred_on",
                    "recorded_at", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["dispute__tracking_number"]
    list_select_related = ["dispute"]
