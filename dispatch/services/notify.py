"""Telling people: a notification goes to each recipient's inbox and, for every outbound channel the
recipient chose and the installation configured, to the outbox — in the caller's transaction, so a
message exists exactly when the event that causes it was committed (send_notifications delivers)."""

from django.db import IntegrityError, transaction

from dispatch.choices import Channel
from dispatch.models import Notification, OutboxMessage
from dispatch.services.channels import configured_channels


def chosen_channels(user):
    """The outbound channels ``user`` chose in their profile that this installation has configured."""
    chosen = {
        Channel.EMAIL: user.notify_by_email and bool(user.email),
        Channel.DINGTALK: user.notify_by_dingtalk,
        Channel.WECOM: user.notify_by_wecom,
    }
    return [channel for channel in configured_channels() if chosen[channel]]


def notify(users, *, kind, title, body="", link="", key=""):
    """Write one notification per active user in ``users`` (duplicates counted once) and its outbox
    messages; return the notifications written. With a ``key`` (a reminder), a user who already has a
    notification under that key gets nothing new: planning twice writes nothing twice."""
    written = []
    seen = set()
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        notification = _write(user, kind=kind, title=title[:200], body=body, link=link, key=key)
        if notification is not None:
            written.append(notification)
    return written


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
    OutboxMessage.objects.bulk_create(
        OutboxMessage(notification=notification, channel=channel) for channel in chosen_channels(user)
    )
    return notification
