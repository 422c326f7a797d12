"""Figures every page shares: what counts as reported, percentages, investment totals, each
listing's cumulative and warning light, and the grouped aggregates the overview and the progress
table are summed from."""

from collections import OrderedDict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.db.models.lookups import LessThan

from projects.choices import Category, ProjectStatus, RegionKind, WarningLight
from projects.models import COUNTED_REPORT, Listing, ListingCumulative, MonthlyReport
from projects.scoping import in_region

ZERO = Decimal("0.00")
HUNDREDTH = Decimal("0.01")


def percent_of(part, whole):
    """part ÷ whole as a percentage rounded half-up to two places; None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def schedule_percent(month):
    """The time-proportional schedule (时序进度): by the end of month m, m/12 of the year."""
    return percent_of(month, 12)


def counted_reports():
    """Monthly reports that count in official figures: submitted ones only, never drafts."""
    return MonthlyReport.objects.filter(COUNTED_REPORT)


AMOUNT_FIELD = DecimalField(max_digits=16, decimal_places=2)  # a sum of amounts, in SQL


def with_cumulative(listings, *, month):
    """Annotate listings with ``cumulative``: counted investment from January to the end of
    ``month``, read from the listing's row of month-end totals (one join, no sum over reports)."""
    column = f"cumulative_row__{ListingCumulative.field_for(month)}"
    return listings.annotate(cumulative=Coalesce(F(column), Value(ZERO), output_field=AMOUNT_FIELD))


def listings_for(*, year, level=None, region=None):
    """A year's listings (of one level), under ``region`` (all of them for None)."""
    queryset = Listing.objects.filter(in_region(region, "project__"), year=year)
    if level is not None:
        queryset = queryset.filter(level=level)
    return queryset


@dataclass(frozen=True)
class InvestmentSummary:
    listings: int
    annual_plan: Decimal
    cumulative: Decimal
    percent: Decimal | None
    schedule: Decimal


def investment_summary(*, listings, month):
    """Plan, investment to the end of ``month`` and both percentages over a listing queryset."""
    totals = with_cumulative(listings, month=month).aggregate(
        count=Count("id"),
        plan=Coalesce(Sum("annual_plan"), ZERO, output_field=AMOUNT_FIELD),
        done=Coalesce(Sum("cumulative"), ZERO, output_field=AMOUNT_FIELD),
    )
    return summary_of(count=totals["count"], annual_plan=totals["plan"], cumulative=totals["done"], month=month)


def summary_of(*, count, annual_plan, cumulative, month):
    """The summary of ``count`` listings with these totals (summed in SQL or from groups)."""
    # SQLite and PostgreSQL return sums at different scales; quantizing makes them identical.
    annual_plan = annual_plan.quantize(HUNDREDTH)
    cumulative = cumulative.quantize(HUNDREDTH)
    return InvestmentSummary(
        listings=count,
        annual_plan=annual_plan,
        cumulative=cumulative,
        percent=percent_of(cumulative, annual_plan),
        schedule=schedule_percent(month),
    )


def _behind(month, points):
    """More than ``points`` behind the time schedule at the end of ``month``, without dividing:
    cumulative / plan × 100 < month / 12 × 100 − points  ⇔  cumulative × 1200 < plan × (100·month − 12·points)."""
    return Q(annual_plan__gt=0) & Q(
        LessThan(
            F("cumulative") * Value(Decimal(1200)),
            F("annual_plan") * Value(Decimal(100 * month) - Decimal(12) * points),
        )
    )


def _not_started(month):
    """A new start due to have started by the end of ``month`` with nothing invested yet (red)."""
    return Q(
        category=Category.NEW_START, planned_start_month__isnull=False, planned_start_month__lte=month, cumulative=0
    )


def lagging_condition(month):
    """Yellow or red at the end of ``month`` (over listings annotated with ``cumulative``), without
    the warning's CASE: not started, or behind by the smaller of the two lights' points."""
    points = min(settings.KP_WARNING_YELLOW_POINTS, settings.KP_WARNING_RED_POINTS)
    return _not_started(month) | _behind(month, points)


# For ordering only (never shown): a float, so SQLite does not divide integers as integers.
PERCENT_SORT = Cast("cumulative", FloatField()) * 100 / NullIf(Cast("annual_plan", FloatField()), 0.0)


def with_figures(listings, *, month, reported=True):
    """Annotate listings with ``cumulative`` (counted investment, months 1..month), ``warning``
    (green / yellow / red), ``warning_rank`` (2 red … 0 green) and ``percent_sort``.

    ``reported`` False (a year nobody has reported on yet) gives every listing the warning 尚未填报
    instead of red: its zeros are not yet figures."""
    if not reported:
        return with_cumulative(listings, month=month).annotate(
            warning=Value(WarningLight.NOT_JUDGED), warning_rank=Value(0), percent_sort=PERCENT_SORT
        )
    red = _not_started(month) | _behind(month, settings.KP_WARNING_RED_POINTS)
    yellow = _behind(month, settings.KP_WARNING_YELLOW_POINTS)
    return with_cumulative(listings, month=month).annotate(
        warning=Case(
            When(red, then=Value(WarningLight.RED)),
            When(yellow, then=Value(WarningLight.YELLOW)),
            default=Value(WarningLight.GREEN),
        ),
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


def _month_sums(month):
    """The sums of the listings' month-end cumulatives, January to ``month``, as m1 … m<month>."""
    return {f"m{m}": Sum(f"cumulative_row__{ListingCumulative.field_for(m)}") for m in range(1, month + 1)}


def monthly_series(listings, *, month):
    """Investment per month (counted reports), its running total, and the planned line."""
    totals = listings.aggregate(
        plan=Coalesce(Sum("annual_plan"), Value(ZERO), output_field=AMOUNT_FIELD), **_month_sums(month)
    )
    return series_of(totals["plan"], {m: totals[f"m{m}"] or ZERO for m in range(1, month + 1)}, month)


def monthly_series_from(groups, month):
    """monthly_series from figure_groups(..., months=True): the groups' sums summed."""
    running_total = {m: sum((g[f"m{m}"] or ZERO for g in groups), ZERO) for m in range(1, month + 1)}
    return series_of(sum((g["plan"] for g in groups), ZERO), running_total, month)


def series_of(plan, running_total, month):
    """The twelve MonthPoints from the plan and the running totals at each month's end."""
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


LAGGING = (WarningLight.YELLOW, WarningLight.RED)
# What a district's figures break down by: its streets and its units.
PLACE_KEYS = ("project__street", "project__street__name", "project__unit", "project__unit__name")
# The node one tier below the node whose figures these are (projects.selectors.figures.child_node).
CHILD_KEYS = ("child", "child_name")


def child_node(region):
    """The node one tier below ``region`` that a listing's project lies in, as two SQL expressions
    (its code, its name): a city's district, a province's city and, for the operator's view of an
    installation with several tops (None), the top of the project's tree (at most three tiers up).
    None at a district, whose figures break down by street and unit instead."""
    district, city, province = "project__district", "project__district__parent", "project__district__parent__parent"
    if region is None:
        return (
            Coalesce(f"{province}__code", f"{city}__code", f"{district}__code"),
            Coalesce(f"{province}__name", f"{city}__name", f"{district}__name"),
        )
    if region.kind == RegionKind.CITY:
        return F(f"{district}__code"), F(f"{district}__name")
    if region.kind == RegionKind.PROVINCE:
        return F(f"{city}__code"), F(f"{city}__name")
    return None


def figure_groups(figured, month, *, places=PLACE_KEYS, child=None, months=False):
    """One aggregate query over the listings, grouped by everything the page breaks down by:
    category, batch, warning, the start and completion flags, ``places`` (grouping keys such as a
    district's streets and units) and ``child`` (child_node: the code and name of the node one tier
    down, as "child" and "child_name"). ``months``: each group's sums of the month-end cumulatives too
    (m1 … m<month>, for monthly_series_from), in the same pass.

    Each listing's cumulative is a correlated subquery; computed in one GROUP BY instead of once
    per breakdown, the page reads the listings once. The groups (a few hundred per district or
    child node, never one per listing) are then summed per breakdown."""
    started = Case(When(cumulative__gt=0, then=Value(1)), default=Value(0))
    planned_by_month = Case(
        When(Q(planned_start_month__isnull=True) | Q(planned_start_month__lte=month), then=Value(1)), default=Value(0)
    )
    finished = Case(
        When(project__status__in=[ProjectStatus.COMPLETED, ProjectStatus.COMMISSIONED], then=Value(1)), default=Value(0)
    )
    keys = ["category", "batch", *places]
    figured = figured.order_by().annotate(started=started, planned_by_month=planned_by_month, finished=finished)
    if child is not None:
        figured = figured.annotate(**dict(zip(CHILD_KEYS, child, strict=True)))
        keys += CHILD_KEYS
    return list(
        figured.values(*keys, "warning", "started", "planned_by_month", "finished").annotate(
            n=Count("id"),
            plan=Coalesce(Sum("annual_plan"), Value(ZERO), output_field=AMOUNT_FIELD),
            done=Coalesce(Sum("cumulative"), Value(ZERO), output_field=AMOUNT_FIELD),
            **(_month_sums(month) if months else {}),
        )
    )


def summary_from(groups, month):
    return summary_of(
        count=sum(g["n"] for g in groups),
        annual_plan=sum((g["plan"] for g in groups), ZERO),
        cumulative=sum((g["done"] for g in groups), ZERO),
        month=month,
    )


def breakdown_from(groups, key, label_key=None, labels=None):
    rows = OrderedDict()
    for group in sorted(groups, key=lambda g: (g[key] is None, g[key] if g[key] is not None else 0)):
        row = rows.setdefault(group[key], [0, ZERO, ZERO, 0, group[label_key] if label_key else None])
        row[0] += group["n"]
        row[1] += group["plan"]
        row[2] += group["done"]
        row[3] += group["n"] if group["warning"] in LAGGING else 0
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


def listed_in(listings, field="project_id"):
    """A filter over rows whose project (``field``) is on one of ``listings``: a correlated EXISTS
    that starts from the rows (a year's problems, fundings, approval items) and probes the
    listings' (project, year, level) index. `project_id__in=listings` made SQLite list every
    listing of the year first, as many as 50,000, for a table of a few hundred rows."""
    return Exists(listings.filter(project_id=OuterRef(field)))


def correlated_count(queryset, group):
    """A correlated COUNT(*) of ``queryset``, grouped on the column it is correlated by."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
