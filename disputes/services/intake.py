"""Submission: a worker's online application or a clerk's record of a paper one."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from disputes.errors import ActionNotPermitted
from disputes.events import record_event
from disputes.identifiers import (
    IdentifierError,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from disputes.lifecycle import SUBMITTED_EVENT
from disputes.models import (
    MAX_AMOUNT,
    Channel,
    Claim,
    ClaimType,
    Dispute,
    DisputeType,
    Party,
)
from mediation.models import MEDIATION_KINDS, District, Organization, Role, Street
from mediation.selectors import active_memberships

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud at a counter
ACCESS_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # 32 symbols = 5 bits each
ACCESS_CODE_LENGTH = 12  # 60 bits
COLLECTIVE_MINIMUM = 10  # Rules art. 62


@dataclass(frozen=True)
class PartyInput:
    side: str
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str = ""
    address: str = ""
    is_representative: bool = False


@dataclass(frozen=True)
class ClaimInput:
    item_type: str
    description: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class Application:
    district: District
    dispute_type: str
    facts: str
    parties: list[PartyInput]
    claims: list[ClaimInput]
    received_on: date
    street: Street | None = None
    requested_organization: Organization | None = None
    is_collective: bool = False
    is_new_employment_form: bool = False
    is_migrant_wage: bool = False
    knew_on: date | None = None
    employment_ended_on: date | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IntakeResult:
    dispute: Dispute
    access_code: str  # shown once; only its hash is stored
    warnings: list[str]


def hash_access_code(code: str) -> str:
    normal = code.replace("-", "").replace(" ", "").upper()
    return hmac.new(settings.ACCESS_CODE_KEY.encode(), normal.encode(), hashlib.sha256).hexdigest()


def code_matches_hash(stored_hash: str, code: str) -> bool:
    """Whether `code` is the access code whose hash is `stored_hash` (constant time)."""
    return hmac.compare_digest(stored_hash, hash_access_code(code))


def access_code_matches(dispute: Dispute, code: str) -> bool:
    return code_matches_hash(dispute.access_code_hash, code)


def new_access_code() -> str:
    raw = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, ACCESS_CODE_LENGTH, 4))


def new_tracking_number(received_on: date) -> str:
    while True:
        suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        number = f"LD{received_on:%Y%m%d}{suffix}"
        if not Dispute.objects.filter(tracking_number=number).exists():
            return number


def _validate(app: Application) -> tuple[list[Party], list[str]]:
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    parties: list[Party] = []
    today = timezone.localdate()

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if app.received_on > today:
        err("received_on", "收件日期不能晚于今天。")
    if app.knew_on and app.knew_on > app.received_on:
        err("knew_on", "知道权利被侵害之日不能晚于申请日期。")
    if app.dispute_type not in DisputeType.values:
        err("dispute_type", "争议类型无效。")
    if not app.facts.strip():
        err("facts", "请填写事实与理由。")
    if app.street is not None and app.street.district_id != app.district.pk:
        err("street", "所选街道不属于本区。")
    org = app.requested_organization
    if org is not None and (
        not org.is_active or org.kind not in MEDIATION_KINDS or org.district_id != app.district.pk
    ):
        err("requested_organization", "所选机构不存在、已停用或不在本区。")
    for index, p in enumerate(app.parties):
        key = f"parties[{index}]"
        if p.side not in Party.Side.values or p.kind not in Party.Kind.values:
            err(key, "当事人地位或类别无效。")
            continue
        if not p.name.strip():
            err(key, "请填写当事人姓名或名称。")
        number, warning = p.id_number, ""
        try:
            if p.id_type == Party.IdType.RESIDENT_ID:
                number = validate_resident_id(p.id_number)
            elif p.id_type == Party.IdType.CREDIT_CODE:
                check = validate_credit_code(p.id_number)
                number, warning = check.code, check.warning
            elif p.id_type in Party.IdType.values and p.id_number.strip():
                number = p.id_number.strip()
            else:
                err(key, "证件类型或证件号码无效。")
            phone = validate_phone(p.phone) if p.phone else ""
        except IdentifierError as exc:
            err(key, f"{p.name}：{exc}")
            continue
        if warning:
            warnings.append(f"{p.name}：{warning}")
        parties.append(Party(
            side=p.side, kind=p.kind, name=p.name.strip(), id_type=p.id_type,
            id_number=number, id_warning=warning, phone=phone, address=p.address.strip(),
            is_representative=p.is_representative,
        ))
    sides = {p.side for p in app.parties}
    if Party.Side.APPLICANT not in sides or Party.Side.RESPONDENT not in sides:
        err("parties", "须至少有一名申请人和一名被申请人。")
    if not app.claims:
        err("claims", "请至少填写一项请求。")
    for index, c in enumerate(app.claims):
        key = f"claims[{index}]"
        if c.item_type not in ClaimType.values:
            err(key, "请求类型无效。")
        if not c.description.strip():
            err(key, "请填写请求事项。")
        if c.amount is not None and (c.amount < 0 or c.amount > MAX_AMOUNT):
            err(key, f"金额须在 0 至 {MAX_AMOUNT} 元之间。")
        if c.amount is not None and c.amount.as_tuple().exponent < -2:  # type: ignore[operator]
            err(key, "金额最多保留两位小数。")
    if errors:
        raise ValidationError(errors)
    return parties, warnings


def dispute_submit(
    *, actor: User, application: Application, channel: str
) -> IntakeResult:
    """Record an application. Online: the actor is the applicant worker. Counter: the actor
    is an intake clerk recording a paper application with its real receipt date."""
    if channel == Channel.COUNTER:
        clerk_of = {
            m.organization.district_id for m in active_memberships(actor)
            if m.role == Role.INTAKE_CLERK
        }
        if application.district.pk not in clerk_of:
            raise ActionNotPermitted("only an intake clerk of the district records paper applications")
    elif channel != Channel.ONLINE:
        raise ValidationError({"channel": ["申请渠道无效。"]})
    parties, warnings = _validate(application)
    if channel == Channel.ONLINE:
        received_on = timezone.localdate()  # online: received when submitted, never back-dated
    else:
        received_on = application.received_on
    workers = [p for p in parties if p.kind == Party.Kind.WORKER and p.side == Party.Side.APPLICANT]
    collective = application.is_collective or len(workers) >= COLLECTIVE_MINIMUM
    organization = application.requested_organization
    if organization is None:
        from mediation.selectors import arbitration_commission_for

        organization = arbitration_commission_for(application.district.pk)
        if organization is None:
            raise ValidationError({"requested_organization": ["本区尚未设置仲裁委员会，请选择调解组织。"]})
    code = new_access_code()
    with transaction.atomic():
        dispute = Dispute.objects.create(
            tracking_number=new_tracking_number(received_on),
            access_code_hash=hash_access_code(code),
            district=application.district,
            street=application.street,
            organization=organization,
            requested_organization=application.requested_organization,
            dispute_type=application.dispute_type,
            is_collective=collective,
            is_new_employment_form=application.is_new_employment_form,
            is_migrant_wage=application.is_migrant_wage,
            facts=application.facts.strip(),
            channel=channel,
            received_on=received_on,
            knew_on=application.knew_on,
            employment_ended_on=application.employment_ended_on,
            submitted_by=actor,
        )
        linked = False
        for party in parties:
            party.dispute = dispute
            if channel == Channel.ONLINE and not linked and party.side == Party.Side.APPLICANT:
                party.user = actor
                linked = True
        Party.objects.bulk_create(parties)
        Claim.objects.bulk_create([
            Claim(dispute=dispute, item_type=c.item_type, description=c.description.strip(),
                  amount=c.amount, added_on=received_on)
            for c in application.claims
        ])
        record_event(
            dispute=dispute, kind=SUBMITTED_EVENT, actor=actor, from_state="",
            to_state=dispute.status, occurred_on=received_on,
            payload={
                "channel": channel,
                "organization": organization.pk,
                "claims": len(application.claims),
                "workers": len(workers),
            },
        )
        dispute.save(update_fields=["event_seq", "last_event_hash"])
    return IntakeResult(dispute=dispute, access_code=code, warnings=warnings)
