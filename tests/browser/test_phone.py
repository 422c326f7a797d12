"""The daily screens on a phone (375×812) and a desktop (1440×900): lists read as cards on the phone
and as tables on the desktop, the filters and the menu fold on the phone, the report form's 报送 is
near the top, chart text is legible; nothing needs sideways scrolling on either."""

import pytest

from projects.models import Listing, Project
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/projects/?year=2015&level=city"
OVERVIEW = "/overview/?year=2015&month=9&level=city"
CHART_PROJECT = "市正顺化工公司技改10万吨/年洗油深加工"
FILTERS = "details.filter-fold:has(> form.filters)"  # the filter form's fold (the bulk bar has one too)

# Where each visible element of a selector sits: its box and whether its text is cut inside it.
BOXES = """(selector) => [...document.querySelectorAll(selector)].filter(e => e.getClientRects().length)
  .map(e => { const b = e.getBoundingClientRect();
              return {text: e.textContent.trim(), left: b.left, right: b.right, top: b.top,
                      cut: e.scrollWidth > e.clientWidth + 1}; })"""


def boxes(page, selector):
    return page.evaluate(BOXES, selector)


def visible(page, selector):
    return page.locator(selector).evaluate_all("els => els.filter(e => e.getClientRects().length).length")


def test_the_project_list_is_cards_on_a_phone_and_a_table_on_a_desktop(open_page):
    phone = open_page("admin", PHONE)
    phone.goto(phone.base + LIST)
    assert_fits(phone, "project list, phone")
    assert visible(phone, "table.phone-cards thead") == 0
    first = phone.locator("table.phone-cards tbody tr").first
    assert first.evaluate("e => getComputedStyle(e).display") == "flex"
    name = boxes(phone, "table.phone-cards tbody tr:first-child td.card-title")[0]
    assert name["text"] == "市四十一中异地重建项目"
    figures = boxes(phone, "table.phone-cards tbody tr:first-child td.num")
    # plan, done, % and open problems: all on the screen, none cut, each under its label
    assert [f["text"] for f in figures] == ["12,000.00", "12,000.00", "100.00%", "0"]
    assert all(0 <= f["left"] and f["right"] <= PHONE["width"] and not f["cut"] for f in figures), figures
    labels = first.locator("td.num").evaluate_all("els => els.map(e => getComputedStyle(e, '::before').content)")
    assert labels == ['"计划（万元）"', '"累计（万元）"', '"占年度计划"', '"未解决问题"']
    assert "正常" in first.locator("td.card-flag").inner_text()

    desktop = open_page("admin", DESKTOP)
    desktop.goto(desktop.base + LIST)
    assert_fits(desktop, "project list, desktop")
    assert desktop.locator("table.phone-cards thead").is_visible()
    assert desktop.locator("table.phone-cards tbody tr").first.evaluate("e => getComputedStyle(e).display") == (
        "table-row"
    )
    headers = desktop.locator("table.phone-cards thead th").all_inner_texts()
    assert headers[-4:] == ["年度计划（万元）", "累计完成（万元）", "占年度计划", "未解决问题"]


def test_the_problem_ledger_shows_each_problems_status_on_a_phone(open_page):
    for viewport in (PHONE, DESKTOP):
        page = open_page("admin", viewport)
        page.goto(page.base + "/problems/")
        assert_fits(page, f"problem ledger {viewport}")
        statuses = boxes(page, "table.phone-cards tbody td.card-flag .badge")
        assert len(statuses) == 50
        on_screen = [s for s in statuses if s["top"] < viewport["height"]]
        assert on_screen and all(s["right"] <= viewport["width"] for s in on_screen)
        assert {s["text"] for s in statuses} <= {"已解决", "协调解决中", "待处理"}


def test_the_overviews_lagging_projects_and_a_projects_tables_fit_a_phone(open_page):
    listing = Listing.objects.get(project__name=CHART_PROJECT, year=2015)
    page = open_page("leader", PHONE)
    page.goto(page.base + OVERVIEW)
    assert_fits(page, "overview, phone")
    page = open_page("admin", PHONE)
    page.goto(page.base + listing.project.get_absolute_url())
    assert_fits(page, "project page, phone")
    months = boxes(page, "table.compact td.num")
    assert months, "the project's months are listed"
    assert not [m for m in months if m["cut"] or m["right"] > PHONE["width"]], months
    assert "14,600.00" in [m["text"] for m in months]  # September's cumulative, whole


def test_chart_text_reads_at_eleven_pixels_or_more_on_a_phone(open_page):
    project = Project.objects.get(name=CHART_PROJECT)
    for username, url in (("leader", OVERVIEW), ("admin", project.get_absolute_url())):
        page = open_page(username, PHONE)
        page.goto(page.base + url)
        sizes = page.evaluate(
            """[...document.querySelectorAll('svg.chart')].filter(s => s.getClientRects().length).flatMap(s => {
                 const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
                 return [...s.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
               })"""
        )
        assert len(sizes) >= 12, f"{url}: a chart is drawn with its labels"
        assert min(sizes) >= 11, f"{url}: chart text as small as {min(sizes):.1f}px"


def test_filters_fold_behind_one_control_on_a_phone_and_stay_open_on_a_desktop(open_page):
    phone = open_page("admin", PHONE)
    phone.goto(phone.base + LIST + "&street=")
    fold = phone.locator(FILTERS)
    assert fold.evaluate("d => d.open") is False
    summary = phone.locator(FILTERS + " > summary")
    assert summary.inner_text().split() == ["筛选", "已选", "2", "项"]  # year and level; the empty street is not
    assert not phone.locator("#id_q").is_visible()
    first_card = boxes(phone, "table.phone-cards tbody tr")[0]
    assert first_card["top"] < PHONE["height"] / 2, "the results come first"
    summary.click()
    assert phone.locator("#id_q").is_visible()
    assert_fits(phone, "filters open, phone")

    phone.goto(phone.base + "/reports/?year=2015&month=9&state=missing")  # the month sheet folds the same way
    assert phone.locator(FILTERS).evaluate("d => d.open") is False
    assert phone.locator(FILTERS + " > summary").inner_text().split() == ["筛选", "已选", "1", "项"]
    assert_fits(phone, "month sheet, phone")

    desktop = open_page("admin", DESKTOP)
    desktop.goto(desktop.base + LIST)
    assert desktop.locator("#id_q").is_visible()
    assert not desktop.locator(FILTERS + " > summary").is_visible()


def test_a_wrong_filter_stays_open_on_a_phone_so_its_message_is_seen(open_page):
    phone = open_page("admin", PHONE)
    phone.goto(phone.base + "/projects/?year=abc")
    assert phone.locator(FILTERS).evaluate("d => d.open") is True
    assert phone.locator(".filters .error").first.is_visible()


def test_the_menu_folds_on_a_phone_and_the_name_shows_once(open_page):
    phone = open_page("admin", PHONE)
    phone.goto(phone.base + OVERVIEW)
    bar = phone.locator("header.topbar")
    assert bar.bounding_box()["height"] < 70, "one line, not four"
    assert not phone.get_by_role("link", name="问题台账", exact=True).is_visible()
    phone.locator("label.nav-button").click()
    for name in ("总览", "月度填报", "项目", "问题台账", "未报送", "清单导入"):
        assert phone.get_by_role("link", name=name, exact=True).is_visible(), name
    assert_fits(phone, "menu open, phone")
    assert bar.inner_text().count("项目办管理员") == 1
    phone.get_by_role("link", name="问题台账", exact=True).click()
    phone.wait_for_url("**/problems/")

    desktop = open_page("leader", DESKTOP)
    desktop.goto(desktop.base + "/my-projects/")
    assert not desktop.locator("label.nav-button").is_visible()
    assert desktop.get_by_role("link", name="我联系的项目").is_visible()
    assert desktop.locator(".who").inner_text() == "王某（示例） · 领导"


def test_the_report_form_on_a_phone_shows_problem_rows_only_when_asked(open_page):
    listing = Listing.objects.get(project__name="北环路机械配件厂技改（示例）", year=2015)
    page = open_page("staff", PHONE)
    page.goto(page.base + f"/reports/{listing.pk}/9/")
    assert_fits(page, "report form, phone")
    assert visible(page, ".problem-row") == 0
    submit = page.get_by_role("button", name="报送", exact=True)
    assert submit.bounding_box()["y"] < 2 * PHONE["height"], "报送 on the first or second screen"
    add = page.locator("#add-problem")
    add.click()
    assert visible(page, ".problem-row") == 1
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.locator(".problem-row:not([hidden]) textarea").fill("施工便道未打通")
    page.fill("#id_investment", "120")
    page.fill("#id_progress", "主体施工")
    submit.click()
    page.wait_for_load_state()
    assert "已报送：北环路机械配件厂技改（示例） 9月" in page.locator(".messages").inner_text()
    assert listing.project.problems.filter(description="施工便道未打通").exists()
