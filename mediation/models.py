"""Who and where: districts, streets, mediation organizations, their staff and roles.

Knows nothing of cases (STYLE.md: dependencies point one way).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """An administrative district (区/县), e.g. 东西湖区 (420112)."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    city = models.CharField(_("所属城市"), max_length=60, blank=True)
    province = models.CharField(_("所属省份"), max_length=60, blank=True)
    # Region whose minimum wage applies (a city code such as 420100 for Wuhan).
    wage_region_code = models.CharField(_("最低工资适用地区代码"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """A street (街道) or township: the unit of jurisdiction and of statistics."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE_COMMITTEE = "enterprise_committee", _("企业劳动争议调解委员会")
        STREET_CENTER = "street_center", _("街道劳动争议调解中心")
        UNION_STUDIO = "union_studio", _("工会调解工作室")
        PEOPLES_COMMITTEE = "peoples_committee", _("人民调解委员会")
        ARBITRATION_COMMISSION = "arbitration_commission", _("劳动人事争议仲裁委员会")
        HR_BUREAU = "hr_bureau", _("人力资源和社会保障局")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=120, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("行政区")
    )
    streets = models.ManyToManyField(
        Street, blank=True, related_name="organizations", verbose_name=_("管辖街道")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Enterprise committees belong to one employer.
    enterprise_name = models.CharField(_("所属企业"), max_length=120, blank=True)
    enterprise_credit_code = models.CharField(_("企业统一社会信用代码"), max_length=18, blank=True)
    # Arbitration commissions number their cases, e.g. 东劳人仲案字〔2026〕第0001号.
    case_number_prefix = models.CharField(_("案号前缀"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")
        ordering = ["district", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="organization_coordinates_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_mediation_point(self) -> bool:
        """A place a worker can walk into to mediate (the half-hour service circle)."""
        return self.kind in MEDIATION_KINDS and self.latitude is not None


MEDIATION_KINDS = frozenset(
    {
        Organization.Kind.ENTERPRISE_COMMITTEE,
        Organization.Kind.STREET_CENTER,
        Organization.Kind.UNION_STUDIO,
        Organization.Kind.PEOPLES_COMMITTEE,
        Organization.Kind.ARBITRATION_COMMISSION,
    }
)


class Role(models.TextChoices):
    MEDIATOR = "mediator", _("调解员")
    HEAD = "head", _("调解组织负责人")
    INTAKE_CLERK = "intake_clerk", _("立案窗口人员")
    ARBITRATOR = "arbitrator", _("仲裁员")
    FILING_OFFICER = "filing_officer", _("立案庭人员")
    CHAIR = "chair", _("仲裁委主任/仲裁院负责人")
    SUPERVISOR = "supervisor", _("区人社局监督人员")


class Membership(models.Model):
    """A person's role in one organization; a person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("用户"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("组织"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class DeclaredRelation(models.Model):
    """A relation an arbitrator declared (Law art. 33): checked before tribunal assignment."""

    class Kind(models.TextChoices):
        IS_PARTY = "is_party", _("本人是当事人")
        CLOSE_RELATIVE = "close_relative", _("当事人或代理人的近亲属")
        INTEREST = "interest", _("与案件有利害关系")
        OTHER_RELATION = "other_relation", _("其他可能影响公正的关系")
        PRIVATE_MEETING = "private_meeting", _("私自会见当事人或代理人")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_relations",
        verbose_name=_("仲裁员"),
    )
    kind = models.CharField(_("关系类型"), max_length=20, choices=Kind.choices)
    counterpart_name = models.CharField(_("对方姓名/名称"), max_length=120, blank=True)
    counterpart_identifier = models.CharField(
        _("对方证件号/统一社会信用代码"), max_length=18, blank=True
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_on = models.DateField(_("申报日期"), auto_now_add=True)

    class Meta:
        verbose_name = _("仲裁员申报关系")
        verbose_name_plural = _("仲裁员申报关系")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(counterpart_name="", counterpart_identifier=""),
                name="declared_relation_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.counterpart_name}"
