"""The worker portal's forms: the online application, the status look-up, the rating.

They check what a person can correct on the spot (a missing field, a malformed ID number,
a file we would not accept) and turn their answers into the intake service's input; the
service decides the rest and its errors are put back next to the fields they concern.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from disputes.errors import DisputeError
from disputes.identifiers import (
    IdentifierError,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from disputes.inputs import AmountField
from disputes.models import ClaimType, Dispute, DisputeType, Party
from disputes.services.evidence import evidence_add, max_bytes, sniff, too_large_message
from mediation.models import Organization, Street
from satisfaction.models import COMMENT_MAX_LENGTH, MAX_SCORE, MIN_SCORE

ARBITRATION = "arbitration"  # the "where" choice: straight to the arbitration commission
MAX_CLAIMS = 20
MAX_FILES = 10


def _not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"), code="future_date")


class ApplicantForm(forms.Form):
    """第一步：您是谁."""

    name = forms.CharField(label=_("姓名"), max_length=120)
    id_type = forms.ChoiceField(
        label=_("证件类型"), initial=Party.IdType.RESIDENT_ID,
        choices=[(Party.IdType.RESIDENT_ID, _("居民身份证")), (Party.IdType.PASSPORT, _("护照")),
                 (Party.IdType.OTHER, _("其他证件"))],
    )
    id_number = forms.CharField(label=_("证件号码"), max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off",
                                                              "spellcheck": "false"}))
    phone = forms.CharField(label=_("手机号码"), max_length=20,
                            help_text=_("用于调解组织与您联系，不会公开。"),
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    address = forms.CharField(label=_("联系地址"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number = cleaned.get("id_number", "")
        if number and cleaned.get("id_type") == Party.IdType.RESIDENT_ID:
            try:
                cleaned["id_number"] = validate_resident_id(number)
            except IdentifierError as exc:
                self.add_error("id_number", str(exc))
        phone = cleaned.get("phone", "")
        if phone:
            try:
                cleaned["phone"] = validate_phone(phone)
            except IdentifierError as exc:
                self.add_error("phone", str(exc))
        return cleaned


class EmployerForm(forms.Form):
    """第二步：用人单位."""

    name = forms.CharField(label=_("单位名称"), max_length=120,
                           help_text=_("与营业执照或劳动合同上的名称一致。"))
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, min_length=18,
        help_text=_("18 位，见营业执照、劳动合同或工资条；也可在上方按名称搜索已登记的单位。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(label=_("单位地址"), max_length=200, required=False)

    def clean_credit_code(self) -> str:
        try:
            # A wrong check character is only a warning (early codes); the service keeps it.
            return validate_credit_code(self.cleaned_data["credit_code"]).code
        except IdentifierError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class FactsForm(forms.Form):
    """第三步：发生了什么."""

    dispute_type = forms.ChoiceField(label=_("争议类型"), choices=DisputeType.choices)
    facts = forms.CharField(
        label=_("事实与理由"), max_length=5000,
        help_text=_("例如：何时入职、做什么工作、单位哪些做法损害了您的权益。"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    knew_on = forms.DateField(
        label=_("您知道权益受损的日期"), required=False, validators=[_not_future],
        help_text=_("仲裁时效一般为一年，从这一天起算（《劳动争议调解仲裁法》第二十七条）。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    employment_ended_on = forms.DateField(
        label=_("劳动关系结束日期"), required=False, validators=[_not_future],
        help_text=_("仍在职的请留空。"), widget=forms.DateInput(attrs={"type": "date"}),
    )
    is_migrant_wage = forms.BooleanField(label=_("农民工工资被拖欠"), required=False)
    is_new_employment_form = forms.BooleanField(
        label=_("新就业形态（如外卖骑手、网约车司机、快递员）"), required=False)


class ClaimForm(forms.Form):
    """第四步的一行：一项请求."""

    # An empty first choice: a row left alone is unchanged, and so ignored.
    item_type = forms.ChoiceField(label=_("请求类型"),
                                  choices=[("", _("请选择")), *ClaimType.choices])
    description = forms.CharField(label=_("请求事项"), max_length=300,
                                  help_text=_("例如：支付 2026 年 3 月至 5 月工资。"))
    amount = AmountField(label=_("金额（元）"), required=False,
                         help_text=_("没有具体金额的（如确认劳动关系）可不填。"),
                         widget=forms.NumberInput(attrs={"step": "0.01", "min": "0",
                                                         "inputmode": "decimal"}))


class BaseClaimFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed()]
        if not filled:
            raise ValidationError(_("请至少填写一项请求。"), code="no_claims")


ClaimFormSet = forms.formset_factory(
    ClaimForm, formset=BaseClaimFormSet, extra=0, min_num=1, max_num=MAX_CLAIMS,
    validate_max=True, can_delete=False,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files at once; each checked by its content as the evidence service will."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise ValidationError(_("一次最多上传 %(n)d 个文件。"), params={"n": MAX_FILES})
        cleaned = [super(EvidenceFilesField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            if (upload.size or 0) > max_bytes():
                raise ValidationError(f"{upload.name}：{too_large_message()}")
            upload.seek(0)
            kind = sniff(upload.read(16))
            upload.seek(0)
            if kind is None:
                raise ValidationError(
                    _("%(name)s：只接受 PDF、JPEG、PNG 或 WebP 文件。"), params={"name": upload.name})
        return cleaned


class EvidenceForm(forms.Form):
    """第五步：证据（可以以后再补充）."""

    documents = EvidenceFilesField(
        label=_("证据文件"), required=False,
        help_text=_("劳动合同、工资条、考勤记录、聊天记录截图等；PDF 或图片，可一次选择多个。"),
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )
    description = forms.CharField(label=_("证据说明"), max_length=200, required=False,
                                  help_text=_("这些材料证明什么，例如：证明入职时间和工资标准。"))


def save_evidence(form: EvidenceForm, dispute: Dispute, actor: User) -> int:
    """Adds the valid form's files to the case through the service (which checks each file's
    content) and answers how many were added; a refused file becomes an error on the form,
    next to the field, and the others are still added."""
    files = form.cleaned_data.get("documents") or []
    if not files:
        form.add_error("documents", _("请选择要上传的文件。"))
    added = 0
    for upload in files:
        try:
            evidence_add(dispute=dispute, actor=actor, upload=upload,
                         description=form.cleaned_data.get("description", ""))
            added += 1
        except ValidationError as exc:
            form.add_error("documents", f"{upload.name}：{'；'.join(exc.messages)}")
        except (DisputeError, TransitionNotAllowed):
            form.add_error("documents", _("此案件现在不能补充证据。"))
            break
    return added


class WhereForm(forms.Form):
    """第六步：到哪里调解，或直接申请仲裁."""

    street = forms.ModelChoiceField(
        label=_("您所在或单位所在的街道"), queryset=Street.objects.none(), required=False,
        empty_label=_("请选择街道"),
        help_text=_("选择后按距离列出最近的调解点（半小时服务圈）。"),
    )
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9,
                                  decimal_places=6, min_value=-90, max_value=90)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9,
                                   decimal_places=6, min_value=-180, max_value=180)
    organization = forms.ChoiceField(
        label=_("办理机构"), widget=forms.RadioSelect,
        error_messages={"required": _("请选择一个调解组织，或选择直接申请仲裁。"),
                        "invalid_choice": _("请在列出的机构中选择。")},
    )

    def __init__(self, *args: Any, streets: QuerySet[Street], points: list[Organization],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        street_field = self.fields["street"]
        assert isinstance(street_field, forms.ModelChoiceField)
        street_field.queryset = streets
        self.points = {str(org.pk): org for org in points}
        choices = [(pk, org.name) for pk, org in self.points.items()]
        choices.append((ARBITRATION, str(_("不调解，直接申请仲裁"))))
        org_field = self.fields["organization"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = choices

    def chosen_organization(self) -> Organization | None:
        value = self.cleaned_data["organization"]
        return None if value == ARBITRATION else self.points[value]


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我确认以上内容真实，并同意调解组织和仲裁委员会为办理本案使用这些信息。"),
        error_messages={"required": _("请阅读并勾选确认。")},
    )


class LookupForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("查询编号"), max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}),
        help_text=_("回执上以 LD 开头的编号。"),
    )
    access_code = forms.CharField(
        label=_("查询码"), max_length=32,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("回执上的 12 位查询码，例如 ABCD-EFGH-JKMN。"),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("您对本案办理的满意程度"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 一般")),
                 (2, _("2 不满意")), (1, _("1 非常不满意"))],
        error_messages={"required": _("请选择一个评分。"),
                        "invalid_choice": _("请选择一个评分（1 至 5 分）。")},
    )
    comment = forms.CharField(label=_("意见建议（选填）"), max_length=COMMENT_MAX_LENGTH,
                              required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_score(self) -> int:
        score: int = self.cleaned_data["score"]
        if not MIN_SCORE <= score <= MAX_SCORE:
            raise ValidationError(_("请选择一个评分。"))
        return score
