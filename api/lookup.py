"""The public status look-up's steps, shared by the API (`api/views/public.py`) and the web
page (`frontend/views/cases.py`): the same keys, limits and order of checks, so guesses
spread over the page and the API share one budget per case and per client address.

1. refuse (without counting) while the case's or the client's counter is locked;
2. find the case by its tracking number and compare the access code's hash; an unknown
   number costs the same hash as a wrong code (no timing difference);
3. a miss counts one failure on both counters and may lock them;
4. a match clears the case's counter, when there is one (no query otherwise).

Neither the access code nor the tracking number is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from rest_framework.throttling import BaseThrottle

from api import guards
from disputes.models import Dispute
from disputes.services.intake import access_code_matches, hash_access_code

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LookupOutcome:
    dispute: Dispute | None  # the case, when number and code match
    locked_until: dt.datetime | None  # set when the look-up is refused for too many failures


def client_address(request: Any) -> str:
    """The connection's address, or X-Forwarded-For's behind NUM_PROXIES trusted proxies
    (DRF's throttle identity; works on a Django HttpRequest and on a DRF Request)."""
    return BaseThrottle().get_ident(request) or "unknown"


def normal_number(tracking_number: str) -> str:
    return tracking_number.strip().upper()


def lookup_by_code(number: str, code: str, client: str, *,
                   queryset: QuerySet[Dispute] | None = None,
                   source: str = "api") -> LookupOutcome:
    """The case whose tracking number is `number` when `code` is its access code.

    `client` is the caller's address (`client_address`); `queryset` lets the caller read
    the case with what it will show (default: the case row alone); a match clears the
    case's counter only if one exists (a concurrent miss in between stays counted);
    `source` only names the caller in the log line of a failure."""
    number = normal_number(number)
    case_key = f"lookup-case:{number}"
    client_key = f"lookup-client:{client}"
    held = guards.counters(case_key, client_key)
    if held.locked_until is not None:
        return LookupOutcome(None, held.locked_until)
    cases = Dispute.objects.all() if queryset is None else queryset
    # The number is unique: no ORDER BY to build (first() would add one).
    dispute = next(iter(cases.filter(tracking_number=number).order_by()[:1]), None)
    if dispute is None:
        hash_access_code(code)  # the same work as a wrong code: no timing difference
        matched = False
    else:
        matched = access_code_matches(dispute, code)
    if not matched or dispute is None:
        log.info("status look-up failed (%s)", source)
        untils = [guards.record_failure(case_key, guards.lookup_case_limit()),
                  guards.record_failure(client_key, guards.lookup_client_limit())]
        locked = [u for u in untils if u is not None]
        return LookupOutcome(None, max(locked) if locked else None)
    if case_key in held.present:
        guards.clear(case_key)
    return LookupOutcome(dispute, None)
