"""What carrying a year's list over to the next would do, written nowhere: the listings of the
office's projects that go on (this year's 续建 and the 计划建成 / 新开工 ones not yet finished),
each with the category proposed for the new year, and those already on the new year's list, shown
and skipped."""

import hashlib
import json
from dataclasses import asdict, dataclass, field

from django.db.models import Prefetch, Q

from projects.choices import Batch, Category, Level, ProjectStatus
from projects.models import Assignment, Listing
from projects.scoping import in_region

# A project in one of these states is built: its listing does not go on to the next year.
FINISHED = [ProjectStatus.COMPLETED, ProjectStatus.COMMISSIONED]


@dataclass
class RolloverRow:
    listing: int  # the source listing's id
    project: int
    name: str
    district: str
    level: str
    batch: int
    from_category: str
    category: str  # proposed for the new year
    status: str
    street: str
    unit: str
    leaders: list
    total_investment: str
    from_plan: str
    skipped: bool = False  # already on the new year's list at this level

    @property
    def level_label(self):
        return Level(self.level).label

    @property
    def batch_label(self):
        return Batch(self.batch).label

    @property
    def from_category_label(self):
        return Category(self.from_category).label

    @property
    def category_label(self):
        return Category(self.category).label


@dataclass
class RolloverPlan:
    region: object
    from_year: int
    to_year: int
    rows: list = field(default_factory=list)

    @property
    def proposed(self):
        return [row for row in self.rows if not row.skipped]

    @property
    def skipped(self):
        return [row for row in self.rows if row.skipped]

    def digest(self):
        """What the preview showed, as a fingerprint: confirming refuses if it is no longer so."""
        payload = json.dumps(
            [self.region.code, self.from_year, self.to_year, [asdict(row) for row in self.rows]],
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def as_summary(self):
        return {"rows": [asdict(row) for row in self.rows]}


def rows_from(summary):
    """The rows a preview proposed, as kept in its record's summary."""
    return [RolloverRow(**row) for row in (summary or {}).get("rows", [])]


def proposed_category(project, to_year):
    """The new year's category: 计划建成 when the project is due to be finished that year, 新开工
    when it has not started yet, else 续建. The admin may change it in the preview."""
    if project.end_year == to_year:
        return Category.COMPLETION
    if project.status == ProjectStatus.PREPARING:
        return Category.NEW_START
    return Category.CONTINUING


def _amount(value):
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rollover_plan(*, region, from_year, to_year):
    """Plan carrying ``from_year``'s listings of the projects under ``region`` over to ``to_year``."""
    plan = RolloverPlan(region=region, from_year=from_year, to_year=to_year)
    going_on = Q(category=Category.CONTINUING) | ~Q(project__status__in=FINISHED)
    listings = (
        Listing.objects.filter(in_region(region, "project__"), going_on, year=from_year)
        .select_related("project__district", "project__street", "project__unit")
        .prefetch_related(
            Prefetch(
                "project__assignments",
                queryset=Assignment.objects.filter(active=True).select_related("leader").order_by("leader__name"),
                to_attr="active_assignments",
            )
        )
        .order_by("level", "batch", "category", "project__name", "pk")
    )
    listed = set(
        Listing.objects.filter(in_region(region, "project__"), year=to_year).values_list("project_id", "level")
    )
    for listing in listings:
        project = listing.project
        plan.rows.append(
            RolloverRow(
                listing=listing.pk,
                project=project.pk,
                name=project.name,
                district=project.district.name,
                level=listing.level,
                batch=listing.batch,
                from_category=listing.category,
                category=proposed_category(project, to_year),
                status=project.get_status_display(),
                street=str(project.street or ""),
                unit=str(project.unit or ""),
                leaders=[assignment.leader.name for assignment in project.active_assignments],
                total_investment=_amount(project.total_investment),
                from_plan=_amount(listing.annual_plan),
                skipped=(project.pk, listing.level) in listed,
            )
        )
    return plan
