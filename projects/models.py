"""The domain of a district's key projects: places, units, leaders, projects and their follow-up."""

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from projects.choices import (
    Batch,
    Body,
    Category,
    ImportStatus,
    Level,
    ProblemKind,
    ProblemStatus,
    ProjectStatus,
    ReportStatus,
    Sector,
    Stage,
    UnitKind,
)
from projects.fields import AmountField
from projects.scoping import editable_projects, instructable_projects, visible_projects

FIRST_YEAR = 2000
LAST_YEAR = 2100


class ScopedQuerySet(models.QuerySet):
    """Rows reached from a project; what a user may see or change follows that project."""

    project_path = "project__"
    staff_may_edit = False  # True for the rows a street's staff keep: reports, problems, milestones

    def visible_to(self, user):
        return self.filter(visible_projects(user, self.project_path))

    def editable_by(self, user):
        return self.filter(editable_projects(user, self.project_path, by_staff=self.staff_may_edit))

    def kept_by(self, user):
        """Rows of projects whose reports, problems, milestones and photos the user keeps."""
        return self.filter(editable_projects(user, self.project_path, by_staff=True))


class StaffKeptQuerySet(ScopedQuerySet):
    staff_may_edit = True


class ProjectQuerySet(ScopedQuerySet):
    project_path = ""


class MonthlyReportQuerySet(StaffKeptQuerySet):
    project_path = "listing__project__"


class InstructionQuerySet(ScopedQuerySet):
    project_path = "problem__project__"


class TimestampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


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


class Project(TimestampedModel):
    """A key project as a lasting thing; its place on each year's list is a Listing."""

    code = models.CharField(
        "项目代码",
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text="官方项目代码，可为空；填写时不得重复。",
    )
    name = models.CharField("项目名称", max_length=200)
    owner = models.CharField("建设单位", max_length=200, blank=True)
    content = models.TextField("建设内容及规模", blank=True)
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])


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


# What counts in official figures: submitted reports only, never drafts or returned ones.
COUNTED_REPORT = Q(status=ReportStatus.SUBMITTED)


class MonthlyReport(TimestampedModel):
    """One month's progress of a listing; the year's cumulative is the sum of its months."""

    listing = models.ForeignKey(Listing, models.PROTECT, related_name="reports", verbose_name="清单项目")
    month = models.PositiveSmallIntegerField("月份")
    investment = AmountField("本月完成投资（万元）", default=Decimal("0"))
    progress = models.TextField("形象进度", blank=True)
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="monthly_reports",
        verbose_name="填报人",
    )
    reported_at = models.DateTimeField("报送时间", null=True, blank=True)
    returned_reason = models.TextField("退回原因", blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="returned_reports",
        verbose_name="退回人",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    # Optimistic locking: every save claims the version it was edited from (see services.reports).
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = MonthlyReportQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="月度填报变更记录")

    class Meta:
        verbose_name = "月度填报"
        verbose_name_plural = "月度填报"
        ordering = ["listing", "month"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "month"], name="report_unique_listing_month"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="report_month_1_to_12"),
            models.CheckConstraint(condition=Q(investment__gte=0), name="report_investment_non_negative"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_valid"),
        ]

    def __str__(self):
        return f"{self.listing} · {self.month}月"


class DataVersion(models.Model):
    """One row whose token changes after every committed write to the application's tables
    (projects.freshness): figures computed from the data are reused until it changes."""

    token = models.CharField("版本", max_length=32)
    changed = models.DateTimeField("变更时间", auto_now=True)

    class Meta:
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"

    def __str__(self):
        return self.token


class ListingCumulative(models.Model):
    """A listing's counted investment from January to the end of each month, one row per listing:
    derived data, never edited, rebuilt from the submitted reports whenever one of them changes
    (services.cumulatives). Pages at province scale join this row instead of summing reports."""

    listing = models.OneToOneField(
        Listing, models.CASCADE, primary_key=True, related_name="cumulative_row", verbose_name="清单项目"
    )
    month_1 = AmountField("1月累计", default=Decimal("0"))
    month_2 = AmountField("1-2月累计", default=Decimal("0"))
    month_3 = AmountField("1-3月累计", default=Decimal("0"))
    month_4 = AmountField("1-4月累计", default=Decimal("0"))
    month_5 = AmountField("1-5月累计", default=Decimal("0"))
    month_6 = AmountField("1-6月累计", default=Decimal("0"))
    month_7 = AmountField("1-7月累计", default=Decimal("0"))
    month_8 = AmountField("1-8月累计", default=Decimal("0"))
    month_9 = AmountField("1-9月累计", default=Decimal("0"))
    month_10 = AmountField("1-10月累计", default=Decimal("0"))
    month_11 = AmountField("1-11月累计", default=Decimal("0"))
    month_12 = AmountField("1-12月累计", default=Decimal("0"))

    class Meta:
        verbose_name = "累计完成投资"
        verbose_name_plural = "累计完成投资"

    def __str__(self):
        return f"{self.listing} · 累计完成投资"

    @staticmethod
    def field_for(month):
        """The column holding the cumulative from January to the end of ``month``."""
        return f"month_{int(month)}"

    def through(self, month):
        return getattr(self, self.field_for(month))


class ClosedMonth(models.Model):
    """A reporting month the office has closed (锁定): its reports no longer change without a reason."""

    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="锁定人"
    )
    closed_at = models.DateTimeField("锁定时间", default=timezone.now)

    history = HistoricalRecords(verbose_name="月份锁定变更记录")

    class Meta:
        verbose_name = "已锁定月份"
        verbose_name_plural = "已锁定月份"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="closed_month_unique"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="closed_month_1_to_12"),
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月"


def photo_upload_to(instance, filename):
    """Stored under a generated name; the uploaded file name is kept only as text."""
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


def thumbnail_upload_to(instance, filename):
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}_thumb.jpg"


class PhotoQuerySet(StaffKeptQuerySet):
    project_path = "report__listing__project__"


class ReportPhoto(models.Model):
    """A site photo attached to a monthly report."""

    report = models.ForeignKey(MonthlyReport, models.CASCADE, related_name="photos", verbose_name="月度填报")
    image = models.FileField("照片", upload_to=photo_upload_to)
    thumbnail = models.FileField("缩略图", upload_to=thumbnail_upload_to)
    extension = models.CharField("格式", max_length=4)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    size = models.PositiveIntegerField("大小（字节）")
    width = models.PositiveIntegerField("宽度")
    height = models.PositiveIntegerField("高度")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = PhotoQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="现场照片变更记录")

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["uploaded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(extension__in=["jpg", "png"]), name="photo_extension_valid")]

    def __str__(self):
        return self.original_name or self.image.name

    def stored_names(self):
        return [self.image.name, self.thumbnail.name]


class ProblemQuerySet(StaffKeptQuerySet):
    def movable_by(self, user):
        """Problems the user may move on (not yet resolved, on projects they keep)."""
        return self.kept_by(user).exclude(status=ProblemStatus.RESOLVED)

    def instructable_by(self, user):
        """Problems on which the user may give instructions (督办意见)."""
        return self.filter(instructable_projects(user, self.project_path))

    def overdue(self, on=None):
        """Problems past their deadline on ``on`` (default: today) and not resolved."""
        return self.filter(overdue_condition(on))

    def with_overdue(self, on=None):
        """Annotate ``is_overdue`` by the same rule, for lists that show the flag on every row."""
        return self.annotate(is_overdue=Case(When(overdue_condition(on), then=Value(True)), default=Value(False)))


def overdue_condition(on=None):
    """The overdue rule: a deadline before ``on`` (default: today) and not resolved."""
    return Q(deadline__lt=on or timezone.localdate()) & ~Q(status=ProblemStatus.RESOLVED)


class Problem(TimestampedModel):
    """A problem found on a project (问题台账), chased until resolved."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="problems", verbose_name="项目")
    description = models.TextField("问题描述")
    kind = models.CharField("问题类型", max_length=20, choices=ProblemKind.choices, default=ProblemKind.OTHER)
    raised_on = models.DateField("发现日期")
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="problems", verbose_name="责任单位"
    )
    deadline = models.DateField("办结期限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    resolution = models.TextField("解决情况", blank=True)
    resolved_on = models.DateField("解决日期", null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="登记人"
    )
    source_report = models.ForeignKey(
        MonthlyReport,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name="来源填报",
    )
    source_visit = models.ForeignKey(
        "SupervisionVisit",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name="来源督察",
    )

    objects = ProblemQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="问题变更记录")

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题台账"
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProblemStatus.values), name="problem_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ProblemStatus.RESOLVED) | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
                name="problem_resolved_has_date_and_resolution",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("raised_on")),
                name="problem_resolved_not_before_raised",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="problem_status_deadline_idx")]

    def __str__(self):
        return f"{self.project.name}：{self.description[:30]}"

    def get_absolute_url(self):
        return reverse("projects:problem_detail", args=[self.pk])

    @property
    def overdue(self):
        """The overdue rule of ``overdue_condition`` for one object in hand."""
        if hasattr(self, "is_overdue"):
            return self.is_overdue
        return bool(self.deadline and self.deadline < timezone.localdate() and self.status != ProblemStatus.RESOLVED)


class ProblemStepQuerySet(ScopedQuerySet):
    project_path = "problem__project__"


class ProblemStep(models.Model):
    """One move of a problem through open → being coordinated → resolved: who, when, and why."""

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="steps", verbose_name="问题")
    from_status = models.CharField("原状态", max_length=20, choices=ProblemStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ProblemStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)

    objects = ProblemStepQuerySet.as_manager()

    class Meta:
        verbose_name = "问题处理步骤"
        verbose_name_plural = "问题处理步骤"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display() or '新建'} → {self.get_to_status_display()}"


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
        return self.planned_date < timezone.localdate()


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


class SupervisionVisit(TimestampedModel):
    """A supervision visit (督察) by leaders to a project site."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="visits", verbose_name="项目")
    date = models.DateField("督察日期")
    leaders = models.ManyToManyField(Leader, related_name="visits", verbose_name="带队领导")
    findings = models.TextField("督察发现")
    rectification_deadline = models.DateField("限期整改日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="督察记录变更记录", m2m_fields=[leaders])

    class Meta:
        verbose_name = "督察记录"
        verbose_name_plural = "督察记录"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} · {self.project.name}"


class Instruction(models.Model):
    """A leader's instruction on a problem (督办意见); staff working the problem read it."""

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="instructions", verbose_name="问题")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="instructions", verbose_name="批示人"
    )
    text = models.TextField("督办意见")
    created_at = models.DateTimeField("批示时间", default=timezone.now, editable=False)

    objects = InstructionQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="督办意见变更记录")

    class Meta:
        verbose_name = "督办意见"
        verbose_name_plural = "督办意见"
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="instruction_text_not_empty")]

    def __str__(self):
        return f"{self.author} · {self.text[:30]}"


def import_upload_to(instance, filename):
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportRecord(models.Model):
    """One upload of a municipal list: the file kept, who and when, what the preview found and
    what was applied."""

    file = models.FileField("文件", upload_to=import_upload_to, blank=True)  # none kept for a refused upload
    original_name = models.CharField("原文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64)
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    status = models.CharField("状态", max_length=10, choices=ImportStatus.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    plan_digest = models.CharField("预览摘要", max_length=64, blank=True)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    error_count = models.PositiveIntegerField("错误", default=0)
    summary = models.JSONField("结果摘要", default=dict, blank=True)

    class Meta:
        verbose_name = "清单导入记录"
        verbose_name_plural = "清单导入记录"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.original_name}（{self.year}年{self.get_level_display()}，{self.get_status_display()}）"

    def get_absolute_url(self):
        return reverse("projects:import_detail", args=[self.pk])

    def download_name(self, prefix=""):
        """The name a download of this import is saved under: always .xlsx (the kept file is a
        workbook whatever the upload was called, and so is the error list)."""
        stem = PurePosixPath(self.original_name.replace("\\", "/")).stem.strip() or "清单"
        return f"{prefix}{stem}.xlsx"
