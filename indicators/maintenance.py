"""Keeping the summaries: apply new events and ratings in batches, or rebuild them all.

`catch_up` is one pass: under the watermark row's lock it reads the events with an id above
the watermark (and those of earlier passes' gaps that have committed since), folds them
into the cases' tracks and adds their counts, then moves the watermark, all in one
transaction: a pass that fails leaves nothing half-counted, and the next one starts over
from the same place. Two passes never run at once (the second waits, or with `wait=False`
returns at once: a screen then reads figures one pass old).

Who runs passes: `manage.py update_indicators` (once, or `--follow` beside the outbox
worker), the pages and the API before they read (a bounded pass that never waits), and
the outbox worker on every turn before it delivers (`catch_up_for_worker`, named in
OUTBOX_BEFORE_DELIVERY).

`recompute` rebuilds every row from the event log and the ratings, in one transaction:
readers keep the old figures until it commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from disputes.models import TERMINAL, Claim, Dispute, DisputeEvent
from indicators.fold import (
    BatchContext,
    CaseFacts,
    ClosedCase,
    RatingRow,
    Tally,
    apply_event,
    apply_rating,
    new_track,
)
from indicators.measures import GRAINS
from indicators.models import EVENTS, RATINGS, CaseTrack, IndicatorCount, PendingGap, Watermark
from indicators.ratings import RatingSource, rating_source

log = logging.getLogger(__name__)
T = TypeVar("T")

KEY_COLUMNS = ["grain", "measure", "month", "district_id", "organization_id", "street_id",
               "tier", "dispute_type", "is_collective", "is_new_employment_form",
               "is_migrant_wage"]
# Only the ids this close below a present one are looked for again: transactions still open
# hold ids taken moments before it; longer runs are rolled-back work or a bulk load's blocks.
MAX_GAP_RUN = 1000


class EventRow(NamedTuple):
    id: int
    dispute_id: int
    seq: int
    kind: str
    from_state: str
    occurred_on: dt.date
    payload: dict[str, Any]
    recorded_at: dt.datetime


EVENT_FIELDS = list(EventRow._fields)


@dataclass(frozen=True)
class PassResult:
    events: int = 0
    ratings: int = 0
    busy: bool = False  # another pass held the lock; nothing was read

    @property
    def total(self) -> int:
        return self.events + self.ratings


def _batch_size(limit: int | None) -> int:
    return limit or settings.INDICATORS_BATCH_SIZE


def _lock(source: str, *, wait: bool) -> Watermark | None:
    Watermark.objects.get_or_create(source=source)
    rows = Watermark.objects.filter(source=source)
    if not wait and connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True).first()
    return rows.select_for_update().first()


# -- writing counts and tracks ------------------------------------------------------------------

def write_counts(tally: Tally) -> int:
    """Add the tally to the summary rows at every grain (insert, or add to the row)."""
    if not tally.counts:
        return 0
    cells: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for key, (n, amount) in tally.counts.items():
        for grain, kept in GRAINS.items():
            k = key.at_grain(kept)
            cell = cells[(grain, k.measure, k.month, k.district_id, k.organization_id,
                          k.street_id, k.tier, k.dispute_type, k.is_collective,
                          k.is_new_employment_form, k.is_migrant_wage)]
            cell[0] += n
            cell[1] += amount
    table = connection.ops.quote_name(IndicatorCount._meta.db_table)
    columns = ", ".join(KEY_COLUMNS)
    placeholders = ", ".join(["%s"] * (len(KEY_COLUMNS) + 2))
    # Table and column names are this module's constants; the values go as parameters.
    sql = (f"INSERT INTO {table} ({columns}, n, amount) VALUES ({placeholders}) "  # noqa: S608
           f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + EXCLUDED.n, "
           f"amount = {table}.amount + EXCLUDED.amount")
    rows = [(*key, n, amount) for key, (n, amount) in cells.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])
    return len(rows)


def _save_tracks(tracks: Iterable[CaseTrack], new_ids: set[int]) -> None:
    """Write the batch's tracks: the known ones are replaced (deleted and inserted again in
    this transaction), which costs one DELETE and one INSERT per 2,000 tracks where
    `bulk_update` builds a CASE expression per field and row (it was most of a pass's time;
    PostgreSQL writes a new row version for an UPDATE all the same)."""
    tracks = list(tracks)
    known = [t.dispute_id for t in tracks if t.dispute_id not in new_ids]
    for start in range(0, len(known), 5000):
        # No signals and nothing refers to a track: one DELETE statement.
        CaseTrack.objects.filter(pk__in=known[start:start + 5000]).delete()
    CaseTrack.objects.bulk_create(tracks, batch_size=2000)


# -- what a batch needs besides its events ----------------------------------------------------

def case_facts(dispute_ids: Iterable[int]) -> dict[int, CaseFacts]:
    rows = Dispute.objects.filter(pk__in=list(dispute_ids)).values_list(
        "pk", "district_id", "street_id", "dispute_type", "is_collective",
        "is_new_employment_form", "is_migrant_wage")
    return {pk: CaseFacts(district, street or 0, kind, c, n, w)
            for pk, district, street, kind, c, n, w in rows}


def application_amounts(dispute_ids: Sequence[int],
                        amended: dict[int, set[int]] | None = None) -> dict[int, Decimal]:
    """The amount claimed in each case's application (its own claims, not counter-claims,
    not those added by `amend_claims` later): the amount involved when it was accepted.
    Read from the claim rows minus the claims the amendment events name, so the answer
    does not depend on when it is read."""
    if not dispute_ids:
        return {}
    if amended is None:
        amended = defaultdict(set)
        for dispute_id, payload in DisputeEvent.objects.filter(
                dispute_id__in=dispute_ids, kind="amend_claims").values_list("dispute_id", "payload"):
            amended[dispute_id].update(int(c) for c in (payload or {}).get("claims", []))
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    for dispute_id, pk, amount in Claim.objects.filter(
            dispute_id__in=dispute_ids, is_counter_claim=False, amount__isnull=False
    ).values_list("dispute_id", "pk", "amount"):
        if pk not in amended.get(dispute_id, ()):
            amounts[dispute_id] += amount or Decimal(0)
    return dict(amounts)


def _context(events: Sequence[EventRow], tracks: dict[int, CaseTrack]) -> BatchContext:
    missing = {e.dispute_id for e in events} - set(tracks)
    accepted = sorted({e.dispute_id for e in events if e.kind == "accept"})
    return BatchContext(facts=case_facts(missing), accepted_amounts=application_amounts(accepted))


# -- one pass ---------------------------------------------------------------------------------

def _events(queryset: Any) -> list[EventRow]:
    return [EventRow(*row) for row in queryset.values_list(*EVENT_FIELDS)]


def _note_gaps(source: str, last_id: int, rows: Sequence[tuple[int, dt.datetime]],
               now: dt.datetime) -> None:
    """Ids missing between the watermark and the rows just read, when the row after them
    is recent enough that their transaction may still commit."""
    recent = now - dt.timedelta(seconds=settings.INDICATORS_GAP_SECONDS)
    gaps: list[PendingGap] = []
    # Before the first row ever read there is nothing to wait for.
    previous = last_id if last_id else (rows[0][0] - 1 if rows else 0)
    for row_id, recorded_at in rows:
        if row_id - previous - 1 > 0 and recorded_at >= recent:
            low = max(previous + 1, row_id - MAX_GAP_RUN)
            gaps.extend(PendingGap(source=source, missing_id=i, noted_at=now)
                        for i in range(low, row_id))
        previous = row_id
    PendingGap.objects.bulk_create(gaps, ignore_conflicts=True)


def _forget_old_gaps(source: str, now: dt.datetime) -> None:
    expired = now - dt.timedelta(seconds=settings.INDICATORS_GAP_SECONDS)
    PendingGap.objects.filter(source=source, noted_at__lt=expired).delete()


def _events_pass(limit: int, *, wait: bool) -> int | None:
    with transaction.atomic():
        mark = _lock(EVENTS, wait=wait)
        if mark is None:
            return None
        now = timezone.now()
        gap_ids = list(PendingGap.objects.filter(source=EVENTS).values_list("missing_id", flat=True))
        late = _events(DisputeEvent.objects.filter(pk__in=gap_ids)) if gap_ids else []
        new = _events(DisputeEvent.objects.filter(pk__gt=mark.last_id).order_by("pk")[:limit])
        events = sorted([*late, *new], key=lambda e: e.id)
        if late:
            PendingGap.objects.filter(source=EVENTS, missing_id__in=[e.id for e in late]).delete()
        _forget_old_gaps(EVENTS, now)
        if not events:
            return 0
        apply_events(events)
        if new:
            _note_gaps(EVENTS, mark.last_id, [(e.id, e.recorded_at) for e in new], now)
            mark.last_id = new[-1].id
            mark.save(update_fields=["last_id", "updated_at"])
        return len(events)


def apply_events(events: Sequence[EventRow]) -> None:
    """Fold the events (in id order) into their cases' tracks and add their counts."""
    ids = {e.dispute_id for e in events}
    tracks = CaseTrack.objects.in_bulk(list(ids))
    context = _context(events, tracks)
    new_ids: set[int] = set()
    tally = Tally()
    for event in events:
        track = tracks.get(event.dispute_id)
        if track is None:
            track = tracks[event.dispute_id] = new_track(event.dispute_id,
                                                         context.facts[event.dispute_id])
            new_ids.add(event.dispute_id)
        apply_event(track, event, context, tally)  # type: ignore[arg-type]
    write_counts(tally)
    _save_tracks(tracks.values(), new_ids)


def closed_cases(dispute_ids: Iterable[int]) -> dict[int, ClosedCase]:
    ids = list(dispute_ids)
    facts = case_facts(ids)
    organizations = dict(Dispute.objects.filter(pk__in=ids).values_list("pk", "organization_id"))
    closures = dict(
        DisputeEvent.objects.filter(dispute_id__in=ids, to_state__in=TERMINAL)
        .exclude(from_state__in=TERMINAL).values("dispute_id")
        .annotate(first=Max("recorded_at")).values_list("dispute_id", "first")
    )
    return {pk: ClosedCase(facts[pk], organizations[pk], closures.get(pk)) for pk in facts}


def apply_ratings(ratings: Sequence[RatingRow]) -> None:
    cases = closed_cases({r.dispute_id for r in ratings})
    tally = Tally()
    for rating in ratings:
        case = cases.get(rating.dispute_id)
        if case is not None:
            apply_rating(rating, case, timezone.localtime(rating.rated_at).date(), tally)
    write_counts(tally)


def _ratings_pass(limit: int, source: RatingSource, *, wait: bool) -> int | None:
    with transaction.atomic():
        mark = _lock(RATINGS, wait=wait)
        if mark is None:
            return None
        now = timezone.now()
        gap_ids = list(PendingGap.objects.filter(source=RATINGS).values_list("missing_id", flat=True))
        late = source.with_ids(gap_ids) if gap_ids else []
        new = source.after(mark.last_id, limit)
        if late:
            PendingGap.objects.filter(source=RATINGS, missing_id__in=[r.id for r in late]).delete()
        _forget_old_gaps(RATINGS, now)
        ratings = sorted([*late, *new], key=lambda r: r.id)
        if not ratings:
            return 0
        apply_ratings(ratings)
        if new:
            _note_gaps(RATINGS, mark.last_id, [(r.id, r.rated_at) for r in new], now)
            mark.last_id = new[-1].id
            mark.save(update_fields=["last_id", "updated_at"])
        return len(ratings)


def catch_up(*, limit: int | None = None, wait: bool = True) -> PassResult:
    """One pass over new events and new ratings (at most `limit` of each). A cheap look
    first (four small queries): a screen that reads figures pays only that when nothing
    is new."""
    size = _batch_size(limit)
    source = rating_source()
    marks = dict(Watermark.objects.values_list("source", "last_id"))
    gaps = set(PendingGap.objects.values_list("source", flat=True).distinct())
    events: int | None = 0
    ratings: int | None = 0
    if EVENTS in gaps or DisputeEvent.objects.filter(pk__gt=marks.get(EVENTS, 0)).exists():
        events = _events_pass(size, wait=wait)
    if RATINGS in gaps or source.max_id() > marks.get(RATINGS, 0):
        ratings = _ratings_pass(size, source, wait=wait)
    if events is None or ratings is None:
        return PassResult(events or 0, ratings or 0, busy=True)
    return PassResult(events, ratings)


def update_all(*, limit: int | None = None) -> PassResult:
    """Passes until nothing new is left (`manage.py update_indicators`)."""
    events = ratings = 0
    while True:
        done = catch_up(limit=limit, wait=True)
        events, ratings = events + done.events, ratings + done.ratings
        if done.total == 0:
            return PassResult(events, ratings)


def catch_up_quietly() -> None:
    """For a loop that must not stop (the outbox worker's): one bounded pass that never
    waits for another, and logs instead of raising."""
    try:
        catch_up(wait=False)
    except Exception:
        log.exception("indicators: summary pass failed")


def catch_up_for_worker() -> int:
    """For the outbox worker's loop, before it delivers events (so a dashboard that
    re-fetches on an event finds it counted): one bounded pass that never waits for
    another; how many rows it added (errors are the loop's to log)."""
    return catch_up(wait=False).total


def catch_up_before_reading() -> None:
    """The pages and the API read figures at most one bounded pass behind the log."""
    if settings.INDICATORS_CATCH_UP_ON_READ:
        catch_up_quietly()


# -- rebuilding -------------------------------------------------------------------------------

def _chunks(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def recompute(*, chunk: int = 2000,
              progress: Callable[[int, int], None] | None = None) -> PassResult:
    """Rebuild every summary row and track from the event log and the ratings;
    `progress(cases done, cases)` is called after each chunk of cases."""
    with transaction.atomic():
        events_mark = _lock(EVENTS, wait=True)
        ratings_mark = _lock(RATINGS, wait=True)
        assert events_mark is not None and ratings_mark is not None
        now = timezone.now()
        IndicatorCount.objects.all().delete()
        CaseTrack.objects.all().delete()
        PendingGap.objects.all().delete()
        last_event = DisputeEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        # Every case has its `submitted` event; one without events adds nothing.
        dispute_ids = list(Dispute.objects.order_by("pk").values_list("pk", flat=True))
        tally = Tally()
        counted = 0
        for index, ids in enumerate(_chunks(dispute_ids, chunk)):
            counted += _rebuild_cases(ids, last_event, tally)
            if progress is not None:
                progress(min((index + 1) * chunk, len(dispute_ids)), len(dispute_ids))
            if len(tally) > 200_000:
                write_counts(tally)
                tally = Tally()
        _note_recent_gaps(EVENTS, last_event, now)
        events_mark.last_id = last_event
        events_mark.save(update_fields=["last_id", "updated_at"])

        source = rating_source()
        last_rating = source.max_id()
        ratings = source.up_to(last_rating)
        for part in _chunks(ratings, 5000):
            rating_tally = Tally()
            cases = closed_cases({r.dispute_id for r in part})
            for rating in part:
                case = cases.get(rating.dispute_id)
                if case is not None:
                    apply_rating(rating, case, timezone.localtime(rating.rated_at).date(),
                                 rating_tally)
            for key, (n, amount) in rating_tally.counts.items():
                tally.add(key, n, amount)
        _note_gaps(RATINGS, 0, [(r.id, r.rated_at) for r in ratings], now)
        ratings_mark.last_id = last_rating
        ratings_mark.save(update_fields=["last_id", "updated_at"])
        write_counts(tally)
    return PassResult(counted, len(ratings))


def _rebuild_cases(dispute_ids: Sequence[int], last_event: int, tally: Tally) -> int:
    rows = _events(DisputeEvent.objects.filter(dispute_id__in=dispute_ids, pk__lte=last_event)
                   .order_by("dispute_id", "seq"))
    by_case: dict[int, list[EventRow]] = defaultdict(list)
    amended: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        by_case[row.dispute_id].append(row)
        if row.kind == "amend_claims":
            amended[row.dispute_id].update(int(c) for c in (row.payload or {}).get("claims", []))
    accepted = [pk for pk, events in by_case.items() if any(e.kind == "accept" for e in events)]
    context = BatchContext(facts=case_facts(by_case),
                           accepted_amounts=application_amounts(accepted, amended))
    tracks = []
    for dispute_id, events in by_case.items():
        track = new_track(dispute_id, context.facts[dispute_id])
        for event in events:
            apply_event(track, event, context, tally)  # type: ignore[arg-type]
        tracks.append(track)
    CaseTrack.objects.bulk_create(tracks, batch_size=2000)
    return len(rows)


def _note_recent_gaps(source: str, last_id: int, now: dt.datetime) -> None:
    """After a rebuild: the ids missing among the newest events, whose transactions may
    still commit (open transactions hold ids taken moments before the newest ones)."""
    rows = list(DisputeEvent.objects.filter(pk__lte=last_id).order_by("-pk")
                .values_list("pk", "recorded_at")[:MAX_GAP_RUN])
    rows.reverse()
    if rows:
        _note_gaps(source, rows[0][0], rows[1:], now)
