"""Writes on the problem ledger: log a problem, move it open → being coordinated → solved, and the
office's 销号: a street's "已解决" waits as 待销号 until the office confirms it (or sends it back).

Who does what: the staff keeping the project and the office move a problem to 协调解决中; a street's
"已解决" makes it 待销号; only the office (an admin whose office the project lies under) resolves a
problem — confirming a street's 待销号, or resolving one itself — and only the office sends a
待销号 back. Each move is one ProblemStep, audited, and sends its projects.events signal inside the
write's transaction."""

from django.db import transaction
from django.utils.formats import date_format

from accounts.roles import is_office_admin
from projects import clock, events
from projects.choices import ProblemStatus
from projects.models import Problem, ProblemStep, Project
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError

ALLOWED_STEPS = {
    ProblemStatus.OPEN: {ProblemStatus.COORDINATING, ProblemStatus.PENDING_CLOSE, ProblemStatus.RESOLVED},
    ProblemStatus.COORDINATING: {ProblemStatus.PENDING_CLOSE, ProblemStatus.RESOLVED},
    ProblemStatus.PENDING_CLOSE: {ProblemStatus.RESOLVED, ProblemStatus.COORDINATING},  # 销号 or 退回: the office's
    ProblemStatus.RESOLVED: set(),
}
STALE = "该问题的状态刚被其他人修改，请刷新后再操作。"


def _check_may_change(user, project):
    if not Project.objects.kept_by(user).filter(pk=project.pk).exists():
        raise PermissionDenied("您不能登记或处理该项目的问题。")


def _check_office(user, problem, doing):
    """Only the office the problem's project lies under confirms (销号) or sends back."""
    if not is_office_admin(user) or not Problem.objects.kept_by(user).filter(pk=problem.pk).exists():
        raise PermissionDenied(f"只有该项目所属项目办的管理员可以{doing}。")


def _check_step(problem, to_status):
    if to_status not in ALLOWED_STEPS.get(problem.status, set()):
        raise ValidationError(
            f"问题当前为「{problem.get_status_display()}」，不能改为「{ProblemStatus(to_status).label}」。"
        )


def _locked(problem, expected_updated_at=None):
    """The problem's row under lock, refused when someone moved it since ``problem`` was read, or
    changed it at all since the page the user acts from showed it (``expected_updated_at``)."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if locked.status != problem.status:
        raise ValidationError(STALE)
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise ValidationError(STALE)
    return locked


def _move(user, locked, to_status, *, note="", reason=""):
    """Record the move of ``locked`` (already changed in memory) as a step, and save it audited."""
    step = ProblemStep(problem=locked, from_status=locked.status, to_status=to_status, by=user, note=note)
    locked.status = to_status
    audited_save(locked, user=user, reason=reason or note)
    step.save()
    return locked


def problem_create(
    *,
    user,
    project,
    description,
    kind,
    unit=None,
    raised_on=None,
    deadline=None,
    source_report=None,
    source_visit=None,
):
    """Log a new open problem on ``project`` and record who raised it.

    ``raised_on`` (发现日期) defaults to today; a problem back-filled with an old report or visit
    carries that date. It may not be in the future, and the deadline may not precede it.
    """
    _check_may_change(user, project)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "请填写问题描述。"})
    today = clock.today()
    raised_on = raised_on or today
    if raised_on > today:
        raise ValidationError({"raised_on": "发现日期不能晚于今天。"})
    if deadline is not None and deadline < raised_on:
        raise ValidationError({"deadline": f"办结期限不能早于发现日期（{date_format(raised_on)}）。"})
    with transaction.atomic():
        problem = Problem(
            project=project,
            description=description,
            kind=kind,
            raised_on=raised_on,
            unit=unit if unit is not None else project.unit,
            deadline=deadline,
            raised_by=user,
            source_report=source_report,
            source_visit=source_visit,
        )
        problem.full_clean(exclude=["project", "unit", "source_report", "source_visit", "raised_by"])
        audited_save(problem, user=user)
        ProblemStep.objects.create(problem=problem, from_status="", to_status=ProblemStatus.OPEN, by=user)
    return problem


def problem_transition(*, user, problem, to_status, note="", resolution=""):
    """Move ``problem`` to ``to_status`` as the problem page asks: 协调解决中, or "已解决" — which
    for a street's staff means 待销号 (problem_solve) and for the office resolves it (problem_confirm)."""
    if to_status in (ProblemStatus.RESOLVED, ProblemStatus.PENDING_CLOSE):
        return problem_solve(user=user, problem=problem, resolution=resolution, note=note)
    _check_may_change(user, problem.project)
    _check_step(problem, to_status)
    if problem.status == ProblemStatus.PENDING_CLOSE:
        raise ValidationError("该问题已报已解决、等待项目办销号；项目办可确认销号或退回。")
    note = (note or "").strip()
    with transaction.atomic():
        return _move(user, _locked(problem), to_status, note=note)


def problem_solve(*, user, problem, resolution, note=""):
    """ "已解决": the street's staff report ``problem`` solved, with what was done (resolution), today;
    it waits for the office's 销号 (待销号) and does not count as resolved yet. The office's own
    "已解决" resolves it at once (problem_confirm)."""
    _check_may_change(user, problem.project)
    if is_office_admin(user):
        return problem_confirm(user=user, problem=problem, note=note, resolution=resolution)
    _check_step(problem, ProblemStatus.PENDING_CLOSE)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "标记为已解决时，请填写解决情况。"})
    note = (note or "").strip()
    with transaction.atomic():
        locked = _locked(problem)
        locked.resolution = resolution
        locked.resolved_on = clock.today()
        _move(user, locked, ProblemStatus.PENDING_CLOSE, note=note)
        events.problem_solved.send(sender=Problem, problem=locked, by=user)
    return locked


def problem_confirm(*, user, problem, note="", resolution="", pending_only=False, expected_updated_at=None):
    """销号: the office confirms ``problem`` resolved (confirmed today, by ``user``).

    A 待销号 problem keeps the street's resolution and date unless ``resolution`` gives the office's
    own wording. An open or coordinated problem is resolved by the office itself, which needs the
    resolution (dispatch calls this when it closes a task linked to the problem). The 确认销号
    button confirms only what a street reported solved (``pending_only``), as the page showed it
    (``expected_updated_at``): a problem sent back and solved again meanwhile is refused, not
    confirmed on a resolution nobody at the office has read."""
    _check_office(user, problem, "确认销号")
    if pending_only and problem.status != ProblemStatus.PENDING_CLOSE:
        raise ValidationError(f"问题当前为「{problem.get_status_display()}」，只有待销号的问题可以确认销号。")
    _check_step(problem, ProblemStatus.RESOLVED)
    resolution = (resolution or "").strip()
    if problem.status != ProblemStatus.PENDING_CLOSE and not resolution:
        raise ValidationError({"resolution": "标记为已解决时，请填写解决情况。"})
    note = (note or "").strip()
    today = clock.today()
    with transaction.atomic():
        locked = _locked(problem, expected_updated_at)
        if resolution:
            locked.resolution = resolution
        if locked.status != ProblemStatus.PENDING_CLOSE:
            locked.resolved_on = today
        locked.confirmed_on = today
        locked.confirmed_by = user
        _move(user, locked, ProblemStatus.RESOLVED, note=note, reason=f"销号：{note}" if note else "销号")
        events.problem_confirmed.send(sender=Problem, problem=locked, by=user)
    return locked


def problem_send_back(*, user, problem, reason, expected_updated_at=None):
    """退回: the office refuses a 待销号 problem, with the reason (kept in the step's note); it is
    being coordinated again, its resolution and date cleared, and overdue again past its deadline."""
    _check_office(user, problem, "退回")
    if problem.status != ProblemStatus.PENDING_CLOSE:
        raise ValidationError(f"问题当前为「{problem.get_status_display()}」，只有待销号的问题可以退回。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因。"})
    with transaction.atomic():
        locked = _locked(problem, expected_updated_at)
        locked.resolution = ""
        locked.resolved_on = None
        _move(user, locked, ProblemStatus.COORDINATING, note=reason, reason=f"退回：{reason}")
        events.problem_sent_back.send(sender=Problem, problem=locked, by=user, reason=reason)
    return locked
