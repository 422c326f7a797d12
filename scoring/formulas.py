"""How a criterion turns a measured value into points: the formula shapes an office may choose
(scoring.choices.Formula). Pure functions of Decimals; points are rounded half-up to two places.

A subject with nothing to measure (no plan, no item due: the value is None) gets full marks on a
base criterion ("不涉及") and nothing on a bonus one."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.choices import Formula

HUNDREDTH = Decimal("0.01")
ZERO = Decimal("0")


def rounded(points):
    return Decimal(points).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    """The parameters of one criterion's formula (a Criterion or its frozen snapshot)."""

    formula: str
    weight: Decimal
    lower: Decimal | None = None
    upper: Decimal | None = None
    target: Decimal | None = None
    per_item: Decimal | None = None

    @classmethod
    def of(cls, criterion):
        return cls(
            formula=criterion.formula,
            weight=criterion.weight,
            lower=criterion.lower,
            upper=criterion.upper,
            target=criterion.target,
            per_item=criterion.per_item,
        )


def linear(value, *, weight, lower, upper):
    """0 at or below ``lower``, ``weight`` at or above ``upper``, in proportion between."""
    if value <= lower:
        return rounded(ZERO)
    if value >= upper:
        return rounded(weight)
    return rounded(weight * (value - lower) / (upper - lower))


def target(value, *, weight, target, per_point):
    """``weight`` at or above ``target``; ``per_point`` off for each percentage point below it
    (fractions of a point in proportion), never below 0."""
    if value >= target:
        return rounded(weight)
    return rounded(max(ZERO, weight - per_point * (target - value)))


def per_late(late, *, weight, per_item):
    """``per_item`` off ``weight`` for each late item, never below 0 (the deduction is capped at the weight)."""
    return rounded(max(ZERO, weight - per_item * late))


def per_item_bonus(count, *, weight, per_item):
    """``per_item`` for each item, at most ``weight``."""
    return rounded(min(weight, per_item * count))


def points(rule, value):
    """The points ``rule`` gives a measured ``value`` (scoring.selectors.measures.Value)."""
    if rule.formula == Formula.PER_ITEM_BONUS:
        return per_item_bonus(value.done or 0, weight=rule.weight, per_item=rule.per_item)
    if rule.formula == Formula.PER_LATE:
        return per_late(value.late or 0, weight=rule.weight, per_item=rule.per_item)
    if value.value is None:
        return rounded(rule.weight)
    if rule.formula == Formula.LINEAR:
        return linear(value.value, weight=rule.weight, lower=rule.lower, upper=rule.upper)
    if rule.formula == Formula.TARGET:
        return target(value.value, weight=rule.weight, target=rule.target, per_point=rule.per_item)
    raise ValueError(f"unknown formula {rule.formula!r}")
