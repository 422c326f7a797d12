"""Monthly reports through the services: figures, the draft → submit → return cycle, closed
months, suspicious values and the concurrent-edit conflict."""

from datetime import date
from decimal import Decimal

import pytest

from projects.choices import ReportStatus
from projects.models import ClosedMonth, Milestone, MonthlyReport, Problem, Region
from projects.selectors.figures import investment_summary, listings_for, percent_of
from projects.selectors.reporting import missing_reports, report_figures, reporting_period
from projects.services.errors import NeedsConfirmation, PermissionDenied, ReportConflict, ValidationError
from projects.services.reports import (
    ProblemInput,
    ReportInput,
    month_close,
    month_close_refusal,
    month_reopen,
    report_return,
    report_save,
    report_warnings,
)

OPEN_LISTING = "北环路机械配件厂技改（示例）"  # district level, staff_a's street, September not reported
WEIDONG = "410403"  # the demo admin's district; 新华区 and 湛河区 close their months on their own


def weidong():
    return Region.objects.get(code=WEIDONG)


def save(user, listing, version, investment="100", progress="主体施工", submit=True, **kwargs):
    return report_save(
        user=user,
        listing=listing,
        month=kwargs.pop("month", 9),
        data=ReportInput(investment=Decimal(investment), progress=progress, **kwargs.pop("data", {})),
        version=version,
        submit=submit,
        **kwargs,
    )


@pytest.mark.parametrize(
    "part, whole, expected",
    [(1, 3, "33.33"), (2, 3, "66.67"), (1, 8, "12.50"), (411700, 439950, "93.58"), (5, 0, None)],
)
def test_percent_rounds_half_up_to_two_places(part, whole, expected):
    result = percent_of(Decimal(part), Decimal(whole))
    assert (str(result) if result is not None else None) == expected


def test_report_figures_cumulative_and_percentages(listing_of):
    listing = listing_of("市正顺化工公司技改10万吨/年洗油深加工")
    first_eight = sum(r.investment for r in listing.reports.filter(month__lte=8))
    figures = report_figures(listing=listing, month=9, investment=Decimal("500.25"))
    assert figures.before == first_eight
    assert figures.cumulative == first_eight + Decimal("500.25")
    assert figures.percent == percent_of(figures.cumulative, Decimal("15000"))
    assert str(figures.schedule) == "75.00"


def test_draft_submit_return_resubmit(users, listing_of):
    staff, admin = users["staff_a"], users["admin"]
    listing = listing_of(OPEN_LISTING)
    city_before = investment_summary(listings=listings_for(year=2015, level="district"), month=9).cumulative

    draft = save(staff, listing, version=0, investment="300", submit=False)
    assert (draft.status, draft.version) == (ReportStatus.DRAFT, 1)
    assert investment_summary(listings=listings_for(year=2015, level="district"), month=9).cumulative == city_before

    submitted = save(staff, listing, version=1, investment="320")
    assert (submitted.status, submitted.version, submitted.reported_by) == (ReportStatus.SUBMITTED, 2, staff)
    assert submitted.reported_at is not None
    after = investment_summary(listings=listings_for(year=2015, level="district"), month=9).cumulative
    assert after == city_before + Decimal("320")

    with pytest.raises(ValidationError, match="已报送"):
        save(staff, listing, version=2, investment="330")

    with pytest.raises(ValidationError):
        report_return(user=admin, report=submitted, reason="  ", version=2)
    returned = report_return(user=admin, report=submitted, reason="请补充工程量", version=2)
    assert (returned.status, returned.returned_reason, returned.returned_by) == (
        ReportStatus.RETURNED,
        "请补充工程量",
        admin,
    )

    resubmitted = save(staff, listing, version=3, investment="330", progress="厂房主体完工，完成钢结构 1200 吨")
    assert (resubmitted.status, resubmitted.version) == (ReportStatus.SUBMITTED, 4)
    assert MonthlyReport.objects.get(pk=resubmitted.pk).investment == Decimal("330")


def test_only_admins_return_and_only_submitted_reports(users, listing_of):
    report = save(users["staff_a"], listing_of(OPEN_LISTING), version=0, submit=False)
    with pytest.raises(PermissionDenied):
        report_return(user=users["staff_a"], report=report, reason="x", version=1)
    with pytest.raises(ValidationError, match="只有已报送"):
        report_return(user=users["admin"], report=report, reason="x", version=1)


def test_submit_needs_progress_but_a_draft_does_not(users, listing_of):
    listing = listing_of(OPEN_LISTING)
    with pytest.raises(ValidationError) as error:
        save(users["staff_a"], listing, version=0, progress="  ")
    assert "形象进度" in str(error.value)
    assert not MonthlyReport.objects.filter(listing=listing, month=9).exists()
    assert save(users["staff_a"], listing, version=0, progress="", submit=False).status == ReportStatus.DRAFT


@pytest.mark.parametrize("investment", ["-0.01", "1000000.01", "99999999999"])
def test_negative_or_absurd_amounts_are_refused(users, listing_of, investment):
    listing = listing_of(OPEN_LISTING)
    with pytest.raises(ValidationError):
        save(users["staff_a"], listing, version=0, investment=investment, confirmed=True)
    assert not MonthlyReport.objects.filter(listing=listing, month=9).exists()


def test_more_than_the_remaining_total_investment_asks_for_confirmation(users, listing_of):
    listing = listing_of(OPEN_LISTING)
    remaining = listing.project.total_investment - sum(r.investment for r in listing.reports.all())
    too_much = str(remaining + 1)
    with pytest.raises(NeedsConfirmation) as warning:
        save(users["staff_a"], listing, version=0, investment=too_much)
    assert "剩余总投资" in warning.value.warnings[0]
    assert not MonthlyReport.objects.filter(listing=listing, month=9).exists()
    assert save(users["staff_a"], listing, version=0, investment=too_much, confirmed=True).investment == Decimal(
        too_much
    )


def test_cumulative_far_above_the_annual_plan_asks_for_confirmation(users, listing_of):
    listing = listing_of(OPEN_LISTING)
    listing.project.total_investment = Decimal("999999")
    listing.project.save()
    before = sum(r.investment for r in listing.reports.filter(month__lt=9))
    over = listing.annual_plan * Decimal("1.5") - before + 1
    with pytest.raises(NeedsConfirmation) as warning:
        save(users["staff_a"], listing, version=0, investment=str(over))
    assert "150%" in warning.value.warnings[0]


def test_closed_month_refuses_staff_and_needs_a_reason_from_admin(users, listing_of):
    listing = listing_of(OPEN_LISTING)
    august = listing.reports.get(month=8)
    with pytest.raises(ValidationError, match="已锁定"):
        save(users["staff_a"], listing, version=august.version, month=8, investment="1")
    with pytest.raises(ValidationError, match="更正原因"):
        save(users["admin"], listing, version=august.version, month=8, investment="1")
    assert MonthlyReport.objects.get(pk=august.pk).investment == august.investment

    corrected = save(
        users["admin"], listing, version=august.version, month=8, investment="1", correction_reason="统计局核定数"
    )
    assert corrected.investment == Decimal("1")
    record = corrected.history.latest()
    assert record.history_change_reason == "已锁定月份更正：统计局核定数"
    assert record.history_user == users["admin"]
    assert record.prev_record.investment == august.investment


def test_closing_a_month(users):
    with pytest.raises(PermissionDenied):
        month_close(user=users["staff_a"], year=2015, month=9)
    month_close(user=users["admin"], year=2015, month=9)
    assert list(ClosedMonth.objects.filter(year=2015, month=9).values_list("district__code", flat=True)) == [WEIDONG]
    with pytest.raises(ValidationError, match="已经锁定"):
        month_close(user=users["admin"], year=2015, month=9)


def test_two_saves_from_the_same_version_the_second_is_refused(users, listing_of):
    listing = listing_of("北环路街道便民服务中心（示例）")  # September draft in the demo data
    draft = listing.reports.get(month=9)
    first = save(users["staff_a"], listing, version=draft.version, investment="111", submit=False)
    with pytest.raises(ReportConflict) as conflict:
        save(users["admin"], listing, version=draft.version, investment="222", submit=False)
    assert conflict.value.current.investment == Decimal("111")
    assert "未写入" in str(conflict.value)
    stored = MonthlyReport.objects.get(pk=draft.pk)
    assert (stored.investment, stored.version) == (Decimal("111"), first.version)


def test_two_first_saves_of_a_new_report_the_second_is_refused(users, listing_of):
    listing = listing_of(OPEN_LISTING)
    save(users["staff_a"], listing, version=0, investment="10", submit=False)
    with pytest.raises(ReportConflict):
        save(users["admin"], listing, version=0, investment="20", submit=False)
    assert MonthlyReport.objects.get(listing=listing, month=9).investment == Decimal("10")


def test_out_of_scope_users_cannot_save(users, listing_of):
    listing = listing_of(OPEN_LISTING)
    for role in ("staff_b", "leader", "other_leader"):
        with pytest.raises(PermissionDenied):
            save(users[role], listing, version=0)
    assert not MonthlyReport.objects.filter(listing=listing, month=9).exists()


def test_problems_and_milestones_from_a_report(users, listing_of):
    listing = listing_of("市正顺化工公司技改10万吨/年洗油深加工")
    september = listing.reports.get(month=9)
    returned = report_return(user=users["admin"], report=september, reason="补充问题", version=september.version)
    milestone = Milestone.objects.get(project=listing.project, name="竣工投产")
    report = save(
        users["staff_a"],
        listing,
        version=returned.version,
        investment=str(september.investment),
        data={
            "problems": [ProblemInput(description="蒸汽管网接入未完成", kind="utilities")],
            "milestones": {milestone: date(2015, 9, 28)},
        },
    )
    problem = Problem.objects.get(description="蒸汽管网接入未完成")
    assert (problem.source_report, problem.raised_by, problem.status, problem.unit) == (
        report,
        users["staff_a"],
        "open",
        listing.project.unit,
    )
    assert [(step.from_status, step.to_status, step.by) for step in problem.steps.all()] == [
        ("", "open", users["staff_a"])
    ]
    assert Milestone.objects.get(pk=milestone.pk).actual_date == date(2015, 9, 28)


def test_reporting_period_follows_the_closed_months(users):
    assert reporting_period(region=weidong(), today=date(2026, 11, 28)) == (2015, 9)
    month_close(user=users["admin"], year=2015, month=9)
    assert reporting_period(region=weidong(), today=date(2026, 11, 28)) == (2015, 10)
    assert reporting_period(region=weidong(), today=date(2015, 10, 5)) == (2015, 9)  # never a month not yet over


def test_the_unreported_list_shrinks_when_a_report_is_submitted(users, listing_of):
    admin = users["admin"]
    before = list(missing_reports(user=admin, year=2015, month=9))
    assert len(before) == 8
    save(users["staff_a"], listing_of(OPEN_LISTING), version=0)
    after = list(missing_reports(user=admin, year=2015, month=9))
    assert len(after) == 7
    assert {listing.project.name for listing in before} - {listing.project.name for listing in after} == {OPEN_LISTING}


def test_a_month_far_above_the_projects_largest_earlier_month_asks_for_confirmation(users, listing_of):
    listing = listing_of(OPEN_LISTING)  # January–August run 190–534 万元
    largest = max(r.investment for r in listing.reports.filter(month__lt=9))
    warnings = report_warnings(listing=listing, month=9, investment=largest * 3 + Decimal("0.01"))
    assert any("此前单月最高 534.00 万元的 3 倍" in warning for warning in warnings)
    assert not any("倍" in warning for warning in report_warnings(listing=listing, month=9, investment=largest * 3))
    with pytest.raises(NeedsConfirmation):
        save(users["staff_a"], listing, version=0, investment=str(largest * 3 + 1))
    assert not MonthlyReport.objects.filter(listing=listing, month=9).exists()


def test_a_first_month_above_half_the_plan_asks_for_confirmation(listing_of):
    listing = listing_of(OPEN_LISTING)
    half = listing.annual_plan / 2
    assert any("年度计划" in w and "50%" in w for w in report_warnings(listing=listing, month=1, investment=half + 1))
    assert report_warnings(listing=listing, month=1, investment=half) == []


def test_a_problem_logged_with_a_report_is_dated_in_the_reports_month(users, listing_of):
    listing = listing_of(OPEN_LISTING)
    report = save(
        users["staff_a"],
        listing,
        version=0,
        data={"problems": [ProblemInput(description="设备到货延迟", kind="other", deadline=date(2015, 10, 15))]},
    )
    problem = report.problems.get()
    assert (problem.raised_on, problem.deadline) == (date(2015, 9, 30), date(2015, 10, 15))


def test_reopening_the_latest_closed_month_with_a_reason(users):
    admin = users["admin"]
    with pytest.raises(PermissionDenied):
        month_reopen(user=users["staff_a"], year=2015, month=8, reason="补报")
    with pytest.raises(ValidationError, match="解锁原因"):
        month_reopen(user=admin, year=2015, month=8, reason=" ")
    with pytest.raises(ValidationError, match="只能解锁最近锁定的月份（2015年8月）"):
        month_reopen(user=admin, year=2015, month=7, reason="补报")
    with pytest.raises(ValidationError, match="2015年9月没有锁定"):
        month_reopen(user=admin, year=2015, month=9, reason="补报")
    month_reopen(user=admin, year=2015, month=8, reason="街道补报8月数据")
    assert not ClosedMonth.objects.filter(district__code=WEIDONG, year=2015, month=8).exists()
    removed = ClosedMonth.history.filter(district__code=WEIDONG, year=2015, month=8).latest()
    assert (removed.history_type, removed.history_change_reason, removed.history_user) == (
        "-",
        "解锁：街道补报8月数据",
        admin,
    )
    assert reporting_period(region=weidong()) == (2015, 8)


def test_closing_is_refused_with_the_reason_the_sheet_shows(users):
    admin = users["admin"]
    assert month_close_refusal(user=admin, year=2015, month=9) is None
    assert "已经锁定" in month_close_refusal(user=admin, year=2015, month=8)
    assert "按顺序锁定" in month_close_refusal(user=admin, year=2015, month=10)
    with pytest.raises(ValidationError, match="按顺序锁定"):
        month_close(user=users["admin"], year=2015, month=10)


# Each district closes its months on its own; an office closes and reopens for its own districts.

XINHUA, ZHANHE = "410402", "410411"
XINHUA_LISTING = "新华区中兴路片区棚户区改造（示例）"  # 中兴路街道; January–September submitted


@pytest.fixture
def xinhua(users, django_user_model):
    """新华区's office and a reporter of its 中兴路街道 (the demo has only 卫东区's own accounts)."""
    from accounts.models import Role
    from projects.models import Street

    district = Region.objects.get(code=XINHUA)
    admin = django_user_model.objects.create_user("xinhua", role=Role.ADMIN, region=district)
    staff = django_user_model.objects.create_user("xinhua_staff", role=Role.STAFF, region=district)
    staff.streets.set([Street.objects.get(district=district, name="中兴路街道")])
    return {"district": district, "admin": admin, "staff": staff}


def city_admin(django_user_model):
    return django_user_model.objects.get(username="city")


def closed_in(year, month):
    return set(ClosedMonth.objects.filter(year=year, month=month).values_list("district__code", flat=True))


def city_districts():
    return set(Region.objects.filter(parent__code="410400", kind="district").values_list("code", flat=True))


def test_a_district_office_closes_a_month_for_its_own_district_only(users, xinhua, listing_of):
    xinhua_listing = listing_of(XINHUA_LISTING)
    september = xinhua_listing.reports.get(month=9)
    returned = report_return(user=xinhua["admin"], report=september, reason="请核对9月数", version=september.version)

    month_close(user=users["admin"], year=2015, month=9)
    assert closed_in(2015, 9) == {WEIDONG}
    with pytest.raises(ValidationError, match="2015年9月已锁定"):  # 卫东区's staff: their month is closed
        save(users["staff_a"], listing_of(OPEN_LISTING), version=0)
    # 新华区's staff still report September: their office has not closed it.
    resubmitted = save(xinhua["staff"], xinhua_listing, version=returned.version, investment="2604")
    assert (resubmitted.status, resubmitted.was_correction) == (ReportStatus.SUBMITTED, False)
    assert month_close_refusal(user=xinhua["admin"], year=2015, month=9) is None


def test_the_city_office_closes_the_month_in_every_district_of_the_city(users, xinhua, django_user_model):
    city = city_admin(django_user_model)
    month_close(user=users["admin"], year=2015, month=9)  # 卫东区 first: the city closes the rest
    closed = month_close(user=city, year=2015, month=9)
    assert WEIDONG not in {row.district.code for row in closed}
    assert closed_in(2015, 9) == city_districts() >= {WEIDONG, XINHUA, ZHANHE}
    assert ClosedMonth.objects.filter(year=2015, month=9, district__code=WEIDONG).count() == 1
    assert "已经锁定" in month_close_refusal(user=city, year=2015, month=9)
    with pytest.raises(ValidationError, match="2015年9月已经锁定"):
        month_close(user=xinhua["admin"], year=2015, month=9)


def test_the_city_closes_nothing_when_one_of_its_districts_would_skip_a_month(users, xinhua, django_user_model):
    city = city_admin(django_user_model)
    month_reopen(user=xinhua["admin"], year=2015, month=8, reason="新华区补报8月")
    assert month_close_refusal(user=city, year=2015, month=9) == (
        "月份须按顺序锁定：新华区已锁定到2015年7月，下一个应锁定2015年8月。"
    )
    with pytest.raises(ValidationError, match="新华区已锁定到2015年7月"):
        month_close(user=city, year=2015, month=9)
    assert closed_in(2015, 9) == set()
    month_close(user=city, year=2015, month=8)  # only 新华区 had August open
    assert closed_in(2015, 8) == city_districts()
    assert ClosedMonth.objects.filter(year=2015, month=8, district__code=WEIDONG).count() == 1


def test_reopening_by_a_district_office_never_reopens_another_district(users, xinhua, django_user_model):
    admin, city = users["admin"], city_admin(django_user_model)
    month_close(user=city, year=2015, month=9)
    reopened = month_reopen(user=admin, year=2015, month=9, reason="卫东区补报")
    assert [district.code for district in reopened] == [WEIDONG]
    assert closed_in(2015, 9) == city_districts() - {WEIDONG}
    # 新华区 still has September closed, but it is not 卫东区's to reopen.
    with pytest.raises(ValidationError, match="2015年9月没有锁定"):
        month_reopen(user=admin, year=2015, month=9, reason="再次解锁")
    month_reopen(user=admin, year=2015, month=8, reason="卫东区补报8月")
    assert XINHUA in closed_in(2015, 8) and WEIDONG not in closed_in(2015, 8)
    # The city may not reopen August while its other districts have September closed after it.
    with pytest.raises(ValidationError, match="只能解锁最近锁定的月份"):
        month_reopen(user=city, year=2015, month=8, reason="市级解锁")
    month_reopen(user=city, year=2015, month=9, reason="市级解锁")
    assert closed_in(2015, 9) == set()


def test_a_city_reopen_is_refused_while_a_district_has_closed_a_later_month(users, django_user_model):
    city = city_admin(django_user_model)
    month_close(user=users["admin"], year=2015, month=9)
    with pytest.raises(ValidationError, match="只能解锁最近锁定的月份（卫东区2015年9月）"):
        month_reopen(user=city, year=2015, month=8, reason="市级解锁")
    assert len(closed_in(2015, 8)) == 3


def test_an_admin_without_an_office_closes_nothing(users, django_user_model):
    from accounts.models import Role

    nowhere = django_user_model.objects.create_user("nowhere", role=Role.ADMIN)
    with pytest.raises(PermissionDenied, match="没有所属的项目办"):
        month_close(user=nowhere, year=2015, month=9)
    with pytest.raises(PermissionDenied, match="没有所属的项目办"):
        month_reopen(user=nowhere, year=2015, month=8, reason="x")
    assert closed_in(2015, 9) == set() and len(closed_in(2015, 8)) == 3


def test_another_district_reporting_ahead_never_moves_the_default_month(users, xinhua, listing_of):
    from projects.scoping import home_region
    from projects.selectors.reporting import figures_period, latest_reported_period

    month_close(user=xinhua["admin"], year=2015, month=9)
    save(xinhua["staff"], listing_of(XINHUA_LISTING), version=0, month=10, investment="2700", confirmed=True)
    today = date(2026, 11, 28)
    weidong_office = home_region(users["admin"])
    assert reporting_period(region=weidong_office, today=today) == (2015, 9)
    assert reporting_period(region=home_region(users["staff_a"]), today=today) == (2015, 9)
    assert reporting_period(region=home_region(xinhua["admin"]), today=today) == (2015, 10)
    assert reporting_period(region=home_region(xinhua["staff"]), today=today) == (2015, 10)
    # The city's month is the one some district still reports in.
    assert reporting_period(region=Region.objects.get(code="410400"), today=today) == (2015, 9)
    assert figures_period(region=weidong_office) == latest_reported_period(region=weidong_office) == (2015, 9)
    assert figures_period(2015, region=weidong_office) == (2015, 9)
    assert figures_period(region=xinhua["district"]) == (2015, 10)
    assert latest_reported_period() == (2015, 10)  # the whole installation, as before
