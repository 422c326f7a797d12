"""A scoring period: a month, a quarter or the year, and the months it covers."""

import datetime
from typing import NamedTuple

from projects.periods import Period
from scoring.choices import PeriodKind

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
LAST_NUMBER = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}


class ScorePeriod(NamedTuple):
    """(kind, year, number): month 1–12, quarter 1–4, or the year (number 1)."""

    kind: str
    year: int
    number: int

    @classmethod
    def parse(cls, kind, year, number):
        """The period, or ValueError when the kind or number does not exist."""
        if kind not in PeriodKind.values:
            raise ValueError(f"no such period kind: {kind!r}")
        if not 1 <= number <= LAST_NUMBER[PeriodKind(kind)]:
            raise ValueError(f"no {kind} numbered {number}")
        return cls(kind, year, number)

    @property
    def months(self):
        """The months of the year the period covers, first to last."""
        if self.kind == PeriodKind.MONTH:
            return range(self.number, self.number + 1)
        if self.kind == PeriodKind.QUARTER:
            return range(3 * self.number - 2, 3 * self.number + 1)
        return range(1, 13)

    @property
    def end_month(self):
        """The month whose cumulative figures the period is scored on."""
        return self.months[-1]

    @property
    def first_day(self):
        return datetime.date(self.year, self.months[0], 1)

    @property
    def last_day(self):
        return Period(self.year, self.end_month).last_day

    @property
    def label(self):
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}年{self.number}月"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}年第{QUARTER_NAMES[self.number]}季度"
        return f"{self.year}年度"

    def as_dict(self):
        return {"kind": self.kind, "year": self.year, "number": self.number, "label": self.label}
