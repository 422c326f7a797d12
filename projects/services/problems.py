"""Writes on the problem ledger: log a problem, move it open → being coordinated → resolved."""

from django.db import transaction
from django.utils.formats import date_format

from projects import clock
from projects.choices import ProblemStatus
from projects.models import Problem, ProblemStep, Project
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError

ALLOWED_STEPS = {
    ProblemStatus.OPEN: {ProblemStatus.COORDINATING, ProblemStatus.RESOLVED},
    ProblemStatus.COORDINATING: {ProblemStatus.RESOLVED},
    ProblemStatus.RESOLVED: set(),
}


def _check_may_change(user, project):
    if not Project.objects.kept_by(user).filter(pk=project.pk).exists():
        raise PermissionDenied("您不能登记或处理该项目的问题。")


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
    """Move ``problem`` to ``to_status``; resolving needs the resolution text."""
    _check_may_change(user, problem.project)
    if to_status not in ALLOWED_STEPS.get(problem.status, set()):
        raise ValidationError(
            f"问题当前为「{problem.get_status_display()}」，不能改为「{ProblemStatus(to_status).label}」。"
        )
    resolution = (resolution or "").strip()
    if to_status == ProblemStatus.RESOLVED and not resolution:
        raise ValidationError({"resolution": "标记为已解决时，请填写解决情况。"})
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        if locked.status != problem.status:
            raise ValidationError("该问题的状态刚被其他人修改，请刷新后再操作。")
        step = ProblemStep(problem=locked, from_status=locked.status, to_status=to_status, by=user, note=note.strip())
        locked.status = to_status
        if to_status == ProblemStatus.RESOLVED:
            locked.resolution = resolution
            locked.resolved_on = clock.today()
        audited_save(locked, user=user, reason=note.strip())
        step.save()
    return locked
