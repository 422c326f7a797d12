"""The problem ledger: the list in scope and its figures."""

import datetime

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)

from projects.choices import ProblemStatus
from projects.models import (
    Assignment,
    Instruction,
    Problem,
    overdue_condition,
)
from projects.periods import Period


def problem_list(*, user):
    return (
        Problem.objects.visible_to(user)
        .with_overdue()
        .select_related("project__district", "project__street", "unit")
        .annotate(instruction_count=Count("instructions"))
        .order_by("-raised_on", "-id")
    )


def problem_figures(problems):
    """Found, resolved, waiting for 销号, being coordinated, open and overdue, in one aggregate query.
    Resolved is what the office has confirmed (销号); a street's "已解决" waits as 待销号."""
    return problems.order_by().aggregate(
        found=Count("id"),
        resolved=Count("id", filter=Q(status=ProblemStatus.RESOLVED)),
        pending_close=Count("id", filter=Q(status=ProblemStatus.PENDING_CLOSE)),
        coordinating=Count("id", filter=Q(status=ProblemStatus.COORDINATING)),
        open=Count("id", filter=Q(status=ProblemStatus.OPEN)),
        overdue=Count("id", filter=overdue_condition()),
    )


def problem_ledger(problems, *, period):
    """The ledger filed for ``period`` (a year's months 1..m) from ``problems`` (the filtered list):
    the problems found from January to the end of the month, and those found before the year that
    were still unresolved (not yet 销号) when it began. Each row carries the project's active 联系领导
    (``active_assignments``) and the latest 督办意见 (``latest_instruction``), by project."""
    year_start = datetime.date(period.year, 1, 1)
    latest = Instruction.objects.filter(problem=OuterRef("pk")).order_by("-created_at", "-id").values("text")[:1]
    return (
        problems.filter(raised_on__lte=Period(*period).last_day)
        .filter(
            Q(raised_on__gte=year_start)
            | ~Q(status=ProblemStatus.RESOLVED)
            | Q(confirmed_on__gte=year_start)
            | Q(confirmed_on__isnull=True, resolved_on__gte=year_start)  # resolved before 销号 was recorded
        )
        .select_related("project__street", "unit")
        .annotate(latest_instruction=Subquery(latest))
        .prefetch_related(
            Prefetch(
                "project__assignments",
                queryset=Assignment.objects.filter(active=True).select_related("leader").order_by("since", "id"),
                to_attr="active_assignments",
            )
        )
        .order_by("project__name", "raised_on", "id")
    )
