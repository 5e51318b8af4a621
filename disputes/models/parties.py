"""Who is in a dispute and what they claim: parties, claims, evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models.case import Dispute, amount_validators


class Party(models.Model):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")

    class Kind(models.TextChoices):
        WORKER = "worker", _("劳动者")
        EMPLOYER = "employer", _("用人单位")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("居民身份证")
        CREDIT_CODE = "credit_code", _("统一社会信用代码")
        PASSPORT = "passport", _("护照")
        OTHER = "other", _("其他证件")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("当事人地位"), max_length=16, choices=Side.choices)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("姓名/名称"), max_length=120)
    id_type = models.CharField(_("证件类型"), max_length=16, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=32)
    id_warning = models.CharField(_("证件核验提示"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_representative = models.BooleanField(_("代表人"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="parties", verbose_name=_("关联账号"),
    )

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["dispute", "side", "pk"]
        indexes = [models.Index(fields=["user"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class ClaimType(models.TextChoices):
    WAGES = "wages", _("劳动报酬")
    OVERTIME_PAY = "overtime_pay", _("加班费")
    WORK_INJURY_MEDICAL = "work_injury_medical", _("工伤医疗费")
    ECONOMIC_COMPENSATION = "economic_compensation", _("经济补偿")
    DAMAGES = "damages", _("赔偿金")
    WORKING_HOURS_LEAVE = "working_hours_leave", _("工作时间、休息休假")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    LABOR_RELATIONSHIP = "labor_relationship", _("确认劳动关系")
    OTHER = "other", _("其他")


class Claim(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="claims")
    item_type = models.CharField(_("请求类型"), max_length=32, choices=ClaimType.choices)
    description = models.CharField(_("请求事项"), max_length=300)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=amount_validators,
    )
    is_counter_claim = models.BooleanField(_("反申请"), default=False)
    added_on = models.DateField(_("提出日期"))
    is_withdrawn = models.BooleanField(_("已撤回"), default=False)

    class Meta:
        verbose_name = _("仲裁/调解请求")
        verbose_name_plural = _("仲裁/调解请求")
        ordering = ["dispute", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="claim_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.description


def evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under a generated name; the original name is kept only as data.
    import uuid

    return f"evidence/{instance.dispute_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("证明内容"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["dispute", "pk"]

    def __str__(self) -> str:
        return self.original_name
