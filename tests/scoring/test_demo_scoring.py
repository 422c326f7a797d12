"""The scoring part of the demo: 卫东区's 2015 scheme, September's two adjustments, August and the
second quarter frozen by the service; and README's September ranking, which is the command's output
on the demo word for word."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from scoring.choices import Formula, Measure
from scoring.devdata import load_scoring_demo
from scoring.models import Adjustment, Scheme, ScoreSheet
from scoring.periods import ScorePeriod
from scoring.selectors.scores import frozen_content, ranking
from tests.scoring.conftest import TODAY

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"
COMMAND = "score_ranking --year 2015 --period month-9 --region 410403"
SEPTEMBER = ScorePeriod("month", 2015, 9)


@pytest.fixture
def demo_scheme(weidong):
    return Scheme.objects.get(district=weidong, year=2015)


def test_the_demo_scheme_scores_every_list_out_of_100_with_a_5_point_bonus(demo_scheme):
    assert demo_scheme.name == "卫东区2015年重点项目建设考核办法" and demo_scheme.level == ""
    criteria = list(demo_scheme.criteria.all())
    for kind in ("street", "unit"):
        base = [c for c in criteria if c.applies(kind) and not c.is_bonus]
        assert sum(c.weight for c in base) == Decimal("100")
    (bonus,) = [c for c in criteria if c.is_bonus]
    assert (bonus.measure, bonus.weight) == (Measure.EARLY_MILESTONES, Decimal("5"))
    heaviest = max(criteria, key=lambda c: c.weight)
    assert (heaviest.measure, heaviest.formula, heaviest.lower, heaviest.upper) == (
        Measure.INVESTMENT,
        Formula.LINEAR,
        Decimal("80"),
        Decimal("140"),
    )
    formulas = {c.measure: c.formula for c in criteria}
    assert formulas[Measure.START_RATE] == formulas[Measure.APPROVAL_RATE] == Formula.TARGET
    assert {formulas[m] for m in (Measure.PROBLEM_CLOSURE, Measure.TASK_CLOSURE, Measure.REPORT_TIMELINESS)} == {
        Formula.PER_LATE
    }
    for criterion in criteria:
        criterion.full_clean()


def test_september_has_a_streets_bonus_and_a_departments_deduction(demo_scheme, users, settings):
    settings.KP_TODAY = TODAY
    adjustments = list(Adjustment.objects.filter(scheme=demo_scheme))
    assert [(a.period_kind, a.number, a.withdrawn_at) for a in adjustments] == [("month", 9, None)] * 2
    assert all(a.created_by == users["admin"] and len(a.reason) > 20 for a in adjustments)
    street, unit = sorted(adjustments, key=lambda a: a.subject_kind)
    assert (street.subject_kind, street.street.name, street.points) == ("street", "北环路街道", Decimal("2"))
    assert (unit.subject_kind, unit.unit.name, unit.points) == ("unit", "区国土资源局", Decimal("-2"))
    streets = ranking(scheme=demo_scheme, period=SEPTEMBER, kind="street")
    assert streets.row(street.street_id).adjustment == Decimal("2.00")
    assert not streets.frozen


@pytest.mark.parametrize(
    "period, day", [(ScorePeriod("month", 2015, 8), "2015-09-28"), (ScorePeriod("quarter", 2015, 2), "2015-07-28")]
)
def test_august_and_the_second_quarter_are_frozen_as_the_service_computes_them(demo_scheme, users, period, day):
    sheet = ScoreSheet.objects.get(scheme=demo_scheme, period_kind=period.kind, number=period.number)
    assert sheet.frozen_by == users["admin"] and sheet.frozen_at.date().isoformat() == day
    snapshot, rows = frozen_content(demo_scheme, period, today=sheet.frozen_at.date())
    assert (sheet.scheme_snapshot, sheet.rows) == (snapshot, rows)
    assert ranking(scheme=demo_scheme, period=period, kind="unit").frozen


def test_a_second_load_creates_nothing(demo_scheme):
    assert not load_scoring_demo()
    assert Scheme.objects.filter(district=demo_scheme.district).count() == 1


def test_the_readme_shows_the_commands_september_ranking_on_the_demo(demo_scheme, settings):
    settings.KP_TODAY = TODAY  # make run's day
    out = io.StringIO()
    call_command(*COMMAND.split(), stdout=out)
    match = re.search(
        re.escape(COMMAND) + r"`\n[^\n]*\n\n```text\n(.*?)\n```", README.read_text(encoding="utf-8"), re.S
    )
    assert match, "README's 考核 section has lost the command's September ranking"
    assert match.group(1) == out.getvalue().rstrip("\n")
    assert "北环路街道" in match.group(1) and "区财政局" in match.group(1)
