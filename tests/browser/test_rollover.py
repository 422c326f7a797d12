"""从上年续转 and 批量修改 in a real browser, on a desktop and on a phone: each step asserts what the
admin reads, and the pages of these features fit the screen."""

from decimal import Decimal

import pytest

from projects.models import Listing, Project, Unit
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

FIRST, SECOND = "河南新吉祥电子科技产业园", "鹰城商贸、商务中心"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def keep_only(page, plans):
    """Untick every proposed row but the named ones and type their plans."""
    page.locator(".rollover-row input[type=checkbox]").evaluate_all("boxes => boxes.forEach(b => b.checked = false)")
    for name, plan in plans.items():
        row = page.locator(".rollover-row", has_text=name).first
        row.locator("input[type=checkbox]").check()
        row.locator("input[type=text]").fill(plan)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_rolls_the_list_over_to_the_next_year(open_page, viewport):
    page = open_page("admin", viewport)
    page.goto(page.base + "/imports/")
    page.get_by_role("link", name="从上年续转").click()
    body = page.locator("main")
    expect(page.locator("#id_from_year")).to_have_value("2015")
    expect(page.locator("#id_to_year")).to_have_value("2016")
    assert_fits(page, "rollover start")
    page.get_by_role("button", name="生成续转预览").click()
    expect(body).to_contain_text("已生成续转预览")
    expect(body).to_contain_text("2015年 → 2016年清单续转")
    expect(body).not_to_contain_text("市四十一中异地重建项目")  # built and in use: not carried over
    row = page.locator(".rollover-row", has_text=FIRST).first
    expect(row).to_contain_text("联系领导")
    assert_fits(page, "rollover preview")

    keep_only(page, {FIRST: "36,830", SECOND: "abc"})
    page.get_by_role("button", name="确认续转").click()
    expect(body).to_contain_text("未确认，未写入任何数据：共 1 处需要修改")
    expect(page.locator("#errors")).to_contain_text(f"「{SECOND}」年度计划投资（万元）：「abc」不是有效的金额")
    assert not Listing.objects.filter(year=2016).exists()
    assert_fits(page, "rollover errors")

    page.locator(".rollover-row", has_text=SECOND).first.locator("input[type=text]").fill("1200")
    page.locator(".rollover-row", has_text=SECOND).first.locator("select").select_option(label="计划建成")
    page.get_by_role("button", name="确认续转").click()
    expect(body).to_contain_text("已续转：2016年清单新增 2 个项目。")
    expect(body).to_contain_text("已列入2016年清单 2 个")
    assert_fits(page, "rollover applied")
    listed = {
        (x.project.name, x.category, x.annual_plan) for x in Listing.objects.filter(year=2016).select_related("project")
    }
    assert listed == {(FIRST, "continuing", Decimal("36830")), (SECOND, "completion", Decimal("1200"))}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_sets_the_unit_of_several_listings_at_once(open_page, viewport):
    unit = (
        Unit.objects.filter(district__code="410403")
        .exclude(pk__in=Project.objects.filter(name__in=[FIRST, SECOND]).values("unit"))
        .order_by("name")
        .first()
    )
    page = open_page("admin", viewport)
    page.goto(page.base + "/projects/?year=2015&level=city")
    body = page.locator("main")
    boxes = page.locator("input[name=listing]")
    count = boxes.count()
    assert count == Listing.objects.filter(year=2015, level="city", project__district__code="410403").count()
    bar = page.locator("details.filter-fold:has(.bulk-bar) > summary")
    if viewport is PHONE:  # folded below the results' top, like the filters; the person opens it
        assert not page.locator("#bulk_unit").is_visible()
        bar.click()
    page.locator("[data-select-all]").check()  # 全选本页
    expect(page.locator("input[name=listing]:checked")).to_have_count(count)
    page.locator("[data-select-all]").uncheck()
    expect(page.locator("input[name=listing]:checked")).to_have_count(0)
    assert_fits(page, "project list with checkboxes")

    for name in (FIRST, SECOND):
        page.locator("tr", has_text=name).locator("input[name=listing]").check()
    page.select_option("#bulk_unit", label=unit.name)
    page.get_by_role("button", name="预览批量修改").click()
    expect(body).to_contain_text("已选 2 个项目，其中 2 个将被修改")
    for name in (FIRST, SECOND):
        old = Project.objects.get(name=name).unit
        expect(page.locator(".bulk-rows li", has_text=name)).to_contain_text(f"责任单位：{old} → {unit.name}")
    assert Project.objects.filter(unit=unit, name__in=[FIRST, SECOND]).count() == 0
    assert_fits(page, "bulk preview")

    page.get_by_role("button", name="确认修改").click()
    expect(body).to_contain_text("已批量修改 2 个项目。")
    assert "year=2015" in page.url
    expect(page.locator("tr", has_text=FIRST)).to_contain_text(unit.name)
    assert Project.objects.filter(unit=unit, name__in=[FIRST, SECOND]).count() == 2


def test_staff_see_no_checkboxes(open_page):
    page = open_page("staff", PHONE)
    page.goto(page.base + "/projects/?year=2015")
    expect(page.locator("main table")).to_be_visible()
    expect(page.locator("input[name=listing]")).to_have_count(0)
    expect(page.get_by_role("button", name="预览批量修改")).to_have_count(0)
