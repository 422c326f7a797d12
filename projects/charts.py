"""Charts drawn on the server as SVG: no script, no remote assets, and no style attributes
(colours are presentation attributes, so the Content Security Policy holds)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Frame:
    """The drawing's size, margins and type size, in the SVG's own units."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int  # axis labels
    legend_font: int
    month_suffix: str  # "1月" where there is room, "1" on a phone


# A desktop card is ~700 px wide: the wide frame is drawn near 1:1. A phone's card is ~330 px: the
# compact frame is scaled to ~0.9, so its 13-unit text still reads at ≥ 11 px.
WIDE = Frame(720, 300, 64, 16, 20, 44, 11, 12, "月")
COMPACT = Frame(360, 276, 50, 8, 30, 50, 13, 13, "")
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


def monthly_chart(points, *, title="月度投资（万元）", compact=False):
    """Bars: investment per month; red line: cumulative; grey dashed line: the time-proportional plan.
    ``compact``: the phone's drawing (COMPACT frame), marked class chart-compact; else chart-wide."""
    frame = COMPACT if compact else WIDE
    top = _nice_ceiling(max([p.planned for p in points] + [p.cumulative or 0 for p in points] + [Decimal(0)]))
    plot_w, plot_h = frame.width - frame.left - frame.right, frame.height - frame.top - frame.bottom
    slot = Decimal(plot_w) / 12

    def x(month):
        return f"{frame.left + slot * (month - 1) + slot / 2:.1f}"

    def y(value):
        return f"{frame.top + plot_h - (Decimal(value) / top) * plot_h:.1f}"

    def shifted(coordinate, delta):
        return f"{Decimal(coordinate) + Decimal(delta):.1f}"

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d9e2ec"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="#616e7c">{}</text>',
        (
            (
                frame.left,
                y(top * i / 4),
                frame.width - frame.right,
                y(top * i / 4),
                frame.left - 6,
                shifted(y(top * i / 4), 4),
                frame.font,
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
        '<text class="axis-unit" x="{}" y="{}" text-anchor="{}" font-size="{}" fill="#616e7c">{}</text>',
        frame.left - 6 if not compact else 2,
        frame.top - 8,
        "end" if not compact else "start",
        frame.font,
        _unit(top)[2],
    )
    month_y = frame.height - frame.bottom + frame.font + 5
    months = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="{}" fill="#616e7c">{}{}</text>',
        ((x(p.month), month_y, frame.font, p.month, frame.month_suffix) for p in points),
    )
    done = " ".join(f"{x(p.month)},{y(p.cumulative)}" for p in points if p.cumulative is not None)
    plan = " ".join(f"{x(p.month)},{y(p.planned)}" for p in points)
    left, legend_y, step, size = frame.left, frame.height - 10, frame.legend_font * 4 + 42, frame.legend_font
    legend = format_html(
        '<rect x="{}" y="{}" width="12" height="10" fill="{}"/><text x="{}" y="{}" font-size="{}">当月完成</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"/>'
        '<text x="{}" y="{}" font-size="{}">累计完成</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="5 4"/>'
        '<text x="{}" y="{}" font-size="{}">时序计划</text>',
        left, legend_y - 9, BAR_COLOUR, left + 16, legend_y, size,
        left + step, legend_y - 4, left + step + 20, legend_y - 4, DONE_COLOUR, left + step + 24, legend_y, size,
        left + 2 * step, legend_y - 4, left + 2 * step + 20, legend_y - 4, PLAN_COLOUR, left + 2 * step + 24, legend_y,
        size,
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
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}{}{}{}{}{}</svg>",
        "chart-compact" if compact else "chart-wide",
        frame.width,
        frame.height,
        title,
        title,
        grid,
        axis_unit,
        bars,
        mark_safe(lines),
        months,
        legend,
    )
