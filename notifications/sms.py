"""SMS backends, chosen by the SMS_BACKEND setting (a dotted path).

- `LogSmsBackend` (development, the default): writes the masked number and the text to
  the log; nothing leaves the machine.
- `HttpGatewaySmsBackend`: POSTs JSON to `SMS_GATEWAY_URL` with the bearer token
  `SMS_GATEWAY_TOKEN`, waits at most `SMS_GATEWAY_TIMEOUT_SECONDS`, and treats anything but
  a 2xx answer (a redirect included) as a failure, which the worker retries with back-off.

The request carries `reference`, the message's id: the worker sends at least once (a
worker killed after the gateway accepted a message and before it recorded that sends it
again), so a gateway that deduplicates on a client reference drops the repeat.

Phone numbers are written to logs and errors only masked (PIPL art. 28).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from disputes.identifiers import mask_phone

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not accepted; the text says why (no phone number in it)."""


class SmsBackend(ABC):
    @abstractmethod
    def send(self, *, phone: str, text: str, reference: str) -> None:
        """Hand one text to the carrier; raise SmsError if it was not accepted."""


class LogSmsBackend(SmsBackend):
    def send(self, *, phone: str, text: str, reference: str) -> None:
        log.info("sms %s to %s: %s", reference, mask_phone(phone), text)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: a failure, not a second POST elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpGatewaySmsBackend(SmsBackend):
    def __init__(self, *, url: str | None = None, token: str | None = None,
                 timeout: float | None = None, sender: str | None = None) -> None:
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT_SECONDS
        self.sender = sender if sender is not None else settings.SMS_SIGN_NAME
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("SMS_GATEWAY_URL must be an http:// or https:// address")
        self._opener = urllib.request.build_opener(_NoRedirects)

    def send(self, *, phone: str, text: str, reference: str) -> None:
        body = json.dumps({"phone": phone, "text": text, "reference": reference,
                           "sign": self.sender}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # The scheme is checked in __init__ (no file: or custom schemes).
        request = urllib.request.Request(self.url, data=body, headers=headers,  # noqa: S310
                                         method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
            exc.close()
            raise SmsError(f"gateway answered HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"gateway unreachable: {type(exc).__name__}: {reason}") from None
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered HTTP {status}")
        log.info("sms %s to %s accepted by the gateway", reference, mask_phone(phone))


def get_sms_backend() -> SmsBackend:
    backend_class = import_string(settings.SMS_BACKEND)
    backend: SmsBackend = backend_class()
    return backend
