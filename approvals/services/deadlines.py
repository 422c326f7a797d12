"""Due dates of approval items, recomputed when the calendar they were counted on changes."""

from datetime import date, timedelta

from django.db import transaction

from approvals.models import ApprovalItem
from projects.freshness import data_changed

# A time limit of N working days spans at most about 2N + 40 calendar days (projects.workdays).
_REACH = timedelta(days=2 * 365 + 40)


def deadlines_refresh(*, around):
    """Recompute the due date of every submitted item whose time limit may span the day ``around``."""
    # A calendar day in the first years of the era (0001-03-01 typed for 2001-03-01) reaches back
    # past date.min: counted from date.min rather than an OverflowError in the admin's save.
    since = around - _REACH if around - date.min > _REACH else date.min
    items = ApprovalItem.objects.filter(
        submitted_date__gt=since, submitted_date__lte=around, time_limit_days__isnull=False
    )
    changed = []
    with transaction.atomic():
        for item in items.select_for_update().only(
            "pk", "submitted_date", "time_limit_days", "planned_date", "due_date"
        ):
            due = item.deadline()
            if due != item.due_date:
                item.due_date = due
                changed.append(item)
        ApprovalItem.objects.bulk_update(changed, ["due_date"], batch_size=500)
    if changed:
        data_changed()
    return len(changed)
