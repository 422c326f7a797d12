"""Reads of dispatch meetings (调度会议), in the user's scope (Meeting.objects.visible_to): the list's
rows and one meeting's page."""

from django.db.models import Count, Q

from dispatch.models import Meeting, Task
from projects.models import Project


def meeting_rows(user):
    """The meetings ``user`` sees, newest first, each with ``task_total``: its tasks ``user`` sees."""
    seen_tasks = Task.objects.visible_to(user).values("pk")
    return (
        Meeting.objects.filter(pk__in=Meeting.objects.visible_to(user).values("pk"))
        .select_related("chair", "district")
        .annotate(task_total=Count("tasks", filter=Q(tasks__in=seen_tasks), distinct=True))
        .order_by("-date", "-pk")
    )


def meeting_page(user, pk):
    """The meeting ``pk`` if ``user`` sees it, else None."""
    return (
        Meeting.objects.filter(pk__in=Meeting.objects.visible_to(user).values("pk"))
        .select_related("chair", "district", "created_by")
        .filter(pk=pk)
        .first()
    )


def meeting_projects_seen(user, meeting):
    """(the meeting's projects ``user`` sees, how many others it discussed)."""
    named = meeting.projects.all()
    seen = list(named.filter(pk__in=Project.objects.visible_to(user).values("pk")).order_by("name"))
    return seen, named.count() - len(seen)


def meeting_tasks(user, meeting):
    """The tasks assigned at ``meeting`` that ``user`` sees, with ``is_overdue``."""
    return (
        Task.objects.visible_to(user)
        .filter(meeting=meeting)
        .with_overdue()
        .select_related("owner")
        .order_by("deadline", "pk")
    )
