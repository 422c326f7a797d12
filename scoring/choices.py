"""The scoring domain's vocabularies with their Chinese labels."""

from django.db import models


class Measure(models.TextChoices):
    """What a criterion scores: a figure the application already computes for every street and unit
    (scoring.selectors.measures says from which selector)."""

    INVESTMENT = "investment", "投资完成率（占时序进度）"
    START_RATE = "start_rate", "新开工项目开工率"
    COMPLETION_RATE = "completion_rate", "计划建成项目建成率"
    APPROVAL_RATE = "approval_rate", "前期手续联审联批办结率"
    PROBLEM_CLOSURE = "problem_closure", "问题按期办结率"
    TASK_CLOSURE = "task_closure", "交办事项按期办结率"
    REPORT_TIMELINESS = "report_timeliness", "月报报送及时率"
    EARLY_MILESTONES = "early_milestones", "节点提前完成"


# Measures that count items (due, on time, late), so that a per-item formula can apply to them; the
# investment measure is a ratio of amounts and has no items.
COUNTED_MEASURES = frozenset(Measure.values) - {Measure.INVESTMENT}


class Formula(models.TextChoices):
    """How a measure becomes points (scoring.formulas)."""

    LINEAR = "linear", "区间线性：下限得0分，上限及以上得满分"
    TARGET = "target", "达标满分：达到目标得满分，每低1个百分点扣分"
    PER_LATE = "per_late", "逐项扣分：每个逾期事项扣分，扣完为止"
    PER_ITEM_BONUS = "per_item_bonus", "逐项加分：每项加分，以权重为上限"


# A per-item formula reads the measure's count of items, not its rate.
ITEM_FORMULAS = frozenset({Formula.PER_LATE, Formula.PER_ITEM_BONUS})


class SubjectKind(models.TextChoices):
    """Who is scored: the district's streets, and its departments (responsible units)."""

    STREET = "street", "街道"
    UNIT = "unit", "责任单位"


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"
