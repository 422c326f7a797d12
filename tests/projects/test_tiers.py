"""Figures per tier: the city's overview ranks its districts with each district's own figures to the
cent and drills down to them; the progress table of the city is grouped by district with subtotals
equal to each district's own table; a district office reads neither the city nor another district;
query counts stay the same as districts and listings are added."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from projects.choices import Category
from projects.freshness import data_changed
from projects.models import Listing, MonthlyReport, Project, Region
from projects.services.cumulatives import cumulatives_refresh

pytestmark = pytest.mark.usefixtures("demo")

CITY, XINHUA, WEIDONG, ZHANHE = "410400", "410402", "410403", "410411"
DISTRICTS = (XINHUA, WEIDONG, ZHANHE)
PERIOD = {"year": 2015, "month": 9, "level": "city"}


@pytest.fixture
def city(django_user_model):
    """A client signed in as the demo's 平顶山市项目办."""
    client = Client()
    client.force_login(django_user_model.objects.get(username="city"))
    return client


def overview_of(client, **params):
    response = client.get(reverse("projects:overview"), {**PERIOD, **params})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("period", [PERIOD, {"year": 2015, "month": 6, "level": "district"}])
def test_the_city_ranks_its_districts_each_equal_to_its_own_overview_to_the_cent(city, period):
    response = overview_of(city, **period)
    o = response.context["o"]
    assert o.region.code == CITY and o.by_street == [] and o.by_unit == []
    ranking = o.children
    assert {row.key for row in ranking} == set(DISTRICTS)
    percents = [row.percent for row in ranking]
    assert percents == sorted(percents, reverse=True)  # best completion first
    html = response.content.decode()
    for row in ranking:
        own = overview_of(city, region=row.key, **period).context["o"]
        assert own.region.code == row.key and own.children is None and row.label == own.region.name
        assert (row.listings, row.annual_plan, row.cumulative, row.percent) == (
            own.summary.listings,
            own.summary.annual_plan,
            own.summary.cumulative,
            own.summary.percent,
        )
        assert row.lagging == own.warning_counts["yellow"] + own.warning_counts["red"]
        link = f'href="/overview/?region={row.key}&year={o.year}&month={o.month}&level={o.level}">{row.label}</a>'
        assert link in html
    assert sum(row.listings for row in ranking) == o.summary.listings
    assert sum(row.annual_plan for row in ranking) == o.summary.annual_plan
    assert sum(row.cumulative for row in ranking) == o.summary.cumulative
    assert sum(row.lagging for row in ranking) == o.warning_counts["yellow"] + o.warning_counts["red"]


def test_the_city_ranking_on_the_demo_data(city):
    response = overview_of(city)
    ranked = [(row.label, row.listings, str(row.annual_plan), str(row.cumulative), str(row.percent), row.lagging)
              for row in response.context["o"].children]  # fmt: skip
    assert ranked == [
        ("卫东区", 26, "439950.00", "411700.00", "93.58", 3),
        ("湛河区", 3, "68000.00", "56700.00", "83.38", 0),
        ("新华区", 4, "75000.00", "50110.00", "66.81", 2),
    ]
    html = response.content.decode()
    assert "平顶山市 2015年市重点项目建设情况" in html and "<title>平顶山市2015年重点项目总览" in html
    assert "各区县排名" in html and 'id="region-trail"' not in html  # the city is the office's own node
    assert "region=410400&amp;year=2015" in html or "region=410400&year=2015" in html  # the download's node


def test_drilling_down_from_the_city_to_weidong_shows_todays_figures(city):
    html = overview_of(city).content.decode()
    link = re.search(r'href="([^"]*region=410403[^"]*)">卫东区</a>', html).group(1)
    response = city.get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert "卫东区 2015年市重点项目建设情况" in page and "1-9月" in page
    assert "26个项目累计完成投资" in page
    assert '<strong id="overview-plan">439,950.00</strong>' in page
    assert '<strong id="overview-done">411,700.00</strong>' in page
    assert '<strong class="big" id="overview-percent">93.58%</strong>' in page
    o = response.context["o"]
    assert [node.code for node in o.trail] == [CITY, WEIDONG]  # up to the office's own node, not 河南省
    assert 'href="/overview/?region=410400&year=2015&month=9&level=city">平顶山市</a> › 卫东区' in page
    assert "河南省" not in page
    assert o.children is None and [row.label for row in o.by_street]  # a district ranks its streets
    assert "<h2>排名</h2>" in page and "各区县排名" not in page


@pytest.mark.parametrize("path", ["/", "/overview/"])
@pytest.mark.parametrize("code", [CITY, XINHUA, "410000", "999999"])
def test_a_district_office_gets_404_for_the_city_and_another_district(client_for, path, code):
    response = client_for("admin").get(path, {**PERIOD, "region": code})
    assert response.status_code == 404
    assert "新华区" not in response.content.decode() and "平顶山市" not in response.content.decode()


def test_a_district_office_sees_its_district_as_today(client_for):
    response = overview_of(client_for("admin"))
    o = response.context["o"]
    assert o.region.code == WEIDONG and o.children is None and [node.code for node in o.trail] == [WEIDONG]
    html = response.content.decode()
    assert "卫东区 2015年市重点项目建设情况" in html and 'id="region-trail"' not in html
    assert str(o.summary.percent) == "93.58" and o.summary.listings == 26
    assert overview_of(client_for("admin"), region=WEIDONG).context["o"].summary == o.summary


@pytest.mark.parametrize("role", ["staff_a", "leader"])
def test_staff_and_leaders_read_their_districts_totals_and_nothing_above(client_for, role):
    client = client_for(role)
    o = overview_of(client).context["o"]
    assert o.region.code == WEIDONG and o.children is None
    assert (o.summary.listings, str(o.summary.annual_plan), str(o.summary.cumulative)) == (26, "439950.00", "411700.00")
    assert client.get(reverse("projects:overview"), {"region": CITY}).status_code == 404


def test_the_operator_drills_down_through_every_tier(django_user_model):
    operator = django_user_model.objects.create_superuser("operator", password="kp-test-Pass-2015")
    client = Client()
    client.force_login(operator)
    top = overview_of(client).context["o"]
    assert top.region.code == "410000"
    assert [(row.label, row.listings) for row in top.children] == [("平顶山市", 33)]
    assert "各市排名" in overview_of(client).content.decode()
    weidong = overview_of(client, region=WEIDONG).context["o"]
    assert [node.name for node in weidong.trail] == ["河南省", "平顶山市", "卫东区"]


# Invented listings in districts the demo leaves empty, and more in 新华区.
MORE = {"410404": 7, "410421": 5, XINHUA: 9}


def add_listings(code, count):
    """``count`` invented 2015 市重点 listings of one district, reported from January to September."""
    district = Region.objects.get(code=code)
    projects = Project.objects.bulk_create(
        Project(name=f"{district.name}测试项目（示例{number:03d}）", owner="示例建设有限公司", district=district)
        for number in range(count)
    )
    listings = Listing.objects.bulk_create(
        Listing(
            project=project,
            year=2015,
            level="city",
            category=Category.values[number % 3],
            batch=1 + number % 2,
            annual_plan=Decimal(1200 + 100 * number),
        )
        for number, project in enumerate(projects)
    )
    MonthlyReport.objects.bulk_create(
        MonthlyReport(listing=listing, month=month, investment=Decimal(10 * (number + 1)), status="submitted")
        for number, listing in enumerate(listings)
        for month in range(1, 10)
    )
    cumulatives_refresh([listing.pk for listing in listings])
    data_changed()


def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [reverse("projects:overview"), reverse("projects:export_progress")])
def test_the_city_pages_query_count_does_not_grow_with_districts_and_listings(city, url):
    queries(city, url, PERIOD)  # the session, the first time
    before = queries(city, url, PERIOD)
    for code, count in MORE.items():
        add_listings(code, count)
    assert queries(city, url, PERIOD) == before
    o = overview_of(city).context["o"]
    assert len(o.children) == 5 and o.summary.listings == 33 + sum(MORE.values())


def table(client, **params):
    response = client.get(reverse("projects:export_progress"), {**PERIOD, **params})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def totals(row):
    return Decimal(str(row[5].value)), Decimal(str(row[6].value))


def labelled(sheet, label):
    return [row for row in sheet.iter_rows(min_row=4) if row[1].value == label]


def district_sections(sheet):
    """{district: the rows of its section} of a table grouped by district ("一、新华区（4个）")."""
    sections, current = {}, None
    for row in sheet.iter_rows(min_row=4):
        heading = row[0].value
        if isinstance(heading, str) and not heading.startswith("（"):
            current = re.fullmatch(r".+、(.+)（\d+个）", heading).group(1)
            sections[current] = []
        elif current is not None:
            sections[current].append(row)
    return sections


def test_the_city_progress_table_is_grouped_by_district_with_each_districts_own_totals(city):
    sheet = table(city)
    assert sheet["A1"].value == "平顶山市2015年市重点项目建设进展情况表（1-9月）"
    assert sheet["A1"].value == table(city, region=CITY)["A1"].value
    headings = [row[0].value for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, str)]
    districts = [heading for heading in headings if not heading.startswith("（")]
    assert districts == ["一、新华区（4个）", "二、卫东区（26个）", "三、湛河区（3个）"]  # in code order
    numbers = [row[0].value for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, int)]
    assert numbers == list(range(1, 34))
    grand = (Decimal(0), Decimal(0))
    for code, name in ((XINHUA, "新华区"), (WEIDONG, "卫东区"), (ZHANHE, "湛河区")):
        own = table(city, region=code)
        assert own["A1"].value == f"{name}2015年市重点项目建设进展情况表（1-9月）"
        [subtotal] = labelled(sheet, f"{name}小计")
        [own_total] = labelled(own, "合计")
        assert totals(subtotal) == totals(own_total)
        assert subtotal[4].value == own_total[4].value  # 总投资 too
        assert Decimal(str(subtotal[7].value)) == Decimal(str(own_total[7].value))
        grand = (grand[0] + totals(subtotal)[0], grand[1] + totals(subtotal)[1])
        # The category subtotals of the district's section are those of its own table.
        section = district_sections(sheet)[name]
        assert [totals(row) for row in section if row[1].value == "小计"] == [
            totals(row) for row in labelled(own, "小计")
        ]
    [total] = labelled(sheet, "合计")
    assert totals(total) == grand == (Decimal("582950"), Decimal("518510"))
    assert Decimal(str(total[7].value)) == Decimal("0.8895")
    o = overview_of(city).context["o"]
    assert totals(total) == (o.summary.annual_plan, o.summary.cumulative)


def test_the_district_table_of_a_district_office_is_as_today(client_for):
    sheet = table(client_for("admin"))
    assert sheet["A1"].value == "卫东区2015年市重点项目建设进展情况表（1-9月）"
    headings = [row[0].value for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, str)]
    assert headings == ["一、计划建成项目（3个）", "二、续建项目（16个）", "三、新开工项目（7个）"]
    assert not [row for row in sheet.iter_rows(min_row=4) if str(row[1].value).endswith("区小计")]


@pytest.mark.parametrize("code", [CITY, XINHUA])
def test_a_district_office_gets_404_for_the_progress_table_of_another_node(client_for, code):
    response = client_for("admin").get(reverse("projects:export_progress"), {**PERIOD, "region": code})
    assert response.status_code == 404


def test_a_street_of_another_district_is_refused_in_a_districts_table(city):
    from projects.models import Street

    xinhua_street = Street.objects.filter(district__code=XINHUA).first()
    response = city.get(reverse("projects:export_progress"), {**PERIOD, "region": WEIDONG, "street": xinhua_street.pk})
    assert response.status_code == 302
    assert "不在您的范围内" in city.get(response["Location"]).content.decode()


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_export_command_of_the_city_and_of_a_district(tmp_path):
    output = tmp_path / "city.xlsx"
    said = run("export_progress", "--year", "2015", "--month", "9", "--region", CITY, "--output", str(output))
    assert "平顶山市2015年市重点项目建设进展情况表（1-9月）" in said and "33 个项目" in said
    sheet = load_workbook(output).active
    assert [row[1].value for row in sheet.iter_rows(min_row=4) if str(row[1].value).endswith("区小计")] == [
        "新华区小计",
        "卫东区小计",
        "湛河区小计",
    ]
    everything = tmp_path / "all.xlsx"
    run("export_progress", "--year", "2015", "--month", "9", "--output", str(everything))  # the operator: the top
    top = load_workbook(everything).active
    assert top["A1"].value.startswith("河南省2015年")
    assert [row[1].value for row in top.iter_rows(min_row=4) if str(row[1].value).endswith("区小计")] == [
        "平顶山市新华区小计",
        "平顶山市卫东区小计",
        "平顶山市湛河区小计",
    ]
    assert totals(labelled(top, "合计")[0]) == totals(labelled(sheet, "合计")[0])


def test_export_command_refuses_an_unknown_code_and_a_node_outside_the_account(tmp_path):
    output = tmp_path / "x.xlsx"
    base = ("export_progress", "--year", "2015", "--month", "9", "--output", str(output))
    with pytest.raises(CommandError, match="找不到行政区划代码「999999」"):
        run(*base, "--region", "999999")
    with pytest.raises(CommandError, match="无权查看新华区"):
        run(*base, "--as", "admin", "--region", XINHUA)
    assert not output.exists()
    run(*base, "--as", "admin")  # the account's own node by default
    assert load_workbook(output).active["A1"].value == "卫东区2015年市重点项目建设进展情况表（1-9月）"


def test_investment_summary_command_of_a_node():
    weidong = json.loads(run("investment_summary", "--year", "2015", "--month", "9", "--region", WEIDONG))
    assert (weidong["region"], weidong["listings"], weidong["annual_plan"], weidong["cumulative"]) == (
        WEIDONG,
        26,
        "439950.00",
        "411700.00",
    )
    assert (weidong["percent"], weidong["schedule"]) == ("93.58", "75.00")
    city = json.loads(run("investment_summary", "--year", "2015", "--month", "9", "--region", CITY))
    everything = json.loads(run("investment_summary", "--year", "2015", "--month", "9"))
    assert city["listings"] == everything["listings"] == 33 and city["cumulative"] == everything["cumulative"]
    with pytest.raises(CommandError, match="找不到行政区划代码「4104」"):
        run("investment_summary", "--year", "2015", "--month", "9", "--region", "4104")
