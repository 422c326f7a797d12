"""Figures every page shares: what counts as reported, percentages, investment totals."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from projects.models import COUNTED_REPORT, Listing, ListingCumulative, MonthlyReport

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
    return MonthlyReport.objects.filter(COUNTED_REPORT)


AMOUNT = DecimalField(max_digits=16, decimal_places=2)


def with_cumulative(listings, *, month):
    """Annotate listings with ``cumulative``: counted investment from January to the end of
    ``month``, read from the listing's row of month-end totals (one join, no sum over reports)."""
    column = f"cumulative_row__{ListingCumulative.field_for(month)}"
    return listings.annotate(cumulative=Coalesce(F(column), Value(ZERO), output_field=AMOUNT))


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
    totals = with_cumulative(listings, month=month).aggregate(
        count=Count("id"),
        plan=Coalesce(Sum("annual_plan"), ZERO, output_field=AMOUNT),
        done=Coalesce(Sum("cumulative"), ZERO, output_field=AMOUNT),
    )
    return summary_of(count=totals["count"], annual_plan=totals["plan"], cumulative=totals["done"], month=month)


def summary_of(*, count, annual_plan, cumulative, month):
    """The summary of ``count`` listings with these totals (summed in SQL or from groups)."""
    # SQLite and PostgreSQL return sums at different scales; quantizing makes them identical.
    annual_plan = annual_plan.quantize(HUNDREDTH)
    cumulative = cumulative.quantize(HUNDREDTH)
    return InvestmentSummary(
        listings=count,
        annual_plan=annual_plan,
        cumulative=cumulative,
        percent=percent_of(cumulative, annual_plan),
        schedule=schedule_percent(month),
    )
