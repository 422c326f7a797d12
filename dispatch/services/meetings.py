"""Writes on dispatch meetings (调度会议): recording one, changing it, its minutes' document.

The office's admins record the meetings of their districts, whoever chaired them; a leader records
the meetings they chair. A meeting lies in its chair's district: its attendees are that district's
units (departments and street offices), its projects that district's projects the recorder sees."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import is_leader, is_office_admin
from dispatch.choices import MeetingKind
from dispatch.models import Meeting
from projects import clock
from projects.choices import RegionKind
from projects.models import Leader, Project, Unit
from projects.scoping import managed_rows
from projects.services.audit import audited_save
from projects.services.documents import document_remove_on_commit, document_store, documents_delete
from projects.services.errors import PermissionDenied, ValidationError

TITLE_MAX = 200
MEETING_CHANGED = "该会议已于 {when} 被其他人修改，您的修改未保存。请刷新页面，核对最新内容后重新填写。"
MEETING_DELETED = "该会议已被删除，未保存。"


def meeting_chairs(user):
    """The leaders ``user`` may name as a meeting's chair: an office admin any active leader of a
    district under the office; a leader only themselves (their own Leader row, in a district)."""
    leaders = Leader.objects.filter(is_active=True, region__kind=RegionKind.DISTRICT)
    if is_office_admin(user):
        return leaders.filter(managed_rows(user, "region"))
    if is_leader(user):
        return leaders.filter(user=user)
    return leaders.none()


def meeting_recordable(user):
    """Whether ``user`` may record a meeting at all: an office admin, or a leader who chairs."""
    return meeting_chairs(user).exists()


def meeting_units(districts):
    """The units a meeting of ``districts`` (ids or a queryset of them) may list as attending."""
    return Unit.objects.filter(district__in=districts)


def meeting_projects(user, districts):
    """The projects a meeting of ``districts`` may list as discussed: those ``user`` sees there."""
    return Project.objects.visible_to(user).filter(district__in=districts)


def _errors(*, user, chair, date, kind, title, attendees, projects):
    """The rules a meeting's values keep, as {field: Chinese message}; {} when all are kept."""
    errors = {}
    if not title:
        errors["title"] = "请填写会议名称。"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"会议名称最多 {TITLE_MAX} 个字。"
    if kind not in MeetingKind.values:
        errors["kind"] = "没有这种会议类型。"
    today = clock.today()
    if date > today:
        errors["date"] = f"会议日期不能晚于今天（{date_format(today)}），请在会后记录。"
    district = chair.region_id
    if any(unit.district_id != district for unit in attendees):
        errors["attendees"] = f"参会单位须为{chair.region}的部门或街道办事处。"
    wrong = [project.name for project in projects if project.district_id != district]
    if wrong:
        errors["projects"] = f"调度项目须为{chair.region}的项目：{'、'.join(wrong)}不是。"
    elif projects:
        seen = set(
            meeting_projects(user, [district]).filter(pk__in=[p.pk for p in projects]).values_list("pk", flat=True)
        )
        if any(project.pk not in seen for project in projects):
            errors["projects"] = "调度项目中有您无权查看的项目。"
    return errors


def _check_chair(user, chair, *, district=None, current=None):
    """``chair`` is one the user may name; a meeting's ``current`` chair stays though they have left
    office since (what was recorded is kept)."""
    if chair.pk != current and not meeting_chairs(user).filter(pk=chair.pk).exists():
        if is_leader(user):
            raise ValidationError({"chair": "领导只能记录自己主持的调度会议。"})
        raise ValidationError({"chair": "主持领导须为本项目办所辖区县的在任领导。"})
    if district is not None and chair.region_id != district:
        raise ValidationError({"chair": "主持领导须为会议所在区县的领导，不能改为其他区县的领导。"})


def meeting_record(*, user, date, kind, title, chair, attendees=(), projects=(), minutes="", minutes_file=None):
    """Record a meeting chaired by ``chair`` (a Leader) in the chair's district; ``minutes_file`` a
    CheckedDocument (projects.services.documents). Returns the meeting."""
    if not meeting_recordable(user):
        raise PermissionDenied("只有项目办管理员和主持会议的领导可以记录调度会议。")
    _check_chair(user, chair)
    title, minutes = (title or "").strip(), (minutes or "").strip()
    attendees, projects = list(attendees), list(projects)
    errors = _errors(user=user, chair=chair, date=date, kind=kind, title=title, attendees=attendees, projects=projects)
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        district_id=chair.region_id, date=date, kind=kind, title=title, chair=chair, minutes=minutes, created_by=user
    )
    stored = ""
    try:
        with transaction.atomic():
            if minutes_file is not None:
                stored = document_store(meeting.minutes_file, minutes_file)
                meeting.minutes_file_name = minutes_file.name
            audited_save(meeting, user=user, reason="记录调度会议")
            meeting.attendees.set(attendees)
            meeting.projects.set(projects)
    except BaseException:
        documents_delete(meeting.minutes_file.storage, [stored])
        raise
    return meeting


def meeting_update(
    *,
    user,
    meeting,
    date,
    kind,
    title,
    chair,
    attendees=(),
    projects=(),
    minutes="",
    minutes_file=None,
    remove_minutes_file=False,
    expected_updated_at=None,
):
    """Change a meeting the user holds (Meeting.objects.held_by): its facts, attendees, projects,
    minutes; ``minutes_file`` replaces the stored document, ``remove_minutes_file`` drops it (the old
    file goes once the change is committed). ``expected_updated_at``, the meeting's updated_at when
    the form was read: a meeting changed since is refused. The chair stays in the meeting's district."""
    if not Meeting.objects.held_by(user).filter(pk=meeting.pk).exists():
        if not Meeting.objects.filter(pk=meeting.pk).exists():
            raise ValidationError(MEETING_DELETED)
        raise PermissionDenied("只有项目办管理员和主持该会议的领导可以修改会议记录。")
    _check_chair(user, chair, district=meeting.district_id, current=meeting.chair_id)
    title, minutes = (title or "").strip(), (minutes or "").strip()
    attendees, projects = list(attendees), list(projects)
    errors = _errors(user=user, chair=chair, date=date, kind=kind, title=title, attendees=attendees, projects=projects)
    # A project the meeting listed that the user cannot see stays listed: what others recorded is kept.
    if errors:
        raise ValidationError(errors)
    stored = ""
    try:
        with transaction.atomic():
            locked = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
            if locked is None:
                raise ValidationError(MEETING_DELETED)
            if expected_updated_at is not None and locked.updated_at != expected_updated_at:
                when = date_format(timezone.localtime(locked.updated_at), "Y-m-d H:i")
                raise ValidationError(MEETING_CHANGED.format(when=when))
            locked.date, locked.kind, locked.title, locked.chair, locked.minutes = date, kind, title, chair, minutes
            if minutes_file is not None:
                document_remove_on_commit(locked.minutes_file)
                stored = document_store(locked.minutes_file, minutes_file)
                locked.minutes_file_name = minutes_file.name
            elif remove_minutes_file and locked.minutes_file:
                document_remove_on_commit(locked.minutes_file)
                locked.minutes_file, locked.minutes_file_name = "", ""
            audited_save(locked, user=user, reason="修改调度会议记录")
            hidden = locked.projects.exclude(pk__in=meeting_projects(user, [locked.district_id]).values("pk"))
            locked.attendees.set(attendees)
            locked.projects.set([*projects, *hidden])
    except BaseException:
        documents_delete(meeting.minutes_file.storage, [stored])
        raise
    return locked
