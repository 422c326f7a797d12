"""The database itself refuses data that breaks the domain's invariants."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from projects.choices import Category, Level, ProblemStatus, ReportStatus
from projects.models import Assignment, Leader, Listing, MonthlyReport, Problem, Project, Region

pytestmark = pytest.mark.django_db


def weidong():
    return Region.objects.get(code="410403")


def new_project(**fields):
    """A project of 卫东区: a project belongs to one district, so only the constraint under test can refuse it."""
    return Project.objects.create(district=weidong(), **fields)


@pytest.fixture
def project():
    return new_project(name="约束测试项目", total_investment=Decimal("1000.00"))


@pytest.fixture
def listing(project):
    return Listing.objects.create(
        project=project, year=2015, level=Level.CITY, category=Category.CONTINUING, annual_plan=Decimal("500.00")
    )


def assert_refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_negative_total_investment_is_refused():
    assert_refused(lambda: new_project(name="负投资", total_investment=Decimal("-0.01")))


def test_negative_annual_plan_is_refused(project):
    assert_refused(
        lambda: Listing.objects.create(
            project=project, year=2015, level=Level.CITY, category=Category.CONTINUING, annual_plan=Decimal("-1")
        )
    )


def test_negative_monthly_investment_is_refused(listing):
    assert_refused(lambda: MonthlyReport.objects.create(listing=listing, month=1, investment=Decimal("-5")))


@pytest.mark.parametrize("month", [0, 13])
def test_month_outside_1_to_12_is_refused(listing, month):
    assert_refused(lambda: MonthlyReport.objects.create(listing=listing, month=month, investment=Decimal("1")))


def test_month_1_and_12_are_accepted(listing):
    MonthlyReport.objects.create(listing=listing, month=1, investment=Decimal("1"))
    MonthlyReport.objects.create(listing=listing, month=12, investment=Decimal("1"))
    assert listing.reports.count() == 2


def test_second_report_for_same_listing_and_month_is_refused(listing):
    MonthlyReport.objects.create(listing=listing, month=3, investment=Decimal("10"), status=ReportStatus.SUBMITTED)
    assert_refused(lambda: MonthlyReport.objects.create(listing=listing, month=3, investment=Decimal("20")))
    assert listing.reports.get(month=3).investment == Decimal("10.00")


def test_second_listing_for_same_project_year_and_level_is_refused(listing):
    assert_refused(
        lambda: Listing.objects.create(
            project=listing.project, year=2015, level=Level.CITY, category=Category.NEW_START, annual_plan=Decimal("1")
        )
    )


def test_same_project_may_be_listed_at_other_levels_and_years(listing):
    Listing.objects.create(project=listing.project, year=2015, level=Level.DISTRICT, category=Category.CONTINUING)
    Listing.objects.create(project=listing.project, year=2016, level=Level.CITY, category=Category.CONTINUING)
    assert listing.project.listings.count() == 3


def test_project_code_is_unique_when_present():
    new_project(name="甲", code="2015-410403-01")
    assert_refused(lambda: new_project(name="乙", code="2015-410403-01"))


def test_projects_without_code_do_not_collide():
    first = new_project(name="无代码一", code="")
    second = new_project(name="无代码二", code="  ")
    assert first.code is None and second.code is None


def test_end_year_before_start_year_is_refused():
    assert_refused(lambda: new_project(name="年份颠倒", start_year=2016, end_year=2015))


def test_resolved_problem_needs_resolution_and_date(project):
    assert_refused(
        lambda: Problem.objects.create(
            project=project, description="未写解决情况", raised_on=date(2015, 5, 1), status=ProblemStatus.RESOLVED
        )
    )
    problem = Problem.objects.create(
        project=project,
        description="已解决",
        raised_on=date(2015, 5, 1),
        status=ProblemStatus.RESOLVED,
        resolution="已协调",
        resolved_on=date(2015, 5, 20),
    )
    assert problem.pk


def test_problem_cannot_be_resolved_before_it_was_raised(project):
    assert_refused(
        lambda: Problem.objects.create(
            project=project,
            description="日期颠倒",
            raised_on=date(2015, 6, 1),
            status=ProblemStatus.RESOLVED,
            resolution="已协调",
            resolved_on=date(2015, 5, 1),
        )
    )


def test_overdue_problems_are_past_deadline_and_unresolved(project):
    late = Problem.objects.create(
        project=project, description="逾期", raised_on=date(2015, 5, 1), deadline=date(2015, 6, 1)
    )
    Problem.objects.create(project=project, description="未到期", raised_on=date(2015, 5, 1), deadline=date(2015, 7, 1))
    Problem.objects.create(
        project=project,
        description="逾期但已解决",
        raised_on=date(2015, 5, 1),
        deadline=date(2015, 6, 1),
        status=ProblemStatus.RESOLVED,
        resolution="已解决",
        resolved_on=date(2015, 6, 5),
    )
    overdue = Problem.objects.filter(project=project).overdue(on=date(2015, 6, 15))
    assert list(overdue) == [late]
    assert not Problem.objects.filter(project=project).overdue(on=date(2015, 6, 1)).exists()


def test_only_one_active_assignment_per_leader_and_project(project):
    leader = Leader.objects.create(region=weidong(), name="测试某", title="副区长", body="government")
    Assignment.objects.create(leader=leader, project=project, since=date(2015, 1, 1))
    assert_refused(lambda: Assignment.objects.create(leader=leader, project=project, since=date(2015, 2, 1)))
    Assignment.objects.create(leader=leader, project=project, since=date(2014, 1, 1), active=False)
    assert project.assignments.count() == 2


def test_project_with_reports_cannot_be_deleted(listing):
    from django.db.models import ProtectedError

    MonthlyReport.objects.create(listing=listing, month=1, investment=Decimal("1"))
    with pytest.raises(ProtectedError):
        listing.project.delete()
    assert Project.objects.filter(pk=listing.project.pk).exists()
