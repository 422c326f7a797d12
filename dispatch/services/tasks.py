"""Writes on assigned tasks (交办事项): assigning one, and its loop 交办 → 办理中 → 已回复 → 已销号, with
退回重办 from 已回复 back to the owner.

Each move runs under a lock on the task's row and refuses a task whose state changed since the
caller read it (two people acting at once: exactly one wins); each leaves a TaskStep and a history
row naming who moved it, and tells the people concerned (dispatch.services.notify)."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import is_leader, is_office_admin
from dispatch.choices import OWNER_STATUSES, NotificationKind, TaskSource, TaskStatus
from dispatch.models import MAX_DEADLINE_WORKDAYS, Meeting, ReplyAttachment, Task, TaskReply, TaskStep
from dispatch.selectors.people import acting_admins, unit_staff
from dispatch.services.notify import notify
from projects import clock
from projects.choices import ProblemStatus, RegionKind
from projects.models import Problem, Project, Region
from projects.scoping import managed_rows
from projects.services import problems as problem_services
from projects.services.audit import audited_save
from projects.services.documents import document_store, documents_delete
from projects.services.errors import PermissionDenied, ValidationError
from projects.workdays import workdays_after

CONTENT_MAX = 2000
REPLY_MAX = 4000
REASON_MAX = 1000
MAX_REPLY_ATTACHMENTS = 10
TASK_CHANGED = "该事项刚被其他人处理（现为「{status}」），您的操作未保存。请刷新页面，核对最新情况后再操作。"
TASK_DELETED = "该交办事项已不存在。"
PROBLEM_RESOLVED = "该问题已销号，不需再交办。"


def _day(day):
    return date_format(day, "Y年n月j日")


# --- who may do what ------------------------------------------------------------------------------


def assign_districts(user):
    """The districts in which ``user`` may assign tasks at all: an office admin's districts; a
    leader's own district (where they chair meetings and follow projects)."""
    districts = Region.objects.filter(kind=RegionKind.DISTRICT)
    if is_office_admin(user):
        return districts.filter(managed_rows(user, "pk"))
    if is_leader(user):
        return districts.filter(leaders__user=user, leaders__is_active=True)
    return districts.none()


def assignable_meetings(user):
    """Meetings a task may be assigned from by ``user``: the office's; a leader's own (chaired)."""
    return Meeting.objects.held_by(user)


def assignable_problems(user):
    """Problems ``user`` may escalate into a task: those they may instruct on (an admin's office, a
    leader's followed projects), not yet resolved."""
    if not (is_office_admin(user) or is_leader(user)):
        return Problem.objects.none()
    return Problem.objects.instructable_by(user).exclude(status=ProblemStatus.RESOLVED)


def assignable_projects(user):
    """Projects ``user`` may name on a task: what they see (an admin's office, a leader's followed
    projects); none for staff, who do not assign."""
    if not (is_office_admin(user) or is_leader(user)):
        return Project.objects.none()
    return Project.objects.visible_to(user)


def may_assign(user):
    """Whether ``user`` may assign tasks at all (an office admin, or a leader in a district)."""
    return assign_districts(user).exists()


def may_assign_from(user, *, meeting=None, project=None, problem=None):
    """Whether ``user`` may assign a task from exactly one source — a ``meeting`` (the office's, a
    leader's own), a ``project`` (one they see) or a ``problem`` (one they may instruct on, not yet
    resolved) — in a district they may assign in (a leader still in office): the id of the district
    the task would belong to when they may, None when they may not. The one rule every page that
    offers to assign, and task_assign itself, ask."""
    if sum(source is not None for source in (meeting, project, problem)) != 1:
        raise TypeError("may_assign_from() takes exactly one of meeting, project, problem")
    if meeting is not None:
        allowed, district = assignable_meetings(user).filter(pk=meeting.pk), meeting.district_id
    elif problem is not None:
        allowed, district = assignable_problems(user).filter(pk=problem.pk), problem.project.district_id
    else:
        allowed, district = assignable_projects(user).filter(pk=project.pk), project.district_id
    if not allowed.exists() or not assign_districts(user).filter(pk=district).exists():
        return None
    return district


def may_answer(user, task):
    """Whether ``user`` works on ``task`` (starts, replies): the owner's staff."""
    return Task.objects.answerable_by(user).filter(pk=task.pk).exists()


def may_close(user, task):
    """Whether ``user`` closes (销号) or sends back ``task``: the office's admins."""
    return Task.objects.closable_by(user).filter(pk=task.pk).exists()


def task_actions(user, task):
    """The moves ``user`` may make on ``task`` now, by name: start, reply, close, return."""
    actions = set()
    if task.status in OWNER_STATUSES and may_answer(user, task):
        actions.add("reply")
        if task.status != TaskStatus.IN_PROGRESS:
            actions.add("start")
    if task.status == TaskStatus.REPLIED and may_close(user, task):
        actions.update({"close", "return"})
    return actions


# --- assigning ------------------------------------------------------------------------------------


def task_deadline(*, assigned_on, deadline=None, workdays=None):
    """(deadline, working days) from exactly one of a date or N working days after ``assigned_on``;
    ValidationError in Chinese otherwise."""
    if (deadline is None) == (workdays is None):
        raise ValidationError({"deadline": "请填写办结期限（日期）或办理时限（工作日），二者选其一。"})
    if workdays is not None:
        if not 1 <= workdays <= MAX_DEADLINE_WORKDAYS:
            raise ValidationError({"workdays": f"办理时限应在 1 到 {MAX_DEADLINE_WORKDAYS} 个工作日之间。"})
        return workdays_after(assigned_on, workdays), workdays
    if deadline < assigned_on:
        raise ValidationError({"deadline": f"办结期限不能早于今天（{_day(assigned_on)}）。"})
    return deadline, None


def _source(user, *, meeting, problem, projects):
    """(source, district) of a task to be assigned, after checking that ``user`` may assign from it."""
    if meeting is not None and problem is not None:
        raise ValidationError("一项交办事项只能来自一个调度会议或一个问题。")
    if meeting is not None:
        district = may_assign_from(user, meeting=meeting)
        if district is None:
            raise PermissionDenied("只有项目办管理员和主持该会议的领导可以从该会议交办事项。")
        return TaskSource.MEETING, district
    if problem is not None:
        district = may_assign_from(user, problem=problem)
        if district is None:
            if not Problem.objects.instructable_by(user).filter(pk=problem.pk).exists():
                raise PermissionDenied("只有项目办管理员和该项目的联系领导可以把该问题交办督办。")
            if Problem.objects.filter(pk=problem.pk, status=ProblemStatus.RESOLVED).exists():
                raise ValidationError(PROBLEM_RESOLVED)
            raise PermissionDenied("您不能在该区县交办事项。")
        return TaskSource.PROBLEM, district
    if is_office_admin(user):
        if not projects:
            districts = list(assign_districts(user)[:2])
            if len(districts) != 1:
                raise ValidationError({"projects": "请选择相关项目，以确定交办事项所属的区县。"})
            return TaskSource.DIRECT, districts[0].pk
        return TaskSource.DIRECT, projects[0].district_id
    if is_leader(user):
        if not projects:
            raise ValidationError({"projects": "领导直接交办事项，请选择您联系的相关项目。"})
        return TaskSource.DIRECT, projects[0].district_id
    raise PermissionDenied("只有项目办管理员和联系领导可以交办事项。")


def task_assign(*, user, owner, content, deadline=None, workdays=None, projects=(), meeting=None, problem=None):
    """Assign a task to ``owner`` (a Unit of the district: a department or a street office), due on
    ``deadline`` or ``workdays`` working days from today (exactly one), from ``meeting`` or
    ``problem`` (an escalation) or on its own, naming ``projects``. An office admin assigns anything
    in the office; a leader from a meeting they chaired, on a problem they may instruct on, or on
    projects they follow. The owner's staff are told. Returns the task."""
    if not may_assign(user):
        raise PermissionDenied("只有项目办管理员和联系领导可以交办事项。")
    projects = list(projects)
    if not projects and problem is not None:
        projects = [problem.project]
    source, district = _source(user, meeting=meeting, problem=problem, projects=projects)
    if not assign_districts(user).filter(pk=district).exists():
        raise PermissionDenied("您不能在该区县交办事项。")
    errors = {}
    content = (content or "").strip()
    if not content:
        errors["content"] = "请填写交办内容。"
    elif len(content) > CONTENT_MAX:
        errors["content"] = f"交办内容最多 {CONTENT_MAX} 个字。"
    if owner.district_id != district:
        errors["owner"] = "承办单位须为该区县的部门或街道办事处。"
    if any(project.district_id != district for project in projects):
        errors["projects"] = "相关项目须在交办事项所属的区县。"
    elif projects:
        seen = set(assignable_projects(user).filter(pk__in=[p.pk for p in projects]).values_list("pk", flat=True))
        if any(project.pk not in seen for project in projects):
            errors["projects"] = (
                "领导只能就其联系的项目交办事项。" if is_leader(user) else "相关项目中有不在您范围内的项目。"
            )
    today = clock.today()
    try:
        due, due_workdays = task_deadline(assigned_on=today, deadline=deadline, workdays=workdays)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if problem is not None:
            # The problem may have been resolved since it was read: look again under its lock.
            current = Problem.objects.select_for_update().filter(pk=problem.pk).first()
            if current is None:
                raise ValidationError("该问题已不存在。")
            if current.status == ProblemStatus.RESOLVED:
                raise ValidationError(PROBLEM_RESOLVED)
        task = Task(
            district_id=district,
            source=source,
            meeting=meeting,
            problem=problem,
            owner=owner,
            content=content,
            assigned_on=today,
            deadline=due,
            deadline_workdays=due_workdays,
            assigned_by=user,
        )
        audited_save(task, user=user, reason="交办事项")
        task.projects.set(projects)
        TaskStep.objects.create(task=task, from_status="", to_status=TaskStatus.ASSIGNED, by=user)
        notify(
            unit_staff(owner),
            kind=NotificationKind.TASK_ASSIGNED,
            title=f"新交办事项：{_short(content)}",
            body=f"{_name(user)}交办{owner}：{content}\n办结期限：{_day(due)}",
            link=task.get_absolute_url(),
        )
    return task


# --- the loop -------------------------------------------------------------------------------------


def _locked(task, expected_updated_at=None):
    """The task's row, locked until the transaction ends; refused when its state is no longer the one
    the caller read (``task.status``, and ``expected_updated_at`` when given: a page's form)."""
    locked = Task.objects.select_for_update().filter(pk=task.pk).first()
    if locked is None:
        raise ValidationError(TASK_DELETED)
    stale = locked.status != task.status
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        stale = True
    if stale:
        raise ValidationError(TASK_CHANGED.format(status=locked.get_status_display()))
    return locked


def _move(user, task, to_status, *, note="", reason=""):
    step = TaskStep(task=task, from_status=task.status, to_status=to_status, by=user, note=note)
    task.status = to_status
    audited_save(task, user=user, reason=reason or f"交办事项改为「{TaskStatus(to_status).label}」")
    step.save()
    return step


def _check_state(task, allowed, doing):
    if task.status not in allowed:
        raise ValidationError(f"该事项当前为「{task.get_status_display()}」，不能{doing}。")


def task_start(*, user, task, expected_updated_at=None):
    """The owner's staff take up a task (交办 or 退回重办 → 办理中)."""
    if not may_answer(user, task):
        raise PermissionDenied("只有承办单位的工作人员可以办理该事项。")
    _check_state(task, (TaskStatus.ASSIGNED, TaskStatus.RETURNED), "开始办理")
    with transaction.atomic():
        locked = _locked(task, expected_updated_at)
        _move(user, locked, TaskStatus.IN_PROGRESS, reason="开始办理交办事项")
    return locked


def task_reply(*, user, task, text, attachments=(), expected_updated_at=None):
    """The owner's staff reply (办理情况) with ``text`` and ``attachments`` (CheckedDocuments, see
    projects.services.documents): the task is 已回复 today and waits for the office's 销号. The
    assigner and the district's office are told. Files are written inside the transaction and
    removed again if it fails."""
    if not may_answer(user, task):
        raise PermissionDenied("只有承办单位的工作人员可以回复该事项。")
    _check_state(task, OWNER_STATUSES, "回复")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写办理情况。"})
    if len(text) > REPLY_MAX:
        raise ValidationError({"text": f"办理情况最多 {REPLY_MAX} 个字。"})
    attachments = list(attachments)
    if len(attachments) > MAX_REPLY_ATTACHMENTS:
        raise ValidationError({"attachments": f"一次回复最多上传 {MAX_REPLY_ATTACHMENTS} 个附件。"})
    stored = []
    storage = ReplyAttachment._meta.get_field("file").storage
    try:
        with transaction.atomic():
            locked = _locked(task, expected_updated_at)
            reply = TaskReply.objects.create(task=locked, text=text, by=user, at=timezone.now())
            for checked in attachments:
                attachment = ReplyAttachment(reply=reply, original_name=checked.name)
                stored.append(document_store(attachment.file, checked))
                attachment.save()
            locked.replied_on = clock.today()
            _move(user, locked, TaskStatus.REPLIED, reason="回复交办事项")
            notify(
                [locked.assigned_by, *acting_admins(locked.district_id)],
                kind=NotificationKind.TASK_REPLIED,
                title=f"交办事项已回复：{_short(locked.content)}",
                body=f"{locked.owner}回复：{text}",
                link=locked.get_absolute_url(),
            )
    except BaseException:
        documents_delete(storage, stored)
        raise
    return locked


def _office_only(user, task, doing):
    if not may_close(user, task):
        raise PermissionDenied(f"只有项目办管理员可以{doing}交办事项。")


def task_close(*, user, task, note="", expected_updated_at=None):
    """销号 (office admins only): a replied task is closed today. A task escalated from a problem
    resolves that problem too (projects.services.problems.problem_confirm): an open or coordinated
    one with the latest reply as its resolution; a 待销号 one keeps the street's own 解决情况; one
    resolved meanwhile is left as it is. The owner's staff are told."""
    _office_only(user, task, "销号")
    _check_state(task, (TaskStatus.REPLIED,), "销号（只有已回复的事项可以销号）")
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise ValidationError({"note": f"销号说明最多 {REASON_MAX} 个字。"})
    with transaction.atomic():
        locked = _locked(task, expected_updated_at)
        locked.closed_on, locked.closed_by = clock.today(), user
        _move(user, locked, TaskStatus.CLOSED, note=note, reason=f"销号：{note}" if note else "销号")
        if locked.problem_id is not None:
            # Locked, so that an office admin confirming the problem at this moment is waited for and
            # then seen: the problem is confirmed once, and this close does not fail over it.
            problem = Problem.objects.select_for_update().get(pk=locked.problem_id)
            if problem.status != ProblemStatus.RESOLVED:
                resolution = ""  # 待销号: the street's own 解决情况 stands
                if problem.status != ProblemStatus.PENDING_CLOSE:
                    resolution = locked.replies.order_by("-at", "-id").first().text
                problem_services.problem_confirm(user=user, problem=problem, resolution=resolution)
        notify(
            unit_staff(locked.owner),
            kind=NotificationKind.TASK_CLOSED,
            title=f"交办事项已销号：{_short(locked.content)}",
            body=f"项目办已于{_day(locked.closed_on)}销号。" + (f"说明：{note}" if note else ""),
            link=locked.get_absolute_url(),
        )
    return locked


def task_return(*, user, task, reason, expected_updated_at=None):
    """退回重办 (office admins only): a replied task goes back to its owner with ``reason``
    (required, kept in the step). The owner's staff are told, with the reason."""
    _office_only(user, task, "退回")
    _check_state(task, (TaskStatus.REPLIED,), "退回（只有已回复的事项可以退回重办）")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"退回原因最多 {REASON_MAX} 个字。"})
    with transaction.atomic():
        locked = _locked(task, expected_updated_at)
        locked.replied_on = None  # the reply no longer answers the task
        _move(user, locked, TaskStatus.RETURNED, note=reason, reason=f"退回重办：{reason}")
        notify(
            unit_staff(locked.owner),
            kind=NotificationKind.TASK_RETURNED,
            title=f"交办事项退回重办：{_short(locked.content)}",
            body=f"退回原因：{reason}\n办结期限：{_day(locked.deadline)}",
            link=locked.get_absolute_url(),
        )
    return locked


def _short(text, length=40):
    text = " ".join(text.split())
    return text if len(text) <= length else f"{text[: length - 1]}…"


def _name(user):
    leader = getattr(user, "leader", None) if is_leader(user) else None
    if leader is not None:
        return leader.name
    return user.get_full_name() or user.username
