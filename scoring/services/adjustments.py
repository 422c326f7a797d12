"""加分/减分: points an office adds to or takes from a street or a department for one period, with
the reason; withdrawn with a reason, never deleted. Both writes take the scoring lock (the scheme's
row) and are refused once the period is frozen (定稿), so an adjustment is either inside the frozen
sheet or refused, never added after it."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from projects.choices import UnitKind
from projects.models import Street, Unit
from projects.services.audit import audited_save
from scoring.choices import SubjectKind
from scoring.models import MAX_POINTS, Adjustment, ScoreSheet
from scoring.selectors.access import may_manage
from scoring.services.freeze import lock_scheme

FROZEN = "该周期的考核结果已定稿，不能再加减分。"
STALE_ADJUSTMENT = "该加减分已被他人修改，请刷新页面后重新操作。"
HUNDREDTH = Decimal("0.01")


def period_frozen(scheme, period):
    return ScoreSheet.objects.filter(scheme=scheme, period_kind=period.kind, number=period.number).exists()


def _subject_error(scheme, subject_kind, subject):
    """Why ``subject`` cannot be scored in ``scheme`` ("" when it can): a street or a department
    (区直部门) of the scheme's district."""
    here = f"考核对象须为{scheme.district}的街道或区直部门。"
    if subject_kind == SubjectKind.STREET:
        if not isinstance(subject, Street) or subject.district_id != scheme.district_id:
            return here
    elif subject_kind == SubjectKind.UNIT:
        if not isinstance(subject, Unit) or subject.district_id != scheme.district_id:
            return here
        if subject.kind != UnitKind.DEPARTMENT:
            return f"「{subject}」不是区直部门：街道办事处按街道考核，请选择对应街道。"
    else:
        return "考核对象只能是街道或责任单位。"
    return ""


def _points_error(points):
    if not isinstance(points, Decimal) or not points.is_finite():
        return "请填写加减分分值。"
    if points == 0:
        return "加减分分值不能为0。"
    if not -MAX_POINTS <= points <= MAX_POINTS:
        return "加减分分值应在-100分到100分之间。"
    if points != points.quantize(HUNDREDTH):
        return "加减分分值最多保留两位小数。"
    return ""


def adjustment_add(*, user, scheme, period, subject_kind, subject, points, reason):
    """Add ``points`` (non-zero, −100..100, two places) to ``subject`` (a street or a department of
    the scheme's district, as ``subject_kind`` says) for ``period``, with ``reason``. Office admins
    of the district only; refused once the period is frozen. Returns the adjustment."""
    if not may_manage(user, scheme):
        raise PermissionDenied("只有本区项目办管理员可以加减分。")
    reason = (reason or "").strip()
    errors = {}
    if period.year != scheme.year:
        errors["period"] = f"考核周期须在方案年度（{scheme.year}年）内。"
    subject_error = _subject_error(scheme, subject_kind, subject)
    if subject_error:
        errors["subject"] = subject_error
    points_error = _points_error(points)
    if points_error:
        errors["points"] = points_error
    if not reason:
        errors["reason"] = "请填写加减分理由。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_scheme(scheme)
        if period_frozen(locked, period):
            raise ValidationError(FROZEN)
        adjustment = Adjustment(
            scheme=locked,
            period_kind=period.kind,
            number=period.number,
            subject_kind=subject_kind,
            street=subject if subject_kind == SubjectKind.STREET else None,
            unit=subject if subject_kind == SubjectKind.UNIT else None,
            points=points,
            reason=reason,
            created_by=user,
        )
        adjustment.full_clean(exclude=["scheme", "street", "unit", "created_by"])
        return audited_save(adjustment, user=user, reason="加减分")


def adjustment_withdraw(*, user, adjustment, reason, expected_updated_at=None):
    """Withdraw ``adjustment`` with ``reason`` (office admins of the district only). Refused when it
    is withdrawn already, when its period is frozen, or — given ``expected_updated_at``, the
    adjustment's updated_at when the page was read — when it has changed since. Returns it."""
    if not may_manage(user, adjustment.scheme):
        raise PermissionDenied("只有本区项目办管理员可以撤销加减分。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销理由。"})
    with transaction.atomic():
        locked = lock_scheme(adjustment.scheme)
        stored = Adjustment.objects.select_related("withdrawn_by").get(pk=adjustment.pk)
        if stored.withdrawn_at is not None:
            when = timezone.localtime(stored.withdrawn_at)
            raise ValidationError(f"该加减分已于 {when:%Y-%m-%d %H:%M} 撤销，不能重复撤销。")
        if expected_updated_at is not None and stored.updated_at != expected_updated_at:
            raise ValidationError(STALE_ADJUSTMENT)
        if ScoreSheet.objects.filter(scheme=locked, period_kind=stored.period_kind, number=stored.number).exists():
            raise ValidationError(FROZEN)
        stored.withdrawn_at = timezone.now()
        stored.withdrawn_by = user
        stored.withdraw_reason = reason
        stored.full_clean(exclude=["scheme", "street", "unit", "created_by", "withdrawn_by"])
        return audited_save(stored, user=user, reason=f"撤销加减分：{reason}")
