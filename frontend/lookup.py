"""The public status look-up for the web pages, counted on the same failure counters as the
API's (`api/views/public.py`): the same keys, limits and order of checks, so guesses spread
over the page and the API share one budget per case and per client address.

It calls the same functions as the API view, step by step. A shared
`lookup_by_code(number, code, client) -> LookupOutcome` next to `api.guards` would let both
use one copy of these steps (proposed in issue 6).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

from api import guards
from disputes.models import Dispute
from disputes.services.intake import access_code_matches, hash_access_code

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LookupOutcome:
    dispute: Dispute | None  # the case, when number and code match
    locked_until: dt.datetime | None  # set when the look-up is refused for too many failures


def client_address(request: HttpRequest) -> str:
    """The same address the API counts (DRF's, honouring NUM_PROXIES)."""
    return BaseThrottle().get_ident(cast(Any, request)) or "unknown"


def lookup_by_code(request: HttpRequest, tracking_number: str, access_code: str) -> LookupOutcome:
    number = tracking_number.strip().upper()
    case_key = f"lookup-case:{number}"
    client_key = f"lookup-client:{client_address(request)}"
    until = guards.locked_until(case_key, client_key)
    if until is not None:
        return LookupOutcome(None, until)
    dispute = Dispute.objects.filter(tracking_number=number).first()
    if dispute is None:
        hash_access_code(access_code)  # the same work as a wrong code: no timing difference
        matched = False
    else:
        matched = access_code_matches(dispute, access_code)
    if not matched or dispute is None:
        log.info("status look-up failed (web)")
        untils = [guards.record_failure(case_key, guards.lookup_case_limit()),
                  guards.record_failure(client_key, guards.lookup_client_limit())]
        locked = [u for u in untils if u is not None]
        return LookupOutcome(None, max(locked) if locked else None)
    guards.clear(case_key)
    return LookupOutcome(dispute, None)
