"""The problem ledger: the list in scope and its figures."""

from django.db.models import (
    Count,
    Q,
)

from projects.choices import ProblemStatus
from projects.models import (
    Problem,
    overdue_condition,
)


def problem_list(*, user):
    return (
        Problem.objects.visible_to(user)
        .with_overdue()
        .select_related("project__district", "project__street", "unit")
        .annotate(instruction_count=Count("instructions"))
        .order_by("-raised_on", "-id")
    )


def problem_figures(problems):
    """Found, resolved, being coordinated, open and overdue, in one aggregate query."""
    return problems.order_by().aggregate(
        found=Count("id"),
        resolved=Count("id", filter=Q(status=ProblemStatus.RESOLVED)),
        coordinating=Count("id", filter=Q(status=ProblemStatus.COORDINATING)),
        open=Count("id", filter=Q(status=ProblemStatus.OPEN)),
        overdue=Count("id", filter=overdue_condition()),
    )
