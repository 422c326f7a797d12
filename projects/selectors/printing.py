"""What a printed page says about itself: the title line naming place, period and scope, and the
print date its footer carries (projects.clock.today())."""

from dataclasses import dataclass
from datetime import date

from projects import clock
from projects.choices import Level


@dataclass(frozen=True)
class PrintHeading:
    title: str  # "卫东区 2015年1-9月 市重点"
    printed_on: date


def period_words(year, month=None, *, through=True):
    """A period as a title says it: "2015年1-9月" from January (``through``), "2015年9月" for one
    month, "2015年" for a whole year, "" for none."""
    if year is None:
        return ""
    if month is None:
        return f"{year}年"
    if through and month > 1:
        return f"{year}年1-{month}月"
    return f"{year}年{month}月"


def print_title(*, region=None, year=None, month=None, through=True, level=None, scope="", as_of=None):
    """The title line of a printed page: the node (a Region; the office's or the ?region asked
    for), the part of it the page holds (scoping.scope_description: "北环路街道", "王某联系的"), the
    period, the level (a Level value) — each left out when the page has none — and for a page that
    is about no period, the day it stands at ("截至2015年10月20日")."""
    level_label = Level(level).label if level in Level.values else ""
    as_of_words = f"截至{as_of.year}年{as_of.month}月{as_of.day}日" if as_of else ""
    parts = [
        getattr(region, "name", ""),
        scope,
        period_words(year, month, through=through),
        level_label,
        as_of_words,
    ]
    return " ".join(part for part in parts if part)


def print_heading(**title):
    """The title (print_title's keyword arguments) and today's date, for templates/projects/_print_head.html."""
    return PrintHeading(title=print_title(**title), printed_on=clock.today())
