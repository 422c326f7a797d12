"""Reads of the office's scoring rules: each formula in the words of a published rulebook, the
weights' sums the rules are held to, and the scheme's change record."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.utils import timezone

from projects.scoping import known_people
from scoring.choices import Formula, Measure, SubjectKind
from scoring.models import Applies, Criterion, Scheme
from scoring.selectors.access import visible_schemes

SCHEME_FIELDS = ("name", "level", "notes")
CRITERION_FIELDS = ("name", "measure", "applies_to", "weight", "formula", "lower", "upper", "target", "per_item")
CRITERION_FIELDS += ("sort_order",)


def base_weights(criteria, kind):
    """The sum of the base (non-bonus) weights of ``criteria`` that apply to ``kind``."""
    return sum(
        (c.weight or 0 for c in criteria if c.formula != Formula.PER_ITEM_BONUS and c.applies(kind)),
        Decimal("0"),
    )


def number(value):
    """A Decimal without trailing zeros: 60.00 → "60", 0.50 → "0.5"; "" for None."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rule_text(criterion):
    """The criterion's scoring rule in words (scoring.formulas)."""
    weight = number(criterion.weight)
    if criterion.formula == Formula.LINEAR:
        return (
            f"{number(criterion.lower)}%及以下得0分，{number(criterion.upper)}%及以上得满分{weight}分，其间按比例计分"
        )
    if criterion.formula == Formula.TARGET:
        per_point = number(criterion.per_item)
        return f"达到{number(criterion.target)}%得满分{weight}分，每低1个百分点扣{per_point}分，扣完为止"
    if criterion.formula == Formula.PER_LATE:
        return f"满分{weight}分，每个逾期（未完成）事项扣{number(criterion.per_item)}分，扣完为止"
    if criterion.formula == Formula.PER_ITEM_BONUS:
        return f"每项加{number(criterion.per_item)}分，最多加{weight}分"
    return Formula(criterion.formula).label


@dataclass(frozen=True)
class RuleRow:
    criterion: Criterion
    measure: str
    applies_to: str
    rule: str

    @property
    def is_bonus(self):
        return self.criterion.is_bonus


def rulebook(scheme):
    """The scheme's criteria in order, each with its measure, subjects and formula in words; and the
    base weights per kind ({kind label: sum}) and the bonus caps' sum."""
    criteria = list(scheme.criteria.order_by("sort_order", "id"))
    rows = [
        RuleRow(
            criterion=c,
            measure=Measure(c.measure).label,
            applies_to=Applies(c.applies_to).label,
            rule=rule_text(c),
        )
        for c in criteria
    ]
    totals = {SubjectKind(kind).label: base_weights(criteria, kind) for kind in SubjectKind.values}
    bonus = sum((c.weight for c in criteria if c.is_bonus), Decimal("0"))
    return rows, totals, bonus


@dataclass(frozen=True)
class SchemeChange:
    when: object
    who: str
    text: str


def _shown(field, value):
    if field.name == "level" and value == "":
        return "全部清单"
    if value is None or value == "":
        return "（空）"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def person_name(users, user_id, *, nobody=""):
    """The name of user ``user_id`` from ``users`` (those the viewer may read, by id); "其他用户" for
    someone outside them, ``nobody`` for no one."""
    if user_id is None:
        return nobody
    person = users.get(user_id)
    return (person.get_full_name() or person.username) if person is not None else "其他用户"


def scheme_changes(*, user, scheme, limit=20):
    """The scheme's latest recorded changes, newest first: who (named where the user may read the
    person: scoping.known_people), when and what ("投资完成 分值 40.00 → 35.00"). Three queries."""
    raw = []
    for model, records in (
        (Scheme, Scheme.history.filter(id=scheme.pk)),
        (Criterion, Criterion.history.filter(scheme_id=scheme.pk)),
    ):
        previous = {}
        for record in records.order_by("id", "history_date", "history_id"):
            raw.append((model, record, previous.get(record.id)))
            previous[record.id] = record
    raw.sort(key=lambda item: (item[1].history_date, item[1].history_id), reverse=True)
    lines = []
    for model, record, before in raw:
        text = _change_text(model, record, before)
        if text:
            lines.append((record, text))
        if len(lines) == limit:
            break
    ids = {record.history_user_id for record, _ in lines if record.history_user_id}
    users = {u.pk: u for u in get_user_model().objects.filter(known_people(user), pk__in=ids)} if ids else {}
    return [
        SchemeChange(
            timezone.localtime(record.history_date), person_name(users, record.history_user_id, nobody="系统"), text
        )
        for record, text in lines
    ]


def _change_text(model, record, before):
    if model is Scheme:
        if record.history_type == "+":
            return f"新建方案「{record.name}」"
        if before is None:
            return ""
        fields = [Scheme._meta.get_field(name) for name in SCHEME_FIELDS]
        prefix = "方案"
    else:
        if record.history_type == "+":
            return f"新增指标「{record.name}」，分值 {record.weight:.2f}"
        if record.history_type == "-":
            return f"删除指标「{record.name}」"
        if before is None:
            return ""
        fields = [Criterion._meta.get_field(name) for name in CRITERION_FIELDS]
        prefix = before.name
    parts = []
    for field in fields:
        old, new = getattr(before, field.attname), getattr(record, field.attname)
        if old != new:
            parts.append(f"{field.verbose_name} {_shown(field, old)} → {_shown(field, new)}")
    return f"{prefix} {'；'.join(parts)}" if parts else ""


def _base_sum(kind):
    applies = Q(criteria__applies_to__in=["both", kind]) & ~Q(criteria__formula=Formula.PER_ITEM_BONUS)
    return Sum("criteria__weight", filter=applies)


def scheme_list(*, user):
    """The schemes of the districts the user may read, newest year first, with their criteria count
    and each kind's base weights (street_base, unit_base) summed in the query."""
    return (
        visible_schemes(user)
        .select_related("district")
        .annotate(criteria_count=Count("criteria"), street_base=_base_sum("street"), unit_base=_base_sum("unit"))
        .order_by("-year", "district__code")
    )
