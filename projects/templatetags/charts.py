"""Charts drawn where the page is drawn: SVG from a selector's figures (projects.charts)."""

from django import template

from projects import charts

register = template.Library()


@register.filter
def monthly_chart(series):
    """A listing's or a district's MonthPoint series as the monthly plan-and-actual SVG chart: the
    wide drawing and the phone's compact one (the stylesheet shows one of them)."""
    return charts.monthly_chart(series) + charts.monthly_chart(series, compact=True)
