"""Long exports in the background, with their progress (issue 7): the monthly table as CSV
or XLSX, and the list of cases behind one number as CSV.

The durable shape of the outbox (STYLE.md habit 5): `export_request` writes the job row in
the request's transaction; the outbox worker's hook `start_due_exports`
(OUTBOX_BEFORE_DELIVERY) starts a thread of its own when a job is due, so that a long export
(a 173,391-case list takes ~50 s) never holds up live updates, reminders and messages. That
thread's `run_due_exports` claims one due job with a conditional write (`SELECT ... FOR
UPDATE SKIP LOCKED`, then `running` with a heartbeat, committed at once), makes the file
while it reports its progress in short transactions of their own (so the page polling the
job sees it move), stores the file and marks the job done. A worker that dies leaves a
running job whose heartbeat stops: after INDICATORS_EXPORT_LEASE_SECONDS another worker
claims it again; a failing export is retried with back-off and failed after
INDICATORS_EXPORT_MAX_ATTEMPTS. Files are kept INDICATORS_EXPORT_KEEP_DAYS days.

Only the requester downloads the file, and only while the same query is still within their
scope (`export_for_user`); anyone else gets NotInScope (404), as for a case.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import serializers

from disputes import access as case_access
from disputes.access import AnyUser
from disputes.errors import ActionNotPermitted, NotInScope
from disputes.models import ArbitrationRecord, Dispute, Tier
from indicators import drilldown, exports
from indicators.access import access_filters
from indicators.api import CasesQuery, MonthlyQuery, flag_value
from indicators.figures import Filters
from indicators.models import ExportJob
from indicators.report import monthly_table
from mediation.models import Organization

log = logging.getLogger(__name__)

Kind = ExportJob.Kind
State = ExportJob.State
QUERIES: dict[str, type[serializers.Serializer]] = {
    Kind.MONTHLY_CSV: MonthlyQuery, Kind.MONTHLY_XLSX: MonthlyQuery, Kind.CASES_CSV: CasesQuery,
}
CHUNK = 2000  # cases looked up and written per progress report
Progress = Callable[[int, int], None]  # (percent, rows so far)


class ExportRefused(Exception):
    """The query is not valid: `errors` as a serializer gives them."""

    def __init__(self, errors: Any) -> None:
        super().__init__("invalid export query")
        self.errors = errors


# -- asking -----------------------------------------------------------------------------------

def _validated(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    query = QUERIES[kind](data=dict(params))
    if not query.is_valid():
        raise ExportRefused(query.errors)
    return dict(query.validated_data)


def _filters(user: AnyUser, data: dict[str, Any]) -> Filters:
    return access_filters(
        user, district=data.get("district"), organization=data.get("organization"),
        street=data.get("street"), tier=data.get("tier"), dispute_type=data.get("dispute_type"),
        is_collective=flag_value(data.get("collective")),
        is_new_employment_form=flag_value(data.get("new_employment_form")),
        is_migrant_wage=flag_value(data.get("migrant_wage")),
    )


def export_request(*, actor: AnyUser, kind: str, params: Mapping[str, Any],
                   language: str | None = None) -> ExportJob:
    """Queue an export of `kind` for `actor`. The query is checked now (ExportRefused,
    ActionNotPermitted, NotInScope) and again when the job runs."""
    if kind not in QUERIES:
        raise ExportRefused({"kind": [_("没有这种导出。")]})
    fields = QUERIES[kind]().fields
    kept = {k: str(v) for k, v in params.items() if k in fields and v not in (None, "")}
    _filters(actor, _validated(kind, kept))
    with transaction.atomic():
        return ExportJob.objects.create(
            requested_by_id=actor.pk, kind=kind, params=kept,
            language=language or translation.get_language() or settings.LANGUAGE_CODE,
            next_attempt_at=timezone.now())


def export_for_user(user: AnyUser, job_id: Any) -> ExportJob:
    """The job, for its requester while its query is still within their scope."""
    job = ExportJob.objects.filter(pk=job_id, requested_by_id=user.pk).first()
    if job is None:
        raise NotInScope
    try:
        _filters(user, _validated(job.kind, job.params))
    except (ExportRefused, ActionNotPermitted) as exc:
        raise NotInScope from exc
    return job


# -- making -----------------------------------------------------------------------------------

def _due(now: dt.datetime) -> QuerySet[ExportJob]:
    stale = now - dt.timedelta(seconds=settings.INDICATORS_EXPORT_LEASE_SECONDS)
    waiting = Q(state=State.PENDING) & (Q(next_attempt_at__isnull=True)
                                        | Q(next_attempt_at__lte=now))
    abandoned = Q(state=State.RUNNING, heartbeat_at__lt=stale)
    return ExportJob.objects.filter(waiting | abandoned)


def claim_export() -> ExportJob | None:
    """Take the oldest due job: running, with a heartbeat, committed before any work."""
    now = timezone.now()
    if not _due(now).exists():  # the cheap look an idle worker makes every poll
        return None
    with transaction.atomic():
        due = _due(now).order_by("created_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        job = due.first()
        if job is None:
            return None
        job.state, job.heartbeat_at, job.progress, job.rows = State.RUNNING, now, 0, 0
        job.attempts += 1
        job.save(update_fields=["state", "heartbeat_at", "progress", "rows", "attempts"])
    return job


def _reporter(job: ExportJob) -> Progress:
    def report(percent: int, rows: int) -> None:
        # Autocommit: visible at once to the page that polls the job.
        ExportJob.objects.filter(pk=job.pk, state=State.RUNNING, attempts=job.attempts).update(
            progress=max(0, min(percent, 99)), rows=rows, heartbeat_at=timezone.now())
    return report


def _file_name(job: ExportJob, data: dict[str, Any], suffix: str) -> str:
    period = data["period"]
    stem = "labor-disputes" if job.kind != Kind.CASES_CSV else (
        f"cases-{data['definition'].ref}-{data['the_part'].key}")
    return f"{stem}-{period.first:%Y%m}-{period.last:%Y%m}.{suffix}"


def monthly_file(job: ExportJob, data: dict[str, Any], filters: Filters,
                 report: Progress) -> tuple[bytes, str]:
    table = monthly_table(data["period"], filters)
    report(50, len(table.rows))
    if job.kind == Kind.MONTHLY_XLSX:
        content = exports.table_xlsx(table, title=_("按月统计表"), month_label=_("月份"),
                                     total_label=_("合计"))
        return content, _file_name(job, data, "xlsx")
    content = exports.table_csv(table, month_label=_("月份"), total_label=_("合计"))
    return content, _file_name(job, data, "csv")


def cases_file(job: ExportJob, data: dict[str, Any], filters: Filters,
               report: Progress) -> tuple[bytes, str]:
    """The drill-down list in full: the cases the access policy lets the requester see,
    with no party's name, identity number or phone."""
    items = drilldown.part_items(data["definition"], data["the_part"], data["period"], filters)
    report(30, 0)
    visible_cases = case_access.disputes_for_user(job.requested_by)
    ids = sorted({i.dispute_id for i in items})
    visible: set[int] = set()
    for start in range(0, len(ids), CHUNK * 5):
        visible.update(visible_cases.filter(pk__in=ids[start:start + CHUNK * 5])
                       .values_list("pk", flat=True))
    items = [i for i in items if i.dispute_id in visible]
    report(40, 0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("查询编号"), _("案号"), _("计入日期"), _("组织"), _("层级"), _("计数"),
                     _("金额（元）"), _("状态")])
    names: dict[int, str] = {}
    tiers = dict(Tier.choices)
    for start in range(0, len(items), CHUNK):
        page = items[start:start + CHUNK]
        page_ids = {i.dispute_id for i in page}
        cases = Dispute.objects.filter(pk__in=page_ids).only("pk", "tracking_number",
                                                             "status").in_bulk()
        numbers = dict(ArbitrationRecord.objects.filter(dispute_id__in=page_ids)
                       .values_list("dispute_id", "case_number"))
        missing = {i.organization_id for i in page} - set(names)
        names.update(Organization.objects.filter(pk__in=missing).values_list("pk", "name"))
        for item in page:
            case = cases[item.dispute_id]
            writer.writerow([case.tracking_number, numbers.get(item.dispute_id) or "",
                             f"{item.on:%Y-%m-%d}", names.get(item.organization_id, ""),
                             str(tiers.get(item.tier, item.tier)), item.n, f"{item.amount:.2f}",
                             case.get_status_display()])
        done = start + len(page)
        report(40 + 59 * done // max(len(items), 1), done)
    content = ("\ufeff" + out.getvalue()).encode("utf-8")
    return content, _file_name(job, data, "csv")


def make_export(job: ExportJob) -> None:
    """Make a claimed job's file and mark it done; on an error retry later or fail it."""
    report = _reporter(job)
    try:
        with translation.override(job.language):
            data = _validated(job.kind, job.params)
            filters = _filters(job.requested_by, data)
            make = cases_file if job.kind == Kind.CASES_CSV else monthly_file
            content, filename = make(job, data, filters, report)
    except (ExportRefused, ActionNotPermitted, NotInScope):
        # The requester's scope changed since: this job can never be made.
        _finish_failed(job, _("申请人已无权查看这些数据。"), retry=False)
        return
    except Exception as exc:
        log.exception("indicators: export %s failed (attempt %s)", job.pk, job.attempts)
        _finish_failed(job, f"{type(exc).__name__}: {exc}"[:2000], retry=True)
        return
    stored = job.file.storage.save(f"exports/{job.pk}-{job.attempts}{_suffix(filename)}",
                                   ContentFile(content))
    finished = ExportJob.objects.filter(pk=job.pk, state=State.RUNNING,
                                        attempts=job.attempts).update(
        state=State.DONE, progress=100, file=stored, filename=filename, last_error="",
        finished_at=timezone.now(), heartbeat_at=timezone.now())
    if not finished:  # claimed again meanwhile (this worker was taken for dead): not ours
        job.file.storage.delete(stored)


def _suffix(filename: str) -> str:
    return filename[filename.rfind("."):] if "." in filename else ""


def _finish_failed(job: ExportJob, error: str, *, retry: bool) -> None:
    mine = ExportJob.objects.filter(pk=job.pk, state=State.RUNNING, attempts=job.attempts)
    if retry and job.attempts < settings.INDICATORS_EXPORT_MAX_ATTEMPTS:
        delay = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(job.attempts - 1, 0)
        mine.update(state=State.PENDING, last_error=error,
                    next_attempt_at=timezone.now() + dt.timedelta(seconds=delay))
    else:
        mine.update(state=State.FAILED, last_error=error, finished_at=timezone.now())


def forget_old_exports(limit: int = 50) -> int:
    """Delete finished jobs (and their files) older than INDICATORS_EXPORT_KEEP_DAYS."""
    cutoff = timezone.now() - dt.timedelta(days=settings.INDICATORS_EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(state__in=[State.DONE, State.FAILED],
                                        finished_at__lt=cutoff)[:limit])
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(old)


def run_due_exports() -> int:
    """The outbox worker's hook: make at most one due export; how many it made (0 or 1).
    Old files are removed on the way."""
    forgotten = forget_old_exports()
    job = claim_export()
    if job is None:
        return forgotten
    make_export(job)
    return forgotten + 1


_exporter: threading.Thread | None = None
_exporter_lock = threading.Lock()


def _export_until_none_due() -> None:
    try:
        while run_due_exports():
            pass
    except Exception:  # the job rows keep the state; the next start retries
        log.exception("background exports stopped")
    finally:
        connections.close_all()  # this thread's own connections


def start_due_exports() -> int:
    """The outbox worker's hook: when an export is due and this process is not already
    making exports, start a thread that makes them one after another (each claimed with
    SKIP LOCKED, so several workers share them). Answers 0: the worker loop has nothing to
    hurry for. The thread is a daemon: a worker that stops leaves its running job to the
    lease, and another worker takes it again."""
    global _exporter
    with _exporter_lock:
        if _exporter is not None and _exporter.is_alive():
            return 0
        if not _due(timezone.now()).exists():
            return 0
        _exporter = threading.Thread(target=_export_until_none_due, name="indicator-exports",
                                     daemon=True)
        _exporter.start()
    return 0


def wait_for_exports(timeout: float | None = None) -> None:
    """Wait for this process's export thread, if one runs (tests, a clean shutdown)."""
    thread = _exporter
    if thread is not None:
        thread.join(timeout)
