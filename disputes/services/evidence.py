"""Evidence: files a party or the case's staff add to a case.

The type is decided by the file's first bytes, never by its name or the browser's word;
the file is stored under a generated name; the upload is an event in the case's log.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from disputes import access
from disputes.errors import ActionNotPermitted, NotInScope
from disputes.events import CHAIN_FIELDS, record_event
from disputes.models import TERMINAL, Dispute, Evidence
from disputes.services.base import lock_dispute

EVIDENCE_ADDED = "evidence_added"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    label: str


PDF = FileKind("application/pdf", "PDF")
JPEG = FileKind("image/jpeg", "JPEG")
PNG = FileKind("image/png", "PNG")
WEBP = FileKind("image/webp", "WebP")
ACCEPTED = (PDF, JPEG, PNG, WEBP)


def sniff(head: bytes) -> FileKind | None:
    """The file's type from its leading bytes, or None when it is not one we accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def max_bytes() -> int:
    return int(settings.EVIDENCE_MAX_MB) * 1024 * 1024


def too_large_message() -> str:
    return f"文件过大，单个文件不能超过 {settings.EVIDENCE_MAX_MB} MB。"


def evidence_add(*, dispute: Dispute, actor: User, upload: UploadedFile,
                 description: str = "") -> Evidence:
    require_may_add(actor, dispute)
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": ["文件为空。"]})
    if size > max_bytes():
        raise ValidationError({"file": [too_large_message()]})
    upload.seek(0)
    kind = sniff(upload.read(16))
    if kind is None:
        raise ValidationError({"file": ["只接受 PDF、JPEG、PNG 或 WebP 文件（按文件内容识别）。"]})
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "evidence").replace("\\", "/").rsplit("/", 1)[-1][:200]
    evidence = Evidence(
        original_name=name, content_type=kind.content_type, size=size,
        sha256=digest.hexdigest(), description=description.strip()[:200], uploaded_by=actor,
    )
    try:
        with transaction.atomic():
            locked = lock_dispute(dispute.pk)
            # Again under the lock: the case may have closed while the file arrived.
            require_may_add(actor, locked)
            evidence.dispute = locked
            evidence.file.save("upload", upload, save=False)
            evidence.save()
            record_event(
                dispute=locked, kind=EVIDENCE_ADDED, actor=actor, from_state=locked.status,
                to_state=locked.status, occurred_on=timezone.localdate(),
                payload={"evidence": evidence.pk, "type": kind.label, "size": size},
            )
            locked.save(update_fields=[*CHAIN_FIELDS, "updated_at"])
    except BaseException:
        # The row rolled back: do not leave its file behind in storage.
        if evidence.file.name:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def require_may_add(actor: User, dispute: Dispute) -> None:
    """Permitted: go on. A closed case: 409 (its state, not the user, says no). Sees the
    case but may not add: 403. Does not see it: 404."""
    if access.may_add_evidence(actor, dispute):
        return
    if not access.can_view(actor, dispute):
        raise NotInScope
    if dispute.status in TERMINAL:
        raise TransitionNotAllowed("the case is closed: no more evidence")
    raise ActionNotPermitted("may not add evidence to this case")
