"""Approvals (前期手续), resources (要素保障) and statistics registration (入统) of key projects.

An approval item belongs to a project and is owned by a department (a Unit); its time limit counts
working days (projects.workdays) from the day it was submitted, and its due date is kept on the row
so that warnings and rates are plain SQL (approvals.selectors.figures)."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvals.choices import FundingSource, ItemStatus
from projects.choices import Sector
from projects.fields import AmountField
from projects.models import FIRST_YEAR, LAST_YEAR, Project, StaffKeptQuerySet, TimestampedModel, Unit
from projects.models.organisation import district_key
from projects.scoping import editable_projects, unit_rows, visible_projects
from projects.workdays import workdays_after

MAX_TIME_LIMIT = 365  # working days: a statutory limit beyond a year and a half is a typing error


class ApprovalTemplate(TimestampedModel):
    """A district office's list of the approvals a kind of project goes through (by 行业类别)."""

    district = district_key(related_name="approval_templates", verbose_name="所属区县")
    name = models.CharField("模板名称", max_length=100)
    sector = models.CharField(
        "适用行业", max_length=20, choices=Sector.choices, blank=True, help_text="留空表示适用于各类项目。"
    )
    notes = models.TextField("说明", blank=True)

    history = HistoricalRecords(verbose_name="前期手续模板变更记录")

    class Meta:
        verbose_name = "前期手续模板"
        verbose_name_plural = "前期手续模板"
        ordering = ["district", "sector", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="approvaltemplate_unique_name_in_district"),
            models.CheckConstraint(
                condition=Q(sector="") | Q(sector__in=Sector.values), name="approvaltemplate_sector_valid"
            ),
        ]

    def __str__(self):
        return self.name


class TemplateItem(models.Model):
    """One approval of a template: its owning department, statutory time limit and order."""

    template = models.ForeignKey(ApprovalTemplate, models.CASCADE, related_name="items", verbose_name="模板")
    name = models.CharField("事项名称", max_length=100)
    department = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="办理部门"
    )
    time_limit_days = models.PositiveSmallIntegerField(
        "法定时限（工作日）", null=True, blank=True, help_text="自提交申报之日起计算的工作日数；留空表示无法定时限。"
    )
    sort_order = models.PositiveSmallIntegerField("顺序", default=0)
    blocks_start = models.BooleanField("开工前必须办结", default=True)

    history = HistoricalRecords(verbose_name="模板事项变更记录")

    class Meta:
        verbose_name = "模板事项"
        verbose_name_plural = "模板事项"
        ordering = ["template", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "name"], name="templateitem_unique_name_in_template"),
            models.CheckConstraint(
                condition=Q(time_limit_days__isnull=True) | Q(time_limit_days__lte=MAX_TIME_LIMIT),
                name="templateitem_time_limit_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # A template serves its own district's projects: a department of another district (a city
        # office may pick any of its districts' units) would leak its items to that district's staff.
        template = getattr(self, "template", None)
        department = getattr(self, "department", None)
        if template is None or department is None or template.district_id is None:
            return
        if department.district_id != template.district_id:
            raise ValidationError({"department": f"办理部门须为模板所在区县（{template.district}）的责任单位。"})


def attachment_upload_to(instance, filename):
    """Stored under a generated name, like site photos; the uploaded name is kept only as text."""
    return f"approvals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.attachment_extension}"


class ApprovalItemQuerySet(StaffKeptQuerySet):
    """An item follows its project's visibility, and the staff of its owning department keep it too
    (scoping.unit_rows): a department works its items across projects."""

    def visible_to(self, user):
        return self.filter(visible_projects(user, self.project_path) | unit_rows(user, "department"))

    def kept_by(self, user):
        return self.filter(editable_projects(user, self.project_path, by_staff=True) | unit_rows(user, "department"))

    editable_by = kept_by


class ApprovalItem(TimestampedModel):
    """One approval a project needs (立项、用地预审、规划许可、环评、施工许可 …)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="approval_items", verbose_name="项目")
    name = models.CharField("事项名称", max_length=100)
    department = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="approval_items", verbose_name="办理部门"
    )
    time_limit_days = models.PositiveSmallIntegerField("法定时限（工作日）", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField("顺序", default=0)
    blocks_start = models.BooleanField("开工前必须办结", default=True)
    status = models.CharField("办理状态", max_length=20, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    planned_date = models.DateField("计划办结日期", null=True, blank=True)
    submitted_date = models.DateField("提交申报日期", null=True, blank=True)
    approved_date = models.DateField("办结日期", null=True, blank=True)
    document_number = models.CharField("批复文号", max_length=100, blank=True)
    notes = models.TextField("备注", blank=True)
    due_date = models.DateField(
        "办理期限",
        null=True,
        blank=True,
        editable=False,
        help_text="已提交的：提交日期起法定时限个工作日；未提交的：计划办结日期。",
    )
    attachment = models.FileField("批复文件", upload_to=attachment_upload_to, blank=True)
    attachment_extension = models.CharField("文件格式", max_length=4, blank=True)
    attachment_name = models.CharField("原文件名", max_length=255, blank=True)
    template_item = models.ForeignKey(
        TemplateItem, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="来自模板事项"
    )

    objects = ApprovalItemQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="前期手续事项变更记录")

    class Meta:
        verbose_name = "前期手续事项"
        verbose_name_plural = "前期手续事项"
        ordering = ["project", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="approvalitem_unique_name_per_project"),
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="approvalitem_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.DONE) | Q(approved_date__isnull=False),
                name="approvalitem_done_has_approved_date",
            ),
            models.CheckConstraint(
                condition=Q(approved_date__isnull=True)
                | Q(submitted_date__isnull=True)
                | Q(approved_date__gte=F("submitted_date")),
                name="approvalitem_approved_not_before_submitted",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_days__isnull=True) | Q(time_limit_days__lte=MAX_TIME_LIMIT),
                name="approvalitem_time_limit_in_range",
            ),
            models.CheckConstraint(
                condition=Q(attachment_extension__in=["", "pdf", "jpg", "png"]),
                name="approvalitem_attachment_extension_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="approvalitem_dept_status_due"),
            models.Index(fields=["status", "due_date"], name="approvalitem_status_due"),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.name}"

    def save(self, *args, **kwargs):
        self.due_date = self.deadline()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_date"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("approvals:item_edit", args=[self.pk])

    def deadline(self):
        """The day the item should be done by: its statutory time limit counted in working days from
        the day it was submitted, or, before it is submitted (or without a limit), its planned date.
        A limit of 0 working days (即办) is due the day it was submitted."""
        if self.submitted_date is not None and self.time_limit_days is not None:
            return workdays_after(self.submitted_date, self.time_limit_days)
        return self.planned_date


class StatisticsRegistration(TimestampedModel):
    """入统: a project registered in the fixed-asset investment statistics (固定资产投资统计库)."""

    project = models.OneToOneField(Project, models.CASCADE, related_name="statistics", verbose_name="项目")
    registered = models.BooleanField("已入统", default=False)
    registered_on = models.DateField("入统日期", null=True, blank=True)

    objects = StaffKeptQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="入统情况变更记录")

    class Meta:
        verbose_name = "入统情况"
        verbose_name_plural = "入统情况"
        constraints = [
            models.CheckConstraint(
                condition=Q(registered=True) | Q(registered_on__isnull=True),
                name="statisticsregistration_date_only_when_registered",
            ),
        ]

    def __str__(self):
        return f"{self.project.name} · {'已入统' if self.registered else '未入统'}"


class StatisticsFigure(TimestampedModel):
    """The statistics' own cumulative investment of a project for a month of a year (统计口径累计),
    entered by the office to set beside the cumulative the project reported."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="statistics_figures", verbose_name="项目")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    cumulative = AmountField("统计累计完成投资（万元）")

    objects = StaffKeptQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="统计口径投资变更记录")

    class Meta:
        verbose_name = "统计口径累计投资"
        verbose_name_plural = "统计口径累计投资"
        ordering = ["project", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="statisticsfigure_unique_month"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="statisticsfigure_month_1_to_12"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="statisticsfigure_year_in_range"
            ),
            models.CheckConstraint(condition=Q(cumulative__gte=0), name="statisticsfigure_cumulative_non_negative"),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.year}年{self.month}月统计累计"


class LandSupply(TimestampedModel):
    """要素保障 · 用地: the land a project needs in a year and what has been supplied (亩)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="land_supplies", verbose_name="项目")
    year = models.PositiveSmallIntegerField("年度")
    needed = models.DecimalField("需用地（亩）", max_digits=10, decimal_places=2, default=Decimal("0"))
    supplied = models.DecimalField("已供地（亩）", max_digits=10, decimal_places=2, default=Decimal("0"))
    supplied_on = models.DateField("最近供地日期", null=True, blank=True)
    notes = models.CharField("备注", max_length=200, blank=True)

    objects = StaffKeptQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="用地保障变更记录")

    class Meta:
        verbose_name = "用地保障"
        verbose_name_plural = "用地保障"
        ordering = ["project", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="landsupply_unique_project_year"),
            models.CheckConstraint(condition=Q(needed__gte=0) & Q(supplied__gte=0), name="landsupply_non_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="landsupply_year_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.year}年用地"


class Funding(TimestampedModel):
    """要素保障 · 资金: a project's funding from one source in a year, planned and secured (到位)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="fundings", verbose_name="项目")
    year = models.PositiveSmallIntegerField("年度")
    source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices)
    planned = AmountField("计划（万元）", default=Decimal("0"))
    secured = AmountField("已到位（万元）", default=Decimal("0"))
    secured_on = models.DateField("最近到位日期", null=True, blank=True)
    notes = models.CharField("备注", max_length=200, blank=True)

    objects = StaffKeptQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="资金保障变更记录")

    class Meta:
        verbose_name = "资金保障"
        verbose_name_plural = "资金保障"
        ordering = ["project", "-year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "source"], name="funding_unique_project_year_source"),
            models.CheckConstraint(condition=Q(source__in=FundingSource.values), name="funding_source_valid"),
            models.CheckConstraint(condition=Q(planned__gte=0) & Q(secured__gte=0), name="funding_non_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="funding_year_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.year}年{self.get_source_display()}"
