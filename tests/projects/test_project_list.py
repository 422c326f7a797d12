"""The project list: each filter narrows the rows correctly, combinations work, bad values get a
message instead of an error, sorting and pages work, and the rows stay in the viewer's scope."""

import pytest
from django.db.models import Q

from projects.models import Assignment, Leader, Listing, Problem, Project, Region, Street, Unit

URL = "/projects/"


def rows(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def names(response):
    return {listing.project.name for listing in response.context["paginator"].object_list}


@pytest.fixture
def admin(client_for):
    return client_for("admin")


def expected(**lookups):
    """The 2015 listings of 卫东区 (the demo admin's office) matching ``lookups``, by project name."""
    listings = Listing.objects.filter(year=2015, project__district__code="410403", **lookups)
    return set(listings.values_list("project__name", flat=True))


def test_defaults_to_the_latest_reported_year(admin):
    response = rows(admin)
    assert response.context["paginator"].count == 60
    assert response.context["month"] == 9


@pytest.mark.parametrize(
    "params, lookups",
    [
        ({"level": "city"}, {"level": "city"}),
        ({"level": "district"}, {"level": "district"}),
        ({"batch": "2"}, {"batch": 2}),
        ({"category": "new_start"}, {"category": "new_start"}),
        ({"stage": "building"}, {"project__stage": "building"}),
        ({"status": "preparing"}, {"project__status": "preparing"}),
        (  # the name, or the street the project is in
            {"q": "北环路"},
            {"project__in": Project.objects.filter(Q(name__contains="北环路") | Q(street__name__contains="北环路"))},
        ),
        ({"q": "正顺化工有限公司"}, {"project__owner__contains": "正顺化工有限公司"}),
    ],
)
def test_each_simple_filter(admin, params, lookups):
    response = rows(admin, **params)
    assert names(response) == expected(**lookups)
    assert 0 < response.context["paginator"].count < 60


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("东安路 旧城", {"东安路片区旧城改造（示例）"}),  # two words, apart in the name
        ("旧城 东安路", {"东安路片区旧城改造（示例）"}),
        ("恒宇东城", {"恒宇·东城国际"}),  # the name's "·" ignored
        ("恒宇 · 东城", {"恒宇·东城国际"}),
        ("恒宇・东城", {"恒宇·东城国际"}),  # another middle dot
        ("恒宇\u3000东城", {"恒宇·东城国际"}),  # a full-width space splits too
        ("益宏莱茵", {"益宏·莱茵水岸(平煤神马机械制造公司棚户区改造)"}),
        ("北环路街道 化工", {"市正顺化工公司技改10万吨/年洗油深加工"}),  # street and name
        ("正顺化工有限 洗油", {"市正顺化工公司技改10万吨/年洗油深加工"}),  # owner and name
        ("10万吨／年", {"市正顺化工公司技改10万吨/年洗油深加工"}),  # full-width digits and slash
        ("（开发一路北延工程）", {"平东物流产业集聚区基础设施建设项目(开发一路北延工程)"}),  # full-width brackets
        ("东安路 不存在的词", set()),  # every word must match
        ("不存在的词", set()),
    ],
)
def test_search_matches_every_word_ignoring_separators_and_width(admin, q, found):
    assert names(rows(admin, q=q)) == found


def test_search_matches_half_and_full_width_forms_both_ways(admin):
    for serial, name in enumerate(("卫东区示例道路改造（二期）", "卫东区示例桥梁新建(三期)"), start=901):
        Listing.objects.create(
            project=Project.objects.create(
                name=name,
                owner="示例建设有限公司",
                code=f"2015-410403-48-01-000{serial}",
                district=Region.objects.get(code="410403"),
            ),
            year=2015,
            level="district",
            category="new_start",
        )
    assert names(rows(admin, q="(二期)")) == {"卫东区示例道路改造（二期）"}
    assert names(rows(admin, q="（二期）")) == {"卫东区示例道路改造（二期）"}
    assert names(rows(admin, q="（三期）")) == {"卫东区示例桥梁新建(三期)"}
    assert names(rows(admin, q="桥梁 (三期)")) == {"卫东区示例桥梁新建(三期)"}
    code = Project.objects.get(name="卫东区示例桥梁新建(三期)").code
    assert names(rows(admin, q=code)) == {"卫东区示例桥梁新建(三期)"}  # the project code
    assert names(rows(admin, q=code.replace("-", "－"))) == {"卫东区示例桥梁新建(三期)"}


def test_street_unit_and_leader_filters(admin):
    street = Street.objects.get(name="北环路街道")
    assert names(rows(admin, street=street.pk)) == expected(project__street=street)
    unit = Unit.objects.get(name="区工业和信息化局", district__code="410403")
    assert names(rows(admin, unit=unit.pk)) == expected(project__unit=unit)
    leader = Leader.objects.get(name="王某")
    followed = Assignment.objects.filter(leader=leader, active=True).values("project")
    assert names(rows(admin, leader=leader.pk)) == expected(project__in=followed)


def test_warning_and_open_problem_filters(admin):
    assert names(rows(admin, warning="red", level="city")) == {"上徐机械加工工业园", "市现代物流产业集聚区一期"}
    assert names(rows(admin, warning="yellow", level="city")) == {"皇台生态公园（示例）"}
    green = rows(admin, warning="green")
    assert all(listing.warning == "green" for listing in green.context["paginator"].object_list)
    unresolved = Problem.objects.exclude(status="resolved").values("project")
    assert names(rows(admin, open_problems="true")) == expected(project__in=unresolved)
    assert names(rows(admin, open_problems="false")) == expected() - expected(project__in=unresolved)


def test_filters_combine(admin):
    street = Street.objects.get(name="东工人镇街道")
    response = rows(admin, category="new_start", warning="red", street=street.pk)
    assert names(response) == {"上徐机械加工工业园"}
    assert names(rows(admin, level="city", category="completion", batch="1")) == expected(
        level="city", category="completion", batch=1
    )


@pytest.mark.parametrize(
    "params",
    [
        {"level": "county"},
        {"year": "二〇一五"},
        {"street": "abc"},
        {"leader": "999999"},
        {"warning": "purple"},
        {"open_problems": "maybe"},
        {"batch": "3"},
        {"ordering": "password"},
    ],
)
def test_bad_values_give_a_message_not_an_error(admin, params):
    response = rows(admin, **params)
    assert "筛选条件有误" in response.content.decode()


def test_sorting(admin):
    by_percent = list(rows(admin, level="city", ordering="-percent").context["paginator"].object_list)
    assert by_percent[-1].cumulative == 0
    values = [listing.cumulative * 100 / listing.annual_plan for listing in by_percent]
    assert values == sorted(values, reverse=True)
    by_plan = [listing.annual_plan for listing in rows(admin, ordering="plan").context["paginator"].object_list]
    assert by_plan == sorted(by_plan)
    html = rows(admin, ordering="name").content.decode()
    assert 'class="sort asc"' in html


def test_pages(admin):
    from projects.devdata.scale import scale_data_generate

    scale_data_generate(listings=120, years=(2015,))
    first, second = rows(admin), rows(admin, page=2)
    assert first.context["paginator"].num_pages == 4
    page_names = [{listing.project.name for listing in r.context["listings"]} for r in (first, second)]
    assert len(page_names[0]) == len(page_names[1]) == 50 and not page_names[0] & page_names[1]
    assert "第 1 / 4 页" in first.content.decode()


@pytest.mark.parametrize(
    ("page", "shown"),
    [("999", 2), ("3", 2), ("abc", 1), ("", 1), ("0", 1), ("-2", 1), ("1.5", 1), ("2", 2), ("99999999999999999999", 2)],
)
def test_a_page_number_out_of_range_or_not_a_number_shows_the_last_or_first_page(admin, page, shown):
    response = rows(admin, page=page)  # 60 listings in 2015: two pages of 50
    assert response.context["page_obj"].number == shown and response.context["paginator"].num_pages == 2
    assert len(response.context["listings"]) == (50 if shown == 1 else 10)
    assert f"第 {shown} / 2 页" in response.content.decode()


def test_rows_stay_in_scope(client_for, users):
    leader_rows = names(rows(client_for("leader")))
    assert leader_rows == set(
        Listing.objects.filter(
            project__assignments__leader__user=users["leader"], project__assignments__active=True
        ).values_list("project__name", flat=True)
    )
    assert len(leader_rows) == 5
    assert names(rows(client_for("staff_a"))) == expected(project__street__name="北环路街道")
    # A filter cannot widen the scope.
    other_street = Street.objects.get(name="皇台街道")
    assert names(rows(client_for("staff_a"), street=other_street.pk)) == set()


@pytest.mark.parametrize(
    "params, month",
    [
        ({}, 9),  # the latest reported month of the latest reported year
        ({"year": "2015"}, 9),
        ({"year": "2015", "month": "6"}, 6),
        ({"year": ""}, 12),  # a cleared year lists every year, at December
        ({"year": "abc"}, 12),
        ({"year": "abc", "month": "6"}, 6),
        ({"month": "13"}, 9),
    ],
)
def test_the_month_the_lists_figures_stand_at(client_for, params, month):
    assert client_for("admin").get("/projects/", params).context["month"] == month


def test_a_listing_deleted_between_the_pages_two_queries_is_left_out(demo, admin_user, monkeypatch):
    """listing_page reads the page's ids, then their rows: a row deleted in between is not a 500."""
    from projects.selectors import projects as selectors

    rows = selectors.listing_rows(user=admin_user, month=9).filter(year=2015).order_by("pk")
    expected = list(rows.values_list("pk", flat=True)[:5])
    places = selectors._with_places

    def deleting_first(listings):
        listing = Listing.objects.get(pk=expected[0])
        listing.reports.all().delete()
        listing.delete()
        return places(listings)

    monkeypatch.setattr(selectors, "_with_places", deleting_first)
    page, count = selectors.listing_page(rows, start=0, size=5)
    assert [listing.pk for listing in page] == expected[1:]
    assert count >= 5  # counted with the page, before the delete
