"""The district and who works on its projects: streets, responsible units, leaders."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from projects.choices import (
    Body,
    UnitKind,
)


class District(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    code = models.CharField("行政区划代码", max_length=12, unique=True)

    class Meta:
        verbose_name = "区县"
        verbose_name_plural = "区县"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Street(models.Model):
    district = models.ForeignKey(District, models.PROTECT, related_name="streets", verbose_name="所属区县")
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

    name = models.CharField("名称", max_length=100, unique=True)
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

    def __str__(self):
        return self.name


class Leader(models.Model):
    """A member of one of the four leadership bodies who follows projects (联系领导)."""

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
            models.UniqueConstraint(fields=["name", "title"], name="leader_unique_name_title"),
        ]

    def __str__(self):
        return f"{self.name}（{self.title}）"
