"""Monthly reporting: the reporting month, a reporter's sheet, the unreported list, a report's figures."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.choices import ReportStatus
from projects.models import (
    ClosedMonth,
    Listing,
    MonthlyReport,
)
from projects.selectors.figures import HUNDREDTH, ZERO, counted_reports, percent_of, schedule_percent

NOT_REPORTED = "missing"
REPORT_STATE_LABELS = {NOT_REPORTED: "未填报", **dict(ReportStatus.choices)}


def reporting_period(*, today=None):
    """The month staff report now: the one after the latest closed month, else the latest month
    with any report, never later than the month before today."""
    today = today or timezone.localdate()
    ceiling = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    closed = ClosedMonth.objects.order_by("-year", "-month").values_list("year", "month").first()
    if closed:
        year, month = closed
        candidate = (year, month + 1) if month < 12 else (year + 1, 1)
    else:
        latest = (
            MonthlyReport.objects.order_by("-listing__year", "-month").values_list("listing__year", "month").first()
        )
        candidate = latest or ceiling
    return min(candidate, ceiling)


def report_sheet(*, user, year, month):
    """The year's listings the user reports for, each annotated with its report for ``month``."""
    reports = MonthlyReport.objects.filter(listing=OuterRef("pk"), month=month)
    return (
        Listing.objects.kept_by(user)
        .filter(year=year)
        .select_related("project__street", "project__unit")
        .annotate(
            report_id=Subquery(reports.values("pk")[:1]),
            report_status=Coalesce(Subquery(reports.values("status")[:1]), Value(NOT_REPORTED)),
        )
        .order_by("project__street__sort_order", "project__name", "level")
    )


def report_state_counts(sheet):
    counts = dict(sheet.order_by().values_list("report_status").annotate(n=Count("id")))
    return [(state, label, counts.get(state, 0)) for state, label in REPORT_STATE_LABELS.items()]


def missing_reports(*, user, year, month):
    """The listings of ``year`` without a submitted report for ``month``, by street and unit."""
    submitted = counted_reports().filter(listing=OuterRef("pk"), month=month)
    return (
        report_sheet(user=user, year=year, month=month)
        .exclude(Exists(submitted))
        .order_by("project__street__sort_order", "project__street__name", "project__unit__name", "project__name")
    )


@dataclass(frozen=True)
class ReportFigures:
    annual_plan: Decimal
    before: Decimal  # counted investment of the listing in the months before this one
    cumulative: Decimal
    percent: Decimal | None
    schedule: Decimal


def report_figures(*, listing, month, investment):
    """What a month's figure means: year-to-date cumulative, % of plan, time schedule."""
    before = (
        counted_reports().filter(listing=listing, month__lt=month).aggregate(total=Coalesce(Sum("investment"), ZERO))
    )["total"].quantize(HUNDREDTH)
    cumulative = before + (investment or ZERO)
    return ReportFigures(
        annual_plan=listing.annual_plan,
        before=before,
        cumulative=cumulative,
        percent=percent_of(cumulative, listing.annual_plan),
        schedule=schedule_percent(month),
    )


def report_last_save(report):
    """Who saved ``report`` last and when, both from its latest change-history entry (or None)."""
    if report is None:
        return None
    return report.history.select_related("history_user").order_by("-history_date", "-history_id").first()
