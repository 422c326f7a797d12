"""Writes to the office's scoring rules (考核方案): creating a district's scheme for a year, and
changing it with its criteria in one step — every criterion valid, names unique, each kind's base
weights adding up to 100, never over a change someone else saved meanwhile. Frozen periods
(ScoreSheet) keep the scheme they used, so nothing here touches them."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.roles import is_office_admin
from projects.choices import Level
from projects.models import FIRST_YEAR, LAST_YEAR
from projects.scoping import office_districts
from projects.services.audit import audited_save
from scoring.choices import Formula, Measure, SubjectKind
from scoring.models import MAX_POINTS, Criterion, Scheme
from scoring.selectors.access import may_manage
from scoring.selectors.schemes import CRITERION_FIELDS, SCHEME_FIELDS, base_weights
from scoring.services.freeze import lock_scheme

FULL_MARKS = Decimal("100")
STALE_SCHEME = "该方案已被他人修改，请刷新页面后重新编辑。"
# The parameters each formula reads (scoring.models.Criterion); the others are cleared on save, so a
# rule never carries a number it does not use.
PARAMETERS = {
    Formula.LINEAR: ("lower", "upper"),
    Formula.TARGET: ("target", "per_item"),
    Formula.PER_LATE: ("per_item",),
    Formula.PER_ITEM_BONUS: ("per_item",),
}
ALL_PARAMETERS = ("lower", "upper", "target", "per_item")


@dataclass(frozen=True)
class CriterionInput:
    """One criterion as the scheme's form gives it: ``id`` None for a new one."""

    id: int | None
    name: str
    measure: str
    applies_to: str
    weight: Decimal | None
    formula: str
    lower: Decimal | None = None
    upper: Decimal | None = None
    target: Decimal | None = None
    per_item: Decimal | None = None
    sort_order: int = 0


class SchemeConflict(ValidationError):
    """The scheme changed after the form was opened: nothing was saved."""

    def __init__(self):
        super().__init__(STALE_SCHEME, code="conflict")


class CriteriaInvalid(ValidationError):
    """Some criteria break the rules; nothing was saved. ``rows`` maps a criterion's position in the
    list given to {field: [messages]}; the messages themselves name each row, for any caller."""

    def __init__(self, messages, *, rows):
        super().__init__(messages)
        self.rows = rows


def _clean_text(value):
    return (value or "").strip()


def _validated_scheme(scheme):
    """Run the scheme's own validation, its field messages Chinese; raise ValidationError."""
    scheme.name = _clean_text(scheme.name)
    scheme.notes = _clean_text(scheme.notes)
    errors = {}
    if not scheme.name:
        errors["name"] = "请填写方案名称。"
    if scheme.level not in ("", *Level.values):
        errors["level"] = "考核范围只能是某一级清单，或留空表示全部清单。"
    if errors:
        raise ValidationError(errors)
    scheme.full_clean(validate_unique=False, validate_constraints=False)


# --- creating ------------------------------------------------------------------------------------


def scheme_create(*, user, district, year, name, level, notes, copy_previous):
    """Create ``district``'s scheme for ``year`` (office admins of the district only); with
    ``copy_previous`` its criteria are copies of the district's scheme of the year before, which
    must exist. Refused, nothing written, when the district already has a scheme that year."""
    if not is_office_admin(user) or not office_districts(user).filter(pk=district.pk).exists():
        raise PermissionDenied("只有本区项目办管理员可以新建考核方案。")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": f"年度应在{FIRST_YEAR}年到{LAST_YEAR}年之间。"})
    duplicate = ValidationError({"year": f"{district}{year}年已有考核方案，不能重复新建；请打开该方案修改。"})
    with transaction.atomic():
        if Scheme.objects.filter(district=district, year=year).exists():
            raise duplicate
        previous = None
        if copy_previous:
            previous = Scheme.objects.filter(district=district, year=year - 1).first()
            if previous is None:
                raise ValidationError(
                    {
                        "copy_previous": f"{district}没有{year - 1}年度的考核方案，无法复制指标。"
                        "请取消勾选后新建，再逐项添加指标。"
                    }
                )
        scheme = Scheme(district=district, year=year, name=name, level=level or "", notes=notes)
        _validated_scheme(scheme)
        try:
            with transaction.atomic():  # two admins creating the same year at once: one gets the message
                audited_save(scheme, user=user, reason="新建考核方案")
        except IntegrityError:
            raise duplicate from None
        if previous is not None:
            reason = f"复制{previous}的指标"
            for source in previous.criteria.order_by("sort_order", "id"):
                copy = Criterion(scheme=scheme, **{field: getattr(source, field) for field in CRITERION_FIELDS})
                copy.full_clean()
                audited_save(copy, user=user, reason=reason)
    return scheme


# --- changing ------------------------------------------------------------------------------------


def _row_label(position, name):
    return f"第{position + 1}项指标「{name}」" if name else f"第{position + 1}项指标"


def _criteria_errors(criteria):
    """{position: {field: [messages]}} of the criteria (unsaved Criterion rows) that break a rule."""
    rows = {}
    seen = {}
    for position, criterion in enumerate(criteria):
        errors = {}
        if not criterion.name:
            errors["name"] = ["请填写指标名称。"]
        elif criterion.name in seen:
            errors["name"] = [f"指标名称「{criterion.name}」与第{seen[criterion.name] + 1}项重复。"]
        else:
            seen[criterion.name] = position
        if criterion.measure not in Measure.values:
            errors["measure"] = ["没有这个考核内容。"]
        if criterion.formula not in Formula.values:
            errors["formula"] = ["没有这个计分方法。"]
        if criterion.weight is None:
            errors["weight"] = ["请填写分值。"]
        elif not Decimal("0") < criterion.weight <= MAX_POINTS:
            errors["weight"] = ["分值应大于0分且不超过100分。"]
        if "measure" in errors or "formula" in errors:
            rows[position] = errors  # Criterion.clean reads both as valid choices
            continue
        try:
            # The field checks and Criterion.clean (the formula fits the measure and has its
            # parameters); the names' uniqueness is checked above, over the new list.
            criterion.full_clean(exclude=["scheme", *errors], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
        if errors:
            rows[position] = errors
    return rows


def _weights_errors(criteria):
    messages = []
    for kind in SubjectKind.values:
        total = base_weights(criteria, kind)
        if total != FULL_MARKS:
            messages.append(f"{SubjectKind(kind).label}的基本分指标合计应为100分，现为{total:.2f}分。")
    return messages


def _apply(criterion, data):
    for field in CRITERION_FIELDS:
        setattr(criterion, field, getattr(data, field))
    criterion.name = _clean_text(criterion.name)
    for field in ALL_PARAMETERS:
        if field not in PARAMETERS.get(criterion.formula, ALL_PARAMETERS):
            setattr(criterion, field, None)
    return criterion


def _values(criterion):
    return tuple(getattr(criterion, field) for field in CRITERION_FIELDS)


def scheme_update(*, user, scheme, fields, criteria, expected_updated_at):
    """Save ``scheme``'s ``fields`` (name, level, notes) and its criteria: ``criteria`` (a list of
    CriterionInput) is the whole new list — rows with an id change that criterion, rows without
    one are added, criteria left out are deleted (frozen sheets keep their own copy).

    Office admins of the district only. Under the scoring lock, and refused with SchemeConflict
    when the scheme's updated_at is no longer ``expected_updated_at`` (every save moves it, even
    one that changes only criteria); with CriteriaInvalid or ValidationError when a rule is broken.
    Nothing is written unless everything holds. Every change is recorded in the history with
    ``user``."""
    unknown = set(fields) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"scheme_update() cannot change {', '.join(sorted(unknown))}")
    if not may_manage(user, scheme):
        raise PermissionDenied("只有本区项目办管理员可以修改考核方案。")
    with transaction.atomic():
        locked = lock_scheme(scheme)
        if locked.updated_at != expected_updated_at:
            raise SchemeConflict()
        for field, value in fields.items():
            setattr(locked, field, value)
        _validated_scheme(locked)

        stored = {c.pk: c for c in locked.criteria.all()}
        stored_values = {pk: _values(c) for pk, c in stored.items()}
        stored_names = {pk: c.name for pk, c in stored.items()}
        rows, given = [], {}
        missing = {}
        for position, data in enumerate(criteria):
            if data.id is None:
                rows.append(_apply(Criterion(scheme=locked), data))
            elif data.id in stored and data.id not in given:
                given[data.id] = position
                rows.append(_apply(stored[data.id], data))
            else:
                missing[position] = {"name": ["该指标已不存在（可能已被他人删除），请刷新页面后重新编辑。"]}
                rows.append(_apply(Criterion(scheme=locked), data))
        row_errors = {**_criteria_errors(rows), **missing}
        if row_errors:
            messages = [
                f"{_row_label(position, rows[position].name)}：{message}"
                for position, errors in sorted(row_errors.items())
                for field_messages in errors.values()
                for message in field_messages
            ]
            raise CriteriaInvalid(messages, rows=row_errors)
        weights = _weights_errors(rows)
        if weights:
            raise ValidationError(weights)

        reason = "修改考核方案"
        for pk in set(stored) - set(given):
            removed = stored[pk]
            removed._history_user, removed._change_reason = user, reason
            removed.delete()
        changed = [c for c in rows if c.pk is not None and _values(c) != stored_values[c.pk]]
        if any(c.name != stored_names[c.pk] for c in changed):
            # Names may move between rows (A → B, B → A): free the old ones first, outside the
            # history, whose next row records the real change.
            final = {c.pk: c.name for c in changed}
            for criterion in changed:
                if criterion.name != stored_names[criterion.pk]:
                    criterion.name = f"（改名中{criterion.pk}-{uuid.uuid4().hex[:8]}）"
                    criterion.save_without_historical_record(update_fields=["name"])
            for criterion in changed:
                criterion.name = final[criterion.pk]
        for criterion in changed:
            audited_save(criterion, user=user, reason=reason)
        for criterion in rows:
            if criterion.pk is None:
                audited_save(criterion, user=user, reason=reason)
        # Always saved: its updated_at is what the next form's save is checked against.
        audited_save(locked, user=user, reason=reason)
    return locked
