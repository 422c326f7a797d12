"""The formula shapes (scoring.formulas) at their bounds, and a criterion's check of its formula."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from scoring.formulas import Rule, linear, per_item_bonus, per_late, points, target
from scoring.models import Criterion, Scheme
from scoring.selectors.measures import NOTHING, Value


def exactly(points_, text):
    """Points equal ``text`` to the cent, at two places (a Decimal of another scale would read differently)."""
    assert str(points_) == text


# Linear: 40 points, 0 at 60 %, full marks at 120 %.
LINEAR = {"weight": D("40"), "lower": D("60"), "upper": D("120")}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", "0.00"),
        ("59.99", "0.00"),  # below the lower bound
        ("60", "0.00"),  # at it
        ("60.01", "0.01"),  # 40 × 0.01 / 60 = 0.00667 → 0.01
        ("61", "0.67"),  # 40 / 60 = 0.6667
        ("90", "20.00"),  # halfway
        ("119.99", "39.99"),  # 40 × 59.99 / 60 = 39.9933
        ("120", "40.00"),  # at the upper bound
        ("150", "40.00"),  # above it: never more than the weight
    ],
)
def test_linear_at_below_and_above_its_bounds(value, expected):
    exactly(linear(D(value), **LINEAR), expected)


def test_linear_rounds_half_up_to_the_cent():
    # 5 × 1 / 40 = 0.125: half-up gives 0.13 where banker's rounding would give 0.12.
    exactly(linear(D("1"), weight=D("5"), lower=D("0"), upper=D("40")), "0.13")
    # 5 × 3 / 40 = 0.375 → 0.38; 5 × 0.9 / 40 = 0.1125 → 0.11.
    exactly(linear(D("3"), weight=D("5"), lower=D("0"), upper=D("40")), "0.38")
    exactly(linear(D("0.9"), weight=D("5"), lower=D("0"), upper=D("40")), "0.11")


# Target: 15 points at 100 %, 0.2 off for each percentage point below.
TARGET = {"weight": D("15"), "target": D("100"), "per_point": D("0.2")}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("100", "15.00"),  # at the target
        ("130", "15.00"),  # above it
        ("99", "14.80"),  # one point below
        ("97.25", "14.45"),  # fractions of a point in proportion: 2.75 × 0.2 = 0.55
        ("99.99", "15.00"),  # 0.002 off → 14.998 → 15.00
        ("25", "0.00"),  # 75 points below: exactly nothing left
        ("0", "0.00"),  # 100 below: 20 off a weight of 15, never below 0
    ],
)
def test_target_at_above_and_below(value, expected):
    exactly(target(D(value), **TARGET), expected)


def test_target_rounds_half_up():
    # 0.25 × 0.05 = 0.0125 off 15 → 14.9875 → 14.99
    exactly(target(D("89.95"), weight=D("15"), target=D("90"), per_point=D("0.25")), "14.99")


@pytest.mark.parametrize(
    "late, expected",
    [(0, "10.00"), (1, "8.00"), (3, "4.00"), (5, "0.00"), (6, "0.00"), (40, "0.00")],
)
def test_per_late_deducts_per_item_up_to_the_weight(late, expected):
    exactly(per_late(late, weight=D("10"), per_item=D("2")), expected)


def test_per_late_with_fractional_points():
    exactly(per_late(3, weight=D("10"), per_item=D("1.5")), "5.50")
    exactly(per_late(7, weight=D("10"), per_item=D("1.5")), "0.00")  # 10.5 off a weight of 10


@pytest.mark.parametrize("count, expected", [(0, "0.00"), (1, "1.50"), (3, "4.50"), (4, "5.00"), (9, "5.00")])
def test_per_item_bonus_is_capped_at_the_weight(count, expected):
    exactly(per_item_bonus(count, weight=D("5"), per_item=D("1.5")), expected)


def rule(formula, weight, **params):
    return Rule(formula=formula, weight=D(weight), **{k: D(v) for k, v in params.items()})


RULES = {
    "linear": rule("linear", "40", lower="60", upper="120"),
    "target": rule("target", "15", target="100", per_item="0.2"),
    "per_late": rule("per_late", "10", per_item="2"),
    "per_item_bonus": rule("per_item_bonus", "5", per_item="1"),
}


@pytest.mark.parametrize(
    "formula, expected", [("linear", "40.00"), ("target", "15.00"), ("per_late", "10.00"), ("per_item_bonus", "0.00")]
)
def test_nothing_measured_gives_full_marks_on_a_base_criterion_and_nothing_on_a_bonus(formula, expected):
    """不涉及: no plan, no item due — the subject is not marked down; a bonus is earned, never given."""
    exactly(points(RULES[formula], NOTHING), expected)
    exactly(points(RULES[formula], Value(value=None)), expected)


def test_points_reads_the_rate_for_rate_formulas_and_the_counts_for_item_formulas():
    measured = Value(value=D("90"), due=10, done=7, late=3)
    exactly(points(RULES["linear"], measured), "20.00")  # the rate 90 %
    exactly(points(RULES["target"], measured), "13.00")  # 10 points below 100 %: 2 off
    exactly(points(RULES["per_late"], measured), "4.00")  # 3 late × 2
    exactly(points(RULES["per_item_bonus"], measured), "5.00")  # 7 done × 1, capped at 5
    exactly(points(RULES["per_item_bonus"], Value(value=D("2"), due=2, done=2)), "2.00")


def test_points_of_an_unknown_formula_is_refused():
    with pytest.raises(ValueError):
        points(rule("exponential", "10"), Value(value=D("50")))


# A criterion's own check: the formula fits the measure and carries its parameters.


@pytest.fixture
def bare_scheme(weidong):
    from tests.scoring.conftest import clear_schemes

    clear_schemes(weidong, 2016)
    return Scheme.objects.create(district=weidong, year=2016, name="检查用方案")


def criterion(scheme, measure, formula, **params):
    return Criterion(
        scheme=scheme,
        name="指标",
        measure=measure,
        formula=formula,
        weight=D("10"),
        **{k: D(v) for k, v in params.items()},
    )


def errors_of(candidate):
    with pytest.raises(ValidationError) as refused:
        candidate.full_clean()
    return refused.value.message_dict


@pytest.mark.parametrize(
    "measure, formula, message",
    [
        ("investment", "per_late", "“投资完成率（占时序进度）”只能用以下计分方法：区间线性、达标满分。"),
        ("investment", "per_item_bonus", "“投资完成率（占时序进度）”只能用以下计分方法：区间线性、达标满分。"),
        ("early_milestones", "linear", "“节点提前完成”只能用以下计分方法：逐项加分。"),
        ("early_milestones", "per_late", "“节点提前完成”只能用以下计分方法：逐项加分。"),
        ("problem_closure", "per_item_bonus", "“问题按期办结率”只能用以下计分方法：区间线性、达标满分、逐项扣分。"),
    ],
)
def test_a_formula_that_does_not_fit_the_measure_is_refused(bare_scheme, measure, formula, message):
    params = {"lower": "0", "upper": "100", "target": "100", "per_item": "1"}
    assert errors_of(criterion(bare_scheme, measure, formula, **params))["formula"] == [message]


@pytest.mark.parametrize(
    "formula, params, field, message",
    [
        ("linear", {"upper": "100"}, "upper", "区间线性需要填写下限和上限。"),
        ("linear", {"lower": "60"}, "upper", "区间线性需要填写下限和上限。"),
        ("linear", {"lower": "100", "upper": "100"}, "upper", "上限应大于下限。"),
        ("linear", {"lower": "120", "upper": "60"}, "upper", "上限应大于下限。"),
        ("target", {"per_item": "0.5"}, "target", "达标满分需要填写目标值。"),
        ("target", {"target": "90"}, "per_item", "请填写大于0的每项（每个百分点）分值。"),
        ("per_late", {}, "per_item", "请填写大于0的每项（每个百分点）分值。"),
        ("per_late", {"per_item": "0"}, "per_item", "请填写大于0的每项（每个百分点）分值。"),
        ("per_late", {"per_item": "-1"}, "per_item", "请填写大于0的每项（每个百分点）分值。"),
    ],
)
def test_a_formula_without_its_parameters_is_refused(bare_scheme, formula, params, field, message):
    assert errors_of(criterion(bare_scheme, "start_rate", formula, **params))[field] == [message]


def test_a_bonus_without_its_points_per_item_is_refused(bare_scheme):
    errors = errors_of(criterion(bare_scheme, "early_milestones", "per_item_bonus"))
    assert errors == {"per_item": ["请填写大于0的每项（每个百分点）分值。"]}


@pytest.mark.parametrize(
    "measure, formula, params",
    [
        ("investment", "linear", {"lower": "60", "upper": "120"}),
        ("investment", "target", {"target": "100", "per_item": "0.5"}),
        ("start_rate", "target", {"target": "100", "per_item": "0.2"}),
        ("report_timeliness", "per_late", {"per_item": "1"}),
        ("early_milestones", "per_item_bonus", {"per_item": "1"}),
    ],
)
def test_a_fitting_criterion_passes_and_saves(bare_scheme, measure, formula, params):
    candidate = criterion(bare_scheme, measure, formula, **params)
    candidate.full_clean()
    candidate.save()
    assert Criterion.objects.get(pk=candidate.pk).formula == formula
