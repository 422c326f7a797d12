"""A reporting period: one month of one year, the unit every report, figure and page is about."""

import calendar
import datetime
from typing import NamedTuple


class Period(NamedTuple):
    """(year, month); compares and orders as that pair, so ``Period(2015, 9) == (2015, 9)``."""

    year: int
    month: int

    @classmethod
    def of(cls, day):
        """The period ``day`` (a date) falls in."""
        return cls(day.year, day.month)

    def next(self):
        return Period(self.year, self.month + 1) if self.month < 12 else Period(self.year + 1, 1)

    def previous(self):
        return Period(self.year, self.month - 1) if self.month > 1 else Period(self.year - 1, 12)

    @property
    def label(self):
        return f"{self.year}年{self.month}月"

    @property
    def last_day(self):
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
