"""公开数据 in a real browser: an admin pastes a point copied from 高德 (GCJ-02) on a project's page and
sees the WGS84 point it was stored as, marks an invented project 可公开 on the year's page, and
downloads the OC4IDS package, which holds it. Every page fits a desktop and a phone."""

import json
from datetime import date
from decimal import Decimal

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

NAMED = "上徐机械加工工业园"  # 可公开 in the demo
INVENTED = "北环路冷链物流中心（示例）"  # not public in the demo


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(autouse=True)
def publisher(settings):
    settings.KP_TODAY = date(2015, 10, 20)
    settings.KP_OC4IDS_PREFIX = "oc4ids-kp2015"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_point_converted_a_project_marked_and_the_package_downloaded(open_page, viewport):
    from opendata.models import Publication
    from projects.models import Project

    named, invented = Project.objects.get(name=NAMED), Project.objects.get(name=INVENTED)
    admin = open_page("admin", viewport)
    admin.goto(f"{admin.base}{named.get_absolute_url()}")
    card = admin.locator("#publication")
    expect(card.locator("#publication-public")).to_contain_text("是")
    expect(card.locator("#publication-point")).to_contain_text("未填写")
    card.get_by_role("link", name="设置公开数据").click()
    admin.fill("#id_point", "113.31，33.74")  # as pasted, with a full-width comma
    admin.select_option("#id_system", value="gcj02")
    admin.fill("#id_purpose", "建设机械加工标准化厂房，承接产业转移。")
    assert_fits(admin, "publication form")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("main")).to_contain_text("已换算为 WGS84：113.3037274,33.7414469")
    expect(admin.locator("#publication-point")).to_contain_text("经度 113.3037274，纬度 33.7414469")
    publication = Publication.objects.get(project=named)
    assert (publication.longitude, publication.latitude) == (Decimal("113.3037274"), Decimal("33.7414469"))
    assert (publication.entered_system, publication.entered_longitude) == ("gcj02", Decimal("113.31"))
    assert_fits(admin, "project page with a point")

    admin.goto(f"{admin.base}/opendata/?year=2015")
    expect(admin.locator("main")).to_contain_text("可公开 15 个（其中 1 个有位置）")
    assert_fits(admin, "open data page")
    admin.get_by_label(f"选择 {INVENTED}").check()
    admin.select_option("select[name=public]", value="1")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("main")).to_contain_text("已将 1 个项目设为可公开")
    assert Publication.objects.get(project=invented).public

    link = admin.get_by_role("link", name="下载 OC4IDS 数据（.json）")
    response = admin.request.get(f"{admin.base}{link.get_attribute('href')}")
    assert response.status == 200
    package = json.loads(response.body())
    titles = {project["title"] for project in package["projects"]}
    assert INVENTED in titles and NAMED in titles and len(titles) == 16
    [location] = next(p for p in package["projects"] if p["title"] == NAMED)["locations"]
    assert location["geometry"] == {"type": "Point", "coordinates": [113.3037274, 33.7414469]}


def test_a_street_user_sets_a_point_but_not_the_mark(open_page):
    from projects.models import Project

    invented = Project.objects.get(name=INVENTED)  # 北环路街道: the demo staff user's street
    staff = open_page("staff", PHONE)
    staff.goto(f"{staff.base}{invented.get_absolute_url()}")
    staff.locator("#publication").get_by_role("link", name="设置公开数据").click()
    expect(staff.locator("main")).to_contain_text("是否公开由项目办管理员设置；当前：不公开。")
    assert staff.locator("#id_public").count() == 0
    staff.fill("#id_point", "33.74,113.31")  # latitude first, as people often type it
    staff.get_by_role("button", name="保存").click()
    expect(staff.locator("main")).to_contain_text("经纬度似乎填反了")
    assert_fits(staff, "publication form with an error")
