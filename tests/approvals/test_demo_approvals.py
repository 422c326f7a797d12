"""The approvals part of the demo (approvals.devdata): the 7 新开工 projects' items as the seed tells
their state in October 2015, and the figures README's 前期手续与要素保障 section states — counted here
from the rows with plain ORM queries, and each README table row checked against them, so the two
cannot drift apart silently."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db.models import Count, Min, Q, Sum

from approvals.choices import OPEN_STATUSES, FundingSource, ItemStatus
from approvals.models import (
    ApprovalItem,
    ApprovalTemplate,
    Funding,
    LandSupply,
    StatisticsFigure,
    StatisticsRegistration,
)
from projects.choices import Category, Level
from projects.devdata.demo import demo_load
from projects.models import Milestone, MonthlyReport, Project, Unit
from projects.workdays import workdays_after

pytestmark = pytest.mark.usefixtures("demo")

README = Path(settings.BASE_DIR) / "README.md"
PERIOD_END = date(2015, 9, 30)  # the rate of January–September
TODAY = date(2015, 10, 20)  # the demo's day (make run's KP_TODAY)

SHANGXU = "上徐机械加工工业园"
ZHENGSHUN = "市正顺化工公司技改10万吨/年洗油深加工"
PINGDONG = "平东物流产业集聚区基础设施建设项目(开发一路北延工程)"
YIHONG = "益宏·莱茵水岸(平煤神马机械制造公司棚户区改造)"
GUANGSHA = "广厦黄金花园(城中村改造)"
TIANAN = "天安名郡(卫东区陈家岗下午三组改造)"
LOGISTICS = "市现代物流产业集聚区一期"
STARTED = [ZHENGSHUN, PINGDONG, YIHONG, GUANGSHA, TIANAN]


def items():
    return ApprovalItem.objects.filter(project__district__code="410403")


def item(project, name):
    return items().get(project__name=project, name=name)


# --- The rows, against the seed -------------------------------------------------------------------


def test_the_seven_new_start_projects_and_only_they_have_items():
    new_starts = Project.objects.filter(
        listings__year=2015, listings__level=Level.CITY, listings__category=Category.NEW_START, district__code="410403"
    )
    assert set(items().values_list("project__name", flat=True)) == set(new_starts.values_list("name", flat=True))
    assert new_starts.count() == 7
    per_project = set(items().values("project").annotate(n=Count("id")).values_list("n", flat=True))
    assert per_project == {12}
    assert not items().filter(template_item__isnull=True).exists()  # all from the templates


def test_the_templates_and_their_departments():
    templates = ApprovalTemplate.objects.filter(district__code="410403")
    assert sorted(templates.values_list("name", flat=True)) == ["产业类项目前期手续", "房地产及城建项目前期手续"]
    for template in templates:
        assert template.items.count() == 12
        assert not template.items.filter(Q(department__isnull=True) | Q(time_limit_days__isnull=True)).exists()
    departments = set(templates.values_list("items__department__name", flat=True))
    assert departments == {
        "区发展和改革委员会",
        "区国土资源局",
        "区住房和城乡建设局",
        "市城乡规划局卫东分局",
        "市环境保护局卫东分局",
        "区林业局",
    }
    assert set(Unit.objects.filter(name__in=departments).values_list("kind", flat=True)) == {"department"}


def test_the_status_of_every_item():
    counts = dict(items().values_list("status").annotate(n=Count("id")))
    assert counts == {
        ItemStatus.DONE: 52,
        ItemStatus.IN_PROGRESS: 3,
        ItemStatus.NOT_STARTED: 14,
        ItemStatus.NOT_NEEDED: 15,
    }
    assert (
        not items()
        .filter(status=ItemStatus.DONE)
        .filter(Q(document_number="") | Q(submitted_date__isnull=True))
        .exists()
    )
    assert not items().exclude(submitted_date__year=2015).exclude(submitted_date__isnull=True).exists()
    assert not items().filter(Q(submitted_date__gte=TODAY) | Q(approved_date__gte=TODAY)).exists()


def test_shangxu_land_quota_and_geology_done_control_plan_in_progress():
    land = item(SHANGXU, "用地批准（农用地转用与土地征收）")
    geology = item(SHANGXU, "地质灾害评估")
    plan = item(SHANGXU, "控制性详细规划")
    assert (land.status, land.approved_date) == (ItemStatus.DONE, date(2015, 6, 20))
    assert land.document_number.startswith("豫政土〔2015〕")  # the province's approval
    assert (geology.status, geology.approved_date) == (ItemStatus.DONE, date(2015, 8, 15))
    # The seed's milestones say the same days.
    milestones = dict(Milestone.objects.filter(project__name=SHANGXU).values_list("name", "actual_date"))
    assert milestones["省土地指标批复"] == land.approved_date
    assert milestones["地质、地稳勘察"] == geology.approved_date
    assert plan.status == ItemStatus.IN_PROGRESS and plan.approved_date is None
    # Submitted 2015-08-20, 40 working days: due 2015-10-22, two working days after the demo's day.
    assert (plan.submitted_date, plan.time_limit_days, plan.due_date) == (date(2015, 8, 20), 40, date(2015, 10, 22))
    assert plan.due_date == workdays_after(TODAY, 2)


def test_tianan_detailed_plan_approved_before_its_housing_started():
    plan = item(TIANAN, "控制性详细规划")
    milestones = dict(Milestone.objects.filter(project__name=TIANAN).values_list("name", "actual_date"))
    assert plan.status == ItemStatus.DONE and plan.approved_date == milestones["详细规划通过"] == date(2015, 7, 20)
    permit = item(TIANAN, "建筑工程施工许可证")
    assert permit.status == ItemStatus.DONE and permit.approved_date < milestones["安置房开工"]


def test_logistics_park_plan_draft_done_and_its_site_approval_late():
    plan = item(LOGISTICS, "控制性详细规划")
    assert plan.status == ItemStatus.IN_PROGRESS and "初稿已完成" in plan.notes
    assert plan.submitted_date == date(2015, 9, 28)  # after the draft (milestone 规划初稿 2015-09-25)
    site = item(LOGISTICS, "用地预审与选址意见书")
    assert site.status == ItemStatus.IN_PROGRESS and site.due_date == date(2015, 9, 15)


def started_on(name):
    """The day a started project started: its first month with investment reported (April for all
    but 天安名郡, whose resettlement housing started on the milestone's day)."""
    if name == TIANAN:
        return Milestone.objects.get(project__name=name, name="安置房开工").actual_date
    first = MonthlyReport.objects.filter(listing__project__name=name, listing__year=2015, investment__gt=0).aggregate(
        month=Min("month")
    )["month"]
    return date(2015, first, 1)


@pytest.mark.parametrize("name", STARTED)
def test_a_started_projects_blocking_items_were_done_before_its_start(name):
    blocking = items().filter(project__name=name, blocks_start=True).exclude(status=ItemStatus.NOT_NEEDED)
    assert blocking.exists()
    assert set(blocking.values_list("status", flat=True)) == {ItemStatus.DONE}
    start = started_on(name)
    assert all(day < start for day in blocking.values_list("approved_date", flat=True)), name


def test_zhengshun_being_installed_has_everything_done():
    statuses = set(items().filter(project__name=ZHENGSHUN).values_list("status", flat=True))
    assert statuses == {ItemStatus.DONE, ItemStatus.NOT_NEEDED}


def test_items_name_the_demo_admin_in_their_history(admin_user):
    history = ApprovalItem.history.filter(project__name=SHANGXU)
    assert set(history.values_list("history_user", flat=True)) == {admin_user.pk}


# --- The figures of README ------------------------------------------------------------------------

# 联审联批 as of September: counted = items not 不需办理 due by 2015-09-30 or approved by then;
# done = 已办结 by then. Red on 2015-10-20: open and past due; yellow: open and due within
# KP_APPROVAL_YELLOW_WORKDAYS working days.
BY_DEPARTMENT = [
    # department, counted, done, rate, red, yellow
    ("区发展和改革委员会", 8, 8, "100.0%", 0, 0),
    ("区住房和城乡建设局", 13, 13, "100.0%", 0, 0),
    ("区国土资源局", 14, 13, "92.9%", 1, 0),
    ("市城乡规划局卫东分局", 12, 12, "100.0%", 0, 1),
    ("市环境保护局卫东分局", 5, 5, "100.0%", 0, 0),
    ("区林业局", 1, 1, "100.0%", 0, 0),
    ("合计", 53, 52, "98.1%", 1, 1),
]
BY_STREET = [
    ("东工人镇街道", 4, 4, "100.0%"),
    ("光华路街道", 9, 9, "100.0%"),
    ("北环路街道", 17, 17, "100.0%"),
    ("东高皇街道", 10, 10, "100.0%"),
    ("申楼街道", 11, 11, "100.0%"),
    ("皇台街道", 2, 1, "50.0%"),
]
FUNDING = [
    # source, planned, secured (万元, 2015)
    ("财政资金", "4,000", "3,300"),
    ("专项债", "6,000", "5,000"),
    ("中央预算内", "1,000", "1,000"),
    ("银行贷款", "28,000", "20,000"),
    ("自筹", "50,000", "39,300"),
    ("合计", "89,000", "68,600"),
]
STATISTICS = [
    # project, reported Jan–Sep cumulative, the statistics' September cumulative, gap (万元)
    (ZHENGSHUN, "14,600", "14,200", "-400"),
    (PINGDONG, "11,200", "11,200", "0"),
    (YIHONG, "19,000", "17,600", "-1,400"),
    (GUANGSHA, "16,500", "16,800", "300"),
    (TIANAN, "13,800", "12,900", "-900"),
]


def rate(done, counted):
    return f"{Decimal(100 * done / counted).quantize(Decimal('0.1'))}%"


def counted_and_done():
    counted = Q(due_date__lte=PERIOD_END) | Q(approved_date__lte=PERIOD_END)
    done = Q(status=ItemStatus.DONE, approved_date__lte=PERIOD_END)
    yellow_end = workdays_after(TODAY, settings.KP_APPROVAL_YELLOW_WORKDAYS)
    return {
        "counted": Count("id", filter=counted),
        "done": Count("id", filter=done),
        "red": Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__lt=TODAY)),
        "yellow": Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__gte=TODAY, due_date__lte=yellow_end)),
    }


def department_rows():
    rows = (
        items()
        .exclude(status=ItemStatus.NOT_NEEDED)
        .values("department__name")
        .annotate(**counted_and_done())
        .order_by("department__sort_order")
    )
    table = [
        (
            row["department__name"],
            row["counted"],
            row["done"],
            rate(row["done"], row["counted"]),
            row["red"],
            row["yellow"],
        )
        for row in rows
    ]
    total = items().exclude(status=ItemStatus.NOT_NEEDED).aggregate(**counted_and_done())
    table.append(
        ("合计", total["counted"], total["done"], rate(total["done"], total["counted"]), total["red"], total["yellow"])
    )
    return table


def street_rows():
    rows = (
        items()
        .exclude(status=ItemStatus.NOT_NEEDED)
        .values("project__street__name")
        .annotate(**counted_and_done())
        .order_by("project__street__sort_order")
    )
    return [(r["project__street__name"], r["counted"], r["done"], rate(r["done"], r["counted"])) for r in rows]


def wan(value):
    return f"{value:,.0f}"


def test_the_rate_of_september_by_department():
    assert department_rows() == BY_DEPARTMENT


def test_the_rate_of_september_by_street():
    assert street_rows() == BY_STREET


def test_the_red_and_the_yellow_item_on_the_demos_day():
    red = items().filter(status__in=OPEN_STATUSES, due_date__lt=TODAY)
    assert list(red.values_list("project__name", "name")) == [(LOGISTICS, "用地预审与选址意见书")]
    yellow_end = workdays_after(TODAY, settings.KP_APPROVAL_YELLOW_WORKDAYS)
    yellow = items().filter(status__in=OPEN_STATUSES, due_date__gte=TODAY, due_date__lte=yellow_end)
    assert list(yellow.values_list("project__name", "name")) == [(SHANGXU, "控制性详细规划")]


def test_funding_land_and_statistics():
    labels = dict(FundingSource.choices)
    funding = Funding.objects.filter(year=2015, project__district__code="410403")
    rows = {
        labels[row["source"]]: (wan(row["planned"]), wan(row["secured"]))
        for row in funding.values("source").annotate(planned=Sum("planned"), secured=Sum("secured"))
    }
    total = funding.aggregate(planned=Sum("planned"), secured=Sum("secured"))
    rows["合计"] = (wan(total["planned"]), wan(total["secured"]))
    assert rows == {source: (planned, secured) for source, planned, secured in FUNDING}
    # Each project's planned funding is its 2015 annual plan; 专项债 only on the infrastructure project.
    for project in Project.objects.filter(fundings__year=2015).distinct():
        planned = project.fundings.filter(year=2015).aggregate(total=Sum("planned"))["total"]
        assert planned == project.listings.get(year=2015, level=Level.CITY).annual_plan, project.name
    bonds = funding.filter(source=FundingSource.SPECIAL_BOND)
    assert list(bonds.values_list("project__name", flat=True)) == [PINGDONG]

    land = LandSupply.objects.filter(year=2015).aggregate(needed=Sum("needed"), supplied=Sum("supplied"))
    assert (land["needed"], land["supplied"]) == (Decimal("943"), Decimal("273"))

    assert set(StatisticsRegistration.objects.filter(registered=True).values_list("project__name", flat=True)) == set(
        STARTED
    )
    for name, reported, statistics, gap in STATISTICS:
        cumulative = MonthlyReport.objects.filter(
            listing__project__name=name, listing__year=2015, listing__level=Level.CITY, month__lte=9
        ).aggregate(total=Sum("investment"))["total"]
        figure = StatisticsFigure.objects.get(project__name=name, year=2015, month=9).cumulative
        assert (wan(cumulative), wan(figure), wan(figure - cumulative)) == (reported, statistics, gap), name


def markdown_row(*cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def test_readme_states_the_same_figures():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## 前期手续与要素保障") :]
    for row in BY_DEPARTMENT:
        assert markdown_row(*row) in section, row
    for row in BY_STREET:
        assert markdown_row(*row) in section, row
    for row in FUNDING:
        assert markdown_row(*row) in section, row
    for name, *figures in STATISTICS:
        assert markdown_row(name, *figures) in section, name
    assert "联审联批任务53项，已完成52项，完成率98.1%" in section
    assert "84" in section and "943" in section and "273" in section


# --- Loading again ---------------------------------------------------------------------------------


def snapshot():
    models = [m for m in apps.get_models() if m._meta.app_label in {"approvals", "projects"}]
    return {m._meta.label: serializers.serialize("json", m.objects.order_by("pk")) for m in models}


def test_a_second_load_creates_nothing():
    before = snapshot()
    assert demo_load().total_created == 0
    assert snapshot() == before
