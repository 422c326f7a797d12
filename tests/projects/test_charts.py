"""The server-drawn SVG chart: one unit on the whole axis."""

import re
from decimal import Decimal

from projects.charts import monthly_chart
from projects.selectors.dashboard import MonthPoint


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
