"""The year's public key projects as an OC4IDS 0.9 project package (docs/oc4ids.md maps each field).

Only projects an admin marked 可公开 (models.Publication) are published, in the user's scope and
under the node asked for. Amounts go out in 元 as exact integers (our 万元 have two places, so
× 10,000 is whole); dates as Beijing time. Problems, supervision visits, leaders' instructions,
scoring and the people who follow a project stay out."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from approvals.models import ApprovalItem, Funding
from opendata import mapping
from projects import clock
from projects.choices import Level
from projects.models import Listing, Milestone, Project, Region
from projects.scoping import node_projects
from projects.selectors.figures import counted_reports

VERSION = "0.9"
CURRENCY = "CNY"
YUAN_PER_WAN = 10000
PREFIX_PATTERN = re.compile(r"^oc4ids-[a-z0-9]{6}$")
LEVEL_ORDER = {level: index for index, level in enumerate(Level.values)}  # province first


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


def yuan(amount):
    """万元 (a Decimal of two places) in 元, as the exact integer OC4IDS's number holds."""
    value = Decimal(amount) * YUAN_PER_WAN
    if value != value.to_integral_value():
        raise ValueError(f"{amount} 万元 is not a whole number of 元")
    return int(value)


def money(amount):
    return {"amount": yuan(amount), "currency": CURRENCY}


def _moment(day, *, end=False):
    """A day as an RFC 3339 date-time in the office's time zone (its start, or its last second)."""
    moment = datetime.combine(day, time(23, 59, 59) if end else time.min)
    return timezone.make_aware(moment, timezone.get_default_timezone()).isoformat()


def _stamp(value):
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _month_period(year, month):
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)) if month < 12 else date(year, 12, 31)
    return {"startDate": _moment(date(year, month, 1)), "endDate": _moment(last, end=True)}


def _year_period(year):
    return {"startDate": _moment(date(year, 1, 1)), "endDate": _moment(date(year, 12, 31), end=True)}


def full_name(region):
    names = []
    while region is not None:
        names.append(region.name)
        region = region.parent
    return "".join(reversed(names))


def publisher_name(region):
    configured = (getattr(settings, "KP_OC4IDS_PUBLISHER", "") or "").strip()
    if configured:
        return configured
    return f"{full_name(region)}项目办" if region is not None else "重点项目办公室"


@dataclass(frozen=True)
class PackageRequest:
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


def _reports_by_listing(listing_ids, chunk=500):
    """The counted reports of the listings, by listing, in month order; asked for in chunks of ids
    (a province's package holds thousands of listings, more than a query's parameters may be)."""
    reports = {}
    for start in range(0, len(listing_ids), chunk):
        rows = counted_reports().filter(listing_id__in=listing_ids[start : start + chunk])
        for row in rows.order_by("listing_id", "month").values("listing_id", "month", "progress", "updated_at"):
            reports.setdefault(row["listing_id"], []).append(row)
    return reports


def _year_listings(project):
    """One listing per year: the highest level's (province, then city, then district)."""
    chosen = {}
    for listing in project.listings.all():
        held = chosen.get(listing.year)
        if held is None or LEVEL_ORDER[listing.level] < LEVEL_ORDER[held.level]:
            chosen[listing.year] = listing
    return [chosen[year] for year in sorted(chosen)]


def _classifications(project, listings_of_year):
    entries = []
    for listing in listings_of_year:
        entries += [
            ("kp-level", listing.level, listing.get_level_display()),
            ("kp-batch", str(listing.batch), listing.get_batch_display()),
            ("kp-category", listing.category, listing.get_category_display()),
        ]
    entries += [
        ("kp-stage", project.stage, project.get_stage_display()),
        ("kp-sector", project.sector, project.get_sector_display()),
        ("kp-status", project.status, project.get_status_display()),
    ]
    unique = list(dict.fromkeys(entries))
    return [{"scheme": scheme, "id": code, "description": label} for scheme, code, label in unique]


def _budget(project, year_listings):
    budget = {}
    if project.total_investment:
        budget["amount"] = money(project.total_investment)
        budget["description"] = f"总投资 {project.total_investment:,.2f} 万元"
    breakdowns = [
        {
            "id": str(listing.year),
            "description": f"{listing.year}年{listing.get_level_display()}项目年度计划投资",
            "amount": money(listing.annual_plan),
            "period": _year_period(listing.year),
        }
        for listing in year_listings
        if listing.annual_plan
    ]
    if breakdowns:
        budget["budgetBreakdowns"] = [{"id": "annual-plan", "budgetBreakdown": breakdowns}]
    finance = []
    for funding in project.fundings.all():
        if not (funding.planned or funding.secured):
            continue
        entry = {
            "id": f"{funding.year}-{funding.source}",
            "title": f"{funding.year}年{funding.get_source_display()}",
            "description": f"计划 {funding.planned:,.2f} 万元，已到位 {funding.secured:,.2f} 万元",
            "value": money(funding.planned or funding.secured),  # the plan; money with no plan, what came
            "source": funding.get_source_display(),
            "period": _year_period(funding.year),
        }
        if finance_type := mapping.FINANCE_TYPES.get(funding.source):
            entry["type"] = finance_type
        finance.append(entry)
    if finance:
        budget["finance"] = finance
    return budget


def _metrics(year_listings, reports, *, year, today):
    financial, physical, plans = [], [], []
    for listing in year_listings:
        counted = reports.get(listing.pk, [])
        if listing.annual_plan:
            plans.append(
                {
                    "id": f"{listing.year}-plan",
                    "period": _year_period(listing.year),
                    "value": money(listing.annual_plan),
                    "dimensions": {"kind": "planned", "basis": "annualPlan"},
                    "notes": f"{listing.year}年计划完成投资",
                }
            )
        last = max((row["month"] for row in counted), default=0)
        cumulative = getattr(listing, "cumulative_row", None)
        for month in range(1, last + 1):
            amount = cumulative.through(month) if cumulative is not None else Decimal("0")
            financial.append(
                {
                    "id": f"{listing.year}-{month:02d}",
                    "period": _month_period(listing.year, month),
                    "value": money(amount),
                    "dimensions": {"kind": "actual", "basis": "cumulativeFromJanuary"},
                    "notes": f"{listing.year}年{'1-' if month > 1 else ''}{month}月累计完成投资",
                }
            )
        for row in counted:
            if text := row["progress"].strip():
                physical.append(
                    {
                        "id": f"{listing.year}-{row['month']:02d}",
                        "period": _month_period(listing.year, row["month"]),
                        "notes": text,
                    }
                )
    metrics = []
    if plans or financial:
        metrics.append(
            {
                "id": "financialProgress",
                "title": "完成投资",
                "description": "各年计划投资与按月累计完成投资（已报送的月度填报）",
                "observations": plans + financial,
            }
        )
    if physical:
        metrics.append(
            {
                "id": "physicalProgress",
                "title": "形象进度",
                "description": "各月报送的形象进度（文字）",
                "observations": physical,
            }
        )
    return metrics


def _status_of(due, met, today):
    if met:
        return "met"
    if due and due < today:
        return "notMet"
    return "scheduled"


def _milestones(project, today):
    milestones = []
    for item in project.approval_items.all():
        if item.status not in mapping.PUBLISHED_ITEM_STATUSES:
            continue
        due = item.due_date or item.planned_date
        met = item.approved_date if item.status == "done" else None
        entry = {
            "id": f"approval-{item.pk}",
            "title": item.name,
            "type": "approval",
            "code": "projectApproval",
            "status": _status_of(due, met or (item.status == "done"), today),
            "dateModified": _stamp(item.updated_at),
        }
        details = [f"办理部门：{item.department.name}"] if item.department_id else []
        details.append(f"办理状态：{item.get_status_display()}")
        if item.document_number:
            details.append(f"批复文号：{item.document_number}")
        entry["description"] = "；".join(details)
        if due:
            entry["dueDate"] = _moment(due, end=True)
        if met:
            entry["dateMet"] = _moment(met)
        milestones.append(entry)
    for milestone in project.milestones.all():
        entry = {
            "id": f"milestone-{milestone.pk}",
            "title": milestone.name,
            "type": "delivery",
            "dueDate": _moment(milestone.planned_date, end=True),
            "status": _status_of(milestone.planned_date, milestone.actual_date, today),
        }
        if code := mapping.milestone_code(milestone.name):
            entry["code"] = code
        if milestone.actual_date:
            entry["dateMet"] = _moment(milestone.actual_date)
        milestones.append(entry)
    return milestones


def _parties(project):
    parties = []
    if project.unit_id:
        parties.append({"id": f"unit-{project.unit_id}", "name": project.unit.name, "roles": mapping.UNIT_ROLES})
    if project.owner.strip():
        parties.append({"id": "owner", "name": project.owner.strip(), "roles": mapping.OWNER_ROLES})
    return parties


def _location(project, publication):
    """Where the project is: its district and street (街道, a subdivision, so part of the locality),
    and, when entered, its point in WGS84 as GeoJSON (longitude first)."""
    district = project.district
    city = district.parent if district else None
    province = city.parent if city else None
    address = {"countryName": "中国"}
    if province or city:
        address["region"] = (province or city).name
    places = [city.name if city and province else "", district.name if district else ""]
    places.append(project.street.name if project.street_id else "")
    if locality := "".join(places):
        address["locality"] = locality
    location = {"id": "1", "address": address}
    if locality:
        location["description"] = locality
    if publication is not None and publication.has_point:
        location["geometry"] = {
            "type": "Point",
            "coordinates": [float(publication.longitude), float(publication.latitude)],
        }
    return location


def _completion(project, milestones):
    if project.status not in mapping.COMPLETED_STATUSES:
        return None
    met = [m["dateMet"] for m in milestones if m.get("code") == "completion" and m.get("dateMet")]
    completion = {"endDateDetails": f"项目{project.get_status_display()}"}
    if met:
        completion["endDate"] = max(met)
    else:
        completion["endDateDetails"] += "，竣工日期未记录"
    return completion


def _last_change(project, publication, reports):
    """When anything the project's entry is made of last changed."""
    moments = [project.updated_at]
    moments += [publication.updated_at] if publication is not None and publication.pk else []
    for listing in project.listings.all():
        moments.append(listing.updated_at)
        moments += [row["updated_at"] for row in reports.get(listing.pk, [])]
    moments += [item.updated_at for item in project.approval_items.all()]
    moments += [funding.updated_at for funding in project.fundings.all()]
    return max(moments)


def project_entry(project, *, prefix, year, reports, today):
    publication = getattr(project, "publication", None)
    year_listings = _year_listings(project)
    listings_of_year = sorted(
        (listing for listing in project.listings.all() if listing.year == year), key=lambda x: LEVEL_ORDER[x.level]
    )
    entry = {
        "id": f"{prefix}-{project.pk}",
        "updated": _stamp(_last_change(project, publication, reports)),
        "language": "zh",
        "title": project.name,
    }
    if project.code:
        entry["identifiers"] = [{"id": project.code, "scheme": mapping.PROJECT_CODE_SCHEME}]
    if project.content.strip():
        entry["description"] = project.content.strip()
    if publication is not None and publication.purpose.strip():
        entry["purpose"] = publication.purpose.strip()
    if sectors := mapping.sector_codes(project):
        entry["sector"] = sectors
    entry["additionalClassifications"] = _classifications(project, listings_of_year)
    if kind := mapping.project_type(project):
        entry["type"] = kind
    entry["status"] = mapping.project_status(project)
    if budget := _budget(project, year_listings):
        entry["budget"] = budget
    if project.start_year or project.end_year:
        entry["period"] = {}
        if project.start_year:
            entry["period"]["startDate"] = _moment(date(project.start_year, 1, 1))
        if project.end_year:
            entry["period"]["endDate"] = _moment(date(project.end_year, 12, 31), end=True)
    entry["locations"] = [_location(project, publication)]
    if parties := _parties(project):
        entry["parties"] = parties
    if project.unit_id:
        entry["publicAuthority"] = {"id": f"unit-{project.unit_id}", "name": project.unit.name}
    if metrics := _metrics(year_listings, reports, year=year, today=today):
        entry["metrics"] = metrics
    milestones = _milestones(project, today)
    if milestones:
        entry["milestones"] = milestones
    if completion := _completion(project, milestones):
        entry["completion"] = completion
    return entry


def package_uri(request, code, uri=None):
    """Where the package will be published (``uri``, e.g. the open-data portal's address for the
    file), else a name that is unique for the publisher, year, level and node (urn:<prefix>:…)."""
    return uri or f"urn:{code}:package:{request.file_name.removesuffix('.json')}"


def oc4ids_package(*, user, request, uri=None):
    """The package for ``request`` (a PackageRequest) as ``user`` may see it; CannotPublish when no
    prefix is set or no project of the year is marked 可公开."""
    code = prefix()
    projects = list(
        _with_related(
            public_projects(user=user, year=request.year, level=request.level, region=request.region),
            year=request.year,
            level=request.level,
        ).order_by("pk")
    )
    if not projects:
        where = f"{request.region.name}" if request.region else ""
        level = Level(request.level).label if request.level else "重点"
        raise CannotPublish(
            f"{where}{request.year}年{level}项目中没有标为「可公开」的项目，未导出任何数据。"
            "请先在「公开数据」页面（或项目页面的「公开数据」一节）把要公开的项目设为可公开。"
        )
    listing_ids = [listing.pk for project in projects for listing in project.listings.all()]
    reports = _reports_by_listing(listing_ids)
    today = clock.today()
    entries = [project_entry(p, prefix=code, year=request.year, reports=reports, today=today) for p in projects]
    package = {
        "uri": package_uri(request, code, uri),
        # Made on demand: the moment it was made (each project's "updated" says when its rows last
        # changed; an item's status also moves with the calendar, so no earlier moment is sure).
        "publishedDate": _stamp(timezone.now()),
        "publisher": {"name": publisher_name(request.region)},
        "version": VERSION,
        "projects": entries,
    }
    if license_uri := (getattr(settings, "KP_OC4IDS_LICENSE", "") or "").strip():
        package["license"] = license_uri
    return package
