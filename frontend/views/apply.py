"""The online application: one guided page in six steps, then a receipt shown once.

Nothing typed is lost on a mistake: every step is re-shown with its answers and the error
next to the field (files excepted: a browser cannot be given a file back, so the page asks
to choose them again). A submission key in the form makes a double click or a resent POST
land on the first receipt instead of filing the case twice.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_fsm import TransitionNotAllowed

from disputes.errors import DisputeError
from disputes.models import Channel, Dispute, Party
from disputes.services import Application, ClaimInput, PartyInput, dispute_submit
from disputes.services.evidence import evidence_add
from frontend import forms as f
from frontend.context import display_name
from mediation.models import MEDIATION_KINDS, District, Organization, Street
from mediation.selectors import distance_km, travel_minutes

log = logging.getLogger(__name__)

RECEIPT_KEY = "frontend.receipt"  # the access code, for the one receipt page that shows it
SUBMITTED_KEY = "frontend.submitted"  # submission key -> case id, against double filing
NEAREST = 5


def current_district() -> District:
    district = District.objects.filter(code=settings.DISTRICT_CODE).first()
    return district or District.objects.order_by("pk").first() or _no_district()


def _no_district() -> District:
    raise ImproperlyConfigured("No district on file: run seed_demo or add one in the admin.")


@dataclass(frozen=True)
class PointChoice:
    """A mediation point as the "where" step lists it."""

    organization: Organization
    distance_km: float | None
    travel_minutes: int | None

    @property
    def within_circle(self) -> bool:
        return self.travel_minutes is not None and \
            self.travel_minutes <= settings.SERVICE_CIRCLE_MINUTES


def selectable_points(district: District, credit_code: str = "") -> list[Organization]:
    """Street centers, union studios and other public mediation points of the district;
    an enterprise committee only for its own employer's workers."""
    points = Organization.objects.filter(
        district=district, is_active=True, kind__in=MEDIATION_KINDS,
    ).exclude(kind=Organization.Kind.ENTERPRISE_COMMITTEE)
    result = list(points.order_by("kind", "name"))
    if credit_code:
        own = Organization.objects.filter(
            district=district, is_active=True, kind=Organization.Kind.ENTERPRISE_COMMITTEE,
            enterprise_credit_code=credit_code.strip().upper(),
        )
        result = list(own) + result
    return result


def ordered_points(points: list[Organization], latitude: Decimal | float | None,
                   longitude: Decimal | float | None) -> list[PointChoice]:
    """Nearest first (mediation.selectors' distance and travel estimate) when a location is
    known, the enterprise committee of the employer always first; otherwise as given."""
    if latitude is None or longitude is None:
        return [PointChoice(org, None, None) for org in points]
    own = [PointChoice(o, None, None) for o in points
           if o.kind == Organization.Kind.ENTERPRISE_COMMITTEE]
    located = []
    for org in points:
        if org.kind == Organization.Kind.ENTERPRISE_COMMITTEE or org.latitude is None \
                or org.longitude is None:
            continue
        km = distance_km(float(latitude), float(longitude), float(org.latitude),
                         float(org.longitude))
        located.append(PointChoice(org, round(km, 1), travel_minutes(km)))
    located.sort(key=lambda p: p.distance_km or 0.0)
    return own + located[:NEAREST]


def location_of(data: Any, streets: QuerySet[Street]) -> tuple[Any, Any]:
    """The location to measure from: the chosen street's centre, or the browser's location
    (the hidden fields; choosing "my location" clears the street)."""
    street_id = data.get("where-street") or ""
    if street_id.isdigit():
        street = streets.filter(pk=int(street_id)).first()
        if street is not None:
            return street.latitude, street.longitude
    try:
        lat = Decimal(data.get("where-latitude") or "")
        lon = Decimal(data.get("where-longitude") or "")
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    except (ArithmeticError, ValueError, TypeError):
        pass
    return None, None


class ApplicationForms:
    """The six steps, bound together."""

    def __init__(self, request: HttpRequest, district: District) -> None:
        post = request.method == "POST"
        data = request.POST.copy() if post else None
        if data is not None and "add_claim" in data:
            total = int(data.get("claims-TOTAL_FORMS") or "1")
            data["claims-TOTAL_FORMS"] = str(min(total + 1, f.MAX_CLAIMS))
        files = request.FILES if post else None
        user = request.user
        self.streets = Street.objects.filter(district=district).order_by("code")
        self.applicant = f.ApplicantForm(data, prefix="me", initial={
            "name": display_name(user) if getattr(user, "last_name", "") else ""})
        self.employer = f.EmployerForm(data, prefix="employer")
        self.facts = f.FactsForm(data, prefix="facts")
        self.claims = f.ClaimFormSet(data, prefix="claims")
        self.evidence = f.EvidenceForm(data, files, prefix="evidence")
        credit_code = (data.get("employer-credit_code") or "") if data is not None else ""
        self.points = selectable_points(district, credit_code)
        self.where = f.WhereForm(data, prefix="where", streets=self.streets, points=self.points)
        self.declaration = f.DeclarationForm(data, prefix="decl")
        self.general_errors: list[str] = []
        self.data = data

    def all(self) -> list[Any]:
        return [self.applicant, self.employer, self.facts, self.claims, self.evidence,
                self.where, self.declaration]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all()])  # noqa: C419 (every step: all errors at once)

    def has_errors(self) -> bool:
        return bool(self.general_errors) or any(
            bool(form.errors) if not isinstance(form, f.ClaimFormSet)
            else bool(form.total_error_count()) for form in self.all())

    def error_summary(self) -> list[dict[str, str]]:
        """Every error with a link to its field, for the summary at the top of the page."""
        items: list[dict[str, str]] = []
        step_anchor = {id(self.applicant): "step-1", id(self.employer): "step-2",
                       id(self.facts): "step-3", id(self.evidence): "step-5",
                       id(self.where): "step-6", id(self.declaration): "step-confirm"}
        for form in [self.applicant, self.employer, self.facts, self.evidence, self.where,
                     self.declaration]:
            for name, errors in form.errors.items():
                if name == "__all__":
                    label, anchor = str(_("本步")), step_anchor[id(form)]
                else:
                    label = str(form[name].label)
                    anchor = "where-organization" if form is self.where and name == "organization" \
                        else form[name].auto_id
                items += [{"label": label, "anchor": anchor, "message": str(m)} for m in errors]
        for index, claim in enumerate(self.claims.forms):
            for name, errors in claim.errors.items():
                label = _("请求 %(n)d") % {"n": index + 1}
                if name != "__all__":
                    label = f"{label} · {claim[name].label}"
                anchor = f"claim-{index}" if name == "__all__" else claim[name].auto_id
                items += [{"label": label, "anchor": anchor, "message": str(m)} for m in errors]
        items += [{"label": str(_("请求")), "anchor": "step-4", "message": str(m)}
                  for m in self.claims.non_form_errors()]
        items += [{"label": str(_("申请")), "anchor": "apply-form", "message": m}
                  for m in self.general_errors]
        return items

    def filled_claims(self) -> list[Any]:
        return [form for form in self.claims.forms if form.has_changed()]

    def application(self, district: District) -> Application:
        me, employer, facts = (self.applicant.cleaned_data, self.employer.cleaned_data,
                               self.facts.cleaned_data)
        where = self.where.cleaned_data
        return Application(
            district=district,
            dispute_type=facts["dispute_type"],
            facts=facts["facts"],
            parties=[
                PartyInput(side=Party.Side.APPLICANT, kind=Party.Kind.WORKER, name=me["name"],
                           id_type=me["id_type"], id_number=me["id_number"], phone=me["phone"],
                           address=me["address"]),
                PartyInput(side=Party.Side.RESPONDENT, kind=Party.Kind.EMPLOYER,
                           name=employer["name"], id_type=Party.IdType.CREDIT_CODE,
                           id_number=employer["credit_code"], address=employer["address"]),
            ],
            claims=[ClaimInput(item_type=c.cleaned_data["item_type"],
                               description=c.cleaned_data["description"],
                               amount=c.cleaned_data.get("amount"))
                    for c in self.filled_claims()],
            received_on=timezone.localdate(),
            street=where.get("street"),
            requested_organization=self.where.chosen_organization(),
            is_new_employment_form=facts["is_new_employment_form"],
            is_migrant_wage=facts["is_migrant_wage"],
            knew_on=facts.get("knew_on"),
            employment_ended_on=facts.get("employment_ended_on"),
        )

    def place_service_errors(self, error: ValidationError) -> None:
        """The intake service's errors, next to the fields they concern."""
        claims = self.filled_claims()
        targets: dict[str, tuple[Any, str | None]] = {
            "dispute_type": (self.facts, "dispute_type"), "facts": (self.facts, "facts"),
            "knew_on": (self.facts, "knew_on"), "street": (self.where, "street"),
            "requested_organization": (self.where, "organization"),
            "parties[0]": (self.applicant, None), "parties[1]": (self.employer, None),
        }
        for key, messages_ in error.message_dict.items():
            if key in targets:
                form, field = targets[key]
                for message in messages_:
                    form.add_error(field, message)
            elif key.startswith("claims[") and key[7:-1].isdigit() and int(key[7:-1]) < len(claims):
                for message in messages_:
                    claims[int(key[7:-1])].add_error(None, message)
            else:
                self.general_errors.extend(messages_)

    def context(self, request: HttpRequest) -> dict[str, Any]:
        latitude, longitude = location_of(self.data or request.GET, self.streets)
        return {
            "forms": self, "applicant": self.applicant, "employer": self.employer,
            "facts": self.facts, "claims": self.claims, "evidence": self.evidence,
            "where": self.where, "declaration": self.declaration,
            "point_choices": ordered_points(self.points, latitude, longitude),
            "located": latitude is not None,
            "chosen": (self.data.get("where-organization") or "") if self.data is not None else "",
            "arbitration_value": f.ARBITRATION,
            "can_add_claim": self.claims.total_form_count() < f.MAX_CLAIMS,
        }


@never_cache
@sensitive_post_parameters("me-id_number", "me-phone")
@login_required
def apply(request: HttpRequest) -> HttpResponse:
    district = current_district()
    forms = ApplicationForms(request, district)
    submit = request.method == "POST" and not ({"add_claim", "find_points"} & set(request.POST))
    submission_key = request.POST.get("submission_key") or secrets.token_urlsafe(16)
    if submit:
        earlier = request.session.get(SUBMITTED_KEY, {}).get(submission_key)
        if earlier is not None:
            messages.info(request, _("这份申请已经提交过，未重复提交。"))
            return redirect("frontend:my_case", dispute_id=earlier)
        if forms.is_valid():
            try:
                result = dispute_submit(actor=request.user,  # type: ignore[arg-type]
                                        application=forms.application(district),
                                        channel=Channel.ONLINE)
            except ValidationError as exc:
                forms.place_service_errors(exc)
            else:
                return _after_submit(request, forms, result.dispute, result.access_code,
                                     result.warnings, submission_key)
        log.info("online application not accepted: corrections needed")
    context = forms.context(request)
    context.update(submission_key=submission_key, submitted=submit)
    status = 400 if submit and forms.has_errors() else 200
    return render(request, "frontend/apply/form.html", context, status=status)


def _after_submit(request: HttpRequest, forms: ApplicationForms, dispute: Dispute,
                  access_code: str, warnings: list[str], submission_key: str
                  ) -> HttpResponseRedirect:
    failed: list[str] = []
    evidence = forms.evidence.cleaned_data
    for upload in evidence.get("documents") or []:
        try:
            evidence_add(dispute=dispute, actor=request.user,  # type: ignore[arg-type]
                         upload=upload, description=evidence.get("description", ""))
        except (ValidationError, DisputeError, TransitionNotAllowed):
            failed.append(upload.name or "")
    submitted = request.session.get(SUBMITTED_KEY, {})
    submitted[submission_key] = dispute.pk
    request.session[SUBMITTED_KEY] = dict(list(submitted.items())[-20:])
    request.session[RECEIPT_KEY] = {
        "dispute": dispute.pk, "access_code": access_code, "failed_files": failed,
    }
    for warning in warnings:
        messages.warning(request, warning)
    return redirect("frontend:receipt")


@never_cache
@login_required
def receipt(request: HttpRequest) -> HttpResponse:
    """Shows the access code once: it leaves the session as the page is built, and the
    page tells browsers and proxies not to keep a copy."""
    shown = request.session.pop(RECEIPT_KEY, None)
    if shown is None:
        messages.info(request, _("回执上的查询码只显示一次。您可以在“我的案件”中随时查看进度。"))
        return redirect("frontend:my_cases")
    dispute = Dispute.objects.select_related("organization").filter(
        pk=shown["dispute"], parties__user=request.user).distinct().first()
    if dispute is None:
        return redirect("frontend:my_cases")
    response = render(request, "frontend/apply/receipt.html", {
        "dispute": dispute, "access_code": shown["access_code"],
        "failed_files": shown.get("failed_files", []),
        "my_case_url": reverse("frontend:my_case", args=[dispute.pk]),
    })
    response["Cache-Control"] = "no-store"
    return response


@login_required
def points(request: HttpRequest) -> HttpResponse:
    """The "where" step's list of mediation points for a street or a location (htmx)."""
    district = current_district()
    streets = Street.objects.filter(district=district)
    latitude, longitude = location_of(request.GET, streets)
    choices = ordered_points(
        selectable_points(district, request.GET.get("employer-credit_code", "")),
        latitude, longitude)
    return render(request, "frontend/apply/points.html", {
        "point_choices": choices, "located": latitude is not None,
        "chosen": request.GET.get("where-organization", ""),
        "arbitration_value": f.ARBITRATION, "field_name": "where-organization",
    })


@login_required
def employers(request: HttpRequest) -> HttpResponse:
    """Registered employers matching a name or credit code (htmx suggestions). Only
    employers the bureau lists as organizations (enterprise committees): whether a company
    was ever a respondent is not for the public to learn."""
    query = request.GET.get("employer-name", "").strip() or request.GET.get("q", "").strip()
    matches: list[Organization] = []
    if len(query) >= 2:
        matches = list(
            Organization.objects.filter(is_active=True,
                                        kind=Organization.Kind.ENTERPRISE_COMMITTEE)
            .exclude(enterprise_name="")
            .filter(enterprise_name__icontains=query)[:8]
        ) or list(
            Organization.objects.filter(is_active=True, enterprise_credit_code__startswith=query.upper())
            .exclude(enterprise_name="")[:8]
        )
    return render(request, "frontend/apply/employers.html", {"matches": matches})
