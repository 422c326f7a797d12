"""Writes on monthly reports: save as draft or submit, return, close a month.

Every save claims the version the user started from; a save that started from an older
version is refused with what the other person saved (no silent overwrite).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from accounts.roles import is_office_admin
from projects.choices import ReportStatus
from projects.models import ClosedMonth, Listing, MonthlyReport
from projects.periods import Period
from projects.selectors.figures import ZERO, counted_reports
from projects.selectors.reporting import latest_closed_month, month_is_closed, report_actions
from projects.services.audit import audited_save
from projects.services.errors import NeedsConfirmation, PermissionDenied, ReportConflict, ValidationError
from projects.services.locks import lock_month_closing, lock_reporting_month
from projects.services.photos import check_photo_count, delete_stored, photo_add
from projects.services.problems import problem_create


@dataclass
class ProblemInput:
    description: str
    kind: str
    unit: object = None
    raised_on: date | None = None  # 发现日期; the service's default when None
    deadline: date | None = None


@dataclass
class ReportInput:
    investment: Decimal
    progress: str
    problems: list = field(default_factory=list)  # of ProblemInput
    milestones: dict = field(default_factory=dict)  # Milestone -> date reached
    photos: list = field(default_factory=list)  # of photos.CheckedPhoto


# 形象进度 is a short narrative; this many characters still print whole in the progress table's cell.
PROGRESS_MAX_CHARS = 400


def report_warnings(*, listing, month, investment, exclude_report=None):
    """Legal but suspicious values that the user must confirm, in Chinese."""
    warnings = []
    project = listing.project
    others = counted_reports().filter(listing__project=project)
    if exclude_report is not None:
        others = others.exclude(pk=exclude_report.pk)
    done_before = others.aggregate(total=Sum("investment"))["total"] or ZERO
    remaining = project.total_investment - done_before
    if project.total_investment > 0 and investment > remaining:
        warnings.append(
            f"本月完成投资 {investment:,.2f} 万元超过项目剩余总投资 {max(remaining, ZERO):,.2f} 万元"
            f"（总投资 {project.total_investment:,.2f} 万元，已完成 {done_before:,.2f} 万元）。"
        )
    earlier = others.filter(listing=listing, month__lt=month).aggregate(
        total=Sum("investment"), largest=Max("investment")
    )
    year_before, largest = earlier["total"] or ZERO, earlier["largest"] or ZERO
    cumulative = year_before + investment
    ratio = settings.KP_CUMULATIVE_WARNING_RATIO
    if listing.annual_plan > 0 and cumulative > listing.annual_plan * ratio:
        warnings.append(
            f"1-{month}月累计 {cumulative:,.2f} 万元，超过年度计划 {listing.annual_plan:,.2f} 万元的 {ratio:.0%}。"
        )
    # A slipped digit (3,000 typed for 300) stands out against the project's own earlier months.
    jump = settings.KP_MONTH_JUMP_RATIO
    if largest > 0 and investment > largest * jump:
        warnings.append(
            f"本月完成投资 {investment:,.2f} 万元超过本年此前单月最高 {largest:,.2f} 万元的 {jump:g} 倍，"
            "请核对是否多输了一位数。"
        )
    elif (
        largest == 0
        and listing.annual_plan > 0
        and investment > listing.annual_plan * settings.KP_FIRST_MONTH_PLAN_SHARE
    ):
        warnings.append(
            f"本年此前各月没有完成投资，本月 {investment:,.2f} 万元超过年度计划 {listing.annual_plan:,.2f} 万元的"
            f" {settings.KP_FIRST_MONTH_PLAN_SHARE:.0%}，请核对。"
        )
    return warnings


def problem_date_default(year, month):
    """发现日期 of a problem logged with a month's report: the month's last day (today, for the
    month still running)."""
    return min(Period(year, month).last_day, timezone.localdate())


def _check_may_report(user, listing):
    if not Listing.objects.kept_by(user).filter(pk=listing.pk).exists():
        raise PermissionDenied("您不能填报该项目。")


def _correction_reason(actions, listing, month, correction_reason):
    """A change to a closed month, or to a report already submitted, is a correction: only an
    admin may make it, and only with a reason. Returns the reason ("" when not a correction)."""
    if not actions.correction:
        return ""
    if not actions.admin:
        if actions.closed:
            raise ValidationError(f"{listing.year}年{month}月已锁定，不能再修改；如需更正，请联系项目办管理员。")
        raise ValidationError("该月已报送，不能修改；如需更正，请项目办退回后再改。")
    reason = (correction_reason or "").strip()
    if not reason:
        what = f"{listing.year}年{month}月已锁定" if actions.closed else "该月已报送"
        raise ValidationError({"correction_reason": f"{what}，更正须填写更正原因。"})
    return f"{'已锁定月份' if actions.closed else '已报送填报'}更正：{reason}"


def _check_month_has_begun(year, month):
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValidationError(f"{year}年{month}月还没有到，不能填报。")


def _validate(data, submit):
    errors = {}
    if data.investment is None or data.investment < 0:
        errors["investment"] = "本月完成投资不能为负数。"
    elif data.investment > settings.KP_MAX_MONTHLY_INVESTMENT:
        errors["investment"] = (
            f"本月完成投资不能超过 {settings.KP_MAX_MONTHLY_INVESTMENT:,.0f} 万元，请核对单位（万元）。"
        )
    if submit and not (data.progress or "").strip():
        errors["progress"] = "报送前请填写形象进度。"
    elif len((data.progress or "").strip()) > PROGRESS_MAX_CHARS:
        errors["progress"] = f"形象进度请写在 {PROGRESS_MAX_CHARS} 字以内（进展表的一格打印得下）。"
    if errors:
        raise ValidationError(errors)


def _claim(report, version):
    """Move the stored version from ``version`` to the next; refuse if someone saved in between."""
    # No data_changed here (QuerySet.update sends no signal): no figure reads the version, and the
    # report's save that follows in the same transaction renews the data version (projects.freshness).
    claimed = MonthlyReport.objects.filter(pk=report.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise ReportConflict(MonthlyReport.objects.select_related("reported_by").get(pk=report.pk))
    report.version = version + 1


def report_save(*, user, listing, month, data, version, submit, confirmed=False, correction_reason=""):
    """Save the month's report of ``listing`` as a draft, or submit it.

    ``version`` is the version the form was opened at (0 for a report that did not exist).
    Raises PermissionDenied, ValidationError, NeedsConfirmation or ReportConflict; on any of
    them nothing is written. The returned report's ``was_correction`` says whether the save was a
    correction (an admin's change to a submitted report or to a closed month).
    """
    _check_may_report(user, listing)
    if not 1 <= month <= 12:
        raise ValidationError("月份必须在1到12之间。")
    _check_month_has_begun(listing.year, month)
    milestones = {m: d for m, d in data.milestones.items() if m.project_id == listing.project_id}
    stored_files = []  # photo files written during this save, removed again if it fails
    try:
        with transaction.atomic():
            # Whether the month is closed and what the report is now are read under the month's
            # lock: closing the month waits for this save, or this save sees the month closed.
            lock_reporting_month(listing.year, month, shared=True)
            existing = MonthlyReport.objects.filter(listing=listing, month=month).first()
            actions = report_actions(user=user, listing=listing, month=month, report=existing)
            change_reason = _correction_reason(actions, listing, month, correction_reason)
            correcting_submitted = actions.submitted
            _validate(data, submit or correcting_submitted)
            if not confirmed:
                warnings = report_warnings(
                    listing=listing, month=month, investment=data.investment, exclude_report=existing
                )
                if warnings:
                    raise NeedsConfirmation(warnings)
            report = _write_report(
                user, listing, month, data, version, submit, existing, correcting_submitted, change_reason
            )
            for problem in data.problems:
                problem_create(
                    user=user,
                    project=listing.project,
                    description=problem.description,
                    kind=problem.kind,
                    unit=problem.unit,
                    raised_on=problem.raised_on or problem_date_default(listing.year, month),
                    deadline=problem.deadline,
                    source_report=report,
                )
            for milestone, reached_on in milestones.items():
                if milestone.actual_date != reached_on:
                    milestone.actual_date = reached_on
                    audited_save(milestone, user=user, update_fields=["actual_date"])
            check_photo_count(report, len(data.photos))
            for photo in data.photos:
                stored_files.extend(photo_add(user=user, report=report, photo=photo).stored_names())
    except BaseException:
        delete_stored(stored_files)
        raise
    report.was_correction = bool(change_reason)
    return report


def _write_report(user, listing, month, data, version, submit, existing, correcting_submitted, change_reason):
    """The report row itself: claim the version, set the values and the state, save audited."""
    if version == 0:
        report = MonthlyReport(listing=listing, month=month, version=1)
    else:
        report = existing or MonthlyReport(listing=listing, month=month)
        if report.pk is None:
            raise ValidationError("该填报已不存在，请刷新页面。")
        _claim(report, version)
    report.investment = data.investment
    report.progress = (data.progress or "").strip()
    if correcting_submitted:
        pass  # an admin's correction: still submitted, still the reporter's report
    elif submit:
        report.status = ReportStatus.SUBMITTED
        report.reported_by = user
        report.reported_at = timezone.now()
    else:
        # A returned report stays 已退回 (with its reason) until it is submitted again.
        report.reported_by = user
        if report.status != ReportStatus.RETURNED:
            report.status = ReportStatus.DRAFT
    if report.pk is None:
        try:
            with transaction.atomic():
                audited_save(report, user=user, reason=change_reason)
        except IntegrityError:
            # Someone created the same month's report since this form was opened.
            raise ReportConflict(
                MonthlyReport.objects.select_related("reported_by").get(listing=listing, month=month)
            ) from None
    else:
        audited_save(report, user=user, reason=change_reason)
    return report


def report_return(*, user, report, reason, version):
    """An admin sends a submitted report back for correction, with a reason."""
    if not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以退回填报。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因。"})
    listing = report.listing
    with transaction.atomic():
        lock_reporting_month(listing.year, report.month, shared=True)
        actions = report_actions(user=user, listing=listing, month=report.month, report=report)
        if actions.closed:
            raise ValidationError(f"{listing.year}年{report.month}月已锁定，不能退回；请直接更正并填写原因。")
        if not actions.returnable:
            raise ValidationError("只有已报送的填报可以退回。")
        _claim(report, version)
        report.status = ReportStatus.RETURNED
        report.returned_reason = reason
        report.returned_by = user
        report.returned_at = timezone.now()
        audited_save(report, user=user, reason=f"退回：{reason}")
    return report


def month_close_refusal(year, month):
    """Why ``year``/``month`` cannot be closed now, in Chinese; None when it can."""
    period = Period(year, month)
    if month_is_closed(year, month):
        return f"{period.label}已经锁定。"
    if period >= Period.of(timezone.localdate()):
        return f"{period.label}还没有结束，不能锁定。"
    latest = latest_closed_month()
    if latest is not None and period != latest.next():
        return f"月份须按顺序锁定：已锁定到{latest.label}，下一个应锁定{latest.next().label}。"
    return None


def month_close(*, user, year, month):
    """Close a reporting month: from now on its reports change only by an admin with a reason.

    Under the month's lock: saves into the month already in flight finish first, later ones see
    it closed; of two admins closing it at once, the second is told it is already closed."""
    if not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以锁定月份。")
    if not 1 <= month <= 12:
        raise ValidationError("月份必须在1到12之间。")
    with transaction.atomic():
        lock_month_closing(year, month)
        refusal = month_close_refusal(year, month)
        if refusal:
            raise ValidationError(refusal)
        try:
            with transaction.atomic():
                return audited_save(ClosedMonth(year=year, month=month, closed_by=user), user=user)
        except IntegrityError:
            raise ValidationError(f"{year}年{month}月已经锁定。") from None


def month_reopen_refusal(year, month):
    """Why ``year``/``month`` cannot be reopened, in Chinese; None when it can: only the latest
    closed month reopens, so the closed months stay one unbroken run."""
    latest = latest_closed_month()
    if latest == (year, month):
        return None
    if not month_is_closed(year, month):
        return f"{Period(year, month).label}没有锁定。"
    return f"只能解锁最近锁定的月份（{latest.label}）；请先解锁其后的月份。"


def month_reopen(*, user, year, month, reason):
    """Reopen the latest closed month (an admin, with a reason kept in the history)."""
    if not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以解锁月份。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写解锁原因。"})
    with transaction.atomic():
        lock_month_closing(year, month)
        refusal = month_reopen_refusal(year, month)
        if refusal:
            raise ValidationError(refusal)
        closed = ClosedMonth.objects.get(year=year, month=month)
        closed._history_user = user
        closed._change_reason = f"解锁：{reason}"
        closed.delete()
