"""Dispatch meetings (调度会议): who records and changes them, what a meeting may list, its minutes'
document checked by content and served only to those who see the meeting, the list's filters, and
the meeting's page with its tasks."""

import os
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dispatch.choices import MeetingKind
from dispatch.models import Meeting
from dispatch.services.meetings import meeting_record, meeting_update
from projects.models import Leader, Project, Unit
from projects.services.documents import document_check
from projects.services.errors import PermissionDenied, ValidationError
from tests.dispatch.test_tasks import HENGYU, PDF, TIANAN, png

pytestmark = pytest.mark.usefixtures("demo")

TODAY = date(2015, 10, 20)
WEEKLY = "9月第3周重点项目周调度会"  # chaired by 王某 (the demo leader); 北环路 and 东安路 attended
MONTHLY = "9月份重点项目月调度会"  # chaired by 郑某; 北环路 attended, 东安路 did not


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = TODAY


def leader(name, district="410403"):
    return Leader.objects.get(name=name, region__code=district)


def unit(name, district="410403"):
    return Unit.objects.get(name=name, district__code=district)


def record(user, **kwargs):
    values = {
        "date": date(2015, 10, 19),
        "kind": MeetingKind.TOPIC,
        "title": "恒宇·东城国际用地专题调度会",
        "chair": leader("王某"),
        "attendees": [unit("区国土资源局"), unit("建设路街道办事处")],
        "projects": [Project.objects.get(name=HENGYU)],
        "minutes": "会议研究了用地指标报批问题。",
    }
    values.update(kwargs)
    return meeting_record(user=user, **values)


def meetings_state():
    return list(Meeting.objects.order_by("pk").values_list("pk", "title", "date", "chair", "minutes_file"))


# --- recording ------------------------------------------------------------------------------------


def test_the_office_records_any_chairs_meeting_and_a_leader_their_own(users):
    by_admin = record(users["admin"], chair=leader("郑某"), minutes="  纪要。 ")
    assert (by_admin.district.code, by_admin.chair.name, by_admin.minutes) == ("410403", "郑某", "纪要。")
    by_leader = record(users["leader"])
    assert (by_leader.chair.name, by_leader.created_by) == ("王某", users["leader"])
    assert sorted(by_leader.attendees.values_list("name", flat=True)) == ["区国土资源局", "建设路街道办事处"]
    assert list(by_leader.projects.values_list("name", flat=True)) == [HENGYU]


@pytest.mark.parametrize(
    ("who", "kwargs", "error", "message"),
    [
        ("staff_a", {}, PermissionDenied, "只有项目办管理员和主持会议的领导可以记录调度会议"),
        ("leader", {"chair": ("郑某", "410403")}, ValidationError, "领导只能记录自己主持的调度会议"),
        ("admin", {"chair": ("孙某", "410402")}, ValidationError, "主持领导须为本项目办所辖区县的在任领导"),
        ("admin", {"date": date(2015, 10, 21)}, ValidationError, "会议日期不能晚于今天"),
        ("admin", {"title": "  "}, ValidationError, "请填写会议名称"),
        ("admin", {"kind": "party"}, ValidationError, "没有这种会议类型"),
        ("admin", {"attendees": ("中兴路街道办事处", "410402")}, ValidationError, "参会单位须为卫东区的"),
        ("leader", {"projects": TIANAN}, ValidationError, "调度项目中有您无权查看的项目"),
    ],
)
def test_recording_is_refused_with_a_chinese_reason(users, who, kwargs, error, message):
    if "chair" in kwargs:
        kwargs["chair"] = leader(*kwargs["chair"])
    if "attendees" in kwargs:
        kwargs["attendees"] = [unit(*kwargs["attendees"])]
    if "projects" in kwargs:
        kwargs["projects"] = [Project.objects.get(name=kwargs["projects"])]
    before = meetings_state()
    with pytest.raises(error, match=message):
        record(users[who], **kwargs)
    assert meetings_state() == before


def test_a_project_of_another_district_is_refused(users, django_user_model):
    city = django_user_model.objects.get(username="city")  # the city's office sees both districts
    other = Project.objects.filter(district__code="410402").first()
    with pytest.raises(ValidationError, match="调度项目须为卫东区的项目"):
        record(city, projects=[other])


# --- changing -------------------------------------------------------------------------------------


def test_only_the_office_and_the_chair_change_a_meeting_and_a_stale_form_is_refused(users, django_user_model):
    meeting = record(users["admin"])
    read_at = meeting.updated_at
    values = {
        "date": meeting.date, "kind": MeetingKind.SITE, "title": "改名", "chair": meeting.chair,
        "attendees": [], "projects": [], "minutes": "",
    }  # fmt: skip
    for who in ("staff_a", "other_leader"):
        with pytest.raises(PermissionDenied):
            meeting_update(user=users[who], meeting=meeting, **values)
    changed = meeting_update(user=users["leader"], meeting=meeting, expected_updated_at=read_at, **values)
    assert (changed.kind, changed.title) == (MeetingKind.SITE, "改名")
    before = meetings_state()
    with pytest.raises(ValidationError, match="被其他人修改，您的修改未保存"):
        meeting_update(user=users["admin"], meeting=meeting, expected_updated_at=read_at, **{**values, "title": "晚"})
    assert meetings_state() == before
    city = django_user_model.objects.get(username="city")  # 新华区's 孙某 is within the city's office
    with pytest.raises(ValidationError, match="不能改为其他区县的领导"):
        meeting_update(user=city, meeting=meeting, **{**values, "chair": leader("孙某", "410402")})


def test_a_project_the_editor_cannot_see_stays_listed(users):
    meeting = record(users["admin"], projects=[Project.objects.get(name=HENGYU), Project.objects.get(name=TIANAN)])
    meeting_update(
        user=users["leader"], meeting=meeting, date=meeting.date, kind=meeting.kind, title=meeting.title,
        chair=meeting.chair, attendees=[], projects=[], minutes="",
    )  # fmt: skip
    assert list(meeting.projects.values_list("name", flat=True)) == [TIANAN]  # 王某 dropped his, not 钱某's


# --- the minutes' document ------------------------------------------------------------------------


def minutes_files():
    storage = Meeting._meta.get_field("minutes_file").storage
    root = storage.path("dispatch/minutes")
    return {os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names}


def test_the_minutes_document_is_checked_replaced_and_removed_after_commit(users, django_capture_on_commit_callbacks):
    checked = document_check(SimpleUploadedFile("纪要.pdf", PDF), label="会议纪要")
    meeting = record(users["admin"], minutes_file=checked)
    assert meeting.minutes_file.name.endswith(".pdf") and meeting.minutes_file_name == "纪要.pdf"
    first = meeting.minutes_file.path
    values = {
        "date": meeting.date, "kind": meeting.kind, "title": meeting.title, "chair": meeting.chair,
        "attendees": [], "projects": [], "minutes": "",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        replaced = meeting_update(
            user=users["admin"],
            meeting=meeting,
            minutes_file=document_check(SimpleUploadedFile("纪要扫描.jpg", png()), label="会议纪要"),
            **values,
        )
    assert replaced.minutes_file.name.endswith(".png") and not os.path.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        removed = meeting_update(user=users["admin"], meeting=replaced, remove_minutes_file=True, **values)
    assert (removed.minutes_file.name, removed.minutes_file_name) == ("", "")
    assert not os.path.exists(replaced.minutes_file.path)


def test_a_file_that_is_not_a_document_is_refused_on_the_form(client_for):
    before = meetings_state()
    response = client_for("leader").post(
        reverse("dispatch:meeting_create"),
        {
            "date": "2015-10-19", "kind": "weekly", "title": "周调度", "chair": leader("王某").pk,
            "minutes_file": SimpleUploadedFile("纪要.pdf", "会议纪要".encode()),
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "「纪要.pdf」不是有效的 PDF、JPEG 或 PNG 文件，会议纪要只能上传这三种格式。" in response.content.decode()
    assert meetings_state() == before


@pytest.fixture
def weekly_with_minutes(users):
    meeting = Meeting.objects.get(title=WEEKLY)
    meeting.minutes_file_name = "第37周纪要.pdf"
    meeting.minutes_file.save("document.pdf", SimpleUploadedFile("x.pdf", PDF), save=True)
    return meeting


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", 200),
        ("leader", 200),  # the chair
        ("staff_a", 200),  # 北环路 attended
        ("staff_b", 200),  # 东安路 attended
        ("other_leader", 404),
        ("anonymous", 302),
    ],
)
def test_the_minutes_document_is_served_only_to_those_who_see_the_meeting(
    client_for, weekly_with_minutes, role, expected
):
    response = client_for(role).get(reverse("dispatch:meeting_minutes_file", args=[weekly_with_minutes.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
        assert "filename*=UTF-8''%E7%AC%AC37%E5%91%A8%E7%BA%AA%E8%A6%81.pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF


def test_minutes_whose_file_is_gone_from_storage_answer_404(client_for, weekly_with_minutes):
    storage = weekly_with_minutes.minutes_file.storage
    storage.delete(weekly_with_minutes.minutes_file.name)  # removed by hand, or a restore without media
    url = reverse("dispatch:meeting_minutes_file", args=[weekly_with_minutes.pk])
    assert client_for("admin").get(url).status_code == 404


def test_a_meeting_the_staff_did_not_attend_is_not_theirs(client_for):
    monthly = Meeting.objects.get(title=MONTHLY)
    assert client_for("staff_b").get(monthly.get_absolute_url()).status_code == 404
    assert client_for("staff_b").get(reverse("dispatch:meeting_minutes_file", args=[monthly.pk])).status_code == 404
    assert client_for("staff_a").get(reverse("dispatch:meeting_minutes_file", args=[monthly.pk])).status_code == 404


# --- pages ----------------------------------------------------------------------------------------


def listed(client, query=""):
    response = client.get(reverse("dispatch:meeting_list") + query)
    assert response.status_code == 200
    return [meeting.title for meeting in response.context["meetings"]]


def test_the_list_filters_by_month_kind_and_chair_within_the_users_scope(client_for):
    admin = client_for("admin")
    assert listed(admin) == [MONTHLY, WEEKLY]
    assert listed(admin, "?year=2015&month=9&kind=weekly") == [WEEKLY]
    assert listed(admin, f"?chair={leader('郑某').pk}") == [MONTHLY]
    assert listed(admin, "?year=2014") == []
    assert listed(client_for("staff_b")) == [WEEKLY]
    assert listed(client_for("other_leader")) == []
    response = admin.get(reverse("dispatch:meeting_list") + "?month=13&kind=x")
    assert "筛选条件有误" in response.content.decode()


def test_the_meeting_page_shows_its_tasks_and_the_assign_form_to_those_who_may(client_for):
    meeting = Meeting.objects.get(title=WEEKLY)
    for role, assigns in (("admin", True), ("leader", True), ("staff_a", False)):
        response = client_for(role).get(meeting.get_absolute_url())
        assert response.status_code == 200
        assert (response.context["assign_form"] is not None) == assigns
    Leader.objects.filter(user__username="leader").update(is_active=False)  # 王某 has left office
    assert client_for("leader").get(meeting.get_absolute_url()).context["assign_form"] is None
    staff = client_for("staff_a").get(meeting.get_absolute_url())
    assert [task.owner.name for task in staff.context["tasks"]] == ["北环路街道办事处"]  # its own only
    assert client_for("admin").get(meeting.get_absolute_url()).context["tasks"].count() == 2
    # 王某's weekly meeting discussed 天安名郡 and 北环路便民服务中心, which staff_a sees, and two it does not.
    assert staff.context["hidden_projects"] == 2
    assert Project.objects.get(name=HENGYU).get_absolute_url() not in staff.content.decode()


def test_a_meeting_recorded_through_its_form(client_for):
    response = client_for("leader").get(reverse("dispatch:meeting_create"))
    assert list(response.context["form"].fields["chair"].queryset) == [leader("王某")]
    response = client_for("leader").post(
        reverse("dispatch:meeting_create"),
        {
            "date": "2015-10-19", "kind": "weekly", "title": "10月第3周周调度会", "chair": leader("王某").pk,
            "attendees": [unit("建设路街道办事处").pk], "projects": [Project.objects.get(name=HENGYU).pk],
            "minutes": "调度恒宇·东城国际。", "minutes_file": SimpleUploadedFile("纪要.pdf", PDF),
        },
    )  # fmt: skip
    meeting = Meeting.objects.get(title="10月第3周周调度会")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.minutes_file_name == "纪要.pdf"
    edit = client_for("leader").get(reverse("dispatch:meeting_edit", args=[meeting.pk]))
    assert edit.status_code == 200 and "remove_minutes_file" in edit.context["form"].fields
    assert client_for("staff_a").get(reverse("dispatch:meeting_edit", args=[meeting.pk])).status_code == 404
    assert client_for("admin").get(reverse("dispatch:meeting_edit", args=[meeting.pk])).status_code == 200


def test_a_chair_who_has_left_office_stays_the_meetings_chair(users, client_for):
    meeting = record(users["admin"], chair=leader("郑某"))
    Leader.objects.filter(pk=meeting.chair_id).update(is_active=False)
    form = client_for("admin").get(reverse("dispatch:meeting_edit", args=[meeting.pk])).context["form"]
    assert leader("郑某") in form.fields["chair"].queryset
    values = {
        "date": meeting.date, "kind": meeting.kind, "title": "补记", "chair": leader("郑某"),
        "attendees": [], "projects": [], "minutes": "",
    }  # fmt: skip
    assert meeting_update(user=users["admin"], meeting=meeting, **values).title == "补记"
    Leader.objects.filter(name="冯某", region__code="410403").update(is_active=False)
    with pytest.raises(ValidationError, match="在任领导"):
        meeting_update(user=users["admin"], meeting=meeting, **{**values, "chair": leader("冯某")})
    with pytest.raises(ValidationError, match="在任领导"):
        record(users["admin"], chair=leader("郑某"))  # not for a new meeting
