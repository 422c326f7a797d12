"""报送及时率: when a month's reports are due, and which came in by then.

A month's report is due on the office's due day (KP_REPORT_DUE_DAY, default the 25th) of the month
that follows it — the month staff report it in (selectors.reporting.reporting_period) — moved to the
next working day when that day is a weekend or a holiday (projects.workdays). A due day past the end
of a short month is its last day.

A report counts as on time when it is submitted (selectors.figures.counted_reports) and its
报送时间 falls, in local time, on or before the due date; submitted after it, late; not submitted
(a draft, a returned report, none), missing. A submitted report without a recorded time (bulk-made
rows) has nothing to hold against it: on time."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from projects import clock
from projects.models import Listing
from projects.periods import Period
from projects.selectors.figures import counted_reports
from projects.workdays import next_workday

TENTH = Decimal("0.1")


def nominal_due_date(year, month):
    """The due day of the month after ``year``/``month`` (its last day when the month is shorter),
    before any move to a working day."""
    following = Period(year, month).next()
    return datetime.date(following.year, following.month, min(settings.KP_REPORT_DUE_DAY, following.last_day.day))


def report_due_date(year, month):
    """The last day on which the report for ``year``/``month`` counts as on time."""
    return next_workday(nominal_due_date(year, month))


@dataclass(frozen=True)
class ReportDue:
    """When the reports for one month are due: the office's day, and the working day it became."""

    nominal: datetime.date
    date: datetime.date

    @property
    def moved(self):
        """The due day was a weekend or holiday: reports are due on the next working day (顺延)."""
        return self.date != self.nominal

    @property
    def passed(self):
        """The due date is over (today is later): what is not in now is late."""
        return clock.today() > self.date

    @property
    def cutoff(self):
        """The first moment, in local time, after the due date: a report submitted before it is on time."""
        after = datetime.datetime.combine(self.date + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(after, timezone.get_default_timezone())


def report_due(year, month):
    nominal = nominal_due_date(year, month)
    return ReportDue(nominal=nominal, date=next_workday(nominal))


def timeliness_rate(on_time, due):
    """报送及时率: on time ÷ due as a percentage rounded half-up to one place; None when none was due."""
    if not due:
        return None
    return (Decimal(on_time) * 100 / Decimal(due)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TimelinessRow:
    label: str  # the street's or unit's name ("未指定街道" for projects without one)
    district: str  # the district it lies in, for offices with several
    due: int  # listings whose report for the month was due
    on_time: int
    late: int
    key: object = None  # the street's or unit's id (None for projects without one, and the total)

    @property
    def missing(self):
        return self.due - self.on_time - self.late

    @property
    def rate(self):
        return timeliness_rate(self.on_time, self.due)

    @property
    def rate_text(self):
        """ "92.3%", or "—" when nothing was due."""
        rate = self.rate
        return "—" if rate is None else f"{rate}%"

    def as_list(self):
        """The row for a bulletin's stored figures (JSON): label, due, on time, late, missing, rate."""
        rate = self.rate
        return [self.label, self.due, self.on_time, self.late, self.missing, None if rate is None else str(rate)]


@dataclass(frozen=True)
class Timeliness:
    year: int
    month: int
    by: str  # "street" or "unit"
    due: ReportDue
    rows: tuple  # TimelinessRow per street or unit
    total: TimelinessRow

    @property
    def several_districts(self):
        return len({row.district for row in self.rows}) > 1

    @property
    def late_or_missing(self):
        """The rows with a report late or missing, as the bulletin names them."""
        return [row for row in self.rows if row.late or row.missing]


GROUPS = {
    # by: (the key, its name, the words for none, the order after the district)
    "street": ("project__street", "project__street__name", "未指定街道", ["project__street__sort_order"]),
    "unit": ("project__unit", "project__unit__name", "未指定责任单位", []),
}


def listing_timeliness(listings, *, year, month, by):
    """The Timeliness of ``month``'s reports over ``listings`` (a queryset of one year's listings),
    per street or unit (``by``), in one grouped query."""
    if by not in GROUPS:
        raise ValueError(f"report timeliness is grouped by street or unit, not {by!r}")
    key, name, no_name, order = GROUPS[by]
    due = report_due(year, month)
    reports = counted_reports().filter(listing=OuterRef("pk"), month=month)
    on_time = reports.filter(Q(reported_at__lt=due.cutoff) | Q(reported_at__isnull=True))
    late = reports.filter(reported_at__gte=due.cutoff)
    grouped = (
        listings.order_by()
        .values("project__district__code", "project__district__name", key, name)
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(Exists(on_time))),
            late=Count("id", filter=Q(Exists(late))),
        )
        .order_by("project__district__code", *order, name, key)
    )
    rows = tuple(
        TimelinessRow(
            label=row[name] or no_name,
            district=row["project__district__name"] or "",
            due=row["due"],
            on_time=row["on_time"],
            late=row["late"],
            key=row[key],
        )
        for row in grouped
    )
    total = TimelinessRow(
        label="合计",
        district="",
        due=sum(row.due for row in rows),
        on_time=sum(row.on_time for row in rows),
        late=sum(row.late for row in rows),
    )
    return Timeliness(year=year, month=month, by=by, due=due, rows=rows, total=total)


def report_timeliness(*, user, year, month, by):
    """报送及时率 of ``year``/``month`` per street or unit (``by``) of the user's scope: the listings
    of the year the user keeps, the rows of the reporting sheet and the 未报送 list."""
    return listing_timeliness(Listing.objects.kept_by(user).filter(year=year), year=year, month=month, by=by)
