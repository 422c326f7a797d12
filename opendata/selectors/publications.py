"""Reads of the open-data pages: the year's projects with their 可公开 mark and point, and one
project's publication as its page shows it."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from opendata.models import Publication
from projects.choices import Level
from projects.models import Listing, Project
from projects.scoping import node_projects


@dataclass(frozen=True)
class YearRow:
    project: Project
    levels: str
    public: bool
    has_point: bool


def year_projects(*, user, year, level=None, region=None):
    """The projects listed in ``year`` (at ``level``) under ``region`` that ``user`` may see, with
    their levels that year, their mark and whether they have a point; by street, then name."""
    listings = Listing.objects.filter(year=year, project=OuterRef("pk"), **({"level": level} if level else {}))
    projects = (
        Project.objects.visible_to(user)
        .filter(node_projects(user, region))
        .filter(Exists(listings))
        .select_related("street", "unit", "publication")
        .order_by("street__sort_order", "name", "pk")
    )
    rows = list(projects)
    levels = {}
    for project_id, label in Listing.objects.filter(year=year, project__in=[p.pk for p in rows]).values_list(
        "project_id", "level"
    ):
        levels.setdefault(project_id, []).append(label)
    result = []
    for project in rows:
        publication = getattr(project, "publication", None)
        codes = sorted(levels.get(project.pk, []), key=Level.values.index)  # province first
        names = [Level(code).label for code in codes]
        result.append(
            YearRow(
                project=project,
                levels="、".join(names),
                public=bool(publication and publication.public),
                has_point=bool(publication and publication.has_point),
            )
        )
    return result


def publication_for(project):
    """The project's publication row, or None when nobody has saved one (not public, no point)."""
    try:
        return project.publication
    except Publication.DoesNotExist:
        return None
