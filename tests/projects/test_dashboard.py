"""The district overview, the warnings and the leaders' view: exact figures, boundaries, scope,
and query counts that do not grow with the data."""

import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from projects.choices import WarningLight
from projects.devdata.scale import scale_data_generate
from projects.models import Listing, MonthlyReport, Project, Region
from projects.selectors.dashboard import leader_projects
from projects.selectors.figures import lagging_condition, with_figures
from projects.selectors.reporting import latest_reported_period

GREEN, YELLOW, RED = WarningLight.GREEN, WarningLight.YELLOW, WarningLight.RED
WEIDONG = "410403"  # the demo admin's office; 新华区 and 湛河区 hold invented projects beside it


def weidong_project(name):
    return Project.objects.create(name=name, district=Region.objects.get(code=WEIDONG))


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_demo_figures_read_from_the_rendered_overview(client_for):
    response = page(client_for("admin"), "/")
    html = response.content.decode()
    assert "2015年市重点项目建设情况" in html and "1-9月" in html
    assert '<strong id="overview-plan">439,950.00</strong>' in html
    assert '<strong id="overview-done">411,700.00</strong>' in html
    assert '<strong class="big" id="overview-percent">93.58%</strong>' in html
    assert "时序进度 75.00%" in html
    assert "26个项目累计完成投资 <strong>41.17亿元</strong>" in html
    o = response.context["o"]
    assert [(row.label, row.listings) for row in o.by_category] == [("计划建成", 3), ("续建", 16), ("新开工", 7)]
    assert sum(row.listings for row in o.by_batch) == 26
    assert (o.problems["found"], o.problems["resolved"], o.problems["coordinating"]) == (50, 38, 12)
    for label, count in (("计划建成", 3), ("续建", 16), ("新开工", 7)):
        assert f"<span>{label}</span><strong>{count}</strong>" in html
    for figure in ("<strong>50</strong>", "<strong>38</strong>", "<strong>12</strong>"):
        assert figure in html


def test_default_period_is_the_latest_month_with_submitted_reports(demo):
    assert latest_reported_period() == (2015, 9)
    MonthlyReport.objects.filter(month=9).update(status="draft")
    assert latest_reported_period() == (2015, 8)


def test_a_new_years_list_without_reports_does_not_move_the_default_period(demo):
    scale_data_generate(listings=5, seed=1, years=(2016,), months=0)  # imported, nothing reported yet
    assert latest_reported_period() == (2015, 9)
    MonthlyReport.objects.create(listing=Listing.objects.filter(year=2016).first(), month=2, status="draft")
    assert latest_reported_period() == (2015, 9)  # a draft does not count
    MonthlyReport.objects.create(listing=Listing.objects.filter(year=2016).last(), month=3, status="submitted")
    assert latest_reported_period() == (2016, 3)


def test_breakdowns_rates_and_rankings(client_for):
    o = page(client_for("admin"), "/overview/", year=2015, month=9, level="city").context["o"]
    assert sum(row.annual_plan for row in o.by_street) == Decimal("439950")
    assert sum(row.cumulative for row in o.by_unit) == Decimal("411700")
    assert sum(row.lagging for row in o.by_category) == o.warning_counts[YELLOW] + o.warning_counts[RED] == 3
    assert (o.start_rate.planned, o.start_rate.done, str(o.start_rate.percent)) == (7, 5, "71.43")
    assert (o.completion_rate.planned, o.completion_rate.done) == (3, 1)
    percents = [row.percent for row in o.streets_by_percent]
    assert percents == sorted(percents, reverse=True)
    amounts = [row.cumulative for row in o.streets_by_amount]
    assert amounts == sorted(amounts, reverse=True)
    assert o.monthly[8].cumulative == Decimal("411700") and o.monthly[9].cumulative is None
    assert o.monthly[11].planned == Decimal("439950")


def test_rankings_show_their_rank_numbers(client_for):
    html = page(client_for("admin"), "/overview/", year=2015, month=9, level="city").content.decode()
    rankings = re.findall(r'<ol class="ranking">(.*?)</ol>', html[html.index("<h2>排名</h2>") :], re.S)
    assert len(rankings) == 4
    for ranking in rankings:
        items = [re.sub(r"<[^>]+>", " ", item).split() for item in re.findall(r"<li>(.*?)</li>", ranking, re.S)]
        assert len(items) >= 2
        assert [words[0] for words in items] == [str(rank) for rank in range(1, len(items) + 1)]


def test_other_levels_and_months(client_for):
    o = page(client_for("admin"), "/overview/", year=2015, month=6, level="district").context["o"]
    assert o.summary.listings == 34 and str(o.summary.schedule) == "50.00"
    assert o.summary.cumulative == sum(
        MonthlyReport.objects.filter(
            listing__level="district", listing__project__district__code=WEIDONG, month__lte=6, status="submitted"
        ).values_list("investment", flat=True)
    )


@pytest.mark.parametrize("params", [{"level": "county"}, {"month": "13"}, {"year": "abc"}, {"month": "0"}])
def test_bad_overview_parameters_give_a_message_and_the_default(client_for, params):
    response = page(client_for("admin"), "/overview/", **params)
    assert "有误" in response.content.decode()
    o = response.context["o"]
    assert (o.year, o.level) == (2015, "city")


@pytest.fixture
def boundary_listings(demo):
    """Listings of 2030 with a plan of 10,000 and December cumulatives at the colour boundaries."""
    cumulatives = {"9.99": "9001", "10": "9000", "10.01": "8999", "30": "7000", "30.01": "6999"}
    listings = {}
    for lag, cumulative in cumulatives.items():
        project = weidong_project(f"边界测试{lag}")
        listing = Listing.objects.create(
            project=project, year=2030, level="city", category="continuing", annual_plan=Decimal("10000")
        )
        MonthlyReport.objects.create(listing=listing, month=12, investment=Decimal(cumulative), status="submitted")
        listings[lag] = listing.pk
    return listings


def colours(pks, month=12):
    figured = with_figures(Listing.objects.filter(pk__in=pks.values()), month=month)
    by_pk = dict(figured.values_list("pk", "warning"))
    return {lag: by_pk[pk] for lag, pk in pks.items()}


def test_warning_colour_at_its_boundaries(boundary_listings):
    assert colours(boundary_listings) == {
        "9.99": GREEN,
        "10": GREEN,
        "10.01": YELLOW,
        "30": YELLOW,
        "30.01": RED,
    }


@override_settings(KP_WARNING_YELLOW_POINTS=Decimal("5"), KP_WARNING_RED_POINTS=Decimal("10.005"))
def test_warning_thresholds_are_settings(boundary_listings):
    assert colours(boundary_listings) == {"9.99": YELLOW, "10": YELLOW, "10.01": RED, "30": RED, "30.01": RED}


def test_a_new_start_without_investment_after_its_planned_start_is_red(demo):
    project = weidong_project("新开工边界测试")
    listing = Listing.objects.create(
        project=project,
        year=2030,
        level="city",
        category="new_start",
        annual_plan=Decimal("100"),
        planned_start_month=5,
    )
    pks = {"only": listing.pk}
    # Before its planned start the lag rule alone applies: 4/12 of the plan behind is red too,
    # so use a plan of zero to see the new-start rule on its own.
    Listing.objects.filter(pk=listing.pk).update(annual_plan=0)
    assert colours(pks, month=4) == {"only": GREEN}
    assert colours(pks, month=5) == {"only": RED}
    MonthlyReport.objects.create(listing=listing, month=5, investment=Decimal("1"), status="submitted")
    assert colours(pks, month=5) == {"only": GREEN}


def test_leader_sees_only_assigned_projects_most_urgent_first(client_for, users):
    response = client_for("leader").get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("projects:leader_home")
    listings = list(response.context["listings"])
    assigned = set(Project.objects.filter(assignments__leader__user=users["leader"], assignments__active=True))
    assert {listing.project for listing in listings} == assigned
    ranks = [(listing.warning_rank, listing.overdue_problems) for listing in listings]
    assert ranks == sorted(ranks, key=lambda r: (-r[0], -r[1]))
    assert listings[0].warning == RED and listings[0].project.name == "优越路社区养老驿站（示例）"
    html = response.content.decode()
    assert "我联系的项目" in html and "严重滞后" in html


def test_leaders_overview_totals_are_district_wide_but_lists_only_theirs(client_for):
    o = page(client_for("leader"), "/overview/").context["o"]
    assert str(o.summary.percent) == "93.58"
    assert o.warning_counts[RED] == 2
    assert list(o.warnings) == []  # the two red projects are not his


def test_unreported_months_in_the_leaders_view(users):
    listing = Listing.objects.get(project__name="恒宇·东城国际")
    MonthlyReport.objects.filter(listing=listing, month__in=[8, 9]).update(status="draft")
    row = next(r for r in leader_projects(user=users["leader"], year=2015, month=9) if r.pk == listing.pk)
    assert row.unreported_months == 2


PAGES = {
    "overview": lambda: "/",
    "project list": lambda: "/projects/?year=2015&level=city&open_problems=false&ordering=-percent",
    "project page": lambda: Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工").get_absolute_url(),
}


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_data(client_for, django_assert_max_num_queries, name):
    client = client_for("admin")
    # The project list's 17 with the figures cache off, as here: six read the filters' and the 批量修改
    # bar's choices and the office's node its print title reads (selectors.choices), which the cache
    # keeps until the data changes (9 queries with it on). The overview's 28: seven are the two
    # panels approvals adds (联审联批, 要素保障: projects.extensions), grouped queries of a fixed count.
    # Every page counts its user's unread messages once for the top bar (dispatch.context_processors).
    bound = {"overview": 29, "project list": 18, "project page": 46}[name]
    with django_assert_max_num_queries(bound):
        assert client.get(PAGES[name]()).status_code == 200
    scale_data_generate(listings=400, years=(2015,))
    with django_assert_max_num_queries(bound):
        response = client.get(PAGES[name]())
        assert response.status_code == 200
    if name == "project list":
        assert response.context["paginator"].count > 200


def test_overview_lists_the_most_urgent_lagging_projects_and_counts_them_all(client_for):
    scale_data_generate(listings=60, seed=3, years=(2015,), months=2)  # two months reported by September
    figured = with_figures(Listing.objects.filter(year=2015, level="city", project__district__code=WEIDONG), month=9)
    lagging = figured.filter(warning__in=[RED, YELLOW])
    total = lagging.count()
    assert total > 20
    response = page(client_for("admin"), "/", year=2015, month=9, level="city")
    o = response.context["o"]
    assert o.warnings_total == total == o.warning_counts[RED] + o.warning_counts[YELLOW]
    assert [w.pk for w in o.warnings] == [
        w.pk for w in lagging.order_by("-warning_rank", "percent_sort", "project__name")[:20]
    ]
    assert {w.warning for w in o.warnings[:1]} == {RED}
    html = response.content.decode()
    assert f"共 {total} 个，以下为最紧急的 20 个" in html
    assert "warning=yellow&ordering=percent" in html


def test_a_newly_imported_year_opens_at_a_reported_month_and_says_it_is_not_reported(client_for):
    scale_data_generate(listings=12, seed=4, years=(2016,), months=0)  # imported, nothing reported yet
    client = client_for("admin")
    response = page(client, "/overview/", year=2016, level="city")
    o = response.context["o"]
    # A year after the current reporting year (2015) opens at January, never at December's 100 %.
    assert (o.reported, o.month) == (False, 1)
    assert o.warning_counts[RED] == o.warning_counts[YELLOW] == o.warnings_total == 0
    assert all(row.lagging == 0 for row in o.by_category)
    html = response.content.decode()
    assert "2016年尚未填报" in html and "严重滞后" not in html
    listing_page = page(client, "/projects/", year=2016).content.decode()
    assert "light light-none" in listing_page and "light light-red" not in listing_page
    project = Listing.objects.filter(year=2016).first().project
    project_page = page(client, project.get_absolute_url()).content.decode()
    assert "light light-none" in project_page and "light light-red" not in project_page


def test_a_past_year_opens_at_its_latest_reported_month(client_for):
    listing = Listing.objects.create(
        project=weidong_project("往年测试项目"), year=2014, level="city", category="continuing",
        annual_plan=Decimal("1200"),
    )  # fmt: skip
    for month in range(1, 7):
        MonthlyReport.objects.create(listing=listing, month=month, investment=Decimal("100"), status="submitted")
    MonthlyReport.objects.create(listing=listing, month=7, investment=Decimal("100"), status="draft")
    o = page(client_for("admin"), "/overview/", year=2014, level="city").context["o"]
    assert (o.month, o.reported) == (6, True)
    assert o.summary.cumulative == Decimal("600")


def test_a_bad_parameter_is_named_in_chinese(client_for):
    html = page(client_for("admin"), "/overview/", month="13").content.decode()
    assert "参数「月份」有误" in html and "参数 month" not in html


def test_a_street_staff_users_lagging_list_is_their_own_share_most_urgent_first(client_for, users):
    """Staff see a share of the node: their lagging listings are counted by a query of their own,
    not read off the node's groups, and come in the same order as the plain sorted query."""
    scale_data_generate(listings=60, seed=3, years=(2015,), months=2)
    staff = users["staff_a"]
    figured = with_figures(Listing.objects.filter(year=2015, level="city", project__district__code=WEIDONG), month=9)
    theirs = figured.visible_to(staff).filter(warning__in=[RED, YELLOW])
    node_total = figured.filter(warning__in=[RED, YELLOW]).count()
    assert 0 < theirs.count() < node_total
    o = page(client_for("staff_a"), "/overview/", year=2015, month=9, level="city").context["o"]
    assert o.warnings_total == theirs.count()
    assert o.warning_counts[RED] + o.warning_counts[YELLOW] == node_total  # the totals stay the node's
    expected = theirs.order_by("-warning_rank", "percent_sort", "project__name", "pk")[:20]
    assert [w.pk for w in o.warnings] == [w.pk for w in expected]


@pytest.mark.parametrize("yellow, red", [(10, 30), (30, 10), (20, 20)])
def test_the_lagging_condition_is_exactly_a_yellow_or_red_light(demo, settings, yellow, red):
    """lagging_condition (the overview's filter, without the light's CASE) selects exactly the
    listings whose light is yellow or red, whichever of the two thresholds is the larger."""
    settings.KP_WARNING_YELLOW_POINTS, settings.KP_WARNING_RED_POINTS = Decimal(yellow), Decimal(red)
    scale_data_generate(listings=60, seed=3, years=(2015,), months=2)
    for month in (3, 6, 9, 12):
        figured = with_figures(Listing.objects.filter(year=2015), month=month)
        by_light = set(figured.filter(warning__in=[RED, YELLOW]).values_list("pk", flat=True))
        by_condition = set(figured.filter(lagging_condition(month)).values_list("pk", flat=True))
        assert by_condition == by_light
        assert by_light  # the data has lagging listings at every month tested
