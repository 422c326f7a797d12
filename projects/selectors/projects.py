"""The project list and the parts of a project's page."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Sum,
    Value,
    When,
    Window,
)

from projects.choices import ProblemStatus, ReportStatus
from projects.models import (
    Assignment,
    Instruction,
    Listing,
    ListingCumulative,
    MonthlyReport,
    Problem,
)
from projects.selectors.figures import ZERO, correlated_count, percent_of, series_of, with_figures
from projects.selectors.reporting import figures_period, year_reported


def listing_rows(*, user, month, reported=True):
    """The project list's rows: the listings the user may see, with their figures at ``month``
    (warnings judged only when ``reported``: see with_figures), the open-problem count and the
    active leaders, in a fixed number of queries."""
    unresolved = Problem.objects.filter(project=OuterRef("project_id")).exclude(status=ProblemStatus.RESOLVED)
    return (
        _with_places(with_figures(Listing.objects.visible_to(user), month=month, reported=reported))
        .annotate(open_problems=correlated_count(unresolved, "project"))
        .order_by("-year", "level", "category", "project__name")
    )


def _with_places(listings):
    return listings.select_related("project__district", "project__street", "project__unit").prefetch_related(
        Prefetch(
            "project__assignments",
            queryset=Assignment.objects.filter(active=True).select_related("leader"),
            to_attr="active_assignments",
        )
    )


# What listing_rows computes per row, carried from the page's first query to its listings.
ROW_FIGURES = ("cumulative", "warning", "warning_rank", "percent_sort", "open_problems")


def listing_page(rows, *, start, size):
    """(listings, count): rows[start:start + size] of listing_rows (filtered and ordered) as
    listing_rows gives them, and how many rows there are in all (None when the slice is empty).

    Two queries, not one: the filtered, ordered rows are read as ids with their figures and the
    count (a window), then the page's listings with their places by id. PostgreSQL takes three
    times longer to plan the list's joins together with its warning filter than to run them.
    """
    total = Window(Count("pk"))
    page = list(rows.select_related(None).prefetch_related(None).annotate(total=total)
                .values("pk", "total", *ROW_FIGURES)[start : start + size])  # fmt: skip
    if not page:
        return [], None
    listings = _with_places(Listing.objects.filter(pk__in=[row["pk"] for row in page])).in_bulk()
    result = []
    for row in page:
        listing = listings.get(row["pk"])
        if listing is None:  # deleted between the two queries: the page shows one row fewer
            continue
        for name in ROW_FIGURES:
            setattr(listing, name, row[name])
        result.append(listing)
    return result, page[0]["total"]


@dataclass(frozen=True)
class ListingFigures:
    listing: object  # annotated with cumulative and warning at ``month``
    month: int
    series: list  # MonthPoint per month (the page draws them as a chart)

    @property
    def percent(self):
        return percent_of(self.listing.cumulative, self.listing.annual_plan)


def project_listing_figures(*, project):
    """For each of the project's listings, latest year first: plan vs actual per month and the
    warning, at the month that listing's year stands in the project's district
    (selectors.reporting.figures_period). One query for the years, then one per year: a listing's
    month-end totals are read with its figures (_series_of_row)."""
    result = []
    district = project.district_id
    years = project.listings.order_by("-year").values_list("year", flat=True).distinct()
    for year in list(years):
        month = figures_period(year, region=district).month
        listings = with_figures(
            project.listings.filter(year=year), month=month, reported=year_reported(year, region=district)
        )
        for listing in _with_month_ends(listings, month=month).order_by("level"):
            result.append(ListingFigures(listing=listing, month=month, series=_series_of_row(listing, month=month)))
    return result


def _with_month_ends(listings, *, month):
    """Listings annotated with their month-end cumulatives, January to ``month``, as month_end_<m>."""
    return listings.annotate(
        **{f"month_end_{m}": F(f"cumulative_row__{ListingCumulative.field_for(m)}") for m in range(1, month + 1)}
    )


def _series_of_row(listing, *, month):
    """figures.monthly_series of one listing, from _with_month_ends' columns."""
    running_total = {m: getattr(listing, f"month_end_{m}") or ZERO for m in range(1, month + 1)}
    return series_of(listing.annual_plan, running_total, month)


def leader_assignments(*, user):
    """Active 四个一 assignments in the user's scope, leader by leader in the bodies' order."""
    return (
        Assignment.objects.visible_to(user)
        .filter(active=True)
        .select_related("leader", "project")
        .order_by("leader__body", "leader__sort_order", "leader__name", "project__name")
    )


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
