"""Telling people: a notification goes to each recipient's inbox and, for every outbound channel the
recipient chose and the installation configured, to the outbox — in the caller's transaction, so a
message exists exactly when the event that causes it was committed (send_notifications delivers).

An email goes to each recipient. A group robot (DingTalk, WeCom) posts to one group, so an event
makes one post per robot, naming all the recipients who chose it and @-ing their mobiles: five
staff of a street told of one task are one post, not five (DingTalk allows 20 a minute)."""

from django.db import IntegrityError, transaction

from dispatch.choices import Channel
from dispatch.models import Notification, OutboxMessage
from dispatch.services.channels import configured_channels

ROBOTS = (Channel.DINGTALK, Channel.WECOM)  # group robots: one post per event, not one per person


def chosen_channels(user):
    """The outbound channels ``user`` chose in their profile that this installation has configured."""
    chosen = {
        Channel.EMAIL: user.notify_by_email and bool(user.email),
        Channel.DINGTALK: user.notify_by_dingtalk,
        Channel.WECOM: user.notify_by_wecom,
    }
    return [channel for channel in configured_channels() if chosen[channel]]


def notify(users, *, kind, title, body="", link="", key=""):
    """Write one notification per active user in ``users`` (duplicates counted once) and the outbox
    messages: an email for each who chose it, one post per robot for all who chose that robot (on the
    first one's notification); return the notifications written. With a ``key`` (a reminder), a user who already has a
    notification under that key gets nothing new: planning twice writes nothing twice."""
    written = []
    seen = set()
    robots = {}  # a robot channel: the notifications of the recipients who chose it, in order
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        notification = _write(user, kind=kind, title=title[:200], body=body, link=link, key=key)
        if notification is None:
            continue
        written.append(notification)
        channels = chosen_channels(user)
        OutboxMessage.objects.bulk_create(
            OutboxMessage(notification=notification, channel=channel) for channel in channels if channel not in ROBOTS
        )
        for channel in channels:
            if channel in ROBOTS:
                robots.setdefault(channel, []).append(notification)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            notification=told[0],
            channel=channel,
            addressees="、".join(display_name(n.user) for n in told),
            mentions=",".join(n.user.mobile for n in told if n.user.mobile),
        )
        for channel, told in robots.items()
    )
    return written


def display_name(user):
    return user.get_full_name() or user.username


def _write(user, **fields):
    if fields["key"]:
        # The unique (user, key) constraint decides between two planners racing; the savepoint keeps
        # the caller's transaction usable when this one lost.
        try:
            with transaction.atomic():
                notification = Notification.objects.create(user=user, **fields)
        except IntegrityError:
            return None
    else:
        notification = Notification.objects.create(user=user, **fields)
    return notification
