"""The monthly progress table (项目进展表) the office sends upward: its rows, streamed, with the
subtotals per category and the total, over the listings the user may see."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Case, OuterRef, Subquery, Value, When

from projects.choices import Category, ProblemStatus
from projects.models import Assignment, Listing, Problem
from projects.scoping import scope_description
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
    groups = figure_groups(with_figures(listings, month=month), month)
    return ProgressTable(
        year=year,
        month=month,
        level=level,
        # A chosen street or unit is what the table holds (within the user's scope); else the scope.
        coverage="、".join(part.name for part in (street, unit) if part) or scope_description(user),
        listings=rows,
        by_category=breakdown_from(groups, "category", labels=dict(Category.choices)),
        summary=summary_from(groups, month),
    )
