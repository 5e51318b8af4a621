"""Organization and street names by id, held in memory for the case list.

Every row of a case list shows its organization (name, short name, kind) and its street
(code, name). Joining the two tables into the page query cost it about a third of its
time at 1,000,000 cases (bench/api.py); the tables are small (a district has dozens of
rows, a province some thousands) and change rarely, so each process keeps a copy:
`TableCache`, like the law tables, dropped on a save or delete of either table in this
process (`invalidate_on_change`, wired in `DisputesConfig.ready`), and at the latest after
`MAX_AGE_SECONDS` in the others. An id the copy does not know (a row added since, in
another process) makes it load again at once: a name is at most a few minutes old, and
never missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from disputes.law.cache import TableCache
from mediation.models import Organization, Street


@dataclass(frozen=True, slots=True)
class OrganizationName:
    id: int
    name: str
    short_name: str
    kind: str


@dataclass(frozen=True, slots=True)
class StreetName:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Names:
    organizations: dict[int, OrganizationName]
    streets: dict[int, StreetName]


def _load() -> Names:
    """Both tables in one query."""
    q = connection.ops.quote_name
    organization, street = q(Organization._meta.db_table), q(Street._meta.db_table)
    sql = (f"SELECT 'o', {q('id')}, {q('name')}, {q('short_name')}, {q('kind')} "  # noqa: S608
           f"FROM {organization} UNION ALL "
           f"SELECT 's', {q('id')}, {q('code')}, {q('name')}, NULL FROM {street}")
    organizations: dict[int, OrganizationName] = {}
    streets: dict[int, StreetName] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for tag, pk, a, b, c in cursor.fetchall():
            if tag == "o":
                organizations[pk] = OrganizationName(pk, a, b, c)
            else:
                streets[pk] = StreetName(pk, a, b)
    return Names(organizations, streets)


names_cache: TableCache[Names] = TableCache(
    _load, tables=("mediation.organization", "mediation.street"))


def names_for(organization_ids: Iterable[int], street_ids: Iterable[int | None]) -> Names:
    """The names, holding at least these ids (`None`: no street)."""
    names = names_cache.get()
    if not (names.organizations.keys() >= set(organization_ids)
            and names.streets.keys() >= {pk for pk in street_ids if pk is not None}):
        names_cache.invalidate()
        names = names_cache.get()
    return names
