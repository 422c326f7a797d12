"""Reads of the 联审联批 pages: the year's board (one row per project with its items), the
departments ranked by their warnings, and one department's items most urgent first."""

from dataclasses import dataclass, field

from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.roles import is_leader, is_office_admin, is_staff_reporter
from approvals.choices import ItemLight
from approvals.selectors.figures import project_warnings, with_light
from projects.models import Project, Unit
from projects.scoping import NOTHING, managed_rows, visible_regions

# A project's warning in words; an item's light by its ItemLight label.
WARNING_LABELS = {
    ItemLight.RED: "红灯",
    ItemLight.YELLOW: "黄灯",
    ItemLight.GREEN: "绿灯",
    ItemLight.NONE: "无预警",
}


def label_lights(items):
    """Give each item of a page (annotated by with_light) its light's words: ``light_label``."""
    for item in items:
        item.light_label = ItemLight(item.light).label
    return items


@dataclass
class BoardRow:
    """One project of the board: its warning (worst blocking item), done/total and its item chips."""

    project: Project
    warning: str = ItemLight.NONE
    done: int = 0
    total: int = 0
    items: list = field(default_factory=list)

    @property
    def warning_label(self):
        return WARNING_LABELS[self.warning]


def board_projects(filtered, scoped, today=None):
    """The projects having an item in ``filtered`` (the board's filtered items), worst warning first
    (computed over the user's ``scoped`` items of the year), then by street and name: a queryset to
    paginate."""
    worst = (
        with_light(scoped.filter(project=OuterRef("pk"), blocks_start=True), today)
        .order_by("-light_rank")
        .values("light_rank")[:1]
    )
    return (
        Project.objects.filter(pk__in=filtered.values("project_id"))
        .annotate(worst_rank=Coalesce(Subquery(worst, output_field=IntegerField()), Value(0)))
        .select_related("street", "district")
        .order_by("-worst_rank", "street__sort_order", "name", "pk")
    )


def opened_projects(user, ids):
    """Of the projects ``ids``, those whose own page the user may open: a department's staff read
    the items of other streets' projects, not the projects."""
    return set(Project.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def opened_departments(user):
    """The ids of the departments whose page the user may open (department_units)."""
    return set(department_units(user).values_list("pk", flat=True))


def board_rows(projects, *, user, filtered, scoped, today=None):
    """The board's rows for one page of ``projects``: three queries (the projects' warnings and
    counts, the filtered items of the page, which projects the user opens); each project says
    whether its page opens for the user (``opens``)."""
    ids = [project.pk for project in projects]
    warnings = project_warnings(scoped.filter(project_id__in=ids), today)
    rows = {project.pk: BoardRow(project, *warnings.get(project.pk, (ItemLight.NONE, 0, 0))) for project in projects}
    items = (
        with_light(filtered.filter(project_id__in=ids), today)
        .select_related("department")
        .order_by("project_id", "sort_order", "pk")
    )
    for item in label_lights(items):
        rows[item.project_id].items.append(item)
    opened = opened_projects(user, ids)
    for row in rows.values():
        row.project.opens = row.project.pk in opened
    return list(rows.values())


def department_units(user):
    """The departments (Units) whose page the user may open: an office's units, a staff user's own,
    the units of a leader's district (a leader sees only the items of followed projects there)."""
    if is_office_admin(user):
        return Unit.objects.filter(managed_rows(user, "district"))
    if is_staff_reporter(user):
        return Unit.objects.filter(pk__in=user.units.values("pk"))
    if is_leader(user):
        return Unit.objects.filter(district__in=visible_regions(user).values("pk"))
    return Unit.objects.filter(NOTHING)
