"""generate_scale_data: realistic synthetic data for the benchmarks, reproducible from a seed."""

import io

import pytest
from django.core.management import CommandError, call_command

from projects.models import Assignment, Listing, Milestone, MonthlyReport, Problem


def fingerprint(listings):
    """Everything random about the listings, in creation order (names carry a running number)."""
    return [
        (
            listing.year,
            listing.batch,
            listing.category,
            listing.annual_plan,
            listing.planned_start_month,
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
    "options, message", [({"listings": 0}, "正整数"), ({"listings": 5, "years": "2015,去年"}, "逗号分隔的年度")]
)
def test_bad_arguments_are_refused_in_chinese(demo, options, message):
    count = Listing.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("generate_scale_data", stdout=io.StringIO(), **options)
    assert Listing.objects.count() == count
