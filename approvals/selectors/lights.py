"""An approval item's warning light (approvals.choices.ItemLight), for the pages that show items
one by one; the board's figures count the same rule in SQL (approvals.selectors.figures)."""

from django.conf import settings

from approvals.choices import OPEN_STATUSES, ItemLight
from projects.workdays import calendar_needs_checking, workdays_after


def yellow_horizon(today):
    """The last due date that still lights yellow: KP_APPROVAL_YELLOW_WORKDAYS working days after
    ``today``. Computed once per page (it may read the office's calendar) and passed to item_light."""
    return workdays_after(today, settings.KP_APPROVAL_YELLOW_WORKDAYS)


def item_light(*, status, due_date, today, horizon=None):
    """Red when an open item's due date has passed, yellow when it falls within the next
    KP_APPROVAL_YELLOW_WORKDAYS working days (today included), green when later; none for an item
    that is done, not needed, or has no due date. ``horizon`` is yellow_horizon(today), when the
    caller has it already."""
    if status not in OPEN_STATUSES or due_date is None:
        return ItemLight.NONE
    if due_date < today:
        return ItemLight.RED
    if due_date <= (horizon if horizon is not None else yellow_horizon(today)):
        return ItemLight.YELLOW
    return ItemLight.GREEN


def items_with_lights(items, today):
    """``items`` (an iterable of ApprovalItem) as a list, each with its ``light`` set: one
    calendar read for the lot, none per item."""
    horizon = yellow_horizon(today)
    rows = list(items)
    for item in rows:
        item.light = item_light(status=item.status, due_date=item.due_date, today=today, horizon=horizon)
    return rows


def calendar_notice(*days):
    """What a page says when a year its working days touch (the page's year, today, the yellow
    horizon, the due dates it shows: years or dates) is counted by weekends only; "" otherwise."""
    years = sorted({getattr(day, "year", day) for day in days if day is not None})
    unchecked = [str(year) for year in years if calendar_needs_checking(year)]
    if not unchecked:
        return ""
    return f"{'、'.join(unchecked)}年的节假日安排尚未收录，工作日按周末计算，请管理员在“工作日历”中核对。"
