"""Two app servers on different loopback ports, one PostgreSQL database, one media folder: what one
server did, the other sees (sessions, photos, the compare-and-set version of a report)."""

import io
import re
from decimal import Decimal

import pytest
from PIL import Image

from tests.deploy.servers import Visitor
from tests.projects.test_report_views import OPEN_LISTING, form_data


@pytest.fixture(scope="module")
def site(make_site):
    return make_site()


@pytest.fixture(scope="module")
def servers(site, start_servers):
    return start_servers(site, {}, {})


def version_on(page):
    return int(re.search(r'name="version" value="(\d+)"', page.text).group(1))


def test_a_session_begun_on_one_server_continues_on_the_other(servers):
    a, b = servers
    assert Visitor().get(b, "/overview/").status_code == 302  # nobody is signed in on b by itself

    admin = Visitor().login(a, "admin")
    page = admin.get(b, "/overview/")
    assert page.status_code == 200
    assert "项目办管理员" in page.text and "退出" in page.text
    assert admin.post(b, "/accounts/logout/", {}, form_page="/overview/").status_code == 302
    assert admin.get(a, "/overview/").status_code == 302  # signed out on b is signed out on a


def test_a_photo_uploaded_through_one_server_is_served_by_the_other(site, servers):
    a, b = servers
    staff = Visitor().login(a, "staff")
    edit = f"/reports/{site.listing_id(OPEN_LISTING)}/9/"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 200)).save(buffer, "JPEG")
    draft = form_data(version_on(staff.get(a, edit)), "draft", "120")
    saved = staff.post(a, edit, draft, files={"photos": ("工地.jpg", buffer.getvalue())})
    assert saved.status_code == 302

    (photo_id,) = re.findall(r'href="/photos/(\d+)/"', staff.get(b, edit).text)
    through_b = staff.get(b, f"/photos/{photo_id}/")
    assert through_b.status_code == 200 and through_b.headers["Content-Type"] == "image/jpeg"
    assert through_b.content == staff.get(a, f"/photos/{photo_id}/").content
    assert Image.open(io.BytesIO(through_b.content)).size == (640, 480)
    assert staff.get(b, f"/photos/{photo_id}/thumbnail/").status_code == 200
    (name,) = site.sql("SELECT image FROM projects_reportphoto WHERE id = %s", (photo_id,))[0]
    assert (site.media / name).read_bytes() == through_b.content  # in the one shared folder


def test_a_report_edited_through_both_servers_at_once_loses_no_update(site, servers):
    a, b = servers
    listing_id = site.listing_id(OPEN_LISTING)
    edit = f"/reports/{listing_id}/9/"
    first, second = Visitor().login(a, "staff"), Visitor().login(b, "staff")  # two devices
    seen_by_first, seen_by_second = version_on(first.get(a, edit)), version_on(second.get(b, edit))
    assert seen_by_first == seen_by_second

    assert first.post(a, edit, form_data(seen_by_first, "draft", "1,234.50")).status_code == 302
    refused = second.post(b, edit, form_data(seen_by_second, "draft", "999", progress="另一台设备上的填写"))
    assert refused.status_code == 409
    assert "保存失败：该填报已被" in refused.text and "1,234.50 万元" in refused.text
    assert "另一台设备上的填写" in refused.text  # what the second person typed is still on the page
    stored = site.sql(
        "SELECT investment, progress FROM projects_monthlyreport WHERE listing_id = %s AND month = 9", (listing_id,)
    )
    assert stored == [(Decimal("1234.50"), "厂房主体完工，设备进场")]


def overview_done(visitor, server):
    page = visitor.get(server, "/overview/?year=2015&month=9&level=district")
    assert page.status_code == 200
    return Decimal(re.search(r'id="overview-done">([^<]*)<', page.text).group(1).replace(",", ""))


def test_figures_a_server_keeps_are_renewed_when_the_other_writes(site, servers):
    a, b = servers
    admin = Visitor().login(b, "admin")
    before = overview_done(admin, b)
    assert overview_done(admin, b) == before  # b now reuses its figures

    staff = Visitor().login(a, "staff")
    edit = f"/reports/{site.listing_id(OPEN_LISTING)}/9/"
    assert staff.post(a, edit, form_data(version_on(staff.get(a, edit)), "submit", "500")).status_code == 302
    assert overview_done(admin, b) == before + Decimal("500")
