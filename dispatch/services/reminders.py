"""Deadline reminders (plan_reminders, daily): who is told, once, that a deadline is near or past.

For today (projects.clock) and the horizon KP_REMINDER_WORKDAYS working days ahead (projects.workdays):
- a problem not yet solved due by the horizon: the project's keepers; a problem overdue (the ledger's
  one rule, Problem.objects.overdue): the keepers and the acting office (people.acting_admins), or
  the office alone when it is 待销号 (solved late: only the office can move it now);
- a task the owner still has to act on due by the horizon: the owner's staff; a task overdue (the
  one rule, Task.objects.overdue): the owner's staff and the acting office, or the office alone when
  it is 已回复 (replied late: it waits for the office's 销号 or 退回);
- the reporting deadline of the month staff report now (the month before today's,
  projects.selectors.timeliness.report_due_date) by the horizon: each staff user who still has
  listings without a submitted report for it (projects.selectors.reporting.missing_reports);
- an approval item whose light turned red (approvals.selectors.figures.with_light: open and past its
  due date): the owning department's staff, the project's keepers and the acting office (it runs
  联审联批, and nobody else may be there to tell: a department or street no user serves).

Each reminder carries a key naming the thing and its deadline ("task:12:due:2015-10-22"); the inbox's
unique (user, key) makes a second run write nothing, and a moved deadline is a new key: reminded again."""

from collections import Counter
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from approvals.choices import ItemLight
from approvals.models import ApprovalItem
from approvals.selectors.figures import with_light
from dispatch.choices import OWNER_STATUSES, NotificationKind
from dispatch.models import Notification, Task
from dispatch.selectors.people import acting_admins, project_keepers, unit_staff
from dispatch.services.notify import notify
from projects import clock
from projects.choices import UNSOLVED_PROBLEM_STATUSES, ProblemStatus
from projects.models import Problem
from projects.periods import Period
from projects.selectors.reporting import missing_reports
from projects.selectors.timeliness import report_due_date
from projects.workdays import workdays_after

KINDS = (
    NotificationKind.PROBLEM_DUE,
    NotificationKind.PROBLEM_OVERDUE,
    NotificationKind.TASK_DUE,
    NotificationKind.TASK_OVERDUE,
    NotificationKind.REPORT_DUE,
    NotificationKind.APPROVAL_RED,
)
# A problem the street still has to solve (待销号 waits for the office, not for the keepers).


def day_label(day: date):
    return f"{day.year}年{day.month}月{day.day}日"


def plan_reminders(*, today=None):
    """Write today's reminders; return how many were written of each kind (KINDS, 0 where none)."""
    today = today or clock.today()
    horizon = workdays_after(today, settings.KP_REMINDER_WORKDAYS)
    counts = Counter(dict.fromkeys(KINDS, 0))
    for plan in (_problems, _tasks, _reporting_deadline, _approvals):
        for kind, users, fields in plan(today, horizon):
            with transaction.atomic():
                counts[kind] += len(_remind(users, kind=kind, **fields))
    return {kind.value: counts[kind] for kind in KINDS}


def _remind(users, *, kind, key, **fields):
    """notify() the users who have no reminder under ``key`` yet (the unique key would refuse the
    others anyway; asking first spares a failed insert per person on every later run)."""
    users = list(users)
    reminded = set(Notification.objects.filter(key=key, user__in=users).values_list("user_id", flat=True))
    return notify([user for user in users if user.pk not in reminded], kind=kind, key=key, **fields)


def _problems(today, horizon):
    due = Problem.objects.filter(status__in=UNSOLVED_PROBLEM_STATUSES, deadline__gte=today, deadline__lte=horizon)
    for problem in due.select_related("project").order_by("deadline", "pk"):
        yield (
            NotificationKind.PROBLEM_DUE,
            project_keepers(problem.project),
            {
                "key": f"problem:{problem.pk}:due:{problem.deadline}",
                "title": f"问题将于{day_label(problem.deadline)}到期：{problem.project.name}",
                "body": problem.description,
                "link": problem.get_absolute_url(),
            },
        )
    for problem in Problem.objects.overdue(today).select_related("project").order_by("deadline", "pk"):
        # 待销号 (solved late) waits for the office alone: the keepers can do nothing more about it.
        keepers = [] if problem.status == ProblemStatus.PENDING_CLOSE else project_keepers(problem.project)
        yield (
            NotificationKind.PROBLEM_OVERDUE,
            [*keepers, *acting_admins(problem.project.district_id)],
            {
                "key": f"problem:{problem.pk}:overdue:{problem.deadline}",
                "title": f"问题已超期（期限{day_label(problem.deadline)}）：{problem.project.name}",
                "body": problem.description,
                "link": problem.get_absolute_url(),
            },
        )


def _tasks(today, horizon):
    due = Task.objects.filter(status__in=OWNER_STATUSES, deadline__gte=today, deadline__lte=horizon)
    for task in due.select_related("owner").order_by("deadline", "pk"):
        yield (
            NotificationKind.TASK_DUE,
            unit_staff(task.owner),
            {
                "key": f"task:{task.pk}:due:{task.deadline}",
                "title": f"交办事项将于{day_label(task.deadline)}到期：{task.owner}",
                "body": task.content,
                "link": task.get_absolute_url(),
            },
        )
    for task in Task.objects.overdue(today).select_related("owner").order_by("deadline", "pk"):
        # 已回复 (replied late) waits for the office's 销号 or 退回 alone, not for the owner.
        owners_staff = unit_staff(task.owner) if task.status in OWNER_STATUSES else []
        yield (
            NotificationKind.TASK_OVERDUE,
            [*owners_staff, *acting_admins(task.district_id)],
            {
                "key": f"task:{task.pk}:overdue:{task.deadline}",
                "title": f"交办事项已超期（期限{day_label(task.deadline)}）：{task.owner}",
                "body": task.content,
                "link": task.get_absolute_url(),
            },
        )


def _reporting_deadline(today, horizon):
    period = Period.of(today).previous()
    due = report_due_date(period.year, period.month)
    if not today <= due <= horizon:
        return
    key = f"report:{period.year}-{period.month:02d}:due:{due}"
    staff = (
        get_user_model()
        .objects.filter(role=Role.STAFF, is_active=True, is_superuser=False)
        .exclude(notifications__key=key)
        .order_by("pk")
    )
    link = f"{reverse('projects:report_sheet')}?year={period.year}&month={period.month}"
    for user in staff:
        missing = missing_reports(user=user, year=period.year, month=period.month).count()
        if not missing:
            continue
        yield (
            NotificationKind.REPORT_DUE,
            [user],
            {
                "key": key,
                "title": f"{period.year}年{period.month}月项目进展请于{day_label(due)}前报送",
                "body": f"您负责的项目中还有 {missing} 个尚未报送{period.month}月进展，逾期报送将计入报送及时率。",
                "link": link,
            },
        )


def _approvals(today, horizon):
    red = with_light(ApprovalItem.objects.all(), today).filter(light=ItemLight.RED.value)
    for item in red.select_related("project", "department").order_by("due_date", "pk"):
        department_staff = unit_staff(item.department) if item.department_id else []
        yield (
            NotificationKind.APPROVAL_RED,
            [*department_staff, *project_keepers(item.project), *acting_admins(item.project.district_id)],
            {
                "key": f"approval:{item.pk}:red:{item.due_date}",
                "title": f"前期手续超期：{item.project.name} · {item.name}",
                "body": f"办理期限{day_label(item.due_date)}已过，尚未办结。",
                "link": item.get_absolute_url(),
            },
        )
