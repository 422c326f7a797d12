"""The approvals' figures: an item's light at its boundaries, a project's warning, the rate."""

from datetime import date
from decimal import Decimal

import pytest

from approvals.choices import ItemLight, ItemStatus
from approvals.models import ApprovalItem
from approvals.selectors.figures import (
    light_bounds,
    node_items,
    project_warnings,
    rate_by_department,
    rate_by_street,
    rate_percent,
    rate_text,
    rate_total,
    with_light,
)
from projects.models import Project, Region
from projects.workdays import workdays_after
from tests.approvals.helpers import DEVELOPMENT, HOUSING, LAND, SHANGXU, ZHENGSHUN, department, item

# Each test builds its own approvals on the demo's projects.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_demo_approvals")]


def lights(today=None):
    return dict(with_light(ApprovalItem.objects.all(), today).values_list("name", "light"))


def test_light_at_its_boundaries(demo, settings):
    today = date(2015, 9, 14)  # a Monday: three working days on is Thursday the 17th
    settings.KP_TODAY = today
    assert light_bounds() == (today, date(2015, 9, 17)) == (today, workdays_after(today, 3))
    item(SHANGXU, "昨天到期", due=date(2015, 9, 13))
    item(SHANGXU, "今天到期", due=today)
    item(SHANGXU, "第三个工作日到期", due=date(2015, 9, 17))
    item(SHANGXU, "第四个工作日到期", due=date(2015, 9, 18))
    item(SHANGXU, "已办结", due=date(2015, 9, 1), status=ItemStatus.DONE)
    item(SHANGXU, "不需办理", due=date(2015, 9, 1), status=ItemStatus.NOT_NEEDED)
    item(SHANGXU, "没有期限", due=None)
    item(SHANGXU, "未启动且超期", due=date(2015, 9, 11), status=ItemStatus.NOT_STARTED)
    assert lights() == {
        "昨天到期": ItemLight.RED,
        "今天到期": ItemLight.YELLOW,
        "第三个工作日到期": ItemLight.YELLOW,
        "第四个工作日到期": ItemLight.GREEN,
        "已办结": ItemLight.NONE,
        "不需办理": ItemLight.NONE,
        "没有期限": ItemLight.NONE,
        "未启动且超期": ItemLight.RED,
    }


def test_light_across_the_national_day_week(demo, settings):
    # 2015: 9-30 is a working day, 10-1..10-7 the holiday, Saturday 10-10 a make-up working day.
    today = date(2015, 9, 29)
    settings.KP_TODAY = today
    last_yellow = workdays_after(today, 3)
    assert last_yellow == date(2015, 10, 9)
    item(SHANGXU, "节后第一天到期", due=date(2015, 10, 8))
    item(SHANGXU, "节后第二天到期", due=last_yellow)
    item(SHANGXU, "调休周六到期", due=date(2015, 10, 10))
    item(SHANGXU, "前天到期", due=date(2015, 9, 27))
    assert lights() == {
        "节后第一天到期": ItemLight.YELLOW,
        "节后第二天到期": ItemLight.YELLOW,
        "调休周六到期": ItemLight.GREEN,
        "前天到期": ItemLight.RED,
    }
    # The light moves with the date: on 10-9 the one due 10-8 is late, the one due that day yellow.
    assert lights(date(2015, 10, 9))["节后第一天到期"] == ItemLight.RED
    assert lights(date(2015, 10, 9))["节后第二天到期"] == ItemLight.YELLOW


def test_a_projects_warning_is_its_worst_blocking_item(demo, settings):
    settings.KP_TODAY = date(2015, 9, 14)
    item(SHANGXU, "超期但不影响开工", due=date(2015, 9, 1), blocks_start=False)
    item(SHANGXU, "临期", due=date(2015, 9, 15))
    item(SHANGXU, "已办结", due=date(2015, 9, 1), status=ItemStatus.DONE)
    item(SHANGXU, "不需办理", due=date(2015, 9, 1), status=ItemStatus.NOT_NEEDED)
    item(ZHENGSHUN, "正常", due=date(2015, 12, 1))
    item(ZHENGSHUN, "超期", due=date(2015, 9, 1))
    warnings = project_warnings(ApprovalItem.objects.all())
    shangxu, zhengshun = (Project.objects.get(name=name, district__code="410403").pk for name in (SHANGXU, ZHENGSHUN))
    # worst light, done, needed (不需办理 aside)
    assert warnings[shangxu] == (ItemLight.YELLOW, 1, 3)
    assert warnings[zhengshun] == (ItemLight.RED, 0, 2)


def test_rate_text_rounds_to_one_place():
    assert rate_text(rate_percent(117, 131)) == "89.3%"
    assert rate_percent(2, 3) == Decimal("66.7")
    assert rate_text(rate_percent(0, 0)) == "—"


def september_items():
    item(SHANGXU, "甲 九月到期已办结", due=date(2015, 9, 20), status=ItemStatus.DONE, approved_date=date(2015, 9, 10))
    item(SHANGXU, "乙 九月到期未办结", due=date(2015, 9, 25), dept=LAND)
    item(SHANGXU, "丙 不需办理", due=date(2015, 9, 1), status=ItemStatus.NOT_NEEDED)
    item(SHANGXU, "丁 十月到期", due=date(2015, 10, 15), dept=LAND)
    item(ZHENGSHUN, "戊 提前办结", due=date(2015, 10, 20), status=ItemStatus.DONE, approved_date=date(2015, 9, 5))
    done = ItemStatus.DONE
    item(ZHENGSHUN, "己 九月到期十月办结", due=date(2015, 9, 28), status=done, approved_date=date(2015, 10, 5))


def test_rate_counts_items_due_or_approved_by_the_period(demo, settings, admin_user):
    settings.KP_TODAY = date(2015, 10, 20)
    september_items()
    items = node_items(admin_user, year=2015, region=Region.objects.get(code="410403"))
    september = rate_total(items, year=2015, month=9)
    # 甲, 乙, 戊, 己 counted; 甲 and 戊 done by 9-30; 丙 not needed; 丁 not due yet.
    assert (september.counted, september.done, september.rate) == (4, 2, "50.0%")
    october = rate_total(items, year=2015, month=10)
    assert (october.counted, october.done, october.rate) == (5, 3, "60.0%")
    august = rate_total(items, year=2015, month=8)
    assert (august.counted, august.done, august.rate) == (0, 0, "—")
    # Today 10-20: 乙 (9-25) and 丁 (10-15) are late.
    assert (october.red, october.yellow, october.items) == (2, 0, 6)


def test_rate_by_department_and_street_add_up_to_the_total(demo, settings, admin_user):
    settings.KP_TODAY = date(2015, 10, 20)
    september_items()
    items = node_items(admin_user, year=2015, region=Region.objects.get(code="410403"))
    departments = rate_by_department(items, year=2015, month=9)
    assert [(r.label, r.counted, r.done, r.red, r.rate) for r in departments] == [
        (LAND, 1, 0, 2, "0.0%"),  # two red items: first
        (DEVELOPMENT, 3, 2, 0, "66.7%"),
    ]
    streets = {r.label: (r.counted, r.done, r.rate) for r in rate_by_street(items, year=2015, month=9)}
    assert streets == {"东工人镇街道": (2, 1, "50.0%"), "北环路街道": (2, 1, "50.0%")}
    total = rate_total(items, year=2015, month=9)
    assert sum(r.counted for r in departments) == total.counted == 4
    assert sum(r.done for r in departments) == total.done == 2
    assert department(HOUSING).pk not in [r.key for r in departments]


def test_node_items_follow_the_year_level_and_scope(demo, settings, users):
    settings.KP_TODAY = date(2015, 10, 20)
    september_items()
    district = Region.objects.get(code="410403")
    assert node_items(users["admin"], year=2015, region=district).count() == 6
    assert node_items(users["admin"], year=2015, region=district, level="district").count() == 0
    assert node_items(users["admin"], year=2016, region=district).count() == 0
    # staff_a keeps 北环路街道's projects: 正顺化工 only.
    assert set(node_items(users["staff_a"], year=2015, region=district).values_list("name", flat=True)) == {
        "戊 提前办结",
        "己 九月到期十月办结",
    }
    assert node_items(users["leader"], year=2015, region=district).count() == 0


def test_the_sql_light_and_the_one_item_light_are_one_rule(demo):
    """Every page reads the same light: the board's SQL annotation and the item pages' function
    agree on every status around each boundary, across the 2015 National Day week."""
    from itertools import product

    from approvals.selectors.lights import item_light

    today = date(2015, 9, 29)
    due_dates = [None, *(date(2015, 9, day) for day in (27, 28, 29, 30)), *(date(2015, 10, d) for d in range(1, 13))]
    for number, (status, due) in enumerate(product(ItemStatus.values, due_dates)):
        done = {"approved_date": date(2015, 9, 1)} if status == ItemStatus.DONE else {}
        item(SHANGXU, f"一致性{number}", due=due, status=status, **done)
    rows = with_light(ApprovalItem.objects.filter(name__startswith="一致性"), today)
    checked = 0
    for row in rows:
        assert row.light == item_light(status=row.status, due_date=row.due_date, today=today), row.name
        checked += 1
    assert checked == len(ItemStatus.values) * len(due_dates)
