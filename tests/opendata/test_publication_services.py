"""Writes of what an office publishes (opendata.services.publications): who may set a project's point
and purpose, who may mark it 可公开, the version check that refuses a save over someone else's, the
conversion of a point copied from a Chinese map, and the bulk mark of the year's list."""

from decimal import Decimal

import pytest

from accounts.models import Role
from opendata.choices import CoordinateSystem
from opendata.coordinates import to_wgs84
from opendata.models import Publication
from opendata.services.publications import (
    PointInput,
    StalePublication,
    point_problems,
    publication_of,
    publication_save,
    publications_mark,
)
from projects.models import Project, Region
from projects.services.errors import PermissionDenied, ValidationError

pytestmark = pytest.mark.usefixtures("demo")

STAFF_OWN = "北环路冷链物流中心（示例）"  # 北环路街道 (the demo staff's street); not public, no row
STAFF_OWN_PUBLIC = "市正顺化工公司技改10万吨/年洗油深加工"  # 北环路街道; marked 可公开 by the demo
LEADERS = "恒宇·东城国际"  # followed by 王某, the demo leader; 东安路 staff do not keep it either
UNPUBLISHED = ["东环路智能装备制造基地（示例）", "优越路商业步行街提升改造（示例）", "建设路保障性住房（示例）"]
XINHUA = "新华区中兴路片区棚户区改造（示例）"  # 新华区 (410402), beside 卫东区

PINGDINGSHAN = PointInput(Decimal("113.3037271"), Decimal("33.7414475"))


def project(name):
    return Project.objects.get(name=name)


def row(name):
    return Publication.objects.filter(project__name=name).first()


@pytest.fixture
def xinhua_admin(django_user_model):
    return django_user_model.objects.create_user(
        "xinhua", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


@pytest.fixture
def city_admin(django_user_model):
    return django_user_model.objects.get(username="city")


# --- Who may save what ----------------------------------------------------------------------------


def test_admin_saves_a_first_row_with_the_mark_the_point_and_the_purpose(users):
    target = project(STAFF_OWN)
    assert row(STAFF_OWN) is None
    saved = publication_save(
        user=users["admin"], project=target, point=PINGDINGSHAN, purpose="  改善冷链  ", public=True, expected_version=0
    )
    stored = Publication.objects.get(project=target)
    assert stored.pk == saved.pk
    assert stored.public is True
    assert (stored.longitude, stored.latitude) == (Decimal("113.3037271"), Decimal("33.7414475"))
    assert (stored.entered_longitude, stored.entered_latitude) == (Decimal("113.3037271"), Decimal("33.7414475"))
    assert stored.entered_system == CoordinateSystem.WGS84
    assert stored.purpose == "改善冷链"  # trimmed
    assert stored.version == 1
    history = stored.history.get()
    assert history.history_user == users["admin"]
    assert history.history_change_reason == "修改公开数据设置"


def test_public_none_leaves_the_mark_as_it_is(users):
    target = project(STAFF_OWN_PUBLIC)
    before = row(STAFF_OWN_PUBLIC)
    assert before.public is True
    publication_save(
        user=users["admin"],
        project=target,
        point=PINGDINGSHAN,
        purpose="",
        public=None,
        expected_version=before.version,
    )
    after = row(STAFF_OWN_PUBLIC)
    assert after.public is True
    assert after.version == before.version + 1
    assert after.has_point


def test_admin_unmarks_a_public_project(users):
    before = row(STAFF_OWN_PUBLIC)
    publication_save(
        user=users["admin"],
        project=project(STAFF_OWN_PUBLIC),
        point=PointInput(None, None),
        public=False,
        expected_version=before.version,
    )
    assert row(STAFF_OWN_PUBLIC).public is False


def test_the_city_admin_may_mark_a_project_of_a_district_under_the_city(users, city_admin):
    publication_save(user=city_admin, project=project(STAFF_OWN), point=PINGDINGSHAN, public=True, expected_version=0)
    stored = row(STAFF_OWN)
    assert stored.public is True
    assert stored.history.get().history_user == city_admin


def test_staff_who_keep_the_project_set_its_point_and_purpose(users):
    publication_save(
        user=users["staff_a"], project=project(STAFF_OWN), point=PINGDINGSHAN, purpose="冷链物流", expected_version=0
    )
    stored = row(STAFF_OWN)
    assert stored.has_point and stored.purpose == "冷链物流"
    assert stored.public is False  # a new row is not public
    assert stored.history.get().history_user == users["staff_a"]


def test_staff_saving_a_public_project_leave_its_mark(users):
    before = row(STAFF_OWN_PUBLIC)
    publication_save(
        user=users["staff_a"], project=project(STAFF_OWN_PUBLIC), point=PINGDINGSHAN, expected_version=before.version
    )
    assert row(STAFF_OWN_PUBLIC).public is True


@pytest.mark.parametrize("public", [True, False])
def test_staff_may_not_mark(users, public):
    with pytest.raises(PermissionDenied, match="只有项目办管理员可以设置项目是否公开"):
        publication_save(
            user=users["staff_a"], project=project(STAFF_OWN), point=PINGDINGSHAN, public=public, expected_version=0
        )
    assert row(STAFF_OWN) is None


@pytest.mark.parametrize("who", ["leader", "staff_b", "xinhua"])
def test_those_who_do_not_keep_the_project_are_refused(users, xinhua_admin, who):
    user = xinhua_admin if who == "xinhua" else users[who]
    before = row(LEADERS)
    with pytest.raises(PermissionDenied, match="您不能修改该项目的公开数据设置"):
        publication_save(
            user=user, project=project(LEADERS), point=PINGDINGSHAN, public=None, expected_version=before.version
        )
    after = row(LEADERS)
    assert (after.version, after.has_point, after.public) == (before.version, False, True)


def test_another_districts_admin_may_not_mark_either(users, xinhua_admin):
    with pytest.raises(PermissionDenied):
        publication_save(
            user=xinhua_admin, project=project(STAFF_OWN), point=PINGDINGSHAN, public=True, expected_version=0
        )
    assert row(STAFF_OWN) is None


def test_the_admin_of_the_other_district_keeps_its_own_projects(xinhua_admin):
    publication_save(user=xinhua_admin, project=project(XINHUA), point=PINGDINGSHAN, public=True, expected_version=0)
    assert row(XINHUA).public is True


# --- The version check ----------------------------------------------------------------------------


def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(users):
    target = project(STAFF_OWN)
    publication_save(user=users["admin"], project=target, point=PINGDINGSHAN, purpose="先保存的", expected_version=0)
    with pytest.raises(StalePublication) as refused:
        publication_save(
            user=users["staff_a"],
            project=target,
            point=PointInput(Decimal("113.4"), Decimal("33.8")),
            purpose="后保存的",
            expected_version=0,
        )
    assert "已被他人修改" in str(refused.value)
    assert refused.value.publication.purpose == "先保存的"  # what the page shows as the saved row
    stored = row(STAFF_OWN)
    assert (stored.purpose, stored.longitude, stored.version) == ("先保存的", Decimal("113.3037271"), 1)
    assert Publication.objects.filter(project=target).count() == 1
    assert stored.history.count() == 1


def test_a_version_from_the_future_is_refused_too(users):
    before = row(STAFF_OWN_PUBLIC)
    with pytest.raises(StalePublication):
        publication_save(
            user=users["admin"],
            project=project(STAFF_OWN_PUBLIC),
            point=PINGDINGSHAN,
            expected_version=before.version + 1,
        )
    assert row(STAFF_OWN_PUBLIC).version == before.version


def test_each_save_moves_the_version_on(users):
    target = project(STAFF_OWN)
    for version in range(3):
        saved = publication_save(user=users["staff_a"], project=target, point=PINGDINGSHAN, expected_version=version)
        assert saved.version == version + 1
    assert row(STAFF_OWN).history.count() == 3


def test_a_bulk_mark_makes_an_open_form_stale(users):
    target = project(STAFF_OWN)
    publication_save(user=users["staff_a"], project=target, point=PINGDINGSHAN, expected_version=0)
    opened_at = row(STAFF_OWN).version
    assert publications_mark(user=users["admin"], projects=[target], public=True) == 1
    with pytest.raises(StalePublication):
        publication_save(
            user=users["staff_a"], project=target, point=PointInput(None, None), expected_version=opened_at
        )
    assert row(STAFF_OWN).has_point


def test_publication_of_a_project_without_a_row_is_an_unsaved_default():
    unsaved = publication_of(project(STAFF_OWN))
    assert unsaved.pk is None
    assert (unsaved.version, unsaved.public, unsaved.has_point) == (0, False, False)
    assert publication_of(project(STAFF_OWN_PUBLIC)).pk == row(STAFF_OWN_PUBLIC).pk


# --- The point ------------------------------------------------------------------------------------


@pytest.mark.parametrize("system", [CoordinateSystem.GCJ02, CoordinateSystem.BD09])
def test_a_point_from_a_chinese_map_is_stored_in_wgs84_beside_what_was_entered(users, system):
    entered = PointInput(Decimal("113.3062650"), Decimal("33.7385466"), system=system)
    publication_save(user=users["staff_a"], project=project(STAFF_OWN), point=entered, expected_version=0)
    stored = row(STAFF_OWN)
    assert (stored.longitude, stored.latitude) == to_wgs84(entered.longitude, entered.latitude, system)
    assert stored.longitude != entered.longitude and stored.latitude != entered.latitude
    assert (stored.entered_longitude, stored.entered_latitude) == (entered.longitude, entered.latitude)
    assert stored.entered_system == system


def test_the_gcj02_point_of_pingdingshan_comes_back_to_its_wgs84_point(users):
    # wgs84_to_gcj02(113.3, 33.74) = (113.30626499193959, 33.73854655105372), coordtransform's formula
    entered = PointInput(Decimal("113.3062650"), Decimal("33.7385466"), system=CoordinateSystem.GCJ02)
    publication_save(user=users["staff_a"], project=project(STAFF_OWN), point=entered, expected_version=0)
    stored = row(STAFF_OWN)
    assert abs(stored.longitude - Decimal("113.3")) < Decimal("0.000001")
    assert abs(stored.latitude - Decimal("33.74")) < Decimal("0.000001")


def test_clearing_the_point_empties_it_and_what_was_entered(users):
    target = project(STAFF_OWN)
    gcj = PointInput(Decimal("113.306265"), Decimal("33.738547"), system=CoordinateSystem.GCJ02)
    publication_save(user=users["staff_a"], project=target, point=gcj, purpose="冷链", expected_version=0)
    publication_save(
        user=users["staff_a"], project=target, point=PointInput(None, None), purpose="冷链", expected_version=1
    )
    stored = row(STAFF_OWN)
    assert not stored.has_point
    assert (stored.longitude, stored.latitude, stored.entered_longitude, stored.entered_latitude) == (None,) * 4
    assert stored.entered_system == CoordinateSystem.WGS84
    assert stored.purpose == "冷链"


@pytest.mark.parametrize(
    ("point", "field"),
    [
        (PointInput(Decimal("113.3"), None), "latitude"),
        (PointInput(None, Decimal("33.74")), "longitude"),
    ],
)
def test_half_a_point_is_refused(users, point, field):
    with pytest.raises(ValidationError) as refused:
        publication_save(user=users["admin"], project=project(STAFF_OWN), point=point, public=True, expected_version=0)
    assert refused.value.message_dict == {field: ["经度和纬度须同时填写；清除坐标时两项都留空。"]}
    assert row(STAFF_OWN) is None


@pytest.mark.parametrize("system", [CoordinateSystem.GCJ02, CoordinateSystem.BD09])
def test_a_chinese_maps_system_outside_china_is_refused(users, system):
    london = PointInput(Decimal("-0.1276"), Decimal("51.5072"), system=system)
    with pytest.raises(ValidationError) as refused:
        publication_save(user=users["staff_a"], project=project(STAFF_OWN), point=london, expected_version=0)
    (message,) = refused.value.message_dict["system"]
    assert "该坐标在中国境外" in message and CoordinateSystem(system).label in message and "WGS84" in message
    assert row(STAFF_OWN) is None


def test_a_wgs84_point_outside_china_is_kept_as_entered(users):
    london = PointInput(Decimal("-0.1276000"), Decimal("51.5072000"))
    publication_save(user=users["staff_a"], project=project(STAFF_OWN), point=london, expected_version=0)
    stored = row(STAFF_OWN)
    assert (stored.longitude, stored.latitude) == (Decimal("-0.1276000"), Decimal("51.5072000"))


def test_a_point_off_the_globe_is_refused_with_nothing_saved(users):
    with pytest.raises(ValidationError) as refused:
        publication_save(
            user=users["admin"],
            project=project(STAFF_OWN),
            point=PointInput(Decimal("181"), Decimal("-91")),
            public=True,
            expected_version=0,
        )
    assert refused.value.message_dict == {
        "longitude": ["经度须在 -180 到 180 之间。"],
        "latitude": ["纬度须在 -90 到 90 之间。"],
    }
    assert row(STAFF_OWN) is None


def test_point_problems_accepts_the_empty_point_and_the_edges_of_the_globe():
    assert point_problems(PointInput(None, None)) == {}
    assert point_problems(PointInput(None, None, system=CoordinateSystem.BD09)) == {}
    assert point_problems(PointInput(Decimal("180"), Decimal("-90"))) == {}
    assert point_problems(PointInput(Decimal("-180"), Decimal("90"))) == {}
    assert point_problems(PointInput(Decimal("113.3"), Decimal("33.74"), system=CoordinateSystem.GCJ02)) == {}


def test_point_problems_checks_the_range_before_the_system():
    problems = point_problems(PointInput(Decimal("200"), Decimal("33.74"), system=CoordinateSystem.GCJ02))
    assert problems == {"longitude": "经度须在 -180 到 180 之间。"}


def test_point_problems_refuses_the_placeholder_zero_zero():
    assert point_problems(PointInput(Decimal("0"), Decimal("0"))) == {
        "longitude": "坐标 0,0 在几内亚湾的海面上，不是项目所在地：请填写项目的实际坐标，或留空。"
    }
    assert point_problems(PointInput(Decimal("0"), Decimal("0.0000001"))) == {}


# --- Marking many at once -------------------------------------------------------------------------


def test_marking_many_creates_and_updates_rows_and_counts_only_the_changed(users):
    targets = [project(name) for name in UNPUBLISHED] + [project(STAFF_OWN_PUBLIC)]
    already = row(STAFF_OWN_PUBLIC).version
    assert publications_mark(user=users["admin"], projects=targets, public=True) == 3
    for name in UNPUBLISHED:
        stored = row(name)
        assert (stored.public, stored.version) == (True, 1)
        history = stored.history.get()
        assert history.history_user == users["admin"] and history.history_change_reason == "设为可公开"
    assert row(STAFF_OWN_PUBLIC).version == already  # already public: untouched
    assert publications_mark(user=users["admin"], projects=targets, public=True) == 0
    assert all(row(name).history.count() == 1 for name in UNPUBLISHED)


def test_unmarking_many_changes_the_public_rows_and_makes_no_new_ones(users):
    targets = [project(name) for name in UNPUBLISHED] + [project(STAFF_OWN_PUBLIC)]
    assert publications_mark(user=users["admin"], projects=targets, public=False) == 1
    stored = row(STAFF_OWN_PUBLIC)
    assert stored.public is False
    assert stored.history.latest().history_change_reason == "取消公开"
    assert not Publication.objects.filter(project__name__in=UNPUBLISHED).exists()


def test_the_same_project_twice_counts_once(users):
    target = project(STAFF_OWN)
    assert publications_mark(user=users["admin"], projects=[target, target], public=True) == 1


def test_a_set_with_one_project_outside_the_office_is_refused_whole(users):
    targets = [project(name) for name in UNPUBLISHED] + [project(XINHUA), project(STAFF_OWN_PUBLIC)]
    with pytest.raises(PermissionDenied, match="有 1 个项目不在您的管理范围内，未做任何修改"):
        publications_mark(user=users["admin"], projects=targets, public=True)
    with pytest.raises(PermissionDenied, match="有 1 个项目不在您的管理范围内"):
        publications_mark(user=users["admin"], projects=targets, public=False)
    assert not Publication.objects.filter(project__name__in=[*UNPUBLISHED, XINHUA]).exists()
    assert row(STAFF_OWN_PUBLIC).public is True


def test_another_districts_admin_is_refused_the_whole_set(users, xinhua_admin):
    targets = [project(XINHUA), project(STAFF_OWN)]
    with pytest.raises(PermissionDenied):
        publications_mark(user=xinhua_admin, projects=targets, public=True)
    assert not Publication.objects.filter(project__name__in=[XINHUA, STAFF_OWN]).exists()


def test_the_city_admin_marks_projects_of_two_districts(city_admin):
    assert publications_mark(user=city_admin, projects=[project(XINHUA), project(STAFF_OWN)], public=True) == 2
    assert row(XINHUA).public and row(STAFF_OWN).public


@pytest.mark.parametrize("who", ["staff_a", "leader"])
def test_only_admins_mark_many(users, who):
    with pytest.raises(PermissionDenied, match="只有项目办管理员可以设置项目是否公开"):
        publications_mark(user=users[who], projects=[project(STAFF_OWN)], public=True)
    assert row(STAFF_OWN) is None


def test_marking_nothing_changes_nothing(users):
    before = Publication.objects.count()
    assert publications_mark(user=users["admin"], projects=[], public=True) == 0
    assert Publication.objects.count() == before
