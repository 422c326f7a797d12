"""The monthly progress table (项目进展表) the office sends upward: its rows, streamed, with the
subtotals per category and the total, over the listings the user may see under one node; above a
district, grouped by district with a subtotal per district."""

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Case, OuterRef, Subquery, Value, When

from projects.choices import Category, ProblemStatus, RegionKind
from projects.models import Assignment, Listing, Problem
from projects.scoping import home_region, node_projects, scope_description
from projects.selectors.figures import (
    breakdown_from,
    counted_reports,
    figure_groups,
    summary_from,
    with_cumulative,
    with_figures,
)

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
    district: str  # the code of the project's district (the table's groups above a district)


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
    "project__district__code",
)
# The grouping keys of a table above a district: each project's district, named with its city.
DISTRICT_KEYS = ("project__district__code", "project__district__name", "project__district__parent__name")


@dataclass(frozen=True)
class DistrictPart:
    """One district's part of a table above a district: its subtotal (a Breakdown keyed by the
    district's code) and its subtotals per category."""

    subtotal: object
    by_category: list


@dataclass
class ProgressTable:
    """The monthly progress table (项目进展表): its rows, the subtotal per category and the total,
    over the listings the user may see — for an admin, the same figures as the overview."""

    year: int
    month: int
    level: str
    region: object  # the node the table is about, named by its title (None: the whole installation)
    coverage: str  # the part of the node the table holds ("" for all of it), for its title
    listings: object  # listings annotated for the table, ordered by (district,) category, then name
    by_category: list
    summary: object
    by_district: list | None  # above a district: a DistrictPart per district in the rows' order; else None

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
        rows = self.listings.values_list(*PROGRESS_FIELDS).iterator(chunk_size=chunk_size)
        for *fields, unit, project_id, district in rows:
            yield ProgressRow(
                *fields, "；".join(problems[project_id]), "、".join(leaders[project_id]), unit or "", district
            )


def by_district(region):
    """Whether a table about ``region`` is grouped by district: above a district (a city, a
    province, the operator's whole installation), not at one."""
    return region is None or region.kind != RegionKind.DISTRICT


def progress_table(*, user, year, month, level, region=None, street=None, unit=None):
    """The table of ``region`` (None: the user's own node, scoping.home_region) as the user may
    see it, optionally of one street or one unit. Above a district its rows are grouped by district,
    each with its subtotals per category and its own subtotal, all from one grouped query."""
    region = region if region is not None else home_region(user)
    listings = Listing.objects.visible_to(user).filter(node_projects(user, region, "project__"), year=year, level=level)
    if street is not None:
        listings = listings.filter(project__street=street)
    if unit is not None:
        listings = listings.filter(project__unit=unit)
    grouped = by_district(region)
    # 形象进度 as last submitted: a draft or returned report is not what the office reports upward.
    latest_progress = (
        counted_reports().filter(listing=OuterRef("pk"), month__lte=month).exclude(progress="").order_by("-month")
    )
    order = ("category_order", "batch", "project__name", "pk")
    rows = (
        with_cumulative(listings, month=month)
        .annotate(progress_text=Subquery(latest_progress.values("progress")[:1]), category_order=CATEGORY_ORDER)
        .order_by(*(("project__district__code", *order) if grouped else order))
    )
    groups = figure_groups(with_figures(listings, month=month), month, places=DISTRICT_KEYS if grouped else ())
    categories = dict(Category.choices)
    return ProgressTable(
        year=year,
        month=month,
        level=level,
        region=region,
        # A chosen street or unit is what the table holds (within the user's scope); else the scope.
        coverage="、".join(part.name for part in (street, unit) if part) or scope_description(user),
        listings=rows,
        by_category=breakdown_from(groups, "category", labels=categories),
        summary=summary_from(groups, month),
        by_district=_district_parts(groups, region, categories) if grouped else None,
    )


def _district_parts(groups, region, categories):
    """Each district's subtotal and subtotals per category, in code order (the rows' order); under
    a province or the whole installation a district is named with its city (平顶山市卫东区)."""
    with_city = region is None or region.kind == RegionKind.PROVINCE
    own = defaultdict(list)
    for group in groups:
        own[group["project__district__code"]].append(group)
    parts = []
    for subtotal in breakdown_from(groups, "project__district__code", "project__district__name"):
        city = own[subtotal.key][0]["project__district__parent__name"] or ""
        parts.append(
            DistrictPart(
                subtotal=replace(subtotal, label=f"{city}{subtotal.label}" if with_city else subtotal.label),
                by_category=breakdown_from(own[subtotal.key], "category", labels=categories),
            )
        )
    return parts
