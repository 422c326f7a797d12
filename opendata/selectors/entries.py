"""One public project as an OC4IDS project (docs/oc4ids.md, section 3): its identifiers and
classifications, budget and finance, period and place, parties, monthly progress and milestones.

Amounts go out in 元 as exact integers (our 万元 have two places, so × 10,000 is whole); dates as
Beijing time. The rows come prefetched by selectors/package.py."""

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from approvals.choices import ItemStatus
from opendata import mapping
from projects.choices import Level
from projects.models.base import FIRST_YEAR, LAST_YEAR
from projects.periods import Period
from projects.selectors.figures import counted_reports

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")  # China has kept +08:00 since 1991
CURRENCY = "CNY"
YUAN_PER_WAN = 10000
LEVEL_ORDER = {level: index for index, level in enumerate(Level.values)}  # province first


def yuan(amount):
    """万元 (a Decimal of two places) in 元, as the exact integer OC4IDS's number holds."""
    value = Decimal(amount) * YUAN_PER_WAN
    if value != value.to_integral_value():
        raise ValueError(f"{amount} 万元 is not a whole number of 元")
    return int(value)


def money(amount):
    return {"amount": yuan(amount), "currency": CURRENCY}


def _moment(day, *, end=False):
    """A day as an RFC 3339 date-time at Beijing's +08:00 (its start, or its last second); None for a
    day outside FIRST_YEAR..LAST_YEAR — a typing slip (1015 for 2015) published as a date would be
    wrong, and the zone database gives 1900's local mean time, +08:05:43, which RFC 3339 refuses."""
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return datetime.combine(day, time(23, 59, 59) if end else time.min, tzinfo=BEIJING).isoformat()


def stamp(value):
    """A row's timestamp at +08:00, to the second."""
    return value.astimezone(BEIJING).replace(microsecond=0).isoformat()


def _year_day(year, month, day):
    """The moment of ``month``/``day`` of ``year`` (the year's last second for 31 December), or None
    for no year or one outside FIRST_YEAR..LAST_YEAR."""
    if not year or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return _moment(date(year, month, day), end=(month, day) == (12, 31))


def _dates(**named):
    """The named moments that exist, as a dict (a field whose date is unknown or out of range is left
    out)."""
    return {key: value for key, value in named.items() if value is not None}


def _month_period(year, month):
    period = Period(year, month)
    return {"startDate": _moment(date(year, month, 1)), "endDate": _moment(period.last_day, end=True)}


def _year_period(year):
    return {"startDate": _moment(date(year, 1, 1)), "endDate": _moment(date(year, 12, 31), end=True)}


def full_name(region):
    names = []
    while region is not None:
        names.append(region.name)
        region = region.parent
    return "".join(reversed(names))


def reports_by_listing(listing_ids, chunk=500):
    """The counted reports of the listings, by listing, in month order; asked for in chunks of ids
    (a province's package holds thousands of listings, more than a query's parameters may be)."""
    reports = {}
    for start in range(0, len(listing_ids), chunk):
        rows = counted_reports().filter(listing_id__in=listing_ids[start : start + chunk])
        for row in rows.order_by("listing_id", "month").values("listing_id", "month", "progress", "updated_at"):
            reports.setdefault(row["listing_id"], []).append(row)
    return reports


def _year_listings(project, reports):
    """One listing per year, the one whose figures the year's progress is read from: of the listings
    with counted reports the highest level's (province, then city, then district); when none has
    any, the highest level's with a plan; else the highest level's. So a year reported on a lower
    level's list is never left out because a higher list holds the project with nothing in it."""
    chosen = {}
    for listing in project.listings.all():
        rank = (not reports.get(listing.pk), not listing.annual_plan, LEVEL_ORDER[listing.level])
        held = chosen.get(listing.year)
        if held is None or rank < held[0]:
            chosen[listing.year] = (rank, listing)
    return [chosen[year][1] for year in sorted(chosen)]


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


def _metrics(year_listings, reports):
    """The plan of each chosen listing's year, then its cumulative investment and 形象进度 at the end of
    each month with a counted report (a month nobody reported is not published)."""
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
        cumulative = getattr(listing, "cumulative_row", None)
        for row in counted:
            month = row["month"]
            key, period = f"{listing.year}-{month:02d}", _month_period(listing.year, month)
            amount = cumulative.through(month) if cumulative is not None else Decimal("0")
            financial.append(
                {
                    "id": key,
                    "period": period,
                    "value": money(amount),
                    "dimensions": {"kind": "actual", "basis": "cumulativeFromJanuary"},
                    "notes": f"{listing.year}年{'1-' if month > 1 else ''}{month}月累计完成投资",
                }
            )
            if text := row["progress"].strip():
                physical.append({"id": key, "period": period, "notes": text})
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
        done = item.status == ItemStatus.DONE
        met = item.approved_date if done else None
        entry = {
            "id": f"approval-{item.pk}",
            "title": item.name,
            "type": "approval",
            "code": "projectApproval",
            "status": _status_of(due, met or done, today),
            "dateModified": stamp(item.updated_at),
        }
        details = [f"办理部门：{item.department.name}"] if item.department_id else []
        details.append(f"办理状态：{item.get_status_display()}")
        if item.document_number:
            details.append(f"批复文号：{item.document_number}")
        entry["description"] = "；".join(details)
        entry.update(_dates(dueDate=_moment(due, end=True), dateMet=_moment(met)))
        milestones.append(entry)
    for milestone in project.milestones.all():
        entry = {
            "id": f"milestone-{milestone.pk}",
            "title": milestone.name,
            "type": "delivery",
            "status": _status_of(milestone.planned_date, milestone.actual_date, today),
        }
        if code := mapping.milestone_code(milestone.name):
            entry["code"] = code
        entry.update(_dates(dueDate=_moment(milestone.planned_date, end=True), dateMet=_moment(milestone.actual_date)))
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
    year_listings = _year_listings(project, reports)
    listings_of_year = sorted(
        (listing for listing in project.listings.all() if listing.year == year), key=lambda x: LEVEL_ORDER[x.level]
    )
    entry = {
        "id": f"{prefix}-{project.pk}",
        "updated": stamp(_last_change(project, publication, reports)),
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
    if period := _dates(startDate=_year_day(project.start_year, 1, 1), endDate=_year_day(project.end_year, 12, 31)):
        entry["period"] = period
    entry["locations"] = [_location(project, publication)]
    if parties := _parties(project):
        entry["parties"] = parties
    if project.unit_id:
        entry["publicAuthority"] = {"id": f"unit-{project.unit_id}", "name": project.unit.name}
    if metrics := _metrics(year_listings, reports):
        entry["metrics"] = metrics
    milestones = _milestones(project, today)
    if milestones:
        entry["milestones"] = milestones
    if completion := _completion(project, milestones):
        entry["completion"] = completion
    return entry
