"""The public status look-up's steps, shared by the API (`api/views/public.py`) and the web
page (`frontend/views/cases.py`): the same keys, limits and order of checks, so guesses
spread over the page and the API share one budget per case and per client address.

1. find the case by its tracking number, reading both counters in the same query (and,
   for the API's answer, the case's parties, clock rows and timeline);
2. refuse (without counting) while the case's or the client's counter is locked;
3. compare the access code's hash; a match clears the case's counter, when there is one
   (no query otherwise);
4. a miss (unknown number or wrong code: the same queries and the same hash; the only
   difference is the few rows a known number's query reads, tens of microseconds beside
   the miss's own writes) reads the counters again, refuses while locked, else counts one
   failure on both counters and may lock them.

Neither the access code nor the tracking number is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.throttling import BaseThrottle

from api import guards
from api.models import FailureCounter
from disputes import selectors
from disputes.models import ArbitrationRecord, Dispute
from disputes.selectors import PageRows
from disputes.services.intake import code_matches_hash, hash_access_code
from mediation.models import Organization

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FoundRecord:
    """What the clocks read of the case's arbitration record (RecordClockFields)."""

    dispute_id: int
    applied_on: dt.date
    accepted_on: dt.date | None
    application_served_on: dt.date | None
    defence_received_on: dt.date | None
    tribunal_formed_on: dt.date | None
    award_clock_started_on: dt.date | None
    extension_days: int


@dataclass(frozen=True, slots=True)
class FoundCase:
    """The case a look-up found, as plain values: what the status answer shows and its
    clocks read (CaseClockFields), its organization's name and arbitration record."""

    pk: int
    tracking_number: str
    status: str
    outcome: str
    received_on: dt.date
    closed_on: dt.date | None
    organization_name: str
    record: FoundRecord | None
    # With lookup_by_code(..., with_rows=True) on PostgreSQL: parties, clock rows and
    # timeline, read in the same statement (None elsewhere: selectors.page_rows reads them).
    rows: PageRows | None = None


@dataclass(frozen=True)
class LookupOutcome:
    case: FoundCase | None  # the case, when number and code match
    locked_until: dt.datetime | None  # set when the look-up is refused for too many failures


def client_address(request: Any) -> str:
    """The connection's address, or X-Forwarded-For's behind NUM_PROXIES trusted proxies
    (DRF's throttle identity; works on a Django HttpRequest and on a DRF Request)."""
    return BaseThrottle().get_ident(request) or "unknown"


def normal_number(tracking_number: str) -> str:
    return tracking_number.strip().upper()


def lookup_by_code(number: str, code: str, client: str, *, with_rows: bool = False,
                   source: str = "api") -> LookupOutcome:
    """The case whose tracking number is `number` when `code` is its access code.

    `client` is the caller's address (`client_address`); `with_rows` asks for the case's
    `FoundCase.rows` in the same statement where the database can (they are read before
    the code is checked and dropped on a miss); a match clears the case's counter only if
    one exists (a concurrent miss in between stays counted); `source` only names the
    caller in the log line of a failure."""
    number = normal_number(number)
    case_key = f"lookup-case:{number}"
    client_key = f"lookup-client:{client}"
    row = _read(number, case_key, client_key, with_rows=with_rows)
    if row is not None:
        locked_until, counted, code_hash, case = row
        if locked_until is not None:
            return LookupOutcome(None, locked_until)
        if code_matches_hash(code_hash, code):
            if counted:
                guards.clear(case_key)
            return LookupOutcome(case, None)
    # A miss. The counters are read again here whether the number exists or not, so an
    # unknown number and a wrong code cost the same queries and the same hash.
    held = guards.locked_until(case_key, client_key)
    if held is not None:
        return LookupOutcome(None, held)
    if row is None:
        hash_access_code(code)
    log.info("status look-up failed (%s)", source)
    untils = [guards.record_failure(case_key, guards.lookup_case_limit()),
              guards.record_failure(client_key, guards.lookup_client_limit())]
    locked = [u for u in untils if u is not None]
    return LookupOutcome(None, max(locked) if locked else None)


_RECORD_COLUMNS = ("applied_on", "accepted_on", "application_served_on", "defence_received_on",
                   "tribunal_formed_on", "award_clock_started_on", "extension_days")


def _sql(*, with_rows: bool) -> str:
    """The look-up's one query: the case, its organization's name, its arbitration record
    and both counters (the last lockout end still running, whether the case has a
    counter). Written out, as `selectors.page_rows` is: an ORM query with two subqueries
    cost several times the database's work to build. Only quoted names from the models'
    meta go into the text; the values are parameters. `with_rows` adds a last column:
    `selectors.page_rows_subquery` of the case (PostgreSQL)."""
    q = connection.ops.quote_name
    case, org = Dispute._meta.db_table, Organization._meta.db_table
    record, counter = ArbitrationRecord._meta.db_table, FailureCounter._meta.db_table
    case_columns = ", ".join(f"d.{q(c)}" for c in (
        "id", "tracking_number", "access_code_hash", "status", "outcome", "received_on",
        "closed_on"))
    record_columns = ", ".join(f"r.{q(c)}" for c in ("id", *_RECORD_COLUMNS))
    if with_rows:
        record_columns += ", " + selectors.page_rows_subquery(f"d.{q('id')}")
    return (
        f"SELECT (SELECT MAX({q('locked_until')}) FROM {q(counter)} "  # noqa: S608
        f"WHERE {q('key')} IN (%s, %s) AND {q('locked_until')} > %s), "
        f"EXISTS (SELECT 1 FROM {q(counter)} WHERE {q('key')} = %s), "
        f"{case_columns}, o.{q('name')}, {record_columns} "
        f"FROM {q(case)} d JOIN {q(org)} o ON o.{q('id')} = d.{q('organization_id')} "
        f"LEFT JOIN {q(record)} r ON r.{q('dispute_id')} = d.{q('id')} "
        f"WHERE d.{q('tracking_number')} = %s")


def _read(number: str, case_key: str, client_key: str, *, with_rows: bool
          ) -> tuple[dt.datetime | None, bool, str, FoundCase] | None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with_rows = with_rows and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(_sql(with_rows=with_rows), [case_key, client_key, now, case_key, number])
        found = cursor.fetchone()
    if found is None:
        return None
    (locked, counted, pk, tracking_number, code_hash, status, outcome, received_on, closed_on,
     organization_name, record_id, *record) = found
    rows = selectors.page_rows_of(pk, record.pop()) if with_rows else None
    return (_moment(locked), bool(counted), code_hash, FoundCase(
        pk, tracking_number, status, outcome, selectors.db_date(received_on), selectors.db_date(closed_on),  # type: ignore[arg-type]
        organization_name,
        None if record_id is None else FoundRecord(
            pk, *(selectors.db_date(v) for v in record[:-1]), int(record[-1])),  # type: ignore[arg-type, call-arg]
        rows))


def _moment(value: dt.datetime | str | None) -> dt.datetime | None:
    # SQLite hands back MAX(...) of a datetime column as text, in UTC without its zone.
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
    return value
