"""The outbound channels against a real local robot (tests/dispatch/webhook_server.py) and Django's
locmem mail: what each sends, DingTalk's signature, and every failure as a DeliveryError with its reason."""

import socket

import pytest

from accounts.models import User
from dispatch.choices import Channel
from dispatch.models import Notification
from dispatch.services import channels
from dispatch.services.channels import DeliveryError, configured_channels, dingtalk_url
from tests.dispatch.webhook_server import FakeRobot

SECRET = "SEC-test-secret-0123456789"


def message(**user_fields):
    user = User(username="zhang", **{"email": "zhang@example.gov.cn", "mobile": "13800138000", **user_fields})
    title = "交办事项将于2015年10月22日到期"
    return Notification(user=user, title=title, body="请按期回复。", link="/dispatch/tasks/7/")


@pytest.fixture
def no_site_url(settings):
    settings.KP_SITE_URL = ""


def test_only_the_configured_robots_are_channels(settings):
    settings.KP_DINGTALK_WEBHOOK = settings.KP_WECOM_WEBHOOK = ""
    assert configured_channels() == [Channel.EMAIL]  # pytest-django's locmem backend: mail is kept
    settings.KP_WECOM_WEBHOOK = "http://127.0.0.1:9/wecom"
    assert configured_channels() == [Channel.EMAIL, Channel.WECOM]


@pytest.mark.parametrize("backend", ["console", "dummy"])
def test_email_that_reaches_no_mailbox_is_not_a_channel(settings, backend):
    settings.KP_DINGTALK_WEBHOOK = settings.KP_WECOM_WEBHOOK = ""
    settings.EMAIL_BACKEND = f"django.core.mail.backends.{backend}.EmailBackend"
    assert configured_channels() == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert configured_channels() == [Channel.EMAIL]


def test_dingtalk_signs_each_request_and_ats_the_user(settings, no_site_url):
    with FakeRobot(secret=SECRET) as robot:
        settings.KP_DINGTALK_WEBHOOK, settings.KP_DINGTALK_SECRET = robot.url, SECRET
        channels.send(Channel.DINGTALK, message())
    (request,) = robot.received
    assert request.signed and request.ok
    assert request.query["access_token"] == "test-token"  # the webhook's own query is kept
    assert request.payload["msgtype"] == "text"
    assert request.payload["at"] == {"atMobiles": ["13800138000"], "isAtAll": False}
    assert request.payload["text"]["content"] == (
        "交办事项将于2015年10月22日到期\n请按期回复。\n查看详情：/dispatch/tasks/7/\n接收人：zhang\n@13800138000"
    )


def test_dingtalk_names_and_ats_everyone_a_shared_post_is_for(settings, no_site_url):
    with FakeRobot() as robot:
        settings.KP_DINGTALK_WEBHOOK, settings.KP_DINGTALK_SECRET = robot.url, ""
        channels.send(
            Channel.DINGTALK, message(), names=["张三", "李四", "王五"], mobiles=["13800138001", "13800138003"]
        )
    (request,) = robot.received
    assert request.payload["at"] == {"atMobiles": ["13800138001", "13800138003"], "isAtAll": False}
    assert request.payload["text"]["content"].endswith("\n接收人：张三、李四、王五\n@13800138001 @13800138003")


def test_dingtalk_with_a_wrong_secret_is_refused_by_the_robot(settings):
    with FakeRobot(secret=SECRET) as robot:
        settings.KP_DINGTALK_WEBHOOK, settings.KP_DINGTALK_SECRET = robot.url, "SEC-not-the-robots-secret"
        with pytest.raises(DeliveryError, match="errcode 310000：sign not match"):
            channels.send(Channel.DINGTALK, message())
    assert [request.signed for request in robot.received] == [False]


def test_dingtalk_unsigned_when_the_robot_wants_a_signature_is_refused(settings):
    with FakeRobot(secret=SECRET) as robot:
        settings.KP_DINGTALK_WEBHOOK, settings.KP_DINGTALK_SECRET = robot.url, ""
        with pytest.raises(DeliveryError, match="sign not match"):
            channels.send(Channel.DINGTALK, message())
    assert "sign" not in robot.received[0].query


def test_dingtalk_signature_is_url_quoted_base64_hmac():
    # '+', '/' and '=' of the base64 text must reach the robot quoted: the fake server unquotes and compares.
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SEC1", timestamp=1445300000000)
    assert url == (
        "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1445300000000"
        "&sign=3d2N6v0BKpWp6QfmR6wa59mgXJlmM8OMvt%2Bq5LAkOuw%3D"
    )


def test_wecom_mentions_the_user_by_mobile(settings, no_site_url):
    with FakeRobot() as robot:
        settings.KP_WECOM_WEBHOOK = robot.url
        channels.send(Channel.WECOM, message())
        channels.send(Channel.WECOM, message(mobile=""))
    first, second = (request.payload for request in robot.received)
    assert first == {
        "msgtype": "text",
        "text": {
            "content": "交办事项将于2015年10月22日到期\n请按期回复。\n查看详情：/dispatch/tasks/7/\n接收人：zhang",
            "mentioned_mobile_list": ["13800138000"],
        },
    }
    assert second["text"]["mentioned_mobile_list"] == []


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("fail", "企业微信机器人返回 HTTP 500。"),
        ("refuse", "企业微信机器人拒绝了消息（errcode 310000：keywords not in content）。"),
    ],
)
def test_a_robot_that_says_no_is_a_failure_with_the_reason(settings, mode, reason):
    with FakeRobot(mode=mode) as robot:
        settings.KP_WECOM_WEBHOOK = robot.url
        with pytest.raises(DeliveryError) as failure:
            channels.send(Channel.WECOM, message())
    assert str(failure.value) == reason
    assert "test-token" not in str(failure.value)


def test_a_robot_that_hangs_times_out(settings):
    settings.KP_NOTIFY_TIMEOUT = 0.3
    with FakeRobot(mode="hang") as robot:
        settings.KP_DINGTALK_WEBHOOK, settings.KP_DINGTALK_SECRET = robot.url, ""
        with pytest.raises(DeliveryError, match=r"钉钉机器人在 0.3 秒内没有响应（超时）"):
            channels.send(Channel.DINGTALK, message())
    assert len(robot.received) == 1


def test_no_robot_listening_is_a_connection_failure(settings):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.KP_WECOM_WEBHOOK = f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=secret-key"
    with pytest.raises(DeliveryError) as failure:
        channels.send(Channel.WECOM, message())
    assert str(failure.value).startswith("无法连接企业微信机器人：")
    assert "secret-key" not in str(failure.value)


def test_a_channel_not_configured_any_more_fails(settings):
    settings.KP_WECOM_WEBHOOK = ""
    with pytest.raises(DeliveryError, match="本系统未配置企业微信群机器人。"):
        channels.send(Channel.WECOM, message())


def test_email_goes_through_django_with_the_absolute_link(settings, mailoutbox):
    settings.KP_SITE_URL = "https://xmb.example.gov.cn"
    settings.DEFAULT_FROM_EMAIL = "重点项目跟踪 <noreply@xmb.example.gov.cn>"
    channels.send(Channel.EMAIL, message())
    (mail,) = mailoutbox
    assert mail.to == ["zhang@example.gov.cn"]
    assert mail.from_email == "重点项目跟踪 <noreply@xmb.example.gov.cn>"
    assert mail.subject == "【重点项目跟踪】交办事项将于2015年10月22日到期"
    assert mail.body == (
        "交办事项将于2015年10月22日到期\n请按期回复。\n查看详情：https://xmb.example.gov.cn/dispatch/tasks/7/"
    )


def test_email_without_an_address_fails(mailoutbox):
    with pytest.raises(DeliveryError, match="接收人没有填写邮箱地址。"):
        channels.send(Channel.EMAIL, message(email=""))
    assert mailoutbox == []


def test_an_smtp_server_that_refuses_is_a_failure(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_HOST, settings.EMAIL_PORT = probe.getsockname()
    with pytest.raises(DeliveryError, match="^无法连接邮件服务器："):
        channels.send(Channel.EMAIL, message())
