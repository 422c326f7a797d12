"""Template filters for amounts in 万元 and percentages, formatted the way project tables are."""

from decimal import Decimal, InvalidOperation

from django import template

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
