"""Empty pages say why: a year or level without a list (with the admin's way to one), filters
that match nothing (with a way to clear them), a leader who follows nothing (with whom to ask)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from projects.models import Assignment, Region
from projects.selectors.empty_states import (
    EmptyList,
    empty_list_reason,
    no_listings_text,
    office_admin_names,
    year_listed,
)

IMPORT_LINK = f'<a href="{reverse("projects:import_list")}" id="no-listings-import">清单导入</a>'


def html_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_no_listings_words():
    assert no_listings_text(year=2017, level="city") == "2017年没有市重点项目清单。"
    assert no_listings_text(year=2017) == "2017年没有重点项目清单。"


def test_year_listed_by_year_and_level_in_the_users_node(users):
    admin = users["admin"]
    assert year_listed(user=admin, year=2015) and year_listed(user=admin, year=2015, level="city")
    assert not year_listed(user=admin, year=2017)
    assert not year_listed(user=admin, year=2015, level="province")


@pytest.mark.parametrize(
    "url, params, words",
    [
        ("/overview/", {"year": 2017, "level": "city"}, "2017年没有市重点项目清单。"),
        ("/overview/", {"year": 2015, "level": "province"}, "2015年没有省重点项目清单。"),
        ("/projects/", {"year": 2017}, "2017年没有重点项目清单。"),
        ("/projects/", {"year": 2015, "level": "province"}, "2015年没有省重点项目清单。"),
        ("/reports/", {"year": 2017, "month": 3}, "2017年没有重点项目清单。"),
    ],
)
def test_a_year_or_level_without_a_list_says_so_and_an_admin_is_shown_where_lists_come_from(
    client_for, url, params, words
):
    admin_html = html_of(client_for("admin"), url, **params)
    assert f'<p class="empty-lead">{words}</p>' in admin_html
    assert IMPORT_LINK in admin_html
    # No page of zeros under the sentence.
    assert "累计完成投资" not in admin_html.split('id="no-listings"')[1]


def test_an_admin_is_offered_the_rollover_beside_the_import_on_every_empty_page(client_for):
    client = client_for("admin")
    link = f'<a href="{reverse("projects:rollover_start")}" id="no-listings-rollover">从上年续转</a>'
    for path in ("/overview/", "/projects/", "/reports/"):
        html = html_of(client, path, year=2017)
        assert IMPORT_LINK in html and link in html, path


def test_others_are_told_the_list_comes_from_the_office_without_admin_links(client_for):
    html = html_of(client_for("staff_a"), "/overview/", year=2017)
    assert "2017年没有市重点项目清单。" in html
    assert "年度清单由项目办导入" in html and 'id="no-listings-import"' not in html


def test_a_listed_year_is_not_called_empty(client_for):
    html = html_of(client_for("admin"), "/overview/", year=2015)
    assert 'id="no-listings"' not in html and "累计完成投资" in html


def test_filters_matching_nothing_say_so_and_offer_to_clear_them(client_for):
    html = html_of(client_for("admin"), "/projects/", year=2015, q="没有这个名字的项目")
    assert "没有符合筛选条件的项目。" in html
    assert '<a href="/projects/?year=2015" id="clear-filters">清除筛选条件</a>，查看2015年全部项目' in html
    assert 'id="no-listings"' not in html


def test_a_leader_following_nothing_is_told_to_ask_the_offices_admins_by_name(client_for, users):
    Assignment.objects.filter(leader__user=users["leader"]).update(active=False)
    html = html_of(client_for("leader"), "/my-projects/")
    assert "2015年暂无您联系的项目。" in html
    assert "请联系项目办管理员：卫东区项目办管理员（示例）。" in html


def test_with_no_admin_in_the_office_the_leader_is_told_to_ask_the_district_office(client_for, users):
    Assignment.objects.filter(leader__user=users["leader"]).update(active=False)
    users["admin"].__class__.objects.filter(role=Role.ADMIN, region__code="410403").update(is_active=False)
    assert office_admin_names(users["leader"]) == []
    html = html_of(client_for("leader"), "/my-projects/")
    assert "请联系区项目办。" in html


def test_office_admin_names_are_the_admins_of_the_users_own_node(users, django_user_model):
    weidong = Region.objects.get(code="410403")
    django_user_model.objects.create_user("admin2", role=Role.ADMIN, region=weidong, last_name="李某")
    assert office_admin_names(users["leader"]) == ["卫东区项目办管理员（示例）", "李某"]
    assert office_admin_names(users["staff_a"]) == office_admin_names(users["leader"])  # the city's not among them


def test_why_a_list_is_empty(users):
    admin, staff = users["admin"], users["staff_a"]
    assert empty_list_reason(user=admin, year=2017, narrowed=["q"]) == EmptyList.NO_LISTINGS  # filters would not help
    assert empty_list_reason(user=admin, year=2015, level="province") == EmptyList.NO_LISTINGS
    assert empty_list_reason(user=admin, year=2015, level="city", narrowed=["q"]) == EmptyList.NO_MATCH
    assert empty_list_reason(user=staff, year=2015) == EmptyList.OUT_OF_SCOPE
