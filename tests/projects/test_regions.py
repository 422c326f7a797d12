"""The administrative tree: the demo's regions, the rules a new region must keep, loading a fixture."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import Role
from projects.models import Region
from projects.scoping import home_region, regions_under, visible_regions
from projects.services.regions import regions_load


def test_the_demo_tree_is_henan_pingdingshan_and_its_ten_districts_and_counties(demo):
    city = Region.objects.get(code="410400")
    assert (city.name, city.kind, city.parent.code, city.parent.name) == ("平顶山市", "city", "410000", "河南省")
    assert list(city.children.values_list("code", "name")) == [
        ("410402", "新华区"), ("410403", "卫东区"), ("410404", "石龙区"), ("410411", "湛河区"), ("410421", "宝丰县"),
        ("410422", "叶县"), ("410423", "鲁山县"), ("410425", "郏县"), ("410481", "舞钢市"), ("410482", "汝州市"),
    ]  # fmt: skip
    assert set(Region.objects.filter(pk__in=regions_under(city.parent_id)).values_list("code", flat=True)) == {
        "410000", "410400", *city.children.values_list("code", flat=True)
    }  # fmt: skip


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"code": "4104", "kind": "district", "parent": "410400"}, "code", "六位数字"),
        ({"code": "４１０４９９", "kind": "district", "parent": "410400"}, "code", "六位数字"),
        ({"code": "410499", "kind": "district", "parent": "410000"}, "parent", "区县的上级应是市"),
        ({"code": "410499", "kind": "city", "parent": "410400"}, "parent", "市的上级应是省"),
        ({"code": "410499", "kind": "province", "parent": "410000"}, "parent", "省级行政区没有上级"),
        ({"code": "420101", "kind": "district", "parent": "410400"}, "code", "4104"),
        ({"code": "410403", "kind": "district", "parent": "410400"}, "code", "已存在"),
    ],
)
def test_a_new_region_keeps_the_codes_and_tiers_rules(demo, fields, field, message):
    region = Region(
        name="新区", code=fields["code"], kind=fields["kind"], parent=Region.objects.get(code=fields["parent"])
    )
    with pytest.raises(ValidationError) as refused:
        region.full_clean()
    assert message in " ".join(refused.value.message_dict[field])


def test_a_valid_new_district_under_the_city_is_accepted(demo):
    region = Region(name="高新区", code="410471", kind="district", parent=Region.objects.get(code="410400"))
    region.full_clean()


def test_loading_a_fixture_creates_only_what_is_missing_and_hangs_a_lone_district_under_its_city(db, tmp_path):
    lone = Region.objects.create(code="990103", name="甲区", kind="district")
    path = tmp_path / "regions.json"
    path.write_text(
        json.dumps(
            [
                {"code": "990000", "name": "示例省", "kind": "province", "parent": None},
                {"code": "990100", "name": "示例市", "kind": "city", "parent": "990000"},
                {"code": "990103", "name": "甲区", "kind": "district", "parent": "990100"},
                {"code": "990102", "name": "乙区", "kind": "district", "parent": "990100"},
            ]
        ),
        encoding="utf-8",
    )
    assert regions_load(path=path) == 3
    lone.refresh_from_db()
    assert lone.parent.code == "990100"
    assert regions_load(path=path) == 0


def test_a_fixture_naming_an_unknown_parent_is_refused_and_writes_nothing(db, tmp_path):
    path = tmp_path / "regions.json"
    path.write_text(
        json.dumps(
            [
                {"code": "990100", "name": "示例市", "kind": "city", "parent": None},
                {"code": "990102", "name": "乙区", "kind": "district", "parent": "990199"},
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="上级 990199 不存在"):
        call_command("load_regions", str(path))
    assert not Region.objects.filter(code__startswith="99").exists()


def test_what_each_kind_of_user_may_read_and_where_the_overview_opens(demo, django_user_model):
    admin, city, staff = (django_user_model.objects.get(username=name) for name in ("admin", "city", "staff"))
    assert list(visible_regions(admin).values_list("code", flat=True)) == ["410403"]
    assert set(visible_regions(city).values_list("code", flat=True)) == {
        "410400", *Region.objects.filter(parent__code="410400").values_list("code", flat=True)
    }  # fmt: skip
    assert list(visible_regions(staff).values_list("code", flat=True)) == ["410403"]
    assert (home_region(admin).code, home_region(city).code, home_region(staff).code) == ("410403", "410400", "410403")
    operator = django_user_model.objects.create_superuser("operator", password="kp-test-Pass-2015")
    assert home_region(operator).code == "410000"
    assert visible_regions(operator).count() == Region.objects.count()
    nobody = django_user_model.objects.create_user("nobody", password="kp-test-Pass-2015", role=Role.ADMIN)
    assert (list(visible_regions(nobody)), home_region(nobody)) == ([], None)
