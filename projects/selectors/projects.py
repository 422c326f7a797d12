"""The project list and the parts of a project's page."""

from django.db.models import (
    Case,
    DecimalField,
    F,
    Prefetch,
    Sum,
    Value,
    When,
    Window,
)

from projects.choices import ReportStatus
from projects.models import (
    Instruction,
    MonthlyReport,
    Problem,
    Project,
)
from projects.selectors.figures import ZERO


def project_list(*, user):
    """The projects the user may see, with what a list row shows."""
    return Project.objects.visible_to(user).select_related("street", "unit").order_by("name")


def project_reports(*, project):
    """The project's monthly reports with the year-to-date cumulative of counted reports."""
    counted = Case(When(status=ReportStatus.SUBMITTED, then=F("investment")), default=Value(ZERO))
    return (
        MonthlyReport.objects.filter(listing__project=project)
        .select_related("listing", "reported_by")
        .annotate(
            cumulative=Window(
                Sum(counted, output_field=DecimalField(max_digits=14, decimal_places=2)),
                partition_by=[F("listing")],
                order_by=F("month").asc(),
            )
        )
        .order_by("-listing__year", "listing__level", "month")
    )


def project_problems(*, project, user):
    """The project's problems, each with its instructions, and whether the user may add one."""
    problems = (
        Problem.objects.visible_to(user)
        .filter(project=project)
        .with_overdue()
        .select_related("unit")
        .prefetch_related(Prefetch("instructions", queryset=Instruction.objects.select_related("author")))
    )
    instructable = set(Problem.objects.instructable_by(user).filter(project=project).values_list("pk", flat=True))
    for problem in problems:
        problem.can_instruct = problem.pk in instructable
    return problems
