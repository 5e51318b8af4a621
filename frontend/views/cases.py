"""A party's view of cases: the public status look-up (tracking number + access code) and,
for a signed-in party, "my cases". Both pages refresh their live part through htmx when
live.js reports an event of the case."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from api import guards
from api.lookup import client_address, lookup_by_code
from disputes import access, selectors
from disputes.errors import NotInScope
from disputes.identifiers import mask_id_number
from disputes.models import TERMINAL, Dispute, Party
from disputes.tokens import status_token
from frontend.forms import EvidenceForm, LookupForm, RatingForm, save_evidence
from frontend.status import case_status, countdown
from satisfaction.selectors import rating_by
from satisfaction.services import satisfaction_rate

PUBLIC_KEY = "frontend.public_case"  # {"dispute": pk, "at": epoch seconds} after a look-up
NO_MATCH = gettext_lazy("查询编号或查询码不正确。")


# -- the public look-up ------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("access_code")
def status_lookup(request: HttpRequest) -> HttpResponse:
    """POST only carries the number and code; the case is then remembered in the session
    (never in the URL) for STATUS_TOKEN_MAX_AGE_SECONDS."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = lookup_by_code(form.cleaned_data["tracking_number"],
                                     form.cleaned_data["access_code"],
                                     client_address(request), source="web")
            if outcome.case is not None:
                request.session[PUBLIC_KEY] = {"dispute": outcome.case.pk, "at": time.time()}
                return redirect("frontend:status_view")
            if outcome.locked_until is not None:
                seconds = guards.retry_after_seconds(outcome.locked_until)
                form.add_error(None, _("查询失败次数过多，请 %(minutes)d 分钟后再试。")
                               % {"minutes": max(1, (seconds + 59) // 60)})
                response = render(request, "frontend/cases/lookup.html", {"form": form},
                                  status=429)
                response["Retry-After"] = str(seconds)
                return response
            form.add_error(None, str(NO_MATCH))
    return render(request, "frontend/cases/lookup.html", {"form": form}, status=status)


def _public_case(request: HttpRequest) -> Dispute | None:
    held = request.session.get(PUBLIC_KEY)
    if not isinstance(held, dict) or time.time() - float(held.get("at", 0)) > \
            settings.STATUS_TOKEN_MAX_AGE_SECONDS:
        request.session.pop(PUBLIC_KEY, None)
        return None
    return Dispute.objects.filter(pk=held.get("dispute")).first()


@never_cache
def status_view(request: HttpRequest) -> HttpResponse:
    dispute = _public_case(request)
    if dispute is None:
        messages.info(request, _("请输入查询编号和查询码。"))
        return redirect("frontend:status_lookup")
    context = case_status(dispute)
    applicant = _first_applicant(dispute)
    context.update(
        status_token=status_token(dispute), live_url=reverse("frontend:status_view"),
        public=True, rating=rating_by(applicant) if applicant else None,
        rating_form=RatingForm() if applicant and context["is_closed"] else None,
        rate_url="frontend:status_rate",
    )
    return _render_status(request, context)


@require_POST
def status_rate(request: HttpRequest) -> HttpResponse:
    """The access code was given to the applicant: its holder rates as the applicant."""
    dispute = _public_case(request)
    if dispute is None:
        return redirect("frontend:status_lookup")
    applicant = _first_applicant(dispute)
    if applicant is None:
        raise Http404
    return _rate(request, dispute, applicant, "frontend:status_view", {})


def _first_applicant(dispute: Dispute) -> Party | None:
    return Party.objects.filter(dispute=dispute, side=Party.Side.APPLICANT).order_by("pk").first()


# -- my cases ----------------------------------------------------------------------------


def _party_cases(request: HttpRequest) -> Any:
    user = request.user
    mine = Party.objects.filter(dispute=OuterRef("pk"), user_id=user.pk or 0)
    return access.disputes_for_user(user).filter(Exists(mine))


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    disputes = list(selectors.with_clock_data(_party_cases(request))
                    .select_related("organization").order_by("-received_on", "-pk")[:200])
    clocks = selectors.clocks_for_many(disputes)
    rows = []
    for dispute in disputes:
        running = [countdown(r) for r in clocks[dispute.pk] if r.state in ("running", "overdue")]
        rows.append({"dispute": dispute, "next": min(running, key=lambda c: c.due_on)
                     if running else None})
    return render(request, "frontend/cases/my_cases.html", {"rows": rows})


def _my_case(request: HttpRequest, dispute_id: int) -> tuple[Dispute, Party]:
    """The case if the user is one of its parties; 404 otherwise (staff included: their
    pages are the workspaces)."""
    try:
        dispute = access.access_dispute(request.user, dispute_id)
    except NotInScope as exc:
        raise Http404 from exc
    party = (Party.objects.filter(dispute=dispute, user_id=request.user.pk or 0)
             .order_by("pk").first())
    if party is None:
        raise Http404
    return dispute, party


@never_cache
@login_required
def my_case(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute, party = _my_case(request, dispute_id)
    return _my_case_page(request, dispute, party, EvidenceForm(prefix="evidence"))


def _my_case_page(request: HttpRequest, dispute: Dispute, party: Party,
                  evidence_form: EvidenceForm, rating_form: RatingForm | None = None,
                  status: int = 200) -> HttpResponse:
    context = case_status(dispute)
    context.update(
        live_url=reverse("frontend:my_case", args=[dispute.pk]), public=False, party=party,
        own_id_masked=mask_id_number(party.id_number),
        claims=list(dispute.claims.filter(is_withdrawn=False).order_by("pk")),
        evidence=list(dispute.evidence.order_by("pk").only(
            "original_name", "description", "uploaded_at", "dispute_id")),
        may_add_evidence=access.may_add_evidence(request.user, dispute),
        evidence_form=evidence_form,
        rating=rating_by(party),
        rating_form=rating_form or (RatingForm() if dispute.status in TERMINAL else None),
        rate_url="frontend:rate",
    )
    return _render_status(request, context, status=status)


@require_POST
@login_required
def add_evidence(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute, party = _my_case(request, dispute_id)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        added = save_evidence(form, dispute, request.user)  # type: ignore[arg-type]
        if added and not form.errors:
            messages.success(request, _("已上传 %(n)d 个证据文件。") % {"n": added})
            return redirect("frontend:my_case", dispute_id=dispute.pk)
    return _my_case_page(request, dispute, party, form, status=400)


@require_POST
@login_required
def rate(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute, party = _my_case(request, dispute_id)
    return _rate(request, dispute, party, "frontend:my_case", {"dispute_id": dispute.pk})


def _rate(request: HttpRequest, dispute: Dispute, party: Party, back: str,
          kwargs: dict[str, Any]) -> HttpResponse:
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            satisfaction_rate(dispute=dispute, party=party, score=form.cleaned_data["score"],
                              comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(None if field not in form.fields else field, error)
        else:
            messages.success(request, _("感谢您的评价！"))
            return redirect(back, **kwargs)
    if back == "frontend:my_case":
        return _my_case_page(request, dispute, party, EvidenceForm(prefix="evidence"), form,
                             status=400)
    context = case_status(dispute)
    context.update(status_token=status_token(dispute), live_url=reverse("frontend:status_view"),
                   public=True,
                   rating=rating_by(party), rating_form=form, rate_url="frontend:status_rate")
    return _render_status(request, context, status=400)


def _render_status(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The whole page, or only its live part when htmx asks after a case event."""
    if getattr(request, "htmx", False) and request.method == "GET":
        return render(request, "frontend/cases/_live.html", context)
    return render(request, "frontend/cases/status.html", context, status=status)
