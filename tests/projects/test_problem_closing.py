"""销号 on the problem ledger: a street's "已解决" waits as 待销号 until the office confirms it or sends
it back; the figures, the overdue rule, the events and the problem page follow."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Role
from projects import clock, events
from projects.choices import ProblemStatus
from projects.models import Problem, Project, Region
from projects.selectors.problems import problem_figures, problem_list
from projects.services.errors import PermissionDenied, ValidationError
from projects.services.problems import (
    problem_confirm,
    problem_create,
    problem_send_back,
    problem_transition,
)

PROJECT_A = "市正顺化工公司技改10万吨/年洗油深加工"  # in staff_a's street (北环路街道)


@pytest.fixture
def project(demo):
    return Project.objects.get(name=PROJECT_A)


def new_problem(user, project, **kwargs):
    return problem_create(user=user, project=project, description="施工用水接入未批复", kind="site", **kwargs)


def solved(users, project, **kwargs):
    """A problem the street has reported solved (待销号)."""
    problem = new_problem(users["staff_a"], project, **kwargs)
    return problem_transition(
        user=users["staff_a"], problem=problem, to_status=ProblemStatus.RESOLVED, resolution="已接入市政供水"
    )


def steps(problem):
    return [(s.from_status, s.to_status, s.by.username, s.note) for s in problem.steps.order_by("at", "id")]


def stored(problem):
    return Problem.objects.select_related("confirmed_by").get(pk=problem.pk)


@pytest.fixture
def heard():
    """Every projects.events signal sent during the test: (name, kwargs without the signal)."""
    sent = []

    def receiver_for(name):
        def receive(sender, signal, **kwargs):
            sent.append((name, sender, kwargs))

        return receive

    receivers = {name: receiver_for(name) for name in ("problem_solved", "problem_sent_back", "problem_confirmed")}
    for name, receiver in receivers.items():
        getattr(events, name).connect(receiver)
    yield sent
    for name, receiver in receivers.items():
        getattr(events, name).disconnect(receiver)


# --- the state machine ---------------------------------------------------------------------------


def test_a_streets_solved_waits_for_the_offices_confirmation(users, project, heard):
    staff, admin = users["staff_a"], users["admin"]
    problem = new_problem(staff, project)
    problem = problem_transition(user=staff, problem=problem, to_status=ProblemStatus.COORDINATING, note="已约谈")
    problem = problem_transition(
        user=staff, problem=problem, to_status=ProblemStatus.RESOLVED, resolution="已接入市政供水", note="见回执"
    )
    row = stored(problem)
    assert (row.status, row.resolution, row.resolved_on) == ("pending_close", "已接入市政供水", clock.today())
    assert (row.confirmed_on, row.confirmed_by) == (None, None)
    assert heard == [("problem_solved", Problem, {"problem": problem, "by": staff})]

    confirmed = problem_confirm(user=admin, problem=row, note="经核实已解决")
    row = stored(confirmed)
    assert (row.status, row.confirmed_on, row.confirmed_by) == ("resolved", clock.today(), admin)
    assert (row.resolution, row.resolved_on) == ("已接入市政供水", clock.today())  # the street's, kept
    assert steps(row) == [
        ("", "open", "staff", ""),
        ("open", "coordinating", "staff", "已约谈"),
        ("coordinating", "pending_close", "staff", "见回执"),
        ("pending_close", "resolved", "admin", "经核实已解决"),
    ]
    latest = row.history.latest()
    assert latest.history_user == admin and latest.history_change_reason == "销号：经核实已解决"
    assert heard[-1] == ("problem_confirmed", Problem, {"problem": confirmed, "by": admin})


def test_the_office_sends_a_solved_problem_back_with_its_reason(users, project, heard):
    admin = users["admin"]
    problem = solved(users, project)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        problem_send_back(user=admin, problem=problem, reason="  ")
    assert stored(problem).status == "pending_close"
    back = problem_send_back(user=admin, problem=problem, reason="现场核查仍未通水")
    row = stored(back)
    assert (row.status, row.resolution, row.resolved_on, row.confirmed_on) == ("coordinating", "", None, None)
    assert steps(row)[-1] == ("pending_close", "coordinating", "admin", "现场核查仍未通水")
    assert row.history.latest().history_change_reason == "退回：现场核查仍未通水"
    assert heard[-1] == (
        "problem_sent_back",
        Problem,
        {"problem": back, "by": admin, "reason": "现场核查仍未通水"},
    )
    # Sent back, it is the street's again: solved once more, then confirmed.
    again = problem_transition(
        user=users["staff_a"], problem=row, to_status=ProblemStatus.RESOLVED, resolution="已通水，附照片"
    )
    assert again.status == "pending_close"
    assert problem_confirm(user=admin, problem=again).status == "resolved"
    assert [name for name, _, _ in heard] == [
        "problem_solved",
        "problem_sent_back",
        "problem_solved",
        "problem_confirmed",
    ]


def test_the_office_resolves_directly_with_a_resolution(users, project, heard):
    admin = users["admin"]
    problem = new_problem(users["staff_a"], project)
    # On the page: the admin's own 已解决 is the office's 销号 at once.
    resolved = problem_transition(
        user=admin, problem=problem, to_status=ProblemStatus.RESOLVED, resolution="区住建局已批复"
    )
    row = stored(resolved)
    assert (row.status, row.resolved_on, row.confirmed_on, row.confirmed_by) == (
        "resolved",
        clock.today(),
        clock.today(),
        admin,
    )
    assert steps(row)[-1] == ("open", "resolved", "admin", "")
    assert heard == [("problem_confirmed", Problem, {"problem": resolved, "by": admin})]
    # As dispatch calls it when a task linked to a coordinated problem is closed.
    other = problem_transition(user=admin, problem=new_problem(admin, project), to_status=ProblemStatus.COORDINATING)
    with pytest.raises(ValidationError, match="请填写解决情况"):
        problem_confirm(user=admin, problem=other)
    closed = problem_confirm(user=admin, problem=other, resolution="交办事项已销号：用地已报批")
    assert (closed.status, closed.resolution) == ("resolved", "交办事项已销号：用地已报批")


@pytest.mark.parametrize("start", ["open", "coordinating", "resolved"])
def test_only_a_problem_waiting_for_confirmation_is_sent_back(users, project, start):
    problem = new_problem(users["staff_a"], project)
    if start != "open":
        Problem.objects.filter(pk=problem.pk).update(status=start, resolution="x", resolved_on=clock.today())
        problem.refresh_from_db()
    with pytest.raises(ValidationError, match="只有待销号的问题可以退回"):
        problem_send_back(user=users["admin"], problem=problem, reason="未解决")
    assert stored(problem).status == start


def test_a_resolved_problem_is_not_confirmed_twice(users, project):
    problem = problem_confirm(user=users["admin"], problem=solved(users, project))
    with pytest.raises(ValidationError, match="不能改为「已解决」"):
        problem_confirm(user=users["admin"], problem=problem)
    assert problem.steps.filter(to_status="resolved").count() == 1


def test_a_waiting_problem_does_not_move_by_the_ordinary_steps(users, project):
    problem = solved(users, project)
    for user in (users["staff_a"], users["admin"]):
        with pytest.raises(ValidationError, match="等待项目办销号"):
            problem_transition(user=user, problem=problem, to_status=ProblemStatus.COORDINATING)
    with pytest.raises(ValidationError):  # the street cannot solve it twice
        problem_transition(user=users["staff_a"], problem=problem, to_status=ProblemStatus.RESOLVED, resolution="x")
    assert stored(problem).status == "pending_close"


def test_a_confirmation_and_a_send_back_at_once_move_it_once(users, project):
    problem = solved(users, project)
    stale = Problem.objects.get(pk=problem.pk)
    problem_send_back(user=users["admin"], problem=problem, reason="资料不全")
    with pytest.raises(ValidationError, match="刚被其他人修改"):
        problem_confirm(user=users["admin"], problem=stale)
    row = stored(problem)
    assert row.status == "coordinating" and row.confirmed_on is None
    assert steps(row)[-1][:2] == ("pending_close", "coordinating")


# --- who may do what -----------------------------------------------------------------------------


@pytest.fixture
def xinhua_admin(demo, django_user_model):
    return django_user_model.objects.create_user(
        "xinhua_admin", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


def test_only_the_projects_office_confirms_or_sends_back(users, project, xinhua_admin, django_user_model):
    problem = solved(users, project)
    for user in (users["staff_a"], users["staff_b"], users["leader"], xinhua_admin):
        with pytest.raises(PermissionDenied):
            problem_confirm(user=user, problem=problem)
        with pytest.raises(PermissionDenied):
            problem_send_back(user=user, problem=problem, reason="未解决")
    assert stored(problem).status == "pending_close" and problem.steps.count() == 2
    # The city's office manages its districts: it may confirm 卫东区's problem.
    city = django_user_model.objects.get(username="city")
    assert problem_confirm(user=city, problem=problem).confirmed_by == city


def test_staff_of_another_street_and_leaders_cannot_solve(users, project):
    problem = new_problem(users["staff_a"], project)
    for role in ("staff_b", "leader"):
        with pytest.raises(PermissionDenied):
            problem_transition(user=users[role], problem=problem, to_status=ProblemStatus.RESOLVED, resolution="x")
    assert stored(problem).status == "open"


def test_who_may_move_and_who_may_close_on_the_querysets(users, project):
    waiting = solved(users, project)
    open_one = new_problem(users["staff_a"], project)
    for role, movable, closable in [
        ("staff_a", {open_one.pk}, set()),
        ("admin", {open_one.pk}, {waiting.pk}),
        ("leader", set(), set()),
    ]:
        user = users[role]
        mine = Problem.objects.filter(pk__in=[waiting.pk, open_one.pk])
        assert set(mine.movable_by(user).values_list("pk", flat=True)) == movable, role
        assert set(mine.closable_by(user).values_list("pk", flat=True)) == closable, role


# --- figures and overdue ---------------------------------------------------------------------------


def test_the_demo_figures_stay_and_a_waiting_problem_is_not_resolved(users, project, client_for):
    admin = users["admin"]
    figures = problem_figures(problem_list(user=admin))
    assert (figures["found"], figures["resolved"], figures["coordinating"], figures["pending_close"]) == (
        50,
        38,
        12,
        0,
    )
    solved(users, project)
    figures = problem_figures(problem_list(user=admin))
    assert (figures["found"], figures["resolved"], figures["pending_close"], figures["open"]) == (51, 38, 1, 0)
    page = reverse("projects:problem_list")
    html = client_for("admin")
    text = html.get(page).content.decode()
    assert "<span>已解决</span><strong>38</strong>" in text and "<span>待销号</span><strong>1</strong>" in text
    assert html.get(page, {"status": "pending_close"}).context["page_obj"].paginator.count == 1


def test_waiting_for_confirmation_is_not_overdue_when_solved_by_the_deadline(users, project):
    today = clock.today()
    problem = solved(users, project, raised_on=today - timedelta(days=10), deadline=today)
    # Solved on the deadline: past it, still waiting for 销号, it is not overdue.
    later = today + timedelta(days=5)
    assert not Problem.objects.filter(pk=problem.pk).overdue(on=later).exists()
    # Sent back, the deadline counts again.
    problem_send_back(user=users["admin"], problem=problem, reason="仍未通水")
    assert Problem.objects.filter(pk=problem.pk).overdue(on=later).exists()


def test_solved_after_the_deadline_stays_overdue_until_confirmed(users, project):
    today = clock.today()
    problem = new_problem(users["staff_a"], project, raised_on=today - timedelta(days=10), deadline=today)
    Problem.objects.filter(pk=problem.pk).update(deadline=today - timedelta(days=1))
    problem.refresh_from_db()
    problem = problem_transition(
        user=users["staff_a"], problem=problem, to_status=ProblemStatus.RESOLVED, resolution="已解决"
    )
    assert problem.status == "pending_close" and stored(problem).overdue
    assert Problem.objects.with_overdue().get(pk=problem.pk).is_overdue
    problem_confirm(user=users["admin"], problem=problem)
    assert not stored(problem).overdue and not Problem.objects.filter(pk=problem.pk).overdue().exists()


# --- the problem page ------------------------------------------------------------------------------


def test_the_staff_page_says_solved_goes_to_the_office(client_for, users, project):
    problem = new_problem(users["staff_a"], project)
    page = client_for("staff_a").get(problem.get_absolute_url()).content.decode()
    assert "已解决（报项目办确认销号）" in page and "由项目办确认销号后才计为已解决" in page
    response = client_for("staff_a").post(
        reverse("projects:problem_transition", args=[problem.pk]),
        {"to_status": "resolved", "resolution": "已接入市政供水"},
        follow=True,
    )
    text = response.content.decode()
    assert "已标记为已解决，待项目办确认销号。" in text
    assert '<span class="badge status-pending_close">待销号</span>' in text
    assert "确认销号</button>" not in text  # the staff user cannot confirm


def test_the_office_confirms_or_sends_back_on_the_page(client_for, users, project):
    admin = client_for("admin")
    problem = solved(users, project)
    page = admin.get(problem.get_absolute_url()).content.decode()
    assert "确认销号</button>" in page and "退回</button>" in page and 'name="reason"' in page
    response = admin.post(reverse("projects:problem_send_back", args=[problem.pk]), {"reason": ""})
    assert response.status_code == 200 and "请填写退回原因" in response.content.decode()
    assert stored(problem).status == "pending_close"
    response = admin.post(reverse("projects:problem_send_back", args=[problem.pk]), {"reason": "资料不全"}, follow=True)
    assert "已退回，问题重新协调解决。" in response.content.decode() and stored(problem).status == "coordinating"
    problem = problem_transition(
        user=users["staff_a"], problem=stored(problem), to_status=ProblemStatus.RESOLVED, resolution="资料已补齐"
    )
    response = admin.post(reverse("projects:problem_confirm", args=[problem.pk]), {"note": ""}, follow=True)
    text = response.content.decode()
    assert "已确认销号，问题计为已解决。" in text and "待销号 → 已解决" in text
    assert stored(problem).status == "resolved"
    again = admin.post(reverse("projects:problem_confirm", args=[problem.pk]), {"note": ""}, follow=True)
    assert "只有待销号的问题可以确认销号" in again.content.decode()
    assert problem.steps.filter(to_status="resolved").count() == 1


def seen(problem):
    return stored(problem).updated_at.isoformat()


def test_a_confirmation_from_a_page_that_went_stale_is_refused_with_a_message(client_for, users, project):
    admin = client_for("admin")
    problem = solved(users, project)
    shown = seen(problem)  # the office opens the page while the problem waits for 销号
    problem = problem_send_back(user=users["admin"], problem=stored(problem), reason="资料不全")
    # sent back meanwhile: the refusal is said on the page (the 销号 card is gone with the state)
    response = admin.post(
        reverse("projects:problem_confirm", args=[problem.pk]), {"note": "", "seen": shown}, follow=True
    )
    assert "只有待销号的问题可以确认销号" in response.content.decode()
    assert stored(problem).status == "coordinating"
    # and solved again: the page the office read showed another resolution, so nothing is confirmed
    problem = problem_transition(
        user=users["staff_a"], problem=stored(problem), to_status=ProblemStatus.RESOLVED, resolution="另一种说法"
    )
    response = admin.post(
        reverse("projects:problem_confirm", args=[problem.pk]), {"note": "", "seen": shown}, follow=True
    )
    assert "该问题的状态刚被其他人修改，请刷新后再操作。" in response.content.decode()
    assert stored(problem).status == "pending_close" and stored(problem).confirmed_on is None
    response = admin.post(
        reverse("projects:problem_send_back", args=[problem.pk]), {"reason": "再核实", "seen": shown}, follow=True
    )
    assert "该问题的状态刚被其他人修改" in response.content.decode() and stored(problem).status == "pending_close"
    # from the page as it now stands, it goes through
    response = admin.post(
        reverse("projects:problem_confirm", args=[problem.pk]), {"note": "", "seen": seen(problem)}, follow=True
    )
    assert "已确认销号" in response.content.decode() and stored(problem).status == "resolved"
