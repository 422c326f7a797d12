"""Keeping stored due dates in step with the working-day calendar: an office that adds a holiday
or a 调休 day moves the time limits of the items submitted around it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from approvals.services.deadlines import deadlines_refresh
from projects.models import CalendarDay


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def calendar_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        deadlines_refresh(around=instance.day)
