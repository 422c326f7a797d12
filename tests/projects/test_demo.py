"""The demo data reproduces the 2015 卫东区 figures exactly beside the invented projects of 新华区
and 湛河区, and loading it twice changes nothing."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from projects.choices import Body, Category, Level, ProblemStatus
from projects.devdata.demo import DEMO_PASSWORD, demo_load
from projects.models import Assignment, Leader, Listing, MonthlyReport, Problem, Project, Region, Street
from projects.selectors.figures import investment_summary, listings_for

pytestmark = pytest.mark.usefixtures("demo")

NAMED_PROJECTS = {
    Category.COMPLETION: ["平煤神马集团八矿二号井", "明珠世纪城二期", "市四十一中异地重建项目"],
    Category.CONTINUING: [
        "河南新吉祥电子科技产业园",
        "平顶山旭龙再生资源有限公司建筑垃圾再生利用建设项目",
        "碧水香墅(劳动路恒温库区域改造)",
        "鹰城商贸、商务中心",
        "恒宇·东城国际",
    ],
    Category.NEW_START: [
        "上徐机械加工工业园",
        "市正顺化工公司技改10万吨/年洗油深加工",
        "平东物流产业集聚区基础设施建设项目(开发一路北延工程)",
        "益宏·莱茵水岸(平煤神马机械制造公司棚户区改造)",
        "广厦黄金花园(城中村改造)",
        "天安名郡(卫东区陈家岗下午三组改造)",
        "市现代物流产业集聚区一期",
    ],
}
STREETS = [
    "东安路街道", "五一路街道", "东工人镇街道", "优越路街道", "建设路街道", "东环路街道", "光华路街道",
    "鸿鹰街道", "北环路街道", "东高皇街道", "蒲城街道", "申楼街道", "皇台街道",
]  # fmt: skip


WEIDONG = "410403"


def city_2015():
    """卫东区's 2015 市重点 listings (新华区's and 湛河区's are invented beside them)."""
    return Listing.objects.filter(year=2015, level=Level.CITY, project__district__code=WEIDONG)


def test_26_city_listings_by_category():
    counts = dict(city_2015().values_list("category").annotate(n=Count("id")))
    assert counts == {Category.COMPLETION: 3, Category.CONTINUING: 16, Category.NEW_START: 7}
    assert set(city_2015().values_list("batch", flat=True)) == {1, 2}


def test_all_fifteen_named_projects_are_on_the_city_list_in_their_category():
    for category, names in NAMED_PROJECTS.items():
        listed = set(city_2015().filter(category=category).values_list("project__name", flat=True))
        assert set(names) <= listed, category


def test_annual_plan_and_january_to_september_investment():
    plan = city_2015().aggregate(total=Sum("annual_plan"))["total"]
    done = MonthlyReport.objects.filter(listing__in=city_2015(), month__range=(1, 9)).aggregate(total=Sum("investment"))
    assert plan == Decimal("439950")
    assert done["total"] == Decimal("411700")


def test_investment_summary_gives_93_58_percent_against_75_schedule():
    weidong = Region.objects.get(code=WEIDONG)
    summary = investment_summary(listings=listings_for(year=2015, level=Level.CITY, region=weidong), month=9)
    assert summary.listings == 26
    assert str(summary.annual_plan) == "439950.00"
    assert str(summary.cumulative) == "411700.00"
    assert str(summary.percent) == "93.58"
    assert str(summary.schedule) == "75.00"


def test_sixty_projects_under_the_leader_contact_system():
    assert Listing.objects.filter(year=2015, level=Level.DISTRICT, project__district__code=WEIDONG).count() == 34
    followed = Project.objects.filter(assignments__active=True, district__code=WEIDONG).distinct()
    assert followed.count() == 60
    assert (
        followed.filter(listings__year=2015, listings__level__in=[Level.CITY, Level.DISTRICT]).distinct().count() == 60
    )


def test_fifty_problems_thirty_eight_resolved_twelve_coordinating():
    counts = Problem.objects.aggregate(
        found=Count("id"),
        resolved=Count("id", filter=Q(status=ProblemStatus.RESOLVED)),
        coordinating=Count("id", filter=Q(status=ProblemStatus.COORDINATING)),
    )
    assert counts == {"found": 50, "resolved": 38, "coordinating": 12}
    assert Problem.objects.filter(raised_on__lt="2015-05-01").count() == 0


def test_leaders_from_all_four_bodies_each_with_assignments():
    bodies = set(Leader.objects.filter(assignments__active=True).values_list("body", flat=True))
    assert bodies == set(Body.values)
    assert not Leader.objects.annotate(n=Count("assignments")).filter(n=0).exists()


def test_the_thirteen_streets_of_weidong():
    streets = Street.objects.filter(district__code="410403")
    assert sorted(streets.values_list("name", flat=True)) == sorted(STREETS)


def test_demo_accounts_and_their_scope():
    users = get_user_model().objects
    admin, city, staff, leader = (users.get(username=name) for name in ("admin", "city", "staff", "leader"))
    for user in (admin, city, staff, leader):
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_superuser  # the demo's accounts are offices; a superuser is the operator
    assert admin.role == "admin" and admin.region.code == WEIDONG and admin.region.office_name == "卫东区项目办"
    assert city.role == "admin" and city.region.code == "410400" and city.region.office_name == "平顶山市项目办"
    assert staff.role == "staff" and staff.streets.count() == 1 and staff.region.code == WEIDONG
    assert Project.objects.filter(street__in=staff.streets.all()).count() >= 3
    assert leader.role == "leader" and leader.region.code == WEIDONG
    assigned = Assignment.objects.filter(leader__user=leader, active=True).count()
    assert 3 <= assigned <= 10


def test_invented_names_read_as_invented():
    named = {name for names in NAMED_PROJECTS.values() for name in names}
    others = Project.objects.exclude(name__in=named)
    assert others.filter(district__code=WEIDONG).count() == 45
    assert others.exclude(district__code=WEIDONG).count() == 11  # 新华区's six, 湛河区's five
    assert not others.exclude(name__contains="示例").exists()
    assert not Leader.objects.exclude(name__endswith="某").exists()


def snapshot():
    """Every row of every model of the project, serialised, to compare before and after."""
    models = [m for m in apps.get_models() if m._meta.app_label in {"projects", "accounts"}]
    return {m._meta.label: serializers.serialize("json", m.objects.order_by("pk")) for m in models}


def test_second_load_changes_nothing():
    before = snapshot()
    result = demo_load()
    assert result.total_created == 0
    assert snapshot() == before


def test_load_demo_command_prints_the_accounts(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "未做任何改动" in out
    for username in ("admin", "city", "staff", "leader"):
        assert username in out
    assert DEMO_PASSWORD in out
