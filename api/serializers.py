"""What the API answers with. Read serializers only shape output; input goes through the
transition forms (disputes/inputs.py) and the intake serializer, which accept only the
fields a user may set (no state, version, tracking number or organization)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disputes import selectors
from disputes.clocks import ClockReading
from disputes.identifiers import mask_id_number, mask_phone
from disputes.models import (
    Agreement,
    ArbitrationRecord,
    Award,
    AwardItem,
    Claim,
    Dispute,
    DisputeEvent,
    DisputeType,
    Evidence,
    Hearing,
    MediationAttempt,
    MediationSession,
    Party,
    Status,
    Suspension,
    TribunalMember,
)
from disputes.plain import event_label
from disputes.selectors import PageRows
from mediation.models import Organization, Street


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer builds its fields from the model's metadata for every instance
    (a case's detail makes a dozen nested serializers: about a fifth of its time). Here the
    fields depend on the class only, so they are built once per class and each instance gets
    its own deep copy (fields are bound to their parent, never shared)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        cls = type(self)
        prototype = cls.__dict__.get("_prototype_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prototype_fields = prototype  # type: ignore[attr-defined]
        return copy.deepcopy(prototype)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know instead of silently dropping them, so a client that
    sends `status` or `version` learns at once that it cannot set them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["不能设置此字段。"] for name in unknown}
                )
        return super().to_internal_value(data)


class OrganizationRefSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "kind_label"]


class StreetRefSerializer(ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "code", "name"]


class ClockSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    basis = serializers.CharField()
    started_on = serializers.DateField()
    due_on = serializers.DateField()
    unit = serializers.CharField()
    days_left = serializers.IntegerField()
    state = serializers.CharField()
    provisional = serializers.BooleanField()
    paused_days = serializers.IntegerField()
    extension_days = serializers.IntegerField()

    def get_label(self, reading: ClockReading) -> str:
        return reading.label_en if english() else reading.label_zh


class PartyNameSerializer(ModelSerializer):
    class Meta:
        model = Party
        fields = ["side", "kind", "name"]


STATUS_LABELS = dict(Status.choices)
DISPUTE_TYPE_LABELS = dict(DisputeType.choices)


def english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


_DATE_TIME = serializers.DateTimeField()  # DRF's format and time zone for date-times


def iso_day(value: dt.date | None) -> str | None:
    """A date as DRF's DateField writes it."""
    return None if value is None else value.isoformat()


def iso_stamp(value: dt.datetime | None) -> str | None:
    """A date-time as DRF's DateTimeField writes it (in the current time zone)."""
    return None if value is None else _DATE_TIME.to_representation(value)


def clock_data(reading: ClockReading, in_english: bool) -> dict[str, Any]:
    """ClockSerializer's output, built directly: a queue page shows hundreds of clocks."""
    return {
        "code": reading.code,
        "label": reading.label_en if in_english else reading.label_zh,
        "basis": reading.basis,
        "started_on": reading.started_on.isoformat(),
        "due_on": reading.due_on.isoformat(),
        "unit": reading.unit,
        "days_left": reading.days_left,
        "state": str(reading.state),
        "provisional": reading.provisional,
        "paused_days": reading.paused_days,
        "extension_days": reading.extension_days,
    }


class DisputeListSerializer(ModelSerializer):
    status_label = serializers.SerializerMethodField()
    dispute_type_label = serializers.SerializerMethodField()
    organization = OrganizationRefSerializer()
    street = StreetRefSerializer(allow_null=True)
    parties = PartyNameSerializer(many=True)
    clocks = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "id", "url", "tracking_number", "status", "status_label", "dispute_type",
            "dispute_type_label", "organization", "street", "is_collective",
            "is_new_employment_form", "is_migrant_wage", "channel", "received_on",
            "outcome", "closed_on", "next_due_on", "next_due_clock", "version", "parties",
            "clocks",
        ]

    def get_status_label(self, dispute: Dispute) -> str:
        return str(STATUS_LABELS.get(dispute.status, dispute.status))

    def get_dispute_type_label(self, dispute: Dispute) -> str:
        return str(DISPUTE_TYPE_LABELS.get(dispute.dispute_type, dispute.dispute_type))

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, dispute: Dispute) -> list[dict[str, Any]]:
        if "english" not in self.context:
            self.context["english"] = english()
        readings = self.context["clocks"].get(dispute.pk, [])
        return [clock_data(r, self.context["english"]) for r in readings]

    def get_url(self, dispute: Dispute) -> str:
        if "detail_prefix" not in self.context:
            self.context["detail_prefix"] = reverse("api:dispute-list")
        return f"{self.context['detail_prefix']}{dispute.pk}/"


# The case list's one read of its cases: plain values, no model instances. Organization
# and street names come from `selectors.names_for` (in memory), not from joins.
LIST_VALUES = (
    "id", "tracking_number", "status", "dispute_type", "is_collective",
    "is_new_employment_form", "is_migrant_wage", "channel", "received_on", "outcome",
    "closed_on", "next_due_on", "next_due_clock", "version", "organization_id", "street_id",
    "arbitration__id", "arbitration__applied_on", "arbitration__accepted_on",
    "arbitration__application_served_on", "arbitration__defence_received_on",
    "arbitration__tribunal_formed_on", "arbitration__award_clock_started_on",
    "arbitration__extension_days",
)
ORGANIZATION_KIND_LABELS = dict(Organization._meta.get_field("kind").flatchoices)


class _Fields:
    """A row's values under `prefix`, read as attributes (what the clocks read)."""

    __slots__ = ("_prefix", "_row")

    def __init__(self, row: dict[str, Any], prefix: str = "") -> None:
        self._row, self._prefix = row, prefix

    def __getattr__(self, name: str) -> Any:
        return self._row[self._prefix + name]


def dispute_list_data(rows: Iterable[dict[str, Any]], related: dict[int, PageRows], *,
                      today: dt.date) -> list[dict[str, Any]]:
    """DisputeListSerializer's output (the same keys, order and values: a test compares
    the two for cases in every state, for every persona and both languages), built from
    the list's plain values (`LIST_VALUES`), the cases' `selectors.page_rows` and the
    organization and street names (`selectors.names_for`): DRF's per-field machinery and
    model instances cost more than the rest of a 50-case page."""
    rows = list(rows)
    names = selectors.names_for([row["organization_id"] for row in rows],
                                [row["street_id"] for row in rows])
    in_english = english()
    prefix = reverse("api:dispute-list")
    labels: dict[tuple[str, str], str] = {}  # gettext once per value, not once per row
    organizations: dict[int, dict[str, Any]] = {}
    streets: dict[int, dict[str, Any]] = {}
    # Clock readings are shared values (clocks.read_clock remembers them): the cases of a
    # page received on the same days have the very same readings, written out once. The
    # readings are kept with their output so that no id is reused while it is a key.
    clocks: dict[tuple[int, ...], tuple[list[Any], list[dict[str, Any]]]] = {}

    def label(kind: str, value: str, choices: dict[Any, Any]) -> str:
        key = (kind, value)
        if key not in labels:
            labels[key] = str(choices.get(value, value))
        return labels[key]

    def organization(pk: int) -> dict[str, Any]:
        if pk not in organizations:
            org = names.organizations[pk]
            organizations[pk] = {"id": pk, "name": org.name, "short_name": org.short_name,
                                 "kind": org.kind,
                                 "kind_label": label("org", org.kind, ORGANIZATION_KIND_LABELS)}
        return organizations[pk]

    def street(pk: int | None) -> dict[str, Any] | None:
        if pk is None:
            return None
        if pk not in streets:
            found = names.streets[pk]
            streets[pk] = {"id": pk, "code": found.code, "name": found.name}
        return streets[pk]

    data = []
    for row in rows:
        pk = row["id"]
        page = related[pk]
        record = _Fields(row, "arbitration__") if row["arbitration__id"] is not None else None
        readings = selectors.page_clocks(cast(Any, _Fields(row)), cast(Any, record), page,
                                         today=today)
        key = tuple(map(id, readings))
        if key not in clocks:
            clocks[key] = (readings, [clock_data(r, in_english) for r in readings])
        data.append({
            "id": pk,
            "url": f"{prefix}{pk}/",
            "tracking_number": row["tracking_number"],
            "status": row["status"],
            "status_label": label("status", row["status"], STATUS_LABELS),
            "dispute_type": row["dispute_type"],
            "dispute_type_label": label("type", row["dispute_type"], DISPUTE_TYPE_LABELS),
            "organization": organization(row["organization_id"]),
            "street": street(row["street_id"]),
            "is_collective": row["is_collective"],
            "is_new_employment_form": row["is_new_employment_form"],
            "is_migrant_wage": row["is_migrant_wage"],
            "channel": row["channel"],
            "received_on": iso_day(row["received_on"]),
            "outcome": row["outcome"],
            "closed_on": iso_day(row["closed_on"]),
            "next_due_on": iso_day(row["next_due_on"]),
            "next_due_clock": row["next_due_clock"],
            "version": row["version"],
            "parties": [{"side": side, "kind": kind, "name": name}
                        for side, kind, name in page.parties],
            "clocks": clocks[key][1],
        })
    return data


class PartySerializer(ModelSerializer):
    """Identifiers masked unless the reader's role needs them or it is their own row."""

    side_label = serializers.CharField(source="get_side_display")
    id_type_label = serializers.CharField(source="get_id_type_display")
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    is_you = serializers.SerializerMethodField()

    class Meta:
        model = Party
        fields = [
            "id", "side", "side_label", "kind", "name", "id_type", "id_type_label",
            "id_number", "id_warning", "phone", "address", "is_representative", "is_you",
        ]

    def _unmasked(self, party: Party) -> bool:
        return bool(self.context.get("sees_identifiers")) or self.get_is_you(party)

    def get_is_you(self, party: Party) -> bool:
        user = self.context["request"].user
        return party.user_id is not None and party.user_id == user.pk

    def get_id_number(self, party: Party) -> str:
        return party.id_number if self._unmasked(party) else mask_id_number(party.id_number)

    def get_phone(self, party: Party) -> str:
        return party.phone if self._unmasked(party) else mask_phone(party.phone)

    def to_representation(self, party: Party) -> dict[str, Any]:
        data = super().to_representation(party)
        if not self._unmasked(party):
            data["address"] = ""
        return data


class ClaimSerializer(ModelSerializer):
    item_type_label = serializers.CharField(source="get_item_type_display")

    class Meta:
        model = Claim
        fields = ["id", "item_type", "item_type_label", "description", "amount",
                  "is_counter_claim", "added_on", "is_withdrawn"]


class EvidenceSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "description",
                  "uploaded_at", "download_url"]

    def get_download_url(self, evidence: Evidence) -> str:
        return reverse("api:evidence-download", args=[evidence.dispute_id, evidence.pk])


class EvidenceUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="PDF、JPEG 或 PNG，按文件内容识别类型")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SessionSerializer(ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "scheduled_for", "location", "note"]


class AgreementSerializer(ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["terms", "total_amount", "signed_on", "performance_due", "performed",
                  "performed_on"]


class MediationAttemptSerializer(ModelSerializer):
    organization = OrganizationRefSerializer()
    tier_label = serializers.CharField(source="get_tier_display")
    result_label = serializers.CharField(source="get_result_display")
    mediator = serializers.SerializerMethodField()
    sessions = SessionSerializer(many=True)
    agreement = serializers.SerializerMethodField()

    class Meta:
        model = MediationAttempt
        fields = ["id", "organization", "tier", "tier_label", "mediator", "received_on",
                  "ended_on", "result", "result_label", "failure_reason", "sessions",
                  "agreement"]

    def get_mediator(self, attempt: MediationAttempt) -> str:
        return display_name(attempt.mediator)

    @extend_schema_field(AgreementSerializer(allow_null=True))
    def get_agreement(self, attempt: MediationAttempt) -> dict[str, Any] | None:
        try:
            return AgreementSerializer(attempt.agreement).data
        except Agreement.DoesNotExist:
            return None


def display_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class TribunalMemberSerializer(ModelSerializer):
    arbitrator = serializers.SerializerMethodField()
    arbitrator_id = serializers.IntegerField()
    seat_label = serializers.CharField(source="get_seat_display")

    class Meta:
        model = TribunalMember
        fields = ["arbitrator_id", "arbitrator", "seat", "seat_label"]

    def get_arbitrator(self, member: TribunalMember) -> str:
        return display_name(member.arbitrator)


class HearingSerializer(ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Hearing
        fields = ["id", "scheduled_for", "notice_served_on", "location", "state",
                  "state_label", "postponement_reason"]


class SuspensionSerializer(ModelSerializer):
    reason_label = serializers.CharField(source="get_reason_display")

    class Meta:
        model = Suspension
        fields = ["id", "reason", "reason_label", "note", "started_on", "ended_on"]


class AwardItemSerializer(ModelSerializer):
    class Meta:
        model = AwardItem
        fields = ["claim_id", "decision", "granted_amount", "is_final", "final_reason"]


class AwardSerializer(ModelSerializer):
    items = AwardItemSerializer(many=True)

    class Meta:
        model = Award
        fields = ["id", "kind", "issued_on", "reasoning", "result", "items"]


class ArbitrationSerializer(ModelSerializer):
    commission = OrganizationRefSerializer()
    procedure_label = serializers.CharField(source="get_procedure_display")
    tribunal = TribunalMemberSerializer(many=True)
    hearings = HearingSerializer(many=True)
    suspensions = SuspensionSerializer(many=True)
    awards = AwardSerializer(many=True)

    class Meta:
        model = ArbitrationRecord
        fields = ["commission", "applied_on", "case_number", "accepted_on", "procedure",
                  "procedure_label", "refusal_reason", "award_clock_started_on",
                  "extension_days", "extension_approved_on", "tribunal", "hearings",
                  "suspensions", "awards"]


class EventSerializer(ModelSerializer):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    payload = serializers.SerializerMethodField()

    class Meta:
        model = DisputeEvent
        fields = ["id", "seq", "kind", "label", "from_state", "to_state", "occurred_on",
                  "recorded_at", "payload"]

    def get_label(self, event: DisputeEvent) -> str:
        return event_label(event.kind)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payload(self, event: DisputeEvent) -> dict[str, Any]:
        # Payloads may name people and amounts: the case's staff see them, parties do not.
        return event.payload if self.context.get("sees_identifiers") else {}


TIMELINE_COLUMNS = ("id", "seq", "kind", "from_state", "to_state", "occurred_on", "recorded_at")


def timeline_data(dispute_id: int, *, sees_identifiers: bool) -> list[dict[str, Any]]:
    """EventSerializer's output for the case's events in order (a test compares the two),
    from the columns it shows: a case's history only grows, and model instances with
    their hashes and delivery columns, through DRF's fields, cost the case screen more
    than the rest of it after a few dozen events. The payload only for staff who see
    identifiers (it may name people and amounts)."""
    columns = (*TIMELINE_COLUMNS, "payload") if sees_identifiers else TIMELINE_COLUMNS
    rows = DisputeEvent.objects.filter(dispute_id=dispute_id).order_by("seq").values_list(
        *columns)
    return [{"id": row[0], "seq": row[1], "kind": row[2], "label": event_label(row[2]),
             "from_state": row[3], "to_state": row[4], "occurred_on": row[5].isoformat(),
             "recorded_at": iso_stamp(row[6]),
             "payload": row[7] if sees_identifiers else {}} for row in rows]


class InputFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    choices = serializers.ListField(child=serializers.DictField(), required=False)


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField()
    input = InputFieldSerializer(many=True)


class NoticeSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.ChoiceField(choices=["info", "warning"])
    text = serializers.CharField()
    basis = serializers.CharField()


class DisputeDetailSerializer(DisputeListSerializer):
    requested_organization = OrganizationRefSerializer(allow_null=True)
    mediator = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()  # type: ignore[assignment]
    claims = ClaimSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    mediation_attempts = MediationAttemptSerializer(many=True)
    arbitration = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    notices = serializers.SerializerMethodField()

    class Meta(DisputeListSerializer.Meta):
        fields = [
            *DisputeListSerializer.Meta.fields, "requested_organization", "mediator", "facts",
            "knew_on", "employment_ended_on", "mediation_window_ends", "claims",
            "evidence", "mediation_attempts", "arbitration", "timeline",
            "available_transitions", "notices",
        ]

    def get_mediator(self, dispute: Dispute) -> str:
        return display_name(dispute.mediator)

    @extend_schema_field(PartySerializer(many=True))
    def get_parties(self, dispute: Dispute) -> list[dict[str, Any]]:
        return PartySerializer(dispute.parties.all(), many=True,  # type: ignore[return-value]
                               context=self.context).data

    @extend_schema_field(ArbitrationSerializer(allow_null=True))
    def get_arbitration(self, dispute: Dispute) -> dict[str, Any] | None:
        try:
            record = dispute.arbitration
        except ArbitrationRecord.DoesNotExist:
            return None
        return ArbitrationSerializer(record, context=self.context).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, dispute: Dispute) -> list[dict[str, Any]]:
        return timeline_data(dispute.pk, sees_identifiers=bool(self.context.get("sees_identifiers")))

    @extend_schema_field(AvailableTransitionSerializer(many=True))
    def get_available_transitions(self, dispute: Dispute) -> list[dict[str, Any]]:
        return self.context["available_transitions"]

    @extend_schema_field(NoticeSerializer(many=True))
    def get_notices(self, dispute: Dispute) -> list[dict[str, str]]:
        return self.context.get("notices", [])
