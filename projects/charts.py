"""Charts drawn on the server as SVG: no script, no remote assets, and no style attributes
(colours are presentation attributes, so the Content Security Policy holds)."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 20, 44
BAR_COLOUR, DONE_COLOUR, PLAN_COLOUR = "#9db4d6", "#b42318", "#52606d"


def _nice_ceiling(value):
    """The smallest 1/2/5 × 10ⁿ at or above ``value``: a readable top for the axis. An axis with
    nothing on it (a year without reports) still reads 0 to 100万元."""
    if value <= 0:
        return Decimal(100)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _unit(top):
    """(divisor, tick suffix, axis unit, least decimals): 亿 when the axis reaches 1亿 (so 5,000万
    reads 0.5亿 beside 1.0亿), else 万元 without decimals."""
    return (Decimal(10000), "亿", "亿元", 1) if top >= 10000 else (Decimal(1), "", "万元", 0)


def _label(value, top):
    """An axis label in the axis's one unit, with as many decimals as a quarter of the axis needs,
    so each tick reads its own value (0.25亿, not 0.2亿; 1.25, not 1)."""
    divisor, suffix, _, least = _unit(top)
    decimals = max(least, -(top / 4 / divisor).normalize().as_tuple().exponent)
    return f"{value / divisor:,.{decimals}f}{suffix}"


def monthly_chart(points, *, title="月度投资（万元）"):
    """Bars: investment per month; red line: cumulative; grey dashed line: the time-proportional plan."""
    top = _nice_ceiling(max([p.planned for p in points] + [p.cumulative or 0 for p in points] + [Decimal(0)]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = Decimal(plot_w) / 12

    def x(month):
        return f"{LEFT + slot * (month - 1) + slot / 2:.1f}"

    def y(value):
        return f"{TOP + plot_h - (Decimal(value) / top) * plot_h:.1f}"

    def shifted(coordinate, delta):
        return f"{Decimal(coordinate) + Decimal(delta):.1f}"

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d9e2ec"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#616e7c">{}</text>',
        (
            (
                LEFT,
                y(top * i / 4),
                WIDTH - RIGHT,
                y(top * i / 4),
                LEFT - 6,
                shifted(y(top * i / 4), 4),
                _label(top * i / 4, top),
            )
            for i in range(5)
        ),
    )
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}月：{} 万元</title></rect>',
        (
            (
                shifted(x(p.month), -slot * Decimal("0.3")),
                y(p.investment),
                f"{slot * Decimal('0.6'):.1f}",
                shifted(y(0), -Decimal(y(p.investment))),
                BAR_COLOUR,
                p.month,
                f"{p.investment:,.2f}",
            )
            for p in points
            if p.investment is not None
        ),
    )
    axis_unit = format_html(
        '<text class="axis-unit" x="{}" y="{}" text-anchor="end" font-size="11" fill="#616e7c">{}</text>',
        LEFT - 6,
        TOP - 8,
        _unit(top)[2],
    )
    months = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#616e7c">{}月</text>',
        ((x(p.month), HEIGHT - BOTTOM + 16, p.month) for p in points),
    )
    done = " ".join(f"{x(p.month)},{y(p.cumulative)}" for p in points if p.cumulative is not None)
    plan = " ".join(f"{x(p.month)},{y(p.planned)}" for p in points)
    legend_y = HEIGHT - 10
    legend = format_html(
        '<rect x="{}" y="{}" width="12" height="10" fill="{}"/><text x="{}" y="{}" font-size="12">当月完成</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"/>'
        '<text x="{}" y="{}" font-size="12">累计完成</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="5 4"/>'
        '<text x="{}" y="{}" font-size="12">时序计划</text>',
        LEFT, legend_y - 9, BAR_COLOUR, LEFT + 16, legend_y,
        LEFT + 90, legend_y - 4, LEFT + 110, legend_y - 4, DONE_COLOUR, LEFT + 114, legend_y,
        LEFT + 190, legend_y - 4, LEFT + 210, legend_y - 4, PLAN_COLOUR, LEFT + 214, legend_y,
    )  # fmt: skip
    lines = format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="5 4"/>'
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
        plan,
        PLAN_COLOUR,
        done,
        DONE_COLOUR,
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}{}{}{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        title,
        title,
        grid,
        axis_unit,
        bars,
        mark_safe(lines),
        months,
        legend,
    )
