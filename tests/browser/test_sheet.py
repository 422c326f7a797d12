"""The month sheet's filters and the project picker, in a real browser on a phone and a desktop:
what the person reads after filtering, typing and choosing, and that nothing scrolls sideways."""

import pytest

from projects.models import Problem, SupervisionVisit
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def unfold_filters(page):
    """On a phone the filters sit folded behind 筛选: tap it, as the person would."""
    summary = page.locator("details.filter-fold:has(> form.filters) > summary")
    if summary.is_visible():
        summary.click()


@VIEWPORTS
def test_the_sheet_filtered_by_state_and_street(open_page, viewport):
    page = open_page("admin", viewport)
    page.goto(page.base + "/reports/?year=2015&month=9")
    expect(page.locator(".counts-note")).to_have_text("本月全部 60 个项目的填报情况（不随下方筛选变化）：")
    assert_fits(page, "sheet")
    unfold_filters(page)
    page.select_option("#id_state", "returned")
    page.click(".sheet-filters button[type=submit]")
    expect(page.locator(".sheet-shown")).to_have_text("筛选结果：1 个项目（本月共 60 个）。")
    expect(page.locator(".sheet-row")).to_have_count(1)
    expect(page.locator(".sheet-returned")).to_contain_text("退回原因：形象进度过于简略")
    expect(page.locator(".state-counts .state-submitted strong")).to_have_text("52")  # the month's, unfiltered
    assert_fits(page, "sheet filtered by state")
    unfold_filters(page)
    page.select_option("#id_state", "")
    page.select_option("#id_street", label="东安路街道")
    page.click(".sheet-filters button[type=submit]")
    rows = page.locator(".sheet-row .sheet-meta")
    assert rows.count() > 0 and all("东安路街道" in text for text in rows.all_inner_texts())
    assert page.locator(".sheet-amount", has_text="万元").count() > 0
    assert_fits(page, "sheet filtered by street")


@VIEWPORTS
def test_the_picker_typed_into_and_chosen_on_the_problem_form(open_page, viewport):
    page = open_page("staff", viewport)
    page.goto(page.base + "/problems/new/")
    box = page.get_by_label("项目", exact=True)
    box.press_sequentially("北环路", delay=30)
    options = page.locator(".picker-list [role=option]")
    expect(options).to_have_count(6)
    assert box.get_attribute("aria-expanded") == "true"
    assert options.first.bounding_box()["height"] >= 40
    assert_fits(page, "problem form with suggestions")
    box.fill("")
    box.press_sequentially("墙材", delay=30)
    expect(options).to_have_count(1)
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value("北环路新型墙材厂（示例）")
    expect(page.locator(".picker-list")).to_be_hidden()
    page.fill("#id_description", f"浏览器登记的问题（{viewport['width']}）")
    page.click("form.card button[type=submit]")
    expect(page.locator("h1")).not_to_have_text("登记问题")
    problem = Problem.objects.get(description=f"浏览器登记的问题（{viewport['width']}）")
    assert problem.project.name == "北环路新型墙材厂（示例）"
    assert_fits(page, "problem page")


@VIEWPORTS
def test_the_picker_chosen_by_tap_on_the_visit_form(open_page, viewport):
    page = open_page("admin", viewport)
    page.goto(page.base + "/visits/new/")
    box = page.get_by_label("项目", exact=True)
    box.press_sequentially("恒宇", delay=30)
    option = page.locator(".picker-list [role=option]", has_text="恒宇·东城国际")
    expect(option).to_have_count(1)
    assert_fits(page, "visit form with suggestions")
    option.click()
    expect(box).to_have_value("恒宇·东城国际")
    page.fill("#id_date", "2015-10-08")
    page.locator("input[name=leaders]").first.check()
    page.fill("#id_findings", f"浏览器督察发现（{viewport['width']}）")
    page.click("form.card button[type=submit]")
    expect(page.locator("body")).to_contain_text("督察记录已保存")
    visit = SupervisionVisit.objects.get(findings=f"浏览器督察发现（{viewport['width']}）")
    assert visit.project.name == "恒宇·东城国际"


@VIEWPORTS
def test_without_choosing_several_matches_are_named_on_the_form(open_page, viewport):
    page = open_page("staff", viewport)
    page.goto(page.base + "/problems/new/")
    page.get_by_label("项目", exact=True).fill("北环路")  # no suggestion chosen: the server resolves
    page.fill("#id_description", "未选择项目时的问题")
    page.click("form.card button[type=submit]")
    expect(page.locator(".field.has-error .error")).to_contain_text("「北环路」对应 6 个项目")
    assert not Problem.objects.filter(description="未选择项目时的问题").exists()
    assert_fits(page, "problem form with several matches")
