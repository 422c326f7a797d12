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
from projects import clock, events
from projects.choices import ReportStatus
from projects.models import ClosedMonth, Listing, MonthlyReport
from projects.periods import Period
from projects.scoping import office_districts
from projects.selectors.figures import ZERO, counted_reports
from projects.selectors.reporting import month_closing, report_actions
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
    return min(Period(year, month).last_day, clock.today())


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
    today = clock.today()
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
            lock_reporting_month(listing.year, month, district=listing.project.district_id, shared=True)
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
        lock_reporting_month(listing.year, report.month, district=listing.project.district_id, shared=True)
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
        events.report_returned.send(sender=MonthlyReport, report=report, by=user, reason=reason)
    return report


def _office_districts(user, doing):
    """The districts an office closes and reopens months for (scoping.office_districts)."""
    if not is_office_admin(user):
        raise PermissionDenied(f"只有项目办管理员可以{doing}月份。")
    districts = office_districts(user)
    if not districts.exists():
        raise PermissionDenied(f"您的账号还没有所属的项目办（行政区划），不能{doing}月份；请联系系统管理员。")
    return districts


def _named(state, district):
    """A district's name where the office has several, so a message says which one it is about."""
    return district.name if state.several else ""


def _close_refusal(state):
    period = state.period
    if not state.districts:
        return "您的账号还没有所属的项目办（行政区划），不能锁定月份。"
    if not state.open:
        return f"{period.label}已经锁定。"
    if period >= Period.of(clock.today()):
        return f"{period.label}还没有结束，不能锁定。"
    out_of_order = [
        f"{_named(state, district)}已锁定到{latest.label}，下一个应锁定{latest.next().label}"
        for district in state.open
        if (latest := state.latest.get(district.pk)) is not None and period != latest.next()
    ]
    if out_of_order:
        return f"月份须按顺序锁定：{'；'.join(out_of_order)}。"
    return None


def month_close_refusal(*, user, year, month):
    """Why ``user``'s office cannot close ``year``/``month`` now, in Chinese; None when it can."""
    return _close_refusal(month_closing(districts=office_districts(user), year=year, month=month))


def month_close(*, user, year, month):
    """Close a reporting month in every district of the user's office that has not closed it yet (a
    district's office: its own; the city's: each of its districts), one ClosedMonth per district:
    from now on their reports change only by an admin with a reason. Refused whole when a district
    would close out of order. Returns the months closed.

    Under each district's month lock: saves into the month already in flight finish first, later
    ones see it closed; of two offices closing it at once, the second closes what is left, or is
    told it is already closed. Other districts' saves never wait."""
    districts = _office_districts(user, "锁定")
    if not 1 <= month <= 12:
        raise ValidationError("月份必须在1到12之间。")
    with transaction.atomic():
        lock_month_closing(year, month, districts=districts.values_list("pk", flat=True))
        state = month_closing(districts=districts, year=year, month=month)
        refusal = _close_refusal(state)
        if refusal:
            raise ValidationError(refusal)
        closed = []
        for district in state.open:
            try:
                with transaction.atomic():
                    row = ClosedMonth(district=district, year=year, month=month, closed_by=user)
                    closed.append(audited_save(row, user=user))
            except IntegrityError:
                raise ValidationError(f"{_named(state, district)}{year}年{month}月已经锁定。") from None
        return closed


def _reopen_refusal(state):
    """Only each district's latest closed month reopens, so its closed months stay one unbroken run."""
    if not state.closed:
        return f"{state.period.label}没有锁定。"
    later = [district for district in state.closed if state.latest[district.pk] != state.period]
    if later:
        latest = "、".join(f"{_named(state, district)}{state.latest[district.pk].label}" for district in later)
        return f"只能解锁最近锁定的月份（{latest}）；请先解锁其后的月份。"
    return None


def month_reopen_refusal(*, user, year, month):
    """Why ``user``'s office cannot reopen ``year``/``month``, in Chinese; None when it can."""
    return _reopen_refusal(month_closing(districts=office_districts(user), year=year, month=month))


def month_reopen(*, user, year, month, reason):
    """Reopen ``year``/``month`` in the districts of the user's office that have closed it, where it
    is their latest closed month (an admin, with a reason kept in the history). A district outside
    the office is never touched. Returns the districts reopened."""
    districts = _office_districts(user, "解锁")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写解锁原因。"})
    with transaction.atomic():
        lock_month_closing(year, month, districts=districts.values_list("pk", flat=True))
        state = month_closing(districts=districts, year=year, month=month)
        refusal = _reopen_refusal(state)
        if refusal:
            raise ValidationError(refusal)
        for closed in ClosedMonth.objects.filter(district__in=state.closed, year=year, month=month):
            closed._history_user = user
            closed._change_reason = f"解锁：{reason}"
            closed.delete()
        return list(state.closed)
