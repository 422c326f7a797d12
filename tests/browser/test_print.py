"""The five printable pages on paper (print media, Chromium's PDF): no navigation, filters,
paging, buttons or forms; the title line with place, period and scope; the print date at the foot;
table headers that repeat; A4 sheets, the project list's landscape. And the empty states and the
leader's period picker as a person sees them on a phone and a desktop."""

import re
from datetime import date

import pytest

from projects.models import Assignment, Project
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

# The project list's table sits inside the bulk change form (#bulk-form): the form prints, its bar and
# ticks do not.
HIDDEN_ON_PAPER = (
    "header", "nav", "form:not(#bulk-form)", "button", "a.button", ".filters", ".pagination", ".period-picker",
    ".bulk-bar", "input[type=checkbox]",
)  # fmt: skip


def printable_pages():
    project = Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")
    return [
        ("overview", "/overview/?year=2015&month=9&level=city", "卫东区 2015年1-9月 市重点", "A4 portrait"),
        ("project list", "/projects/?year=2015&level=city", "卫东区 2015年1-9月 市重点", "A4 landscape"),
        ("project page", project.get_absolute_url(), "卫东区 2015年1-9月 市重点", "A4 portrait"),
        ("problem ledger", "/problems/", "卫东区 截至2015年10月20日", "A4 portrait"),
        ("missing list", "/reports/missing/?year=2015&month=9", "卫东区 2015年9月", "A4 portrait"),
    ]


def sheets(pdf):
    """Each sheet of a PDF as "A4 portrait", "A4 landscape" or its size in points, read from the
    pages' MediaBox entries (A4 is 595.3 × 841.9 pt; Chromium rounds it within a point)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    found = []
    for x0, y0, x1, y1 in boxes:
        width, height = float(x1) - float(x0), float(y1) - float(y0)
        a4 = abs(min(width, height) - 595.3) < 2 and abs(max(width, height) - 841.9) < 2
        found.append(("A4 portrait" if width < height else "A4 landscape") if a4 else (width, height))
    return found


def visible_count(page, selector):
    return page.locator(f"{selector} >> visible=true").count()


def test_each_printable_page_on_paper(open_page, settings):
    settings.KP_TODAY = date(2015, 10, 20)
    page = open_page("admin")
    for name, url, title, sheet in printable_pages():
        page.emulate_media(media="screen")
        response = page.goto(page.base + url)
        assert response.status == 200, name
        page.emulate_media(media="print")
        hidden = {selector: visible_count(page, selector) for selector in HIDDEN_ON_PAPER}
        assert hidden == dict.fromkeys(HIDDEN_ON_PAPER, 0), f"{name} prints {hidden}"
        assert page.locator("#print-title").is_visible(), name
        assert page.locator("#print-title").inner_text() == title, name
        footer = page.locator("#print-footer")
        assert footer.is_visible() and footer.inner_text() == "打印日期：2015年10月20日", name
        assert footer.evaluate("e => getComputedStyle(e).position") == "fixed", name  # on every sheet
        tables = page.evaluate(
            """[...document.querySelectorAll('table')].map(t => [
                 t.tHead ? getComputedStyle(t.tHead).display : 'none',
                 [...t.rows].every(r => getComputedStyle(r).breakInside === 'avoid'),
                 t.getBoundingClientRect().right <= document.documentElement.clientWidth + 1])"""
        )
        if name != "missing list":  # the 未报送 list is a list of rows, not a table
            assert tables, name
            # every table is on the paper with its rows (a form around one must not hide it)
            assert visible_count(page, "table") == len(tables), name
            assert visible_count(page, "table tbody tr") >= len(tables), name
        if name == "project list":
            assert visible_count(page, "table tbody tr") == 26, name
        assert all(t == ["table-header-group", True, True] for t in tables), f"{name}: {tables}"
        charts = page.evaluate(  # the drawing the sheet shows (the phone's compact one is not)
            """[...document.querySelectorAll('svg.chart')].filter(c => c.getClientRects().length)
                 .map(c => c.getBoundingClientRect().height)"""
        )
        assert all(0 < height <= 341 for height in charts), f"{name}: chart heights {charts}"  # 90mm
        if name in ("overview", "project page"):
            assert charts, name
        # Chromium keeps the stylesheet's orientation on A4 paper, as its print dialog does.
        for pdf in (page.pdf(format="A4"), page.pdf(format="A4", prefer_css_page_size=True)):
            assert pdf.startswith(b"%PDF"), name
            sizes = sheets(pdf)
            assert sizes and set(sizes) == {sheet}, f"{name}: {sizes}"


def test_the_title_line_is_on_screen_where_the_heading_does_not_say_it(open_page):
    page = open_page("admin")
    page.goto(page.base + "/projects/?year=2015&level=city")
    assert page.locator("#print-title").is_visible()
    assert page.locator("#print-footer").is_hidden()
    page.goto(page.base + "/overview/?year=2015&month=9&level=city")
    assert page.locator("#print-title").is_hidden()  # its heading already names place, year, level
    assert "卫东区 2015年市重点项目建设情况" in page.locator("h1").inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_empty_states_on_phone_and_desktop(open_page, viewport):
    page = open_page("admin", viewport)
    for url, words in (
        ("/overview/?year=2017&level=city", "2017年没有市重点项目清单。"),
        ("/projects/?year=2017", "2017年没有重点项目清单。"),
        ("/reports/?year=2017&month=3", "2017年没有重点项目清单。"),
    ):
        page.goto(page.base + url)
        assert page.locator("#no-listings .empty-lead").inner_text() == words, url
        page.locator("#no-listings-import").click()
        page.wait_for_load_state()
        assert page.url.endswith("/imports/"), url
        page.go_back()
        assert_fits(page, url)
    page.goto(page.base + "/projects/?year=2015&q=没有这个名字的项目")
    assert "没有符合筛选条件的项目" in page.locator("#no-match").inner_text()
    assert_fits(page, "no match")
    page.locator("#clear-filters").click()
    page.wait_for_load_state()
    assert page.locator("table.data tbody tr").count() > 0
    assert "year=2015" in page.url and "q=" not in page.url


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_leader_picks_a_period_on_phone_and_desktop(open_page, viewport):
    page = open_page("leader", viewport)
    page.goto(page.base + "/my-projects/")
    assert "2015年1-9月" in page.locator("h1").inner_text()
    percents = ".project-card .card-figures > div:first-child strong"
    september = sorted(page.locator(percents).all_inner_texts())
    assert september
    assert_fits(page, "leader home")
    page.select_option("#id_period_month", "6")
    page.locator(".period-picker button[type=submit]").click()
    page.wait_for_load_state()
    assert "2015年1-6月" in page.locator("h1").inner_text()
    assert "month=6" in page.url
    june = sorted(page.locator(percents).all_inner_texts())
    assert len(june) == len(september) and june != september  # the same projects, at June's figures
    assert_fits(page, "leader home at June")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_leader_following_nothing_is_told_whom_to_ask(open_page, viewport):
    Assignment.objects.filter(leader__user__username="leader").update(active=False)
    page = open_page("leader", viewport)
    page.goto(page.base + "/my-projects/")
    text = page.locator("#no-projects").inner_text()
    assert "2015年暂无您联系的项目" in text and "请联系项目办管理员：卫东区项目办管理员（示例）" in text
    assert_fits(page, "leader without projects")
