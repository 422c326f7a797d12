"""notify(): one inbox row per person, and an outbox row for each channel the person chose that the
installation configured, written in the caller's transaction."""

import pytest
from django.db import transaction

from accounts.models import Role, User
from dispatch.choices import Channel, NotificationKind
from dispatch.models import Notification, OutboxMessage
from dispatch.services.notify import chosen_channels, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def robots(settings):
    settings.KP_DINGTALK_WEBHOOK = "http://127.0.0.1:9/dingtalk"
    settings.KP_WECOM_WEBHOOK = ""


def person(username, **fields):
    return User.objects.create_user(username, password="kp-test-Pass-2015", role=Role.STAFF, **fields)


def test_each_chosen_and_configured_channel_gets_an_outbox_row(robots):
    both = person("both", email="both@example.gov.cn", notify_by_email=True, notify_by_dingtalk=True)
    wecom_only = person("wecom", notify_by_wecom=True)  # the installation has no WeCom robot
    no_address = person("noaddress", notify_by_email=True)  # email chosen, but no address
    written = notify([both, wecom_only, no_address], kind=NotificationKind.INSTRUCTION, title="督办意见")
    assert [n.user for n in written] == [both, wecom_only, no_address]
    outbox = OutboxMessage.objects.filter(notification__in=written)
    assert sorted(outbox.values_list("notification__user__username", "channel")) == [
        ("both", Channel.DINGTALK),
        ("both", Channel.EMAIL),
    ]
    assert chosen_channels(wecom_only) == [] and chosen_channels(no_address) == []


def test_a_robot_gets_one_post_per_event_for_everyone_who_chose_it(robots):
    first = person("first", first_name="张三", mobile="13800138001", notify_by_dingtalk=True)
    emailed = person("emailed", email="e@example.gov.cn", notify_by_email=True)
    no_mobile = person("nomobile", first_name="李四", notify_by_dingtalk=True, notify_by_email=True)
    third = person("third", first_name="王五", mobile="13800138003", notify_by_dingtalk=True)
    written = notify([first, emailed, no_mobile, third], kind=NotificationKind.TASK_ASSIGNED, title="新交办事项")
    assert len(written) == 4
    (post,) = OutboxMessage.objects.filter(channel=Channel.DINGTALK)
    assert post.notification == written[0]  # on the first recipient's notification
    assert (post.addressees, post.mentions) == ("张三、李四、王五", "13800138001,13800138003")
    assert post.robot_recipients() == (["张三", "李四", "王五"], ["13800138001", "13800138003"])
    assert sorted(
        OutboxMessage.objects.filter(channel=Channel.EMAIL).values_list("notification__user__username", flat=True)
    ) == ["emailed"]


def test_a_person_named_twice_is_told_once_and_the_inactive_not_at_all():
    active, gone = person("active"), person("gone", is_active=False)
    written = notify([active, None, active, gone], kind=NotificationKind.REPORT_CHASED, title="催报")
    assert [n.user for n in written] == [active]
    assert Notification.objects.filter(user__in=[active, gone]).count() == 1


def test_a_keyed_reminder_is_written_once_per_person():
    user = person("keyed", email="k@example.gov.cn", notify_by_email=True)
    first = notify([user], kind=NotificationKind.TASK_DUE, title="到期", key="task:1:due:2015-10-22")
    again = notify([user], kind=NotificationKind.TASK_DUE, title="到期", key="task:1:due:2015-10-22")
    moved = notify([user], kind=NotificationKind.TASK_DUE, title="到期", key="task:1:due:2015-10-23")
    assert len(first) == 1 and again == [] and len(moved) == 1
    assert Notification.objects.filter(user=user).count() == 2
    assert OutboxMessage.objects.filter(notification__user=user).count() == 2


def test_the_messages_roll_back_with_the_event():
    user = person("rolled", email="r@example.gov.cn", notify_by_email=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([user], kind=NotificationKind.INSTRUCTION, title="督办意见")
        raise RuntimeError("the event's own write failed")
    assert not Notification.objects.filter(user=user).exists()
    assert not OutboxMessage.objects.filter(notification__user=user).exists()
