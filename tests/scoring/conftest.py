"""Scoring's test scenario: a 2015 scheme for 卫东区 the tests know (whatever the demo's own is)."""

import datetime
from decimal import Decimal

import pytest

from projects.models import Region
from scoring.models import Adjustment, Criterion, Scheme, ScoreSheet

# The demo's "today": after the September reports, before their due day.
TODAY = datetime.date(2015, 10, 20)

CRITERIA = [
    # name, measure, weight, formula, parameters
    ("投资完成", "investment", "40", "linear", {"lower": "60", "upper": "120"}),
    ("新开工", "start_rate", "15", "target", {"target": "100", "per_item": "0.2"}),
    ("前期手续", "approval_rate", "15", "target", {"target": "90", "per_item": "0.5"}),
    ("问题办结", "problem_closure", "10", "per_late", {"per_item": "2"}),
    ("交办事项", "task_closure", "10", "per_late", {"per_item": "1"}),
    ("报送及时", "report_timeliness", "10", "per_late", {"per_item": "1"}),
    ("节点提前", "early_milestones", "5", "per_item_bonus", {"per_item": "1"}),
]


def clear_schemes(district, year):
    """Remove a district's scheme of ``year`` with its sheets and adjustments (the demo's, say)."""
    ScoreSheet.objects.filter(scheme__district=district, scheme__year=year).delete()
    Adjustment.objects.filter(scheme__district=district, scheme__year=year).delete()
    Scheme.objects.filter(district=district, year=year).delete()


def build_scheme(district, year=2015, criteria=CRITERIA, **fields):
    clear_schemes(district, year)
    scheme = Scheme.objects.create(district=district, year=year, name=fields.pop("name", "重点项目考核办法"), **fields)
    for order, (name, measure, weight, formula, params) in enumerate(criteria, start=1):
        Criterion.objects.create(
            scheme=scheme,
            name=name,
            measure=measure,
            weight=Decimal(weight),
            formula=formula,
            sort_order=order,
            **{key: Decimal(value) for key, value in params.items()},
        )
    return scheme


@pytest.fixture
def weidong(demo):
    return Region.objects.get(code="410403")


@pytest.fixture
def scheme(weidong):
    """卫东区's 2015 scheme of CRITERIA (base weights 100, a 5-point bonus), in place of the demo's."""
    return build_scheme(weidong)
