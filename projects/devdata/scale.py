"""Synthetic data at city or province scale, reproducible from a seed, written with bulk inserts.

Used by the query-count tests (the same page at two data sizes) and by the benchmarks.
Names are marked 示例 and read as invented.
"""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction

from projects.choices import Batch, Category, Level, ProblemKind, ProblemStatus, ProjectStatus, ReportStatus, Sector
from projects.freshness import data_changed
from projects.models import (
    Assignment,
    Region,
    Leader,
    Listing,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Street,
    Unit,
)
from projects.services.cumulatives import cumulatives_refresh

PLACES = ["东城", "西岭", "南湖", "北岗", "新华", "建设", "光明", "和平", "解放", "人民", "胜利", "长安"]
KINDS = ["智能制造产业园", "物流中心", "棚户区改造", "道路改造工程", "污水处理厂", "商业综合体", "学校新建", "医院扩建"]


def scale_data_generate(*, listings, seed=2015, years=(2015,), level=Level.CITY, months=12):
    """Add ``listings`` listings spread over ``years`` (one project each), with ``months`` submitted
    reports per listing, two milestones per project (most reached), a problem on every third
    project and an assignment for each.

    Reuses the district's streets, units and leaders (creating a few if there are none). Returns
    the number of listings created.
    """
    rng = random.Random(seed)
    streets = list(Street.objects.all()) or _make_streets()
    units = list(Unit.objects.all()) or [Unit.objects.create(name="示例责任单位")]
    leaders = list(Leader.objects.all()) or [Leader.objects.create(name="示例某", title="副区长", body="government")]
    first = Project.objects.count()
    with transaction.atomic():
        projects = Project.objects.bulk_create(
            [
                Project(
                    name=f"{rng.choice(PLACES)}{rng.choice(KINDS)}（示例{first + i + 1:06d}）",
                    owner="示例建设有限公司",
                    street=rng.choice(streets),
                    unit=rng.choice(units),
                    total_investment=Decimal(rng.randrange(5_000, 500_000)),
                    start_year=min(years),
                    end_year=max(years) + 1,
                    sector=rng.choice(Sector.values),
                    status=ProjectStatus.UNDER_CONSTRUCTION,
                )
                for i in range(listings)
            ],
            batch_size=1000,
        )
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
                Assignment(leader=rng.choice(leaders), project=project, since=date(years[0], 1, 1))
                for project in projects
            ],
            batch_size=1000,
        )
        data_changed()  # bulk_create sends no model signal
    return len(created)


def _make_streets():
    district, _ = Region.objects.get_or_create(code="000000", defaults={"name": "示例区"})
    return [Street.objects.create(district=district, name=f"示例{place}街道") for place in PLACES]
