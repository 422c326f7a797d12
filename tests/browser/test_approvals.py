"""前期手续 in a real browser (#20's "done when"): the admin applies a template to a project, a street's
staff record an approval with its document number and a PDF, and the department page and the
overview show the rate and the warnings. Every page fits a desktop and a phone."""

from datetime import date

import pytest

from approvals.models import ApprovalItem
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = "北环路冷链物流中心（示例）"  # 北环路街道 (the demo staff user's street), no approvals yet
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_template_applied_an_approval_recorded_and_the_rate_shown(open_page, viewport, tmp_path):
    from projects.models import Project

    project = Project.objects.get(name=PROJECT)
    admin = open_page("admin", viewport)
    admin.goto(f"{admin.base}{project.get_absolute_url()}")
    card = admin.locator("section", has=admin.get_by_role("heading", name="前期手续"))
    expect(card).to_contain_text("尚未配置前期手续事项。")
    assert_fits(admin, "project page without approvals")
    card.get_by_role("link", name="应用模板或添加事项").click()
    admin.select_option("#id_template", label="产业类项目前期手续")
    admin.get_by_role("button", name="应用模板").click()
    expect(admin.locator("main")).to_contain_text("已添加12项，跳过0项（已有）。")
    assert ApprovalItem.objects.filter(project=project).count() == 12
    assert_fits(admin, "the project's approvals")

    item = ApprovalItem.objects.filter(project=project).order_by("sort_order", "pk").first()
    staff = open_page("staff", viewport)
    staff.goto(f"{staff.base}{project.get_absolute_url()}")
    staff.get_by_role("link", name="查看前期手续").click()
    staff.locator(f"#item-{item.pk}").get_by_role("link", name="更新").click()
    staff.select_option("#id_status", label="已办结")
    staff.fill("#id_submitted_date", "2015-09-01")
    staff.fill("#id_approved_date", "2015-09-10")
    staff.fill("#id_document_number", "卫发改备〔2015〕12号")
    pdf = tmp_path / "批复.pdf"
    pdf.write_bytes(PDF)
    staff.set_input_files("#id_attachment", str(pdf))
    assert_fits(staff, "item form")
    staff.get_by_role("button", name="保存").click()
    expect(staff.locator("main")).to_contain_text(f"已保存事项「{item.name}」。")
    item.refresh_from_db()
    assert (item.status, item.document_number, item.attachment_extension) == ("done", "卫发改备〔2015〕12号", "pdf")
    expect(staff.get_by_role("link", name="批复.pdf")).to_be_visible()
    response = staff.request.get(f"{staff.base}/approvals/items/{item.pk}/attachment/")
    assert response.status == 200 and response.body() == PDF

    admin.goto(f"{admin.base}/approvals/departments/?year=2015&month=9")
    expect(admin.locator("main")).to_contain_text(item.department.name)
    assert_fits(admin, "departments")
    admin.goto(f"{admin.base}/?year=2015&month=9&level=city")
    panel = admin.locator("section", has=admin.get_by_role("heading", name="联审联批"))
    expect(panel).to_contain_text("完成率")
    expect(panel).to_contain_text("区国土资源局")  # the demo's one red item (README)
    assert_fits(admin, "overview with the approvals panel")
