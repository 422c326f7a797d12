"""A project's approval items: applying a template, adding, updating (each rule), dropping, lights."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from approvals.choices import ItemLight, ItemStatus
from approvals.models import ApprovalItem, ApprovalTemplate, TemplateItem
from approvals.selectors.lights import item_light
from approvals.services.items import ItemConflict, item_add, item_delete, item_update, template_apply
from projects.models import Project, Region, Unit

TODAY = date(2015, 10, 20)
PROJECT_A = "市正顺化工公司技改10万吨/年洗油深加工"  # 北环路街道: staff_a's; followed by no leader
PROJECT_L = "恒宇·东城国际"  # 建设路街道: followed by leader 王某
PROJECT_B = "东安路片区旧城改造（示例）"  # 东安路街道: staff_b's
LAND = "区国土资源局"  # no demo project has it as its responsible unit: its staff keep only its items


# Each test builds its own approvals on the demo's projects.
pytestmark = pytest.mark.usefixtures("without_demo_approvals")


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = TODAY


@pytest.fixture
def weidong(demo):
    return Region.objects.get(code="410403")


def unit(name):
    return Unit.objects.get(district__code="410403", name=name)


@pytest.fixture
def template(weidong):
    template = ApprovalTemplate.objects.create(district=weidong, name="工业项目前期手续")
    for order, (name, department, limit, blocks) in enumerate(
        [
            ("立项备案", "区发展和改革委员会", 5, True),
            ("用地预审与选址意见", LAND, 20, True),
            ("施工许可", "区住房和城乡建设局", 15, False),
        ],
        start=1,
    ):
        TemplateItem.objects.create(
            template=template,
            name=name,
            department=unit(department),
            time_limit_days=limit,
            sort_order=order * 10,
            blocks_start=blocks,
        )
    return template


@pytest.fixture
def project_a(demo):
    return Project.objects.get(name=PROJECT_A)


@pytest.fixture
def project_l(demo):
    return Project.objects.get(name=PROJECT_L)


@pytest.fixture
def project_b(demo):
    return Project.objects.get(name=PROJECT_B)


@pytest.fixture
def dept_user(users, django_user_model):
    """A staff user of 区国土资源局 (a department, no street): keeps that department's items only."""
    assert not Project.objects.filter(unit__name=LAND).exists()
    user = django_user_model.objects.create_user(
        "land", password="kp-test-Pass-2015", role=Role.STAFF, last_name="国土局填报员（示例）"
    )
    user.units.set([unit(LAND)])
    return user


def make_item(project, name, department=None, **fields):
    return ApprovalItem.objects.create(
        project=project, name=name, department=unit(department) if department else None, **fields
    )


def update(user, item, **fields):
    item.refresh_from_db()
    return item_update(user=user, item=item, expected_updated_at=item.updated_at, **fields)


# --- template application ------------------------------------------------------------------------


def test_a_template_creates_its_items_with_department_limit_and_order(users, template, project_a):
    created, skipped = template_apply(user=users["admin"], project=project_a, template=template)
    assert skipped == []
    items = list(project_a.approval_items.order_by("sort_order"))
    assert [(i.name, i.department.name, i.time_limit_days, i.sort_order, i.blocks_start) for i in items] == [
        ("立项备案", "区发展和改革委员会", 5, 10, True),
        ("用地预审与选址意见", LAND, 20, 20, True),
        ("施工许可", "区住房和城乡建设局", 15, 30, False),
    ]
    assert all(i.status == ItemStatus.NOT_STARTED and i.template_item_id for i in items)
    assert items[0].history.get().history_user == users["admin"]


def test_applying_a_template_again_skips_the_names_the_project_has(users, template, project_a):
    make_item(project_a, "施工许可", "区住房和城乡建设局", status=ItemStatus.IN_PROGRESS, submitted_date=TODAY)
    created, skipped = template_apply(user=users["admin"], project=project_a, template=template)
    assert [i.name for i in created] == ["立项备案", "用地预审与选址意见"]
    assert skipped == ["施工许可"]
    assert project_a.approval_items.get(name="施工许可").status == ItemStatus.IN_PROGRESS  # left as it was
    created, skipped = template_apply(user=users["admin"], project=project_a, template=template)
    assert created == [] and len(skipped) == 3
    assert project_a.approval_items.count() == 3


def test_a_template_of_another_district_is_refused(users, project_a, django_user_model):
    other = ApprovalTemplate.objects.create(district=Region.objects.get(code="410402"), name="新华区模板")
    TemplateItem.objects.create(template=other, name="立项备案")
    with pytest.raises(PermissionDenied):  # 卫东区's office does not manage 新华区's templates
        template_apply(user=users["admin"], project=project_a, template=other)
    city = django_user_model.objects.get(username="city")  # manages both, yet 新华区's list is not 卫东区's
    with pytest.raises(ValidationError, match="新华区"):
        template_apply(user=city, project=project_a, template=other)
    assert not project_a.approval_items.exists()


def test_a_template_item_owned_by_another_districts_unit_is_refused_naming_it(users, template, project_a):
    """Saved past the admin's check (a row from before it, or written by hand), a 卫东区 template whose
    item belongs to 新华区's unit creates nothing: the item would be kept by 新华区's staff."""
    other_unit = Unit.objects.create(district=Region.objects.get(code="410402"), name="新华区发改委")
    TemplateItem.objects.create(template=template, name="环评批复", department=other_unit, sort_order=5)
    for user in (users["admin"], get_user_model().objects.get(username="city")):
        with pytest.raises(ValidationError) as error:
            template_apply(user=user, project=project_a, template=template)
        assert error.value.messages[0] == "模板事项「环评批复」：办理部门须为项目所在区县的责任单位。"
        assert not project_a.approval_items.exists()  # not even the template's good items
    assert not ApprovalItem.objects.filter(department=other_unit).exists()


def test_the_items_page_shows_the_refusal_naming_the_item(client_for, template, project_a):
    other_unit = Unit.objects.create(district=Region.objects.get(code="410402"), name="新华区发改委")
    TemplateItem.objects.create(template=template, name="环评批复", department=other_unit, sort_order=5)
    response = client_for("admin").post(
        reverse("approvals:template_apply", args=[project_a.pk]), {"template": template.pk}
    )
    assert response.status_code == 200
    assert "模板事项「环评批复」：办理部门须为项目所在区县的责任单位。" in response.content.decode()
    assert not project_a.approval_items.exists()


@pytest.mark.parametrize("role", ["staff_a", "leader"])
def test_only_admins_apply_templates(users, template, project_a, role):
    with pytest.raises(PermissionDenied):
        template_apply(user=users[role], project=project_a, template=template)
    assert not project_a.approval_items.exists()


# --- adding and dropping -------------------------------------------------------------------------


def test_an_admin_adds_an_item_after_the_others(users, template, project_a):
    template_apply(user=users["admin"], project=project_a, template=template)
    item = item_add(
        user=users["admin"],
        project=project_a,
        name=" 环评批复 ",
        department=unit("区城市管理局"),
        time_limit_days=30,
        blocks_start=True,
        planned_date=date(2015, 12, 1),
    )
    assert item.name == "环评批复" and item.sort_order == 31
    assert item.due_date == date(2015, 12, 1)  # not submitted: the planned date
    with pytest.raises(ValidationError) as error:
        item_add(user=users["admin"], project=project_a, name="环评批复", department=None,
                 time_limit_days=None, blocks_start=True, planned_date=None)  # fmt: skip
    assert error.value.message_dict["name"] == ["该项目已有名为「环评批复」的事项。"]
    assert project_a.approval_items.count() == 4


def test_staff_do_not_add_items(users, project_a):
    with pytest.raises(PermissionDenied):
        item_add(user=users["staff_a"], project=project_a, name="环评批复", department=None,
                 time_limit_days=None, blocks_start=True, planned_date=None)  # fmt: skip
    assert not project_a.approval_items.exists()


def test_a_department_of_another_district_is_refused(users, project_a):
    other_unit = Unit.objects.create(district=Region.objects.get(code="410402"), name="新华区发改委")
    with pytest.raises(ValidationError) as error:
        item_add(user=users["admin"], project=project_a, name="立项", department=other_unit,
                 time_limit_days=None, blocks_start=True, planned_date=None)  # fmt: skip
    assert "department" in error.value.message_dict


def test_an_admin_drops_an_item_with_a_reason_kept_in_its_history(users, project_a):
    item = make_item(project_a, "林地审批")
    with pytest.raises(ValidationError):
        item_delete(user=users["admin"], item=item, reason="  ")
    with pytest.raises(PermissionDenied):
        item_delete(user=users["staff_a"], item=item, reason="不涉及林地")
    assert ApprovalItem.objects.filter(pk=item.pk).exists()
    item_delete(user=users["admin"], item=item, reason="不涉及林地")
    assert not ApprovalItem.objects.filter(pk=item.pk).exists()
    gone = ApprovalItem.history.filter(id=item.pk, history_type="-").get()
    assert gone.history_user == users["admin"] and "不涉及林地" in gone.history_change_reason


# --- updating: who ----------------------------------------------------------------------------------


def test_staff_of_the_projects_street_update_progress(users, project_a):
    item = make_item(project_a, "立项备案", "区发展和改革委员会", time_limit_days=5)
    saved = update(users["staff_a"], item, status=ItemStatus.IN_PROGRESS, submitted_date=date(2015, 9, 28))
    assert saved.status == ItemStatus.IN_PROGRESS
    # 5 working days: 9-29, 9-30, (the National Day week), 10-8, 10-9 and Saturday 10-10 (调休)
    assert saved.due_date == date(2015, 10, 10)
    assert saved.history.first().history_user == users["staff_a"]


def test_staff_may_not_change_what_only_admins_change(users, project_a):
    item = make_item(project_a, "立项备案", "区发展和改革委员会", time_limit_days=5)
    for change in ({"name": "立项"}, {"time_limit_days": 1}, {"department": None}, {"blocks_start": False}):
        with pytest.raises(PermissionDenied):
            update(users["staff_a"], item, **change)
    item.refresh_from_db()
    assert (item.name, item.time_limit_days, item.department.name, item.blocks_start) == (
        "立项备案", 5, "区发展和改革委员会", True,
    )  # fmt: skip
    saved = update(users["admin"], item, name="立项批复", time_limit_days=10, blocks_start=False)
    assert (saved.name, saved.time_limit_days, saved.blocks_start) == ("立项批复", 10, False)


def test_a_department_keeps_its_items_on_any_project_and_no_others(users, dept_user, project_a):
    own = make_item(project_a, "用地预审与选址意见", LAND)
    other = make_item(project_a, "立项备案", "区发展和改革委员会")
    saved = update(dept_user, own, status=ItemStatus.IN_PROGRESS, submitted_date=date(2015, 10, 9))
    assert saved.status == ItemStatus.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        update(dept_user, other, status=ItemStatus.IN_PROGRESS, submitted_date=date(2015, 10, 9))


@pytest.mark.parametrize("role", ["staff_b", "leader", "other_leader"])
def test_others_do_not_update(users, project_a, project_l, role):
    for project in (project_a, project_l):
        item = make_item(project, "立项备案")
        with pytest.raises(PermissionDenied):
            update(users[role], item, status=ItemStatus.NOT_NEEDED, notes="不需要")
        item.refresh_from_db()
        assert item.status == ItemStatus.NOT_STARTED


# --- updating: the rules -----------------------------------------------------------------------------

RULES = [
    ({"status": ItemStatus.DONE, "submitted_date": date(2015, 9, 1), "document_number": "卫发改〔2015〕1号"},
     "approved_date", "已办结的事项请填写办结日期。"),
    ({"status": ItemStatus.DONE, "submitted_date": date(2015, 9, 1), "approved_date": date(2015, 9, 10)},
     "document_number", "已办结的事项请填写批复文号。"),
    ({"status": ItemStatus.IN_PROGRESS}, "submitted_date", "办理中的事项请填写提交申报日期。"),
    ({"status": ItemStatus.DONE, "submitted_date": date(2015, 9, 10), "approved_date": date(2015, 9, 1),
      "document_number": "卫发改〔2015〕1号"}, "approved_date", "办结日期不能早于提交申报日期。"),
    ({"status": ItemStatus.IN_PROGRESS, "submitted_date": date(2015, 10, 21)},
     "submitted_date", "提交申报日期不能晚于今天（2015年10月20日）。"),
    ({"status": ItemStatus.DONE, "submitted_date": date(2015, 10, 1), "approved_date": date(2015, 10, 21),
      "document_number": "卫发改〔2015〕1号"}, "approved_date", "办结日期不能晚于今天（2015年10月20日）。"),
    ({"status": ItemStatus.NOT_NEEDED, "notes": "  "}, "notes", "不需办理的事项请在备注中说明原因。"),
    ({"status": ItemStatus.IN_PROGRESS, "submitted_date": date(2015, 9, 1), "approved_date": date(2015, 9, 2)},
     "approved_date", "填写了办结日期的事项，办理状态应为「已办结」。"),
    ({"name": "施工许可"}, "name", "该项目已有名为「施工许可」的事项。"),
    ({"name": " "}, "name", "请填写事项名称。"),
    ({"time_limit_days": 366}, "time_limit_days", "法定时限应在 0 到 365 个工作日之间。"),
    ({"sort_order": -1}, "sort_order", "顺序应在 0 到 32767 之间。"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "message"), RULES)
def test_each_rule_refuses_with_its_message_and_saves_nothing(users, project_a, change, field, message):
    make_item(project_a, "施工许可")
    item = make_item(project_a, "立项备案", "区发展和改革委员会", time_limit_days=5, notes="原备注")
    before = ApprovalItem.objects.filter(pk=item.pk).values().get()
    with pytest.raises(ValidationError) as error:
        update(users["admin"], item, **change)
    assert error.value.message_dict[field] == [message]
    assert ApprovalItem.objects.filter(pk=item.pk).values().get() == before
    assert item.history.count() == 1


def test_a_done_item_with_its_number_and_dates_is_saved(users, project_a):
    item = make_item(project_a, "立项备案", "区发展和改革委员会", time_limit_days=5)
    saved = update(
        users["staff_a"],
        item,
        status=ItemStatus.DONE,
        submitted_date=date(2015, 9, 1),
        approved_date=TODAY,
        document_number=" 卫发改〔2015〕18号 ",
    )
    assert (saved.status, saved.approved_date, saved.document_number) == (ItemStatus.DONE, TODAY, "卫发改〔2015〕18号")


# --- no silent overwrite -------------------------------------------------------------------------------


def test_a_save_from_a_stale_form_is_refused_naming_who_changed_it(users, project_a):
    item = make_item(project_a, "立项备案")
    opened_at = item.updated_at
    update(users["admin"], item, planned_date=date(2015, 11, 30))
    stale = ApprovalItem.objects.get(pk=item.pk)
    with pytest.raises(ItemConflict) as conflict:
        item_update(
            user=users["staff_a"],
            item=stale,
            expected_updated_at=opened_at,
            status=ItemStatus.NOT_NEEDED,
            notes="不涉及",
        )
    assert "卫东区项目办管理员（示例）" in conflict.value.messages[0]
    assert conflict.value.item.planned_date == date(2015, 11, 30)
    stale.refresh_from_db()
    assert stale.status == ItemStatus.NOT_STARTED and stale.planned_date == date(2015, 11, 30)


# --- lights --------------------------------------------------------------------------------------------

MONDAY_BEFORE_NATIONAL_DAY = date(2015, 9, 28)  # 3 working days later: 9-29, 9-30, then 10-8


@pytest.mark.parametrize(
    ("status", "due", "light"),
    [
        (ItemStatus.IN_PROGRESS, date(2015, 9, 27), ItemLight.RED),
        (ItemStatus.NOT_STARTED, MONDAY_BEFORE_NATIONAL_DAY, ItemLight.YELLOW),
        (ItemStatus.IN_PROGRESS, date(2015, 10, 8), ItemLight.YELLOW),  # across the holiday week
        (ItemStatus.IN_PROGRESS, date(2015, 10, 9), ItemLight.GREEN),
        (ItemStatus.DONE, date(2015, 9, 1), ItemLight.NONE),
        (ItemStatus.NOT_NEEDED, date(2015, 9, 1), ItemLight.NONE),
        (ItemStatus.NOT_STARTED, None, ItemLight.NONE),
    ],
)
def test_item_light_boundaries(db, status, due, light):
    assert item_light(status=status, due_date=due, today=MONDAY_BEFORE_NATIONAL_DAY) == light


def test_the_yellow_threshold_is_a_setting(db, settings):
    settings.KP_APPROVAL_YELLOW_WORKDAYS = 1
    assert item_light(status=ItemStatus.IN_PROGRESS, due_date=date(2015, 9, 30), today=date(2015, 9, 28)) == (
        ItemLight.GREEN
    )


# --- 即办: a time limit of 0 working days ------------------------------------------------------------


def test_a_time_limit_of_zero_days_is_due_the_day_it_was_submitted(users, project_a):
    """0 working days (即办) is a limit, not the absence of one: the planned date does not stand in."""
    item = make_item(project_a, "即办事项", "区发展和改革委员会", time_limit_days=0, planned_date=date(2015, 12, 31))
    assert item.due_date == date(2015, 12, 31)  # not submitted yet: the planned date
    saved = update(users["staff_a"], item, status=ItemStatus.IN_PROGRESS, submitted_date=date(2015, 10, 16))
    assert saved.due_date == date(2015, 10, 16)
    assert item_light(status=saved.status, due_date=saved.due_date, today=TODAY) == ItemLight.RED
    no_limit = make_item(project_a, "无时限事项", time_limit_days=None, planned_date=date(2015, 12, 31))
    saved = update(users["staff_a"], no_limit, status=ItemStatus.IN_PROGRESS, submitted_date=date(2015, 10, 16))
    assert saved.due_date == date(2015, 12, 31)  # no limit at all: still the planned date
