"""The supervision pages: the dashboard and the drill-down list behind any of its numbers.

Supervisors see their districts, organization staff their organizations (indicators.access);
anyone else signed in gets 403, a district or organization outside the reader's scope 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from disputes import access as case_access
from disputes.errors import ActionNotPermitted, NotInScope
from disputes.models import Dispute
from indicators import drilldown
from indicators.access import access_filters, indicator_scope
from indicators.api import CasesQuery, ScopeQuery, flag_value
from indicators.dashboard import build_dashboard
from indicators.definitions import current_definitions
from indicators.figures import Filters
from indicators.maintenance import catch_up_before_reading
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
        "rows": rows, "title": _("%(name)s：%(part)s") % {"name": definition.name,
                                                          "part": part.label},
    })
