"""Reading the inbox: a notification opened is read; "全部标为已读" reads them all. Only the user's
own notifications are reachable: another's answers as one that does not exist."""

from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from dispatch.models import Notification


def notification_open(*, user, notification_id):
    """Mark ``user``'s notification read (once: the first time stays) and return it;
    Notification.DoesNotExist for anyone else's."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(user=user, pk=notification_id)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user):
    """Mark every unread notification of ``user`` read; return how many were unread."""
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def local_link(link):
    """``link`` when it is a path of this site (so opening a notification never leads elsewhere), else ""."""
    if link.startswith("/") and not link.startswith("//") and url_has_allowed_host_and_scheme(link, None):
        return link
    return ""
