"""The inbox: a user's notifications and how many are unread."""

from django.db.models import BooleanField, Case, Value, When

from dispatch.models import Notification

INBOX_FILTERS = {"unread": "未读", "all": "全部"}


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox_list(*, user, unread_only=False):
    """``user``'s own notifications, unread first, then newest first (``unread_only``: the unread)."""
    notifications = Notification.objects.filter(user=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    unread = Case(When(read_at__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField())
    return notifications.annotate(unread=unread).order_by("-unread", "-created_at", "-id")
