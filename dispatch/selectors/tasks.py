"""Reads of assigned tasks (交办事项), in the user's scope (Task.objects.visible_to): the board's rows
and counts, a task's page, a project's tasks. Overdue is dispatch.models.task_overdue_condition."""

from django.db.models import Case, Count, Prefetch, Q, Value, When

from dispatch.choices import TaskStatus
from dispatch.models import ReplyAttachment, Task, TaskReply, task_overdue_condition
from projects.models import Project


def task_rows(user):
    """The tasks ``user`` sees, each with ``is_overdue``, and what the board shows of each."""
    return (
        Task.objects.visible_to(user)
        .with_overdue()
        .select_related("owner", "meeting", "problem__project", "district")
        .order_by("deadline", "pk")
    )


def task_counts(tasks):
    """{status: count, "overdue": count, "total": count} of ``tasks`` in one query."""
    counts = Task.objects.filter(pk__in=tasks.values("pk")).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=task_overdue_condition()),
        **{status.value: Count("pk", filter=Q(status=status)) for status in TaskStatus},
    )
    return counts


def task_page(user, pk):
    """The task ``pk`` if ``user`` sees it (None otherwise), with its owner, source and deadline flag."""
    return (
        Task.objects.visible_to(user)
        .with_overdue()
        .select_related("owner", "meeting__chair", "problem__project", "district", "assigned_by", "closed_by")
        .filter(pk=pk)
        .first()
    )


def task_projects(user, task):
    """(the task's projects ``user`` sees, how many others it names)."""
    named = task.projects.all()
    seen = list(named.filter(pk__in=Project.objects.visible_to(user).values("pk")).order_by("name"))
    return seen, named.count() - len(seen)


def task_history(task):
    """(steps, replies with their attachments) of ``task``, oldest first."""
    steps = task.steps.select_related("by")
    replies = task.replies.select_related("by").prefetch_related(
        Prefetch("attachments", queryset=ReplyAttachment.objects.order_by("pk"))
    )
    return list(steps), list(replies)


def latest_reply(task):
    return TaskReply.objects.filter(task=task).order_by("-at", "-pk").first()


def _listed(user, **where):
    """The tasks ``user`` sees among ``where``, open ones first by deadline, with ``is_overdue``: the
    cards of a project's or a problem's page."""
    return (
        Task.objects.visible_to(user)
        .filter(**where)
        .with_overdue()
        .annotate(closed=Case(When(status=TaskStatus.CLOSED, then=Value(1)), default=Value(0)))
        .select_related("owner")
        .order_by("closed", "deadline", "pk")
    )


def project_tasks(user, project):
    """The tasks on ``project`` that ``user`` sees, most pressing first, with ``is_overdue``."""
    return _listed(user, projects=project)


def reply_attachment(user, pk):
    """The reply's attachment ``pk`` if ``user`` sees its task (None otherwise)."""
    return ReplyAttachment.objects.filter(pk=pk, reply__task__in=Task.objects.visible_to(user).values("pk")).first()


def problem_tasks(user, problem):
    """The tasks ``problem`` was escalated into that ``user`` sees, open ones first, with ``is_overdue``."""
    return _listed(user, problem=problem)
