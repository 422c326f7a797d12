"""Key projects, their place on each year's list, their milestones and the leaders who follow them (四个一)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from projects import clock
from projects.choices import (
    Batch,
    Category,
    Level,
    ProjectStatus,
    Sector,
    Stage,
)
from projects.fields import AmountField
from projects.models.base import (
    FIRST_YEAR,
    LAST_YEAR,
    ProjectQuerySet,
    ScopedQuerySet,
    StaffKeptQuerySet,
    TimestampedModel,
)
from projects.models.organisation import Leader, Street, Unit, district_key
from projects.project_codes import project_code_problem


class Project(TimestampedModel):
    """A key project as a lasting thing; its place on each year's list is a Listing."""

    code = models.CharField(
        "项目代码",
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text="全国投资项目在线审批监管平台赋予的 24 位代码，如 2015-410403-47-01-012345；可为空，填写时不得重复。",
    )
    name = models.CharField("项目名称", max_length=200)
    former_names = models.TextField(
        "曾用名",
        blank=True,
        help_text="以前各年清单上的名称，每行一个；导入时按新名称认出同一项目后自动记入，可按曾用名搜索。",
    )
    owner = models.CharField("建设单位", max_length=200, blank=True)
    content = models.TextField("建设内容及规模", blank=True)
    district = district_key(
        related_name="projects",
        verbose_name="所在区县",
        help_text="项目的建设地点；由该区县及其上级的项目办管理。",
    )
    street = models.ForeignKey(
        Street, models.PROTECT, null=True, blank=True, related_name="projects", verbose_name="所在街道"
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="projects", verbose_name="责任单位"
    )
    total_investment = AmountField("总投资（万元）", default=Decimal("0"))
    start_year = models.PositiveSmallIntegerField("开工年份", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("建成年份", null=True, blank=True)
    sector = models.CharField("行业类别", max_length=20, choices=Sector.choices, default=Sector.OTHER)
    stage = models.CharField("五个一批", max_length=20, choices=Stage.choices, default=Stage.BUILDING)
    status = models.CharField(
        "项目状态", max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.UNDER_CONSTRUCTION
    )

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="重点项目变更记录")

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_total_investment_non_negative"),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True) | Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="project_end_year_not_before_start_year",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="project_code_null_not_empty"),
        ]
        indexes = [models.Index(fields=["street", "unit"], name="project_street_unit_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # An empty code means "none"; storing NULL keeps the uniqueness rule for real codes only.
        self.code = (self.code or "").strip() or None
        if self.district_id is None and self.street_id is not None:
            self.district_id = self.street.district_id
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.street_id and self.district_id and self.street.district_id != self.district_id:
            errors["street"] = "所在街道不在项目所在区县内。"
        if self.unit_id and self.district_id and self.unit.district_id != self.district_id:
            errors["unit"] = "责任单位不属于项目所在区县。"
        code = (self.code or "").strip()
        if code and (problem := project_code_problem(code)):
            errors["code"] = problem
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def former_name_list(self):
        return [name for name in self.former_names.splitlines() if name.strip()]

    def rename(self, new_name):
        """Take ``new_name``, keeping the current one among the former names (and dropping the new
        one from them: a project may go back to an earlier name)."""
        kept = [name for name in self.former_name_list if name != new_name]
        if self.name and self.name != new_name and self.name not in kept:
            kept.append(self.name)
        self.former_names = "\n".join(kept)
        self.name = new_name


class Listing(TimestampedModel):
    """A project's place on one year's key-project list at one level."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="listings", verbose_name="项目")
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    batch = models.PositiveSmallIntegerField("批次", choices=Batch.choices, default=Batch.FIRST)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    annual_plan = AmountField("年度计划投资（万元）", default=Decimal("0"))
    planned_start_month = models.PositiveSmallIntegerField(
        "计划开工月份", null=True, blank=True, help_text="新开工项目填写；到该月仍无投资即亮红灯。"
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="年度清单项目变更记录")

    class Meta:
        verbose_name = "年度清单项目"
        verbose_name_plural = "年度清单项目"
        ordering = ["-year", "level", "batch", "category", "project__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "level"], name="listing_unique_project_year_level"),
            models.CheckConstraint(condition=Q(annual_plan__gte=0), name="listing_annual_plan_non_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="listing_year_in_range"
            ),
            models.CheckConstraint(condition=Q(batch__in=Batch.values), name="listing_batch_valid"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="listing_level_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="listing_category_valid"),
            models.CheckConstraint(
                condition=Q(planned_start_month__isnull=True)
                | (Q(planned_start_month__gte=1) & Q(planned_start_month__lte=12)),
                name="listing_planned_start_month_1_to_12",
            ),
        ]
        indexes = [models.Index(fields=["year", "level", "category"], name="listing_year_level_cat_idx")]

    def __str__(self):
        return f"{self.year}年{self.get_level_display()} · {self.project.name}"


class Milestone(models.Model):
    """A step of a project with its planned and actual date (节点控制)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="milestones", verbose_name="项目")
    name = models.CharField("节点名称", max_length=100)
    planned_date = models.DateField("计划日期")
    actual_date = models.DateField("实际完成日期", null=True, blank=True)

    objects = StaffKeptQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="节点变更记录")

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["project", "planned_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="milestone_unique_name_per_project"),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.name}"

    @property
    def is_late(self):
        """Reached after its planned date, or not reached and the planned date has passed."""
        if self.actual_date:
            return self.actual_date > self.planned_date
        return self.planned_date < clock.today()


class Assignment(TimestampedModel):
    """A leader following a project under the 四个一 mechanism: one team, one plan, to the end."""

    leader = models.ForeignKey(Leader, models.PROTECT, related_name="assignments", verbose_name="联系领导")
    project = models.ForeignKey(Project, models.CASCADE, related_name="assignments", verbose_name="项目")
    team = models.TextField("工作班子", blank=True, help_text="一套班子：牵头单位、责任人和成员。")
    plan = models.TextField("推进方案", blank=True, help_text="一个方案：目标、节点和措施。")
    since = models.DateField("联系起始日期")
    active = models.BooleanField("有效", default=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="领导联系项目变更记录")

    class Meta:
        verbose_name = "领导联系项目（四个一）"
        verbose_name_plural = "领导联系项目（四个一）"
        ordering = ["leader", "-active", "project__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "project"], condition=Q(active=True), name="assignment_one_active_per_leader_project"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("since")),
                name="assignment_ended_not_before_since",
            ),
        ]

    def __str__(self):
        return f"{self.leader.name} → {self.project.name}"
