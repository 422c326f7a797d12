"""The office's scoring rules (考核方案) and what they produce.

A scheme belongs to one district and one year; its criteria each take one measure the application
already computes (scoring.selectors.measures) and turn it into points by one formula
(scoring.formulas). Scores are computed from the data every time they are read
(scoring.selectors.scores); once a period's months are closed the office may freeze them
(ScoreSheet): the scores and the scheme they used are stored and never change afterwards.
Manual adjustments (加分/减分) carry a reason and are withdrawn, never deleted."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from projects.choices import Level
from projects.models import FIRST_YEAR, LAST_YEAR, TimestampedModel
from projects.models.organisation import district_key
from scoring.choices import COUNTED_MEASURES, ITEM_FORMULAS, Formula, Measure, PeriodKind, SubjectKind
from scoring.periods import ScorePeriod

MAX_POINTS = Decimal("100")
POINTS = {"max_digits": 6, "decimal_places": 2}


class Scheme(TimestampedModel):
    """考核方案: one district's rules for one year."""

    district = district_key(related_name="scoring_schemes")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("方案名称", max_length=100)
    level = models.CharField(
        "考核范围",
        max_length=10,
        choices=Level.choices,
        blank=True,
        help_text="留空表示该年度清单上的全部项目（同一项目在多级清单上只计一次，按最高一级）。",
    )
    notes = models.TextField("说明", blank=True)

    history = HistoricalRecords(verbose_name="考核方案变更记录")

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year", "district"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="scheme_unique_district_year"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="scheme_year_in_range"
            ),
            models.CheckConstraint(condition=Q(level="") | Q(level__in=Level.values), name="scheme_level_valid"),
        ]

    def __str__(self):
        return f"{self.year}年{self.name}"


class Applies(models.TextChoices):
    BOTH = "both", "街道和责任单位"
    STREET = "street", "仅街道"
    UNIT = "unit", "仅责任单位"


# Which formulas each measure may use: a ratio of amounts has no items to count, and early
# milestones are only ever a bonus.
FORMULAS_OF = {
    Measure.INVESTMENT: (Formula.LINEAR, Formula.TARGET),
    Measure.EARLY_MILESTONES: (Formula.PER_ITEM_BONUS,),
}
DEFAULT_FORMULAS = (Formula.LINEAR, Formula.TARGET, Formula.PER_LATE)


def formulas_of(measure):
    return FORMULAS_OF.get(measure, DEFAULT_FORMULAS)


class Criterion(models.Model):
    """考核指标: one measure, its weight (满分) and the formula that scores it.

    Formula parameters: LINEAR reads ``lower`` (0 points) and ``upper`` (full marks); TARGET reads
    ``target`` and ``per_item`` (points off per percentage point below it); PER_LATE reads
    ``per_item`` (points off per late item); PER_ITEM_BONUS reads ``per_item`` (points per item),
    its weight being the cap. A bonus criterion (PER_ITEM_BONUS) adds to the 100-point base."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="criteria", verbose_name="考核方案")
    name = models.CharField("指标名称", max_length=50)
    measure = models.CharField("考核内容", max_length=20, choices=Measure.choices)
    applies_to = models.CharField("考核对象", max_length=10, choices=Applies.choices, default=Applies.BOTH)
    weight = models.DecimalField("分值", **POINTS, help_text="该项满分；加分项为加分上限。")
    formula = models.CharField("计分方法", max_length=20, choices=Formula.choices)
    lower = models.DecimalField("下限（%）", **POINTS, null=True, blank=True)
    upper = models.DecimalField("上限（%）", **POINTS, null=True, blank=True)
    target = models.DecimalField("目标值（%）", **POINTS, null=True, blank=True)
    per_item = models.DecimalField(
        "每项/每点分值", **POINTS, null=True, blank=True, help_text="每低1个百分点或每个事项扣（加）的分数。"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords(verbose_name="考核指标变更记录")

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["scheme", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="criterion_unique_name_in_scheme"),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=MAX_POINTS), name="criterion_weight_0_100"
            ),
            models.CheckConstraint(condition=Q(measure__in=Measure.values), name="criterion_measure_valid"),
            models.CheckConstraint(condition=Q(formula__in=Formula.values), name="criterion_formula_valid"),
            models.CheckConstraint(condition=Q(applies_to__in=Applies.values), name="criterion_applies_valid"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_bonus(self):
        return self.formula == Formula.PER_ITEM_BONUS

    def applies(self, kind):
        return self.applies_to in (Applies.BOTH, kind)

    def clean(self):
        """The formula fits the measure and has its parameters (messages for the scheme's form)."""
        errors = {}
        if self.measure in Measure.values and self.formula and self.formula not in formulas_of(self.measure):
            allowed = "、".join(Formula(f).label.split("：")[0] for f in formulas_of(self.measure))
            errors["formula"] = f"“{Measure(self.measure).label}”只能用以下计分方法：{allowed}。"
        elif self.formula in ITEM_FORMULAS and self.measure not in COUNTED_MEASURES:
            errors["formula"] = "逐项计分只适用于按事项计数的考核内容。"
        if self.formula == Formula.LINEAR:
            if self.lower is None or self.upper is None:
                errors["upper"] = "区间线性需要填写下限和上限。"
            elif self.lower >= self.upper:
                errors["upper"] = "上限应大于下限。"
        if self.formula == Formula.TARGET and self.target is None:
            errors["target"] = "达标满分需要填写目标值。"
        if self.formula in (Formula.TARGET, Formula.PER_LATE, Formula.PER_ITEM_BONUS) and (
            self.per_item is None or self.per_item <= 0
        ):
            errors["per_item"] = "请填写大于0的每项（每个百分点）分值。"
        if errors:
            raise ValidationError(errors)


class Adjustment(TimestampedModel):
    """加分/减分: points an admin adds to or takes from a street or a unit for one period, with the
    reason. Withdrawn with a reason, never deleted; the history keeps every change."""

    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="adjustments", verbose_name="考核方案")
    period_kind = models.CharField("考核周期", max_length=10, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField("期次", help_text="月份 1–12，季度 1–4，年度 1。")
    subject_kind = models.CharField("考核对象类型", max_length=10, choices=SubjectKind.choices)
    street = models.ForeignKey(
        "projects.Street", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="街道"
    )
    unit = models.ForeignKey(
        "projects.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="责任单位"
    )
    points = models.DecimalField("分值", **POINTS, help_text="正数为加分，负数为减分。")
    reason = models.TextField("理由")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="录入人")
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="撤销人"
    )
    withdraw_reason = models.TextField("撤销理由", blank=True)

    history = HistoricalRecords(verbose_name="考核加减分变更记录")

    class Meta:
        verbose_name = "考核加减分"
        verbose_name_plural = "考核加减分"
        ordering = ["scheme", "period_kind", "number", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="adjustment_points_nonzero"),
            models.CheckConstraint(
                condition=Q(points__gte=-MAX_POINTS) & Q(points__lte=MAX_POINTS), name="adjustment_points_in_range"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_reason_given"),
            models.CheckConstraint(condition=Q(period_kind__in=PeriodKind.values), name="adjustment_period_valid"),
            models.CheckConstraint(
                condition=(Q(subject_kind=SubjectKind.STREET, street__isnull=False, unit__isnull=True))
                | (Q(subject_kind=SubjectKind.UNIT, unit__isnull=False, street__isnull=True)),
                name="adjustment_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.subject}：{self.points:+}分"

    @property
    def subject(self):
        return self.street if self.subject_kind == SubjectKind.STREET else self.unit

    @property
    def subject_id(self):
        return self.street_id if self.subject_kind == SubjectKind.STREET else self.unit_id


class ScoreSheet(models.Model):
    """A frozen period (定稿): the scores of every street and unit and the scheme they used, stored
    when the office froze them and never changed afterwards, whatever later happens to the data or
    the scheme."""

    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="sheets", verbose_name="考核方案")
    period_kind = models.CharField("考核周期", max_length=10, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField("期次")
    scheme_snapshot = models.JSONField("所用方案", help_text="定稿时的方案和指标。")
    rows = models.JSONField("得分", help_text="定稿时各街道、各责任单位的得分和明细。")
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="定稿人")
    frozen_at = models.DateTimeField("定稿时间")

    class Meta:
        verbose_name = "考核定稿"
        verbose_name_plural = "考核定稿"
        ordering = ["scheme", "period_kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "period_kind", "number"], name="scoresheet_unique_period"),
            models.CheckConstraint(condition=Q(period_kind__in=PeriodKind.values), name="scoresheet_period_valid"),
        ]

    def __str__(self):
        # "卫东区2015年重点项目建设考核办法 · 2015年第二季度": the period as the pages name it.
        return f"{self.scheme.name} · {ScorePeriod(self.period_kind, self.scheme.year, self.number).label}"
