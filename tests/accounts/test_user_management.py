"""The office's user pages (/accounts/users/) and their services: who may reach them and whom they
reach, creating staff and leader accounts, deactivating, resetting a password, lifting a lock,
and the history each change leaves."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.selectors.users import user_history, user_list
from accounts.services import users as user_services
from accounts.services.users import user_create, user_password_reset, user_set_active, user_unlock
from projects.devdata.demo import DEMO_PASSWORD
from projects.models import Leader, Region, Street, Unit
from projects.services.errors import PermissionDenied, ValidationError
from tests.test_language import data_words, english_in

WEIDONG, XINHUA, CITY = "410403", "410402", "410400"
LIST = reverse("user_list")
CREATE = reverse("user_create")
ISSUED = re.compile(r'id="issued-password">([^<]+)<')


def region(code):
    return Region.objects.get(code=code)


def street(name, code=WEIDONG):
    return Street.objects.get(name=name, district__code=code)


def user(username):
    return User.objects.get(username=username)


def signed_in(username):
    client = Client()
    client.force_login(user(username))
    return client


def staff_data(**overrides):
    return {
        "username": "zhangsan",
        "name": "张三",
        "role": Role.STAFF,
        "region": region(WEIDONG).pk,
        "streets": [street("东安路街道").pk],
        **overrides,
    }


def signs_in(username, password):
    """Whether the login page lets ``username`` in with ``password`` (a failure counts with axes)."""
    return Client().post(reverse("login"), {"username": username, "password": password}).status_code == 302


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- Who reaches the pages, and whom they reach -----------------------------------------------


@pytest.mark.parametrize("username", ["staff", "leader"])
def test_staff_and_leaders_are_refused_every_page(demo, username):
    client = signed_in(username)
    target = user("staff")
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.get(reverse("user_detail", args=[target.pk])).status_code == 403
    for name in ("user_deactivate", "user_password_reset", "user_unlock"):
        assert client.post(reverse(name, args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert target.is_active and target.check_password(DEMO_PASSWORD)


def test_anonymous_visitors_are_sent_to_sign_in(demo, client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_list_holds_the_users_of_the_office_node_and_below(demo):
    # The 卫东区 office: its own three accounts, not the city's office above it.
    district = {row.username for row in user_list(user=user("admin"))}
    assert district == {"admin", "staff", "leader"}
    # The city's office manages its own account and 卫东区's.
    assert {row.username for row in user_list(user=user("city"))} == {"city", "admin", "staff", "leader"}
    assert not user_list(user=user("staff")).exists()


def test_the_list_page_shows_each_users_place_role_and_state(demo):
    response = signed_in("admin").get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert [row.username for row in response.context["managed_users"]] == ["admin", "leader", "staff"]
    for text in ("北环路街道填报员（示例）", "填报员", "北环路街道", "王某（副区长）", "领导", "卫东区项目办", "正常"):
        assert text in content
    assert "北环路街道办事处" not in content  # the street office is its street, named once
    assert "平顶山市项目办管理员" not in content


def test_a_user_outside_the_office_answers_404_and_is_not_changed(demo):
    client = signed_in("admin")
    city = user("city")
    assert client.get(reverse("user_detail", args=[city.pk])).status_code == 404
    for name in ("user_deactivate", "user_password_reset", "user_unlock"):
        assert client.post(reverse(name, args=[city.pk])).status_code == 404
    assert client.get(reverse("user_detail", args=[999_999])).status_code == 404
    city.refresh_from_db()
    assert city.is_active and city.check_password(DEMO_PASSWORD)


def test_the_services_check_the_scope_themselves(demo):
    with pytest.raises(PermissionDenied):
        user_set_active(by=user("admin"), user=user("city"), active=False)
    with pytest.raises(PermissionDenied):
        user_password_reset(by=user("admin"), user=user("city"))
    with pytest.raises(PermissionDenied):
        user_create(by=user("staff"), username="x1", name="某", role=Role.STAFF, region=region(WEIDONG))


def test_an_office_cannot_touch_an_operator_account_placed_under_it(demo):
    operator = User.objects.create_user("operator", password="kp-op-Pass-2015", is_superuser=True)
    operator.region = region(WEIDONG)
    operator.save()
    client = signed_in("admin")
    assert client.post(reverse("user_deactivate", args=[operator.pk])).status_code == 403
    operator.refresh_from_db()
    assert operator.is_active


def test_changes_are_post_only_and_need_the_csrf_token(demo):
    target = user("staff")
    client = signed_in("admin")
    assert client.get(reverse("user_deactivate", args=[target.pk])).status_code == 405
    assert client.get(reverse("user_password_reset", args=[target.pk])).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user("admin"))
    assert strict.post(reverse("user_deactivate", args=[target.pk])).status_code == 403
    assert strict.post(CREATE, staff_data()).status_code == 403
    target.refresh_from_db()
    assert target.is_active and not User.objects.filter(username="zhangsan").exists()


def test_the_list_reads_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    client = signed_in("admin")
    for number in range(12):
        created = User.objects.create_user(f"bulk{number}", role=Role.STAFF, region=region(WEIDONG))
        created.streets.set([street("东安路街道"), street("五一路街道")])
    with django_assert_max_num_queries(14):
        assert client.get(LIST).status_code == 200


# --- Creating accounts --------------------------------------------------------------------------


def test_creating_a_staff_user_shows_the_password_once_and_audits_it(demo):
    client = signed_in("admin")
    assert "东安路街道" in client.get(CREATE).content.decode()
    response = client.post(CREATE, staff_data(units=[Unit.objects.get(name="区商务局").pk]))
    assert response.status_code == 200
    password = ISSUED.search(response.content.decode()).group(1)
    created = user("zhangsan")
    assert (created.last_name, created.role, created.region.code) == ("张三", Role.STAFF, WEIDONG)
    assert [s.name for s in created.streets.all()] == ["东安路街道"]
    assert [u.name for u in created.units.all()] == ["区商务局"]
    first = created.history.earliest()
    assert (first.history_type, first.history_user, first.history_change_reason) == ("+", user("admin"), "新建账号")
    assert {(version.history_user, version.history_change_reason) for version in created.history.all()} == {
        (user("admin"), "新建账号")
    }
    assert [row.street.name for row in created.history.latest().streets.all()] == ["东安路街道"]
    assert password not in created.password
    assert signs_in("zhangsan", password)
    # Nothing keeps the password: the next page carries no message with it.
    assert password not in client.get(LIST).content.decode()


def test_a_street_outside_the_office_is_refused_in_chinese(demo):
    client = signed_in("admin")
    outside = street("中兴路街道", XINHUA)
    response = client.post(CREATE, staff_data(streets=[outside.pk]))
    assert response.status_code == 200
    assert "不在您的管理范围内" in " ".join(response.context["form"].errors["streets"])
    assert not User.objects.filter(username="zhangsan").exists()


def test_the_service_refuses_streets_outside_the_users_district(demo):
    # The city office manages both districts, but a 卫东区 reporter cannot report for 新华区.
    with pytest.raises(ValidationError) as refused:
        user_create(
            by=user("city"),
            username="zhangsan",
            name="张三",
            role=Role.STAFF,
            region=region(WEIDONG),
            streets=[street("中兴路街道", XINHUA)],
        )
    assert "不在所属区县“卫东区”内" in refused.value.message_dict["streets"][0]
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"streets": []}, "streets", "至少一个"),
        ({"role": Role.LEADER}, "streets", "只有填报员"),
        ({"username": "zhang san"}, "username", "不能有空格"),
        ({"username": "STAFF"}, "username", "已被使用"),
        ({"region": ""}, "region", "请选择所属项目办"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_creates_nothing(demo, overrides, field, words):
    before = User.objects.count()
    response = signed_in("admin").post(CREATE, staff_data(**overrides))
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == before


def test_a_username_taken_while_the_form_was_checked_gives_the_chinese_message(demo, monkeypatch):
    """Two admins creating the same name at once: the second's insert fails on the unique
    username after its own check passed; it gets the message, not a 500."""
    real = user_services.new_password

    def racing(new_user):
        User.objects.create_user("zhangsan", role=Role.STAFF, region=region(WEIDONG))  # the other admin
        return real(new_user)

    monkeypatch.setattr(user_services, "new_password", racing)
    response = signed_in("admin").post(CREATE, staff_data())
    assert response.status_code == 200
    assert "已被使用" in " ".join(response.context["form"].errors["username"])
    assert User.objects.filter(username="zhangsan").count() == 1


def test_a_leader_account_is_linked_to_its_leader(demo):
    qian = Leader.objects.get(name="钱某", region__code=WEIDONG)
    data = {"username": "qian", "name": "钱某", "role": Role.LEADER, "region": region(WEIDONG).pk, "leader": qian.pk}
    response = signed_in("admin").post(CREATE, data)
    assert response.status_code == 200
    qian.refresh_from_db()
    assert qian.user == user("qian")
    assert qian.history.latest().history_user == user("admin")
    assert "钱某（区委副书记）" in signed_in("admin").get(LIST).content.decode()


def test_a_leader_who_has_an_account_cannot_get_a_second(demo):
    wang = Leader.objects.get(name="王某", region__code=WEIDONG)  # the demo leader's
    data = {"username": "wang2", "name": "王某", "role": Role.LEADER, "region": region(WEIDONG).pk, "leader": wang.pk}
    response = signed_in("admin").post(CREATE, data)
    assert "已有登录账号" in " ".join(response.context["form"].errors["leader"])
    with pytest.raises(ValidationError) as refused:
        user_create(by=user("admin"), role=Role.LEADER, region=region(WEIDONG), leader=wang, username="w2", name="王")
    assert "已有登录账号" in refused.value.message_dict["leader"][0]
    assert not User.objects.filter(username__in=["wang2", "w2"]).exists()


def test_an_office_may_create_an_admin_of_its_own_node_and_below_only(demo):
    issued = user_create(
        by=user("city"), username="wd2", name="卫东区第二管理员", role=Role.ADMIN, region=region(WEIDONG)
    )
    assert issued.user.role == Role.ADMIN and issued.user.region.code == WEIDONG
    with pytest.raises(ValidationError) as refused:
        user_create(by=user("admin"), username="up", name="越级", role=Role.ADMIN, region=region(CITY))
    assert "只能把用户设在卫东区或其下级" in refused.value.message_dict["region"][0]


# --- Deactivating, resetting, unlocking ---------------------------------------------------------


def test_deactivating_ends_the_users_sessions_and_reactivating_restores_them(demo):
    target = user("staff")
    staff_client = signed_in("staff")
    assert staff_client.get(reverse("projects:project_list")).status_code == 200
    response = signed_in("admin").post(reverse("user_deactivate", args=[target.pk]), follow=True)
    assert "已停用" in " ".join(messages_of(response))
    target.refresh_from_db()
    assert not target.is_active
    version = target.history.latest()
    assert (version.history_user, version.history_change_reason, version.is_active) == (
        user("admin"),
        "停用账号",
        False,
    )
    assert staff_client.get(reverse("projects:project_list")).status_code == 302  # signed out
    assert not signs_in("staff", DEMO_PASSWORD)
    assert "已停用" in signed_in("admin").get(LIST).content.decode()

    signed_in("admin").post(reverse("user_reactivate", args=[target.pk]))
    target.refresh_from_db()
    assert target.history.latest().history_change_reason == "启用账号"
    assert target.is_active and signs_in("staff", DEMO_PASSWORD)


def test_an_admin_cannot_deactivate_themself(demo):
    admin = user("admin")
    response = signed_in("admin").post(reverse("user_deactivate", args=[admin.pk]), follow=True)
    assert "不能停用自己的账号" in " ".join(messages_of(response))
    admin.refresh_from_db()
    assert admin.is_active


def test_resetting_a_password_shows_it_once_and_the_old_one_stops_working(demo):
    target = user("staff")
    staff_client = signed_in("staff")
    client = signed_in("admin")
    before = target.history.count()
    response = client.post(reverse("user_password_reset", args=[target.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    content = response.content.decode()
    password = ISSUED.search(content).group(1)
    assert "只在本页显示这一次" in content
    # Audited, without the password in the history or in any message the next page shows.
    assert target.history.count() == before + 1
    version = target.history.latest()
    assert (version.history_user, version.history_change_reason) == (user("admin"), "重置密码")
    assert password not in str(list(target.history.values()))
    assert staff_client.get(reverse("projects:project_list")).status_code == 302  # old session ended
    assert not signs_in("staff", DEMO_PASSWORD)
    assert signs_in("staff", password)
    detail = client.get(reverse("user_detail", args=[target.pk])).content.decode()
    assert password not in detail and "重置密码" in detail


def test_an_admin_resets_their_own_password_on_the_password_page(demo):
    admin = user("admin")
    response = signed_in("admin").post(reverse("user_password_reset", args=[admin.pk]), follow=True)
    assert "修改密码" in " ".join(messages_of(response))
    admin.refresh_from_db()
    assert admin.check_password(DEMO_PASSWORD)


def fail_to_sign_in(username, times=5):
    client = Client()
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"})


def test_unlocking_clears_the_lockout_with_one_button(demo):
    target = user("staff")
    fail_to_sign_in("staff")
    assert Client().post(reverse("login"), {"username": "staff", "password": DEMO_PASSWORD}).status_code == 429
    client = signed_in("admin")
    rows = {row.username: row for row in client.get(LIST).context["managed_users"]}
    assert rows["staff"].is_locked_out and not rows["leader"].is_locked_out
    assert "解除锁定" in client.get(LIST).content.decode()

    response = client.post(reverse("user_unlock", args=[target.pk]), {"back": "list"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not AccessAttempt.objects.filter(username="staff").exists()
    version = target.history.latest()
    assert (version.history_user, version.history_change_reason) == (user("admin"), "解除登录锁定")
    assert signs_in("staff", DEMO_PASSWORD)
    assert not {row.username: row for row in user_list(user=user("admin"))}["staff"].is_locked_out


def test_unlocking_an_account_that_is_not_locked_changes_nothing(demo):
    target = user("leader")
    before = target.history.count()
    assert user_unlock(by=user("admin"), user=target) == 0
    assert target.history.count() == before


def test_a_few_failures_below_the_limit_do_not_show_a_lock(demo):
    fail_to_sign_in("staff", times=2)
    row = user_list(user=user("admin")).get(username="staff")
    assert (row.login_failures, row.is_locked_out) == (2, False)


def test_the_user_page_shows_who_changed_what(demo):
    target = user("staff")
    user_set_active(by=user("admin"), user=target, active=False)
    user_set_active(by=user("city"), user=target, active=True)
    history = signed_in("admin").get(reverse("user_detail", args=[target.pk])).context["history"]
    assert (history[0].who_name, history[0].reason) == ("平顶山市项目办管理员（示例）", "启用账号")
    assert (history[1].who_name, history[1].reason) == ("卫东区项目办管理员（示例）", "停用账号")
    assert history[1].fields == [str(User._meta.get_field("is_active").verbose_name)]


def test_the_pages_are_chinese(demo):
    client = signed_in("admin")
    fail_to_sign_in("staff")
    target = user("staff")
    pages = [
        client.get(LIST),
        client.get(CREATE),
        client.post(CREATE, staff_data(streets=[], username="bad name")),
        client.get(reverse("user_detail", args=[target.pk])),
        client.post(CREATE, staff_data()),
        client.post(reverse("user_password_reset", args=[target.pk])),
    ]
    words = data_words()
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        issued = ISSUED.search(content)
        if issued:  # a password is data, not a message
            content = content.replace(issued.group(1), "")
        assert english_in(content, words) == []


def test_sign_ins_are_not_listed_as_changes_and_the_history_reads_few_queries(demo, django_assert_max_num_queries):
    target = user("staff")
    before = len(user_history(viewer=user("admin"), user=target))
    for _ in range(3):
        signed_in("staff")  # each sign-in saves last_login: a version with no recorded change
    target._history_user = user("admin")
    target.streets.add(street("东安路街道"))
    viewer = user("admin")
    with django_assert_max_num_queries(4):
        history = user_history(viewer=viewer, user=target)
    assert len(history) == before + 1
    assert (history[0].action, history[0].fields, history[0].who_name) == (
        "修改",
        ["负责街道"],
        "卫东区项目办管理员（示例）",
    )
    assert history[-1].action == "新建"


def test_a_street_id_no_street_can_have_is_refused_in_words(client_for):
    response = client_for("admin").post(
        reverse("user_create"),
        {"username": "huge_id", "last_name": "某", "role": "staff", "streets": ["99999999999999999999999"]},
    )
    assert response.status_code == 200
    assert "街道编号“99999999999999999999999”无效" in response.content.decode()
    assert not User.objects.filter(username="huge_id").exists()


def test_an_admin_of_the_same_office_is_managed_from_above_not_by_a_peer(demo):
    peer = user_create(
        by=user("city"), username="wd2", name="卫东区第二管理员", role=Role.ADMIN, region=region(WEIDONG)
    )
    for write in (
        lambda: user_password_reset(by=user("admin"), user=peer.user),
        lambda: user_set_active(by=user("admin"), user=peer.user, active=False),
    ):
        with pytest.raises(PermissionDenied, match="同一项目办的管理员账号由上级项目办或系统运维人员管理"):
            write()
    peer.user.refresh_from_db()
    assert peer.user.is_active and peer.user.check_password(peer.password)
    response = signed_in("admin").post(reverse("user_password_reset", args=[peer.user.pk]))
    assert response.status_code == 403
    user_set_active(by=user("city"), user=peer.user, active=False)  # the office above may
    assert not user("wd2").is_active


def test_a_leader_account_belongs_to_the_leaders_own_district(demo):
    qian = Leader.objects.get(name="钱某", region__code=WEIDONG)
    with pytest.raises(ValidationError) as refused:
        user_create(by=user("city"), username="qian", name="钱某", role=Role.LEADER, region=region(CITY), leader=qian)
    assert refused.value.message_dict["leader"] == ["钱某的领导账号应属于卫东区。"]
    assert not User.objects.filter(username="qian").exists()
