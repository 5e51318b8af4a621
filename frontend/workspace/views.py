"""The staff workspace pages. Thin: scope and reads come from `disputes.access` and the
modules beside this one, every change goes through `disputes.services.dispute_transition`.

A case outside the user's scope answers 404, never 403 (STYLE.md habit 7). A submitted
action that fails keeps everything that was typed: the page is rendered again with the
form bound to the submission and the reason next to the field or above the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from disputes import access
from disputes.errors import ActionNotPermitted, NotInScope, StaleVersion
from disputes.lifecycle import TRANSITIONS
from disputes.services import dispute_transition
from frontend.forms import EvidenceForm, save_evidence
from frontend.workspace import actions, hearings
from frontend.workspace.casepage import case_context, load_case
from frontend.workspace.queue import build_queue, may_use_workspace


def _staff_only(request: HttpRequest) -> None:
    if not may_use_workspace(request.user):
        raise PermissionDenied(_("工作台仅供调解组织、仲裁委员会和人社局的工作人员使用。"))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    context = {"queue": build_queue(request.user, request.GET),
               "calendar": hearings.may_see_calendar(request.user)}
    htmx: Any = getattr(request, "htmx", None)
    if htmx and htmx.target == "queue-list":
        return render(request, "workspace/_queue_list.html", context)
    return render(request, "workspace/queue.html", context)


def _case_or_404(request: HttpRequest, dispute_id: int) -> Any:
    try:
        return load_case(request.user, dispute_id)
    except NotInScope as exc:
        raise Http404 from exc


def _dispute_or_404(request: HttpRequest, dispute_id: int) -> Any:
    """The case row alone (no page prefetches), or 404 outside the user's scope."""
    try:
        return access.access_dispute(request.user, dispute_id)
    except NotInScope as exc:
        raise Http404 from exc


def _render_case(request: HttpRequest, dispute_id: int, *,
                 posted: actions.Submission | None = None, status: int = 200,
                 evidence_form: EvidenceForm | None = None) -> HttpResponse:
    """The case page as it is now; `posted` shows one action bound to its submission. The
    other actions are buttons whose forms are fetched when opened (`action_form`)."""
    dispute = _case_or_404(request, dispute_id)
    context = case_context(request.user, dispute)
    forms: list[actions.ActionForm | actions.Pending] = []
    available = access.available_transitions(request.user, dispute)
    for spec in available:
        if posted is not None and spec.name == posted.spec.name:
            forms.append(actions.bound(posted, dispute))
        else:
            forms.append(actions.Pending(spec))
    unsent = None
    if posted is not None and posted.spec.name not in {s.name for s in available}:
        # The action is no longer possible now; the input is shown so it is not lost.
        unsent = actions.bound(posted, dispute, available=False)
    may_add = access.may_add_evidence(request.user, dispute)
    context.update({"actions": forms, "unsent": unsent,
                    "calendar": hearings.may_see_calendar(request.user),
                    "may_add_evidence": may_add,
                    "evidence_form": (evidence_form or EvidenceForm(prefix="evidence"))
                    if may_add else None})
    htmx: Any = getattr(request, "htmx", None)
    if htmx and htmx.target == "case-details":
        return render(request, "workspace/_case_details.html", context, status=status)
    return render(request, "workspace/case.html", context, status=status)


@login_required
@require_GET
def case(request: HttpRequest, dispute_id: int) -> HttpResponse:
    if not may_use_workspace(request.user):
        # A party follows their case in the portal, which shows it in their words.
        _case_or_404(request, dispute_id)  # 404 first: nothing said about others' cases
        try:
            return HttpResponseRedirect(reverse("frontend:my_case", args=[dispute_id]))
        except NoReverseMatch as exc:
            raise Http404 from exc
    return _render_case(request, dispute_id)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, dispute_id: int, name: str) -> HttpResponse:
    """GET: the action's form (a fragment for htmx, its own page otherwise). POST: do it."""
    if request.method == "POST":
        return act(request, dispute_id, name)
    return action_form(request, dispute_id, name)


def action_form(request: HttpRequest, dispute_id: int, name: str) -> HttpResponse:
    spec = TRANSITIONS.get(name)
    if spec is None or not may_use_workspace(request.user):
        raise Http404
    dispute = _dispute_or_404(request, dispute_id)
    htmx: Any = getattr(request, "htmx", None)
    template = "workspace/_action_fragment.html" if htmx else "workspace/action.html"
    context: dict[str, Any] = {"dispute": dispute, "spec": spec, "action": None}
    if not access.can_perform(request.user, dispute, name):
        raise PermissionDenied(_("您不能对本案执行「%(action)s」。") % {"action": spec.label})
    if spec.name not in {s.name for s in access.available_transitions(request.user, dispute)}:
        return render(request, template, context, status=409)  # the state has moved on
    context["action"] = actions.build(spec, dispute)
    return render(request, template, context)


@login_required
@require_GET
def simplified(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The simplified-procedure hint for the findings ticked on the accept form (htmx)."""
    if not may_use_workspace(request.user):
        raise Http404
    dispute = _dispute_or_404(request, dispute_id)
    if not access.can_perform(request.user, dispute, "accept"):
        raise PermissionDenied(_("您不能对本案执行「%(action)s」。")
                               % {"action": TRANSITIONS["accept"].label})
    return render(request, "workspace/_simplified_hint.html",
                  {"hint": actions.simplified_hint(dispute, request.GET)})


@login_required
@require_POST
def add_evidence(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """Staff add evidence to a case they handle (the service checks the file's content)."""
    if not may_use_workspace(request.user):
        raise Http404  # parties add theirs in the portal
    dispute = _dispute_or_404(request, dispute_id)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if not access.may_add_evidence(request.user, dispute):
        messages.error(request, _("您不能为本案补充证据。"))
        return _render_case(request, dispute_id, status=403)
    if form.is_valid():
        added = save_evidence(form, dispute, request.user)  # type: ignore[arg-type]
        if added and not form.errors:
            messages.success(request, _("已上传 %(n)d 个证据文件。") % {"n": added})
            return HttpResponseRedirect(
                reverse("workspace:case", args=[dispute_id]) + "#case-evidence-title", status=303)
        if added:
            messages.info(request, _("已上传 %(n)d 个证据文件，其余文件未上传。") % {"n": added})
    return _render_case(request, dispute_id, status=400, evidence_form=form)


def act(request: HttpRequest, dispute_id: int, name: str) -> HttpResponse:
    spec = TRANSITIONS.get(name)
    if spec is None or not may_use_workspace(request.user):
        raise Http404  # parties act from the portal (or the API)
    try:
        dispute = access.access_dispute(request.user, dispute_id)
    except NotInScope as exc:
        raise Http404 from exc
    data, rows_ok = actions.posted_data(spec, request.POST)
    posted = actions.Submission(spec=spec, data=data, post=request.POST)
    if not access.can_perform(request.user, dispute, name):  # 403 before any input check
        messages.error(request, _("您不能对本案执行「%(action)s」。") % {"action": spec.label})
        return _render_case(request, dispute_id, posted=posted, status=403)
    version = _version(request)
    if "add_row" in request.POST:
        posted.add_row = True
        return _render_case(request, dispute_id, posted=posted)
    if version is None:
        messages.error(request, _("页面缺少案件版本号，请重新加载页面后再提交。"))
        return _render_case(request, dispute_id, posted=posted, status=400)
    if not rows_ok:
        messages.error(request, _("提交的内容有误，请按提示修改。"))
        return _render_case(request, dispute_id, posted=posted, status=400)
    try:
        dispute_transition(dispute=dispute, actor=request.user, name=name, data=data,
                           expected_version=version)
    except ValidationError as exc:
        posted.error = exc
        messages.error(request, _("提交的内容有误，请按提示修改。"))
        if dispute.version != version:
            messages.warning(request, _("本案在您填写期间已被他人更新，本页已显示最新情况。"))
        return _render_case(request, dispute_id, posted=posted, status=400)
    except StaleVersion:
        messages.warning(request, _(
            "本案在您填写期间已被他人更新，操作未执行。本页已重新加载为最新情况，请核对后再提交；"
            "您填写的内容保留在下方。"))
        return _render_case(request, dispute_id, posted=posted, status=409)
    except TransitionNotAllowed:
        messages.error(request, _("案件当前状态不允许「%(action)s」，可能已由他人处理。操作未执行。")
                       % {"action": spec.label})
        return _render_case(request, dispute_id, posted=posted, status=409)
    except ActionNotPermitted:
        messages.error(request, _("您不能对本案执行「%(action)s」。") % {"action": spec.label})
        return _render_case(request, dispute_id, posted=posted, status=403)
    messages.success(request, _("已完成：%(action)s。") % {"action": spec.label})
    if access.disputes_for_user(request.user).filter(pk=dispute_id).exists():
        target = reverse("workspace:case", args=[dispute_id])
    else:  # the action moved the case out of the user's scope (routed to another center)
        target = reverse("workspace:queue")
    return HttpResponseRedirect(target, status=303)


def _start(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def hearing_calendar(request: HttpRequest) -> HttpResponse:
    if not hearings.may_see_calendar(request.user):
        raise PermissionDenied(_("开庭日历仅供仲裁委员会的工作人员使用。"))
    start = _start(request)
    days = hearings.calendar_days(request.user, start)
    return render(request, "workspace/hearings.html", {
        "days": days, "start": start,
        "end": start + dt.timedelta(days=hearings.DAYS_SHOWN - 1),
        "previous": start - dt.timedelta(days=hearings.DAYS_SHOWN),
        "next": start + dt.timedelta(days=hearings.DAYS_SHOWN),
        "today": timezone.localdate(),
    })
