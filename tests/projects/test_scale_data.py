"""generate_scale_data: realistic synthetic data for the benchmarks, reproducible from a seed."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from projects.choices import RegionKind
from projects.devdata.scale import scale_data_generate
from projects.models import Assignment, Listing, Milestone, MonthlyReport, Problem, Region, Street, Unit
from projects.scoping import regions_under


def fingerprint(listings):
    """Everything random about the listings, in creation order (names carry a running number)."""
    return [
        (
            listing.year,
            listing.batch,
            listing.category,
            listing.annual_plan,
            listing.planned_start_month,
            listing.project.district_id,
            listing.project.street_id,
            listing.project.unit_id,
            listing.project.total_investment,
            tuple(listing.reports.order_by("month").values_list("month", "investment", "status")),
            tuple(listing.project.milestones.order_by("name").values_list("name", "planned_date", "actual_date")),
            listing.project.problems.count(),
            tuple(listing.project.assignments.values_list("leader_id", flat=True)),
        )
        for listing in listings.select_related("project").order_by("pk")
    ]


def test_the_command_spreads_listings_over_the_years_with_their_reports(demo):
    before = Listing.objects.values_list("pk", flat=True).order_by("-pk").first()
    output = io.StringIO()
    call_command("generate_scale_data", listings=30, seed=7, years="2013,2014,2015", stdout=output)
    created = Listing.objects.filter(pk__gt=before)
    assert "已生成 30 个清单项目（种子 7" in output.getvalue()
    assert list(created.order_by("year").values_list("year", flat=True).distinct()) == [2013, 2014, 2015]
    assert created.filter(year=2014).count() == 10
    assert MonthlyReport.objects.filter(listing__in=created).count() == 30 * 12
    assert Milestone.objects.filter(project__listings__in=created).count() == 60
    assert Problem.objects.filter(project__listings__in=created).count() == 10
    assert Assignment.objects.filter(project__listings__in=created, active=True).count() == 30
    assert all(listing.project.name.endswith("）") and "示例" in listing.project.name for listing in created)
    # Without --regions they go to the demo's own district, with its streets, units and leaders.
    assert set(created.values_list("project__district__code", flat=True)) == {"410403"}
    assert not created.exclude(project__street__district__code="410403").exists()
    assert not Assignment.objects.filter(project__listings__in=created).exclude(leader__region__code="410403").exists()


def test_months_leaves_the_later_months_to_report(demo):
    before = Listing.objects.values_list("pk", flat=True).order_by("-pk").first()
    call_command("generate_scale_data", listings=4, seed=7, years="2016", months=9, stdout=io.StringIO())
    reports = MonthlyReport.objects.filter(listing__pk__gt=before)
    assert reports.count() == 4 * 9
    assert set(reports.values_list("month", flat=True)) == set(range(1, 10))


def test_regions_spread_the_listings_over_the_districts_of_an_invented_province(demo):
    before = Listing.objects.values_list("pk", flat=True).order_by("-pk").first()
    output = io.StringIO()
    call_command("generate_scale_data", listings=120, seed=7, years="2014,2015", regions=12, stdout=output)
    assert "已生成 120 个清单项目（种子 7，年度 2014,2015，分布在示例省的 12 个区县）" in output.getvalue()

    province = Region.objects.get(code="990000", kind=RegionKind.PROVINCE, parent=None)
    cities = Region.objects.filter(parent=province).order_by("code")
    assert [(city.code, city.name, city.kind) for city in cities] == [
        ("990100", "示例一市", RegionKind.CITY),
        ("990200", "示例二市", RegionKind.CITY),
    ]
    districts = Region.objects.filter(parent__parent=province)
    assert (
        districts.filter(parent__code="990100").count() == 10 and districts.filter(parent__code="990200").count() == 2
    )
    assert set(districts.values_list("kind", flat=True)) == {RegionKind.DISTRICT}
    for district in districts:
        district.full_clean()  # six digits, under its city's prefix

    created = Listing.objects.filter(pk__gt=before).select_related("project")
    assert created.count() == created.filter(project__district__in=regions_under(province.pk)).count() == 120
    # Evenly: every district has listings in both years.
    per_district_year = created.values_list("project__district", "year").annotate(n=Count("pk"))
    assert sorted(n for _, _, n in per_district_year) == [5] * 24
    # Each project's street, unit and leader belong to its own district; every district has its own.
    for listing in created:
        project = listing.project
        assert project.street.district_id == project.unit.district_id == project.district_id
        assert {a.leader.region_id for a in project.assignments.all()} == {project.district_id}
    for district in districts:
        assert district.streets.count() == 4 and district.units.count() == 5 and district.leaders.count() == 2
        assert set(district.units.exclude(street=None).values_list("street__district", flat=True)) == {district.pk}


def test_regions_are_reused_and_the_same_seed_gives_the_same_spread(demo):
    call_command("generate_scale_data", listings=30, seed=11, years="2015", regions=3, stdout=io.StringIO())
    regions, streets, units = Region.objects.count(), Street.objects.count(), Unit.objects.count()
    first_from = Listing.objects.order_by("-pk").values_list("pk", flat=True).first()
    call_command("generate_scale_data", listings=30, seed=11, years="2015", regions=3, stdout=io.StringIO())
    second_from = Listing.objects.order_by("-pk").values_list("pk", flat=True).first()
    call_command("generate_scale_data", listings=30, seed=11, years="2015", regions=3, stdout=io.StringIO())
    assert (Region.objects.count(), Street.objects.count(), Unit.objects.count()) == (regions, streets, units)
    first = fingerprint(Listing.objects.filter(pk__gt=first_from, pk__lte=second_from))
    second = fingerprint(Listing.objects.filter(pk__gt=second_from))
    assert len(first) == 30 and first == second
    assert len({row[5] for row in first}) == 3  # three districts


def test_the_generator_takes_any_districts_and_gives_them_streets_units_and_leaders(demo):
    shilong = Region.objects.get(code="410404")  # 石龙区: in the demo's tree, without streets or projects
    assert not shilong.streets.exists()
    scale_data_generate(listings=4, seed=3, years=(2015,), districts=[shilong])
    assert shilong.projects.count() == 4
    assert shilong.streets.exists() and shilong.units.exists() and shilong.leaders.exists()
    assert not shilong.projects.exclude(street__district=shilong).exists()


def test_the_same_seed_gives_the_same_data(demo):
    first_from = Listing.objects.order_by("-pk").values_list("pk", flat=True).first()
    call_command("generate_scale_data", listings=12, seed=99, years="2015", stdout=io.StringIO())
    second_from = Listing.objects.order_by("-pk").values_list("pk", flat=True).first()
    call_command("generate_scale_data", listings=12, seed=99, years="2015", stdout=io.StringIO())
    third_from = Listing.objects.order_by("-pk").values_list("pk", flat=True).first()
    call_command("generate_scale_data", listings=12, seed=100, years="2015", stdout=io.StringIO())
    first = fingerprint(Listing.objects.filter(pk__gt=first_from, pk__lte=second_from))
    second = fingerprint(Listing.objects.filter(pk__gt=second_from, pk__lte=third_from))
    other_seed = fingerprint(Listing.objects.filter(pk__gt=third_from))
    assert len(first) == 12 and first == second
    assert other_seed != first


@pytest.mark.parametrize(
    "options, message",
    [
        ({"listings": 0}, "正整数"),
        ({"listings": 5, "years": "2015,去年"}, "逗号分隔的年度"),
        ({"listings": 5, "regions": 0}, "区县数应在 1 到 990 之间"),
        ({"listings": 5, "regions": 991}, "区县数应在 1 到 990 之间"),
        ({"listings": 5, "months": 13}, "--months 应在 0 到 12 之间"),
        ({"listings": 5, "months": -1}, "--months 应在 0 到 12 之间"),
    ],
)
def test_bad_arguments_are_refused_in_chinese(demo, options, message):
    count, regions = Listing.objects.count(), Region.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("generate_scale_data", stdout=io.StringIO(), **options)
    assert Listing.objects.count() == count and Region.objects.count() == regions


def test_a_code_taken_by_another_region_is_refused(demo):
    Region.objects.create(code="990000", name="某地", kind=RegionKind.CITY)
    with pytest.raises(CommandError, match="990000 已被“某地”占用，不能用作示例省"):
        call_command("generate_scale_data", listings=5, regions=2, stdout=io.StringIO())
    assert not Region.objects.filter(code__startswith="9901").exists()
