"""Freezing a period's scores (定稿): once every month of the period is closed (锁定) in the scheme's
district, the office stores the scores of every street and unit with the scheme they used; the
ranking of that period is read from the store from then on (scoring.selectors.scores.ranking)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects import clock
from projects.models import ClosedMonth
from projects.selectors.timeliness import report_due
from scoring.models import Scheme, ScoreSheet
from scoring.selectors.access import may_manage
from scoring.selectors.scores import frozen_content


def lock_scheme(scheme):
    """The scoring lock: the scheme's row, held until the transaction ends. Editing the scheme,
    adding or withdrawing an adjustment and freezing a period of it take it, so none of them acts on
    what another is changing."""
    return Scheme.objects.select_for_update().get(pk=scheme.pk)


def open_months(scheme, period):
    """The months of ``period`` the scheme's district has not closed yet."""
    closed = ClosedMonth.objects.filter(district_id=scheme.district_id, year=scheme.year, month__in=period.months)
    closed = set(closed.values_list("month", flat=True))
    return [month for month in period.months if month not in closed]


def sheet_freeze(*, user, scheme, period, today=None):
    """Freeze ``period`` of ``scheme``: refused unless the user manages the district, the period is
    of the scheme's year, every month of it is closed, the reports of its last month were due
    before today (a report still missing then is late for good), and it is not frozen yet."""
    if not may_manage(user, scheme):
        raise PermissionDenied("只有本区项目办管理员可以定稿。")
    if period.year != scheme.year:
        raise ValidationError(f"考核周期须在方案年度（{scheme.year}年）内。")
    with transaction.atomic():
        scheme = lock_scheme(scheme)
        if ScoreSheet.objects.filter(scheme=scheme, period_kind=period.kind, number=period.number).exists():
            raise ValidationError(f"{period.label}的考核结果已经定稿，不能重复定稿。")
        still_open = open_months(scheme, period)
        if still_open:
            months = "、".join(f"{m}月" for m in still_open)
            raise ValidationError(f"{months}尚未锁定，{period.label}的考核结果还不能定稿。")
        due = report_due(period.year, period.end_month)
        today = today or clock.today()
        if due.date >= today:
            raise ValidationError(
                f"{period.end_month}月报表的报送截止日（{due.date:%Y-%m-%d}）还未过，"
                f"{period.label}的报送及时率尚未确定，请截止日之后再定稿。"
            )
        snapshot, rows = frozen_content(scheme, period, today=today)
        try:
            with transaction.atomic():
                return ScoreSheet.objects.create(
                    scheme=scheme,
                    period_kind=period.kind,
                    number=period.number,
                    scheme_snapshot=snapshot,
                    rows=rows,
                    frozen_by=user,
                    frozen_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(f"{period.label}的考核结果已经定稿，不能重复定稿。") from None
