"""Synthetic data at city or province scale, reproducible from a seed, written with bulk inserts.

Used by the query-count tests (the same page at two data sizes) and by the benchmarks.
Names are marked 示例 and read as invented; so is the province the generator can spread its
listings over (示例省, code 990000: no province has the prefix 99 in GB/T 2260, so none of its
codes can meet a real one).
"""

import random
from collections import namedtuple
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from projects.choices import (
    Batch,
    Body,
    Category,
    Level,
    ProblemKind,
    ProblemStatus,
    ProjectStatus,
    RegionKind,
    ReportStatus,
    Sector,
    UnitKind,
)
from projects.freshness import data_changed
from projects.models import (
    Assignment,
    Leader,
    Listing,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Region,
    Street,
    Unit,
)
from projects.services.cumulatives import cumulatives_refresh

PLACES = ["东城", "西岭", "南湖", "北岗", "新华", "建设", "光明", "和平", "解放", "人民", "胜利", "长安"]
KINDS = ["智能制造产业园", "物流中心", "棚户区改造", "道路改造工程", "污水处理厂", "商业综合体", "学校新建", "医院扩建"]

SCALE_PROVINCE_CODE, SCALE_PROVINCE_NAME = "990000", "示例省"
DISTRICTS_PER_CITY = 10  # as many as 平顶山市 has
MAX_REGIONS = 99 * DISTRICTS_PER_CITY  # cities 9901–9999, districts 01–10 in each
STREETS_PER_DISTRICT = 4
NUMERALS = "一二三四五六七八九"

DistrictStaff = namedtuple("DistrictStaff", "streets units leaders")


def _numeral(number):
    """1–99 in Chinese numerals: 一, 十, 十二, 三十, 九十九."""
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{NUMERALS[tens - 1]}十")
    return head + (NUMERALS[ones - 1] if ones else "")


def _region(code, name, kind, parent):
    """The region at ``code``, created if missing; a code taken by a region of another tier or
    parent is refused (the generator never renames or moves a region)."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        region = Region(code=code, name=name, kind=kind, parent=parent)
        region.full_clean()
        region.save()
    elif region.kind != kind or region.parent_id != (parent.pk if parent else None):
        raise ValidationError(f"行政区划代码 {code} 已被“{region.name}”占用，不能用作示例{RegionKind(kind).label}。")
    return region


def scale_regions(count):
    """The first ``count`` districts of 示例省 (990000), ten to a city (示例一市 990100: 990101–990110,
    示例二市 990200: …), each with its streets, units and leaders; creates whatever is missing."""
    if not 1 <= count <= MAX_REGIONS:
        raise ValidationError(f"区县数应在 1 到 {MAX_REGIONS} 之间，收到：{count}。")
    with transaction.atomic():
        province = _region(SCALE_PROVINCE_CODE, SCALE_PROVINCE_NAME, RegionKind.PROVINCE, None)
        districts = []
        for number in range(count):
            city_number, district_number = divmod(number, DISTRICTS_PER_CITY)
            city_code = f"99{city_number + 1:02d}00"
            city = _region(city_code, f"示例{_numeral(city_number + 1)}市", RegionKind.CITY, province)
            district = _region(
                f"{city_code[:4]}{district_number + 1:02d}",
                f"示例{PLACES[district_number]}区",
                RegionKind.DISTRICT,
                city,
            )
            _district_staff(district)
            districts.append(district)
    return districts


def _district_staff(district):
    """A district's streets, units and leaders, creating a few of each kind it has none of."""
    streets = list(Street.objects.filter(district=district))
    if not streets:
        streets = [
            Street.objects.create(district=district, name=f"示例{place}街道", sort_order=order)
            for order, place in enumerate(PLACES[:STREETS_PER_DISTRICT], start=1)
        ]
    units = list(Unit.objects.filter(district=district))
    if not units:
        units = [
            *(
                Unit.objects.create(
                    district=district, name=f"{street.name}办事处", kind=UnitKind.STREET_OFFICE, street=street
                )
                for street in streets
            ),
            Unit.objects.create(district=district, name="示例责任单位", kind=UnitKind.DEPARTMENT),
        ]
    leaders = list(Leader.objects.filter(region=district))
    if not leaders:
        leaders = [
            Leader.objects.create(region=district, name="示例某", title="区长", body=Body.GOVERNMENT),
            Leader.objects.create(region=district, name="示例甲", title="副区长", body=Body.GOVERNMENT),
        ]
    return DistrictStaff(streets, units, leaders)


def default_district():
    """Where listings go when no districts are named: the district holding the most projects
    (the demo's 卫东区), or, in a database without projects, the first district of 示例省."""
    busiest = (
        Region.objects.filter(kind=RegionKind.DISTRICT)
        .annotate(projects_count=Count("projects"))
        .filter(projects_count__gt=0)
        .order_by("-projects_count", "code")
        .first()
    )
    return busiest or scale_regions(1)[0]


def scale_data_generate(*, listings, seed=2015, years=(2015,), level=Level.CITY, months=12, districts=None):
    """Add ``listings`` listings spread over ``years`` (one project each), with ``months`` submitted
    reports per listing, two milestones per project (most reached), a problem on every third
    project and an assignment for each.

    The projects are spread evenly over ``districts`` (every district gets listings in every year;
    ``scale_regions`` gives a province's worth), by default over ``default_district()`` alone. Each
    project takes its street, unit and leader from its own district, creating a few where the
    district has none. Returns the number of listings created.
    """
    rng = random.Random(seed)
    if districts is not None and not districts:
        raise ValidationError("至少需要一个区县。")

    def district_of(number):
        # Listing ``number`` falls in year ``number % len(years)``; stepping the district once per
        # round of years gives every district listings in every year.
        return districts[(number // len(years)) % len(districts)]

    with transaction.atomic():
        districts = [default_district()] if districts is None else list(districts)
        staff = {district.pk: _district_staff(district) for district in districts}
        first = Project.objects.count()
        projects = []
        for i in range(listings):
            district = district_of(i)
            projects.append(
                Project(
                    name=f"{rng.choice(PLACES)}{rng.choice(KINDS)}（示例{first + i + 1:06d}）",
                    owner="示例建设有限公司",
                    district=district,
                    street=rng.choice(staff[district.pk].streets),
                    unit=rng.choice(staff[district.pk].units),
                    total_investment=Decimal(rng.randrange(5_000, 500_000)),
                    start_year=min(years),
                    end_year=max(years) + 1,
                    sector=rng.choice(Sector.values),
                    status=ProjectStatus.UNDER_CONSTRUCTION,
                )
            )
        projects = Project.objects.bulk_create(projects, batch_size=1000)
        created = Listing.objects.bulk_create(
            [
                Listing(
                    project=project,
                    year=years[i % len(years)],
                    level=level,
                    batch=rng.choice(Batch.values),
                    category=rng.choice(Category.values),
                    annual_plan=Decimal(rng.randrange(1_000, 60_000)),
                    planned_start_month=rng.randrange(1, 7),
                )
                for i, project in enumerate(projects)
            ],
            batch_size=1000,
        )
        MonthlyReport.objects.bulk_create(
            (
                MonthlyReport(
                    listing=listing,
                    month=month,
                    investment=(listing.annual_plan * Decimal(rng.randrange(40, 130)) / 1200).quantize(Decimal("0.01")),
                    progress="按计划推进（示例）",
                    status=ReportStatus.SUBMITTED,
                )
                for listing in created
                for month in range(1, months + 1)
            ),
            batch_size=2000,
        )
        cumulatives_refresh(listing.pk for listing in created)
        Problem.objects.bulk_create(
            [
                Problem(
                    project=project,
                    description="施工用地协调未完成（示例）",
                    kind=rng.choice(ProblemKind.values),
                    raised_on=date(years[0], 5, 1),
                    deadline=date(years[0], 8, 1),
                    status=ProblemStatus.COORDINATING,
                    unit=project.unit,
                )
                for project in projects[::3]
            ],
            batch_size=1000,
        )
        Milestone.objects.bulk_create(
            [
                Milestone(
                    project=project,
                    name=name,
                    planned_date=date(listing.year, month, 1),
                    actual_date=date(listing.year, month, rng.randrange(1, 29)) if rng.random() < 0.7 else None,
                )
                for project, listing in zip(projects, created, strict=True)
                for name, month in (("开工", rng.randrange(1, 4)), ("主体完工", rng.randrange(6, 10)))
            ],
            batch_size=1000,
        )
        Assignment.objects.bulk_create(
            [
                Assignment(
                    leader=rng.choice(staff[project.district_id].leaders), project=project, since=date(years[0], 1, 1)
                )
                for project in projects
            ],
            batch_size=1000,
        )
        data_changed()  # bulk_create sends no model signal
    return len(created)
