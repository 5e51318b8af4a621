"""The input each transition needs, as Django forms: one definition that validates for the
services, the API and the web pages alike (the API turns `errors` into a 400)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from disputes.models import MAX_AMOUNT, Award, AwardItem, ClaimType, Dispute, Procedure, Suspension
from mediation.models import Organization

User = get_user_model()


def _not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"), code="future_date")


class DateInput(forms.DateField):
    """A date of something that already happened (today by default)."""

    def __init__(self, label: StrOrPromise, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(label=label, validators=[_not_future], **kwargs)

    def clean(self, value: Any) -> date:
        cleaned = super().clean(value)
        return cleaned or timezone.localdate()


class AmountField(forms.DecimalField):
    def __init__(self, label: StrOrPromise, **kwargs: Any) -> None:
        super().__init__(
            label=label, max_digits=12, decimal_places=2, min_value=Decimal("0"),
            max_value=MAX_AMOUNT, **kwargs,
        )


class TransitionForm(forms.Form):
    """Base: knows the dispute, so dates can be checked against its history."""

    date_fields: tuple[str, ...] = ()

    def __init__(self, data: Any = None, *, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.dispute = dispute

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.date_fields:
            value = cleaned.get(name)
            if value is not None and value < self.dispute.received_on:
                self.add_error(name, ValidationError(
                    _("日期不能早于收件日期 %(d)s。"), code="before_receipt",
                    params={"d": self.dispute.received_on.isoformat()},
                ))
        return cleaned


class RouteForm(TransitionForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.filter(is_active=True), label=_("调解组织"),
        error_messages={"invalid_choice": _("所选调解组织不存在或已停用。")},
    )
    received_on = DateInput(_("调解组织收件日期"))
    date_fields = ("received_on",)
    organization_kinds: tuple[str, ...] = ()

    def clean_organization(self) -> Organization:
        org: Organization = self.cleaned_data["organization"]
        if org.kind not in self.organization_kinds:
            raise ValidationError(_("该组织不能办理此类调解。"), code="wrong_organization_kind")
        return org


class RouteToEnterpriseForm(RouteForm):
    organization_kinds = (Organization.Kind.ENTERPRISE_COMMITTEE,)


class RouteToStreetForm(RouteForm):
    organization_kinds = (Organization.Kind.STREET_CENTER, Organization.Kind.PEOPLES_COMMITTEE)


class RouteToUnionForm(RouteForm):
    organization_kinds = (Organization.Kind.UNION_STUDIO,)


class AssignMediatorForm(TransitionForm):
    mediator = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), label=_("调解员"),
        error_messages={"invalid_choice": _("所选人员不存在。")},
    )


class ScheduleMediationSessionForm(TransitionForm):
    scheduled_for = forms.DateTimeField(label=_("调解时间"))
    location = forms.CharField(label=_("地点"), max_length=200)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class AgreementForm(TransitionForm):
    terms = forms.CharField(label=_("协议内容"), widget=forms.Textarea, max_length=5000)
    total_amount = AmountField(_("协议金额（元）"))
    signed_on = DateInput(_("签订日期"))
    performance_due = forms.DateField(label=_("履行期限"), required=False)
    date_fields = ("signed_on",)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        due, signed = cleaned.get("performance_due"), cleaned.get("signed_on")
        if due and signed and due < signed:
            self.add_error("performance_due", ValidationError(
                _("履行期限不能早于签订日期。"), code="due_before_signing"))
        return cleaned


class FailureForm(TransitionForm):
    reason = forms.CharField(label=_("调解不成原因"), widget=forms.Textarea, max_length=2000)
    ended_on = DateInput(_("结束日期"))
    date_fields = ("ended_on",)


class PerformanceForm(TransitionForm):
    performed_on = DateInput(_("履行日期"))
    date_fields = ("performed_on",)


class ApplyForArbitrationForm(TransitionForm):
    applied_on = DateInput(_("仲裁委收到申请日期"))
    date_fields = ("applied_on",)


class ReferForm(TransitionForm):
    mediator = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), label=_("调解员"), required=False,
    )
    referred_on = DateInput(_("转调解日期"))
    date_fields = ("referred_on",)


class AcceptForm(TransitionForm):
    accepted_on = DateInput(_("受理日期"))
    procedure = forms.ChoiceField(label=_("程序"), choices=Procedure.choices,
                                  initial=Procedure.ORDINARY)
    # What the filing officer found, read for simplified handling only (Rules arts. 56, 57).
    facts_clear = forms.BooleanField(label=_("事实清楚、权利义务关系明确、争议不大"),
                                     required=False)
    parties_agree = forms.BooleanField(label=_("双方当事人同意简易处理"), required=False)
    public_interest = forms.BooleanField(label=_("涉及国家利益、社会公共利益"), required=False)
    major_social_impact = forms.BooleanField(label=_("有重大社会影响"), required=False)
    respondent_unknown = forms.BooleanField(label=_("被申请人下落不明"), required=False)
    date_fields = ("accepted_on",)


class ServeApplicationForm(TransitionForm):
    served_on = DateInput(_("申请书副本送达日期"))
    date_fields = ("served_on",)


class RecordDefenceForm(TransitionForm):
    received_on = DateInput(_("答辩书收到日期"))
    date_fields = ("received_on",)


class RefuseForm(TransitionForm):
    decided_on = DateInput(_("决定日期"))
    reason = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea, max_length=2000)
    date_fields = ("decided_on",)


class FormTribunalForm(TransitionForm):
    arbitrators = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True), label=_("仲裁员（首位为首席或独任）"),
        error_messages={"invalid_choice": _("所选仲裁员不存在。"),
                        "invalid_pk_value": _("仲裁员编号无效。")},
    )
    presiding = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), label=_("首席/独任仲裁员"),
    )
    formed_on = DateInput(_("组庭日期"))
    date_fields = ("formed_on",)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        members = cleaned.get("arbitrators")
        presiding = cleaned.get("presiding")
        if members is not None and presiding is not None and presiding not in members:
            self.add_error("presiding", ValidationError(
                _("首席/独任仲裁员必须是仲裁庭成员。"), code="presiding_not_member"))
        if members is not None and len(members) not in (1, 3):
            self.add_error("arbitrators", ValidationError(
                _("仲裁庭由一名独任仲裁员或三名仲裁员组成。"), code="tribunal_size"))
        return cleaned


class HearingForm(TransitionForm):
    scheduled_for = forms.DateTimeField(label=_("开庭时间"))
    notice_served_on = DateInput(_("开庭通知送达日期"))
    location = forms.CharField(label=_("仲裁庭"), max_length=200)
    date_fields: tuple[str, ...] = ("notice_served_on",)


class PostponeHearingForm(HearingForm):
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea, max_length=2000)
    requested_on = DateInput(_("申请延期日期"))
    date_fields = ("notice_served_on", "requested_on")


class ConcludeHearingForm(TransitionForm):
    held_on = DateInput(_("开庭日期"))
    date_fields = ("held_on",)


class ClaimInput(forms.Form):
    item_type = forms.ChoiceField(label=_("请求类型"), choices=ClaimType.choices)
    description = forms.CharField(label=_("请求事项"), max_length=300)
    amount = AmountField(_("金额（元）"), required=False)


class AmendClaimsForm(TransitionForm):
    claims = forms.JSONField(label=_("新增或变更的请求"))
    is_counter_claim = forms.BooleanField(label=_("反申请"), required=False)
    amended_on = DateInput(_("提出日期"))
    date_fields = ("amended_on",)

    def clean_claims(self) -> list[dict[str, Any]]:
        return clean_claim_list(self.cleaned_data["claims"])


def clean_claim_list(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise ValidationError(_("请至少填写一项请求。"), code="no_claims")
    if len(raw) > 50:
        raise ValidationError(_("请求事项不能超过 50 项。"), code="too_many_claims")
    cleaned = []
    for index, item in enumerate(raw, start=1):
        form = ClaimInput(item if isinstance(item, dict) else {})
        if not form.is_valid():
            messages = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
            raise ValidationError(
                _("第 %(n)s 项请求有误：%(m)s"), code="invalid_claim",
                params={"n": index, "m": messages},
            )
        cleaned.append(form.cleaned_data)
    return cleaned


class AwardItemInput(forms.Form):
    claim = forms.IntegerField(label=_("请求编号"))
    decision = forms.ChoiceField(label=_("裁决结果"), choices=AwardItem.Decision.choices)
    granted_amount = AmountField(_("裁决金额（元）"), required=False)


class AwardForm(TransitionForm):
    issued_on = DateInput(_("裁决日期"))
    reasoning = forms.CharField(label=_("裁决理由"), widget=forms.Textarea, max_length=20000)
    result = forms.ChoiceField(label=_("裁决结果"), choices=Award.Result.choices, required=False)
    items = forms.JSONField(label=_("逐项裁决"))
    date_fields = ("issued_on",)

    def clean_items(self) -> list[dict[str, Any]]:
        raw = self.cleaned_data["items"]
        if not isinstance(raw, list) or not raw:
            raise ValidationError(_("请逐项裁决至少一项请求。"), code="no_items")
        claim_ids = set(
            self.dispute.claims.filter(is_withdrawn=False).values_list("pk", flat=True)
        )
        cleaned, seen = [], set()
        for index, item in enumerate(raw, start=1):
            form = AwardItemInput(item if isinstance(item, dict) else {})
            if not form.is_valid():
                messages = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
                raise ValidationError(_("第 %(n)s 项裁决有误：%(m)s"), code="invalid_item",
                                      params={"n": index, "m": messages})
            data = form.cleaned_data
            if data["claim"] not in claim_ids:
                raise ValidationError(_("第 %(n)s 项裁决所指的请求不属于本案。"),
                                      code="unknown_claim", params={"n": index})
            if data["claim"] in seen:
                raise ValidationError(_("同一请求不能裁决两次。"), code="duplicate_claim")
            if data["decision"] != AwardItem.Decision.DISMISSED and data["granted_amount"] is None:
                claim_has_amount = self.dispute.claims.filter(
                    pk=data["claim"], amount__isnull=False).exists()
                if claim_has_amount:
                    raise ValidationError(_("第 %(n)s 项支持的请求须填写裁决金额。"),
                                          code="amount_required", params={"n": index})
            seen.add(data["claim"])
            cleaned.append(data)
        return cleaned


class MediationStatementForm(AgreementForm):
    pass


class ExtendAwardDeadlineForm(TransitionForm):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=15)
    approved_on = DateInput(_("批准日期"))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea, max_length=2000)
    date_fields = ("approved_on",)


class SuspendForm(TransitionForm):
    reason = forms.ChoiceField(label=_("中止事由"), choices=Suspension.Reason.choices)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea, max_length=2000, required=False)
    started_on = DateInput(_("中止日期"))
    date_fields = ("started_on",)


class ResumeForm(TransitionForm):
    resumed_on = DateInput(_("恢复日期"))
    date_fields = ("resumed_on",)


class CloseForm(TransitionForm):
    closed_on = DateInput(_("结案日期"))
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea, max_length=2000)
    date_fields = ("closed_on",)
