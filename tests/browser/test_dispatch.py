"""调度、交办 in a real browser (#21's "done when"): a leader records the meeting they chaired and assigns
a task from it to a street office, the street's staff reply with a document, the office closes it
(销号), and each step's notification is in the right person's inbox (/dispatch/inbox/, which lists
the titles of their Notification rows). Every page fits a desktop and a phone."""

from datetime import date

import pytest

from dispatch.models import Meeting, Task
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = "恒宇·东城国际"  # followed by 王某, the demo leader
STREET_OFFICE = "北环路街道办事处"  # the demo staff user's
CONTENT = "恒宇·东城国际周边道路10月底前恢复通行"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


def inbox_shows(page, title):
    page.goto(f"{page.base}/dispatch/inbox/")
    expect(page.locator("main")).to_contain_text(title)
    assert_fits(page, "inbox")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_meeting_a_task_a_reply_and_the_close_each_told_to_the_right_inbox(open_page, viewport, tmp_path):
    leader = open_page("leader", viewport)
    leader.goto(f"{leader.base}/dispatch/meetings/")
    leader.get_by_role("link", name="记录调度会议").click()
    leader.fill("#id_date", "2015-10-19")
    leader.select_option("#id_kind", label="专题调度")
    leader.fill("#id_title", "恒宇·东城国际专题调度会")
    expect(leader.locator("#id_chair")).to_have_value(str(leader_pk()))  # a leader records their own
    leader.locator("#meeting-attendees").get_by_label(STREET_OFFICE).check()
    leader.select_option("#id_projects", label=PROJECT)
    leader.fill("#id_minutes", "研究恒宇·东城国际周边道路施工占道问题。")
    assert_fits(leader, "meeting form")
    leader.get_by_role("button", name="保存").click()
    expect(leader.locator("main")).to_contain_text("已记录会议「恒宇·东城国际专题调度会」。")
    meeting = Meeting.objects.get(title="恒宇·东城国际专题调度会")
    assert (meeting.chair.name, [u.name for u in meeting.attendees.all()]) == ("王某", [STREET_OFFICE])
    assert_fits(leader, "meeting page")

    form = leader.locator("#task-assign-form")
    form.locator("#id_owner").select_option(label=STREET_OFFICE)
    form.locator("#id_content").fill(CONTENT)
    form.locator("#id_workdays").fill("5")
    form.get_by_role("button", name="交办").click()
    expect(leader.locator("main")).to_contain_text(f"已交办{STREET_OFFICE}，办结期限 2015-10-27。")
    task = Task.objects.get(content=CONTENT)
    assert (task.meeting, task.status) == (meeting, "assigned")
    assert_fits(leader, "task page")

    staff = open_page("staff", viewport)
    inbox_shows(staff, f"新交办事项：{CONTENT}")
    staff.goto(f"{staff.base}/dispatch/tasks/")
    assert_fits(staff, "task board")
    staff.get_by_role("link", name=CONTENT).click()
    staff.locator("#task-reply #id_text").fill("道路已于10月26日恢复通行，现场照片见附件。")
    document = tmp_path / "恢复通行情况.pdf"
    document.write_bytes(PDF)
    staff.set_input_files("#id_attachments", str(document))
    assert_fits(staff, "reply form")
    staff.get_by_role("button", name="提交回复").click()
    expect(staff.locator("main")).to_contain_text("已回复，等待项目办销号。")
    expect(staff.get_by_role("link", name="恢复通行情况.pdf")).to_be_visible()

    inbox_shows(leader, f"交办事项已回复：{CONTENT}")  # the one who assigned it
    admin = open_page("admin", viewport)
    for form in ("meetings", "tasks"):  # the office's forms offer all 60 projects, some with long names
        admin.goto(f"{admin.base}/dispatch/{form}/new/")
        assert_fits(admin, f"the office's {form} form")
    inbox_shows(admin, f"交办事项已回复：{CONTENT}")  # the district's office
    admin.goto(f"{admin.base}{task.get_absolute_url()}")
    href = admin.get_by_role("link", name="恢复通行情况.pdf").get_attribute("href")
    response = admin.request.get(f"{admin.base}{href}")
    assert response.status == 200 and response.body() == PDF
    admin.locator("#task-close #id_note").fill("现场已核实。")
    admin.get_by_role("button", name="确认销号").click()
    expect(admin.locator("main")).to_contain_text("已销号。")
    expect(admin.locator("#task-status")).to_contain_text("已销号")
    assert_fits(admin, "closed task")

    inbox_shows(staff, f"交办事项已销号：{CONTENT}")
    task.refresh_from_db()
    assert (task.status, task.closed_by.username) == ("closed", "admin")


def leader_pk():
    from projects.models import Leader

    return Leader.objects.get(name="王某", region__code="410403").pk
