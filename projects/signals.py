"""Keeps the derived ListingCumulative rows in step with every report write that goes through
the ORM's save and delete (services, admin, demo loader). Bulk writers refresh themselves."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from projects.models import MonthlyReport
from projects.services.cumulatives import cumulatives_refresh, cumulatives_refresh_later


@receiver(pre_save, sender=MonthlyReport)
def remember_listing(sender, instance, raw=False, **kwargs):
    """A report moved to another listing (possible in the admin) changes two listings' figures."""
    if instance.pk and not raw:
        instance._listing_before = (
            MonthlyReport.objects.filter(pk=instance.pk).values_list("listing_id", flat=True).first()
        )


@receiver(post_save, sender=MonthlyReport)
@receiver(post_delete, sender=MonthlyReport)
def refresh_cumulatives(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: run `manage.py refresh_cumulatives` after loading fixtures
        return
    listings = {instance.listing_id, getattr(instance, "_listing_before", None)} - {None}
    if not cumulatives_refresh_later(listings):
        cumulatives_refresh(listings)
