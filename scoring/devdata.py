"""The scoring part of the 2015 卫东区 demo: the district's 2015 scheme (考核办法) over every list's
projects, two September adjustments (a street's 加分, a department's 减分) entered by the office's
admin, and the closed periods frozen (定稿) through the service the pages use: August and the
second quarter (the demo closes January–August). Run at the end of projects' demo load
(projects.extensions.demo_loader); creates only what is missing. README's 考核 section shows the
September ranking it yields."""

from collections import Counter
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model

from projects.models import Region, Street, Unit
from projects.services.audit import audited_save
from scoring.choices import Formula, Measure, PeriodKind, SubjectKind
from scoring.models import Adjustment, Criterion, Scheme, ScoreSheet
from scoring.periods import ScorePeriod
from scoring.services.freeze import open_months, sheet_freeze

DISTRICT = "410403"
YEAR = 2015
NAME = "卫东区2015年重点项目建设考核办法"
REASON = "演示数据：2015年重点项目建设考核"
NOTES = (
    "按月、季度和年度考核各街道和区直部门；基本分满分100分，另设节点提前完成加分（最高5分）。"
    "投资完成以占时序进度计：达到时序进度的80%得0分，达到140%及以上得满分，其间按比例计分。"
    "加减分由区项目办研究确定，逐项注明理由。"
)

# (name, measure, weight, formula, parameters): the base weights add up to 100, the bonus caps at 5.
CRITERIA = [
    ("投资完成", Measure.INVESTMENT, "40", Formula.LINEAR, {"lower": "80", "upper": "140"}),
    ("新开工项目开工", Measure.START_RATE, "15", Formula.TARGET, {"target": "100", "per_item": "0.2"}),
    ("联审联批", Measure.APPROVAL_RATE, "15", Formula.TARGET, {"target": "90", "per_item": "0.5"}),
    ("问题按期办结", Measure.PROBLEM_CLOSURE, "10", Formula.PER_LATE, {"per_item": "2"}),
    ("交办事项按期办结", Measure.TASK_CLOSURE, "10", Formula.PER_LATE, {"per_item": "1"}),
    ("月报按时报送", Measure.REPORT_TIMELINESS, "10", Formula.PER_LATE, {"per_item": "1"}),
    ("节点提前完成", Measure.EARLY_MILESTONES, "5", Formula.PER_ITEM_BONUS, {"per_item": "1"}),
]

# September's adjustments: (kind, street or unit name, points, reason).
ADJUSTMENTS = [
    (
        SubjectKind.STREET,
        "北环路街道",
        "2",
        "市正顺化工公司技改10万吨/年洗油深加工项目两座48米蒸馏塔吊装期间，街道协调魏寨村群众和道路临时占用，"
        "保障设备按期就位，经9月重点项目调度会研究，加2分。",
    ),
    (
        SubjectKind.UNIT,
        "区国土资源局",
        "-2",
        "市现代物流产业集聚区一期用地预审与选址意见书超过办结时限（9月15日到期）仍未办结，"
        "经9月重点项目调度会通报，减2分。",
    ),
]

# The closed periods the office froze, and the day it did (after the last month's reports were due).
FROZEN = [
    (ScorePeriod(PeriodKind.QUARTER, YEAR, 2), date(2015, 7, 28)),
    (ScorePeriod(PeriodKind.MONTH, YEAR, 8), date(2015, 9, 28)),
]


def _scheme(district, admin, created):
    scheme = Scheme.objects.filter(district=district, year=YEAR).first()
    if scheme is not None:
        return scheme
    scheme = Scheme(district=district, year=YEAR, name=NAME, level="", notes=NOTES)
    scheme.full_clean()
    audited_save(scheme, user=admin, reason=REASON)
    created[Scheme._meta.verbose_name] += 1
    for order, (name, measure, weight, formula, params) in enumerate(CRITERIA, start=1):
        criterion = Criterion(
            scheme=scheme,
            name=name,
            measure=measure,
            weight=Decimal(weight),
            formula=formula,
            sort_order=order,
            **{key: Decimal(value) for key, value in params.items()},
        )
        criterion.full_clean()
        audited_save(criterion, user=admin, reason=REASON)
        created[Criterion._meta.verbose_name] += 1
    september = ScorePeriod(PeriodKind.MONTH, YEAR, 9)
    for kind, subject, points, reason in ADJUSTMENTS:
        if kind == SubjectKind.STREET:
            target = {"street": Street.objects.get(district=district, name=subject)}
        else:
            target = {"unit": Unit.objects.get(district=district, name=subject)}
        adjustment = Adjustment(
            scheme=scheme,
            period_kind=september.kind,
            number=september.number,
            subject_kind=kind,
            points=Decimal(points),
            reason=reason,
            created_by=admin,
            **target,
        )
        adjustment.full_clean()
        audited_save(adjustment, user=admin, reason=REASON)
        created[Adjustment._meta.verbose_name] += 1
    return scheme


def load_scoring_demo():
    """Create 卫东区's 2015 scheme, its adjustments and frozen periods where they are missing; what
    was created, by kind of row."""
    district = Region.objects.filter(code=DISTRICT).first()
    admin = get_user_model().objects.filter(username="admin", region=district).first()
    created = Counter()
    if district is None or admin is None:
        return created
    scheme = _scheme(district, admin, created)
    for period, day in FROZEN:
        done = ScoreSheet.objects.filter(scheme=scheme, period_kind=period.kind, number=period.number).exists()
        if done or open_months(scheme, period):
            continue
        sheet = sheet_freeze(user=admin, scheme=scheme, period=period, today=day)
        # Frozen on the day the office did it in 2015, not the day the demo is loaded.
        sheet.frozen_at = datetime.combine(day, time(10, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))
        sheet.save(update_fields=["frozen_at"])
        created[ScoreSheet._meta.verbose_name] += 1
    return created
