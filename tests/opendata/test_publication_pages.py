"""The open-data pages (opendata.views) through the test client: the project page's 公开数据 section,
one project's form (admins and the staff who keep it), the year's list with its bulk mark (admins),
and the OC4IDS download."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import Role
from opendata.choices import CoordinateSystem
from opendata.models import Publication
from opendata.services.publications import PointInput, publication_save
from projects.models import Listing, Project, Region

pytestmark = pytest.mark.usefixtures("demo")

STAFF_OWN = "北环路冷链物流中心（示例）"  # 北环路街道 (the demo staff's street); not public, no row
STAFF_OWN_PUBLIC = "市正顺化工公司技改10万吨/年洗油深加工"  # 北环路街道; marked 可公开 by the demo
LEADERS = "恒宇·东城国际"  # 建设路街道, followed by 王某 (the demo leader); marked 可公开
XINHUA = "新华区中兴路片区棚户区改造（示例）"  # 新华区 (410402)
DISTRICT_LEVEL = "北环路机械配件厂技改（示例）"  # on 卫东区's own 2015 list only
PREFIX = "oc4ids-abc123"


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)  # the demo's day: "this year" is 2015


@pytest.fixture
def as_user(users, django_user_model):
    def make(role):
        user = django_user_model.objects.get(username="city") if role == "city" else users[role]
        client = Client()
        client.force_login(user)
        return client

    return make


def project(name):
    return Project.objects.get(name=name)


def row(name):
    return Publication.objects.filter(project__name=name).first()


def edit_url(name):
    return reverse("opendata:publication_edit", args=[project(name).pk])


def body(response):
    """A download's bytes (the package is streamed from a temporary file)."""
    return b"".join(response.streaming_content)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(**overrides):
    return {"point": "", "system": CoordinateSystem.WGS84, "purpose": "", "version": "0", **overrides}


def weidong_public_2015():
    listed = Listing.objects.filter(year=2015).values("project_id")
    return set(
        Project.objects.filter(district__code="410403", publication__public=True, pk__in=listed).values_list(
            "name", flat=True
        )
    )


# --- The project page's section and the nav -------------------------------------------------------


def test_the_project_page_shows_the_publication_section_with_a_link_for_admins(as_user):
    response = as_user("admin").get(project(STAFF_OWN_PUBLIC).get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="publication"' in page and "<h2>公开数据</h2>" in page
    assert "是（列入 OC4IDS 公开数据）" in page
    assert edit_url(STAFF_OWN_PUBLIC) in page
    assert '<dd id="publication-point">未填写</dd>' in page


def test_the_project_page_shows_the_point_and_the_entered_one_after_a_conversion(users, as_user):
    entered = PointInput(Decimal("113.306265"), Decimal("33.738547"), system=CoordinateSystem.GCJ02)
    saved = publication_save(user=users["staff_a"], project=project(STAFF_OWN), point=entered, expected_version=0)
    page = as_user("staff_a").get(project(STAFF_OWN).get_absolute_url()).content.decode()
    assert f"经度 {saved.longitude}，纬度 {saved.latitude}" in page  # seven places, as stored
    assert "由录入的GCJ-02（高德、腾讯地图）坐标 113.3062650,33.7385470 换算" in page
    assert '<dd id="publication-public">否</dd>' in page
    assert edit_url(STAFF_OWN) in page  # staff who keep it may change the point


def test_a_leader_sees_the_section_without_the_link(as_user):
    response = as_user("leader").get(project(LEADERS).get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="publication"' in page
    assert edit_url(LEADERS) not in page


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("city", True), ("staff_a", False), ("leader", False)])
def test_the_nav_shows_open_data_to_admins_only(as_user, role, shown):
    page = as_user(role).get(reverse("projects:project_list")).content.decode()
    assert (f'<a href="{reverse("opendata:index")}">公开数据</a>' in page) is shown


# --- One project's form ---------------------------------------------------------------------------


def test_the_admins_form_has_the_public_field_filled_from_the_saved_row(as_user):
    response = as_user("admin").get(edit_url(STAFF_OWN_PUBLIC))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="public"' in page and "checked" in page
    assert f'name="version" value="{row(STAFF_OWN_PUBLIC).version}"' in page


def test_the_staffs_form_has_no_public_field(as_user):
    page = as_user("staff_a").get(edit_url(STAFF_OWN_PUBLIC)).content.decode()
    assert 'name="public"' not in page
    assert "是否公开由项目办管理员设置；当前：可公开。" in page
    assert 'name="point"' in page and 'name="version" value="1"' in page


def test_the_form_shows_the_point_as_it_was_entered(users, as_user):
    entered = PointInput(Decimal("113.3062650"), Decimal("33.7385470"), system=CoordinateSystem.BD09)
    publication_save(
        user=users["staff_a"], project=project(STAFF_OWN), point=entered, purpose="冷链", expected_version=0
    )
    page = as_user("staff_a").get(edit_url(STAFF_OWN)).content.decode()
    assert 'value="113.306265,33.738547"' in page
    assert '<option value="bd09" selected>' in page
    assert "冷链" in page


def test_an_admin_saves_the_mark_point_and_purpose(users, as_user):
    response = as_user("admin").post(
        edit_url(STAFF_OWN),
        form_data(point="113.3037271,33.7414475", purpose="冷链物流", public="on"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{project(STAFF_OWN).get_absolute_url()}#publication"
    assert messages_of(response) == ["已保存公开数据设置。"]
    stored = row(STAFF_OWN)
    assert (stored.public, stored.purpose, stored.version) == (True, "冷链物流", 1)
    assert (stored.longitude, stored.latitude) == (Decimal("113.3037271"), Decimal("33.7414475"))
    assert stored.history.get().history_user == users["admin"]


def test_an_admin_leaving_public_unticked_unmarks(as_user):
    version = row(STAFF_OWN_PUBLIC).version
    response = as_user("admin").post(edit_url(STAFF_OWN_PUBLIC), form_data(version=str(version)))
    assert response.status_code == 302
    assert row(STAFF_OWN_PUBLIC).public is False


def test_a_gcj02_point_is_converted_and_the_message_says_so(as_user):
    response = as_user("staff_a").post(edit_url(STAFF_OWN), form_data(point="113.306265，33.738547", system="gcj02"))
    assert response.status_code == 302
    stored = row(STAFF_OWN)
    assert stored.entered_system == CoordinateSystem.GCJ02
    assert (stored.entered_longitude, stored.entered_latitude) == (Decimal("113.306265"), Decimal("33.738547"))
    (message,) = messages_of(response)
    assert message.startswith("已保存公开数据设置。录入的GCJ-02（高德、腾讯地图）坐标已换算为 WGS84：")
    assert f"{stored.longitude.normalize():f},{stored.latitude.normalize():f}" in message


def test_a_forged_public_from_staff_leaves_the_mark_unchanged(as_user):
    response = as_user("staff_a").post(
        edit_url(STAFF_OWN), form_data(point="113.3037271,33.7414475", public="on", purpose="冷链")
    )
    assert response.status_code == 302
    stored = row(STAFF_OWN)
    assert stored.public is False and stored.has_point and stored.purpose == "冷链"
    version = row(STAFF_OWN_PUBLIC).version
    as_user("staff_a").post(edit_url(STAFF_OWN_PUBLIC), form_data(version=str(version)))  # no public field sent
    assert row(STAFF_OWN_PUBLIC).public is True


def test_swapped_latitude_and_longitude_are_refused(as_user):
    response = as_user("admin").post(edit_url(STAFF_OWN), form_data(point="33.7414475,113.3037271", public="on"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "经纬度似乎填反了" in page and "请先填经度、后填纬度" in page
    assert row(STAFF_OWN) is None


@pytest.mark.parametrize(
    ("point", "message"),
    [
        ("113.3", "请填写两个数：经度和纬度"),
        ("113.3,33.7,5", "请填写两个数：经度和纬度"),
        ("东经113,北纬33", "经纬度须是数字"),
        ("abc def", "经纬度须是数字"),
        ("NaN,33.7", "经纬度须是数字"),
        ("113.3,Infinity", "经纬度须是数字"),
        ("190,33.7", "经度须在 -180 到 180 之间。"),
        ("-20,95", "纬度须在 -90 到 90 之间。"),
    ],
)
def test_garbage_points_are_refused_with_a_chinese_message(as_user, point, message):
    response = as_user("staff_a").post(edit_url(STAFF_OWN), form_data(point=point, purpose="不应保存"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row(STAFF_OWN) is None


def test_a_chinese_maps_system_for_a_point_abroad_is_refused_on_the_form(as_user):
    response = as_user("staff_a").post(edit_url(STAFF_OWN), form_data(point="-0.1276,51.5072", system="bd09"))
    assert response.status_code == 200
    assert "该坐标在中国境外，BD-09（百度地图）的偏移不适用" in response.content.decode()
    assert row(STAFF_OWN) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": "x"}, "页面数据有误，请刷新页面后重新填写。"),
        ({"version": ""}, "页面数据有误，请刷新页面后重新填写。"),
        ({"version": "-1"}, "页面数据有误，请刷新页面后重新填写。"),
        ({"version": "99999999999"}, "页面数据有误，请刷新页面后重新填写。"),
        ({"system": "utm"}, "utm"),
    ],
)
def test_a_tampered_form_is_refused(as_user, data, message):
    response = as_user("staff_a").post(edit_url(STAFF_OWN), form_data(point="113.3,33.74", **data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row(STAFF_OWN) is None


def test_a_stale_form_shows_the_conflict_and_keeps_the_saved_row(users, as_user):
    publication_save(
        user=users["admin"], project=project(STAFF_OWN), point=PointInput(None, None), purpose="管理员先保存",
        public=True, expected_version=0,
    )  # fmt: skip
    response = as_user("staff_a").post(edit_url(STAFF_OWN), form_data(point="113.3,33.74", purpose="填报员后保存"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="saved-publication"' in page
    assert "保存失败：该项目的公开数据设置已被他人修改，您的修改未写入。" in page
    assert "管理员先保存" in page
    assert 'name="version" value="1"' in page  # the form now names the saved version
    assert "填报员后保存" in page and 'value="113.3,33.74"' in page  # and keeps what the user typed
    stored = row(STAFF_OWN)
    assert (stored.purpose, stored.public, stored.has_point, stored.version) == ("管理员先保存", True, False, 1)


def test_a_leader_gets_403_on_the_form(as_user):
    client = as_user("leader")
    version = row(LEADERS).version
    assert client.get(edit_url(LEADERS)).status_code == 403
    assert client.post(edit_url(LEADERS), form_data(point="113.3,33.74", version=str(version))).status_code == 403
    assert not row(LEADERS).has_point


@pytest.mark.parametrize(("role", "name"), [("admin", XINHUA), ("staff_b", STAFF_OWN), ("staff_a", LEADERS)])
def test_a_project_out_of_sight_answers_404(as_user, role, name):
    client = as_user(role)
    assert client.get(edit_url(name)).status_code == 404
    assert client.post(edit_url(name), form_data(point="113.3,33.74", public="on")).status_code == 404
    assert (row(name) is None) or not row(name).has_point


def test_an_unknown_project_answers_404(as_user):
    assert as_user("admin").get(reverse("opendata:publication_edit", args=[999999])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in():
    response = Client().get(edit_url(STAFF_OWN))
    assert response.status_code == 302 and "login" in response["Location"]
    assert Client().get(reverse("opendata:index")).status_code == 302


# --- The year's list ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff_a", "leader"])
def test_the_list_and_download_are_for_admins_only(as_user, role):
    client = as_user(role)
    assert client.get(reverse("opendata:index")).status_code == 403
    assert (
        client.post(reverse("opendata:index"), {"projects": [project(STAFF_OWN).pk], "public": "1"}).status_code == 403
    )
    with override_settings(KP_OC4IDS_PREFIX=PREFIX):
        assert client.get(reverse("opendata:download") + "?year=2015").status_code == 403
    assert row(STAFF_OWN) is None


def test_the_list_shows_the_years_projects_of_the_office(as_user):
    response = as_user("admin").get(reverse("opendata:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["year"] == 2015
    names = {r.project.name for r in response.context["rows"]}
    listed = set(
        Listing.objects.filter(year=2015, project__district__code="410403").values_list("project__name", flat=True)
    )
    assert names == listed
    assert XINHUA not in page and STAFF_OWN in page
    public = weidong_public_2015()
    assert len(public) == 15
    assert {r.project.name for r in response.context["rows"] if r.public} == public
    assert f"共 {len(listed)} 个，可公开 15 个" in page
    assert 'name="projects"' in page and 'method="post"' in page


def test_the_city_admin_sees_every_district(as_user):
    names = {r.project.name for r in as_user("city").get(reverse("opendata:index") + "?year=2015").context["rows"]}
    assert XINHUA in names and STAFF_OWN in names


def test_a_level_narrows_the_list(as_user):
    response = as_user("admin").get(reverse("opendata:index") + "?year=2015&level=district")
    names = {r.project.name for r in response.context["rows"]}
    assert DISTRICT_LEVEL in names and STAFF_OWN not in names


def test_the_list_tells_the_admin_when_no_prefix_is_set(as_user, settings):
    settings.KP_OC4IDS_PREFIX = ""
    page = as_user("admin").get(reverse("opendata:index")).content.decode()
    assert 'id="prefix-problem"' in page and "KP_OC4IDS_PREFIX" in page
    assert 'id="download-oc4ids"' not in page


@override_settings(KP_OC4IDS_PREFIX=PREFIX)
def test_the_list_offers_the_download_when_a_prefix_is_set(as_user):
    page = as_user("admin").get(reverse("opendata:index")).content.decode()
    assert f"<code>{PREFIX}</code>" in page
    assert 'id="download-oc4ids"' in page and "year=2015" in page


@pytest.mark.parametrize("query", ["?year=abc", "?year=1900", "?year=99999", "?level=nation", "?year=2015.5"])
def test_a_bad_query_falls_back_to_this_year_with_a_warning(as_user, query):
    response = as_user("admin").get(reverse("opendata:index") + query)
    assert response.status_code == 200
    assert response.context["year"] == 2015 and response.context["level"] is None
    (warning,) = messages_of(response)
    assert warning.startswith("参数有误（") and warning.endswith("），已显示今年的全部级别。")
    assert len(response.context["rows"]) > 0


def mark(client, ids, public="1", query="?year=2015"):
    return client.post(reverse("opendata:index") + query, {"projects": ids, "public": public})


def test_the_bulk_mark_marks_the_ticked_projects(users, as_user):
    ids = [project(STAFF_OWN).pk, project(STAFF_OWN_PUBLIC).pk]
    response = mark(as_user("admin"), ids)
    assert response.status_code == 302
    assert response["Location"] == reverse("opendata:index") + "?year=2015&region=410403"
    assert messages_of(response) == ["已将 1 个项目设为可公开（所选 2 个，其余原已是可公开）。"]
    assert row(STAFF_OWN).public is True
    assert row(STAFF_OWN).history.get().history_user == users["admin"]


def test_the_bulk_unmark(as_user):
    response = mark(as_user("admin"), [project(STAFF_OWN_PUBLIC).pk, project(LEADERS).pk], public="0")
    assert messages_of(response) == ["已将 2 个项目设为不公开（所选 2 个，其余原已是不公开）。"]
    assert not row(STAFF_OWN_PUBLIC).public and not row(LEADERS).public
    public = weidong_public_2015()
    assert len(public) == 13 and not public & {STAFF_OWN_PUBLIC, LEADERS}


@pytest.mark.parametrize(
    ("ids", "public", "query", "words"),
    [
        ([], "1", "?year=2015", "请先勾选项目。"),
        (["OWN"], "1", "?year=2015&level=district", "「项目」"),  # on the city's list, not on this page
        (["DISTRICT", "XINHUA"], "1", "?year=2015", "「项目」"),
        (["DISTRICT", "abc"], "1", "?year=2015", "「项目」"),
        (["DISTRICT", "-1"], "1", "?year=2015", "「项目」"),
        (["DISTRICT", "99999999999999999999"], "1", "?year=2015", "「项目」"),
        (["DISTRICT"], "maybe", "?year=2015", "「设为」"),
        (["DISTRICT"], "", "?year=2015", "「设为」"),
    ],
)
def test_bad_bulk_input_changes_nothing(as_user, ids, public, query, words):
    known = {"OWN": project(STAFF_OWN).pk, "DISTRICT": project(DISTRICT_LEVEL).pk, "XINHUA": project(XINHUA).pk}
    before = list(Publication.objects.order_by("pk").values_list("pk", "public", "version"))
    response = mark(as_user("admin"), [str(known.get(value, value)) for value in ids], public, query)
    assert response.status_code == 302
    (message,) = messages_of(response)
    assert message.startswith("未做任何修改：") and words in message
    assert list(Publication.objects.order_by("pk").values_list("pk", "public", "version")) == before


# --- The download ---------------------------------------------------------------------------------


@override_settings(KP_OC4IDS_PREFIX=PREFIX)
def test_the_download_is_the_years_public_projects_as_json(as_user):
    response = as_user("admin").get(reverse("opendata:download") + "?year=2015")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''oc4ids-2015-410403.json"
    package = json.loads(body(response))
    titles = [entry["title"] for entry in package["projects"]]
    assert len(titles) == len(set(titles))
    assert set(titles) == weidong_public_2015()
    assert STAFF_OWN not in titles
    assert all(entry["id"].startswith(f"{PREFIX}-") for entry in package["projects"])
    assert package["version"] == "0.9"


@override_settings(KP_OC4IDS_PREFIX=PREFIX)
def test_a_project_marked_on_the_page_appears_in_the_download_and_one_unmarked_leaves_it(as_user):
    client = as_user("admin")
    mark(client, [project(STAFF_OWN).pk])
    mark(client, [project(LEADERS).pk], public="0")
    package = json.loads(body(client.get(reverse("opendata:download") + "?year=2015")))
    titles = {entry["title"] for entry in package["projects"]}
    assert STAFF_OWN in titles and LEADERS not in titles


@override_settings(KP_OC4IDS_PREFIX=PREFIX)
def test_the_download_carries_the_wgs84_point(users, as_user):
    entered = PointInput(Decimal("113.306265"), Decimal("33.738547"), system=CoordinateSystem.GCJ02)
    version = row(STAFF_OWN_PUBLIC).version
    saved = publication_save(
        user=users["admin"], project=project(STAFF_OWN_PUBLIC), point=entered, expected_version=version
    )
    package = json.loads(body(as_user("admin").get(reverse("opendata:download") + "?year=2015")))
    (entry,) = [e for e in package["projects"] if e["title"] == STAFF_OWN_PUBLIC]
    text = json.dumps(entry["locations"])
    assert f"{saved.longitude.normalize():f}" in text and f"{saved.latitude.normalize():f}" in text
    assert "113.306265" not in text  # the GCJ-02 point as entered is not published


@override_settings(KP_OC4IDS_PREFIX=PREFIX)
def test_a_package_the_schema_refuses_is_not_sent(as_user, monkeypatch):
    from opendata.selectors import entries

    monkeypatch.setattr(entries.mapping, "project_status", lambda project: "在建")
    response = as_user("admin").get(reverse("opendata:download") + "?year=2015")
    assert response.status_code == 302 and "Content-Disposition" not in response
    [message] = messages_of(response)
    assert message.startswith("公开数据未通过 OC4IDS 校验（30 处），未导出：projects/0/status: '在建' is not one of")


def test_without_a_prefix_the_download_redirects_with_how_to_register(as_user, settings):
    settings.KP_OC4IDS_PREFIX = ""
    response = as_user("admin").get(reverse("opendata:download") + "?year=2015")
    assert response.status_code == 302
    assert response["Location"] == reverse("opendata:index") + "?year=2015&region=410403"
    (message,) = messages_of(response)
    assert "尚未设置 OC4IDS 项目编号前缀" in message
    assert "data@open-contracting.org" in message and "KP_OC4IDS_PREFIX" in message


def test_a_malformed_prefix_is_named(as_user, settings):
    settings.KP_OC4IDS_PREFIX = "OC4IDS-ABC"
    response = as_user("admin").get(reverse("opendata:download") + "?year=2015")
    assert response.status_code == 302
    (message,) = messages_of(response)
    assert "「OC4IDS-ABC」不是 OC4IDS 前缀" in message


@override_settings(KP_OC4IDS_PREFIX=PREFIX)
@pytest.mark.parametrize("query", ["?year=2014", "?year=2015&level=district"])
def test_a_year_without_public_projects_redirects_with_a_clear_message(as_user, query):
    response = as_user("admin").get(reverse("opendata:download") + query)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("opendata:index") + query)
    (message,) = messages_of(response)
    assert "没有标为「可公开」的项目，未导出任何数据" in message


@override_settings(KP_OC4IDS_PREFIX=PREFIX)
def test_another_districts_admin_downloads_only_their_own(django_user_model):
    xinhua = django_user_model.objects.create_user(
        "xinhua", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )
    client = Client()
    client.force_login(xinhua)
    response = client.get(reverse("opendata:download") + "?year=2015")
    assert response.status_code == 302  # 卫东区's 15 public projects are not theirs
    publication_save(
        user=xinhua, project=project(XINHUA), point=PointInput(None, None), public=True, expected_version=0
    )
    package = json.loads(body(client.get(reverse("opendata:download") + "?year=2015")))
    assert [entry["title"] for entry in package["projects"]] == [XINHUA]


def test_a_zero_zero_point_is_refused_on_the_point_field(as_user):
    before = row(STAFF_OWN)
    response = as_user("staff_a").post(
        edit_url(STAFF_OWN), form_data(point="0,0", version=str(before.version if before else 0))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["point"] == [
        "坐标 0,0 在几内亚湾的海面上，不是项目所在地：请填写项目的实际坐标，或留空。"
    ]
    after = row(STAFF_OWN)
    assert (after.version if after else 0) == (before.version if before else 0)
