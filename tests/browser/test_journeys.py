"""The three users' journeys and the progress-table download, in a real browser: each step
asserts what the person reads on the page."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from PIL import Image

from accounts.models import Role
from projects.devdata.demo import DEMO_PASSWORD
from projects.models import Listing, Problem
from projects.selectors.dashboard import leader_projects
from tests.browser.conftest import PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "municipal-list-2016.xlsx"
OPEN_LISTING = "北环路机械配件厂技改（示例）"  # staff's street, district level, September not reported


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def amount(text):
    """ "411,700.00" as shown on a page → Decimal."""
    return Decimal(text.replace(",", "").strip())


def upload(page, path, year="2016"):
    page.goto(page.base + "/imports/")
    page.fill("#id_year", year)
    page.select_option("#id_level", "city")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state()


def test_admin_imports_the_years_list(open_page, tmp_path):
    page = open_page("admin")
    upload(page, SAMPLE)
    body = page.locator("main")
    expect(body).to_contain_text("文件已读取，请核对预览，确认后才会写入。")
    expect(body).to_contain_text("确认后将新增 20 个、更新 0 个、0 个无变化")
    expect(page.locator("#errors")).to_have_count(0)

    page.get_by_role("button", name="确认导入").click()
    expect(body).to_contain_text("已导入：新增 20 个，更新 0 个，无变化 0 个。")
    assert Listing.objects.filter(year=2016, level="city").count() == 20

    page.goto(page.base + "/projects/?year=2016&level=city")
    expect(body).to_contain_text("高皇智能制造基地")
    expect(body).to_contain_text("湛河二期鹰城社区服务中心")
    expect(body).to_contain_text("共 20 条")

    upload(page, SAMPLE)
    expect(body).to_contain_text("全部无变化：文件中的 20 个项目与系统中的完全一致")

    workbook = load_workbook(SAMPLE)
    workbook.active["H6"] = "待定"  # the plan of 矿工一期平东道路改造工程
    broken = tmp_path / "broken.xlsx"
    workbook.save(broken)
    upload(page, broken)
    expect(body).to_contain_text("文件被拒绝，未写入任何数据")
    errors = page.locator("#errors")
    expect(errors).to_contain_text("第6行")
    expect(errors).to_contain_text("计划投资")
    assert Listing.objects.filter(year=2016, level="city").count() == 20


def photo_file(tmp_path):
    path = tmp_path / "现场.jpg"
    image = Image.new("RGB", (640, 480), (90, 140, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_staff_reports_the_month(open_page, tmp_path):
    admin = open_page("admin")
    admin.goto(admin.base + "/?year=2015&month=9&level=district")
    done_before = amount(admin.locator("#overview-done").inner_text())

    page = open_page("staff")
    page.goto(page.base + "/reports/?year=2015&month=9")
    row = page.locator(".sheet-row", has_text=OPEN_LISTING)
    expect(row).to_contain_text("未填报")
    row.click()
    expect(page.locator("h1")).to_contain_text(OPEN_LISTING)

    page.fill("#id_investment", "1,234.5")
    expect(page.locator("[data-figure=cumulative]")).not_to_have_text("")
    page.fill("#id_progress", "厂房钢结构吊装完成，设备基础施工中")
    page.get_by_role("button", name="添加问题").click()  # the empty problem rows wait for it
    page.fill("#id_problems-0-description", "配电增容手续未批复（浏览器测试）")
    page.set_input_files("#id_photos", str(photo_file(tmp_path)))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("main")).to_contain_text("已保存草稿。")
    expect(page.locator("main")).to_contain_text("草稿")
    expect(page.locator(".thumbs img")).to_have_count(1)
    edit_url = page.url

    # A second device opens the same draft; the first one changes it again before the second saves.
    other = open_page("staff")
    other.goto(edit_url)
    other.fill("#id_investment", "999")
    other.fill("#id_progress", "另一台设备上的填写")
    page.fill("#id_investment", "1,234.50")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("main")).to_contain_text("已保存草稿。")

    other.get_by_role("button", name="保存草稿").click()
    expect(other.locator("main")).to_contain_text("保存失败：该填报已被")
    expect(other.locator(".conflict")).to_contain_text("1,234.50 万元")
    expect(other.locator("#id_progress")).to_have_value("另一台设备上的填写")  # nothing typed is lost

    page.get_by_role("button", name="报送").click()
    expect(page.locator("main")).to_contain_text(f"已报送：{OPEN_LISTING} 9月。")
    expect(page.locator(".sheet-row", has_text=OPEN_LISTING)).to_contain_text("已报送")

    admin.reload()
    assert amount(admin.locator("#overview-done").inner_text()) == done_before + Decimal("1234.50")
    assert Problem.objects.filter(description="配电增容手续未批复（浏览器测试）").count() == 1


def test_the_preview_refuses_an_amount_the_server_would_refuse(open_page):
    page = open_page("staff")
    page.goto(page.base + "/reports/?year=2015&month=9")
    page.locator(".sheet-row", has_text=OPEN_LISTING).click()
    cumulative, hint = page.locator("[data-figure=cumulative]"), page.locator("#investment-hint")
    page.fill("#id_investment", "1,2,3")  # once read as 123
    expect(cumulative).to_have_text("—")
    expect(page.locator("[data-figure=percent]")).to_have_text("—")
    expect(hint).to_contain_text("逗号只能用作千位分隔符")
    page.fill("#id_investment", "1e3")
    expect(cumulative).to_have_text("—")
    page.fill("#id_investment", "１，２３４.５")
    expect(cumulative).not_to_have_text("—")
    expect(hint).to_be_hidden()
    page.fill("#id_investment", "12,5")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".field.has-error")).to_contain_text("「12,5」不是有效的金额：逗号只能用作千位分隔符")
    expect(cumulative).to_have_text("—")


def test_leader_follows_up_on_a_phone(open_page, users):
    leader_user = users["leader"]
    page = open_page("leader", PHONE)
    expect(page.locator("h1")).to_contain_text("我联系的项目")
    names = page.locator(".project-card .card-name").all_inner_texts()
    expected = [listing.project.name for listing in leader_projects(user=leader_user, year=2015, month=9)]
    assert names == expected and names  # only the assigned projects, most urgent first
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling

    problem = Problem.objects.instructable_by(leader_user).exclude(status="resolved").order_by("pk").first()
    # The street's reporter, who keeps the project's problems.
    reporter = get_user_model().objects.create_user("street_reporter", password=DEMO_PASSWORD, role=Role.STAFF)
    reporter.streets.set([problem.project.street])
    page.locator(".project-card", has_text=problem.project.name).first.click()
    expect(page.locator("h1")).to_contain_text(problem.project.name)
    form = page.locator(f"#problem-{problem.pk} .instruction-form")
    form.locator("textarea").fill("请区发改委本周内协调解决，周五前报结果。")
    button = form.get_by_role("button")
    box = button.bounding_box()
    assert box["height"] >= 40 and box["width"] >= 44  # a finger can hit it
    button.click()
    expect(page.locator("main")).to_contain_text("督办意见已保存。")

    staff = open_page("street_reporter")
    staff.goto(staff.base + problem.project.get_absolute_url())
    expect(staff.locator(f"#problem-{problem.pk}")).to_contain_text("请区发改委本周内协调解决，周五前报结果。")


def test_progress_table_download_matches_the_dashboard(open_page, tmp_path):
    page = open_page("admin")
    page.goto(page.base + "/?year=2015&month=9&level=city")
    plan = amount(page.locator("#overview-plan").inner_text())
    done = amount(page.locator("#overview-done").inner_text())
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载项目进展表")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    path = tmp_path / "progress.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    total = next(row for row in sheet.iter_rows(min_row=4) if row[1].value == "合计")
    assert (
        (Decimal(str(total[5].value)), Decimal(str(total[6].value)))
        == (plan, done)
        == (
            Decimal("439950"),
            Decimal("411700"),
        )
    )


def test_the_import_preview_reads_on_a_phone_with_each_rows_place_and_amounts(open_page):
    page = open_page("admin", PHONE)
    upload(page, SAMPLE)
    expect(page.locator("main")).to_contain_text("确认后将新增 20 个")
    assert_fits(page, "import preview, phone")
    card = page.locator("#preview-rows tbody tr").first
    assert card.evaluate("e => getComputedStyle(e).display") == "flex"
    labels = card.locator("td[data-label]").evaluate_all(
        "els => els.filter(e => e.getClientRects().length).map(e => getComputedStyle(e, '::before').content)"
    )
    assert labels == ['"街道"', '"类别"', '"批次"', '"总投资（万元）"', '"年度计划（万元）"']
    figures = card.locator("td.num").all_inner_texts()
    assert all(re.fullmatch(r"[\d,]+\.\d\d|—|未填", text.strip()) for text in figures), figures
