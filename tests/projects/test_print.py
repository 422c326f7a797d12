"""Printing: each printable page's title line names place, period and scope (selectors.printing),
the print stylesheet is linked for print only, and the footer carries the print date from
projects.clock.today()."""

from datetime import date

import pytest
from django.test import override_settings

from projects.models import Listing, Project, Region
from projects.selectors.printing import period_words, print_title

WEIDONG, CITY = "410403", "410400"


def html_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def title_in(html):
    start = html.index('id="print-title">') + len('id="print-title">')
    return html[start : html.index("</p>", start)]


def test_period_words():
    assert period_words(2015, 9) == "2015年1-9月"
    assert period_words(2015, 1) == "2015年1月"
    assert period_words(2015, 9, through=False) == "2015年9月"
    assert period_words(2015) == "2015年"
    assert period_words(None) == ""


def test_title_of_a_district_a_city_and_a_level(demo):
    weidong, city = Region.objects.get(code=WEIDONG), Region.objects.get(code=CITY)
    assert print_title(region=weidong, year=2015, month=9, level="city") == "卫东区 2015年1-9月 市重点"
    assert print_title(region=city, year=2015, month=9, level="district") == "平顶山市 2015年1-9月 区重点"
    assert print_title(region=weidong, year=2015, month=9) == "卫东区 2015年1-9月"
    assert print_title(region=weidong, scope="北环路街道", year=2015, month=6, through=False) == (
        "卫东区 北环路街道 2015年6月"
    )
    assert print_title(region=None, as_of=date(2015, 10, 20)) == "截至2015年10月20日"


def test_overview_title_follows_region_period_and_level(client_for, client, django_user_model):
    admin = client_for("admin")
    assert title_in(html_of(admin, "/overview/")) == "卫东区 2015年1-9月 市重点"
    assert title_in(html_of(admin, "/overview/", year=2015, month=6, level="district")) == "卫东区 2015年1-6月 区重点"
    client.force_login(django_user_model.objects.get(username="city"))
    assert title_in(html_of(client, "/overview/")) == "平顶山市 2015年1-9月 市重点"
    assert title_in(html_of(client, "/overview/", region=WEIDONG, level="district")) == "卫东区 2015年1-9月 区重点"


def test_project_list_title_names_the_filters_year_level_and_the_users_scope(client_for):
    assert title_in(html_of(client_for("admin"), "/projects/")) == "卫东区 2015年1-9月"
    assert title_in(html_of(client_for("admin"), "/projects/", level="city", month=6)) == "卫东区 2015年1-6月 市重点"
    # A street reporter's list holds the street's projects only: the title says so.
    staff_title = title_in(html_of(client_for("staff_a"), "/projects/", level="city"))
    assert staff_title == "卫东区 北环路街道 2015年1-9月 市重点"
    assert title_in(html_of(client_for("leader"), "/projects/", year=2015)) == "卫东区 王某联系的 2015年1-9月"


def test_problem_ledger_missing_list_and_project_titles(client_for):
    admin = client_for("admin")
    with override_settings(KP_TODAY=date(2015, 10, 20)):
        assert title_in(html_of(admin, "/problems/")) == "卫东区 截至2015年10月20日"
    assert title_in(html_of(admin, "/reports/missing/", year=2015, month=9)) == "卫东区 2015年9月"
    project = Project.objects.get(name="平煤神马集团八矿二号井")
    listing = Listing.objects.filter(project=project).order_by("-year", "level").first()
    expected = f"卫东区 2015年1-9月 {listing.get_level_display()}"
    assert title_in(html_of(admin, project.get_absolute_url())) == expected


@pytest.mark.parametrize(
    "url", ["/overview/", "/projects/", "/problems/", "/reports/missing/", "project"], ids=lambda url: url
)
def test_print_stylesheet_and_dated_footer_on_each_printable_page(client_for, url):
    if url == "project":
        url = Project.objects.get(name="明珠世纪城二期").get_absolute_url()
    with override_settings(KP_TODAY=date(2015, 10, 20)):
        html = html_of(client_for("admin"), url)
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert '<footer class="print-footer print-only" id="print-footer">打印日期：2015年10月20日</footer>' in html


def test_the_print_date_is_the_days_not_the_cached_overviews(client_for, settings):
    """The overview's figures are cached until the data changes; its print date is not."""
    client = client_for("admin")
    settings.KP_TODAY = date(2015, 10, 20)
    assert "打印日期：2015年10月20日" in html_of(client, "/overview/")
    settings.KP_TODAY = date(2015, 10, 21)
    assert "打印日期：2015年10月21日" in html_of(client, "/overview/")
