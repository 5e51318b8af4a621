"""The supervision pages: the dashboard and the drill-down list behind any of its numbers.

Supervisors see their districts, organization staff their organizations (indicators.access);
anyone else signed in gets 403, a district or organization outside the reader's scope 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disputes import access as case_access
from disputes.errors import ActionNotPermitted, NotInScope
from disputes.models import Dispute
from indicators import drilldown
from indicators.access import access_filters, indicator_scope
from indicators.api import CasesQuery, ScopeQuery, flag_value
from indicators.dashboard import build_dashboard
from indicators.definitions import current_definitions
from indicators.export_api import export_file_response
from indicators.export_jobs import ExportRefused, export_for_user, export_request
from indicators.figures import Filters
from indicators.maintenance import catch_up_before_reading
from indicators.models import ExportJob
from indicators.report import COLUMNS
from mediation.models import Organization

PAGE_SIZE = 100


def _filters(request: HttpRequest) -> tuple[Filters, dict[str, Any]]:
    query = ScopeQuery(data=request.GET)
    if not query.is_valid():
        raise BadRequest("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in query.errors.items()))
    data = query.validated_data
    try:
        filters = access_filters(
            request.user, district=data.get("district"), organization=data.get("organization"),
            street=data.get("street"), tier=data.get("tier"),
            dispute_type=data.get("dispute_type"), is_collective=flag_value(data.get("collective")),
            is_new_employment_form=flag_value(data.get("new_employment_form")),
            is_migrant_wage=flag_value(data.get("migrant_wage")),
        )
    except ActionNotPermitted as exc:
        raise PermissionDenied from exc
    except NotInScope as exc:
        raise Http404 from exc
    return filters, data


def _live_sockets(request: HttpRequest) -> list[str]:
    """Supervisors listen to the dashboard channel; organization staff to their queues."""
    scope = indicator_scope(request.user)
    sockets = ["/ws/dashboard/"] if scope.districts else []
    sockets += [f"/ws/queue/{org}/" for org in sorted(scope.organizations)]
    return sockets


def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    filters, _data = _filters(request)
    catch_up_before_reading()
    board = build_dashboard(current_definitions(), filters, timezone.localdate())
    scope_params = {k: str(v) for k, v in request.GET.items() if k in ScopeQuery().fields}
    context = {
        "board": board,
        "organization": (Organization.objects.filter(pk=filters.organization).first()
                         if filters.organization else None),
        "scope_query": urlencode(scope_params),
        "export_query": scope_params,
        "refresh_url": f"{request.path}?{urlencode({**scope_params, 'fragment': '1'})}",
        "live_sockets": " ".join(_live_sockets(request)),
        "columns": COLUMNS,
        "table_rows": [
            {"month": f"{row.month:%Y-%m}" if row.month else "",
             "values": [row[c.key] for c in COLUMNS]}
            for row in [*board.table.rows, board.table.total]
        ],
    }
    if request.GET.get("fragment"):
        return render(request, "indicators/_dashboard_body.html", context)
    return render(request, "indicators/dashboard.html", context)


def cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one number: the same definition, read from the case rows."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    filters, _data = _filters(request)
    query = CasesQuery(data=request.GET)
    if not query.is_valid():
        errors = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in query.errors.items())
        return render(request, "indicators/cases.html", {"error": errors}, status=400)
    data = query.validated_data
    definition, part = data["definition"], data["the_part"]
    items = drilldown.part_items(definition, part, data["period"], filters)
    visible = set(case_access.disputes_for_user(request.user).filter(
        pk__in={i.dispute_id for i in items}).values_list("pk", flat=True))
    items = [i for i in items if i.dispute_id in visible]
    page = items[data["offset"]:data["offset"] + PAGE_SIZE]
    disputes = Dispute.objects.filter(pk__in={i.dispute_id for i in page}).select_related(
        "arbitration", "organization").in_bulk()
    names = dict(Organization.objects.filter(pk__in={i.organization_id for i in page})
                 .values_list("pk", "name"))
    rows = [{"item": i, "dispute": disputes[i.dispute_id],
             "organization": names.get(i.organization_id, "")} for i in page]
    return render(request, "indicators/cases.html", {
        "definition": definition, "part": part, "period": data["period"], "count": len(items),
        "rows": rows, "export_query": {k: v for k, v in request.GET.items()
                                       if k in CasesQuery().fields and k not in ("limit", "offset")},
        "title": _("%(name)s：%(part)s") % {"name": definition.name,
                                                          "part": part.label},
    })


# -- background exports ------------------------------------------------------------------------

@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    """Queue an export (the form's `kind` and the page's query); answer its progress box."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    params = {k: v for k, v in request.POST.items() if k not in ("kind", "csrfmiddlewaretoken")}
    try:
        job = export_request(actor=request.user, kind=request.POST.get("kind", ""),
                             params=params)
    except ExportRefused as exc:
        raise BadRequest(str(exc.errors)) from exc
    except ActionNotPermitted as exc:
        raise PermissionDenied from exc
    except NotInScope as exc:
        raise Http404 from exc
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("indicators:export", job_id=job.pk)
    return render(request, "indicators/_export_job.html", {"job": job}, status=201)


def _job(request: HttpRequest, job_id: Any) -> ExportJob:
    try:
        return export_for_user(request.user, job_id)
    except NotInScope as exc:
        raise Http404 from exc


def export_status(request: HttpRequest, job_id: Any) -> HttpResponse:
    """The progress box (htmx polls it until the job ends), or a page around it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = _job(request, job_id)
    template = ("indicators/_export_job.html" if request.htmx  # type: ignore[attr-defined]
                else "indicators/export.html")
    return render(request, template, {"job": job})


def export_file(request: HttpRequest, job_id: Any) -> FileResponse:
    if not request.user.is_authenticated:
        raise Http404
    job = _job(request, job_id)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    return export_file_response(job)
