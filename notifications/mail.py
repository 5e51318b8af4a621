"""E-mail through Django's EMAIL_BACKEND, and a development backend that logs masked.

Django's console backend would print whole messages, recipients included, to the
process's output; `LogEmailBackend` (the default when EMAIL_BACKEND is not set) logs the
masked recipient and the subject only. Production sets EMAIL_BACKEND to Django's SMTP
backend and the EMAIL_HOST... settings.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)


def mask_email(address: str) -> str:
    """zhang.san@example.com -> z***@example.com"""
    if not address:
        return ""
    local, at, domain = address.partition("@")
    if not at:
        return "*" * len(address)
    return f"{local[:1]}***@{domain}"


class LogEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            log.info("email to %s: %s", ", ".join(mask_email(a) for a in message.recipients()),
                     message.subject)
        return len(email_messages)


class MailError(Exception):
    pass


def message_id(message_pk: int) -> str:
    """Stable per message: a resend after a crash carries the same Message-ID, so mail
    systems that deduplicate on it drop the repeat."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
    return f"<notification-{message_pk}@{domain}>"


def send_email(*, message_pk: int, address: str, subject: str, body: str,
               connection: BaseEmailBackend | None = None) -> None:
    email = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                         to=[address], headers={"Message-ID": message_id(message_pk)},
                         connection=connection)
    try:
        sent = email.send()
    except Exception as exc:  # SMTP errors, refused connections, timeouts
        raise MailError(f"{type(exc).__name__}: {exc}".replace(address, mask_email(address))) \
            from None
    if sent != 1:
        raise MailError("the e-mail backend did not accept the message")
