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


def _latest_month(listing="pk"):
    """A subquery: the latest month the outer row's listing has a counted report for (None: none)."""
    months = counted_reports().filter(listing=OuterRef(listing)).order_by("-month").values("month")[:1]
    return Subquery(months, output_field=IntegerField())


CUMULATIVE_COLUMNS = [f"cumulative_row__month_{month}" for month in range(1, 13)]


def _reported_by_year(*, project, years=None):
    """{year: {month: reported cumulative}} of the project's listing of each of ``years`` (every
    year for None) its reported figures are read from (the highest level's), for the months that
    listing has reported so far (a year on no list, or with no counted report yet, is left out):
    one query, built from plain columns (a month's cumulative is read from the listing's month-end
    totals)."""
    listings = Listing.objects.filter(project=project)
    if years is not None:
        listings = listings.filter(year__in=years)
    rows = (
        listings.annotate(rank=LEVEL_RANK, reported_through=_latest_month())
        .order_by("year", "rank", "pk")
        .values("year", "reported_through", *CUMULATIVE_COLUMNS)
    )
    result = {}
    for row in rows:
        if row["year"] in result:  # a lower list of a year already read
            continue
        through = row["reported_through"] or 0
        result[row["year"]] = {month: row[CUMULATIVE_COLUMNS[month - 1]] or ZERO for month in range(1, through + 1)}
    return {year: months for year, months in result.items() if months}


def project_resources(*, project):
    """Everything the project page's 要素保障 section shows, in five queries whatever the years:
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
    figures = list(StatisticsFigure.objects.filter(project=project).order_by("-year", "month"))
    reported = _reported_by_year(project=project)  # every year, so that the queries are as many without figures
    gaps = [
        GapRow(
            year=row.year,
            month=row.month,
            statistics=row.cumulative,
            reported=reported.get(row.year, {}).get(row.month),
        )
        for row in figures
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
    return _reported_by_year(project=project, years=[year]).get(year, {})


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
