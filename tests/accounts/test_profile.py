"""个人设置: a user edits their own email, mobile and notification channels; bad input changes nothing."""

import pytest
from django.urls import reverse

from accounts.services.profile import profile_update
from projects.services.errors import ValidationError

PROFILE = reverse("profile")


@pytest.fixture
def no_robots(settings):
    settings.KP_DINGTALK_WEBHOOK = settings.KP_WECOM_WEBHOOK = ""


def form(**changes):
    return {"email": "", "mobile": "", **changes}


def saved(user):
    user.refresh_from_db()
    return (user.email, user.mobile, user.notify_by_email, user.notify_by_dingtalk, user.notify_by_wecom)


def test_the_page_shows_ones_settings_and_the_configured_channels(client_for, users, settings):
    settings.KP_DINGTALK_WEBHOOK, settings.KP_WECOM_WEBHOOK = "http://127.0.0.1:9/robot", ""
    staff = users["staff_a"]
    staff.mobile = "13800138000"
    staff.save()
    page = client_for("staff_a").get(PROFILE).content.decode()
    assert 'value="13800138000"' in page
    assert "钉钉群机器人：本系统已配置" in page
    assert "企业微信群机器人：本系统尚未配置" in page
    assert "邮件提醒需要先填写邮箱地址" in page
    assert 'name="notify_by_wecom" disabled' in page


def test_saving_ones_settings_is_audited(client_for, users, no_robots):
    staff = users["staff_a"]
    client = client_for("staff_a")  # signing in records a version too
    before = staff.history.count()
    response = client.post(PROFILE, form(email=" zhang@example.gov.cn ", mobile="138 0013-8000", notify_by_email="on"))
    assert response.status_code == 302 and response["Location"] == PROFILE
    assert saved(staff) == ("zhang@example.gov.cn", "13800138000", True, False, False)
    latest = staff.history.first()
    assert staff.history.count() == before + 1
    assert (latest.history_user, latest.history_change_reason) == (staff, "本人修改个人设置")


def test_saving_nothing_new_writes_nothing(client_for, users, no_robots):
    staff = users["staff_a"]
    client = client_for("staff_a")
    before = staff.history.count()
    response = client.post(PROFILE, form(email=staff.email, mobile=staff.mobile), follow=True)
    assert "没有修改任何内容。" in response.content.decode()
    assert staff.history.count() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"mobile": "12345"}, "mobile", "手机号应为以 1 开头的 11 位数字。"),
        ({"mobile": "23800138000"}, "mobile", "手机号应为以 1 开头的 11 位数字。"),
        ({"mobile": "1380013800a"}, "mobile", "手机号应为以 1 开头的 11 位数字。"),
        ({"mobile": "138001380001"}, "mobile", "手机号应为以 1 开头的 11 位数字。"),
        ({"mobile": "1" * 21}, "mobile", "手机号不能超过 20 个字符。"),
        ({"email": "not-an-address"}, "email", "邮箱地址格式不正确，例如 zhangsan@example.gov.cn。"),
        ({"notify_by_email": "on"}, "notify_by_email", "选择邮件提醒需要先填写邮箱地址。"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client_for, users, no_robots, changes, field, message):
    staff = users["staff_a"]
    client = client_for("staff_a")
    before, versions = saved(staff), staff.history.count()
    response = client.post(PROFILE, form(**{"mobile": "13900139000", **changes}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert saved(staff) == before
    assert staff.history.count() == versions


def test_a_robot_the_installation_lacks_cannot_be_chosen(client_for, users, no_robots, settings):
    staff = users["staff_a"]
    client_for("staff_a").post(PROFILE, form(notify_by_dingtalk="on"))  # the box is disabled: ignored
    assert saved(staff)[3] is False
    with pytest.raises(ValidationError) as refused:
        profile_update(user=staff, email="", mobile="", notify_by_email=False, notify_by_dingtalk=True,
                       notify_by_wecom=False)  # fmt: skip
    assert refused.value.message_dict == {"notify_by_dingtalk": ["本系统尚未配置钉钉群机器人，暂不能选择。"]}
    settings.KP_DINGTALK_WEBHOOK = "http://127.0.0.1:9/robot"
    client_for("staff_a").post(PROFILE, form(notify_by_dingtalk="on"))
    assert saved(staff)[3] is True


def test_a_channel_chosen_before_its_robot_was_removed_stays_chosen(client_for, users, no_robots):
    staff = users["staff_a"]
    staff.notify_by_wecom = True
    staff.save()
    client_for("staff_a").post(PROFILE, form(mobile="13800138000"))
    assert saved(staff) == (staff.email, "13800138000", False, False, True)


def test_only_ones_own_account_changes_whatever_the_post_says(client_for, users, no_robots):
    other = users["staff_b"]
    before = saved(other)
    client_for("staff_a").post(
        PROFILE, form(email="x@example.gov.cn", user=other.pk, pk=other.pk, role="admin", is_superuser="on")
    )
    staff = users["staff_a"]
    staff.refresh_from_db()
    assert (staff.email, staff.role, staff.is_superuser) == ("x@example.gov.cn", "staff", False)
    assert saved(other) == before


def test_the_page_needs_signing_in(client):
    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("backend", ["console", "dummy"])
def test_email_printed_to_the_console_is_not_offered(client_for, users, settings, no_robots, backend):
    settings.EMAIL_BACKEND = f"django.core.mail.backends.{backend}.EmailBackend"
    staff = users["staff_a"]
    page = client_for("staff_a").get(PROFILE).content.decode()
    assert "邮件发送服务器：本系统尚未配置，暂不能选择（请联系系统管理员）" in page
    assert 'name="notify_by_email" disabled' in page
    before = saved(staff)
    with pytest.raises(ValidationError) as refused:
        profile_update(
            user=staff, email="zhang@example.gov.cn", mobile="", notify_by_email=True,
            notify_by_dingtalk=False, notify_by_wecom=False,
        )  # fmt: skip
    assert refused.value.message_dict == {"notify_by_email": ["本系统尚未配置邮件发送服务器，暂不能选择。"]}
    assert saved(staff) == before


def test_email_through_a_real_backend_is_offered(client_for, settings, no_robots):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "邮件发送服务器：本系统已配置" in client_for("staff_a").get(PROFILE).content.decode()
