"""Who acts for an office (dispatch.selectors.people.acting_admins): the district's own active
admins, or the nearest office above with active admins; and the office's notifications reach them."""

from datetime import date

import pytest
from django.db import transaction

from accounts.models import Role, User
from dispatch.choices import NotificationKind, TaskStatus
from dispatch.models import Notification, Task
from dispatch.selectors.people import acting_admins
from dispatch.services.reminders import plan_reminders
from dispatch.services.tasks import task_reply
from projects import events
from projects.models import Problem, Region, Unit

PROJECT_A = "市正顺化工公司技改10万吨/年洗油深加工"  # in 北环路街道 (卫东区): the demo staff user keeps it


def names(users):
    return {user.username for user in users}


@pytest.fixture
def district(demo):
    return Region.objects.get(code="410403")  # 卫东区, under 平顶山市


@pytest.fixture
def province_admin(district):
    province = district.parent.parent
    assert province is not None, "the demo's city lies under a province"
    return User.objects.create_user("province", role=Role.ADMIN, region=province)


def test_the_districts_own_admins_act_for_it(users, district, province_admin):
    assert names(acting_admins(district)) == {"admin"}
    assert names(acting_admins(district.pk)) == {"admin"}


def test_a_district_without_active_admins_is_acted_for_by_the_nearest_office_above(users, district, province_admin):
    User.objects.filter(username="admin").update(is_active=False)
    assert names(acting_admins(district)) == {"city"}
    User.objects.filter(username="city").update(is_active=False)
    assert names(acting_admins(district)) == {"province"}
    User.objects.filter(username="province").update(is_active=False)
    assert names(acting_admins(district)) == set()


def test_a_problem_solved_in_a_district_without_admins_tells_the_city(users, district):
    User.objects.filter(username="admin").update(is_active=False)
    problem = Problem.objects.filter(project__name=PROJECT_A).first()
    with transaction.atomic():
        events.problem_solved.send(sender=Problem, problem=problem, by=users["staff_a"])
    told = Notification.objects.filter(kind=NotificationKind.PROBLEM_SOLVED)
    assert set(told.values_list("user__username", flat=True)) == {"city"}


def test_a_reply_and_an_overdue_task_in_a_district_without_admins_tell_the_city(users, district, settings):
    settings.KP_TODAY = date(2015, 10, 20)
    User.objects.filter(username="admin").update(is_active=False)
    Task.objects.all().delete()  # the demo's own tasks are not this scenario's
    owner = Unit.objects.get(district=district, name="北环路街道办事处")
    task = Task.objects.create(
        district=district, owner=owner, content="测试交办", assigned_on=date(2015, 10, 1),
        deadline=date(2015, 10, 30), status=TaskStatus.IN_PROGRESS, assigned_by=users["leader"],
    )  # fmt: skip
    task_reply(user=users["staff_a"], task=task, text="已办结。")
    replied = Notification.objects.filter(kind=NotificationKind.TASK_REPLIED)
    assert set(replied.values_list("user__username", flat=True)) == {"leader", "city"}
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.RETURNED, deadline=date(2015, 10, 16), replied_on=None)
    plan_reminders()
    overdue = Notification.objects.filter(key=f"task:{task.pk}:overdue:2015-10-16")
    assert set(overdue.values_list("user__username", flat=True)) == {"staff", "city"}
