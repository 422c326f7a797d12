"""报送及时率: when a month's reports are due, and which came in by then.

A month's report is due on the office's due day (KP_REPORT_DUE_DAY, default the 25th) of the month
that follows it — the month staff report it in (selectors.reporting.reporting_period) — moved to the
next working day when that day is a weekend or a holiday (projects.workdays)."""

import datetime

from django.conf import settings

from projects.periods import Period
from projects.workdays import next_workday


def report_due_date(year, month):
    """The last day on which the report for ``year``/``month`` counts as on time."""
    following = Period(year, month).next()
    day = datetime.date(following.year, following.month, min(settings.KP_REPORT_DUE_DAY, following.last_day.day))
    return next_workday(day)
