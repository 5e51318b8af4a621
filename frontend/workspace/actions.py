"""The actions on a case page: one form per transition this user may take now.

Each form is the transition's own form class (`TransitionSpec.form`), so the fields, labels
and validation are the ones the service applies. This module only dresses it for a
browser: date pickers, choices narrowed to what makes sense on this case (the
organization's mediators, the commission's arbitrators with their recusal check), rows
for list inputs, and the page's unique element ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseFormSet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from disputes import inputs, rules, selectors
from disputes.lifecycle import TransitionSpec
from disputes.models import ArbitrationRecord, AwardItem, Claim, Dispute, Party
from frontend.workspace import forms as rows
from mediation.models import DeclaredRelation, Membership, Organization, Role

User = get_user_model()

# Roles a mediator is chosen from (the service checks membership again): a mediation
# organization's mediators; at the commission, its arbitrators mediate too.
MEDIATOR_ROLES = (Role.MEDIATOR, Role.ARBITRATOR)
LIST_FIELDS = frozenset({"claims", "items"})  # JSON lists, entered as rows


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def display_name(user: Any) -> str:
    """胡文斌 for Chinese names (family name first, no space), "Wenbin Hu" otherwise."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last and (_cjk(first) or _cjk(last)):
        return f"{last}{first}"
    return user.get_full_name() or user.get_username()


def _members(organization_id: int | None, roles: Iterable[str]) -> QuerySet[Any]:
    if organization_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(organization_id=organization_id, role__in=list(roles),
                                         is_active=True).values("user_id"),
    ).order_by("last_name", "first_name", "username")


def commission_id(dispute: Dispute) -> int | None:
    try:
        return dispute.arbitration.commission_id
    except ArbitrationRecord.DoesNotExist:
        return None


@dataclass(frozen=True)
class Candidate:
    """An arbitrator offered for the tribunal with the recusal check (Law art. 33)."""

    user: Any
    name: str
    conflicts: list[str]
    checked: bool

    @property
    def barred(self) -> bool:
        return bool(self.conflicts)


@dataclass(frozen=True)
class SimplifiedHint:
    """Whether the case may be accepted for simplified handling (Rules arts. 56, 57), for
    what the filing officer has ticked so far, in the page's language."""

    eligible: bool
    reasons: list[tuple[str, str]]  # (text, basis)


# The accept form's findings, as `selectors.simplified_eligibility` names them.
SIMPLIFIED_FINDINGS = ("facts_clear", "parties_agree", "public_interest", "major_social_impact",
                       "respondent_unknown")


def _ticked(value: Any) -> bool:
    return str(value).lower() in {"on", "true", "1", "yes"}


def simplified_hint(dispute: Dispute, answers: Any = None) -> SimplifiedHint:
    """The engine's decision for these answers (a submission or a query string; nothing
    ticked when None): the amount and the year come from the case itself."""
    found = {name: _ticked(answers.get(name, "")) if answers is not None else False
             for name in SIMPLIFIED_FINDINGS}
    decision = selectors.simplified_eligibility(dispute, **found)
    english = (get_language() or "zh-hans").startswith("en")
    return SimplifiedHint(
        eligible=decision.eligible,
        reasons=[(r.en if english else r.zh, r.basis) for r in decision.reasons],
    )


@dataclass(frozen=True)
class AwardLine:
    claim: Claim
    row: forms.Form


class _Action:
    """An action of the case page, named after its transition."""

    spec: TransitionSpec

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return self.spec.label


@dataclass(frozen=True)
class Pending(_Action):
    """An action shown as its button only: the form is fetched when it is opened (htmx), or
    on its own page without JavaScript. Building every form up front costs the case page
    most of its time (choices, recusal checks, award rows)."""

    spec: TransitionSpec
    lazy: bool = True
    posted: bool = False


@dataclass
class ActionForm(_Action):
    spec: TransitionSpec
    form: inputs.TransitionForm
    version: int
    claim_rows: BaseFormSet[Any] | None = None
    award_lines: list[AwardLine] = field(default_factory=list)
    award_rows: BaseFormSet[Any] | None = None
    candidates: list[Candidate] = field(default_factory=list)
    simplified: SimplifiedHint | None = None
    posted: bool = False
    available: bool = True  # False: kept only so the input is not lost
    lazy: bool = False

    @property
    def forms_tribunal(self) -> bool:
        return "arbitrators" in self.form.fields

    @property
    def plain_fields(self) -> list[forms.BoundField]:
        """The fields rendered one after another (list and tribunal fields have their own)."""
        special = {*LIST_FIELDS, "arbitrators"}
        return [self.form[name] for name in self.form.fields if name not in special]

    @property
    def list_errors(self) -> list[str]:
        errors: list[str] = []
        for name in LIST_FIELDS:
            if name in self.form.fields:
                errors.extend(str(e) for e in self.form[name].errors)
        return errors

    @property
    def has_errors(self) -> bool:
        row_errors = any(
            r is not None and (r.total_error_count() if r.is_bound else 0)
            for r in (self.claim_rows, self.award_rows)
        )
        return bool(self.posted and (self.form.errors or row_errors))


def _offer(f: forms.ModelChoiceField, queryset: QuerySet[Any]) -> None:
    """Offer only these choices. Validation stays the form's own (and the service checks
    membership again), so the page and the API accept and refuse the same input."""
    shown = forms.ModelChoiceField(queryset=queryset, empty_label=f.empty_label)
    if queryset.model is User:
        shown.label_from_instance = display_name  # type: ignore[assignment]
    f.widget.choices = shown.choices


def _dress(form: inputs.TransitionForm, dispute: Dispute) -> None:
    """Browser widgets and the choices that make sense on this case; validation untouched."""
    today = timezone.localdate()
    for name, f in form.fields.items():
        if isinstance(f, forms.DateTimeField):
            f.widget = forms.DateTimeInput(attrs={"type": "datetime-local"},
                                           format="%Y-%m-%dT%H:%M")
            f.widget.is_required = f.required
        elif isinstance(f, forms.DateField):
            f.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            f.widget.is_required = f.required
            if isinstance(f, inputs.DateInput):
                f.widget.attrs["max"] = today.isoformat()
                f.help_text = _("不填即为今天。")
        if (isinstance(f, forms.ChoiceField) and not isinstance(f, forms.ModelChoiceField)
                and not f.required):
            # An optional choice starts empty, so nothing is chosen by accident (the award's
            # result: the service requires it for the final award, not for a partial one).
            choices: list[tuple[Any, Any]] = list(f.choices)  # type: ignore[arg-type]
            if "" not in {str(value) for value, _label in choices}:
                f.widget.choices = [("", "---------"), *choices]
        if not isinstance(f, forms.ModelChoiceField) or isinstance(
                f, forms.ModelMultipleChoiceField):
            continue
        if name == "organization" and isinstance(form, inputs.RouteForm):
            _offer(f, Organization.objects.filter(
                is_active=True, district_id=dispute.district_id,
                kind__in=form.organization_kinds).order_by("name"))
        elif name == "mediator":
            _offer(f, _members(dispute.organization_id, MEDIATOR_ROLES))
        elif name == "presiding":
            _offer(f, _members(commission_id(dispute), [Role.ARBITRATOR]))
        elif f.queryset is not None and f.queryset.model is User:
            # A person field not known here: the case organization's staff, never everyone.
            _offer(f, _members(dispute.organization_id, [r.value for r in Role
                                                         if r != Role.SUPERVISOR]))


def recusal_candidates(form: inputs.TransitionForm, dispute: Dispute) -> list[Candidate]:
    """Each of the commission's arbitrators with the declared relations that bar them from
    this case (rules.recusal_conflicts, the check the service applies on formation)."""
    users = list(_members(commission_id(dispute), [Role.ARBITRATOR]))
    relations: dict[int, list[rules.ArbitratorRelation]] = {}
    for r in DeclaredRelation.objects.filter(user__in=users):
        relations.setdefault(r.user_id, []).append(rules.ArbitratorRelation(
            kind=r.kind, counterpart_name=r.counterpart_name,
            counterpart_identifier=r.counterpart_identifier))
    parties = [rules.PartyRef(name=p.name, identifier=p.id_number)
               for p in Party.objects.filter(dispute=dispute)]
    english = (get_language() or "zh-hans").startswith("en")
    posted = (form.data.get("arbitrators") or []) if form.is_bound else []
    chosen = {str(v) for v in (posted if isinstance(posted, list) else [posted])}
    candidates = []
    for user in users:
        conflicts = rules.recusal_conflicts(relations.get(user.pk, []), parties)
        candidates.append(Candidate(
            user=user, name=display_name(user),
            conflicts=[(c.reason_en if english else c.reason_zh) + f"（{c.basis}）"
                       for c in conflicts],
            checked=str(user.pk) in chosen,
        ))
    return candidates


def open_claims(dispute: Dispute) -> list[Claim]:
    """Claims an award may still decide: not withdrawn, not decided by a partial award.
    Read once per page (the partial and the final award forms both ask)."""
    cached: list[Claim] | None = getattr(dispute, "_open_claims", None)
    if cached is None:
        decided = set(AwardItem.objects.filter(award__record__dispute=dispute)
                      .values_list("claim_id", flat=True))
        cached = [c for c in dispute.claims.all() if not c.is_withdrawn and c.pk not in decided]
        dispute._open_claims = cached  # type: ignore[attr-defined]
    return cached


def build(spec: TransitionSpec, dispute: Dispute, *, data: Any = None,
          post: QueryDict | None = None, add_row: bool = False,
          available: bool = True) -> ActionForm:
    """The action's form: unbound, or bound to what was posted (`data` holds the fields
    as the service takes them, `post` the raw submission for the rows)."""
    auto_id = f"id_{spec.name}_%s"
    form = spec.form(data, dispute=dispute, auto_id=auto_id)
    _dress(form, dispute)
    action = ActionForm(spec=spec, form=form, version=dispute.version, posted=data is not None,
                        available=available)
    if "claims" in form.fields:
        action.claim_rows = rows.claim_rows(post, auto_id=auto_id, add_row=add_row)
    if "items" in form.fields:
        claims = open_claims(dispute)
        action.award_rows = rows.award_rows([c.pk for c in claims], post, auto_id=auto_id)
        by_pk = {c.pk: c for c in claims}
        lines = []
        for row in action.award_rows.forms:
            claim_pk = row["claim"].value()
            try:
                claim = by_pk.get(int(claim_pk))
            except (TypeError, ValueError):
                claim = None
            if claim is not None:
                lines.append(AwardLine(claim=claim, row=row))
        action.award_lines = lines
    if "arbitrators" in form.fields:
        action.candidates = recusal_candidates(form, dispute)
    if isinstance(form, inputs.AcceptForm):
        action.simplified = simplified_hint(dispute, data)
    return action


@dataclass
class Submission:
    """One posted action form, kept to show it again with what was typed."""

    spec: TransitionSpec
    data: dict[str, Any]  # the service's input, as `posted_data` assembled it
    post: QueryDict  # the raw submission, for the rows
    add_row: bool = False
    error: ValidationError | None = None  # what the service refused, if it did


def bound(submission: Submission, dispute: Dispute, *, available: bool = True) -> ActionForm:
    """The submitted form again, bound to its input, with the errors next to the fields."""
    action = build(submission.spec, dispute, data=submission.data, post=submission.post,
                   add_row=submission.add_row, available=available)
    if submission.error is not None and action.form.is_valid():
        add_service_errors(action, submission.error)  # found by the service, not the form
    return action


def posted_data(spec: TransitionSpec, post: QueryDict) -> tuple[dict[str, Any], bool]:
    """The service's input from a submission: plain fields as posted, list fields assembled
    from their rows. False when a row is invalid: then nothing is sent to the service (a
    bad row would otherwise be dropped silently) and the rows show their errors."""
    data: dict[str, Any] = {}
    for name, f in spec.form.base_fields.items():
        if name in LIST_FIELDS:
            continue
        if isinstance(f, forms.ModelMultipleChoiceField):
            data[name] = post.getlist(name)
        elif name in post:
            data[name] = post[name]
    rows_ok = True
    if "claims" in spec.form.base_fields:
        claim_rows = rows.claim_rows(post, auto_id="%s")
        rows_ok = claim_rows.is_valid()
        data["claims"] = rows.claims_from(claim_rows)
    if "items" in spec.form.base_fields:
        award_rows = rows.AwardRows(post, prefix="items")
        rows_ok = award_rows.is_valid()
        data["items"] = rows.items_from(award_rows)
    return data, rows_ok


def add_service_errors(action: ActionForm, error: ValidationError) -> None:
    """Errors the service found after the form passed (recusal, dates against the record)
    go next to their field; others above the form."""
    form = action.form
    form.is_valid()
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            target = key if key in form.fields else None
            for e in errors:
                for message in ValidationError(e).messages:
                    if message not in form.errors.get(target or "__all__", []):
                        form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
