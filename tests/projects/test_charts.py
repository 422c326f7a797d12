"""The server-drawn SVG chart: one unit on the whole axis."""

import re
from decimal import Decimal

from projects.charts import monthly_chart
from projects.selectors.figures import MonthPoint


def axis_labels(svg):
    return re.findall(r">([\d,.]+亿?)</text>", str(svg))


def points(plan):
    return [
        MonthPoint(month=m, investment=plan / 12, cumulative=plan * m / 12, planned=plan * m / 12) for m in range(1, 13)
    ]


def test_an_axis_reaching_one_yi_labels_every_tick_in_yi():
    labels = axis_labels(monthly_chart(points(Decimal(15000))))
    assert labels and all(label.endswith("亿") for label in labels)
    assert "0.5亿" in labels and "5,000" not in labels


def test_a_small_axis_stays_in_wan_yuan():
    labels = axis_labels(monthly_chart(points(Decimal(4800))))
    assert labels and not any("亿" in label for label in labels)


def axis_unit(svg):
    return re.findall(r'<text [^>]*class="axis-unit"[^>]*>([^<]+)</text>', str(svg))


def test_an_empty_year_draws_zero_to_a_round_top_in_wan_yuan():
    empty = [MonthPoint(month=m, investment=None, cumulative=None, planned=Decimal(0)) for m in range(1, 13)]
    labels = axis_labels(monthly_chart(empty))
    assert labels == ["0", "25", "50", "75", "100"]  # bottom to top, each different
    assert axis_unit(monthly_chart(empty)) == ["万元"]


def test_every_tick_reads_its_own_value_and_the_axis_names_its_unit():
    for plan, unit in ((4800, "万元"), (15000, "亿元"), (9000, "亿元"), (3, "万元")):
        svg = monthly_chart(points(Decimal(plan)))
        labels = axis_labels(svg)
        assert len(labels) == len(set(labels)) == 5, labels
        assert axis_unit(svg) == [unit]
    assert axis_labels(monthly_chart(points(Decimal(9000)))) == ["0.00亿", "0.25亿", "0.50亿", "0.75亿", "1.00亿"]
