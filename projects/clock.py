"""What "today" is for every rule that reads it: overdue problems, the default month, report dates.

`KP_TODAY` (settings, from the environment) pins it — the demo sets it to a day in October 2015 so
the office sees what it would have seen then; production leaves it unset and reads the clock.
"""

from datetime import date

from django.conf import settings
from django.utils import timezone


def today() -> date:
    """The reporting date: the pinned KP_TODAY if set, else today's date in the office's time zone."""
    pinned = getattr(settings, "KP_TODAY", None)
    return pinned or timezone.localdate()
