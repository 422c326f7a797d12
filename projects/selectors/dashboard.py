"""The overview of a node (a district, a city, a province) with its ranking of the nodes one tier
down, and the leaders' view: every figure an aggregate query, in 万元."""

from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, Value

from projects.choices import Batch, Category, ProblemStatus, RegionKind, WarningLight
from projects.models import Listing, Problem, overdue_condition
from projects.scoping import home_region, home_region_id, node_projects, scope_description, visible_regions
from projects.selectors.figures import (
    CHILD_KEYS,
    LAGGING,
    PLACE_KEYS,
    Rate,
    breakdown_from,
    child_node,
    correlated_count,
    counted_reports,
    figure_groups,
    investment_summary,
    lagging_condition,
    listed_in,
    monthly_series_from,
    summary_from,
    with_figures,
)
from projects.selectors.problems import problem_figures
from projects.selectors.reporting import year_reported

WARNINGS_SHOWN = 20  # the overview lists the most urgent; the project list holds them all
LIGHTS = (WarningLight.GREEN, WarningLight.YELLOW, WarningLight.RED)


@dataclass
class Overview:
    year: int
    month: int
    level: str
    region: object  # the node whose figures these are (None: the whole installation)
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
    # Above a district: the nodes one tier down (Breakdown rows keyed by their code), best
    # completion first; None at a district, which ranks its streets and units instead.
    children: list | None
    trail: list  # the nodes from the highest the user may read down to this one (the breadcrumb)

    @property
    def children_label(self):
        """What the nodes one tier down are called: 区县 under a city, 市 under a province."""
        if self.region is None:
            return "行政区划"
        return {RegionKind.CITY: "区县", RegionKind.PROVINCE: "市"}.get(self.region.kind, "行政区划")

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


def overview(*, user, year, month, level, region=None, street=None):
    """Everything the overview of one node (a district, a city, a province; None: the user's own,
    scoping.home_region) shows for one year, month and level.

    Totals are the node's for every role who may read it (scoping.visible_regions); the list of
    lagging projects holds only those the user may see, the most urgent first (red, then the
    furthest behind). A district breaks its figures down by street and unit; a node above it ranks
    the nodes one tier down, from the same grouped query as its totals, so each row is that node's
    own overview to the cent. The overview page keeps what it renders from this until the data
    changes (projects.freshness). ``street``: the figures of that street's projects only (a street's
    bulletin); the page itself never narrows.
    """
    region = region if region is not None else home_region(user)
    in_node = node_projects(user, region, "project__")
    listings = Listing.objects.filter(in_node, year=year, level=level)
    if street is not None:
        in_node &= Q(project__street=street)
        listings = listings.filter(project__street=street)
    reported = year_reported(year, region=region)
    figured = with_figures(listings, month=month, reported=reported)
    child = child_node(region)
    groups = figure_groups(figured, month, places=PLACE_KEYS if child is None else (), child=child, months=True)
    coverage = scope_description(user)
    new_starts = [g for g in groups if g["category"] == Category.NEW_START]
    completions = [g for g in groups if g["category"] == Category.COMPLETION]
    # An office admin sees every project of a node it may read (scoping.visible_projects): its
    # lagging listings are the node's, which the groups have counted. Anyone else sees a share.
    whole_node = not coverage
    seen = figured if whole_node else figured.visible_to(user)
    lagging_total = sum(g["n"] for g in groups if g["warning"] in LAGGING) if whole_node else None
    warnings, warnings_total = _most_urgent(seen, month=month, reported=reported, total=lagging_total)
    return Overview(
        year=year,
        month=month,
        level=level,
        region=region,
        summary=summary_from(groups, month),
        by_category=breakdown_from(groups, "category", labels=dict(Category.choices)),
        by_batch=breakdown_from(groups, "batch", labels=dict(Batch.choices)),
        by_street=breakdown_from(groups, "project__street", "project__street__name") if child is None else [],
        by_unit=breakdown_from(groups, "project__unit", "project__unit__name") if child is None else [],
        monthly=monthly_series_from(groups, month),
        warning_counts={key: sum(g["n"] for g in groups if g["warning"] == key) for key in LIGHTS},
        warnings=warnings,
        warnings_total=warnings_total,
        problems=problem_figures(Problem.objects.filter(in_node, listed_in(Listing.objects.filter(year=year)))),
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
        children=None if child is None else _ranked(breakdown_from(groups, *CHILD_KEYS), by_percent=True),
        trail=region_trail(user=user, region=region),
    )


def _most_urgent(seen, *, month, reported, total=None):
    """The lagging listings among ``seen`` (figured listings the user may see), the most urgent
    first (red, then the furthest behind), at most WARNINGS_SHOWN, and how many there are
    (``total`` when the caller knows).

    The order is found over the listings' ids and sort keys only, and the rows shown are read by
    id afterwards: sorting the lagging listings with every column of their projects (the texts of
    建设内容 among them) cost more than the rest of the page at 50,000 listings in one year."""
    if not reported or total == 0:  # before the year's first report no light is judged
        return [], 0
    lagging = seen.filter(lagging_condition(month))
    if total is None:
        total = lagging.count()
    order = ("-warning_rank", "percent_sort", "project__name", "pk")
    ids = list(lagging.order_by(*order).values_list("pk", flat=True)[:WARNINGS_SHOWN])
    shown = seen.filter(pk__in=ids).select_related("project__district", "project__street", "project__unit")
    by_id = {listing.pk: listing for listing in shown}
    return [by_id[pk] for pk in ids if pk in by_id], total  # one deleted between the two queries: not shown


TIER_ORDER = {kind: order for order, kind in enumerate(RegionKind.values)}  # province, city, district


def region_trail(*, user, region):
    """The breadcrumb of ``region``'s overview: its ancestors the user may read, from the highest,
    then the node itself — up to the user's own office, never above it (scoping.visible_regions).
    One query."""
    if region is None:
        return []
    line = Q(pk=region.pk) | Q(children=region.pk) | Q(children__children=region.pk)
    return sorted(visible_regions(user).filter(line).distinct(), key=lambda node: TIER_ORDER.get(node.kind, 0))


def leader_projects(*, user, year, month):
    """我联系的项目: the year's listings of the projects a leader follows, most urgent first."""
    problems = Problem.objects.filter(project=OuterRef("project_id")).exclude(status=ProblemStatus.RESOLVED)
    reported = counted_reports().filter(listing=OuterRef("pk"), month__lte=month)
    return (
        with_figures(
            Listing.objects.visible_to(user).filter(year=year),
            month=month,
            reported=year_reported(year, region=home_region_id(user)),
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
