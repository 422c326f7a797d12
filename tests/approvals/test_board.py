"""The 联审联批 pages: the board and its filters, the departments' ranking and pages, their scope,
the overview's panel and the menu entry."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem
from projects.models import Region
from tests.approvals.helpers import DEVELOPMENT, HENGYU, HOUSING, LAND, SHANGXU, ZHENGSHUN, department, item

# Each test builds its own approvals on the demo's projects.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_demo_approvals")]
BOARD = reverse("approvals:board")
DEPARTMENTS = reverse("approvals:department_list")
TODAY = date(2015, 10, 20)  # a Tuesday


@pytest.fixture
def items(demo, settings):
    """Six items on three projects of three streets, seen on 2015-10-20 (figures at September)."""
    settings.KP_TODAY = TODAY
    return {
        "shangxu_late": item(SHANGXU, "用地预审", dept=LAND, due=date(2015, 9, 25)),
        "shangxu_done": item(
            SHANGXU, "立项批复", due=date(2015, 9, 20), status=ItemStatus.DONE, approved_date=date(2015, 9, 10)
        ),
        "shangxu_soon": item(SHANGXU, "规划许可", dept=HOUSING, due=date(2015, 10, 22)),
        "zhengshun_late": item(ZHENGSHUN, "环评批复", dept=LAND, due=date(2015, 10, 1)),
        "zhengshun_later": item(ZHENGSHUN, "施工许可", dept=HOUSING, due=date(2015, 12, 1)),
        "hengyu_soon": item(HENGYU, "节能审查", due=date(2015, 10, 21)),
    }


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def board_names(response):
    return [row.project.name for row in response.context["rows"]]


def chip_names(response):
    return sorted(chip.name for row in response.context["rows"] for chip in row.items)


def test_the_board_lays_out_projects_with_their_items_worst_first(items, client_for):
    response = client_for("admin").get(BOARD, {"year": 2015, "month": 9})
    assert response.status_code == 200
    # Worst warning first: 上徐 and 正顺 have red blocking items, 恒宇 a yellow one.
    assert board_names(response)[-1] == HENGYU
    assert set(board_names(response)[:2]) == {SHANGXU, ZHENGSHUN}
    rows = {row.project.name: row for row in response.context["rows"]}
    assert (rows[SHANGXU].warning, rows[SHANGXU].done, rows[SHANGXU].total) == ("red", 1, 3)
    assert [(chip.name, chip.light) for chip in rows[SHANGXU].items] == [
        ("用地预审", "red"),
        ("立项批复", "none"),
        ("规划许可", "yellow"),
    ]
    page = text(response)
    late = items["shangxu_late"]
    assert f'class="chip chip-red" href="{reverse("approvals:item_edit", args=[late.pk])}"' in page
    # September: 用地预审, 立项批复 due by 9-30 → counted 2, done 1; red today: 用地预审, 环评批复.
    total = response.context["total"]
    assert (total.counted, total.done, total.rate, total.red, total.yellow) == (2, 1, "50.0%", 2, 2)
    assert 'id="total-rate">50.0%<' in page
    assert "calendar-notice" not in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"warning": "red"}, ["环评批复", "用地预审"]),
        ({"warning": "yellow"}, ["节能审查", "规划许可"]),
        ({"status": "done"}, ["立项批复"]),
        ({"street": "北环路街道"}, ["施工许可", "环评批复"]),
        ({"department": LAND}, ["环评批复", "用地预审"]),
    ],
)
def test_the_boards_filters(items, client_for, params, expected):
    from projects.models import Street

    if "street" in params:
        params = {"street": Street.objects.get(name=params["street"], district__code="410403").pk}
    if "department" in params:
        params = {"department": department(params["department"]).pk}
    response = client_for("admin").get(BOARD, {"year": 2015, "month": 9, **params})
    assert chip_names(response) == sorted(expected)
    assert not [m for m in response.context["messages"]]


def test_bad_filter_values_are_named_and_ignored(items, client_for):
    response = client_for("admin").get(BOARD, {"year": 2015, "warning": "purple", "department": "abc", "page": "x"})
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith("筛选条件有误：") and "已忽略无效的条件" in messages[0]
    assert "办理部门" in messages[0] and "预警" in messages[0]
    assert len(chip_names(response)) == 6


def test_a_filter_that_matches_nothing_says_so(items, client_for):
    response = client_for("admin").get(BOARD, {"year": 2015, "status": "not_needed"})
    assert 'id="no-match"' in text(response)
    response = client_for("admin").get(BOARD, {"year": 2014})
    assert 'id="no-items"' in text(response)


def test_the_board_warns_when_the_years_calendar_needs_checking(demo, client_for):
    page = text(client_for("admin").get(BOARD, {"year": 2090}))
    assert "2090年的节假日安排尚未收录，工作日按周末计算，请管理员在“工作日历”中核对。" in page


def test_each_role_sees_its_own_projects_items(items, client_for):
    assert sorted(board_names(client_for("staff_a").get(BOARD, {"year": 2015}))) == [ZHENGSHUN]
    assert board_names(client_for("leader").get(BOARD, {"year": 2015})) == [HENGYU]
    assert board_names(client_for("staff_b").get(BOARD, {"year": 2015})) == []
    assert client_for("anonymous").get(BOARD).status_code == 302


def test_department_staff_keep_their_departments_items(items, client_for, users):
    users["staff_b"].units.add(department(LAND))
    response = client_for("staff_b").get(BOARD, {"year": 2015})
    assert chip_names(response) == ["环评批复", "用地预审"]


def test_departments_are_ranked_by_red_then_yellow(items, client_for):
    response = client_for("admin").get(DEPARTMENTS, {"year": 2015, "month": 9})
    rows = response.context["rows"]
    # 国土: 2 red; 住建: 1 yellow; 发改: 1 yellow — ties by rate (发改 50.0%, 住建 "—").
    assert [(r.label, r.red, r.yellow, r.counted, r.done, r.rate) for r in rows] == [
        (LAND, 2, 0, 1, 0, "0.0%"),
        (DEVELOPMENT, 0, 1, 1, 1, "100.0%"),
        (HOUSING, 0, 1, 0, 0, "—"),
    ]
    page = text(response)
    assert reverse("approvals:department_detail", args=[department(LAND).pk]) in page
    total = response.context["total"]
    assert (total.counted, total.done, total.rate) == (2, 1, "50.0%")


def test_a_departments_items_most_urgent_first(items, client_for):
    item(SHANGXU, "林地审批", dept=LAND, due=date(2015, 11, 30))
    item(ZHENGSHUN, "不需办理的", dept=LAND, due=date(2015, 9, 1), status=ItemStatus.NOT_NEEDED)
    url = reverse("approvals:department_detail", args=[department(LAND).pk])
    response = client_for("admin").get(url, {"year": 2015, "month": 9})
    assert response.status_code == 200
    listed = [(i.name, i.light, i.days_overdue) for i in response.context["items"]]
    assert listed == [
        ("用地预审", "red", 25),  # due 9-25: 25 days overdue on 10-20
        ("环评批复", "red", 19),
        ("林地审批", "green", None),
        ("不需办理的", "none", None),
    ]


def test_department_pages_answer_404_outside_the_users_scope(items, client_for, users, django_user_model):
    land = reverse("approvals:department_detail", args=[department(LAND).pk])
    assert client_for("staff_a").get(land).status_code == 404  # not their unit
    assert client_for("staff_b").get(land).status_code == 404
    users["staff_b"].units.add(department(LAND))
    assert client_for("staff_b").get(land).status_code == 200
    other = Region.objects.filter(kind="district").exclude(code="410403").first()
    outsider = django_user_model.objects.create_user("admin_x", password="kp-Pass-2015", role="admin", region=other)
    client = Client()
    client.force_login(outsider)
    assert other is not None and client.get(land).status_code == 404  # another district's office
    city = Client()
    city.force_login(users["admin"].__class__.objects.get(username="city"))
    assert city.get(land).status_code == 200  # the city's office manages 卫东区's units
    # A leader opens the department's page but sees only the items of projects they follow.
    development = reverse("approvals:department_detail", args=[department(DEVELOPMENT).pk])
    response = client_for("leader").get(development, {"year": 2015})
    assert [i.name for i in response.context["items"]] == ["节能审查"]
    assert client_for("admin").get(reverse("approvals:department_detail", args=[999999])).status_code == 404


def test_the_overview_shows_the_approvals_panel(items, client_for):
    page = text(client_for("admin").get(reverse("projects:overview"), {"year": 2015, "month": 9, "level": "city"}))
    assert 'id="approvals-panel"' in page
    assert 'id="panel-counted">2<' in page and 'id="panel-done">1<' in page and 'id="panel-rate">50.0%<' in page
    assert 'id="panel-red">2<' in page and 'id="panel-yellow">2<' in page
    assert 'id="panel-streets"' in page and "东工人镇街道" in page  # a district: the rate by street
    assert LAND in page  # the department with red items


def test_the_overview_has_no_approvals_panel_without_items(demo, client_for):
    page = text(client_for("admin").get(reverse("projects:overview"), {"year": 2015, "month": 9}))
    assert "approvals-panel" not in page


def test_the_panel_follows_the_level(items, client_for):
    page = text(client_for("admin").get(reverse("projects:overview"), {"year": 2015, "month": 9, "level": "district"}))
    assert "approvals-panel" not in page


def test_the_menu_leads_to_the_board(demo, client_for):
    page = text(client_for("staff_a").get(reverse("projects:project_list")))
    assert f'<a href="{BOARD}">前期手续</a>' in page


def test_the_boards_queries_do_not_grow_with_the_projects(items, client_for, django_assert_max_num_queries):
    client = client_for("admin")
    client.get(BOARD, {"year": 2015})
    with django_assert_max_num_queries(40) as few:
        client.get(BOARD, {"year": 2015})
    for name in ("甲", "乙", "丙", "丁"):
        item("东环路智能装备制造基地（示例）", name, due=date(2015, 9, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(BOARD, {"year": 2015})
    assert ApprovalItem.objects.count() == 10


@pytest.mark.parametrize("role", ["admin", "staff_a", "staff_b", "leader", "other_leader", "anonymous"])
@pytest.mark.parametrize("name", ["approvals:board", "approvals:department_list", "approvals:export"])
def test_every_signed_in_role_reads_its_own_part(items, client_for, role, name):
    response = client_for(role).get(reverse(name), {"year": 2015, "month": 9})
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 200


def test_a_region_outside_the_users_node_answers_404(items, client_for):
    other = Region.objects.filter(kind="district").exclude(code="410403").first()
    for name in ("approvals:board", "approvals:department_list", "approvals:export"):
        assert client_for("admin").get(reverse(name), {"region": other.code}).status_code == 404
