"""What projects' events tell whom (dispatch.receivers). The signals are sent here as projects'
services send them: inside the transaction of the write."""

import pytest
from django.db import transaction
from django.urls import reverse

from dispatch.choices import NotificationKind
from dispatch.models import Notification
from projects import events
from projects.models import Instruction, MonthlyReport, Problem

PROJECT_A = "市正顺化工公司技改10万吨/年洗油深加工"  # in 北环路街道: the demo staff user keeps it


@pytest.fixture
def problem_a(users):
    return Problem.objects.filter(project__name=PROJECT_A).first()


def told(kind):
    """{username: notification} of ``kind``."""
    return {n.user.username: n for n in Notification.objects.filter(kind=kind).select_related("user")}


def test_a_returned_report_tells_its_reporter_and_the_keepers_not_the_office(users):
    report = MonthlyReport.objects.select_related("listing__project").get(listing__project__name=PROJECT_A, month=9)
    reporter = users["staff_b"]  # someone else reported it this time
    MonthlyReport.objects.filter(pk=report.pk).update(reported_by=reporter)
    report.refresh_from_db()
    with transaction.atomic():
        events.report_returned.send(sender=MonthlyReport, report=report, by=users["admin"], reason="投资额填成了亿元")
    notes = told(NotificationKind.REPORT_RETURNED)
    assert set(notes) == {"staff", "staff_b"}
    note = notes["staff"]
    assert note.title == f"{PROJECT_A} 2015年9月填报被退回"
    assert note.body == "退回原因：投资额填成了亿元"
    assert note.link == reverse("projects:report_edit", args=[report.listing_id, 9])


def test_a_returned_report_nobody_is_recorded_as_having_submitted_tells_the_keepers(users):
    report = MonthlyReport.objects.select_related("listing__project").get(listing__project__name=PROJECT_A, month=9)
    MonthlyReport.objects.filter(pk=report.pk).update(reported_by=None)  # an imported month
    report.refresh_from_db()
    with transaction.atomic():
        events.report_returned.send(sender=MonthlyReport, report=report, by=users["admin"], reason="请核实")
    assert set(told(NotificationKind.REPORT_RETURNED)) == {"staff"}


def test_a_leaders_instruction_tells_the_keepers(users, problem_a):
    instruction = Instruction.objects.create(problem=problem_a, author=users["leader"], text="请本周内协调解决。")
    with transaction.atomic():
        events.instruction_added.send(sender=Instruction, instruction=instruction)
    notes = told(NotificationKind.INSTRUCTION)
    assert set(notes) == {"staff"}
    assert notes["staff"].title == f"王某（示例）对“{PROJECT_A}”的问题提出督办意见"
    assert notes["staff"].body == "请本周内协调解决。"
    assert notes["staff"].link == problem_a.get_absolute_url()


def test_a_problem_reported_solved_tells_the_district_office(users, problem_a):
    problem_a.resolution = "已协调供电公司完成线路迁改"
    with transaction.atomic():
        events.problem_solved.send(sender=Problem, problem=problem_a, by=users["staff_a"])
    notes = told(NotificationKind.PROBLEM_SOLVED)
    assert set(notes) == {"admin"}  # the district's own office: not the city's, not the staff who said so
    assert notes["admin"].title == f"问题待销号：{PROJECT_A}"
    assert notes["admin"].body.endswith("解决情况：已协调供电公司完成线路迁改")


def test_a_problem_sent_back_tells_the_keepers_why(users, problem_a):
    with transaction.atomic():
        events.problem_sent_back.send(sender=Problem, problem=problem_a, by=users["admin"], reason="现场未整改到位")
    notes = told(NotificationKind.PROBLEM_SENT_BACK)
    assert set(notes) == {"staff"}
    assert notes["staff"].body.startswith("退回原因：现场未整改到位")


def test_a_confirmed_problem_tells_the_keepers(users, problem_a):
    with transaction.atomic():
        events.problem_confirmed.send(sender=Problem, problem=problem_a, by=users["admin"])
    notes = told(NotificationKind.PROBLEM_CONFIRMED)
    assert set(notes) == {"staff"}
    assert notes["staff"].title.startswith("问题已销号")
    assert notes["staff"].link == problem_a.get_absolute_url()


def test_chasing_reports_tells_exactly_the_chased(users):
    with transaction.atomic():
        events.reports_chased.send(
            sender=MonthlyReport, year=2015, month=9, users=[users["staff_a"], users["staff_b"]], by=users["admin"]
        )
    notes = told(NotificationKind.REPORT_CHASED)
    assert set(notes) == {"staff", "staff_b"}
    assert notes["staff"].title == "催报：请尽快报送2015年9月的项目进展"
    assert "报送截止日期为2015年10月26日" in notes["staff"].body  # the 25th was a Sunday
    assert notes["staff"].link == f"{reverse('projects:report_sheet')}?year=2015&month=9"


def test_the_notifications_roll_back_with_the_event(users, problem_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.problem_sent_back.send(sender=Problem, problem=problem_a, by=users["admin"], reason="现场未整改到位")
        raise RuntimeError("the 退回 itself failed")
    assert not Notification.objects.filter(kind=NotificationKind.PROBLEM_SENT_BACK).exists()
