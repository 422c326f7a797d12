"""Template filters for amounts in 万元 and percentages, formatted the way project tables are."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

from projects.choices import WarningLight
from projects.selectors.figures import percent_of

register = template.Library()


@register.filter
def amount(value):
    """439950 → "439,950.00"; empty for None. Decimal in, text out, never a float."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def percent(value):
    """93.58 → "93.58%"; "—" when there is no percentage (no plan to compare with)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):.2f}%"


@register.filter
def yi(value):
    """万元 → 亿元 for headlines: 411700 → "41.17"."""
    if value is None or value == "":
        return ""
    return f"{(Decimal(value) / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


@register.filter
def listing_percent(listing):
    """A listing's cumulative as % of its annual plan, by the one rounding rule (selectors.percent_of)."""
    return percent(percent_of(listing.cumulative, listing.annual_plan))


@register.filter
def warning_label(warning):
    """green / yellow / red / none → 正常 / 滞后 / 严重滞后 / 尚未填报."""
    return WarningLight(warning).label if warning in WarningLight.values else ""


@register.filter
def light(warning):
    """The warning as the tables show it: a coloured light and its label."""
    return format_html('<span class="light light-{}">{}</span>', warning, warning_label(warning))
