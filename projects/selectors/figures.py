"""Figures every page shares: what counts as reported, percentages, investment totals."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Sum,
)
from django.db.models.functions import Coalesce

from projects.choices import ReportStatus
from projects.models import (
    Listing,
    MonthlyReport,
)

ZERO = Decimal("0.00")
HUNDREDTH = Decimal("0.01")


def percent_of(part, whole):
    """part ÷ whole as a percentage rounded half-up to two places; None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def schedule_percent(month):
    """The time-proportional schedule (时序进度): by the end of month m, m/12 of the year."""
    return percent_of(month, 12)


def counted_reports():
    """Monthly reports that count in official figures: submitted ones only, never drafts."""
    return MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED)


def listings_for(*, year, level=None):
    queryset = Listing.objects.filter(year=year)
    if level is not None:
        queryset = queryset.filter(level=level)
    return queryset


@dataclass(frozen=True)
class InvestmentSummary:
    listings: int
    annual_plan: Decimal
    cumulative: Decimal
    percent: Decimal | None
    schedule: Decimal


def investment_summary(*, listings, month):
    """Plan, investment to the end of ``month`` and both percentages over a listing queryset."""
    plan = listings.aggregate(count=Count("id"), plan=Coalesce(Sum("annual_plan"), ZERO))
    done = (
        counted_reports()
        .filter(listing__in=listings.values("id"), month__lte=month)
        .aggregate(total=Coalesce(Sum("investment"), ZERO))["total"]
    )
    # SQLite and PostgreSQL return sums at different scales; quantizing makes them identical.
    annual_plan = plan["plan"].quantize(HUNDREDTH)
    cumulative = done.quantize(HUNDREDTH)
    return InvestmentSummary(
        listings=plan["count"],
        annual_plan=annual_plan,
        cumulative=cumulative,
        percent=percent_of(cumulative, annual_plan),
        schedule=schedule_percent(month),
    )
