"""The year's public key projects as an OC4IDS 0.9 project package (docs/oc4ids.md maps each field):
which projects go in, under whose name, and the package around them; each project's entry is made
by selectors/entries.py.

Only projects an admin marked 可公开 (models.Publication) are published, in the user's scope and
under the node asked for. Problems, supervision visits, leaders' instructions, scoring and the
people who follow a project stay out."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from approvals.models import ApprovalItem, Funding
from opendata.selectors.entries import full_name, project_entry, reports_by_listing, stamp
from projects import clock
from projects.choices import Level
from projects.models import Listing, Milestone, Project, Region
from projects.scoping import home_region, node_projects

VERSION = "0.9"
PREFIX_PATTERN = re.compile(r"^oc4ids-[a-z0-9]{6}$")


class CannotPublish(Exception):
    """The package cannot be written; the message says why and what to do, in Chinese."""


NO_PREFIX = (
    "尚未设置 OC4IDS 项目编号前缀，不能导出公开数据。OC4IDS 要求每个发布者使用在开放缔约伙伴关系"
    "（Open Contracting Partnership）登记的前缀：请发邮件至 data@open-contracting.org 申请"
    "（见 OC4IDS 文档「Project identifiers」一节），取得形如 oc4ids-xxxxxx 的前缀后，"
    "在服务器的环境变量 KP_OC4IDS_PREFIX 中设置（如 KP_OC4IDS_PREFIX=oc4ids-abc123）并重启服务。"
)


def prefix():
    """The publisher's registered prefix (KP_OC4IDS_PREFIX); CannotPublish when missing or malformed."""
    value = (getattr(settings, "KP_OC4IDS_PREFIX", "") or "").strip()
    if not value:
        raise CannotPublish(NO_PREFIX)
    if not PREFIX_PATTERN.match(value):
        raise CannotPublish(
            f"KP_OC4IDS_PREFIX 的值「{value}」不是 OC4IDS 前缀：应为 oc4ids- 加 6 位小写字母或数字，"
            "如 oc4ids-abc123。请核对登记时取得的前缀。"
        )
    return value


def publishing_office(user, region):
    """The node whose office publishes a package of ``region``'s projects: an office's account its own
    office, whatever node it asks for (a city's office downloading one of its districts publishes as
    the city); the operator, the node itself."""
    if user.is_superuser:
        return region
    return home_region(user) or region


def publisher_name(region):
    configured = (getattr(settings, "KP_OC4IDS_PUBLISHER", "") or "").strip()
    if configured:
        return configured
    return f"{full_name(region)}项目办" if region is not None else "重点项目办公室"


@dataclass(frozen=True)
class PackageRequest:
    """What a package holds: a year, a level, the node its projects lie under."""

    year: int
    level: str | None = None
    region: Region | None = None

    @property
    def title(self):
        place = self.region.name if self.region else ""
        return f"{place}{self.year}年{Level(self.level).label if self.level else '重点'}项目公开数据"

    @property
    def file_name(self):
        parts = ["oc4ids", str(self.year)]
        if self.level:
            parts.append(self.level)
        if self.region:
            parts.append(self.region.code)
        return "-".join(parts) + ".json"


def public_projects(*, user, year, level=None, region=None):
    """The projects of the package: listed in ``year`` (at ``level``), under ``region``, visible to
    ``user`` and marked 可公开."""
    listings = Listing.objects.filter(year=year, **({"level": level} if level else {}))
    return (
        Project.objects.visible_to(user)
        .filter(node_projects(user, region))
        .filter(publication__public=True, pk__in=listings.values("project_id"))
    )


def narrowest_node(*, user, year, level=None):
    """The lowest node holding every project ``user`` would publish for ``year`` (at ``level``): the
    district when they all lie in one, else their city, else the top of the tree; None when there is
    nothing to publish. The operator's export is published under it, not under the province."""
    districts = set(public_projects(user=user, year=year, level=level).values_list("district_id", flat=True))
    nodes = list(Region.objects.filter(pk__in=districts).select_related("parent__parent"))
    while len(nodes) > 1:
        parents = {node.parent_id: node.parent for node in nodes}
        if None in parents:
            return None
        nodes = list(parents.values())
    return nodes[0] if nodes else None


def _with_related(projects, *, year, level):
    years = Q(year__lte=year) & (Q(level=level) if level else Q())
    return projects.select_related("district__parent__parent", "street", "unit", "publication").prefetch_related(
        Prefetch(
            "listings",
            queryset=Listing.objects.filter(years).select_related("cumulative_row").order_by("year", "level"),
        ),
        Prefetch(
            "approval_items",
            queryset=ApprovalItem.objects.select_related("department").order_by("sort_order", "pk"),
        ),
        Prefetch("milestones", queryset=Milestone.objects.order_by("planned_date", "pk")),
        Prefetch("fundings", queryset=Funding.objects.filter(year__lte=year).order_by("year", "source")),
    )


def package_uri(request, code, uri=None):
    """Where the package will be published (``uri``, e.g. the open-data portal's address for the
    file), else a name that is unique for the publisher, year, level and node (urn:<prefix>:…)."""
    return uri or f"urn:{code}:package:{request.file_name.removesuffix('.json')}"


def package_parts(*, user, request, uri=None, chunk=500):
    """The package for ``request`` (a PackageRequest) as ``user`` may see it, as its frame (every field
    but ``projects``) and its projects one by one — built ``chunk`` at a time, so that a province's
    package is written with its memory bounded (exporters.write_package). CannotPublish when no
    prefix is set or no project of the year is marked 可公开."""
    code = prefix()
    scoped = public_projects(user=user, year=request.year, level=request.level, region=request.region)
    ids = list(scoped.order_by("pk").values_list("pk", flat=True))
    if not ids:
        where = f"{request.region.name}" if request.region else ""
        level = Level(request.level).label if request.level else "重点"
        raise CannotPublish(
            f"{where}{request.year}年{level}项目中没有标为「可公开」的项目，未导出任何数据。"
            "请先在「公开数据」页面（或项目页面的「公开数据」一节）把要公开的项目设为可公开。"
        )
    frame = {
        "uri": package_uri(request, code, uri),
        # Made on demand: the moment it was made (each project's "updated" says when its rows last
        # changed; an item's status also moves with the calendar, so no earlier moment is sure).
        "publishedDate": stamp(timezone.now()),
        "publisher": {"name": publisher_name(publishing_office(user, request.region))},
        "version": VERSION,
    }
    if license_uri := (getattr(settings, "KP_OC4IDS_LICENSE", "") or "").strip():
        frame["license"] = license_uri
    return frame, _entries(ids, code=code, year=request.year, level=request.level, chunk=chunk)


def _entries(ids, *, code, year, level, chunk):
    today = clock.today()
    for start in range(0, len(ids), chunk):
        batch = Project.objects.filter(pk__in=ids[start : start + chunk]).order_by("pk")
        projects = list(_with_related(batch, year=year, level=level))
        reports = reports_by_listing([listing.pk for project in projects for listing in project.listings.all()])
        for project in projects:
            yield project_entry(project, prefix=code, year=year, reports=reports, today=today)


def oc4ids_package(*, user, request, uri=None):
    """The whole package as one dict (package_parts, held in memory: for tests and small nodes)."""
    frame, entries = package_parts(user=user, request=request, uri=uri)
    return {**frame, "projects": list(entries)}
