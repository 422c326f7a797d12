"""Assigned tasks (dispatch.services.tasks): assigning, the loop 交办 → 办理中 → 已回复 → 已销号 with
退回重办, every refusal leaving everything as it was, the deadline by date or working days, who
is told (Notification rows), and a task escalated from a problem closing that problem."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dispatch.choices import NotificationKind, TaskSource, TaskStatus
from dispatch.models import Meeting, Notification, ReplyAttachment, Task, TaskReply, TaskStep
from dispatch.services.tasks import (
    TASK_CHANGED,
    may_assign_from,
    task_actions,
    task_assign,
    task_close,
    task_reply,
    task_return,
    task_start,
)
from projects.choices import ProblemStatus
from projects.models import Leader, Problem, Project, Unit
from projects.services import problems as problem_services
from projects.services.documents import document_check
from projects.services.errors import PermissionDenied, ValidationError

pytestmark = pytest.mark.usefixtures("demo")

TODAY = date(2015, 10, 20)  # a Tuesday
BEIHUAN = "北环路街道办事处"  # staff_a's street office
DONGAN = "东安路街道办事处"  # staff_b's street office
TIANAN = "天安名郡(卫东区陈家岗下午三组改造)"  # 北环路街道, followed by 钱某
HENGYU = "恒宇·东城国际"  # followed by 王某 (the demo leader)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = TODAY


def unit(name):
    return Unit.objects.get(name=name, district__code="410403")


def project(name):
    return Project.objects.get(name=name)


def weekly_meeting():
    return Meeting.objects.get(title="9月第3周重点项目周调度会")  # chaired by 王某


def assign(user, owner=BEIHUAN, **kwargs):
    kwargs.setdefault("content", "请于10月底前完成签约台账整理。")
    if "workdays" not in kwargs:
        kwargs.setdefault("deadline", date(2015, 10, 30))
    kwargs.setdefault("projects", [project(TIANAN)])
    return task_assign(user=user, owner=unit(owner), **kwargs)


def notified(kind):
    """{username: [title, ...]} of the notifications of ``kind``."""
    found = {}
    for username, title in Notification.objects.filter(kind=kind).values_list("user__username", "title"):
        found.setdefault(username, []).append(title)
    return found


def state():
    """Everything a move may change, to prove a refused one changed nothing."""
    return (
        list(Task.objects.order_by("pk").values_list("pk", "status", "replied_on", "closed_on", "updated_at")),
        TaskStep.objects.count(),
        TaskReply.objects.count(),
        Notification.objects.count(),
        list(Problem.objects.order_by("pk").values_list("pk", "status")),
    )


def fresh(task):
    return Task.objects.get(pk=task.pk)


# --- the loop -------------------------------------------------------------------------------------


def test_a_task_from_a_meeting_runs_its_loop_and_tells_each_side(users):
    meeting = weekly_meeting()
    task = assign(users["leader"], meeting=meeting, workdays=5, deadline=None, projects=[project(HENGYU)])
    assert (task.source, task.meeting, task.district.code) == (TaskSource.MEETING, meeting, "410403")
    assert (task.assigned_on, task.deadline, task.deadline_workdays) == (TODAY, date(2015, 10, 27), 5)
    assert task.status == TaskStatus.ASSIGNED
    assert notified(NotificationKind.TASK_ASSIGNED) == {"staff": ["新交办事项：请于10月底前完成签约台账整理。"]}
    assert Notification.objects.get(kind=NotificationKind.TASK_ASSIGNED).link == task.get_absolute_url()
    assert task_actions(users["staff_a"], task) == {"start", "reply"}
    assert task_actions(users["admin"], task) == set()

    task = task_start(user=users["staff_a"], task=task)
    assert task.status == TaskStatus.IN_PROGRESS
    assert task_actions(users["staff_a"], task) == {"reply"}

    task = task_reply(user=users["staff_a"], task=task, text="签约台账已整理完毕并报送。")
    assert (task.status, task.replied_on) == (TaskStatus.REPLIED, TODAY)
    # The assigner (the leader) and the district's office; not the city's office, not the replier.
    assert set(notified(NotificationKind.TASK_REPLIED)) == {"leader", "admin"}
    assert task_actions(users["admin"], task) == {"close", "return"}
    assert task_actions(users["staff_a"], task) == set()
    assert task_actions(users["leader"], task) == set()

    task = task_close(user=users["admin"], task=task, note="已核对。")
    assert (task.status, task.closed_on, task.closed_by) == (TaskStatus.CLOSED, TODAY, users["admin"])
    assert notified(NotificationKind.TASK_CLOSED) == {"staff": ["交办事项已销号：请于10月底前完成签约台账整理。"]}
    steps = list(task.steps.values_list("from_status", "to_status", "by__username", "note"))
    assert steps == [
        ("", TaskStatus.ASSIGNED, "leader", ""),
        (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, "staff", ""),
        (TaskStatus.IN_PROGRESS, TaskStatus.REPLIED, "staff", ""),
        (TaskStatus.REPLIED, TaskStatus.CLOSED, "admin", "已核对。"),
    ]
    history = list(task.history.order_by("history_date").values_list("status", "history_user__username"))
    # (the projects' setting right after the task's creation is a history row of its own)
    moves = [row for index, row in enumerate(history) if index == 0 or row != history[index - 1]]
    assert moves == [("assigned", "leader"), ("in_progress", "staff"), ("replied", "staff"), ("closed", "admin")]


def test_returned_with_a_reason_the_owner_works_again_and_replies_once_more(users):
    task = assign(users["admin"])
    task = task_reply(user=users["staff_a"], task=task, text="已完成。")  # straight from 交办
    task = task_return(user=users["admin"], task=task, reason="  未附签约台账，请补充。 ")
    assert (task.status, task.replied_on) == (TaskStatus.RETURNED, None)
    assert task.steps.last().note == "未附签约台账，请补充。"
    returned = Notification.objects.get(kind=NotificationKind.TASK_RETURNED)
    assert (returned.user.username, "退回原因：未附签约台账，请补充。" in returned.body) == ("staff", True)
    assert task_actions(users["staff_a"], task) == {"start", "reply"}
    task = task_start(user=users["staff_a"], task=task)
    task = task_reply(user=users["staff_a"], task=task, text="已补充签约台账。")
    assert (task.status, task.replied_on) == (TaskStatus.REPLIED, TODAY)
    assert list(task.replies.values_list("text", flat=True)) == ["已完成。", "已补充签约台账。"]
    assert [step.to_status for step in task.steps.all()] == [
        TaskStatus.ASSIGNED,
        TaskStatus.REPLIED,
        TaskStatus.RETURNED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.REPLIED,
    ]


def test_overdue_is_one_rule_for_a_task_in_hand_and_in_a_query(users, settings):
    task = assign(users["admin"], deadline=date(2015, 10, 22))
    settings.KP_TODAY = date(2015, 10, 23)
    assert (fresh(task).overdue, Task.objects.overdue().filter(pk=task.pk).exists()) == (True, True)
    settings.KP_TODAY = date(2015, 10, 22)
    assert (fresh(task).overdue, Task.objects.overdue().filter(pk=task.pk).exists()) == (False, False)
    task = task_reply(user=users["staff_a"], task=task, text="已办结。")  # replied by the deadline
    settings.KP_TODAY = date(2015, 11, 30)
    assert (fresh(task).overdue, Task.objects.overdue().filter(pk=task.pk).exists()) == (False, False)
    annotated = Task.objects.with_overdue().get(pk=task.pk)
    assert annotated.overdue is False


# --- refusals: nothing changes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "kwargs", "error", "message"),
    [
        ("staff_a", {}, PermissionDenied, "只有项目办管理员和联系领导可以交办事项"),
        ("other_leader", {"meeting": "weekly"}, PermissionDenied, "主持该会议的领导"),
        ("leader", {"projects": [TIANAN]}, ValidationError, "领导只能就其联系的项目交办事项"),
        ("leader", {"projects": []}, ValidationError, "请选择您联系的相关项目"),
        ("admin", {"content": "   "}, ValidationError, "请填写交办内容"),
        ("admin", {"deadline": date(2015, 10, 19)}, ValidationError, "办结期限不能早于今天（2015年10月20日）"),
        ("admin", {"deadline": None}, ValidationError, "二者选其一"),
        ("admin", {"workdays": 5}, ValidationError, "二者选其一"),  # and the date
        ("admin", {"workdays": 0, "deadline": None}, ValidationError, "办理时限应在 1 到 250 个工作日之间"),
        ("admin", {"workdays": 251, "deadline": None}, ValidationError, "办理时限应在 1 到 250 个工作日之间"),
        ("admin", {"owner": "中兴路街道办事处"}, ValidationError, "承办单位须为该区县的部门或街道办事处"),
        ("admin", {"meeting": "weekly", "problem": True}, ValidationError, "只能来自一个调度会议或一个问题"),
    ],
)
def test_assigning_is_refused_with_a_chinese_reason(users, who, kwargs, error, message):
    if kwargs.get("meeting") == "weekly":
        kwargs["meeting"] = weekly_meeting()
    if kwargs.get("problem") is True:
        kwargs["problem"] = Problem.objects.filter(status=ProblemStatus.COORDINATING).first()
    if "projects" in kwargs:
        kwargs["projects"] = [project(name) for name in kwargs["projects"]]
    owner = kwargs.pop("owner", BEIHUAN)
    before = state()
    with pytest.raises(error, match=message):
        task_assign(
            user=users[who],
            owner=Unit.objects.get(name=owner),
            **{"content": "交办内容", "deadline": date(2015, 10, 30), "projects": [project(HENGYU)], **kwargs},
        )
    assert state() == before


def test_a_leader_assigns_on_a_project_they_follow_and_from_a_meeting_they_chaired(users):
    direct = assign(users["leader"], projects=[project(HENGYU)], owner="建设路街道办事处")
    assert (direct.source, list(direct.projects.all())) == (TaskSource.DIRECT, [project(HENGYU)])
    from_meeting = assign(users["leader"], meeting=weekly_meeting(), projects=[])
    assert from_meeting.source == TaskSource.MEETING


def test_working_days_skip_the_national_day_holiday(users, settings):
    settings.KP_TODAY = date(2015, 9, 28)  # a Monday; 1–7 October are holidays, Saturday 10 October works
    task = assign(users["admin"], workdays=5, deadline=None)
    assert (task.assigned_on, task.deadline) == (date(2015, 9, 28), date(2015, 10, 10))
    task = assign(users["admin"], workdays=1, deadline=None, content="次日办结")
    assert task.deadline == date(2015, 9, 29)


def loop_to(users, status):
    """A task of 北环路街道办事处 moved to ``status`` by the right people."""
    task = assign(users["admin"])
    if status == TaskStatus.ASSIGNED:
        return task
    if status == TaskStatus.IN_PROGRESS:
        return task_start(user=users["staff_a"], task=task)
    task = task_reply(user=users["staff_a"], task=task, text="已办结。")
    if status == TaskStatus.REPLIED:
        return task
    if status == TaskStatus.CLOSED:
        return task_close(user=users["admin"], task=task)
    return task_return(user=users["admin"], task=task, reason="请补充。")


MOVES = {
    "start": lambda user, task: task_start(user=user, task=task),
    "reply": lambda user, task: task_reply(user=user, task=task, text="已办结。"),
    "close": lambda user, task: task_close(user=user, task=task),
    "return": lambda user, task: task_return(user=user, task=task, reason="请补充。"),
}


@pytest.mark.parametrize(
    ("status", "move", "who", "error", "message"),
    [
        # the wrong role
        (TaskStatus.ASSIGNED, "start", "admin", PermissionDenied, "只有承办单位的工作人员可以办理"),
        (TaskStatus.ASSIGNED, "reply", "leader", PermissionDenied, "只有承办单位的工作人员可以回复"),
        (TaskStatus.ASSIGNED, "reply", "staff_b", PermissionDenied, "只有承办单位的工作人员可以回复"),
        (TaskStatus.REPLIED, "close", "staff_a", PermissionDenied, "只有项目办管理员可以销号"),
        (TaskStatus.REPLIED, "close", "leader", PermissionDenied, "只有项目办管理员可以销号"),
        (TaskStatus.REPLIED, "return", "staff_a", PermissionDenied, "只有项目办管理员可以退回"),
        # the wrong state
        (TaskStatus.IN_PROGRESS, "start", "staff_a", ValidationError, "当前为「办理中」，不能开始办理"),
        (TaskStatus.REPLIED, "start", "staff_a", ValidationError, "当前为「已回复」，不能开始办理"),
        (TaskStatus.REPLIED, "reply", "staff_a", ValidationError, "当前为「已回复」，不能回复"),
        (TaskStatus.CLOSED, "reply", "staff_a", ValidationError, "当前为「已销号」，不能回复"),
        (TaskStatus.ASSIGNED, "close", "admin", ValidationError, "当前为「交办」，不能销号"),
        (TaskStatus.IN_PROGRESS, "return", "admin", ValidationError, "当前为「办理中」，不能退回"),
        (TaskStatus.RETURNED, "close", "admin", ValidationError, "当前为「退回重办」，不能销号"),
        (TaskStatus.CLOSED, "return", "admin", ValidationError, "当前为「已销号」，不能退回"),
        (TaskStatus.CLOSED, "close", "admin", ValidationError, "当前为「已销号」，不能销号"),
    ],
)
def test_a_move_by_the_wrong_person_or_in_the_wrong_state_changes_nothing(users, status, move, who, error, message):
    task = loop_to(users, status)
    before = state()
    with pytest.raises(error, match=message):
        MOVES[move](users[who], fresh(task))
    assert state() == before


@pytest.mark.parametrize(("reason", "text"), [("", "已办结"), ("   ", "已办结")])
def test_an_empty_reason_or_reply_is_refused(users, reason, text):
    task = loop_to(users, TaskStatus.REPLIED)
    before = state()
    with pytest.raises(ValidationError, match="请填写退回原因"):
        task_return(user=users["admin"], task=fresh(task), reason=reason)
    assert state() == before
    task = loop_to(users, TaskStatus.IN_PROGRESS)
    before = state()
    with pytest.raises(ValidationError, match="请填写办理情况"):
        task_reply(user=users["staff_a"], task=fresh(task), text=reason)
    assert state() == before


def test_a_stale_state_is_refused_naming_the_state_it_is_in_now(users):
    read = loop_to(users, TaskStatus.REPLIED)  # what an admin's page showed
    task_close(user=users["admin"], task=fresh(read))  # meanwhile another admin closed it
    before = state()
    with pytest.raises(ValidationError, match=TASK_CHANGED.format(status="已销号")[:20]):
        task_return(user=users["admin"], task=read, reason="请补充。")
    assert state() == before


def test_a_page_read_before_a_change_is_refused_even_in_the_same_state(users):
    # Returned and replied again since the admin's page was read: the same state, another reply.
    task = loop_to(users, TaskStatus.REPLIED)
    seen_at = fresh(task).updated_at
    task = task_return(user=users["admin"], task=fresh(task), reason="请补充。")
    task_reply(user=users["staff_a"], task=fresh(task), text="已补充。")
    before = state()
    with pytest.raises(ValidationError, match="该事项刚被其他人处理（现为「已回复」）"):
        task_close(user=users["admin"], task=fresh(task), expected_updated_at=seen_at)
    assert state() == before


# --- scope ----------------------------------------------------------------------------------------


def test_staff_of_another_street_see_nothing_and_may_do_nothing(users):
    task = assign(users["admin"])
    assert not Task.objects.visible_to(users["staff_b"]).filter(pk=task.pk).exists()
    assert task_actions(users["staff_b"], task) == set()
    with pytest.raises(PermissionDenied):
        task_start(user=users["staff_b"], task=task)
    theirs = assign(users["admin"], owner=DONGAN, projects=[project("东安路片区旧城改造（示例）")])
    assert Task.objects.visible_to(users["staff_b"]).filter(pk=theirs.pk).exists()
    assert not Task.objects.visible_to(users["staff_a"]).filter(pk=theirs.pk).exists()
    assert notified(NotificationKind.TASK_ASSIGNED).keys() == {"staff", "staff_b"}


# --- problems -------------------------------------------------------------------------------------


def coordinating_problem(project_name=HENGYU):
    return Problem.objects.get(project__name=project_name, status=ProblemStatus.COORDINATING)


def test_a_problem_is_escalated_by_the_office_or_its_project_leader_only(users):
    problem = coordinating_problem()
    task = task_assign(
        user=users["leader"], owner=unit("区国土资源局"), content="协调用地指标报批。", workdays=10, problem=problem
    )
    assert (task.source, task.problem, list(task.projects.all())) == (TaskSource.PROBLEM, problem, [problem.project])
    before = state()
    with pytest.raises(PermissionDenied, match="该项目的联系领导"):
        task_assign(
            user=users["other_leader"], owner=unit("区国土资源局"), content="协调", workdays=10, problem=problem
        )
    resolved = Problem.objects.filter(status=ProblemStatus.RESOLVED, project__district__code="410403").first()
    with pytest.raises(ValidationError, match="该问题已销号"):
        task_assign(user=users["admin"], owner=unit("区国土资源局"), content="协调", workdays=10, problem=resolved)
    assert state() == before


def test_closing_a_task_from_a_problem_resolves_the_problem_with_the_latest_reply(users):
    problem = coordinating_problem()
    task = task_assign(
        user=users["admin"], owner=unit("区国土资源局"), content="协调用地指标报批。", workdays=10, problem=problem
    )
    department_staff = users["staff_a"]
    department_staff.units.add(unit("区国土资源局"))
    task = task_reply(user=department_staff, task=task, text="用地指标已报批。")
    task = task_return(user=users["admin"], task=task, reason="请附批复文件。")
    task = task_reply(user=department_staff, task=task, text="用地指标已获市政府批复，批复文件已上传。")
    task_close(user=users["admin"], task=task)
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == (ProblemStatus.RESOLVED, "用地指标已获市政府批复，批复文件已上传。")
    assert (problem.confirmed_on, problem.confirmed_by) == (TODAY, users["admin"])


def test_closing_a_task_from_a_problem_awaiting_its_销号_keeps_the_streets_own_resolution(users):
    problem = Problem.objects.filter(project__street__name="北环路街道", status=ProblemStatus.COORDINATING).first()
    task = task_assign(user=users["admin"], owner=unit(BEIHUAN), content="协调线路迁改。", workdays=10, problem=problem)
    problem_services.problem_solve(user=users["staff_a"], problem=problem, resolution="街道已协调供电公司完成迁改。")
    task = task_reply(user=users["staff_a"], task=task, text="已协调。")
    task_close(user=users["admin"], task=task)
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == (ProblemStatus.RESOLVED, "街道已协调供电公司完成迁改。")
    assert problem.confirmed_by == users["admin"]


def resolve_behind_its_back(problem):
    Problem.objects.filter(pk=problem.pk).update(
        status=ProblemStatus.RESOLVED, resolution="已解决。", resolved_on=TODAY, confirmed_on=TODAY
    )


def test_a_problem_resolved_since_it_was_read_is_not_escalated(users):
    problem = coordinating_problem()  # read while still being coordinated ...
    resolve_behind_its_back(problem)  # ... resolved meanwhile
    before = state()
    with pytest.raises(ValidationError, match="该问题已销号，不需再交办。"):
        task_assign(user=users["admin"], owner=unit("区国土资源局"), content="协调", workdays=10, problem=problem)
    assert state() == before


def test_may_assign_from_is_the_one_rule_and_names_the_district(users):
    meeting, problem = weekly_meeting(), coordinating_problem()
    district = meeting.district_id
    assert may_assign_from(users["admin"], meeting=meeting) == district
    assert may_assign_from(users["leader"], meeting=meeting) == district  # 王某 chaired it
    assert may_assign_from(users["leader"], problem=problem) == problem.project.district_id
    assert may_assign_from(users["leader"], project=project(HENGYU)) == district
    assert may_assign_from(users["leader"], project=project(TIANAN)) is None  # not a project 王某 follows
    assert may_assign_from(users["other_leader"], meeting=meeting) is None
    assert may_assign_from(users["staff_a"], project=project(TIANAN)) is None
    Leader.objects.filter(user=users["leader"]).update(is_active=False)  # 王某 has left office
    assert may_assign_from(users["leader"], meeting=meeting) is None
    assert may_assign_from(users["leader"], problem=problem) is None
    assert may_assign_from(users["leader"], project=project(HENGYU)) is None
    resolve_behind_its_back(problem)
    assert may_assign_from(users["admin"], problem=Problem.objects.get(pk=problem.pk)) is None
    with pytest.raises(TypeError):
        may_assign_from(users["admin"], meeting=meeting, project=project(HENGYU))


# --- attachments ----------------------------------------------------------------------------------


def test_a_reply_keeps_its_documents_named_by_their_real_kind(users):
    task = loop_to(users, TaskStatus.IN_PROGRESS)
    documents = [
        document_check(SimpleUploadedFile("签约台账.pdf", PDF), label="回复附件"),
        document_check(SimpleUploadedFile("现场照片.pdf", png()), label="回复附件"),  # a PNG sent as .pdf
    ]
    task_reply(user=users["staff_a"], task=fresh(task), text="见附件。", attachments=documents)
    stored = list(ReplyAttachment.objects.filter(reply__task=task).order_by("pk"))
    assert [a.original_name for a in stored] == ["签约台账.pdf", "现场照片.pdf"]
    assert [a.file.name.rsplit(".", 1)[1] for a in stored] == ["pdf", "png"]
    assert stored[0].file.read() == PDF


def test_a_refused_reply_leaves_no_file_behind(users):
    task = loop_to(users, TaskStatus.IN_PROGRESS)
    seen_at = fresh(task).updated_at
    task_start_again = fresh(task)
    Task.objects.filter(pk=task.pk).update(updated_at=seen_at.replace(year=2014))  # changed since
    storage = ReplyAttachment._meta.get_field("file").storage
    folders_before = files_under(storage)
    with pytest.raises(ValidationError):
        task_reply(
            user=users["staff_a"],
            task=task_start_again,
            text="见附件。",
            attachments=[document_check(SimpleUploadedFile("台账.pdf", PDF), label="回复附件")],
            expected_updated_at=seen_at,
        )
    assert files_under(storage) == folders_before
    assert not ReplyAttachment.objects.exists()


def files_under(storage):
    import os

    root = storage.path("dispatch")
    return {os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names}


def png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()
