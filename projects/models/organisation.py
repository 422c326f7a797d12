"""The administrative tree (province → city → district or county → street) and who works on
its projects: responsible units and leaders."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from projects.choices import (
    Body,
    RegionKind,
    UnitKind,
)

# The tier a region's parent must be: a city under a province, a district under a city. A region
# without a parent is the top of its installation (a lone district office has no city above it).
PARENT_KIND = {RegionKind.CITY: RegionKind.PROVINCE, RegionKind.DISTRICT: RegionKind.CITY}
# How many of a six-digit code's leading digits a region shares with everything under it.
CODE_PREFIX = {RegionKind.PROVINCE: 2, RegionKind.CITY: 4, RegionKind.DISTRICT: 6}


class Region(models.Model):
    """A node of the administrative tree with its national division code (GB/T 2260): a province
    (410000), a city (410400 平顶山市) or a district or county (410403 卫东区). Each has a project
    office; an office sees everything under its node (projects.scoping)."""

    code = models.CharField("行政区划代码", max_length=12, unique=True, help_text="六位数字，如 410403。")
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("层级", max_length=10, choices=RegionKind.choices, default=RegionKind.DISTRICT)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )

    history = HistoricalRecords(verbose_name="行政区划变更记录")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RegionKind.values), name="region_kind_valid"),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="region_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('projects:overview')}?region={self.code}"

    @property
    def office_name(self):
        return f"{self.name}项目办"

    def clean(self):
        errors = {}
        if not (len(self.code or "") == 6 and self.code.isascii() and self.code.isdigit()):
            errors["code"] = "行政区划代码应为六位数字，如 410403。"
        expected = PARENT_KIND.get(self.kind)
        if self.parent is not None:
            if self.parent.kind != expected:
                errors["parent"] = (
                    f"{self.get_kind_display()}的上级应是{RegionKind(expected).label}。"
                    if expected
                    else "省级行政区没有上级。"
                )
            elif "code" not in errors:
                width = CODE_PREFIX[self.parent.kind]
                if self.code[:width] != self.parent.code[:width]:
                    errors["code"] = (
                        f"代码应以上级“{self.parent.name}”的前 {width} 位 {self.parent.code[:width]} 开头。"
                    )
        if self.pk is not None:
            self._clean_against_children(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_against_children(self, errors):
        """A changed region must still fit the regions already under it."""
        children = list(Region.objects.filter(parent=self.pk).order_by("code"))
        misfits = [child.name for child in children if PARENT_KIND.get(child.kind) != self.kind]
        if misfits and "kind" not in errors:
            errors["kind"] = f"已有下级“{'、'.join(misfits)}”，层级不能改为{RegionKind(self.kind).label}。"
        if self.kind != RegionKind.DISTRICT and "kind" not in errors:
            if self.streets.exists() or self.units.exists() or self.projects.exists():
                errors["kind"] = "该行政区划下已有街道、责任单位或项目，层级只能是区县。"
        width = CODE_PREFIX.get(self.kind)
        if width and "code" not in errors:
            misfits = [child.name for child in children if child.code[:width] != self.code[:width]]
            if misfits:
                names, prefix = "、".join(misfits), self.code[:width]
                errors["code"] = f"下级“{names}”的代码不以 {prefix} 开头，代码不能改为 {self.code}。"


def district_key(*, related_name, verbose_name="所属区县", **options):
    """The foreign key of a row that lies in one district (a region of the district tier): a
    street, a unit, a project, a district's closed month."""
    return models.ForeignKey(
        Region,
        models.PROTECT,
        related_name=related_name,
        verbose_name=verbose_name,
        limit_choices_to={"kind": RegionKind.DISTRICT},
        **options,
    )


class Street(models.Model):
    district = district_key(related_name="streets")
    name = models.CharField("名称", max_length=50)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords(verbose_name="街道变更记录")

    class Meta:
        verbose_name = "街道"
        verbose_name_plural = "街道"
        ordering = ["district", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="street_unique_name_in_district"),
        ]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A responsible unit (责任单位): a street office or a district department."""

    district = district_key(related_name="units")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    street = models.ForeignKey(
        Street,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name="对应街道",
        help_text="街道办事处填写其街道；区直部门留空。",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords(verbose_name="责任单位变更记录")

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unit_unique_name_in_district"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.street_id and self.district_id and self.street.district_id != self.district_id:
            raise ValidationError({"street": "对应街道不在该单位所属区县内。"})


class Leader(models.Model):
    """A member of one of the four leadership bodies who follows projects (联系领导)."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="leaders", verbose_name="所属行政区划")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=100)
    body = models.CharField("所属班子", max_length=20, choices=Body.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="leader",
        verbose_name="登录账号",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("在任", default=True)

    history = HistoricalRecords(verbose_name="联系领导变更记录")

    class Meta:
        verbose_name = "联系领导"
        verbose_name_plural = "联系领导"
        ordering = ["body", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name", "title"], name="leader_unique_name_title_in_region"),
        ]

    def __str__(self):
        return f"{self.name}（{self.title}）"


class Division(models.Model):
    """An administrative division a national project code (项目代码) may name: the district's own,
    its city's and its province's. Admins add the ones their lists bring (projects.project_codes)."""

    code = models.CharField("行政区划代码", max_length=6, unique=True, help_text="六位数字，如 410403。")
    name = models.CharField("名称", max_length=50)

    history = HistoricalRecords(verbose_name="项目代码行政区划变更记录")

    class Meta:
        verbose_name = "项目代码行政区划"
        verbose_name_plural = "项目代码行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="division_code_six_digits"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
