"""Dispatch's part of the demo (dispatch.devdata): two meetings of September 2015 and six tasks, each in
the state the demo's day (2015-10-20) finds it; the problem ledger still reads 50 / 38 / 12."""

from datetime import date

import pytest

from dispatch.choices import MeetingKind, TaskSource, TaskStatus
from dispatch.devdata import load_dispatch_demo
from dispatch.models import Meeting, Notification, Task
from projects.choices import ProblemStatus
from projects.models import Problem
from projects.selectors.problems import problem_figures

pytestmark = pytest.mark.usefixtures("demo")

DEMO_DAY = date(2015, 10, 20)


def tasks():
    return Task.objects.filter(district__code="410403")


def test_two_meetings_of_september_chaired_by_demo_leaders():
    meetings = Meeting.objects.filter(district__code="410403").order_by("date")
    rows = [(m.date, m.kind, m.chair.name, m.attendees.count(), m.projects.count(), bool(m.minutes)) for m in meetings]
    assert rows == [
        (date(2015, 9, 14), MeetingKind.WEEKLY, "王某", 5, 4, True),
        (date(2015, 9, 28), MeetingKind.MONTHLY, "郑某", 6, 4, True),
    ]


def test_six_tasks_in_the_states_the_demo_day_finds_them(settings):
    settings.KP_TODAY = DEMO_DAY
    by_status = {status: tasks().filter(status=status).count() for status in TaskStatus}
    assert by_status == {
        TaskStatus.ASSIGNED: 3,
        TaskStatus.IN_PROGRESS: 1,
        TaskStatus.REPLIED: 1,
        TaskStatus.CLOSED: 1,
        TaskStatus.RETURNED: 0,
    }
    overdue = list(tasks().overdue().values_list("content", flat=True))
    assert overdue == ["东安路片区旧城改造拆迁安置方案10月中旬前报区政府审定。"]
    assert [task.overdue for task in tasks().filter(content=overdue[0])] == [True]
    replied = tasks().get(status=TaskStatus.REPLIED)
    assert (replied.deadline, replied.replied_on, replied.overdue) == (date(2015, 10, 16), date(2015, 10, 15), False)


def test_working_day_deadlines_count_the_national_day_holiday():
    # 10 working days from 2015-09-28 skip 1–7 October; from 2015-10-08 they count Saturday 10 October.
    cold_chain = tasks().get(owner__name="北环路街道办事处", deadline_workdays=10)
    assert (cold_chain.assigned_on, cold_chain.deadline) == (date(2015, 9, 28), date(2015, 10, 16))
    escalated = tasks().get(source=TaskSource.PROBLEM)
    assert (escalated.assigned_on, escalated.deadline) == (date(2015, 10, 8), date(2015, 10, 21))


def test_the_closed_task_went_through_a_return_and_its_steps_tell_it():
    closed = tasks().get(status=TaskStatus.CLOSED)
    steps = list(closed.steps.values_list("from_status", "to_status"))
    assert steps == [
        ("", TaskStatus.ASSIGNED),
        (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS),
        (TaskStatus.IN_PROGRESS, TaskStatus.REPLIED),
        (TaskStatus.REPLIED, TaskStatus.RETURNED),
        (TaskStatus.RETURNED, TaskStatus.IN_PROGRESS),
        (TaskStatus.IN_PROGRESS, TaskStatus.REPLIED),
        (TaskStatus.REPLIED, TaskStatus.CLOSED),
    ]
    assert closed.steps.get(to_status=TaskStatus.RETURNED).note.startswith("尚有2户未签约")
    assert closed.replies.count() == 2
    assert (closed.closed_on, closed.closed_by.username) == (date(2015, 9, 30), "admin")


def test_the_escalated_problem_is_still_being_coordinated_and_the_ledger_reads_50_38_12():
    escalated = tasks().get(source=TaskSource.PROBLEM)
    assert escalated.status == TaskStatus.ASSIGNED
    assert escalated.problem.status == ProblemStatus.COORDINATING
    assert list(escalated.projects.all()) == [escalated.problem.project]
    figures = problem_figures(Problem.objects.filter(project__district__code="410403"))
    assert (figures["found"], figures["resolved"], figures["coordinating"]) == (50, 38, 12)


def test_sources_and_who_sees_them(users):
    assert sorted(tasks().values_list("source", flat=True)) == sorted(
        [TaskSource.MEETING] * 4 + [TaskSource.PROBLEM, TaskSource.DIRECT]
    )
    # The demo staff user (北环路街道) sees the street office's three tasks and the meetings it attended
    # or was assigned at; the demo leader (王某) the tasks of the meeting he chaired and his own.
    assert Task.objects.visible_to(users["staff_a"]).count() == 3
    assert Meeting.objects.visible_to(users["staff_a"]).count() == 2
    leader_tasks = Task.objects.visible_to(users["leader"])
    assert set(leader_tasks.values_list("content", flat=True)) >= set(
        tasks().filter(meeting__chair__name="王某").values_list("content", flat=True)
    )
    assert leader_tasks.filter(source=TaskSource.DIRECT).count() == 1
    assert Task.objects.visible_to(users["staff_b"]).count() == 1  # 东安路街道: the overdue one


def test_loading_again_creates_nothing_and_tells_nobody():
    assert load_dispatch_demo() == {}
    assert not Notification.objects.exists()
