"""The problem ledger and supervision visits through their services and selectors."""

from datetime import date, timedelta

import pytest

from projects import clock
from projects.choices import ProblemStatus
from projects.models import Problem, Project
from projects.selectors.problems import problem_figures, problem_list
from projects.services.errors import PermissionDenied, ValidationError
from projects.services.problems import problem_confirm, problem_create, problem_transition
from projects.services.visits import visit_findings_to_problems, visit_record


@pytest.fixture
def project(demo):
    return Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")


def new_problem(user, project, **kwargs):
    return problem_create(user=user, project=project, description="土方外运受限", kind="site", **kwargs)


def test_the_article_figures_on_the_demo_data(users):
    figures = problem_figures(problem_list(user=users["admin"]))
    assert (figures["found"], figures["resolved"], figures["coordinating"]) == (50, 38, 12)
    # The demo's coordinating problems all had deadlines in 2015: every one is overdue today.
    assert figures["overdue"] == 12 and figures["open"] == 0


def test_open_coordinating_resolved_with_who_and_when(users, project):
    staff = users["staff_a"]
    problem = new_problem(staff, project)
    assert (problem.status, problem.raised_on, problem.raised_by) == (ProblemStatus.OPEN, clock.today(), staff)
    problem = problem_transition(user=staff, problem=problem, to_status=ProblemStatus.COORDINATING, note="已约谈")
    with pytest.raises(ValidationError, match="解决情况"):
        problem_transition(user=staff, problem=problem, to_status=ProblemStatus.RESOLVED, resolution=" ")
    problem = problem_transition(
        user=users["admin"], problem=problem, to_status=ProblemStatus.RESOLVED, resolution="已办理外运许可"
    )
    assert (problem.status, problem.resolution, problem.resolved_on) == (
        "resolved",
        "已办理外运许可",
        clock.today(),
    )
    steps = [(s.from_status, s.to_status, s.by.username, s.note) for s in problem.steps.all()]
    assert steps == [
        ("", "open", "staff", ""),
        ("open", "coordinating", "staff", "已约谈"),
        ("coordinating", "resolved", "admin", ""),
    ]
    assert problem.history.latest().history_user == users["admin"]


@pytest.mark.parametrize(
    "start, target",
    [("resolved", "coordinating"), ("resolved", "open"), ("coordinating", "open"), ("open", "open")],
)
def test_moves_outside_the_state_machine_are_refused(users, project, start, target):
    problem = new_problem(users["staff_a"], project)
    if start != "open":
        Problem.objects.filter(pk=problem.pk).update(status=start, resolution="x", resolved_on=clock.today())
        problem.refresh_from_db()
    with pytest.raises(ValidationError):
        problem_transition(user=users["staff_a"], problem=problem, to_status=target, resolution="x")
    assert Problem.objects.get(pk=problem.pk).status == start


def test_a_problem_moved_by_someone_else_meanwhile_is_not_moved_twice(users, project):
    problem = new_problem(users["staff_a"], project)
    stale = Problem.objects.get(pk=problem.pk)
    problem_transition(user=users["admin"], problem=problem, to_status=ProblemStatus.RESOLVED, resolution="已解决")
    with pytest.raises(ValidationError):
        problem_transition(user=users["staff_a"], problem=stale, to_status=ProblemStatus.COORDINATING)
    assert problem.steps.count() == 2


def test_leaders_and_other_streets_cannot_log_or_move(users, project):
    for role in ("leader", "other_leader", "staff_b"):
        with pytest.raises(PermissionDenied):
            new_problem(users[role], project)
    problem = new_problem(users["staff_a"], project)
    with pytest.raises(PermissionDenied):
        problem_transition(user=users["staff_b"], problem=problem, to_status=ProblemStatus.COORDINATING)


def test_empty_description_and_past_deadline_are_refused(users, project):
    with pytest.raises(ValidationError):
        problem_create(user=users["staff_a"], project=project, description="  ", kind="site")
    with pytest.raises(ValidationError, match="办结期限"):
        new_problem(users["staff_a"], project, deadline=clock.today() - timedelta(days=1))


def test_overdue_rule_at_its_boundary(users, project):
    problem = new_problem(users["staff_a"], project, deadline=clock.today() + timedelta(days=3))
    deadline = problem.deadline
    in_project = Problem.objects.filter(pk=problem.pk)
    assert not in_project.overdue(on=deadline).exists()  # due today: not yet overdue
    assert in_project.overdue(on=deadline + timedelta(days=1)).exists()
    assert not problem.overdue
    Problem.objects.filter(pk=problem.pk).update(deadline=clock.today() - timedelta(days=1))
    late = Problem.objects.get(pk=problem.pk)
    assert late.overdue and Problem.objects.with_overdue().get(pk=problem.pk).is_overdue
    # Solved by the street after the deadline: still overdue until the office's 销号.
    late = problem_transition(
        user=users["staff_a"], problem=late, to_status=ProblemStatus.RESOLVED, resolution="已解决"
    )
    assert late.status == ProblemStatus.PENDING_CLOSE
    assert Problem.objects.get(pk=problem.pk).overdue and in_project.overdue().exists()
    problem_confirm(user=users["admin"], problem=late)
    assert not Problem.objects.get(pk=problem.pk).overdue
    assert not Problem.objects.filter(pk=problem.pk).overdue().exists()


def test_a_visit_turns_each_line_of_findings_into_a_problem_once(users, project):
    from projects.models import Leader

    visit = visit_record(
        user=users["admin"],
        project=project,
        date=date(2015, 10, 20),
        leaders=list(Leader.objects.filter(name__in=["王某", "赵某"])),
        findings="配套设施安装进度偏慢\n- 消防验收资料不全\n\n",
        rectification_deadline=date(2015, 11, 30),
        make_problems=True,
    )
    made = list(visit.problems.order_by("id").values_list("description", "deadline", "status"))
    assert made == [
        ("配套设施安装进度偏慢", date(2015, 11, 30), "open"),
        ("消防验收资料不全", date(2015, 11, 30), "open"),
    ]
    assert visit_findings_to_problems(user=users["admin"], visit=visit) == []
    assert visit.problems.count() == 2
    assert visit.history.latest().history_user == users["admin"]


def test_only_admins_record_visits(users, project):
    from projects.models import Leader, SupervisionVisit

    before = SupervisionVisit.objects.count()
    for role in ("staff_a", "leader"):
        with pytest.raises(PermissionDenied):
            visit_record(
                user=users[role], project=project, date=date(2015, 10, 1), leaders=list(Leader.objects.all()[:1]),
                findings="x",
            )  # fmt: skip
    assert SupervisionVisit.objects.count() == before


def test_a_back_filled_problem_keeps_its_date_and_a_deadline_after_it(users, project):
    problem = new_problem(users["staff_a"], project, raised_on=date(2015, 9, 30), deadline=date(2015, 10, 15))
    assert (problem.raised_on, problem.deadline) == (date(2015, 9, 30), date(2015, 10, 15))
    with pytest.raises(ValidationError, match="不能早于发现日期（2015年9月30日）"):
        new_problem(users["staff_a"], project, raised_on=date(2015, 9, 30), deadline=date(2015, 9, 29))
    with pytest.raises(ValidationError, match="发现日期不能晚于今天"):
        new_problem(users["staff_a"], project, raised_on=clock.today() + timedelta(days=1))


def test_findings_become_problems_dated_on_the_visit_with_the_type_chosen_for_each(users, project):
    from projects.models import Leader

    visit = visit_record(
        user=users["admin"],
        project=project,
        date=date(2015, 10, 8),
        leaders=list(Leader.objects.filter(name="王某")),
        findings="用地手续未办结\n施工围挡破损",
        rectification_deadline=date(2015, 10, 31),
    )
    made = visit_findings_to_problems(user=users["admin"], visit=visit, kinds={"用地手续未办结": "land"})
    assert [(p.description, p.kind, p.raised_on, p.deadline) for p in made] == [
        ("用地手续未办结", "land", date(2015, 10, 8), date(2015, 10, 31)),
        ("施工围挡破损", "other", date(2015, 10, 8), date(2015, 10, 31)),
    ]


def test_a_visit_in_the_future_is_refused(users, project):
    from projects.models import Leader

    with pytest.raises(ValidationError, match="督察日期不能晚于今天"):
        visit_record(
            user=users["admin"], project=project, date=clock.today() + timedelta(days=1),
            leaders=list(Leader.objects.all()[:1]), findings="x",
        )  # fmt: skip
