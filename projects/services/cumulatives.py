"""Month-end cumulatives of each listing (ListingCumulative), kept equal to its submitted reports.

Every page that shows a listing's 1–m月累计 joins one row instead of summing up to twelve
reports per listing: at province scale (tens of thousands of listings) this is what keeps the
overview, the list and the export fast. The rows are derived data: a report save or delete
rebuilds its listing's row in the same transaction (projects.signals), and bulk writers
call ``cumulatives_refresh`` themselves.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import transaction

from projects.freshness import data_changed
from projects.models import COUNTED_REPORT, ListingCumulative, MonthlyReport

CHUNK = 500  # listing ids per statement, well under SQLite's variable limit
# The listings whose rebuild waits for the end of a cumulatives_deferred() block (None: none open).
_waiting = ContextVar("cumulatives_waiting", default=None)


def running_totals(reports):
    """{listing_id: [cumulative at the end of month 1, …, month 12]} from (listing_id, month,
    investment) rows of counted reports."""
    per_month = defaultdict(lambda: [Decimal(0)] * 12)
    for listing_id, month, investment in reports:
        per_month[listing_id][month - 1] += investment
    totals = {}
    for listing_id, months in per_month.items():
        running, row = Decimal(0), []
        for investment in months:
            running += investment
            row.append(running)
        totals[listing_id] = row
    return totals


def cumulatives_rebuild(report_model, cumulative_model, listing_ids=None):
    """Rewrite the cumulatives of ``listing_ids`` (every listing when None) from the counted
    reports. Takes the model classes so the data migration can run it on historical models.

    Each listing's row is locked first (FOR NO KEY UPDATE, in ascending order, until the
    transaction ends): two saves of one listing in different months rebuild one after the other,
    the second summing the first's report, instead of both inserting the row."""
    listing_model = cumulative_model._meta.get_field("listing").related_model
    with transaction.atomic():
        if listing_ids is None:
            cumulative_model.objects.all().delete()
            _rebuild(report_model, cumulative_model, listing_model, None)
            return
        ids = sorted(set(listing_ids))
        for start in range(0, len(ids), CHUNK):
            _rebuild(report_model, cumulative_model, listing_model, ids[start : start + CHUNK])


def _rebuild(report_model, cumulative_model, listing_model, chunk):
    """Rebuild the rows of the listings in ``chunk`` (every listing when None)."""
    reports = report_model.objects.filter(COUNTED_REPORT)
    if chunk is not None:
        list(listing_model.objects.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk").values("pk"))
        cumulative_model.objects.filter(listing_id__in=chunk).delete()
        reports = reports.filter(listing_id__in=chunk)
    totals = running_totals(reports.order_by().values_list("listing_id", "month", "investment").iterator())
    cumulative_model.objects.bulk_create(
        (
            cumulative_model(
                listing_id=listing_id, **{f"month_{month}": amount for month, amount in enumerate(months, start=1)}
            )
            for listing_id, months in totals.items()
        ),
        batch_size=500,
    )
    data_changed()  # bulk_create sends no model signal


def cumulatives_refresh(listing_ids=None):
    """Bring the cumulatives of these listings (all when None) back in line with their reports."""
    cumulatives_rebuild(MonthlyReport, ListingCumulative, listing_ids)


@contextmanager
def cumulatives_deferred():
    """Inside this block report saves only note their listings (projects.signals); leaving it
    rebuilds them all at once. For a loader writing hundreds of reports through the ORM (the demo),
    which otherwise rebuilds a listing once per report. Nothing inside may read the cumulatives."""
    if _waiting.get() is not None:  # nested: the outer block rebuilds
        yield
        return
    waiting = set()
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    if waiting:
        cumulatives_refresh(waiting)


def cumulatives_refresh_later(listing_ids):
    """Note ``listing_ids`` for the open cumulatives_deferred() block; False when none is open."""
    waiting = _waiting.get()
    if waiting is None:
        return False
    waiting.update(listing_ids)
    return True
