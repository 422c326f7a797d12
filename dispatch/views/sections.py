"""What dispatch shows on the pages of projects (registered in dispatch.panels): the problem page's
交办事项 — the tasks the problem was escalated into, and for those who may, the link to escalate it."""

from django.template.loader import render_to_string
from django.urls import reverse

from dispatch.choices import TaskStatus
from dispatch.selectors.tasks import problem_tasks
from dispatch.services.tasks import may_assign_from


def problem_tasks_section(request, problem):
    """The problem page's 交办督办 card: its tasks the viewer sees (status, 超期), and for an office
    admin or a leader who may instruct on it — while it is not resolved — the link to assign one."""
    user = request.user
    tasks = list(problem_tasks(user, problem))
    can_assign = may_assign_from(user, problem=problem) is not None
    if not tasks and not can_assign:
        return ""
    return render_to_string(
        "dispatch/_problem_tasks.html",
        {
            "tasks": tasks,
            "open_total": sum(1 for task in tasks if task.status != TaskStatus.CLOSED),
            "assign_url": f"{reverse('dispatch:task_create')}?problem={problem.pk}" if can_assign else "",
        },
        request=request,
    )
