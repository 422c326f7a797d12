"""What the 联审联批 pages link to, for who reads them, and the list level they carry (on the demo's
approvals, README: 区国土资源局 owns the one red item)."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role, User
from projects.models import Project, Unit

pytestmark = pytest.mark.django_db

LAND = "区国土资源局"


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


@pytest.fixture
def land_staff(demo):
    user = User.objects.create_user("land_staff", password="kp-test-Pass-2015", role=Role.STAFF)
    user.units.set([Unit.objects.get(district__code="410403", name=LAND)])
    return user


def test_department_staff_are_sent_to_the_items_of_projects_they_cannot_open(client, land_staff):
    client.force_login(land_staff)
    page = client.get(reverse("approvals:board"), {"year": 2015, "month": 9}).content.decode()
    rows = [project for project in Project.objects.filter(approval_items__department__name=LAND).distinct()]
    assert rows
    for project in rows:
        assert reverse("approvals:project_items", args=[project.pk]) in page
        assert f'href="{project.get_absolute_url()}"' not in page  # the project's own page is 404 for them


def test_the_admin_is_sent_to_the_project_page(client, users):
    client.force_login(users["admin"])
    page = client.get(reverse("approvals:board"), {"year": 2015, "month": 9}).content.decode()
    project = Project.objects.filter(approval_items__department__name=LAND).first()
    assert f'href="{project.get_absolute_url()}"' in page


def test_street_staff_get_no_links_to_departments_they_cannot_open(client, users):
    client.force_login(users["staff_a"])
    page = client.get(reverse("approvals:department_list"), {"year": 2015, "month": 9}).content.decode()
    land = Unit.objects.get(district__code="410403", name=LAND)
    detail = reverse("approvals:department_detail", args=[land.pk])
    assert detail not in page
    assert client.get(detail).status_code == 404
    client.force_login(users["admin"])
    assert detail in client.get(reverse("approvals:department_list"), {"year": 2015, "month": 9}).content.decode()


def test_the_list_level_narrows_the_pages_and_travels_with_their_links(client, users):
    client.force_login(users["admin"])
    city = client.get(reverse("approvals:board"), {"year": 2015, "month": 9, "level": "city"})
    assert city.context["total"].counted == 53  # README: the demo's items are all on the city list
    assert "level=city" in city.context["period_query"]
    district = client.get(reverse("approvals:board"), {"year": 2015, "month": 9, "level": "district"})
    assert district.context["total"].counted == 0
    departments = client.get(reverse("approvals:department_list"), {"year": 2015, "month": 9, "level": "district"})
    assert departments.context["total"].counted == 0


def test_a_wrong_level_is_named_and_ignored(client, users):
    client.force_login(users["admin"])
    response = client.get(reverse("approvals:board"), {"year": 2015, "month": 9, "level": "county"}, follow=True)
    assert response.status_code == 200
    assert "清单级别有误，已显示全部清单。" in response.content.decode()
    assert response.context["total"].counted == 53


def test_the_overview_panel_links_carry_its_level(client, users):
    client.force_login(users["admin"])
    page = client.get(reverse("projects:overview"), {"year": 2015, "month": 9, "level": "city"}).content.decode()
    assert f"{reverse('approvals:board')}?year=2015&amp;month=9&amp;region=410403&amp;level=city" in page


def test_the_calendar_notice_names_every_year_a_page_counts_in(client, users, settings):
    """A page about 2015 read on 2099-12-30, whose yellow window runs into 2100, names both years the
    calendar package does not know; so do the item pages for the due dates they show."""
    settings.KP_TODAY = date(2099, 12, 30)
    client.force_login(users["admin"])
    board = client.get(reverse("approvals:board"), {"year": 2015, "month": 12}).content.decode()
    assert "2099、2100年的节假日安排尚未收录" in board
    settings.KP_TODAY = date(2030, 3, 2)
    item = Project.objects.get(name="上徐机械加工工业园").approval_items.first()
    for url in (item.get_absolute_url(), reverse("approvals:project_items", args=[item.project_id])):
        assert "2030年的节假日安排尚未收录，工作日按周末计算" in client.get(url).content.decode()
