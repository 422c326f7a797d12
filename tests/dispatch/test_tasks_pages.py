"""The pages of assigned tasks: the board (filters, counts, scope), assigning from a meeting, a problem or
a project, a task's page and the moves posted from it, replies' attachments served only in scope,
and the project page's 交办事项 card."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dispatch.choices import TaskStatus
from dispatch.models import Meeting, ReplyAttachment, Task
from dispatch.services.tasks import task_assign, task_reply
from projects.models import Leader, Problem, Project, Unit
from tests.dispatch.test_tasks import BEIHUAN, HENGYU, PDF, TIANAN, png

pytestmark = pytest.mark.usefixtures("demo")

TODAY = date(2015, 10, 20)


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = TODAY


def board(client, query=""):
    response = client.get(reverse("dispatch:task_board") + query)
    assert response.status_code == 200
    return response


def shown(response):
    return [task.content for task in response.context["tasks"]]


def new_task(users, owner=BEIHUAN, **kwargs):
    kwargs.setdefault("projects", [Project.objects.get(name=TIANAN)])
    kwargs.setdefault("deadline", date(2015, 10, 30))
    owner = Unit.objects.get(name=owner, district__code="410403")
    return task_assign(user=users["admin"], owner=owner, content="整理签约台账。", **kwargs)


# --- the board ------------------------------------------------------------------------------------


def test_the_board_counts_by_status_and_overdue_and_filters(client_for):
    admin = client_for("admin")
    response = board(admin)
    assert len(shown(response)) == 6
    counts = dict((status.value, count) for status, count in response.context["counts"])
    assert counts == {"assigned": 3, "in_progress": 1, "replied": 1, "closed": 1, "returned": 0}
    assert response.context["overdue_total"] == 1
    assert shown(board(admin, "?overdue=true")) == ["东安路片区旧城改造拆迁安置方案10月中旬前报区政府审定。"]
    assert len(shown(board(admin, "?overdue=false"))) == 5
    # Counts follow the other filters, not the status or overdue they split by.
    response = board(admin, f"?owner={Unit.objects.get(name=BEIHUAN).pk}&status=replied")
    assert len(shown(response)) == 1
    assert response.context["total"] == 3
    assert len(shown(board(admin, "?due_after=2015-10-17&due_before=2015-10-31"))) == 2
    assert len(shown(board(admin, "?source=problem"))) == 1


def test_a_bad_filter_is_named_and_ignored(client_for):
    response = board(client_for("admin"), "?status=nonsense&overdue=maybe&owner=abc")
    assert len(shown(response)) == 6
    assert "筛选条件有误" in response.content.decode()


def test_staff_see_their_own_tasks_only(client_for):
    assert len(shown(board(client_for("staff_a")))) == 3  # 北环路街道办事处's
    assert shown(board(client_for("staff_b"))) == ["东安路片区旧城改造拆迁安置方案10月中旬前报区政府审定。"]
    assert shown(board(client_for("other_leader"))) == []


# --- assigning ------------------------------------------------------------------------------------


def test_a_leader_assigns_from_the_meeting_they_chaired(client_for, users):
    meeting = Meeting.objects.get(title="9月第3周重点项目周调度会")
    leader = client_for("leader")
    page = leader.get(meeting.get_absolute_url())
    assert page.status_code == 200 and page.context["assign_form"] is not None
    owners = set(page.context["assign_form"].fields["owner"].queryset.values_list("district__code", flat=True))
    assert owners == {"410403"}
    url = reverse("dispatch:task_create") + f"?meeting={meeting.pk}"
    response = leader.post(
        url,
        {"owner": Unit.objects.get(name=BEIHUAN).pk, "content": "协调恢复施工", "workdays": "3",
         "projects": [Project.objects.get(name=HENGYU).pk]},
    )  # fmt: skip
    task = Task.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert (task.meeting, task.deadline, task.assigned_by) == (meeting, date(2015, 10, 23), users["leader"])


def test_assigning_errors_are_shown_on_the_form_and_write_nothing(client_for):
    before = Task.objects.count()
    response = client_for("admin").post(
        reverse("dispatch:task_create"),
        {"owner": Unit.objects.get(name=BEIHUAN).pk, "content": "协调", "deadline": "2015-10-01", "workdays": ""},
    )
    assert response.status_code == 200
    assert "办结期限不能早于今天（2015年10月20日）" in response.content.decode()
    response = client_for("admin").post(
        reverse("dispatch:task_create"), {"owner": Unit.objects.get(name=BEIHUAN).pk, "content": "协调"}
    )
    assert "二者选其一" in response.content.decode()
    assert Task.objects.count() == before


@pytest.mark.parametrize(
    ("role", "query", "expected"),
    [
        ("admin", "?problem={problem}", 200),
        ("leader", "?problem={problem}", 200),  # 恒宇·东城国际 is 王某's
        ("other_leader", "?problem={problem}", 404),
        ("staff_a", "?problem={problem}", 403),
        ("admin", "?project={project}", 200),
        ("leader", "?project={project}", 404),  # 天安名郡 is not followed by 王某
        ("admin", "?meeting=abc", 404),
        ("admin", "?meeting=99999999999999999999", 404),
        ("other_leader", "?meeting={meeting}", 404),
    ],
)
def test_the_assign_form_opens_from_a_source_the_user_may_assign_from(client_for, role, query, expected):
    problem = Problem.objects.get(project__name=HENGYU, status="coordinating")
    meeting = Meeting.objects.get(title="9月第3周重点项目周调度会")
    url = reverse("dispatch:task_create") + query.format(
        problem=problem.pk, project=Project.objects.get(name=TIANAN).pk, meeting=meeting.pk
    )
    response = client_for(role).get(url)
    assert response.status_code == expected
    if expected == 200 and "problem" in query:
        assert response.context["form"]["projects"].value() == [problem.project.pk]


# --- a task's page and its moves ------------------------------------------------------------------


def forms_on_page(client, task):
    response = client.get(task.get_absolute_url())
    assert response.status_code == 200
    return {name for name in ("start", "reply", "close", "return") if response.context[f"{name}_form"] is not None}


def test_each_viewer_sees_the_moves_they_may_make(client_for, users):
    task = new_task(users)
    assert forms_on_page(client_for("staff_a"), task) == {"start", "reply"}
    assert forms_on_page(client_for("admin"), task) == set()
    task_reply(user=users["staff_a"], task=task, text="已办结。")
    assert forms_on_page(client_for("admin"), task) == {"close", "return"}
    assert forms_on_page(client_for("staff_a"), task) == set()
    assert client_for("staff_b").get(task.get_absolute_url()).status_code == 404


def post_move(client, task, move, **data):
    task = Task.objects.get(pk=task.pk)
    data.setdefault("updated_at", task.updated_at.isoformat())
    return client.post(reverse(f"dispatch:task_{move}", args=[task.pk]), data)


def test_the_loop_through_the_pages(client_for, users):
    task = new_task(users)
    staff, admin = client_for("staff_a"), client_for("admin")
    assert post_move(staff, task, "start").status_code == 302
    upload = SimpleUploadedFile("签约台账.pdf", PDF)
    response = post_move(staff, task, "reply", text="已整理完毕。", attachments=[upload])
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.REPLIED
    response = post_move(admin, task, "return", reason="")
    assert response.status_code == 200 and "请填写退回原因。" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.REPLIED
    assert post_move(admin, task, "return", reason="请补充照片。").status_code == 302
    photo = SimpleUploadedFile("照片.png", png())
    assert post_move(staff, task, "reply", text="已补充。", attachments=[photo]).status_code == 302
    assert post_move(admin, task, "close", note="").status_code == 302
    page = staff.get(task.get_absolute_url()).content.decode()
    assert "已销号" in page and "签约台账.pdf" in page and "请补充照片。" in page


def test_a_page_read_before_someone_else_acted_changes_nothing(client_for, users):
    task = new_task(users)
    task_reply(user=users["staff_a"], task=task, text="已办结。")
    stale = Task.objects.get(pk=task.pk).updated_at.isoformat()
    assert post_move(client_for("admin"), task, "close").status_code == 302  # the first admin
    response = post_move(client_for("admin"), task, "return", reason="请补充。", updated_at=stale)
    assert response.status_code == 302
    message = [str(m) for m in response.wsgi_request._messages]
    assert any("不能退回" in m for m in message), message
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CLOSED


@pytest.mark.parametrize(
    ("role", "move", "expected"),
    [("admin", "start", 403), ("leader", "reply", 403), ("staff_a", "close", 403), ("staff_b", "reply", 404)],
)
def test_a_move_posted_by_the_wrong_person_is_refused(client_for, users, role, move, expected):
    task = new_task(users, projects=[Project.objects.get(name=HENGYU)])  # the leader sees it
    before = Task.objects.filter(pk=task.pk).values().get()
    assert post_move(client_for(role), task, move, text="x", reason="x").status_code == expected
    assert Task.objects.filter(pk=task.pk).values().get() == before


def test_a_file_that_is_not_a_document_is_refused_on_the_form(client_for, users):
    task = new_task(users)
    response = post_move(
        client_for("staff_a"), task, "reply", text="见附件。", attachments=[SimpleUploadedFile("台账.pdf", b"MZ" * 50)]
    )
    assert response.status_code == 200
    assert "「台账.pdf」不是有效的 PDF、JPEG 或 PNG 文件，回复附件只能上传这三种格式。" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ASSIGNED


# --- attachments ----------------------------------------------------------------------------------


@pytest.fixture
def reply_file(users):
    from projects.services.documents import document_check

    task = task_assign(
        user=users["leader"],
        owner=Unit.objects.get(name=BEIHUAN),
        content="协调恢复施工。",
        deadline=date(2015, 10, 30),
        projects=[Project.objects.get(name=HENGYU)],
    )
    upload = document_check(SimpleUploadedFile("现场照片.pdf", png()), label="回复附件")  # a PNG named .pdf
    task_reply(user=users["staff_a"], task=task, text="见附件。", attachments=[upload])
    return ReplyAttachment.objects.get(reply__task=task)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 200), ("staff_a", 200), ("leader", 200), ("staff_b", 404), ("other_leader", 404), ("anonymous", 302)],
)
def test_a_replys_attachment_is_served_only_to_those_who_see_the_task(client_for, reply_file, role, expected):
    response = client_for(role).get(reverse("dispatch:reply_attachment", args=[reply_file.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.pdf.png" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == png()


# --- the project page ---------------------------------------------------------------------------------


def test_the_project_page_shows_its_tasks_with_the_overdue_flag(client_for):
    project = Project.objects.get(name="东安路片区旧城改造（示例）")
    admin = client_for("admin").get(project.get_absolute_url()).content.decode()
    assert "东安路片区旧城改造拆迁安置方案10月中旬前报区政府审定。" in admin
    section = admin[admin.index('id="project-tasks"') :]
    assert "超期" in section[: section.index("</section>")]
    assert f"{reverse('dispatch:task_create')}?project={project.pk}" in admin
    leader = client_for("leader").get(project.get_absolute_url()).content.decode()  # 王某 follows it
    assert "拆迁安置方案" in leader and f"?project={project.pk}" in leader


def test_the_project_page_lists_only_tasks_the_viewer_sees(client_for, users):
    project = Project.objects.get(name=TIANAN)  # 北环路街道
    new_task(users, owner="区住房和城乡建设局", projects=[project])
    staff = client_for("staff_a").get(project.get_absolute_url()).content.decode()
    assert "剩余12户拆迁户签约" in staff  # the street office's own task
    assert "整理签约台账。" not in staff  # a department's task on the street's project
    assert f"{reverse('dispatch:task_create')}?project=" not in staff  # staff do not assign


def test_a_replys_attachment_whose_file_is_gone_from_storage_answers_404(client_for, reply_file):
    reply_file.file.storage.delete(reply_file.file.name)  # removed by hand, or a restore without media
    assert client_for("admin").get(reverse("dispatch:reply_attachment", args=[reply_file.pk])).status_code == 404


def test_a_leader_who_has_left_office_is_offered_no_assigning(client_for, users):
    Leader.objects.filter(user=users["leader"]).update(is_active=False)
    project = Project.objects.get(name=HENGYU)  # 王某 follows it
    page = client_for("leader").get(project.get_absolute_url()).content.decode()
    assert f"{reverse('dispatch:task_create')}?project=" not in page
    meeting = Meeting.objects.get(title="9月第3周重点项目周调度会")  # 王某 chaired it
    url = f"{reverse('dispatch:task_create')}?meeting={meeting.pk}"
    assert client_for("leader").get(url).status_code == 403
