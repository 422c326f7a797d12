"""The inbox: a user's notifications and how many are unread."""

from dispatch.models import Notification


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
