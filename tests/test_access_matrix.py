"""Every view × every kind of visitor × method: the status code, and for writes that a refused
request leaves the database exactly as it was.

Objects: project_a lies in staff_a's street (北环路街道) and is followed by neither leader;
project_l is followed by `leader` (王某) and lies outside both staff users' streets.
"""

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.urls import reverse

from projects import events
from projects.models import Assignment, ImportRecord, Instruction, Listing, Problem, Project, Region, Rollover

ROLES = ["anonymous", "admin", "staff_a", "staff_b", "leader", "other_leader"]
SIGNED_IN = ROLES[1:]
LOGIN = 302  # anonymous visitors are sent to the login page


@dataclass
class Objects:
    project_a: Project
    project_l: Project
    problem_a: Problem
    problem_l: Problem
    open_problem_a: Problem
    listing_a: object  # September not reported yet
    report_a: object  # September submitted
    visit_a: object
    photo_a: object
    sample_import: object


def sample_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import SAMPLE_LIST

    return SimpleUploadedFile("2016.xlsx", SAMPLE_LIST.read_bytes())


@pytest.fixture
def objects(users, sample_import):
    from projects.models import Listing, ReportPhoto, SupervisionVisit

    project_a = Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")
    project_l = Project.objects.get(name="恒宇·东城国际")
    return Objects(
        project_a=project_a,
        project_l=project_l,
        problem_a=project_a.problems.first(),
        problem_l=project_l.problems.first(),
        open_problem_a=Problem.objects.create(project=project_a, description="矩阵测试问题", raised_on="2015-10-01"),
        listing_a=Listing.objects.get(project__name="北环路机械配件厂技改（示例）"),
        report_a=project_a.listings.get().reports.get(month=9),
        visit_a=SupervisionVisit.objects.get(project=project_a),
        photo_a=ReportPhoto.objects.get(report__listing__project=project_a),
        sample_import=sample_import,
    )


def staff_a():
    from accounts.models import User

    return User.objects.get(username="staff")


def other_office_project():
    return Project.objects.filter(district__code="410402").order_by("pk").first()


def instruction_count(o):
    return Instruction.objects.count()


def problem_state(o):
    return list(Problem.objects.order_by("pk").values_list("pk", "description", "status"))


def report_state(o):
    from projects.models import ClosedMonth, MonthlyReport

    reports = MonthlyReport.objects.order_by("pk").values_list("pk", "investment", "status", "version")
    return list(reports), list(ClosedMonth.objects.values_list("year", "month"))


def open_problem_state(o):
    return list(Problem.objects.order_by("pk").values_list("pk", "status", "description"))


def visit_problem_count(o):
    return Problem.objects.filter(source_visit__isnull=False).count()


def active_assignments(o):
    return list(Assignment.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))


def issued_bulletin(street=None):
    """The 卫东区 office's September 2015 bulletin (of one street, when named), issued on first use."""
    from accounts.models import User
    from bulletins.models import Bulletin
    from bulletins.services.issue import bulletin_issue
    from projects.models import Street

    street = Street.objects.get(name=street) if street else None
    found = Bulletin.objects.filter(year=2015, month=9, street=street).first()
    admin = User.objects.get(username="admin")
    return found or bulletin_issue(by=admin, year=2015, month=9, level="city", street=street)


def bulletin_numbers(o):
    from bulletins.models import Bulletin

    return list(Bulletin.objects.order_by("pk").values_list("region__code", "year", "number"))


# --- approvals (前期手续、要素保障) -------------------------------------------------------------------


def matrix_item(project, *, with_file=False):
    """An approval item of ``project`` owned by a district department, created on first use."""
    from django.core.files.base import ContentFile

    from approvals.models import ApprovalItem
    from projects.models import Unit

    department = Unit.objects.filter(district=project.district, kind="department").order_by("pk").first()
    item, created = ApprovalItem.objects.get_or_create(
        project=project,
        name="矩阵测试事项",
        defaults={"department": department, "planned_date": date(2015, 12, 1)},
    )
    if with_file and not item.attachment:
        item.attachment_extension, item.attachment_name = "pdf", "批复.pdf"
        item.attachment.save("batch", ContentFile(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"), save=True)
    return item


def matrix_template(project):
    """A template of the project's district with one item the project does not have yet."""
    from approvals.models import ApprovalTemplate, TemplateItem

    template, _ = ApprovalTemplate.objects.get_or_create(district=project.district, name="矩阵测试模板")
    TemplateItem.objects.get_or_create(template=template, name="矩阵模板事项", defaults={"time_limit_days": 5})
    return template


def item_state(o):
    from approvals.models import ApprovalItem

    matrix_item(o.project_a), matrix_item(o.project_l)  # the items the requests name exist before
    fields = ("pk", "name", "status", "planned_date", "document_number", "notes")
    return list(ApprovalItem.objects.order_by("pk").values_list(*fields))


def item_progress(item):
    """The edit form's fields; an admin's form has the item's own fields too (a staff form ignores them)."""
    return {
        "name": item.name, "department": item.department_id or "", "time_limit_days": "",
        "sort_order": item.sort_order, "blocks_start": "on",
        "status": "not_started", "planned_date": "2015-12-20", "submitted_date": "", "approved_date": "",
        "document_number": "", "notes": "矩阵测试修改", "updated_at": item.updated_at.isoformat(),
    }  # fmt: skip


def resources_state(o):
    from approvals.models import Funding, LandSupply

    return list(Funding.objects.order_by("pk").values_list("pk", "planned")), list(
        LandSupply.objects.order_by("pk").values_list("pk", "needed")
    )


def resources_post(project):
    from approvals.services.resources import resources_version

    return {"version": resources_version(project=project, year=2015), "fiscal-planned": "100", "land-needed": "12"}


def statistics_state(o):
    from approvals.models import StatisticsFigure, StatisticsRegistration

    return list(StatisticsRegistration.objects.values_list("project", "registered")), list(
        StatisticsFigure.objects.values_list("project", "month", "cumulative")
    )


def statistics_post(project):
    from approvals.services.statistics import statistics_version

    return {
        "version": statistics_version(project=project, year=2015),
        "registered": "on", "registered_on": "2015-06-01", "month_9": "100",
    }  # fmt: skip


# --- dispatch: the inbox (消息) and 个人设置 ------------------------------------------------------------


def matrix_notification(o=None):
    """staff_a's unread notification, created on first use."""
    from dispatch.choices import NotificationKind
    from dispatch.models import Notification

    defaults = {"kind": NotificationKind.INSTRUCTION, "title": "矩阵测试消息", "link": "/projects/"}
    notification, _ = Notification.objects.get_or_create(user=staff_a(), key="matrix:inbox", defaults=defaults)
    return notification


def notification_read(o):
    """Whether staff_a's matrix notification has been read (only staff_a may read it)."""
    from dispatch.models import Notification

    return Notification.objects.filter(pk=matrix_notification().pk, read_at__isnull=False).exists()


def profiles(o):
    from accounts.models import User

    return list(User.objects.order_by("pk").values_list("pk", "email", "mobile"))


# --- dispatch (调度会议、交办事项) ---------------------------------------------------------------------
# The demo's meetings: 王某 (leader) chaired the weekly one, which 北环路 (staff_a) and 东安路 (staff_b)
# attended; 郑某 chaired the monthly one, which 北环路 attended, on projects neither leader follows.


def matrix_meeting(title="9月第3周重点项目周调度会", *, with_file=False):
    from django.core.files.base import ContentFile

    from dispatch.models import Meeting

    meeting = Meeting.objects.get(title=title)
    if with_file and not meeting.minutes_file:
        meeting.minutes_file_name = "纪要.pdf"
        meeting.minutes_file.save("document.pdf", ContentFile(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"), save=True)
    return meeting


MONTHLY_MEETING = "9月份重点项目月调度会"


def matrix_task(project, *, replied=False):
    """A task of 北环路街道办事处 (staff_a's) on ``project``, assigned by the office; replied with a
    document when asked. Created on first use."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from dispatch.models import Task
    from dispatch.services.tasks import task_assign, task_reply
    from projects.models import Unit
    from projects.services.documents import document_check

    content = f"矩阵测试事项：{project.name}" + ("（已回复）" if replied else "")
    task = Task.objects.filter(content=content).first()
    if task is None:
        task = task_assign(
            user=User.objects.get(username="admin"),
            owner=Unit.objects.get(name="北环路街道办事处"),
            content=content,
            workdays=10,
            projects=[project],
        )
        if replied:
            document = document_check(SimpleUploadedFile("回复.pdf", b"%PDF-1.4\n%%EOF\n"), label="回复附件")
            task = task_reply(user=staff_a(), task=task, text="已办结。", attachments=[document])
    return Task.objects.get(pk=task.pk)


def task_state(o):
    from dispatch.models import Task, TaskReply, TaskStep

    matrix_task(o.project_a), matrix_task(o.project_l, replied=True)  # the tasks the requests name exist before
    tasks = list(Task.objects.order_by("pk").values_list("pk", "status", "content"))
    return tasks, TaskStep.objects.count(), TaskReply.objects.count()


def meeting_state(o):
    from dispatch.models import Meeting

    return list(Meeting.objects.order_by("pk").values_list("pk", "title", "kind", "minutes"))


def meeting_post(o):
    from projects.models import Leader, Unit

    meeting = matrix_meeting()
    return {
        "date": "2015-10-19", "kind": "topic", "title": "矩阵测试会议", "chair": Leader.objects.get(name="王某").pk,
        "attendees": [Unit.objects.get(name="建设路街道办事处").pk], "projects": [o.project_l.pk],
        "minutes": "矩阵测试纪要", "updated_at": meeting.updated_at.isoformat(),
    }  # fmt: skip


def task_post(o):
    from projects.models import Unit

    return {"owner": Unit.objects.get(name="建设路街道办事处").pk, "content": "矩阵交办", "workdays": "5",
            "projects": [o.project_l.pk]}  # fmt: skip


def move_post(task, **data):
    return {"updated_at": task.updated_at.isoformat(), **data}


@dataclass
class Case:
    name: str
    method: str
    url: object  # Objects -> str
    expected: dict  # role -> status
    data: object = None  # Objects -> dict
    state: object = None  # Objects -> comparable; for writes
    writers: set = field(default_factory=set)  # roles whose request changes the state


def status(default, **overrides):
    table = dict.fromkeys(ROLES, default)
    table.update(overrides)
    return table


ADMIN_ONLY = status(403, anonymous=LOGIN, admin=200)
IN_A = status(404, anonymous=LOGIN, admin=200, staff_a=200)  # pages of project_a's data
BULLETIN_QUERY = "?year=2015&month=9&level=city"
REPORT_FORM = {
    "version": 0, "action": "submit", "investment": "10", "progress": "矩阵测试",
    "problems-TOTAL_FORMS": "0", "problems-INITIAL_FORMS": "0",
    "problems-MIN_NUM_FORMS": "0", "problems-MAX_NUM_FORMS": "10",
}  # fmt: skip

CASES = [
    Case("home", "get", lambda o: reverse("home"), status(302, admin=200)),  # the overview for admins
    Case("overview", "get", lambda o: reverse("projects:overview"), status(200, anonymous=LOGIN)),
    Case("leader's projects", "get", lambda o: reverse("projects:leader_home"), status(200, anonymous=LOGIN)),
    Case("project list", "get", lambda o: reverse("projects:project_list"), status(200, anonymous=LOGIN)),
    Case(
        "project in staff_a's street",
        "get",
        lambda o: o.project_a.get_absolute_url(),
        status(404, anonymous=LOGIN, admin=200, staff_a=200),
    ),
    Case(
        "project followed by leader",
        "get",
        lambda o: o.project_l.get_absolute_url(),
        status(404, anonymous=LOGIN, admin=200, leader=200),
    ),
    Case(
        "history of a project in staff_a's street",
        "get",
        lambda o: reverse("projects:project_history", args=[o.project_a.pk]),
        status(404, anonymous=LOGIN, admin=200, staff_a=200),
    ),
    Case(
        "history of a project followed by leader",
        "get",
        lambda o: reverse("projects:project_history", args=[o.project_l.pk]),
        status(404, anonymous=LOGIN, admin=200, leader=200),
    ),
    Case(
        "instruction on leader's problem",
        "post",
        lambda o: reverse("projects:instruction_create", args=[o.problem_l.pk]),
        status(404, anonymous=LOGIN, admin=302, leader=302),
        data=lambda o: {"text": "请抓紧协调。"},
        state=instruction_count,
        writers={"admin", "leader"},
    ),
    Case(
        "instruction on staff_a's problem",
        "post",
        lambda o: reverse("projects:instruction_create", args=[o.problem_a.pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403),
        data=lambda o: {"text": "请抓紧协调。"},
        state=instruction_count,
        writers={"admin"},
    ),
    Case(
        "instruction by GET",
        "get",
        lambda o: reverse("projects:instruction_create", args=[o.problem_l.pk]),
        status(405, anonymous=LOGIN),
    ),  # fmt: skip
    Case("login page", "get", lambda o: reverse("login"), status(302, anonymous=200)),
    Case("password change page", "get", lambda o: reverse("password_change"), status(200, anonymous=LOGIN)),
    Case("logout", "post", lambda o: reverse("logout"), status(302)),
    Case("report sheet", "get", lambda o: reverse("projects:report_sheet"), status(200, anonymous=LOGIN)),
    Case("report form", "get", lambda o: reverse("projects:report_edit", args=[o.listing_a.pk, 9]), IN_A),
    Case(
        "report save",
        "post",
        lambda o: reverse("projects:report_edit", args=[o.listing_a.pk, 9]),
        status(404, anonymous=LOGIN, admin=302, staff_a=302),
        data=lambda o: REPORT_FORM,
        state=report_state,
        writers={"admin", "staff_a"},
    ),
    Case(
        "report return",
        "post",
        lambda o: reverse("projects:report_return", args=[o.report_a.pk]),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {"reason": "请补充", "version": o.report_a.version},
        state=report_state,
        writers={"admin"},
    ),
    Case(
        "month close",
        "post",
        lambda o: reverse("projects:month_close"),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {"year": 2015, "month": 9, "confirmed": "on"},
        state=report_state,
        writers={"admin"},
    ),
    Case("unreported list", "get", lambda o: reverse("projects:report_missing"), ADMIN_ONLY),
    Case("problem ledger", "get", lambda o: reverse("projects:problem_list"), status(200, anonymous=LOGIN)),
    Case("problem in staff_a's street", "get", lambda o: o.open_problem_a.get_absolute_url(), IN_A),
    Case(
        "problem followed by leader",
        "get",
        lambda o: o.problem_l.get_absolute_url(),
        status(404, anonymous=LOGIN, admin=200, leader=200),
    ),
    Case(
        "problem move in staff_a's street",
        "post",
        lambda o: reverse("projects:problem_transition", args=[o.open_problem_a.pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=302),
        data=lambda o: {"to_status": "coordinating"},
        state=open_problem_state,
        writers={"admin", "staff_a"},
    ),
    Case(
        "problem move on leader's project",
        "post",
        lambda o: reverse("projects:problem_transition", args=[o.problem_l.pk]),
        status(404, anonymous=LOGIN, admin=302, leader=403),
        data=lambda o: {"to_status": "resolved", "resolution": "已解决"},
        state=open_problem_state,
        writers={"admin"},
    ),
    Case(
        "problem form",
        "get",
        lambda o: reverse("projects:problem_create"),
        status(403, anonymous=LOGIN, admin=200, staff_a=200, staff_b=200),
    ),
    Case(
        "problem log naming staff_a's project",
        "post",
        lambda o: reverse("projects:problem_create"),
        status(403, anonymous=LOGIN, admin=302, staff_a=302, staff_b=404),
        data=lambda o: {"project": o.project_a.pk, "description": "新问题", "kind": "other"},
        state=open_problem_state,
        writers={"admin", "staff_a"},
    ),
    Case("visit list", "get", lambda o: reverse("projects:visit_list"), status(200, anonymous=LOGIN)),
    Case("visit form", "get", lambda o: reverse("projects:visit_create"), ADMIN_ONLY),
    Case(
        "visit findings to problems",
        "post",
        lambda o: reverse("projects:visit_problems", args=[o.visit_a.pk]),
        status(403, anonymous=LOGIN, admin=302),
        state=visit_problem_count,
        writers={"admin"},
    ),
    Case("photo in staff_a's street", "get", lambda o: reverse("projects:photo", args=[o.photo_a.pk]), IN_A),
    Case("photo thumbnail", "get", lambda o: reverse("projects:photo_thumbnail", args=[o.photo_a.pk]), IN_A),
    Case(
        "photo delete (submitted report)",
        "post",
        lambda o: reverse("projects:photo_delete", args=[o.photo_a.pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=302),  # staff_a is told it is too late
        state=lambda o: list(o.photo_a.report.photos.values_list("pk", flat=True)),
        writers={"admin"},
    ),
    Case("progress table export", "get", lambda o: reverse("projects:export_progress"), status(200, anonymous=LOGIN)),
    Case("problem ledger export", "get", lambda o: reverse("projects:export_problems"), status(200, anonymous=LOGIN)),
    Case("四个一 table export", "get", lambda o: reverse("projects:export_leaders"), status(200, anonymous=LOGIN)),
    Case("project list export", "get", lambda o: reverse("projects:export_projects"), status(200, anonymous=LOGIN)),
    Case("import page", "get", lambda o: reverse("projects:import_list"), ADMIN_ONLY),
    Case("import template", "get", lambda o: reverse("projects:import_template"), ADMIN_ONLY),
    Case(
        "import upload",
        "post",
        lambda o: reverse("projects:import_list"),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {"year": 2016, "level": "city", "file": sample_upload()},
        state=lambda o: ImportRecord.objects.count(),
        writers={"admin"},
    ),
    Case(
        "import confirm",
        "post",
        lambda o: reverse("projects:import_confirm", args=[o.sample_import.pk]),
        status(403, anonymous=LOGIN, admin=302),
        state=lambda o: Listing.objects.filter(year=2016).count(),
        writers={"admin"},
    ),
    Case(
        "import preview",
        "get",
        lambda o: reverse("projects:import_detail", args=[o.sample_import.pk]),
        ADMIN_ONLY,
    ),
    Case("user list", "get", lambda o: reverse("user_list"), ADMIN_ONLY),
    Case("user create page", "get", lambda o: reverse("user_create"), ADMIN_ONLY),
    Case("staff_a's account", "get", lambda o: reverse("user_detail", args=[staff_a().pk]), ADMIN_ONLY),
    Case(
        "deactivate staff_a",
        "post",
        lambda o: reverse("user_deactivate", args=[staff_a().pk]),
        status(403, anonymous=LOGIN, admin=302),
        state=lambda o: staff_a().is_active,
        writers={"admin"},
    ),
    Case(
        "project search for the picker",
        "get",
        lambda o: reverse("projects:project_search") + "?q=东环路",
        status(200, anonymous=403),
    ),
    Case("rollover page", "get", lambda o: reverse("projects:rollover_start"), ADMIN_ONLY),
    Case(
        "rollover preview",
        "post",
        lambda o: reverse("projects:rollover_start"),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {"from_year": 2015, "to_year": 2016},
        state=lambda o: Rollover.objects.count(),
        writers={"admin"},
    ),
    Case(
        "bulk change preview",
        "post",
        lambda o: reverse("projects:listing_bulk_preview"),
        status(403, anonymous=LOGIN, admin=200),
        data=lambda o: {"listing": [o.listing_a.pk], "batch": 3 - o.listing_a.batch},
        state=lambda o: Listing.objects.get(pk=o.listing_a.pk).batch,
    ),
    Case(  # without the preview's digest even the admin changes nothing
        "bulk change confirm without a preview",
        "post",
        lambda o: reverse("projects:listing_bulk_confirm"),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {"listing": [o.listing_a.pk], "batch": 3 - o.listing_a.batch},
        state=lambda o: Listing.objects.get(pk=o.listing_a.pk).batch,
    ),
    Case("bulletin template page", "get", lambda o: reverse("bulletins:bulletin_template"), ADMIN_ONLY),
    Case("bulletin default template", "get", lambda o: reverse("bulletins:bulletin_default_template"), ADMIN_ONLY),
    Case("admin index", "get", lambda o: reverse("admin:index"), ADMIN_ONLY),
    Case(
        "admin autocomplete",
        "get",
        lambda o: reverse("admin:autocomplete"),
        ADMIN_ONLY,
        data=lambda o: {"app_label": "projects", "model_name": "problem", "field_name": "unit", "term": "北环"},
    ),
    Case("admin login records", "get", lambda o: reverse("admin:axes_accessattempt_changelist"), ADMIN_ONLY),
    Case("admin problem list", "get", lambda o: reverse("admin:projects_problem_changelist"), ADMIN_ONLY),
    Case("admin listing list", "get", lambda o: reverse("admin:projects_listing_changelist"), ADMIN_ONLY),
    Case(
        "admin revert from history",
        "post",
        lambda o: reverse(
            "admin:projects_project_simple_history", args=[o.project_a.pk, o.project_a.history.earliest().history_id]
        ),
        status(403, anonymous=LOGIN),
        data=lambda o: {"name": "被恢复的旧名称", "total_investment": "1"},
        state=lambda o: list(Project.objects.filter(pk=o.project_a.pk).values_list("name", "total_investment")),
    ),
    Case("admin project list", "get", lambda o: reverse("admin:projects_project_changelist"), ADMIN_ONLY),
    Case("admin report list", "get", lambda o: reverse("admin:projects_monthlyreport_changelist"), ADMIN_ONLY),
    Case("admin user list", "get", lambda o: reverse("admin:accounts_user_changelist"), ADMIN_ONLY),
    Case(
        "admin project page",
        "get",
        lambda o: reverse("admin:projects_project_change", args=[o.project_a.pk]),
        ADMIN_ONLY,
    ),
    Case(
        "admin project history",
        "get",
        lambda o: reverse("admin:projects_project_history", args=[o.project_a.pk]),
        ADMIN_ONLY,
    ),
    # 新华区's rows in the admin: the 卫东区 office answers 404, as for a row that does not exist.
    Case(
        "admin project page of another office",
        "get",
        lambda o: reverse("admin:projects_project_change", args=[other_office_project().pk]),
        status(403, anonymous=LOGIN, admin=404),
    ),
    Case(
        "admin project history of another office",
        "get",
        lambda o: reverse("admin:projects_project_history", args=[other_office_project().pk]),
        status(403, anonymous=LOGIN, admin=404),
    ),
    Case(
        "admin problem edit",
        "post",
        lambda o: reverse("admin:projects_problem_change", args=[o.problem_a.pk]),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {
            "project": o.problem_a.project_id,
            "description": "管理员修改后的问题描述",
            "kind": o.problem_a.kind,
            "raised_on": o.problem_a.raised_on.isoformat(),
            "unit": o.problem_a.unit_id or "",
            "deadline": "",
            "status": "coordinating",
            "resolution": "",
            "resolved_on": "",
        },
        state=problem_state,
        writers={"admin"},
    ),
    Case(
        "admin action: end assignments",
        "post",
        lambda o: reverse("admin:projects_assignment_changelist"),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {
            "action": "end_assignments",
            "_selected_action": list(o.project_l.assignments.values_list("pk", flat=True)),
        },
        state=active_assignments,
        writers={"admin"},
    ),
    Case("bulletin archive", "get", lambda o: reverse("bulletins:bulletin_list"), status(200, anonymous=LOGIN)),
    Case("bulletin draft", "get", lambda o: reverse("bulletins:bulletin_draft") + BULLETIN_QUERY, ADMIN_ONLY),
    Case(
        "bulletin draft document",
        "get",
        lambda o: reverse("bulletins:bulletin_draft_document") + BULLETIN_QUERY,
        ADMIN_ONLY,
    ),
    Case(
        "bulletin issue",
        "post",
        lambda o: reverse("bulletins:bulletin_draft"),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {"year": 2015, "month": 9, "level": "city", "action": "issue", "confirmed": "on"},
        state=bulletin_numbers,
        writers={"admin"},
    ),
    # staff_b and other_leader have no district: only a street's own bulletin reaches staff_b's.
    Case(
        "district bulletin",
        "get",
        lambda o: reverse("bulletins:bulletin_detail", args=[issued_bulletin().pk]),
        status(404, anonymous=LOGIN, admin=200, staff_a=200, leader=200),
    ),
    Case(
        "district bulletin document",
        "get",
        lambda o: reverse("bulletins:bulletin_document", args=[issued_bulletin().pk]),
        status(404, anonymous=LOGIN, admin=200, staff_a=200, leader=200),
    ),
    Case(
        "bulletin of staff_b's street",
        "get",
        lambda o: reverse("bulletins:bulletin_detail", args=[issued_bulletin("东安路街道").pk]),
        status(404, anonymous=LOGIN, admin=200, staff_b=200, leader=200),
    ),
    # approvals: the year's board, departments and export read what the user may see; a project's
    # items, resources and 入统 follow the project (staff of a department: tests/approvals)
    Case("approvals board", "get", lambda o: reverse("approvals:board"), status(200, anonymous=LOGIN)),
    Case("approvals export", "get", lambda o: reverse("approvals:export"), status(200, anonymous=LOGIN)),
    Case("approvals departments", "get", lambda o: reverse("approvals:department_list"), status(200, anonymous=LOGIN)),
    Case(
        "a department's approvals",
        "get",
        lambda o: reverse("approvals:department_detail", args=[matrix_item(o.project_a).department_id]),
        status(404, anonymous=LOGIN, admin=200, leader=200),
    ),
    Case(
        "approvals of a project in staff_a's street",
        "get",
        lambda o: reverse("approvals:project_items", args=[o.project_a.pk]),
        IN_A,
    ),
    Case(
        "approvals of a project followed by leader",
        "get",
        lambda o: reverse("approvals:project_items", args=[o.project_l.pk]),
        status(404, anonymous=LOGIN, admin=200, leader=200),
    ),
    Case(
        "approval template applied",
        "post",
        lambda o: reverse("approvals:template_apply", args=[o.project_a.pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403),
        data=lambda o: {"template": matrix_template(o.project_a).pk},
        state=item_state,
        writers={"admin"},
    ),
    Case(
        "approval item added",
        "post",
        lambda o: reverse("approvals:item_add", args=[o.project_a.pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403),
        data=lambda o: {"name": "矩阵新增事项", "time_limit_days": "10", "blocks_start": "on"},
        state=item_state,
        writers={"admin"},
    ),
    Case("approval item of staff_a's project", "get", lambda o: matrix_item(o.project_a).get_absolute_url(), IN_A),
    Case(
        "approval item of leader's project",
        "get",
        lambda o: matrix_item(o.project_l).get_absolute_url(),
        status(404, anonymous=LOGIN, admin=200, leader=200),
    ),
    Case(
        "approval item updated",
        "post",
        lambda o: matrix_item(o.project_a).get_absolute_url(),
        status(404, anonymous=LOGIN, admin=302, staff_a=302),
        data=lambda o: item_progress(matrix_item(o.project_a)),
        state=item_state,
        writers={"admin", "staff_a"},
    ),
    Case(
        "approval item of leader's project updated",
        "post",
        lambda o: matrix_item(o.project_l).get_absolute_url(),
        status(404, anonymous=LOGIN, admin=302, leader=403),
        data=lambda o: item_progress(matrix_item(o.project_l)),
        state=item_state,
        writers={"admin"},
    ),
    Case(
        "approval item dropped",
        "post",
        lambda o: reverse("approvals:item_delete", args=[matrix_item(o.project_a).pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403),
        data=lambda o: {"reason": "矩阵测试"},
        state=item_state,
        writers={"admin"},
    ),
    Case(
        "approval item's document",
        "get",
        lambda o: reverse("approvals:item_attachment", args=[matrix_item(o.project_a, with_file=True).pk]),
        IN_A,
    ),
    Case(
        "resources of staff_a's project",
        "get",
        lambda o: reverse("approvals:resources_edit", args=[o.project_a.pk]),
        IN_A,
    ),
    Case(
        "resources of staff_a's project saved",
        "post",
        lambda o: reverse("approvals:resources_edit", args=[o.project_a.pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=302),
        data=lambda o: resources_post(o.project_a),
        state=resources_state,
        writers={"admin", "staff_a"},
    ),
    Case(
        "resources of leader's project saved",
        "post",
        lambda o: reverse("approvals:resources_edit", args=[o.project_l.pk]),
        status(404, anonymous=LOGIN, admin=302, leader=403),
        data=lambda o: resources_post(o.project_l),
        state=resources_state,
        writers={"admin"},
    ),
    Case(
        "入统 of staff_a's project",
        "get",
        lambda o: reverse("approvals:statistics_edit", args=[o.project_a.pk]),
        IN_A,
    ),
    Case(
        "入统 of staff_a's project saved",
        "post",
        lambda o: reverse("approvals:statistics_edit", args=[o.project_a.pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403),
        data=lambda o: statistics_post(o.project_a),
        state=statistics_state,
        writers={"admin"},
    ),
    Case(
        "入统 of leader's project saved",
        "post",
        lambda o: reverse("approvals:statistics_edit", args=[o.project_l.pk]),
        status(404, anonymous=LOGIN, admin=302, leader=403),
        data=lambda o: statistics_post(o.project_l),
        state=statistics_state,
        writers={"admin"},
    ),
    # --- dispatch: the inbox (消息) and 个人设置 ---
    Case("inbox", "get", lambda o: reverse("dispatch:inbox"), status(200, anonymous=LOGIN)),
    Case(
        "staff_a's notification opened",
        "get",
        lambda o: reverse("dispatch:notification_open", args=[matrix_notification(o).pk]),
        status(404, anonymous=LOGIN, staff_a=302),
        state=notification_read,
        writers={"staff_a"},
    ),
    Case(
        "staff_a's notification opened by POST",
        "post",
        lambda o: reverse("dispatch:notification_open", args=[matrix_notification(o).pk]),
        status(404, anonymous=LOGIN, staff_a=302),
        state=notification_read,
        writers={"staff_a"},
    ),
    Case(
        "inbox all read",
        "post",
        lambda o: reverse("dispatch:inbox_read_all"),
        status(302),  # each their own: only staff_a's read-all reaches staff_a's notification
        state=notification_read,
        writers={"staff_a"},
    ),
    Case("inbox all read by GET", "get", lambda o: reverse("dispatch:inbox_read_all"), status(405, anonymous=LOGIN)),
    Case("profile", "get", lambda o: reverse("profile"), status(200, anonymous=LOGIN)),
    Case(
        "profile saved",
        "post",
        lambda o: reverse("profile"),
        status(302),
        data=lambda o: {"email": "matrix@example.gov.cn", "mobile": "13800138000"},
        state=profiles,
        writers=set(SIGNED_IN),
    ),
    # --- projects: 销号 of problems and 催报 (issue #21) -------------------------------------------------
    # A 待销号 problem is confirmed or sent back by the office alone: the street that solved it is
    # refused (403) like a leader on a followed project; whoever cannot see it gets 404.
    Case(
        "problem confirm in staff_a's street",
        "post",
        lambda o: reverse("projects:problem_confirm", args=[pending_problem(o.project_a).pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403),
        data=lambda o: {"note": "矩阵销号"},
        state=lambda o: pending_state(o),
        writers={"admin"},
    ),
    Case(
        "problem confirm on leader's project",
        "post",
        lambda o: reverse("projects:problem_confirm", args=[pending_problem(o.project_l).pk]),
        status(404, anonymous=LOGIN, admin=302, leader=403),
        state=lambda o: pending_state(o),
        writers={"admin"},
    ),
    Case(
        "problem send back in staff_a's street",
        "post",
        lambda o: reverse("projects:problem_send_back", args=[pending_problem(o.project_a).pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403),
        data=lambda o: {"reason": "矩阵退回"},
        state=lambda o: pending_state(o),
        writers={"admin"},
    ),
    Case(
        "problem confirm by GET",
        "get",
        lambda o: reverse("projects:problem_confirm", args=[pending_problem(o.project_a).pk]),
        status(405, anonymous=LOGIN),
    ),
    Case(
        "report chase",
        "post",
        lambda o: reverse("projects:report_chase"),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {"year": 2015, "month": 9},
        state=lambda o: len(CHASED),
        writers={"admin"},
    ),
    # dispatch: meetings (a leader records and changes those they chair), tasks (the owner's staff
    # start and reply, the office closes and returns), the documents served only to those who see them
    Case("meeting list", "get", lambda o: reverse("dispatch:meeting_list"), status(200, anonymous=LOGIN)),
    Case(
        "meeting form",
        "get",
        lambda o: reverse("dispatch:meeting_create"),
        status(200, anonymous=LOGIN, staff_a=403, staff_b=403),
    ),
    Case(  # other_leader may not record a meeting 王某 chaired: the form says so, nothing is written
        "meeting recorded",
        "post",
        lambda o: reverse("dispatch:meeting_create"),
        status(403, anonymous=LOGIN, admin=302, leader=302, other_leader=200),
        data=meeting_post,
        state=meeting_state,
        writers={"admin", "leader"},
    ),
    Case(
        "meeting chaired by leader",
        "get",
        lambda o: matrix_meeting().get_absolute_url(),
        status(200, anonymous=LOGIN, other_leader=404),
    ),
    Case(
        "meeting staff_a attended",
        "get",
        lambda o: matrix_meeting(MONTHLY_MEETING).get_absolute_url(),
        status(404, anonymous=LOGIN, admin=200, staff_a=200),
    ),
    Case(
        "meeting edit form",
        "get",
        lambda o: reverse("dispatch:meeting_edit", args=[matrix_meeting().pk]),
        status(403, anonymous=LOGIN, admin=200, leader=200, other_leader=404),
    ),
    Case(
        "meeting changed",
        "post",
        lambda o: reverse("dispatch:meeting_edit", args=[matrix_meeting().pk]),
        status(403, anonymous=LOGIN, admin=302, leader=302, other_leader=404),
        data=meeting_post,
        state=meeting_state,
        writers={"admin", "leader"},
    ),
    Case(
        "meeting minutes document",
        "get",
        lambda o: reverse("dispatch:meeting_minutes_file", args=[matrix_meeting(with_file=True).pk]),
        status(200, anonymous=LOGIN, other_leader=404),
    ),
    Case("task board", "get", lambda o: reverse("dispatch:task_board"), status(200, anonymous=LOGIN)),
    Case(
        "task assign form",
        "get",
        lambda o: reverse("dispatch:task_create"),
        status(200, anonymous=LOGIN, staff_a=403, staff_b=403),
    ),
    Case(
        "task assign form from leader's meeting",
        "get",
        lambda o: reverse("dispatch:task_create") + f"?meeting={matrix_meeting().pk}",
        status(200, anonymous=LOGIN, staff_a=403, staff_b=403, other_leader=404),
    ),
    Case(  # other_leader does not follow project_l: the form refuses it, nothing is written
        "task assigned on leader's project",
        "post",
        lambda o: reverse("dispatch:task_create"),
        status(403, anonymous=LOGIN, admin=302, leader=302, other_leader=200),
        data=task_post,
        state=task_state,
        writers={"admin", "leader"},
    ),
    Case("task of staff_a's unit", "get", lambda o: matrix_task(o.project_a).get_absolute_url(), IN_A),
    Case(
        "replied task on leader's project",
        "get",
        lambda o: matrix_task(o.project_l, replied=True).get_absolute_url(),
        status(404, anonymous=LOGIN, admin=200, staff_a=200, leader=200),
    ),
    Case(
        "task started",
        "post",
        lambda o: reverse("dispatch:task_start", args=[matrix_task(o.project_a).pk]),
        status(404, anonymous=LOGIN, admin=403, staff_a=302),
        data=lambda o: move_post(matrix_task(o.project_a)),
        state=task_state,
        writers={"staff_a"},
    ),
    Case(
        "task start by GET",
        "get",
        lambda o: reverse("dispatch:task_start", args=[matrix_task(o.project_a).pk]),
        status(405, anonymous=LOGIN),
    ),
    Case(
        "task replied",
        "post",
        lambda o: reverse("dispatch:task_reply", args=[matrix_task(o.project_a).pk]),
        status(404, anonymous=LOGIN, admin=403, staff_a=302),
        data=lambda o: move_post(matrix_task(o.project_a), text="矩阵回复"),
        state=task_state,
        writers={"staff_a"},
    ),
    Case(
        "task closed",
        "post",
        lambda o: reverse("dispatch:task_close", args=[matrix_task(o.project_l, replied=True).pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403, leader=403),
        data=lambda o: move_post(matrix_task(o.project_l, replied=True)),
        state=task_state,
        writers={"admin"},
    ),
    Case(
        "task returned",
        "post",
        lambda o: reverse("dispatch:task_return", args=[matrix_task(o.project_l, replied=True).pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403, leader=403),
        data=lambda o: move_post(matrix_task(o.project_l, replied=True), reason="矩阵退回"),
        state=task_state,
        writers={"admin"},
    ),
    Case(
        "reply's document",
        "get",
        lambda o: reverse(
            "dispatch:reply_attachment",
            args=[matrix_task(o.project_l, replied=True).replies.get().attachments.get().pk],
        ),
        status(404, anonymous=LOGIN, admin=200, staff_a=200, leader=200),
    ),
    Case("admin meeting list", "get", lambda o: reverse("admin:dispatch_meeting_changelist"), ADMIN_ONLY),
    Case("admin task list", "get", lambda o: reverse("admin:dispatch_task_changelist"), ADMIN_ONLY),
    Case(
        "admin task page",
        "get",
        lambda o: reverse("admin:dispatch_task_change", args=[matrix_task(o.project_a).pk]),
        ADMIN_ONLY,
    ),
    # --- scoring: ranking, breakdown, freeze ---
    # staff_b and other_leader belong to no district in the shared fixture: 卫东区's scheme is out of
    # their sight (404); a street's staff read their own street's breakdown only; freezing is the office's.
    Case(
        "scoring ranking",
        "get",
        lambda o: matrix_ranking(),
        status(404, anonymous=LOGIN, admin=200, staff_a=200, leader=200),
    ),
    Case(
        "scoring breakdown of staff_a's street",
        "get",
        lambda o: matrix_breakdown("北环路街道"),
        status(404, anonymous=LOGIN, admin=200, staff_a=200, leader=200),
    ),
    Case(
        "scoring breakdown of another street",
        "get",
        lambda o: matrix_breakdown("东安路街道"),
        status(404, anonymous=LOGIN, admin=200, leader=200),
    ),
    Case(
        "scoring freeze",
        "post",
        lambda o: reverse("scoring:sheet_freeze", args=[matrix_scheme().pk]),
        status(404, anonymous=LOGIN, admin=302, staff_a=403, leader=403),
        data=lambda o: {"year": 2015, "period": "month-8"},
        state=lambda o: score_sheets(),
        writers={"admin"},
    ),
    Case(
        "scoring freeze by GET",
        "get",
        lambda o: reverse("scoring:sheet_freeze", args=[matrix_scheme().pk]),
        status(405, anonymous=LOGIN),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_access(client_for, objects, case, role):
    client = client_for(role)
    before = case.state(objects) if case.state else None
    url = case.url(objects)
    data = case.data(objects) if case.data else {}
    response = getattr(client, case.method)(url, data)
    assert response.status_code == case.expected[role], f"{case.name} as {role}"
    if case.expected[role] == LOGIN and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if case.state:
        after = case.state(objects)
        if role in case.writers:
            assert after != before, f"{case.name} as {role} should have written"
        else:
            assert after == before, f"{case.name} as {role} changed the database"


def test_out_of_scope_page_does_not_leak_the_name(client_for, objects):
    response = client_for("staff_b").get(objects.project_a.get_absolute_url())
    assert response.status_code == 404
    assert objects.project_a.name not in response.content.decode()


def test_forged_fields_in_a_post_change_nothing_but_the_declared_one(client_for, objects, users):
    problem = objects.problem_l
    before = Problem.objects.filter(pk=problem.pk).values().get()
    response = client_for("leader").post(
        reverse("projects:instruction_create", args=[problem.pk]),
        {
            "text": "请本周内协调解决。",
            "problem": objects.problem_a.pk,
            "author": users["admin"].pk,
            "created_at": "2000-01-01 00:00",
            "status": "resolved",
            "is_staff": "on",
            "role": "admin",
        },
    )
    assert response.status_code == 302
    instruction = Instruction.objects.latest("pk")
    assert (instruction.problem, instruction.author, instruction.text) == (
        problem,
        users["leader"],
        "请本周内协调解决。",
    )
    assert instruction.created_at.year >= 2025
    assert Problem.objects.filter(pk=problem.pk).values().get() == before
    assert not objects.problem_a.instructions.exists()
    users["leader"].refresh_from_db()
    assert (users["leader"].is_staff, users["leader"].role) == (False, "leader")


def test_ending_an_assignment_takes_effect_on_the_next_request(client_for, objects, users):
    client = client_for("leader")
    url = objects.project_l.get_absolute_url()
    assert client.get(url).status_code == 200
    Assignment.objects.filter(project=objects.project_l, leader__user=users["leader"]).update(
        active=False, ended_on=date(2015, 12, 31)
    )
    assert client.get(url).status_code == 404


def test_moving_a_staff_user_takes_effect_on_the_next_request(client_for, objects, users):
    client = client_for("staff_a")
    url = objects.project_a.get_absolute_url()
    assert client.get(url).status_code == 200
    users["staff_a"].streets.clear()
    users["staff_a"].units.clear()
    assert client.get(url).status_code == 404
    assert client.get(reverse("projects:project_list")).context["paginator"].count == 0


# --- projects: 销号 of problems and 催报 (issue #21) ----------------------------------------------------


def pending_problem(project):
    """A problem of ``project`` its street has reported solved (待销号), created on first use."""
    problem, _ = Problem.objects.get_or_create(
        project=project,
        description="矩阵待销号问题",
        defaults={
            "raised_on": date(2015, 10, 1),
            "status": "pending_close",
            "resolution": "街道报已解决",
            "resolved_on": date(2015, 10, 10),
        },
    )
    return problem


def pending_state(o):
    pending_problem(o.project_a), pending_problem(o.project_l)  # both exist before the request
    return list(Problem.objects.filter(description="矩阵待销号问题").order_by("pk").values_list("pk", "status"))


CHASED = []  # every 催报 the matrix's requests sent (projects.events.reports_chased)


def _heard_chase(sender, users, **kwargs):
    CHASED.append(users)


events.reports_chased.connect(_heard_chase, dispatch_uid="test_access_matrix.chases")


# --- scoring: ranking, breakdown, freeze ---


def matrix_scheme():
    """卫东区's 2015 scheme for the matrix (in place of the demo's, whose periods may be frozen),
    built on first use."""
    from scoring.models import Scheme
    from tests.scoring.conftest import build_scheme

    found = Scheme.objects.filter(district__code="410403", year=2015, name="矩阵测试考核方案").first()
    return found or build_scheme(Region.objects.get(code="410403"), name="矩阵测试考核方案")


def matrix_ranking():
    matrix_scheme()  # the district has a scheme of the year: the page shows its ranking
    return f"{reverse('scoring:ranking')}?region=410403&year=2015&period=month-9"


def matrix_breakdown(street):
    from projects.models import Street

    subject = Street.objects.get(district__code="410403", name=street)
    return f"{reverse('scoring:subject_score', args=[matrix_scheme().pk, 'street', subject.pk])}?period=month-9"


def score_sheets():
    from scoring.models import ScoreSheet

    matrix_scheme()  # exists before the request
    return list(ScoreSheet.objects.order_by("pk").values_list("scheme_id", "period_kind", "number"))


# --- scoring: schemes and adjustments ----------------------------------------------------------------
# 卫东区's scheme is read by its office, its staff (staff_a) and its leader; staff_b and other_leader
# have no district, so it is out of their reach (404). Only the office writes (others 403).

MATRIX_SCHEME = "矩阵考核方案"
MATRIX_NEW_YEAR = 2031  # a year no scheme of 卫东区's has: the create form's POST makes one


def weidong_row(model, **lookup):
    """A row of 卫东区's: the district itself (projects.Region) or one of its streets."""
    from projects.models import Region, Street

    if model == "district":
        return Region.objects.get(code="410403")
    return Street.objects.get(district__code="410403", **lookup)


def matrix_rules_scheme():
    """卫东区's 2015 scheme of the scoring tests' criteria (in place of any other), made on first use."""
    from scoring.models import Scheme
    from tests.scoring.conftest import build_scheme

    found = Scheme.objects.filter(district__code="410403", year=2015, name=MATRIX_SCHEME).first()
    return found or build_scheme(weidong_row("district"), name=MATRIX_SCHEME)


def matrix_adjustment():
    """+2 for 北环路街道 in September 2015, made on first use."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from scoring.models import Adjustment
    from scoring.periods import ScorePeriod
    from scoring.services.adjustments import adjustment_add

    scheme = matrix_rules_scheme()
    found = Adjustment.objects.filter(scheme=scheme, reason="矩阵加分").first()
    return found or adjustment_add(
        user=get_user_model().objects.get(username="admin"),
        scheme=scheme,
        period=ScorePeriod("month", 2015, 9),
        subject_kind="street",
        subject=weidong_row("street", name="北环路街道"),
        points=Decimal("2"),
        reason="矩阵加分",
    )


def scheme_state(o):
    from scoring.models import Criterion, Scheme

    scheme = matrix_rules_scheme()
    weights = list(Criterion.objects.filter(scheme=scheme).order_by("pk").values_list("pk", "name", "weight"))
    return Scheme.objects.get(pk=scheme.pk).updated_at, weights


def scheme_post(o):
    """The scheme's form with 投资完成 40 → 35 and 新开工 15 → 20 (the base still 100)."""
    scheme = matrix_rules_scheme()
    data = {"name": scheme.name, "level": "", "notes": "", "updated_at": scheme.updated_at.isoformat()}
    criteria = list(scheme.criteria.order_by("sort_order", "id"))
    changed = {"投资完成": "35", "新开工": "20"}
    for index, c in enumerate(criteria):
        row = {"id": c.pk, "sort_order": c.sort_order, "name": c.name, "measure": c.measure, "formula": c.formula}
        row |= {"applies_to": c.applies_to, "weight": changed.get(c.name, c.weight)}
        row |= {key: getattr(c, key) for key in ("lower", "upper", "target", "per_item") if getattr(c, key) is not None}
        data |= {f"criteria-{index}-{key}": value for key, value in row.items()}
    data |= {"criteria-TOTAL_FORMS": len(criteria), "criteria-INITIAL_FORMS": len(criteria)}
    return data | {"criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 30}


def new_scheme_state(o):
    from scoring.models import Scheme

    return list(Scheme.objects.filter(district__code="410403", year=MATRIX_NEW_YEAR).values_list("pk", flat=True))


def adjustment_state(o):
    from scoring.models import Adjustment

    matrix_adjustment()
    return list(Adjustment.objects.order_by("pk").values_list("pk", "points", "withdrawn_at"))


SCHEME_READERS = status(404, anonymous=LOGIN, admin=200, staff_a=200, leader=200)
SCHEME_WRITE = status(404, anonymous=LOGIN, admin=302, staff_a=403, leader=403)

SCORING_RULES_CASES = [
    Case("scheme list", "get", lambda o: reverse("scoring:scheme_list"), status(200, anonymous=LOGIN)),
    Case("scheme create form", "get", lambda o: reverse("scoring:scheme_create"), ADMIN_ONLY),
    Case(
        "scheme created",
        "post",
        lambda o: reverse("scoring:scheme_create"),
        status(403, anonymous=LOGIN, admin=302),
        data=lambda o: {"district": weidong_row("district").pk, "year": MATRIX_NEW_YEAR, "name": "矩阵新建"},
        state=new_scheme_state,
        writers={"admin"},
    ),
    Case(
        "scheme page", "get", lambda o: reverse("scoring:scheme_edit", args=[matrix_rules_scheme().pk]), SCHEME_READERS
    ),
    Case(
        "scheme saved",
        "post",
        lambda o: reverse("scoring:scheme_edit", args=[matrix_rules_scheme().pk]),
        SCHEME_WRITE,
        data=scheme_post,
        state=scheme_state,
        writers={"admin"},
    ),
    Case(
        "adjustments page",
        "get",
        lambda o: reverse("scoring:adjustments", args=[matrix_rules_scheme().pk]) + "?period=month-9",
        SCHEME_READERS,
    ),
    Case(
        "adjustment added",
        "post",
        lambda o: reverse("scoring:adjustments", args=[matrix_rules_scheme().pk]) + "?period=month-9",
        SCHEME_WRITE,
        data=lambda o: {
            "subject": f"street-{weidong_row('street', name='东安路街道').pk}",
            "points": "-1.5",
            "reason": "矩阵减分",
        },
        state=adjustment_state,
        writers={"admin"},
    ),
    Case(
        "adjustment withdrawn",
        "post",
        lambda o: reverse("scoring:adjustment_withdraw", args=[matrix_adjustment().pk]),
        SCHEME_WRITE,
        data=lambda o: {"reason": "矩阵撤销", "updated_at": matrix_adjustment().updated_at.isoformat()},
        state=adjustment_state,
        writers={"admin"},
    ),
    Case(
        "adjustment withdrawn by GET",
        "get",
        lambda o: reverse("scoring:adjustment_withdraw", args=[matrix_adjustment().pk]),
        status(405, anonymous=LOGIN),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", SCORING_RULES_CASES, ids=lambda case: case.name)
def test_access_to_schemes_and_adjustments(client_for, users, case, role):
    test_access(client_for, None, case, role)
