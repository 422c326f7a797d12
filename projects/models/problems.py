"""The problem ledger (问题台账) and the follow-up of projects: problems and their steps, leaders'
instructions, supervision visits."""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.roles import is_office_admin
from projects import clock
from projects.choices import (
    UNSOLVED_PROBLEM_STATUSES,
    ProblemKind,
    ProblemStatus,
)
from projects.models.base import ScopedQuerySet, StaffKeptQuerySet, TimestampedModel
from projects.models.organisation import Leader, Unit
from projects.models.projects import Project
from projects.models.reporting import MonthlyReport
from projects.scoping import instructable_projects


class ProblemQuerySet(StaffKeptQuerySet):
    def movable_by(self, user):
        """Problems the user may move on (to 协调解决中 or 已解决): not resolved and not waiting for
        the office's 销号, on projects they keep."""
        return self.kept_by(user).filter(status__in=UNSOLVED_PROBLEM_STATUSES)

    def closable_by(self, user):
        """Problems waiting for 销号 that the user's office confirms or sends back (office admins only)."""
        if not is_office_admin(user):
            return self.none()
        return self.kept_by(user).filter(status=ProblemStatus.PENDING_CLOSE)

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
    """The overdue rule: a deadline before ``on`` (default: today) and not resolved, unless the
    street reported it solved by the deadline and it only waits for the office's 销号."""
    solved_in_time = Q(status=ProblemStatus.PENDING_CLOSE, resolved_on__lte=F("deadline"))
    return Q(deadline__lt=on or clock.today()) & ~Q(status=ProblemStatus.RESOLVED) & ~solved_in_time


def solved_on_time_condition():
    """Solved by the deadline: reported solved (待销号 or 已销号) on or before it — the rule of
    问题按期办结率 (scoring's problem closure) and the ledger's 是否按期解决 filter."""
    return Q(status__in=[ProblemStatus.RESOLVED, ProblemStatus.PENDING_CLOSE], resolved_on__lte=F("deadline"))


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
    # 销号: the office confirms a solved problem; until then it is 待销号 and does not count as resolved.
    confirmed_on = models.DateField("销号日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="销号人"
    )
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
                condition=~Q(status__in=[ProblemStatus.RESOLVED, ProblemStatus.PENDING_CLOSE])
                | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
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
        if not self.deadline or self.deadline >= clock.today() or self.status == ProblemStatus.RESOLVED:
            return False
        solved_in_time = self.status == ProblemStatus.PENDING_CLOSE and self.resolved_on <= self.deadline
        return not solved_in_time


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


class InstructionQuerySet(ScopedQuerySet):
    project_path = "problem__project__"


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
