"""Monthly reporting: the periods pages default to, closed months, what a user may do with a report,
a reporter's sheet, the unreported list, a report's figures.

Each district closes its months on its own (ClosedMonth.district). The periods read for a
``region``: a node of the tree (a Region or its id) whose districts they follow, None for the whole
installation; pages pass the user's own node (scoping.home_region_id), so one district reporting
further ahead never moves another's default month."""

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.roles import is_office_admin
from projects import clock
from projects.choices import ReportStatus
from projects.freshness import cached_figure
from projects.models import (
    ClosedMonth,
    Listing,
    Milestone,
    MonthlyReport,
    Region,
    Street,
)
from projects.periods import Period
from projects.scoping import districts_under, in_region, office_districts
from projects.selectors.figures import HUNDREDTH, ZERO, counted_reports, percent_of, schedule_percent

NOT_REPORTED = "missing"
REPORT_STATE_LABELS = {NOT_REPORTED: "未填报", **dict(ReportStatus.choices)}


def _region_key(region):
    """``region`` (a Region, its id, or None for the whole installation) in a cache key."""
    return "all" if region is None else getattr(region, "pk", region)


def _month_number(year, month):
    """A period as one comparable number (2015 × 100 + 9), to take the latest with one MAX."""
    return ExpressionWrapper(F(year) * 100 + F(month), output_field=IntegerField())


def _period(number):
    return Period(*divmod(number, 100))


def reporting_period(*, region=None, today=None):
    """The month staff report now in the districts under ``region``. In each district it is the one
    after its latest closed month, else its latest month with any report; over several districts,
    the earliest of these (a month some district still reports in). Never later than the month
    before today."""
    ceiling = Period.of(today or clock.today()).previous()
    months = cached_figure("reporting-months", lambda: _reporting_months(region), _region_key(region))
    return min([*months, ceiling])


def _reporting_months(region):
    """Each district's reporting month under ``region``, as far as its closed months or reports tell."""
    districts = districts_under(region)
    closed = (
        ClosedMonth.objects.order_by()
        .filter(district__in=districts.values("pk"))
        .values("district")
        .annotate(latest=Max(_month_number("year", "month")))
        .values_list("latest", flat=True)
    )
    never_closed = districts.exclude(Exists(ClosedMonth.objects.filter(district=OuterRef("pk")))).values("pk")
    reported = (
        MonthlyReport.objects.order_by()
        .filter(listing__project__district__in=never_closed)
        .values("listing__project__district")
        .annotate(latest=Max(_month_number("listing__year", "month")))
        .values_list("latest", flat=True)
    )
    return [_period(number).next() for number in closed] + [_period(number) for number in reported]


def latest_reported_period(*, region=None):
    """The latest month with a submitted report under ``region`` (anywhere for None); the reporting
    month there when there is none."""
    return cached_figure("latest-period", lambda: _latest_reported_period(region), _region_key(region), clock.today())


def _latest_reported_period(region):
    newest = Listing.objects.order_by().filter(in_region(region, "project__"))
    year = newest.aggregate(year=Max("year"))["year"]
    while year is not None:
        month = _latest_reported_month(year, region)
        if month is not None:
            return Period(year, month)
        year = newest.filter(year__lt=year).aggregate(year=Max("year"))["year"]
    return reporting_period(region=region)


def latest_reported_month(year, *, region=None):
    """The latest month of ``year`` with a submitted report under ``region`` (anywhere for None), or None."""
    return cached_figure("latest-month", lambda: _latest_reported_month(year, region), year, _region_key(region))


def _latest_reported_month(year, region):
    sql, params = _latest_month_query(connection.alias, year, _region_key(region))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


@functools.lru_cache(maxsize=1024)
def _latest_month_query(alias, year, region_key):
    """The SQL of _latest_reported_month, built once per process for each year and node: the ORM
    took about 10 ms of CPU to build its twelve subqueries, on every page after each save.

    One row of the year carries a CASE whose EXISTS probes run from December back and stop at the
    first month with a submitted report. Each probe walks the year's listings through the
    (listing, month) index: never a sort or a scan of every report, on SQLite and PostgreSQL alike."""
    region = None if region_key == "all" else region_key
    in_year = counted_reports().filter(in_region(region, "listing__project__"), listing__year=year)
    months = Case(*(When(Exists(in_year.filter(month=m)), then=Value(m)) for m in range(12, 0, -1)))
    found = Listing.objects.order_by().filter(year=year).annotate(month=months).values_list("month", flat=True)[:1]
    return found.query.get_compiler(alias).as_sql()


def year_reported(year, *, region=None):
    """Whether ``year`` has any submitted report under ``region`` (anywhere for None); else no
    warning can be judged yet."""
    return latest_reported_month(year, region=region) is not None


def figures_period(year=None, *, region=None):
    """The period figures under ``region`` (the whole installation for None) are shown at when none
    is asked for: the latest reported month there (of ``year`` when given). For a year not yet
    reported, the current reporting month when it is in that year (never a month still to come),
    December for a past year and January for a year ahead."""
    if year is None:
        return latest_reported_period(region=region)
    month = latest_reported_month(year, region=region)
    if month is not None:
        return Period(year, month)
    reporting = reporting_period(region=region)
    if year == reporting.year:
        return reporting
    return Period(year, 12 if year < reporting.year else 1)


def month_is_closed(year, month, *, district):
    """Whether ``district`` (a Region or its id) has closed ``year``/``month``."""
    return ClosedMonth.objects.filter(district=district, year=year, month=month).exists()


def latest_closed_month(*, district):
    """The latest month ``district`` (a Region or its id) has closed, or None."""
    closed = (
        ClosedMonth.objects.filter(district=district).order_by("-year", "-month").values_list("year", "month").first()
    )
    return Period(*closed) if closed else None


@dataclass(frozen=True)
class MonthClosing:
    """Where one month stands in an office's districts: closed in some, still open in the others.
    Each district closes its months on its own, in order (one unbroken run per district)."""

    period: Period
    districts: tuple  # the office's districts (Region), by code
    closed: tuple  # those of them that have closed the month
    latest: dict  # district pk -> the latest month it has closed (absent: none yet)

    @property
    def open(self):
        return tuple(district for district in self.districts if district not in self.closed)

    @property
    def all_closed(self):
        return bool(self.closed) and not self.open

    @property
    def partly_closed(self):
        """Closed in some of the districts, not in all: the page names which."""
        return bool(self.closed) and bool(self.open)

    @property
    def several(self):
        """More than one district: messages name the district they are about."""
        return len(self.districts) > 1


def sheet_districts(*, user, sheet):
    """The districts whose closing a reporting sheet shows: an office's own (every district under
    its node); for staff and leaders, the districts of the projects on their sheet."""
    if is_office_admin(user):
        return office_districts(user)
    return Region.objects.filter(pk__in=sheet.values("project__district"))


def month_closing(*, districts, year, month):
    """The MonthClosing of ``year``/``month`` over ``districts`` (a queryset of Region), in three queries."""
    districts = tuple(districts.order_by("code"))
    ids = [district.pk for district in districts]
    latest = (
        ClosedMonth.objects.order_by()
        .filter(district__in=ids)
        .values("district")
        .annotate(latest=Max(_month_number("year", "month")))
        .values_list("district", "latest")
    )
    closed = ClosedMonth.objects.filter(district__in=ids, year=year, month=month).values_list("district", flat=True)
    closed = set(closed)
    return MonthClosing(
        period=Period(year, month),
        districts=districts,
        closed=tuple(district for district in districts if district.pk in closed),
        latest={district: _period(number) for district, number in latest},
    )


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
        closed=month_is_closed(listing.year, month, district=listing.project.district_id),
        submitted=report is not None and report.status == ReportStatus.SUBMITTED,
        admin=is_office_admin(user),
    )


def milestones_open_for(listing):
    """The project's milestones, for the report form's "reached on" dates."""
    return Milestone.objects.filter(project_id=listing.project_id).order_by("planned_date", "id")


def report_sheet(*, user, year, month):
    """The year's listings the user reports for, each annotated with its report for ``month`` (its
    state, the amount it reports and, when returned, why) and whether its district has closed the
    month (``month_closed``), by district, street and name."""
    reports = MonthlyReport.objects.filter(listing=OuterRef("pk"), month=month)
    closed = ClosedMonth.objects.filter(district=OuterRef("project__district"), year=year, month=month)
    return (
        Listing.objects.kept_by(user)
        .filter(year=year)
        .select_related("project__district", "project__street", "project__unit")
        .annotate(
            report_id=Subquery(reports.values("pk")[:1]),
            report_status=Coalesce(Subquery(reports.values("status")[:1]), Value(NOT_REPORTED)),
            report_investment=Subquery(reports.values("investment")[:1]),
            returned_reason=Subquery(reports.filter(status=ReportStatus.RETURNED).values("returned_reason")[:1]),
            month_closed=Exists(closed),
        )
        .order_by("project__district__code", "project__street__sort_order", "project__name", "level")
    )


def report_state_counts(sheet):
    """(state, label, count) of every report state over ``sheet``, 0 where none."""
    counts = dict(sheet.order_by().values_list("report_status").annotate(n=Count("id")))
    return [(state, label, counts.get(state, 0)) for state, label in REPORT_STATE_LABELS.items()]


def sheet_streets(sheet):
    """The streets a reporting sheet's rows lie in: those its filter offers (the user's own scope)."""
    return Street.objects.filter(pk__in=sheet.order_by().values("project__street")).select_related("district")


def missing_reports(*, user, year, month):
    """The listings of ``year`` without a submitted report for ``month``, by district, street and unit."""
    submitted = counted_reports().filter(listing=OuterRef("pk"), month=month)
    return (
        report_sheet(user=user, year=year, month=month)
        .exclude(Exists(submitted))
        .order_by(
            "project__district__code",
            "project__street__sort_order",
            "project__street__name",
            "project__unit__name",
            "project__name",
        )
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
