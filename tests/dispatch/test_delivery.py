"""send_notifications: each due outbox message delivered once, failures retried with exponential
backoff and finally recorded as failed with the reason, against a real local robot and locmem mail."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from dispatch.choices import DeliveryStatus, NotificationKind
from dispatch.models import OutboxMessage
from dispatch.services import channels, delivery
from dispatch.services.delivery import claim_next, deliver_claimed, deliver_due
from dispatch.services.notify import notify
from tests.dispatch.webhook_server import FakeRobot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_outbox(db, settings):
    """Only this test's messages; the channel settings of a plain installation."""
    OutboxMessage.objects.all().delete()
    settings.KP_NOTIFY_BACKOFF_SECONDS = 60
    settings.KP_NOTIFY_MAX_ATTEMPTS = 6
    settings.KP_NOTIFY_TIMEOUT = 5
    settings.KP_DINGTALK_WEBHOOK = settings.KP_WECOM_WEBHOOK = settings.KP_DINGTALK_SECRET = ""


@pytest.fixture
def robot(settings):
    with FakeRobot() as robot:
        settings.KP_WECOM_WEBHOOK = robot.url
        yield robot


def queued(title, *, channel="wecom", username=None):
    """A notification for a user who chose ``channel``: its one outbox message."""
    user = User.objects.create_user(
        username or f"u-{title}",
        role=Role.STAFF,
        email="someone@example.gov.cn",
        **{f"notify_by_{channel}": True},
    )
    (notification,) = notify([user], kind=NotificationKind.TASK_ASSIGNED, title=title)
    return notification.deliveries.get()


def time_passes(message):
    """The message's retry time has come."""
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def counts(result):
    return result.as_dict()


def test_a_failing_robot_then_recovering_delivers_the_message_once(robot):
    message = queued("新交办事项：清理施工围挡", username="zhang")
    robot.mode = "fail"
    before = timezone.now()
    assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "企业微信机器人返回 HTTP 500。",
    )
    assert before + timedelta(seconds=60) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 0}  # not due yet: nothing sent
    assert len(robot.received) == 1

    robot.mode = "ok"
    time_passes(message)
    assert counts(deliver_due()) == {"sent": 1, "failed": 0, "retrying": 0}
    assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 0}
    time_passes(message)  # even when its old retry time comes round again
    assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (DeliveryStatus.SENT, 2, "")
    assert message.sent_at is not None
    assert [r.payload["text"]["content"] for r in robot.accepted()] == ["新交办事项：清理施工围挡\n接收人：zhang"]
    assert len(robot.received) == 2


def test_a_hanging_robot_times_out_and_the_message_is_retried_later(robot, settings):
    settings.KP_NOTIFY_TIMEOUT = 0.3
    message = queued("问题已超期")
    robot.mode = "hang"
    assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 1}
    message.refresh_from_db()
    assert message.last_error == "企业微信机器人在 0.3 秒内没有响应（超时）。"
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=55)
    robot.mode = "ok"
    time_passes(message)
    assert counts(deliver_due()) == {"sent": 1, "failed": 0, "retrying": 0}
    assert len(robot.accepted()) == 1


def test_after_the_last_attempt_the_message_fails_with_its_reason(robot, settings):
    settings.KP_NOTIFY_MAX_ATTEMPTS = 3
    message = queued("催报")
    robot.mode = "refuse"
    waits = []
    for expected in ({"retrying": 1}, {"retrying": 1}, {"failed": 1}):
        started = timezone.now()
        assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 0, **expected}
        message.refresh_from_db()
        waits.append(round((message.next_attempt_at - started).total_seconds()))
        time_passes(message)
    assert waits[:2] == [60, 120]  # the backoff doubles after each failure
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (DeliveryStatus.FAILED, 3, None)
    assert message.last_error == "企业微信机器人拒绝了消息（errcode 310000：keywords not in content）。"
    robot.mode = "ok"
    assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 0}  # failed is final
    assert len(robot.received) == 3


def test_email_is_delivered_through_the_mail_backend(mailoutbox):
    message = queued("交办事项已回复", channel="email")
    assert counts(deliver_due()) == {"sent": 1, "failed": 0, "retrying": 0}
    assert [mail.subject for mail in mailoutbox] == ["【重点项目跟踪】交办事项已回复"]
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


def test_a_deactivated_recipient_is_not_sent_to(mailoutbox):
    message = queued("督办意见", channel="email")
    User.objects.filter(pk=message.notification.user_id).update(is_active=False)
    assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 1}
    message.refresh_from_db()
    assert message.last_error == "接收人账号已停用。"
    assert mailoutbox == []


def test_one_post_per_event_reaches_the_robot_naming_everyone_who_chose_it(robot, mailoutbox):
    staff = [
        User.objects.create_user(
            f"street-{i}",
            role=Role.STAFF,
            first_name=name,
            mobile=mobile,
            notify_by_wecom=True,
            notify_by_email=True,
            email=f"street-{i}@example.gov.cn",
        )
        for i, (name, mobile) in enumerate([("张三", "13800138001"), ("李四", ""), ("王五", "13800138003")])
    ]
    written = notify(staff, kind=NotificationKind.TASK_ASSIGNED, title="新交办事项：清理施工围挡")
    assert len(written) == 3
    assert OutboxMessage.objects.filter(channel="wecom").count() == 1
    assert OutboxMessage.objects.filter(channel="email").count() == 3
    assert counts(deliver_due()) == {"sent": 4, "failed": 0, "retrying": 0}
    (post,) = robot.accepted()
    assert post.payload["text"] == {
        "content": "新交办事项：清理施工围挡\n接收人：张三、李四、王五",
        "mentioned_mobile_list": ["13800138001", "13800138003"],
    }
    assert sorted(mail.to[0] for mail in mailoutbox) == [f"street-{i}@example.gov.cn" for i in range(3)]


def test_a_robot_post_leaves_though_the_recipient_it_hangs_on_has_left(robot):
    message = queued("督办意见")
    User.objects.filter(pk=message.notification.user_id).update(is_active=False)
    assert counts(deliver_due()) == {"sent": 1, "failed": 0, "retrying": 0}


def test_an_unexpected_error_is_recorded_and_the_run_goes_on(robot, monkeypatch, mailoutbox):
    broken, fine = queued("坏消息"), queued("好消息", channel="email")
    real_send = channels.send

    def send(channel, notification, **recipients):
        if notification.title == "坏消息":
            raise RuntimeError("bug")
        real_send(channel, notification, **recipients)

    monkeypatch.setattr(channels, "send", send)
    assert counts(deliver_due()) == {"sent": 1, "failed": 0, "retrying": 1}
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.last_error == "发送时出现程序错误（RuntimeError），请联系系统管理员。"
    assert fine.status == DeliveryStatus.SENT


def test_a_claimed_message_is_nobody_elses_until_its_lease_ends(robot):
    message = queued("交办事项")
    claim = claim_next(due_by=timezone.now())
    assert claim[0] == message.pk
    assert claim_next(due_by=timezone.now()) is None  # a second sender finds nothing due
    assert deliver_claimed(*claim) == "sent"
    assert len(robot.accepted()) == 1


def test_a_sender_that_died_after_its_claim_loses_nothing(robot):
    message = queued("交办事项")
    message_id, lease_until = claim_next(due_by=timezone.now())  # ... and the sender dies here
    assert counts(deliver_due()) == {"sent": 0, "failed": 0, "retrying": 0}
    assert lease_until - timezone.now() > timedelta(minutes=4)
    time_passes(message)  # the lease ran out
    assert counts(deliver_due()) == {"sent": 1, "failed": 0, "retrying": 0}
    assert len(robot.accepted()) == 1


def test_an_attempt_that_outlived_its_lease_does_not_overwrite_the_new_claim(robot):
    message = queued("交办事项")
    claim = claim_next(due_by=timezone.now())
    time_passes(message)  # as if the lease had run out ...
    second = claim_next(due_by=timezone.now())  # ... and another sender claimed it
    assert deliver_claimed(*claim) is None
    message.refresh_from_db()
    assert (message.status, message.next_attempt_at) == (DeliveryStatus.PENDING, second[1])
    assert deliver_claimed(*second) == "sent"


def test_the_lease_is_many_timeouts(settings):
    settings.KP_NOTIFY_TIMEOUT = 10
    assert delivery.lease_length() == timedelta(minutes=5)
    settings.KP_NOTIFY_TIMEOUT = 20
    assert delivery.lease_length() == timedelta(minutes=10)


def test_the_command_prints_json(robot, mailoutbox):
    queued("邮件", channel="email")
    queued("群消息")
    robot.mode = "fail"
    out = StringIO()
    call_command("send_notifications", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 1, "failed": 0, "retrying": 1}
    assert out.getvalue() == '{"sent": 1, "failed": 0, "retrying": 1}\n'


def test_the_command_says_it_in_chinese_and_keeps_to_its_limit(robot):
    first, second = queued("第一条"), queued("第二条")
    out = StringIO()
    call_command("send_notifications", "--limit", "1", stdout=out)
    assert out.getvalue() == "已发送 1 条消息；0 条发送失败，稍后重试；0 条多次失败，已放弃。\n"
    statuses = set(OutboxMessage.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == {DeliveryStatus.SENT, DeliveryStatus.PENDING}


def test_the_command_refuses_a_limit_below_one():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--limit 应为正整数。"):
        call_command("send_notifications", "--limit", "0")
