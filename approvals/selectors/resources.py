"""Reads of resources (要素保障) and statistics registration (入统): one project's, for its page, and a
node's totals, for the overview's panel; every figure from grouped queries."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Max, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from approvals.choices import FundingSource
from approvals.models import Funding, LandSupply, StatisticsFigure, StatisticsRegistration
from projects.choices import Level
from projects.models import Listing
from projects.scoping import node_projects
from projects.selectors.figures import (
    AMOUNT_FIELD,
    HUNDREDTH,
    ZERO,
    counted_reports,
    listed_in,
    percent_of,
    with_cumulative,
)

# When a project is on more than one list in a year, its reported figures are read from the
# highest one (the province's, then the city's, then the district's).
LEVEL_RANK = Case(When(level=Level.PROVINCE, then=Value(0)), When(level=Level.CITY, then=Value(1)), default=Value(2))
SOURCE_ORDER = {source: order for order, source in enumerate(FundingSource.values)}


@dataclass(frozen=True)
class FundingLine:
    """Funding from one source (or all of them: source ""), planned and secured (到位); ``projects``:
    how many projects have a row of it (a node's line)."""

    source: str
    label: str
    planned: Decimal
    secured: Decimal
    secured_on: date | None = None
    notes: str = ""
    projects: int = 0

    @property
    def rate(self):
        """到位率: secured ÷ planned, as a percentage (None without a plan)."""
        return percent_of(self.secured, self.planned)

    @property
    def is_special_bond(self):
        return self.source == FundingSource.SPECIAL_BOND


@dataclass(frozen=True)
class LandLine:
    needed: Decimal
    supplied: Decimal
    supplied_on: date | None = None
    notes: str = ""
    projects: int = 0

    @property
    def rate(self):
        return percent_of(self.supplied, self.needed)


def _total(lines, label="合计"):
    return FundingLine(
        source="",
        label=label,
        planned=sum((line.planned for line in lines), ZERO).quantize(HUNDREDTH),
        secured=sum((line.secured for line in lines), ZERO).quantize(HUNDREDTH),
    )


@dataclass
class YearResources:
    year: int
    land: LandLine | None = None
    fundings: list = field(default_factory=list)  # FundingLine per source with a row, in FundingSource order

    @property
    def total(self):
        return _total(self.fundings) if self.fundings else None

    @property
    def special_bond(self):
        return next((line for line in self.fundings if line.is_special_bond), None)


@dataclass(frozen=True)
class GapRow:
    """The statistics' cumulative of a month beside what the project reported (调度口径) for it."""

    year: int
    month: int
    statistics: Decimal
    reported: Decimal | None  # None: on no list that year, or no counted report of that month or later yet

    @property
    def gap(self):
        return None if self.reported is None else (self.statistics - self.reported).quantize(HUNDREDTH)


@dataclass
class ProjectResources:
    years: list  # YearResources, latest first
    registration: object  # StatisticsRegistration or None
    gaps: list  # GapRow, latest year first, months in order

    @property
    def empty(self):
        registered = self.registration is not None and self.registration.registered
        return not (self.years or registered or self.gaps)


def _listing_of_year(*, project, year):
    """The project's listing of the year its reported figures are read from (the highest level's),
    as a queryset on the outer row's ``project`` and ``year``: every reported figure of a gap comes
    from this one listing, its cumulative and how far it has reported alike."""
    return Listing.objects.filter(project=OuterRef(project), year=OuterRef(year)).order_by(LEVEL_RANK, "pk")


def _latest_month(listing="pk"):
    """A subquery: the latest month the outer row's listing has a counted report for (None: none)."""
    months = counted_reports().filter(listing=OuterRef(listing)).order_by("-month").values("month")[:1]
    return Subquery(months, output_field=IntegerField())


def reported_cumulative(month, *, project="project_id", year="year"):
    """A subquery: the counted cumulative to the end of ``month`` of the project's listing of the
    year (both taken from the outer row by name), from its month-end totals (ListingCumulative)."""
    listing = _listing_of_year(project=project, year=year)
    return Subquery(with_cumulative(listing, month=month).values("cumulative")[:1], output_field=AMOUNT_FIELD)


def latest_counted_month(*, project="project_id", year="year"):
    """A subquery: the latest month the same listing (reported_cumulative's) has a counted report for;
    None when it has none, though another list of the year may have."""
    listing = _listing_of_year(project=project, year=year).annotate(latest=_latest_month())
    return Subquery(listing.values("latest")[:1], output_field=IntegerField())


def with_reported(figures):
    """StatisticsFigure rows annotated with ``reported``: the reported cumulative of their month, and
    ``reported_through``: the latest month reported (a later month's cumulative is not yet known)."""
    return figures.annotate(
        reported=Case(*(When(month=month, then=reported_cumulative(month)) for month in range(1, 13)), default=None),
        reported_through=latest_counted_month(),
    )


def _known(row):
    """The reported cumulative of a figure's month, once the project has reported that far."""
    return row.reported if row.reported_through is not None and row.reported_through >= row.month else None


def project_resources(*, project):
    """Everything the project page's 要素保障 section shows, in four queries whatever the years:
    land and funding by year, the 入统 flag, and each month's statistics cumulative beside the
    reported one."""
    years = {}
    for land in LandSupply.objects.filter(project=project):
        years.setdefault(land.year, YearResources(land.year)).land = LandLine(
            needed=land.needed, supplied=land.supplied, supplied_on=land.supplied_on, notes=land.notes, projects=1
        )
    for row in sorted(Funding.objects.filter(project=project), key=lambda row: SOURCE_ORDER.get(row.source, 99)):
        years.setdefault(row.year, YearResources(row.year)).fundings.append(
            FundingLine(
                source=row.source,
                label=row.get_source_display(),
                planned=row.planned,
                secured=row.secured,
                secured_on=row.secured_on,
                notes=row.notes,
                projects=1,
            )
        )
    gaps = [
        GapRow(year=row.year, month=row.month, statistics=row.cumulative, reported=_known(row))
        for row in with_reported(StatisticsFigure.objects.filter(project=project)).order_by("-year", "month")
    ]
    return ProjectResources(
        years=[years[year] for year in sorted(years, reverse=True)],
        registration=StatisticsRegistration.objects.filter(project=project).first(),
        gaps=gaps,
    )


def reported_by_month(*, project, year):
    """{month: reported cumulative} of the project's listing of ``year``, for the months it has
    reported so far (one query; {} when it is on no list that year): shown beside the statistics
    inputs."""
    listing = Listing.objects.filter(project=project, year=year).order_by(LEVEL_RANK, "pk")
    columns = [f"cumulative_row__month_{month}" for month in range(1, 13)]
    row = listing.annotate(reported_through=_latest_month())
    row = row.values("reported_through", *columns).first()
    if row is None or row["reported_through"] is None:
        return {}
    return {month: row[columns[month - 1]] or ZERO for month in range(1, row["reported_through"] + 1)}


@dataclass
class NodeResources:
    year: int
    listed: int | None  # projects on the year's list (of the level) in the node; None: not counted (empty)
    registered: int  # of which 入统
    land: LandLine
    fundings: list  # FundingLine per source with a row, in FundingSource order
    total: FundingLine
    special_bond: FundingLine | None

    @property
    def empty(self):
        return not (self.fundings or self.land.projects or self.registered)

    @property
    def registered_percent(self):
        return percent_of(self.registered, self.listed)


def node_resources(*, user, year, level, region):
    """The overview panel's figures: over the projects of the node's list of ``year`` and ``level``
    (scoping.node_projects, as the overview's totals), funding by source planned and secured,
    special bonds on their own, land needed and supplied, and how many of the listed are 入统.
    Each starts from the resources' own rows; the listings are counted only for a panel that has
    something to show."""
    listings = Listing.objects.filter(node_projects(user, region, "project__"), year=year, level=level)
    projects = listed_in(listings)
    registered = StatisticsRegistration.objects.filter(projects, registered=True).count()
    by_source = (
        Funding.objects.filter(projects, year=year)
        .order_by()
        .values("source")
        .annotate(
            planned=Coalesce(Sum("planned"), Value(ZERO), output_field=AMOUNT_FIELD),
            secured=Coalesce(Sum("secured"), Value(ZERO), output_field=AMOUNT_FIELD),
            latest=Max("secured_on"),
            n=Count("project_id", distinct=True),
        )
    )
    fundings = [
        FundingLine(
            source=group["source"],
            label=FundingSource(group["source"]).label,
            planned=group["planned"].quantize(HUNDREDTH),
            secured=group["secured"].quantize(HUNDREDTH),
            secured_on=group["latest"],
            projects=group["n"],
        )
        for group in sorted(by_source, key=lambda group: SOURCE_ORDER.get(group["source"], 99))
    ]
    land = LandSupply.objects.filter(projects, year=year).aggregate(
        needed=Coalesce(Sum("needed"), Value(ZERO), output_field=AMOUNT_FIELD),
        supplied=Coalesce(Sum("supplied"), Value(ZERO), output_field=AMOUNT_FIELD),
        latest=Max("supplied_on"),
        n=Count("project_id", distinct=True),
    )
    figures = NodeResources(
        year=year,
        listed=None,
        registered=registered,
        land=LandLine(
            needed=land["needed"].quantize(HUNDREDTH),
            supplied=land["supplied"].quantize(HUNDREDTH),
            supplied_on=land["latest"],
            projects=land["n"],
        ),
        fundings=fundings,
        total=_total(fundings),
        special_bond=next((line for line in fundings if line.is_special_bond), None),
    )
    if not figures.empty:  # the one count over every listing of the node, for a panel that is shown
        figures.listed = listings.count()  # a project is listed once a year at a level
    return figures
