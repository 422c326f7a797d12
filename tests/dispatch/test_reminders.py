"""plan_reminders: each kind of deadline reminder reaches the right people once per deadline."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from approvals.models import ApprovalItem
from dispatch.choices import NotificationKind, TaskStatus
from dispatch.models import Notification, Task
from dispatch.services.reminders import KINDS, plan_reminders
from projects.choices import ProblemStatus
from projects.models import Problem, Project, Unit
from projects.selectors.reporting import missing_reports

PROJECT_A = "市正顺化工公司技改10万吨/年洗油深加工"  # in 北环路街道: the demo staff user keeps it
TUESDAY = date(2015, 10, 20)  # two working days ahead: Thursday the 22nd


@pytest.fixture
def today(settings):
    settings.KP_TODAY = TUESDAY
    settings.KP_REMINDER_WORKDAYS = 2
    return TUESDAY


@pytest.fixture
def people(users, django_user_model):
    department = Unit.objects.get(district__code="410403", name="区发展和改革委员会")
    department_staff = django_user_model.objects.create_user("dept_staff", role=Role.STAFF)
    department_staff.units.set([department])
    return {**users, "department": department, "department_staff": department_staff}


@pytest.fixture
def project_a(demo):
    return Project.objects.get(name=PROJECT_A)


def keys(user, kind):
    return set(Notification.objects.filter(user=user, kind=kind).values_list("key", flat=True))


def problem(project, deadline, status=ProblemStatus.OPEN, **fields):
    return Problem.objects.create(
        project=project, description=f"提醒测试：{deadline}", raised_on=date(2015, 9, 1), deadline=deadline,
        status=status, **fields,
    )  # fmt: skip


def task(owner, deadline, status=TaskStatus.ASSIGNED, **fields):
    return Task.objects.create(
        district=owner.district, owner=owner, content=f"提醒测试：{deadline}", assigned_on=date(2015, 9, 1),
        deadline=deadline, status=status, **fields,
    )  # fmt: skip


def test_a_problem_due_within_two_working_days_reminds_its_keepers(today, people, project_a):
    due = problem(project_a, date(2015, 10, 22))
    later = problem(project_a, date(2015, 10, 23))
    waiting = problem(
        project_a, date(2015, 10, 21), ProblemStatus.PENDING_CLOSE, resolved_on=today, resolution="已解决"
    )
    plan_reminders()
    staff = people["staff_a"]
    reminded = keys(staff, NotificationKind.PROBLEM_DUE)
    assert f"problem:{due.pk}:due:2015-10-22" in reminded
    assert not {f"problem:{later.pk}:due:2015-10-23", f"problem:{waiting.pk}:due:2015-10-21"} & reminded
    note = Notification.objects.get(user=staff, key=f"problem:{due.pk}:due:2015-10-22")
    assert note.title == f"问题将于2015年10月22日到期：{PROJECT_A}"
    assert note.link == due.get_absolute_url()
    assert not Notification.objects.filter(key__startswith=f"problem:{due.pk}:").exclude(user=staff).exists()


def test_an_overdue_problem_reminds_keepers_and_the_district_office(today, people, project_a):
    overdue = problem(project_a, date(2015, 10, 19), ProblemStatus.COORDINATING)
    solved_in_time = problem(
        project_a, date(2015, 10, 16), ProblemStatus.PENDING_CLOSE, resolved_on=date(2015, 10, 15), resolution="已解决"
    )
    plan_reminders()
    key = f"problem:{overdue.pk}:overdue:2015-10-19"
    told = set(Notification.objects.filter(key=key).values_list("user__username", flat=True))
    assert told == {"staff", "admin"}  # not the city's office, not the leaders
    assert not Notification.objects.filter(key__startswith=f"problem:{solved_in_time.pk}:").exists()


def test_tasks_due_and_overdue_remind_the_owners_staff_and_for_overdue_the_office(today, people):
    Task.objects.all().delete()  # the demo's tasks (dispatch.devdata) are not this scenario's
    street_office = Unit.objects.get(district__code="410403", name="北环路街道办事处")
    due = task(street_office, date(2015, 10, 21), TaskStatus.IN_PROGRESS)
    replied = task(street_office, date(2015, 10, 21), TaskStatus.REPLIED, replied_on=date(2015, 10, 19))
    overdue = task(people["department"], date(2015, 10, 16), TaskStatus.RETURNED)
    closed = task(people["department"], date(2015, 10, 16), TaskStatus.CLOSED, closed_on=date(2015, 10, 15))
    counts = plan_reminders()
    assert counts["task_due"] == 1 and counts["task_overdue"] == 2
    due_told = Notification.objects.filter(key=f"task:{due.pk}:due:2015-10-21").values_list("user__username", flat=True)
    assert set(due_told) == {"staff"}
    overdue_told = Notification.objects.filter(key=f"task:{overdue.pk}:overdue:2015-10-16")
    assert set(overdue_told.values_list("user__username", flat=True)) == {"dept_staff", "admin"}
    assert not Notification.objects.filter(key__startswith=f"task:{replied.pk}:").exists()
    assert not Notification.objects.filter(key__startswith=f"task:{closed.pk}:").exists()
    assert overdue_told.first().link == overdue.get_absolute_url()


def test_planning_twice_writes_nothing_new_and_a_moved_deadline_reminds_again(today, people):
    street_office = Unit.objects.get(district__code="410403", name="北环路街道办事处")
    moved = task(street_office, date(2015, 10, 22))
    first = plan_reminders()
    assert first["task_due"] == 1 and sum(first.values()) > 1  # the demo's overdue problems too
    written = Notification.objects.count()
    assert plan_reminders() == dict.fromkeys((kind.value for kind in KINDS), 0)
    assert Notification.objects.count() == written
    Task.objects.filter(pk=moved.pk).update(deadline=date(2015, 10, 21))
    assert plan_reminders()["task_due"] == 1
    assert keys(people["staff_a"], NotificationKind.TASK_DUE) >= {
        f"task:{moved.pk}:due:2015-10-22",
        f"task:{moved.pk}:due:2015-10-21",
    }


def test_an_approval_item_gone_red_reminds_the_department_the_keepers_and_the_office(today, people, project_a):
    red = ApprovalItem.objects.create(
        project=project_a, name="提醒测试事项", department=people["department"], planned_date=date(2015, 10, 19)
    )
    due_today = ApprovalItem.objects.create(
        project=project_a, name="今天到期事项", department=people["department"], planned_date=today
    )
    plan_reminders()
    told = Notification.objects.filter(key=f"approval:{red.pk}:red:2015-10-19")
    assert set(told.values_list("user__username", flat=True)) == {"dept_staff", "staff", "admin"}
    assert told.first().title == f"前期手续超期：{PROJECT_A} · 提醒测试事项"
    assert not Notification.objects.filter(key__startswith=f"approval:{due_today.pk}:").exists()  # yellow, not red


@pytest.mark.parametrize(
    ("day", "reminded"),
    [
        (date(2015, 10, 21), False),  # Wednesday: two working days on is Friday the 23rd
        (date(2015, 10, 22), True),  # Thursday: Monday the 26th is two working days on
        (date(2015, 10, 26), True),  # the due day itself
        (date(2015, 10, 27), False),  # past it: late, no longer a reminder
    ],
)
def test_the_reporting_deadline_moved_off_a_sunday_reminds_two_working_days_ahead(
    settings, people, django_user_model, day, reminded
):
    # September 2015's reports are due on the 25th of October, a Sunday: Monday the 26th.
    settings.KP_TODAY = day
    nothing_to_report = django_user_model.objects.create_user("no_listings", role=Role.STAFF)
    plan_reminders()
    staff = people["staff_a"]
    assert missing_reports(user=staff, year=2015, month=9).exists()
    expected = {"report:2015-09:due:2015-10-26"} if reminded else set()
    assert keys(staff, NotificationKind.REPORT_DUE) == expected
    assert keys(nothing_to_report, NotificationKind.REPORT_DUE) == set()
    assert keys(people["admin"], NotificationKind.REPORT_DUE) == set()  # staff only
    if reminded:
        note = Notification.objects.get(user=staff, kind=NotificationKind.REPORT_DUE)
        missing = missing_reports(user=staff, year=2015, month=9).count()
        assert note.title == "2015年9月项目进展请于2015年10月26日前报送"
        assert f"还有 {missing} 个尚未报送9月进展" in note.body
        assert note.link == f"{reverse('projects:report_sheet')}?year=2015&month=9"


def test_the_command_prints_the_counts(today, people):
    out = StringIO()
    call_command("plan_reminders", "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert list(counts) == [kind.value for kind in KINDS]
    assert sum(counts.values()) == Notification.objects.exclude(key="").count()
    out = StringIO()
    call_command("plan_reminders", stdout=out)
    assert out.getvalue().startswith("已生成提醒 0 条：问题即将到期 0 条，问题已超期 0 条，")


def test_an_inactive_keeper_is_not_reminded(today, people, project_a):
    User.objects.filter(username="staff").update(is_active=False)
    due = problem(project_a, date(2015, 10, 22))
    plan_reminders()
    assert not Notification.objects.filter(key=f"problem:{due.pk}:due:2015-10-22").exists()


def test_what_only_the_office_can_move_now_reminds_the_office_alone_when_overdue(today, people, project_a):
    Task.objects.all().delete()  # the demo's tasks (dispatch.devdata) are not this scenario's
    solved_late = problem(
        project_a, date(2015, 10, 14), ProblemStatus.PENDING_CLOSE, resolved_on=date(2015, 10, 16), resolution="已解决"
    )
    replied_late = task(people["department"], date(2015, 10, 14), TaskStatus.REPLIED, replied_on=date(2015, 10, 16))
    plan_reminders()
    problem_told = Notification.objects.filter(key=f"problem:{solved_late.pk}:overdue:2015-10-14")
    assert set(problem_told.values_list("user__username", flat=True)) == {"admin"}  # not the keepers
    task_told = Notification.objects.filter(key=f"task:{replied_late.pk}:overdue:2015-10-14")
    assert set(task_told.values_list("user__username", flat=True)) == {"admin"}  # not the owner's staff
