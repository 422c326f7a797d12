"""Due dates of approval items, recomputed when the calendar they were counted on changes."""

from datetime import date, timedelta

from django.db import transaction

from approvals.models import ApprovalItem
from projects.freshness import data_changed

# A time limit of N working days spans at most about 2N + 40 calendar days (projects.workdays).
_REACH = timedelta(days=2 * 365 + 40)
BATCH_SIZE = 500
_FIELDS = ("pk", "submitted_date", "time_limit_days", "planned_date", "due_date")


def _recompute(items):
    """Store the due date of each of ``items`` that now counts differently; returns how many did."""
    changed = []
    for item in items:
        due = item.deadline()
        if due != item.due_date:
            item.due_date = due
            changed.append(item)
    ApprovalItem.objects.bulk_update(changed, ["due_date"], batch_size=BATCH_SIZE)
    return len(changed)


def deadlines_refresh(*, around):
    """Recompute the due date of every submitted item whose time limit may span the day ``around``."""
    # A calendar day in the first years of the era (0001-03-01 typed for 2001-03-01) reaches back
    # past date.min: counted from date.min rather than an OverflowError in the admin's save.
    since = around - _REACH if around - date.min > _REACH else date.min
    items = ApprovalItem.objects.filter(
        submitted_date__gt=since, submitted_date__lte=around, time_limit_days__isnull=False
    )
    with transaction.atomic():
        changed = _recompute(items.select_for_update().only(*_FIELDS))
    if changed:
        data_changed()
    return changed


def deadlines_refresh_all(*, batch_size=BATCH_SIZE):
    """Recompute every item's due date (after a chinese-calendar upgrade brings the State Council's
    calendar of a year the office had counted by weekends), ``batch_size`` rows at a time in one
    transaction; returns (items read, items whose due date changed)."""
    read = changed = 0
    with transaction.atomic():
        after = None
        while True:
            items = ApprovalItem.objects.select_for_update().order_by("pk").only(*_FIELDS)
            if after is not None:
                items = items.filter(pk__gt=after)
            batch = list(items[:batch_size])
            if not batch:
                break
            read += len(batch)
            changed += _recompute(batch)
            after = batch[-1].pk
        if changed:
            data_changed()
    return read, changed
