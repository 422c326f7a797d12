"""The admin site by office: 卫东区's office (the demo's admin) sees and changes only what lies under
卫东区, the city's office (the demo's city) everything under 平顶山市, the operator (a superuser)
everything. Rows outside the office answer 404 like rows that do not exist; choices, autocompletes,
list filters and change histories hold nothing of another office."""

import json

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from projects.models import (
    ClosedMonth,
    Leader,
    Listing,
    MonthlyReport,
    Problem,
    Project,
    Region,
    Street,
    Unit,
)
from projects.selectors.history import project_history
from projects.services.offices import region_check, user_place_check

PASSWORD = "kp-test-Pass-2015"
WEIDONG, XINHUA, CITY, PROVINCE = "410403", "410402", "410400", "410000"


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def region(code):
    return Region.objects.get(code=code)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(demo, django_user_model):
    """The demo's offices, a staff user of 新华区 (中兴路街道) and the operator."""
    xinhua_staff = django_user_model.objects.create_user(
        "xinhua_staff", password=PASSWORD, role=Role.STAFF, last_name="新华区填报员", region=region(XINHUA)
    )
    xinhua_staff.streets.set([Street.objects.get(name="中兴路街道")])
    return {
        "admin": django_user_model.objects.get(username="admin"),
        "city": django_user_model.objects.get(username="city"),
        "staff": django_user_model.objects.get(username="staff"),
        "xinhua_staff": xinhua_staff,
        "operator": django_user_model.objects.create_superuser("operator", password=PASSWORD),
    }


@pytest.fixture
def office(people):
    return signed_in(people["admin"])


@pytest.fixture
def city(people):
    return signed_in(people["city"])


@pytest.fixture
def operator(people):
    return signed_in(people["operator"])


def xinhua_rows():
    """One row of 新华区 of each model an admin screen shows, by model."""
    project = Project.objects.filter(district__code=XINHUA).first()
    return {
        Project: project,
        Listing: Listing.objects.filter(project=project).first(),
        MonthlyReport: MonthlyReport.objects.filter(listing__project__district__code=XINHUA).first(),
        Problem: Problem.objects.filter(project__district__code=XINHUA).first()
        or Problem.objects.create(project=project, description="新华区的问题（示例）", raised_on="2015-06-01"),
        Street: Street.objects.get(name="中兴路街道"),
        Unit: Unit.objects.filter(district__code=XINHUA).first(),
        Leader: Leader.objects.filter(region__code=XINHUA).first(),
        ClosedMonth: ClosedMonth.objects.filter(district__code=XINHUA).first(),
        Region: region(XINHUA),
    }


VIEW_ONLY = {MonthlyReport, ClosedMonth}  # changed on the application's own pages, never deleted in the admin


# Rows outside the office: 404 everywhere -------------------------------------------------------


@pytest.mark.parametrize("model", [Project, Listing, MonthlyReport, Problem, Street, Unit, Leader, ClosedMonth, Region],
                         ids=lambda m: m._meta.label)  # fmt: skip
def test_another_offices_rows_answer_404_to_a_district_office_and_200_to_the_city(office, city, model):
    row = xinhua_rows()[model]
    assert row is not None, f"the demo has no {model._meta.label} in 新华区"
    for view in ("change", "history", "delete"):
        response = office.get(url(model, view, row.pk))
        # Exactly as for a row that does not exist: 404 (a screen refused whatever the row, like
        # deleting a month's report, answers 403 for both).
        assert response.status_code == office.get(url(model, view, 99999999)).status_code, (model, view)
        assert response.status_code == (404 if view != "delete" or model not in VIEW_ONLY else 403), (model, view)
        assert str(row) not in response.content.decode()
    assert city.get(url(model, "change", row.pk)).status_code == 200
    if hasattr(row, "history"):
        version = row.history.earliest().history_id
        assert office.get(url(model, "simple_history", row.pk, version)).status_code == 404
        assert city.get(url(model, "simple_history", row.pk, version)).status_code == 200


def test_a_row_that_does_not_exist_answers_as_one_outside_the_office(office):
    assert office.get(url(Project, "change", 99999999)).status_code == 404
    assert office.get(url(Project, "delete", 99999999)).status_code == 404


def test_the_regions_above_and_beside_an_office_answer_404_and_its_own_node_is_read_only(office, city):
    for code in (PROVINCE, CITY, XINHUA):
        assert office.get(url(Region, "change", region(code).pk)).status_code == 404
    own = region(WEIDONG)
    page = office.get(url(Region, "change", own.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = office.post(url(Region, "change", own.pk), {"code": "410403", "name": "改名区", "kind": "district"})
    assert response.status_code == 403
    assert region(WEIDONG).name == "卫东区"
    # The city's office changes 卫东区 (under it), not 平顶山市 itself.
    assert not city.get(url(Region, "change", region(CITY).pk)).context["has_change_permission"]
    assert city.get(url(Region, "change", own.pk)).context["has_change_permission"]


def test_users_of_other_offices_and_the_operator_answer_404(office, city, people):
    for name in ("city", "xinhua_staff", "operator"):
        pk = people[name].pk
        assert office.get(url(people[name], "change", pk)).status_code == 404, name
        assert office.get(reverse("admin:auth_user_password_change", args=[pk])).status_code == 404, name
    assert office.get(url(people["staff"], "change", people["staff"].pk)).status_code == 200
    assert city.get(url(people["admin"], "change", people["admin"].pk)).status_code == 200
    assert city.get(url(people["operator"], "change", people["operator"].pk)).status_code == 404


# Lists ------------------------------------------------------------------------------------------


def test_changelists_hold_only_the_offices_rows(office, city, operator):
    weidong = Project.objects.filter(district__code=WEIDONG).count()
    city_total = Project.objects.filter(district__parent__code=CITY).count()
    assert 0 < weidong < city_total
    assert office.get(url(Project, "changelist")).context["cl"].result_count == weidong
    assert city.get(url(Project, "changelist")).context["cl"].result_count == city_total
    assert operator.get(url(Project, "changelist")).context["cl"].result_count == Project.objects.count()
    streets = office.get(url(Street, "changelist")).context["cl"].result_list
    assert {street.district.code for street in streets} == {WEIDONG}
    regions = office.get(url(Region, "changelist")).context["cl"].result_list
    assert [r.code for r in regions] == [WEIDONG]
    assert {r.code for r in city.get(url(Region, "changelist")).context["cl"].result_list} >= {CITY, WEIDONG, XINHUA}
    assert PROVINCE not in {r.code for r in city.get(url(Region, "changelist")).context["cl"].result_list}


def test_the_user_list_holds_the_offices_people_only(office, city, people):
    names = {user.username for user in office.get(url(people["admin"], "changelist")).context["cl"].result_list}
    assert names == {"admin", "staff", "leader"}
    names = {user.username for user in city.get(url(people["admin"], "changelist")).context["cl"].result_list}
    assert {"admin", "city", "staff", "leader", "xinhua_staff"} <= names and "operator" not in names
    page = office.get(url(people["admin"], "changelist")).content.decode()
    assert "中兴路街道" not in page and "新华区" not in page  # the street and office filters


@pytest.mark.parametrize("model", [Project, Unit, Problem, Listing, MonthlyReport], ids=lambda m: m._meta.label)
def test_list_filters_offer_no_street_unit_or_leader_of_another_office(office, model):
    page = office.get(url(model, "changelist")).content.decode()
    for name in ("中兴路街道", "矿工路街道", "南环路街道"):
        assert name not in page


def test_the_listing_filter_of_the_project_list_offers_only_the_offices_lists(office, city):
    Listing.objects.create(project=xinhua_rows()[Project], year=2016, level="province", category="new_start")
    assert "2016年省重点" not in office.get(url(Project, "changelist")).content.decode()
    assert "2016年省重点" in city.get(url(Project, "changelist")).content.decode()


# Choices and autocompletes -----------------------------------------------------------------------


def test_foreign_key_choices_of_a_project_are_the_offices(office, city):
    project = Project.objects.filter(district__code=WEIDONG).first()
    form = office.get(url(Project, "change", project.pk)).context["adminform"].form
    assert set(form.fields["street"].queryset.values_list("district__code", flat=True)) == {WEIDONG}
    assert set(form.fields["unit"].queryset.values_list("district__code", flat=True)) == {WEIDONG}
    assert list(form.fields["district"].queryset.values_list("code", flat=True)) == [WEIDONG]
    form = city.get(url(Project, "change", project.pk)).context["adminform"].form
    assert {WEIDONG, XINHUA} <= set(form.fields["street"].queryset.values_list("district__code", flat=True))


def test_inline_choices_are_the_offices(office):
    leader = Leader.objects.filter(region__code=WEIDONG).first()
    formsets = office.get(url(Leader, "change", leader.pk)).context["inline_admin_formsets"]
    projects = formsets[0].formset.empty_form.fields["project"].queryset
    assert set(projects.values_list("district__code", flat=True)) == {WEIDONG}


def test_an_office_admin_who_is_not_a_superuser_does_the_offices_work(office, city, people):
    assert not people["admin"].is_superuser and not people["admin"].is_staff
    response = office.post(url(Street, "add"), {"district": region(WEIDONG).pk, "name": "新设街道", "sort_order": 9})
    assert response.status_code == 302
    assert Street.objects.get(name="新设街道").district.code == WEIDONG
    response = city.post(url(Street, "add"), {"district": region(XINHUA).pk, "name": "新华新街道", "sort_order": 9})
    assert response.status_code == 302
    assert Street.objects.get(name="新华新街道").district.code == XINHUA


def autocomplete(client, model_name, field_name, term="", *, ids=False):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "projects", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [int(r["id"]) if ids else r["text"] for r in json.loads(response.content)["results"]]


def test_autocompletes_offer_only_the_offices_rows(office, city):
    streets = autocomplete(office, "project", "street")
    assert "北环路街道" in streets and "中兴路街道" not in streets
    assert autocomplete(office, "project", "district") == ["卫东区"]
    assert set(autocomplete(city, "project", "district")) >= {"卫东区", "新华区", "湛河区"}
    assert "平顶山市" not in autocomplete(city, "project", "district")  # a project lies in a district
    projects = autocomplete(office, "listing", "project", "新华区")
    assert projects == []
    assert autocomplete(city, "listing", "project", "新华区")
    leaders = set(autocomplete(office, "assignment", "leader", ids=True))
    assert leaders and leaders <= set(Leader.objects.filter(region__code=WEIDONG).values_list("pk", flat=True))
    assert set(autocomplete(city, "assignment", "leader", ids=True)) - leaders
    users = autocomplete(office, "leader", "user")
    assert users and not any("平顶山市项目办" in name for name in users)


def test_a_posted_choice_of_another_office_is_refused(office):
    unit = Unit.objects.filter(district__code=WEIDONG, street__isnull=True).first()
    xinhua_street = Street.objects.get(name="中兴路街道")
    response = office.post(
        url(Unit, "change", unit.pk),
        {"district": unit.district_id, "name": unit.name, "kind": unit.kind, "street": xinhua_street.pk,
         "sort_order": unit.sort_order},
    )  # fmt: skip
    assert response.status_code == 200
    assert "street" in response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.street_id is None
    response = office.post(url(Street, "add"), {"district": region(XINHUA).pk, "name": "越界街道", "sort_order": 0})
    assert response.status_code == 200 and not Street.objects.filter(name="越界街道").exists()


# Regions, extendable by the offices --------------------------------------------------------------


def add_region(client, **data):
    return client.post(url(Region, "add"), {"code": "", "name": "", "kind": "district", "parent": "", **data})


def form_errors(response):
    form = response.context["adminform"].form
    return {field: " ".join(messages) for field, messages in form.errors.items()}


def test_the_city_office_adds_a_district_under_its_city(city, people):
    response = add_region(city, code="410499", name="示例新区", parent=region(CITY).pk)
    assert response.status_code == 302
    added = region("410499")
    assert (added.kind, added.parent.code) == ("district", CITY)
    assert added.history.get().history_user == people["city"]
    # The new district is the city's: it reads it, and its office could now be given users.
    assert city.get(url(Region, "change", added.pk)).status_code == 200


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"code": "410499", "name": "示例省", "kind": "province"}, "kind", "只有系统运维人员可以添加省级行政区划"),
        ({"code": "410499", "name": "无上级区"}, "parent", "请选择上级"),
        ({"code": "420499", "name": "外省区", "parent": CITY}, "code", "代码应以上级“平顶山市”的前 4 位 4104 开头"),
        ({"code": "41049", "name": "短码区", "parent": CITY}, "code", "行政区划代码应为六位数字"),
        ({"code": "410499", "name": "错层市", "kind": "city", "parent": CITY}, "parent", "市的上级应是省"),
        ({"code": "410499", "name": "挂在省下", "parent": PROVINCE}, "parent", "选择一个有效的选项"),
        ({"code": "410499", "name": "挂在区下", "parent": WEIDONG}, "parent", "区县的上级应是市"),
    ],
)
def test_a_region_the_city_office_may_not_add_is_refused_in_chinese(city, data, field, words):
    if data.get("parent"):
        data = {**data, "parent": region(data["parent"]).pk}
    before = Region.objects.count()
    response = add_region(city, **data)
    assert response.status_code == 200
    assert words in form_errors(response).get(field, ""), form_errors(response)
    assert Region.objects.count() == before


def test_a_district_office_adds_no_region_and_the_operator_adds_a_province(office, operator):
    assert office.get(url(Region, "add")).status_code == 403
    assert add_region(office, code="410499", name="示例新区", parent=region(CITY).pk).status_code == 403
    assert add_region(operator, code="420000", name="湖北省", kind="province").status_code == 302
    assert region("420000").parent is None


def test_a_changed_region_must_still_fit_the_regions_under_it(operator):
    city_region = region(CITY)
    response = operator.post(
        url(Region, "change", city_region.pk),
        {"code": "410500", "name": city_region.name, "kind": "city", "parent": city_region.parent_id},
    )
    assert "下级“新华区、卫东区" in form_errors(response)["code"]
    weidong = region(WEIDONG)
    response = operator.post(
        url(Region, "change", weidong.pk), {"code": "410403", "name": "卫东区", "kind": "city", "parent": ""}
    )
    assert "已有街道、责任单位或项目，层级只能是区县" in form_errors(response)["kind"]
    assert region(CITY).code == CITY and region(WEIDONG).kind == "district"


def test_region_check_says_why_without_the_admin(people):
    city_user, admin_user = people["city"], people["admin"]
    with pytest.raises(ValidationError) as refused:
        region_check(user=admin_user, region=region(WEIDONG), parent=region(CITY), kind="district")
    assert "不能修改本项目办自己的行政区划（卫东区）" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        region_check(user=city_user, region=Region(code="410599"), parent=region(PROVINCE), kind="city")
    assert refused.value.message_dict["parent"] == ["上级应是平顶山市或其下级。"]
    region_check(user=people["operator"], region=Region(code="420000"), parent=None, kind="province")


# Users of the office ----------------------------------------------------------------------------


def add_user(client, username, **data):
    return client.post(
        reverse("admin:accounts_user_add"),
        {"username": username, "usable_password": "true", "password1": "Kp-New-User-2015",
         "password2": "Kp-New-User-2015", "role": "staff", **data},
    )  # fmt: skip


def street(name):
    return Street.objects.get(name=name).pk


def test_an_office_adds_a_staff_user_of_its_district_with_its_streets(office, django_user_model):
    response = add_user(office, "weidong_new", region=region(WEIDONG).pk, streets=[street("北环路街道")])
    assert response.status_code == 302
    user = django_user_model.objects.get(username="weidong_new")
    assert user.region.code == WEIDONG and [s.name for s in user.streets.all()] == ["北环路街道"]


def test_user_choices_hold_the_offices_node_and_below_only(office, city):
    form = office.get(reverse("admin:accounts_user_add")).context["adminform"].form
    assert list(form.fields["region"].queryset.values_list("code", flat=True)) == [WEIDONG]
    assert set(form.fields["streets"].queryset.values_list("district__code", flat=True)) == {WEIDONG}
    assert set(form.fields["units"].queryset.values_list("district__code", flat=True)) == {WEIDONG}
    form = city.get(reverse("admin:accounts_user_add")).context["adminform"].form
    codes = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert CITY in codes and WEIDONG in codes and XINHUA in codes and PROVINCE not in codes


@pytest.mark.parametrize(
    "visitor, data, field, words",
    [
        ("office", {"region": XINHUA}, "region", "选择一个有效的选项"),
        ("office", {"region": CITY, "role": "admin"}, "region", "选择一个有效的选项"),
        ("office", {"region": WEIDONG, "streets": ["中兴路街道"]}, "streets", "选择一个有效的选项"),
        ("city", {"region": WEIDONG, "streets": ["中兴路街道"]}, "streets", "“中兴路街道”不在所属区县“卫东区”内"),
        ("city", {"region": CITY}, "region", "填报员的所属区县应是区县，“平顶山市”是市"),
        ("city", {}, "region", "请选择所属项目办或区县"),
        ("city", {"region": PROVINCE, "role": "admin"}, "region", "选择一个有效的选项"),
    ],
)  # fmt: skip
def test_a_user_place_that_does_not_fit_is_refused_in_chinese(request, visitor, data, field, words, django_user_model):
    client = request.getfixturevalue(visitor)
    data = dict(data)
    if "region" in data:
        data["region"] = region(data["region"]).pk
    if "streets" in data:
        data["streets"] = [street(name) for name in data["streets"]]
    response = add_user(client, "misplaced", **data)
    assert response.status_code == 200
    assert words in form_errors(response).get(field, ""), form_errors(response)
    assert not django_user_model.objects.filter(username="misplaced").exists()


def user_change_data(user, **changes):
    data = {
        "username": user.username, "last_name": user.last_name, "first_name": user.first_name, "email": user.email,
        "is_active": "on", "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"), "region": user.region_id or "", "role": user.role,
        "streets": list(user.streets.values_list("pk", flat=True)),
        "units": list(user.units.values_list("pk", flat=True)),
    }  # fmt: skip
    data.update(changes)
    return data


def test_an_office_admin_cannot_make_an_operator(office, people):
    staff = people["staff"]
    response = office.post(url(staff, "change", staff.pk), user_change_data(staff, is_superuser="on", is_staff="on"))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_superuser and not staff.is_staff


def test_user_place_check_refuses_a_region_outside_the_acting_office(people):
    with pytest.raises(ValidationError) as refused:
        user_place_check(by=people["admin"], region=region(XINHUA), role="staff", streets=[], units=[])
    assert refused.value.message_dict["region"] == ["只能把用户设在卫东区或其下级。"]
    user_place_check(by=people["operator"], region=None, role="admin", streets=[], units=[], is_superuser=True)


def test_moving_an_office_admin_to_another_office_takes_effect_on_the_next_request(office, city, people):
    admin_user = people["admin"]
    weidong_project = Project.objects.filter(district__code=WEIDONG).first()
    xinhua_project = Project.objects.filter(district__code=XINHUA).first()
    assert office.get(weidong_project.get_absolute_url()).status_code == 200
    assert office.get(xinhua_project.get_absolute_url()).status_code == 404
    assert office.get(url(Project, "change", weidong_project.pk)).status_code == 200

    # The city's office moves the admin to 新华区's office in the admin.
    response = city.post(
        url(admin_user, "change", admin_user.pk), user_change_data(admin_user, region=region(XINHUA).pk)
    )
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.region.code == XINHUA

    assert office.get(xinhua_project.get_absolute_url()).status_code == 200
    assert office.get(weidong_project.get_absolute_url()).status_code == 404
    assert office.get(url(Project, "change", xinhua_project.pk)).status_code == 200
    assert office.get(url(Project, "change", weidong_project.pk)).status_code == 404
    listed = office.get(url(Project, "changelist")).context["cl"].result_count
    assert listed == Project.objects.filter(district__code=XINHUA).count()
    assert "新华区项目办" in office.get(reverse("admin:index")).content.decode()


# Change histories --------------------------------------------------------------------------------


@pytest.fixture
def moved_project(people):
    """A 新华区 project changed by 新华区's staff, then moved to 卫东区 by the city's office."""
    from projects.services.audit import audited_save

    project = Project.objects.filter(district__code=XINHUA, street__name="中兴路街道").first()
    project.owner = "改过的建设单位"
    audited_save(project, user=people["xinhua_staff"])
    project.district = region(WEIDONG)
    project.street = Street.objects.get(name="北环路街道")
    project.unit = Unit.objects.filter(district__code=WEIDONG).first()
    audited_save(project, user=people["city"])
    return project


def test_a_projects_history_names_no_person_or_street_of_another_office(people, moved_project):
    def moves(user):
        entries = project_history(project=moved_project, user=user)
        people_named = {entry.who_name for entry in entries}
        street_changes = [(c.old, c.new) for e in entries for c in e.changes if c.field == "所在街道"]
        return people_named, street_changes

    named, streets = moves(people["admin"])
    assert "新华区填报员" not in named and {"其他项目办", "平顶山市项目办管理员（示例）"} <= named
    assert streets[0][1] == "北环路街道" and "中兴路街道" not in {value for change in streets for value in change}
    named, streets = moves(people["city"])
    assert "新华区填报员" in named and streets[0] == ("中兴路街道", "北环路街道")


def test_the_admin_history_screen_names_no_person_or_street_of_another_office(office, city, moved_project):
    page = office.get(url(Project, "history", moved_project.pk)).content.decode()
    assert "中兴路街道" not in page and "新华区填报员" not in page
    assert "其他项目办" in page and "北环路街道" in page
    page = city.get(url(Project, "history", moved_project.pk)).content.decode()
    assert "中兴路街道" in page and "新华区填报员" in page


def test_the_history_page_of_another_offices_project_answers_404(office, city):
    project = xinhua_rows()[Project]
    assert office.get(reverse("projects:project_history", args=[project.pk])).status_code == 404
    assert city.get(reverse("projects:project_history", args=[project.pk])).status_code == 200


def test_a_deleted_rows_history_is_read_where_its_last_version_lay(office, city, operator):
    street_row = Street.objects.create(district=region(XINHUA), name="将删除的街道")
    response = operator.post(url(Street, "delete", street_row.pk), {"post": "yes"})
    assert response.status_code == 302 and not Street.objects.filter(pk=street_row.pk).exists()
    assert office.get(url(Street, "history", street_row.pk)).status_code == 404
    assert city.get(url(Street, "history", street_row.pk)).status_code == 200


# Login records and the header --------------------------------------------------------------------


def test_login_records_are_the_offices_own_users(office, operator, people):
    for username in ("staff", "xinhua_staff", "nobody_typed_this"):
        AccessAttempt.objects.create(username=username, ip_address="203.0.113.1", failures_since_start=1,
                                     user_agent="test", path_info="/accounts/login/")  # fmt: skip
    listed = {a.username for a in office.get(reverse("admin:axes_accessattempt_changelist")).context["cl"].result_list}
    assert listed == {"staff"}
    listed = {
        a.username for a in operator.get(reverse("admin:axes_accessattempt_changelist")).context["cl"].result_list
    }
    assert listed == {"staff", "xinhua_staff", "nobody_typed_this"}


def test_the_admin_header_names_the_office(office, city, operator):
    assert "重点项目跟踪 · 卫东区项目办" in office.get(reverse("admin:index")).content.decode()
    assert "重点项目跟踪 · 平顶山市项目办" in city.get(reverse("admin:index")).content.decode()
    assert "重点项目跟踪 · 系统运维" in operator.get(reverse("admin:index")).content.decode()


def test_a_moved_users_history_names_no_street_of_their_former_office(office, city, people):
    moved = people["xinhua_staff"]
    data = user_change_data(moved, region=region(WEIDONG).pk, streets=[street("北环路街道")])
    assert city.post(url(moved, "change", moved.pk), data).status_code == 302
    page = office.get(url(moved, "history", moved.pk)).content.decode()
    assert "北环路街道" in page and "中兴路街道" not in page and "其他项目办" in page
    assert "中兴路街道" in city.get(url(moved, "history", moved.pk)).content.decode()


def test_a_rows_current_value_from_above_the_office_is_kept_when_the_office_saves_it(office, people):
    from projects.models import SupervisionVisit

    city_leader = Leader.objects.create(region=region(CITY), name="市某", title="副市长", body="government")
    visit = SupervisionVisit.objects.filter(project__district__code=WEIDONG).first()
    visit.leaders.add(city_leader)
    data = {
        "project": visit.project_id,
        "date": visit.date.isoformat(),
        "leaders": list(visit.leaders.values_list("pk", flat=True)),
        "findings": "复查后补充的督察发现",
        "rectification_deadline": "",
    }
    assert office.post(url(SupervisionVisit, "change", visit.pk), data).status_code == 302
    visit.refresh_from_db()
    assert visit.findings == "复查后补充的督察发现" and city_leader in visit.leaders.all()
    # Only the current value: the city's leader is not offered for another of the office's visits.
    other = SupervisionVisit.objects.filter(project__district__code=WEIDONG).exclude(pk=visit.pk).first()
    page = office.get(url(SupervisionVisit, "change", other.pk))
    assert city_leader not in page.context["adminform"].form.fields["leaders"].queryset
