"""Working days: the State Council's holidays and 调休 days, for every time limit counted in
working days (approvals' statutory limits, assigned tasks, the reporting deadline).

chinese-calendar knows each year once the State Council has published it; for a year it has no
data for (it raises NotImplementedError), the office's own calendar (projects.CalendarDay) and the
weekends decide, and `calendar_needs_checking(year)` says so, for the pages to warn.
"""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from projects.models.calendar import CalendarDay, DayKind

MAX_WORKDAYS = 3650  # a limit of ten years of working days is a typing error, not a time limit


def _package_knows(year):
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def package_covers(year: int) -> bool:
    """True when chinese-calendar has the State Council's calendar for ``year``."""
    return _package_knows(year)


def _office_days(start, end):
    """The office calendar's days between two dates, as {date: kind}."""
    return dict(CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "kind"))


class _Calendar:
    """Answers is_workday for a span of dates with one query of the office's calendar."""

    def __init__(self, start, end):
        self.office = _office_days(start, end)

    def is_workday(self, day):
        kind = self.office.get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY  # the office's entry wins: it may correct the package
        if package_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5


def is_workday(day: date) -> bool:
    return _Calendar(day, day).is_workday(day)


def workdays_after(start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (start itself not counted: a limit of 5
    working days from a Friday submission ends the next Friday); ``start`` for 0; negative counts
    go back."""
    if abs(count) > MAX_WORKDAYS:
        raise ValueError(f"working days out of range: {count}")
    if count == 0:
        return start
    step = timedelta(days=1 if count > 0 else -1)
    # Generously wide: a year's holidays never add more than a month to a span.
    span = timedelta(days=abs(count) * 2 + 40)
    low, high = (start, start + span) if count > 0 else (start - span, start)
    calendar = _Calendar(low, high)
    day, left = start, abs(count)
    while left:
        day += step
        if calendar.is_workday(day):
            left -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = _Calendar(start, end)
    return sum(1 for offset in range(1, (end - start).days + 1) if calendar.is_workday(start + timedelta(offset)))


def next_workday(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it (a due day
    falling on a holiday moves to the next working day)."""
    return day if is_workday(day) else workdays_after(day, 1)


def calendar_needs_checking(year: int) -> bool:
    """True when chinese-calendar has no data for ``year`` and the office has entered none of its
    holidays: the page should say the calendar for that year needs checking."""
    if package_covers(year):
        return False
    return not CalendarDay.objects.filter(day__year=year, kind=DayKind.HOLIDAY).exists()
