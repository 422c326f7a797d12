"""Keeping stored due dates in step with the working-day calendar: an office that adds a holiday
or a 调休 day moves the time limits of the items submitted around it."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from approvals.services.deadlines import deadlines_refresh
from projects.models import CalendarDay


@receiver(pre_save, sender=CalendarDay)
def calendar_day_remembered(sender, instance, raw=False, **kwargs):
    """Remember the day a stored row had before this save: moved to another date, the items counted
    across its old date move back as well as those across its new one."""
    instance._day_before = None
    if not raw and instance.pk is not None:
        instance._day_before = CalendarDay.objects.filter(pk=instance.pk).values_list("day", flat=True).first()


@receiver(post_save, sender=CalendarDay)
def calendar_day_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    deadlines_refresh(around=instance.day)
    before = getattr(instance, "_day_before", None)
    if before is not None and before != instance.day:
        deadlines_refresh(around=before)


@receiver(post_delete, sender=CalendarDay)
def calendar_day_deleted(sender, instance, **kwargs):
    deadlines_refresh(around=instance.day)
