"""Monthly reporting: the periods pages default to, closed months, what a user may do with a report,
a reporter's sheet, the unreported list, a report's figures."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import is_office_admin
from projects.choices import ReportStatus
from projects.freshness import cached_figure
from projects.models import (
    ClosedMonth,
    Listing,
    Milestone,
    MonthlyReport,
)
from projects.periods import Period
from projects.selectors.figures import HUNDREDTH, ZERO, counted_reports, percent_of, schedule_percent

NOT_REPORTED = "missing"
REPORT_STATE_LABELS = {NOT_REPORTED: "未填报", **dict(ReportStatus.choices)}


def reporting_period(*, today=None):
    """The month staff report now: the one after the latest closed month, else the latest month
    with any report, never later than the month before today."""
    ceiling = Period.of(today or timezone.localdate()).previous()
    closed = latest_closed_month()
    if closed:
        candidate = closed.next()
    else:
        latest = (
            MonthlyReport.objects.order_by("-listing__year", "-month").values_list("listing__year", "month").first()
        )
        candidate = Period(*latest) if latest else ceiling
    return min(candidate, ceiling)


def latest_reported_period():
    """The latest month with a submitted report; the reporting month when there is none."""
    return cached_figure("latest-period", _latest_reported_period, timezone.localdate())


def _latest_reported_period():
    newest = Listing.objects.order_by()
    year = newest.aggregate(year=Max("year"))["year"]
    while year is not None:
        month = _latest_reported_month(year)
        if month is not None:
            return Period(year, month)
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


def year_reported(year):
    """Whether ``year`` has any submitted report (else no warning can be judged yet)."""
    return latest_reported_month(year) is not None


def figures_period(year=None):
    """The period figures are shown at when none is asked for: the latest reported month (of
    ``year`` when given). For a year not yet reported, the current reporting month when it is in
    that year (never a month still to come), December for a past year and January for a year ahead."""
    if year is None:
        return latest_reported_period()
    month = latest_reported_month(year)
    if month is not None:
        return Period(year, month)
    reporting = reporting_period()
    if year == reporting.year:
        return reporting
    return Period(year, 12 if year < reporting.year else 1)


def month_is_closed(year, month):
    return ClosedMonth.objects.filter(year=year, month=month).exists()


def latest_closed_month():
    """The latest closed month, or None."""
    closed = ClosedMonth.objects.order_by("-year", "-month").values_list("year", "month").first()
    return Period(*closed) if closed else None


@dataclass(frozen=True)
class ReportActions:
    """What a user may do with one month's report of a listing, by the office's rules: the report
    page and the writes themselves (services.reports, services.photos) read them from here."""

    closed: bool  # the month is closed (锁定)
    submitted: bool  # the report is submitted (已报送)
    admin: bool

    @property
    def correction(self):
        """A change now is a correction: only an admin makes it, with a reason kept in the history."""
        return self.closed or self.submitted

    @property
    def editable(self):
        """Staff change a report until it is submitted or the month closed; an admin always may."""
        return self.admin or not self.correction

    @property
    def returnable(self):
        """退回: an admin sends a submitted report of an open month back to its reporter."""
        return self.admin and self.submitted and not self.closed

    @property
    def photos_deletable(self):
        """Photos go while the month is open: staff's until the report is submitted, an admin's always."""
        return not self.closed and (self.admin or not self.submitted)


def report_actions(*, user, listing, month, report):
    """The ReportActions of ``user`` on ``report`` (None: not yet made) of ``listing`` and ``month``."""
    return ReportActions(
        closed=month_is_closed(listing.year, month),
        submitted=report is not None and report.status == ReportStatus.SUBMITTED,
        admin=is_office_admin(user),
    )


def milestones_open_for(listing):
    """The project's milestones, for the report form's "reached on" dates."""
    return Milestone.objects.filter(project_id=listing.project_id).order_by("planned_date", "id")


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
