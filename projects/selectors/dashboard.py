"""The district overview and the leaders' view: every figure an aggregate query, in 万元."""

from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.db.models.lookups import LessThan
from django.utils import timezone

from projects.choices import Batch, Category, ProblemStatus, ProjectStatus
from projects.freshness import cached_figure
from projects.models import Assignment, Listing, ListingCumulative, Problem, overdue_condition
from projects.scoping import scope_description
from projects.selectors.figures import (
    AMOUNT,
    HUNDREDTH,
    ZERO,
    counted_reports,
    investment_summary,
    percent_of,
    summary_of,
    with_cumulative,
)
from projects.selectors.problems import problem_figures
from projects.selectors.reporting import reporting_period

GREEN, YELLOW, RED = "green", "yellow", "red"
NOT_REPORTED_YET = "none"  # a year without any submitted report: no warning can be judged yet
WARNING_LABELS = {GREEN: "正常", YELLOW: "滞后", RED: "严重滞后", NOT_REPORTED_YET: "尚未填报"}
WARNINGS_SHOWN = 20  # the overview lists the most urgent; the project list holds them all
WARNING_CHOICES = [(GREEN, "绿灯（正常）"), (YELLOW, "黄灯（滞后）"), (RED, "红灯（严重滞后）")]


def latest_reported_period():
    """(year, month) of the latest submitted report; the reporting month when there is none."""
    return cached_figure("latest-period", _latest_reported_period, timezone.localdate())


def _latest_reported_period():
    newest = Listing.objects.order_by()
    year = newest.aggregate(year=Max("year"))["year"]
    while year is not None:
        month = _latest_reported_month(year)
        if month is not None:
            return year, month
        year = newest.filter(year__lt=year).aggregate(year=Max("year"))["year"]
    return reporting_period()


def latest_reported_month(year):
    """The latest month of ``year`` with a submitted report, or None."""
    return cached_figure("latest-month", lambda: _latest_reported_month(year), year)


def _latest_reported_month(year):
    # One row of the year carries a CASE whose EXISTS probes run from December back and stop at the
    # first month with a submitted report. Each probe walks the year's listings through the
    # (listing, month) index: never a sort or a scan of every report, on SQLite and PostgreSQL alike.
    in_year = counted_reports().filter(listing__year=year)
    months = Case(*(When(Exists(in_year.filter(month=m)), then=Value(m)) for m in range(12, 0, -1)))
    found = Listing.objects.order_by().filter(year=year).annotate(month=months).values_list("month", flat=True)[:1]
    return next(iter(found), None)


def figures_month(year):
    """(month, reported): the month ``year``'s figures are shown at when none is asked for, and
    whether the year has any submitted report. That is its latest reported month; for a year not
    yet reported, the current reporting month when it is in that year (never a month still to
    come), December for a past year and January for a year ahead."""
    month = latest_reported_month(year)
    if month is not None:
        return month, True
    reporting_year, reporting_month = reporting_period()
    if year == reporting_year:
        return reporting_month, False
    return (12 if year < reporting_year else 1), False


def _behind(month, points):
    """More than ``points`` behind the time schedule at the end of ``month``, without dividing:
    cumulative / plan × 100 < month / 12 × 100 − points  ⇔  cumulative × 1200 < plan × (100·month − 12·points)."""
    return Q(annual_plan__gt=0) & Q(
        LessThan(
            F("cumulative") * Value(Decimal(1200)),
            F("annual_plan") * Value(Decimal(100 * month) - Decimal(12) * points),
        )
    )


# For ordering only (never shown): a float, so SQLite does not divide integers as integers.
PERCENT_SORT = Cast("cumulative", FloatField()) * 100 / NullIf(Cast("annual_plan", FloatField()), 0.0)


def with_figures(listings, *, month, reported=True):
    """Annotate listings with ``cumulative`` (counted investment, months 1..month), ``warning``
    (green / yellow / red), ``warning_rank`` (2 red … 0 green) and ``percent_sort``.

    ``reported`` False (a year nobody has reported on yet) gives every listing the warning 尚未填报
    instead of red: its zeros are not yet figures."""
    if not reported:
        return with_cumulative(listings, month=month).annotate(
            warning=Value(NOT_REPORTED_YET), warning_rank=Value(0), percent_sort=PERCENT_SORT
        )
    not_started = Q(
        category=Category.NEW_START,
        planned_start_month__isnull=False,
        planned_start_month__lte=month,
        cumulative=0,
    )
    red = not_started | _behind(month, settings.KP_WARNING_RED_POINTS)
    yellow = _behind(month, settings.KP_WARNING_YELLOW_POINTS)
    return with_cumulative(listings, month=month).annotate(
        warning=Case(When(red, then=Value(RED)), When(yellow, then=Value(YELLOW)), default=Value(GREEN)),
        warning_rank=Case(When(red, then=Value(2)), When(yellow, then=Value(1)), default=Value(0)),
        percent_sort=PERCENT_SORT,
    )


@dataclass(frozen=True)
class Breakdown:
    key: object
    label: str
    listings: int
    annual_plan: Decimal
    cumulative: Decimal
    lagging: int

    @property
    def percent(self):
        return percent_of(self.cumulative, self.annual_plan)


@dataclass(frozen=True)
class Rate:
    planned: int
    done: int

    @property
    def percent(self):
        return percent_of(self.done, self.planned)


@dataclass(frozen=True)
class MonthPoint:
    month: int
    investment: Decimal
    cumulative: Decimal
    planned: Decimal  # the time-proportional plan at the end of the month


@dataclass
class Overview:
    year: int
    month: int
    level: str
    summary: object
    by_category: list
    by_batch: list
    by_street: list
    by_unit: list
    monthly: list
    warning_counts: dict
    warnings: list  # the most urgent lagging listings the user may see, at most WARNINGS_SHOWN
    warnings_total: int  # all lagging listings the user may see
    problems: dict
    start_rate: Rate
    completion_rate: Rate
    reported: bool  # whether the year has any submitted report (else no warning is judged)
    coverage: str  # for a user who sees part of the district: which part ("" for all of it)
    own_summary: object  # that part's summary, the same figures as its progress table; None for all

    @property
    def streets_by_percent(self):
        return _ranked(self.by_street, by_percent=True)

    @property
    def streets_by_amount(self):
        return _ranked(self.by_street, by_percent=False)

    @property
    def units_by_percent(self):
        return _ranked(self.by_unit, by_percent=True)

    @property
    def units_by_amount(self):
        return _ranked(self.by_unit, by_percent=False)


def _ranked(rows, *, by_percent):
    """比投资进度 / 比投资完成额: rows ordered best first (rows without a plan last)."""
    if by_percent:
        return sorted(rows, key=lambda r: (r.percent is None, -(r.percent or 0), str(r.label)))
    return sorted(rows, key=lambda r: (-r.cumulative, str(r.label)))


def monthly_series(listings, *, month):
    """Investment per month (counted reports), its running total, and the planned line."""
    totals = listings.aggregate(
        plan=Coalesce(Sum("annual_plan"), Value(ZERO), output_field=AMOUNT),
        **{f"m{m}": Sum(f"cumulative_row__{ListingCumulative.field_for(m)}") for m in range(1, month + 1)},
    )
    plan = totals["plan"]
    running_total = {m: totals[f"m{m}"] or ZERO for m in range(1, month + 1)}
    per_month = {m: running_total[m] - running_total.get(m - 1, ZERO) for m in range(1, month + 1)}
    points, running = [], ZERO
    for m in range(1, 13):
        investment = (per_month.get(m) or ZERO).quantize(HUNDREDTH) if m <= month else None
        if investment is not None:
            running += investment
        points.append(
            MonthPoint(
                month=m,
                investment=investment,
                cumulative=running if m <= month else None,
                planned=(plan * m / 12).quantize(HUNDREDTH),
            )
        )
    return points


GROUP_KEYS = ("category", "batch", "project__street", "project__street__name", "project__unit", "project__unit__name")


def _figure_groups(figured, month):
    """One aggregate query over the listings, grouped by everything the overview breaks down by.

    Each listing's cumulative is a correlated subquery; computed in one GROUP BY instead of once
    per breakdown, the overview reads the listings once. The groups (a few hundred at most, not
    one per listing) are then summed per breakdown."""
    started = Case(When(cumulative__gt=0, then=Value(1)), default=Value(0))
    planned_by_month = Case(
        When(Q(planned_start_month__isnull=True) | Q(planned_start_month__lte=month), then=Value(1)), default=Value(0)
    )
    finished = Case(
        When(project__status__in=[ProjectStatus.COMPLETED, ProjectStatus.COMMISSIONED], then=Value(1)), default=Value(0)
    )
    return list(
        figured.order_by()
        .annotate(started=started, planned_by_month=planned_by_month, finished=finished)
        .values(*GROUP_KEYS, "warning", "started", "planned_by_month", "finished")
        .annotate(
            n=Count("id"),
            plan=Coalesce(Sum("annual_plan"), Value(ZERO), output_field=AMOUNT),
            done=Coalesce(Sum("cumulative"), Value(ZERO), output_field=AMOUNT),
        )
    )


def _summary_from(groups, month):
    return summary_of(
        count=sum(g["n"] for g in groups),
        annual_plan=sum((g["plan"] for g in groups), ZERO),
        cumulative=sum((g["done"] for g in groups), ZERO),
        month=month,
    )


def _breakdown_from(groups, key, label_key=None, labels=None):
    rows = OrderedDict()
    for group in sorted(groups, key=lambda g: (g[key] is None, g[key] if g[key] is not None else 0)):
        row = rows.setdefault(group[key], [0, ZERO, ZERO, 0, group[label_key] if label_key else None])
        row[0] += group["n"]
        row[1] += group["plan"]
        row[2] += group["done"]
        row[3] += group["n"] if group["warning"] in (YELLOW, RED) else 0
    return [
        Breakdown(
            key=value,
            label=(label if label_key else (labels or {}).get(value, value)) or "未指定",
            listings=n,
            annual_plan=plan.quantize(HUNDREDTH),
            cumulative=done.quantize(HUNDREDTH),
            lagging=lagging,
        )
        for value, (n, plan, done, lagging, label) in rows.items()
    ]


def overview(*, user, year, month, level):
    """Everything the district overview shows for one year, month and level.

    Totals are district-wide for every role; the list of lagging projects holds only those the
    user may see, the most urgent first (red, then the furthest behind). The overview page keeps
    what it renders from this until the data changes (projects.freshness).
    """
    listings = Listing.objects.filter(year=year, level=level)
    reported = latest_reported_month(year) is not None
    figured = with_figures(listings, month=month, reported=reported)
    groups = _figure_groups(figured, month)
    coverage = scope_description(user)
    new_starts = [g for g in groups if g["category"] == Category.NEW_START]
    completions = [g for g in groups if g["category"] == Category.COMPLETION]
    year_projects = Listing.objects.filter(year=year).values("project_id")
    lagging = (
        figured.visible_to(user)
        .filter(warning__in=[RED, YELLOW])
        .order_by("-warning_rank", "percent_sort", "project__name")
    )
    return Overview(
        year=year,
        month=month,
        level=level,
        summary=_summary_from(groups, month),
        by_category=_breakdown_from(groups, "category", labels=dict(Category.choices)),
        by_batch=_breakdown_from(groups, "batch", labels=dict(Batch.choices)),
        by_street=_breakdown_from(groups, "project__street", "project__street__name"),
        by_unit=_breakdown_from(groups, "project__unit", "project__unit__name"),
        monthly=monthly_series(listings, month=month),
        warning_counts={key: sum(g["n"] for g in groups if g["warning"] == key) for key in (GREEN, YELLOW, RED)},
        warnings=list(lagging.select_related("project__street", "project__unit")[:WARNINGS_SHOWN]),
        warnings_total=lagging.count(),
        problems=problem_figures(Problem.objects.filter(project_id__in=year_projects)),
        start_rate=Rate(
            planned=sum(g["n"] for g in new_starts if g["planned_by_month"]),
            done=sum(g["n"] for g in new_starts if g["started"]),
        ),
        completion_rate=Rate(
            planned=sum(g["n"] for g in completions), done=sum(g["n"] for g in completions if g["finished"])
        ),
        reported=reported,
        coverage=coverage,
        own_summary=investment_summary(listings=listings.visible_to(user), month=month) if coverage else None,
    )


def leader_projects(*, user, year, month):
    """我联系的项目: the year's listings of the projects a leader follows, most urgent first."""
    problems = Problem.objects.filter(project=OuterRef("project_id")).exclude(status=ProblemStatus.RESOLVED)
    reported = counted_reports().filter(listing=OuterRef("pk"), month__lte=month)
    return (
        with_figures(
            Listing.objects.visible_to(user).filter(year=year),
            month=month,
            reported=latest_reported_month(year) is not None,
        )
        .select_related("project__street", "project__unit")
        .annotate(
            open_problems=correlated_count(problems, "project"),
            overdue_problems=correlated_count(
                Problem.objects.filter(overdue_condition(), project=OuterRef("project_id")), "project"
            ),
            reported_months=correlated_count(reported, "listing"),
        )
        .annotate(unreported_months=Value(month) - F("reported_months"))
        .order_by("-warning_rank", "-overdue_problems", "-open_problems", "-unreported_months", "percent_sort")
    )


def correlated_count(queryset, group):
    """A correlated COUNT(*) of ``queryset``, grouped on the column it is correlated by."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


CATEGORY_ORDER = Case(
    When(category=Category.COMPLETION, then=Value(0)),
    When(category=Category.CONTINUING, then=Value(1)),
    default=Value(2),
)


class ProgressRow(NamedTuple):
    """One project line of the progress table, read as plain values (no model instances)."""

    category: str
    name: str
    owner: str
    content: str
    total_investment: Decimal
    annual_plan: Decimal
    cumulative: Decimal
    progress_text: str | None
    problems: str  # the unresolved problems, oldest first, joined with "；"
    leaders: str  # the active contact leaders, joined with "、"
    unit: str


PROGRESS_FIELDS = (
    "category",
    "project__name",
    "project__owner",
    "project__content",
    "project__total_investment",
    "annual_plan",
    "cumulative",
    "progress_text",
    "project__unit__name",
    "project_id",
)


@dataclass
class ProgressTable:
    """The monthly progress table (项目进展表): its rows, the subtotal per category and the total,
    over the listings the user may see — for an admin, the same figures as the overview."""

    year: int
    month: int
    level: str
    coverage: str  # the part of the district the table holds ("" for all of it), for its title
    listings: object  # listings annotated for the table, ordered by category then name
    by_category: list
    summary: object

    def rows(self, chunk_size=2000):
        """The table's lines in order, streamed: the listings through one cursor, after one query
        for all their projects' open problems and one for their leaders (a few MB of text even
        for tens of thousands of projects)."""
        projects = self.listings.order_by().values("project_id")
        problems, leaders = defaultdict(list), defaultdict(list)
        for project_id, description in (
            Problem.objects.filter(project_id__in=projects)
            .exclude(status=ProblemStatus.RESOLVED)
            .order_by("project_id", "raised_on", "id")
            .values_list("project_id", "description")
            .iterator(chunk_size=chunk_size)
        ):
            problems[project_id].append(description)
        for project_id, leader in (
            Assignment.objects.filter(project_id__in=projects, active=True)
            .order_by("project_id", "leader__body", "leader__sort_order", "leader__name")
            .values_list("project_id", "leader__name")
            .iterator(chunk_size=chunk_size)
        ):
            leaders[project_id].append(leader)
        for *fields, unit, project_id in self.listings.values_list(*PROGRESS_FIELDS).iterator(chunk_size=chunk_size):
            yield ProgressRow(*fields, "；".join(problems[project_id]), "、".join(leaders[project_id]), unit or "")


def progress_table(*, user, year, month, level, street=None, unit=None):
    listings = Listing.objects.visible_to(user).filter(year=year, level=level)
    if street is not None:
        listings = listings.filter(project__street=street)
    if unit is not None:
        listings = listings.filter(project__unit=unit)
    # 形象进度 as last submitted: a draft or returned report is not what the office reports upward.
    latest_progress = (
        counted_reports().filter(listing=OuterRef("pk"), month__lte=month).exclude(progress="").order_by("-month")
    )
    rows = (
        with_cumulative(listings, month=month)
        .annotate(progress_text=Subquery(latest_progress.values("progress")[:1]), category_order=CATEGORY_ORDER)
        .order_by("category_order", "batch", "project__name", "pk")
    )
    groups = _figure_groups(with_figures(listings, month=month), month)
    return ProgressTable(
        year=year,
        month=month,
        level=level,
        # A chosen street or unit is what the table holds (within the user's scope); else the scope.
        coverage="、".join(part.name for part in (street, unit) if part) or scope_description(user),
        listings=rows,
        by_category=_breakdown_from(groups, "category", labels=dict(Category.choices)),
        summary=_summary_from(groups, month),
    )
