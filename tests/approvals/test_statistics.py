"""入统 of a project: the flag and its date, the statistics' cumulative per month entered by the
office, the rules on them, a stale page, who may do what, and the gap to the reported cumulative
against the demo's own reports."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from approvals.models import StatisticsFigure, StatisticsRegistration
from approvals.selectors.resources import project_resources, reported_by_month
from approvals.services.resources import StaleEdit
from approvals.services.statistics import statistics_save, statistics_version
from projects import clock
from projects.choices import Level
from projects.models import Listing, MonthlyReport, Project
from projects.services.cumulatives import cumulatives_refresh
from projects.services.errors import PermissionDenied, ValidationError

# Each test builds its own approvals on the demo's projects.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_demo_approvals")]

ZHENGSHUN = "市正顺化工公司技改10万吨/年洗油深加工"  # 北环路街道 (staff_a's street), city list 2015
HENGYU = "恒宇·东城国际"  # followed by 王某 (leader)


def project(name):
    return Project.objects.get(name=name)


def url(p, year=None):
    base = reverse("approvals:statistics_edit", args=[p.pk])
    return f"{base}?year={year}" if year else base


def form_data(p, year=2015, registered=True, registered_on="2015-03-15", **months):
    """months: month_3="1200" …; every other month blank."""
    data = {"version": statistics_version(project=p, year=year), "registered_on": registered_on}
    if registered:
        data["registered"] = "on"
    data.update({f"month_{m}": months.get(f"month_{m}", "") for m in range(1, 13)})
    return data


def save(user, p, *, year=2015, registered=True, registered_on=date(2015, 3, 15), figures=None):
    return statistics_save(
        user=user,
        project=p,
        registered=registered,
        registered_on=registered_on,
        year=year,
        figures=figures or {},
        expected_version=statistics_version(project=p, year=year),
    )


def figures_of(p, year=2015):
    return dict(StatisticsFigure.objects.filter(project=p, year=year).values_list("month", "cumulative"))


def test_the_office_registers_a_project_and_enters_monthly_figures(client_for, users):
    p = project(ZHENGSHUN)
    response = client_for("admin").post(url(p, 2015), form_data(p, month_3="1,200", month_6="6500", month_9="15000"))
    assert response.status_code == 302
    registration = StatisticsRegistration.objects.get(project=p)
    assert (registration.registered, registration.registered_on) == (True, date(2015, 3, 15))
    assert figures_of(p) == {3: Decimal("1200"), 6: Decimal("6500"), 9: Decimal("15000")}  # blanks not stored
    assert StatisticsFigure.objects.get(project=p, month=9).history.latest().history_user == users["admin"]


def test_a_month_left_blank_removes_what_was_entered(users):
    p = project(ZHENGSHUN)
    save(users["admin"], p, figures={3: Decimal("100"), 6: Decimal("200")})
    save(users["admin"], p, figures={3: Decimal("100"), 6: None})
    assert figures_of(p) == {3: Decimal("100")}


def test_unregistering_clears_the_date(users):
    p = project(ZHENGSHUN)
    save(users["admin"], p)
    save(users["admin"], p, registered=False, registered_on=None)
    registration = StatisticsRegistration.objects.get(project=p)
    assert (registration.registered, registration.registered_on) == (False, None)


@pytest.mark.parametrize(
    "registered, registered_on, message",
    [
        (False, "2015-03-15", "填写了入统日期，请同时勾选「已入统」。"),
        (True, "", "已入统的项目请填写入统日期。"),
        (True, "2015-02-30", "入统日期格式应为 2015-09-30。"),
    ],
)
def test_the_flag_and_the_date_go_together(client_for, registered, registered_on, message):
    p = project(ZHENGSHUN)
    response = client_for("admin").post(
        url(p, 2015), form_data(p, registered=registered, registered_on=registered_on, month_3="10")
    )
    assert response.status_code == 200  # the form again, with the message
    assert message in response.content.decode()
    assert not StatisticsRegistration.objects.filter(project=p).exists()
    assert not StatisticsFigure.objects.filter(project=p).exists()


def test_a_registration_date_after_today_is_refused(client_for):
    p = project(ZHENGSHUN)
    tomorrow = clock.today() + timedelta(days=1)
    response = client_for("admin").post(url(p, 2015), form_data(p, registered_on=tomorrow.isoformat()))
    assert response.status_code == 200  # the form again, with the message
    assert f"入统日期不能晚于今天（{clock.today():%Y-%m-%d}）。" in response.content.decode()


def test_a_falling_cumulative_is_refused_naming_the_month(client_for):
    p = project(ZHENGSHUN)
    response = client_for("admin").post(url(p, 2015), form_data(p, month_3="1200", month_5="", month_7="900"))
    page = response.content.decode()
    assert response.status_code == 200  # the form again, with the message
    assert "7月统计累计 900.00 万元小于3月的 1,200.00 万元：累计数不能逐月减少。" in page
    assert 'value="900"' in page  # the input stays
    assert not StatisticsFigure.objects.filter(project=p).exists()


@pytest.mark.parametrize(
    "typed, message", [("-1", "1月统计累计（万元）不能为负数。"), ("一千", "「一千」不是有效的金额")]
)
def test_bad_figures_are_named(client_for, typed, message):
    p = project(ZHENGSHUN)
    response = client_for("admin").post(url(p, 2015), form_data(p, month_1=typed))
    assert response.status_code == 200 and message in response.content.decode()


def test_figures_only_for_a_year_the_project_is_listed(users):
    p = project(ZHENGSHUN)
    with pytest.raises(ValidationError, match="该项目2014年未列入重点项目清单，不能填写该年的统计口径投资"):
        save(users["admin"], p, year=2014, figures={3: Decimal("5")})
    assert not StatisticsFigure.objects.filter(project=p).exists()
    assert not StatisticsRegistration.objects.filter(project=p).exists()  # nothing of the save lands


def test_a_stale_page_is_refused_and_keeps_the_input(client_for, users):
    p = project(ZHENGSHUN)
    stale = form_data(p, month_9="15000")
    save(users["admin"], p, figures={9: Decimal("14000")})
    response = client_for("admin").post(url(p, 2015), stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert "该项目的入统情况或本年度统计口径投资已被他人修改并保存，您的修改未写入" in page
    assert 'value="15000"' in page and "14,000.00" in page
    assert figures_of(p) == {9: Decimal("14000")}
    with pytest.raises(StaleEdit):
        statistics_save(
            user=users["admin"],
            project=p,
            registered=False,
            registered_on=None,
            year=2015,
            figures={},
            expected_version="stale",
        )


@pytest.mark.parametrize(
    "role, name, get_status, post_status",
    [
        ("admin", ZHENGSHUN, 200, 302),
        ("staff_a", ZHENGSHUN, 200, 403),  # keeps the project's reports, not the statistics' figure
        ("staff_b", ZHENGSHUN, 404, 404),
        ("leader", HENGYU, 200, 403),
        ("leader", ZHENGSHUN, 404, 404),
    ],
)
def test_scope_of_the_statistics_page(client_for, role, name, get_status, post_status):
    p = project(name)
    client = client_for(role)
    response = client.get(url(p, 2015))
    assert response.status_code == get_status
    if get_status == 200:
        assert ("statistics-form" in response.content.decode()) == (role == "admin")
    assert client.post(url(p, 2015), form_data(p, month_3="100")).status_code == post_status
    assert StatisticsFigure.objects.filter(project=p).exists() == (post_status == 302)


def test_the_service_refuses_everyone_but_the_office(users):
    for role in ("staff_a", "leader"):
        with pytest.raises(PermissionDenied):
            save(users[role], project(ZHENGSHUN), figures={3: Decimal("1")})
    assert not StatisticsFigure.objects.exists()


def test_the_gap_is_the_statistics_figure_less_the_demos_reported_cumulative(users, client_for):
    """正顺化工 reported its 2015 months in the demo; the statistics' 1-9月 figure is set beside the
    sum of its submitted reports to September, worked out here from the reports themselves."""
    p = project(ZHENGSHUN)
    submitted = MonthlyReport.objects.filter(listing__project=p, listing__year=2015, status="submitted")
    to_june = submitted.filter(month__lte=6).aggregate(total=Sum("investment"))["total"]
    to_september = submitted.filter(month__lte=9).aggregate(total=Sum("investment"))["total"]
    assert to_september > to_june > 0
    assert not submitted.filter(month__gte=10).exists()  # the demo stands in October 2015
    save(users["admin"], p, figures={6: Decimal("6000"), 9: Decimal("15000"), 10: Decimal("15500")})

    gaps = {g.month: (g.statistics, g.reported, g.gap) for g in project_resources(project=p).gaps}
    assert gaps == {
        6: (Decimal("6000"), to_june, Decimal("6000") - to_june),
        9: (Decimal("15000"), to_september, Decimal("15000") - to_september),
        10: (Decimal("15500"), None, None),  # October is not reported yet: no gap to show
    }
    page = client_for("staff_a").get(p.get_absolute_url()).content.decode()
    assert "统计口径与调度口径" in page and "尚未报送" in page
    assert f"{to_september:,.2f}" in page and f"{Decimal('15000') - to_september:,.2f}" in page
    assert "已入统（2015-03-15）" in page
    # The statistics page shows the reported cumulative beside each month's input.
    form = client_for("admin").get(url(p, 2015)).context["form"]
    assert form.fields["month_9"].reported == to_september
    assert form.fields["month_10"].reported is None


def test_a_project_on_two_lists_reads_the_gap_from_one_listing_only(users, client_for):
    """正顺化工 is on the city's 2015 list (reports to September). Put on the district's list as well,
    with an October report there only: the gap still reads the city listing whole (its cumulative and
    how far it has reported), so October has no reported figure rather than the city's, taken as
    reported because the district's list got that far."""
    p = project(ZHENGSHUN)
    city = p.listings.get(year=2015)
    assert city.level == Level.CITY
    district = Listing.objects.create(project=p, year=2015, level=Level.DISTRICT, category=city.category)
    MonthlyReport.objects.create(listing=district, month=10, investment=Decimal("800"), status="submitted")
    submitted = MonthlyReport.objects.filter(listing=city, status="submitted")
    to_september = submitted.aggregate(total=Sum("investment"))["total"]
    save(users["admin"], p, figures={9: Decimal("15000"), 10: Decimal("15500")})

    gaps = {g.month: (g.reported, g.gap) for g in project_resources(project=p).gaps}
    assert gaps == {9: (to_september, Decimal("15000") - to_september), 10: (None, None)}
    form = client_for("admin").get(url(p, 2015)).context["form"]
    assert form.fields["month_9"].reported == to_september
    assert form.fields["month_10"].reported is None


def test_reports_on_the_lower_listing_only_leave_the_gap_unknown(users):
    """The other way round: listed at city and district level, reports on the district's listing
    only. The city's listing, which the figures are read from, has reported nothing: no gap is
    shown against a cumulative of zero."""
    p = project(ZHENGSHUN)
    city = p.listings.get(year=2015)
    district = Listing.objects.create(project=p, year=2015, level=Level.DISTRICT, category=city.category)
    MonthlyReport.objects.filter(listing=city).update(listing=district)
    cumulatives_refresh()
    save(users["admin"], p, figures={6: Decimal("6000")})
    assert [(g.month, g.reported, g.gap) for g in project_resources(project=p).gaps] == [(6, None, None)]
    assert reported_by_month(project=p, year=2015) == {}
