"""Notifications for what happens in projects (projects.events): a report returned, a 督办意见, a
problem solved, sent back or closed (销号), reports chased (催报). Each runs in the transaction of the
event, so its inbox and outbox rows commit or roll back with it. The person who acted is not told
of their own act."""

from django.dispatch import receiver
from django.urls import reverse

from dispatch.choices import NotificationKind
from dispatch.selectors.people import acting_admins, project_keepers
from dispatch.services.notify import notify
from projects import events
from projects.selectors.timeliness import report_due_date


def _except(users, by):
    """``users`` without the one who acted, and without the empty places (a report nobody is recorded
    as having submitted: an imported month, a reporter since deleted)."""
    return [user for user in users if user is not None and (by is None or user.pk != by.pk)]


def _name(user):
    return (user.get_full_name() or user.username) if user else "项目办"


@receiver(events.report_returned, dispatch_uid="dispatch.report_returned")
def report_returned(sender, *, report, by=None, reason="", **kwargs):
    """The report's reporter and the project's keepers: fix it and submit again."""
    listing = report.listing
    project = listing.project
    notify(
        _except([report.reported_by, *project_keepers(project)], by),
        kind=NotificationKind.REPORT_RETURNED,
        title=f"{project.name} {listing.year}年{report.month}月填报被退回",
        body=f"退回原因：{reason}" if reason else "",
        link=reverse("projects:report_edit", args=[listing.pk, report.month]),
    )


@receiver(events.instruction_added, dispatch_uid="dispatch.instruction_added")
def instruction_added(sender, *, instruction, **kwargs):
    """The project's keepers: a leader's 督办意见 on one of their problems."""
    problem = instruction.problem
    notify(
        _except(project_keepers(problem.project), instruction.author),
        kind=NotificationKind.INSTRUCTION,
        title=f"{_name(instruction.author)}对“{problem.project.name}”的问题提出督办意见",
        body=instruction.text,
        link=problem.get_absolute_url(),
    )


@receiver(events.problem_solved, dispatch_uid="dispatch.problem_solved")
def problem_solved(sender, *, problem, by=None, **kwargs):
    """The district's office: a problem reported solved waits for its 销号."""
    notify(
        _except(acting_admins(problem.project.district_id), by),
        kind=NotificationKind.PROBLEM_SOLVED,
        title=f"问题待销号：{problem.project.name}",
        body=f"{problem.description}\n解决情况：{problem.resolution}" if problem.resolution else problem.description,
        link=problem.get_absolute_url(),
    )


@receiver(events.problem_sent_back, dispatch_uid="dispatch.problem_sent_back")
def problem_sent_back(sender, *, problem, by=None, reason="", **kwargs):
    """The project's keepers: the office did not accept the problem as solved."""
    notify(
        _except(project_keepers(problem.project), by),
        kind=NotificationKind.PROBLEM_SENT_BACK,
        title=f"问题销号被退回：{problem.project.name}",
        body=f"退回原因：{reason}\n问题：{problem.description}" if reason else problem.description,
        link=problem.get_absolute_url(),
    )


@receiver(events.problem_confirmed, dispatch_uid="dispatch.problem_confirmed")
def problem_confirmed(sender, *, problem, by=None, **kwargs):
    """The project's keepers: the office confirmed the problem solved (销号)."""
    notify(
        _except(project_keepers(problem.project), by),
        kind=NotificationKind.PROBLEM_CONFIRMED,
        title=f"问题已销号：{problem.project.name}",
        body=problem.description,
        link=problem.get_absolute_url(),
    )


@receiver(events.reports_chased, dispatch_uid="dispatch.reports_chased")
def reports_chased(sender, *, year, month, users, by=None, **kwargs):
    """The chased staff: their month's reports are missing (催报)."""
    due = report_due_date(year, month)
    notify(
        _except(users, by),
        kind=NotificationKind.REPORT_CHASED,
        title=f"催报：请尽快报送{year}年{month}月的项目进展",
        body=f"{_name(by)}提醒您：{year}年{month}月的项目进展还有未报送的，报送截止日期为{due.year}年{due.month}月{due.day}日。",
        link=f"{reverse('projects:report_sheet')}?year={year}&month={month}",
    )
