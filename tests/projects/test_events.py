"""projects.events: the signals projects' services send for the apps above (dispatch tells people),
inside the write's transaction — a receiver that fails undoes the write with it."""

import pytest

from projects import events
from projects.choices import ProblemStatus, ReportStatus
from projects.models import Instruction, MonthlyReport, Problem, Project
from projects.services.instructions import instruction_add
from projects.services.problems import problem_create, problem_transition
from projects.services.reports import report_return

PROJECT_A = "市正顺化工公司技改10万吨/年洗油深加工"


@pytest.fixture
def listen():
    """Connect a receiver to a signal for the test; ``fail`` makes it raise."""
    connected = []

    def connect(signal, *, fail=False):
        heard = []

        def receive(sender, signal, **kwargs):
            heard.append((sender, kwargs))
            if fail:
                raise RuntimeError("receiver failed")

        signal.connect(receive)
        connected.append((signal, receive))
        return heard

    yield connect
    for signal, receive in connected:
        signal.disconnect(receive)


@pytest.fixture
def september(demo):
    return MonthlyReport.objects.get(listing__project__name=PROJECT_A, listing__year=2015, month=9)


def test_returning_a_report_sends_report_returned(users, september, listen):
    heard = listen(events.report_returned)
    returned = report_return(user=users["admin"], report=september, reason="请补充工程量", version=september.version)
    assert heard == [(MonthlyReport, {"report": returned, "by": users["admin"], "reason": "请补充工程量"})]


def test_a_failing_receiver_undoes_the_return(users, september, listen):
    listen(events.report_returned, fail=True)
    with pytest.raises(RuntimeError):
        report_return(user=users["admin"], report=september, reason="请补充", version=september.version)
    assert MonthlyReport.objects.get(pk=september.pk).status == ReportStatus.SUBMITTED


def test_an_instruction_sends_instruction_added(users, listen):
    heard = listen(events.instruction_added)
    problem = Problem.objects.filter(project__name="恒宇·东城国际").first()
    instruction = instruction_add(user=users["leader"], problem=problem, text="请本周内协调解决。")
    assert heard == [(Instruction, {"instruction": instruction})]
    assert instruction.pk and instruction.author == users["leader"]


def test_a_failing_receiver_undoes_the_instruction(users, listen):
    listen(events.instruction_added, fail=True)
    problem = Problem.objects.filter(project__name="恒宇·东城国际").first()
    before = Instruction.objects.count()
    with pytest.raises(RuntimeError):
        instruction_add(user=users["leader"], problem=problem, text="请本周内协调解决。")
    assert Instruction.objects.count() == before


def test_a_failing_receiver_undoes_the_streets_solved(users, listen):
    listen(events.problem_solved, fail=True)
    project = Project.objects.get(name=PROJECT_A)
    problem = problem_create(user=users["staff_a"], project=project, description="测试问题", kind="site")
    with pytest.raises(RuntimeError):
        problem_transition(user=users["staff_a"], problem=problem, to_status=ProblemStatus.RESOLVED, resolution="x")
    row = Problem.objects.get(pk=problem.pk)
    assert (row.status, row.resolution, row.steps.count()) == ("open", "", 1)


def test_refused_writes_send_nothing(users, september, listen):
    heard = listen(events.report_returned)
    with pytest.raises(Exception, match="退回"):
        report_return(user=users["staff_a"], report=september, reason="x", version=september.version)
    assert heard == []
