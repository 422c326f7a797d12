"""The approvals' figures every page, count and export shares: each item's warning light, a
project's and a department's warning, and the 联审联批 completion rate of a period.

The light is one queryset annotation (``with_light``): today and the end of the yellow window are
computed in Python (projects.workdays) and compared with the stored due date in SQL, so filters,
counts, rankings and the export all read the same rule."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When

from approvals.choices import OPEN_STATUSES, ItemLight, ItemStatus
from approvals.models import ApprovalItem
from approvals.selectors.lights import yellow_horizon
from projects import clock
from projects.models import Listing
from projects.scoping import node_projects
from projects.selectors.figures import listed_in

TENTH = Decimal("0.1")
# A light's rank: the worst light of a set of items is the highest rank.
LIGHT_RANK = {ItemLight.NONE: 0, ItemLight.GREEN: 1, ItemLight.YELLOW: 2, ItemLight.RED: 3}
RANK_LIGHT = {rank: light for light, rank in LIGHT_RANK.items()}


def light_bounds(today=None):
    """(today, last yellow day): an open item due before today is red, due from today up to the day
    KP_APPROVAL_YELLOW_WORKDAYS working days after today yellow, later green — the rule
    approvals.selectors.lights.item_light states for one item, here for SQL."""
    today = today or clock.today()
    return today, yellow_horizon(today)


def light_case(today=None):
    """The light of an item as a SQL expression (ItemLight values)."""
    today, yellow_end = light_bounds(today)
    return Case(
        When(~Q(status__in=OPEN_STATUSES) | Q(due_date__isnull=True), then=Value(ItemLight.NONE.value)),
        When(due_date__lt=today, then=Value(ItemLight.RED.value)),
        When(due_date__lte=yellow_end, then=Value(ItemLight.YELLOW.value)),
        default=Value(ItemLight.GREEN.value),
    )


def with_light(items, today=None):
    """Annotate items with ``light`` (ItemLight) and ``light_rank`` (red 3 … none 0)."""
    items = items.annotate(light=light_case(today))
    return items.annotate(
        light_rank=Case(
            *(When(light=light.value, then=Value(rank)) for light, rank in LIGHT_RANK.items()),
            output_field=IntegerField(),
        )
    )


def period_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def counted_condition(end):
    """Items the rate of a period ending ``end`` counts: needed, and due by then or approved by then."""
    return ~Q(status=ItemStatus.NOT_NEEDED) & (Q(due_date__lte=end) | Q(approved_date__lte=end))


def done_condition(end):
    return Q(status=ItemStatus.DONE, approved_date__lte=end)


def rate_percent(done, counted):
    """done ÷ counted as a percentage to one place (half up); None when nothing is counted."""
    if not counted:
        return None
    return (Decimal(done) * 100 / Decimal(counted)).quantize(TENTH, rounding=ROUND_HALF_UP)


def rate_text(percent):
    """89.3 → "89.3%", None → "—"."""
    return "—" if percent is None else f"{percent}%"


@dataclass(frozen=True)
class RateRow:
    """The figures of one group of items (a department, a street, all of them)."""

    key: object
    label: str
    counted: int
    done: int
    red: int
    yellow: int
    items: int = 0  # every item of the group, whatever its status or date

    @property
    def percent(self):
        return rate_percent(self.done, self.counted)

    @property
    def rate(self):
        return rate_text(self.percent)


def node_items(user, *, year, region=None, level=None, street=None):
    """The approval items of the projects a page about ``region`` sums (scoping.node_projects) that
    the user may see, of projects listed in ``year`` (at ``level`` when given; of ``street``)."""
    listed = Listing.objects.filter(year=year)
    if level:
        listed = listed.filter(level=level)
    items = ApprovalItem.objects.visible_to(user).filter(listed_in(listed))
    if region is not None:
        # scoping.node_projects; without a node, visible_to alone (node_projects would drop the items
        # a department's staff keep on other streets' projects).
        items = items.filter(node_projects(user, region, "project__"))
    if street is not None:
        items = items.filter(project__street=street)
    return items


def _figures(end):
    red, yellow = ItemLight.RED.value, ItemLight.YELLOW.value
    return {
        "counted": Count("pk", filter=counted_condition(end)),
        "done": Count("pk", filter=done_condition(end)),
        "red": Count("pk", filter=Q(light=red)),
        "yellow": Count("pk", filter=Q(light=yellow)),
        "items": Count("pk"),
    }


def rate_total(items, *, year, month, today=None):
    """The figures of all ``items`` for the period, in one aggregate query."""
    row = with_light(items, today).aggregate(**_figures(period_end(year, month)))
    return RateRow(key=None, label="合计", **row)


def _grouped(items, keys, *, year, month, today, empty_label):
    rows = with_light(items, today).order_by().values(*keys).annotate(**_figures(period_end(year, month)))
    return [
        RateRow(
            key=row[keys[0]],
            label=row[keys[1]] or empty_label,
            **{name: row[name] for name in ("counted", "done", "red", "yellow", "items")},
        )
        for row in rows
    ]


def rate_by_department(items, *, year, month, today=None):
    """One row per owning department (a Unit; None for items without one), ranked by red items, then
    yellow, then the rate (highest first), then name: one grouped query."""
    rows = _grouped(
        items, ("department", "department__name"), year=year, month=month, today=today, empty_label="未指定办理部门"
    )
    return sorted(rows, key=lambda r: (-r.red, -r.yellow, r.key is None, r.percent is None, -(r.percent or 0), r.label))


def rate_by_street(items, *, year, month, today=None):
    """One row per street of the projects, by rate (highest first), then name: one grouped query."""
    keys = ("project__street", "project__street__name")
    rows = _grouped(items, keys, year=year, month=month, today=today, empty_label="未指定街道")
    return sorted(rows, key=lambda r: (r.key is None, r.percent is None, -(r.percent or 0), r.label))


def project_warnings(items, today=None):
    """{project id: (warning light, done, total)} for the projects of ``items``: the worst light of
    its blocking items (blocks_start), its done items and its needed items (不需办理 aside)."""
    rows = (
        with_light(items, today)
        .order_by()
        .values("project")
        .annotate(
            worst=Max("light_rank", filter=Q(blocks_start=True)),
            done=Count("pk", filter=Q(status=ItemStatus.DONE)),
            total=Count("pk", filter=~Q(status=ItemStatus.NOT_NEEDED)),
        )
    )
    return {row["project"]: (RANK_LIGHT[row["worst"] or 0], row["done"], row["total"]) for row in rows}


def urgent_first(items, today=None):
    """Items most urgent first: red (most days overdue first), yellow, then the rest by due date
    (open ones before done ones)."""
    return with_light(items, today).order_by(
        "-light_rank", F("due_date").asc(nulls_last=True), "project__name", "sort_order", "pk"
    )
