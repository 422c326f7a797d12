"""Two people moving one task at the same moment: each move locks the task's row and checks its state
under the lock, so exactly one wins and the other is refused in Chinese, with one step, one reply and
one set of notifications (PostgreSQL only, where transactions truly run side by side; SQLite runs
writers one at a time)."""

import threading
import time
from datetime import date

import pytest
from django.db import connection

from dispatch.choices import NotificationKind, TaskStatus
from dispatch.models import Notification, Task, TaskReply
from dispatch.services import tasks as task_services
from dispatch.services.tasks import task_assign, task_close, task_reply, task_return
from projects.models import Project, Unit
from tests.projects.test_write_races import run_in_thread

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


def slow_first_move(monkeypatch):
    """Make the first move hold its transaction (and the row's lock) a second after writing; return
    the event set once it has written."""
    inside, original, calls = threading.Event(), task_services._move, []

    def slow(*args, **kwargs):
        step = original(*args, **kwargs)
        calls.append(step)
        if len(calls) == 1:
            inside.set()
            time.sleep(1)
        return step

    monkeypatch.setattr(task_services, "_move", slow)
    return inside


def a_task(users, *, replied):
    task = task_assign(
        user=users["admin"],
        owner=Unit.objects.get(name="北环路街道办事处"),
        content="并发测试事项",
        deadline=date(2015, 10, 30),
        projects=[Project.objects.get(name="天安名郡(卫东区陈家岗下午三组改造)")],
    )
    if replied:
        task = task_reply(user=users["staff_a"], task=task, text="已办结。")
    return Task.objects.get(pk=task.pk)


def test_closing_and_returning_at_once_one_wins(users, monkeypatch, django_user_model):
    task = a_task(users, replied=True)
    second_admin = django_user_model.objects.create_user(
        "admin2", password="kp-test-Pass-2015", role=users["admin"].role, region=users["admin"].region
    )
    inside, outcomes = slow_first_move(monkeypatch), {}
    notified_before = Notification.objects.count()
    # Both read the task replied (the same object state a page showed each of them).
    closing = run_in_thread(
        outcomes, "close", lambda: task_close(user=users["admin"], task=Task.objects.get(pk=task.pk))
    )
    assert inside.wait(10)
    returning = run_in_thread(outcomes, "return", lambda: task_return(user=second_admin, task=task, reason="请补充。"))
    closing.join(15)
    returning.join(15)
    assert outcomes["close"][0] == "ok"
    assert outcomes["return"][0] == "ValidationError"
    assert "该事项刚被其他人处理（现为「已销号」）" in outcomes["return"][1].messages[0]
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED
    assert list(task.steps.values_list("to_status", flat=True)) == [
        TaskStatus.ASSIGNED,
        TaskStatus.REPLIED,
        TaskStatus.CLOSED,
    ]
    new = Notification.objects.order_by("pk")[notified_before:]
    assert [n.kind for n in new] == [NotificationKind.TASK_CLOSED]  # nobody was told of a return


def test_two_replies_at_once_one_is_kept(users, monkeypatch, django_user_model):
    task = a_task(users, replied=False)
    colleague = django_user_model.objects.create_user("staff2", password="kp-test-Pass-2015", role="staff")
    colleague.units.set([Unit.objects.get(name="北环路街道办事处")])
    inside, outcomes = slow_first_move(monkeypatch), {}

    def reply(user, text):
        return lambda: task_reply(user=user, task=Task.objects.get(pk=task.pk), text=text)

    first = run_in_thread(outcomes, "first", reply(users["staff_a"], "第一份回复"))
    assert inside.wait(10)
    second = run_in_thread(outcomes, "second", reply(colleague, "第二份回复"))
    first.join(15)
    second.join(15)
    assert outcomes["first"][0] == "ok"
    assert outcomes["second"][0] == "ValidationError"
    assert "现为「已回复」" in outcomes["second"][1].messages[0]
    assert list(TaskReply.objects.filter(task=task).values_list("text", flat=True)) == ["第一份回复"]
    assert Notification.objects.filter(kind=NotificationKind.TASK_REPLIED).count() == 1  # the admin (and assigner)


# --- a task and its problem at once ---------------------------------------------------------------


def held_problem_confirm(monkeypatch):
    """Make the office's 销号 of a problem hold its transaction (and the problem's lock) after its
    move until released; return (inside, release) events."""
    from projects.services import problems as problem_services

    inside, release, original = threading.Event(), threading.Event(), problem_services._move

    def held(*args, **kwargs):
        step = original(*args, **kwargs)
        inside.set()
        assert release.wait(15)
        return step

    monkeypatch.setattr(problem_services, "_move", held)
    return inside, release


def wait_until_someone_waits_for_a_lock():
    """Poll PostgreSQL until another session waits for a row lock (at most ten seconds)."""
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return True
            threading.Event().wait(0.05)
    return False


def test_a_task_closed_while_the_office_confirms_its_problem_closes_and_confirms_it_once(users, monkeypatch):
    from projects.choices import ProblemStatus
    from projects.models import Problem, ProblemStep
    from projects.services.problems import problem_confirm, problem_solve

    problem = Problem.objects.filter(project__street__name="北环路街道", status=ProblemStatus.COORDINATING).first()
    task = task_assign(
        user=users["admin"], owner=Unit.objects.get(name="北环路街道办事处"), content="协调", workdays=10,
        problem=problem,
    )  # fmt: skip
    task = task_reply(user=users["staff_a"], task=task, text="已协调。")
    problem = problem_solve(user=users["staff_a"], problem=problem, resolution="街道已解决。")
    inside, release = held_problem_confirm(monkeypatch)
    outcomes = {}
    confirming = run_in_thread(outcomes, "confirm", lambda: problem_confirm(user=users["admin"], problem=problem))
    assert inside.wait(10)
    closing = run_in_thread(outcomes, "close", lambda: task_close(user=users["admin"], task=task))
    assert wait_until_someone_waits_for_a_lock()  # the close waits for the problem's lock
    release.set()
    confirming.join(15)
    closing.join(15)
    assert outcomes["confirm"][0] == "ok"
    assert outcomes["close"][0] == "ok", outcomes["close"]
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CLOSED
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == (ProblemStatus.RESOLVED, "街道已解决。")
    assert ProblemStep.objects.filter(problem=problem, to_status=ProblemStatus.RESOLVED).count() == 1


def test_a_problem_resolved_while_it_is_escalated_is_refused(users, monkeypatch):
    from projects.choices import ProblemStatus
    from projects.models import Problem
    from projects.services.problems import problem_confirm

    problem = Problem.objects.filter(project__name="恒宇·东城国际", status=ProblemStatus.COORDINATING).first()
    tasks_before = Task.objects.count()
    inside, release = held_problem_confirm(monkeypatch)
    outcomes = {}
    resolving = run_in_thread(
        outcomes, "resolve", lambda: problem_confirm(user=users["admin"], problem=problem, resolution="已解决。")
    )
    assert inside.wait(10)
    escalating = run_in_thread(
        outcomes,
        "escalate",
        lambda: task_assign(
            user=users["leader"], owner=Unit.objects.get(name="区国土资源局"), content="协调", workdays=10,
            problem=Problem.objects.get(pk=problem.pk),  # read as it is committed: still coordinated
        ),
    )  # fmt: skip
    assert wait_until_someone_waits_for_a_lock()
    release.set()
    resolving.join(15)
    escalating.join(15)
    assert outcomes["resolve"][0] == "ok"
    assert outcomes["escalate"][0] == "ValidationError", outcomes["escalate"]
    assert outcomes["escalate"][1].messages == ["该问题已销号，不需再交办。"]
    assert Task.objects.count() == tasks_before
