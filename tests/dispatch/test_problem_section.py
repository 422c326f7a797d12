"""The problem page's 交办督办 card (dispatch.views.sections through projects.extensions): the tasks a
problem was escalated into, and the link to escalate it for those who may."""

from datetime import date

import pytest
from django.urls import reverse

from projects.choices import ProblemStatus
from projects.models import Problem

pytestmark = pytest.mark.usefixtures("demo")

ESCALATED = ("申楼汽车销售服务中心（示例）", "周边群众阻工，需街道做好协调工作")  # the demo's escalated problem


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


def page(client, problem):
    response = client.get(problem.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def escalated():
    return Problem.objects.get(project__name=ESCALATED[0], description=ESCALATED[1])


def test_the_office_sees_the_problems_task_and_may_escalate_it_again(client_for):
    problem = escalated()
    text = page(client_for("admin"), problem)
    assert 'id="problem-tasks"' in text
    assert "督办问题：申楼汽车销售服务中心周边群众阻工" in text
    assert f'href="{reverse("dispatch:task_create")}?problem={problem.pk}"' in text


def test_staff_see_no_escalation_link(client_for, users):
    # staff_a keeps 北环路街道's projects: the problem of its own street, never the link
    problem = Problem.objects.filter(project__street__name="北环路街道").exclude(status=ProblemStatus.RESOLVED).first()
    text = page(client_for("staff_a"), problem)
    assert "?problem=" not in text


def test_a_resolved_problem_offers_no_escalation(client_for):
    problem = Problem.objects.filter(status=ProblemStatus.RESOLVED, project__district__code="410403").first()
    text = page(client_for("admin"), problem)
    assert f"?problem={problem.pk}" not in text


def test_the_escalation_link_opens_the_form_from_the_problem(client_for):
    problem = escalated()
    response = client_for("admin").get(f"{reverse('dispatch:task_create')}?problem={problem.pk}")
    assert response.status_code == 200
    assert "来源：问题督办" in response.content.decode()
