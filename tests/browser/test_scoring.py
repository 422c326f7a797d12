"""考核 in a real browser (#22's "done when"): the office's admin edits a criterion's weight on the
scheme page and the ranking of the streets changes on the ranking page, the order read from the page
itself; a street's staff reads the ranking and its own breakdown. Every page fits a desktop and a phone."""

from datetime import date

import pytest

from projects.models import Region
from scoring.periods import ScorePeriod
from scoring.selectors.scores import ranking
from tests.browser.conftest import DESKTOP, PHONE, assert_fits
from tests.scoring.conftest import build_scheme

pytestmark = pytest.mark.django_db(transaction=True)

SEPTEMBER = ScorePeriod("month", 2015, 9)
RANKING = "/scoring/?region=410403&year=2015&period=month-9"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


def street_order(page):
    """The streets' names in the order the ranking page lists those ranked."""
    page.goto(f"{page.base}{RANKING}")
    return page.locator("#ranking-street tr.ranked .card-title").all_inner_texts()


def set_weight(page, criterion, weight):
    page.locator("fieldset", has_text=f"指标：{criterion}").locator("input[name$='-weight']").fill(weight)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_admin_edits_a_weight_and_the_ranking_changes(open_page, viewport):
    scheme = build_scheme(Region.objects.get(code="410403"))
    admin = open_page("admin", viewport)
    before = street_order(admin)
    assert before == [row.name for row in ranking(scheme=scheme, period=SEPTEMBER, kind="street").ranked]
    assert_fits(admin, "ranking")

    admin.get_by_role("link", name="考核办法").click()
    # Investment 40 → 10, approvals (联审联批) 15 → 45: the base weights still add up to 100.
    set_weight(admin, "投资完成", "10")
    set_weight(admin, "前期手续", "45")
    assert_fits(admin, "scheme form")
    admin.get_by_role("button", name="保存方案").click()
    expect(admin.locator("main")).not_to_contain_text("应为100分")
    weights = dict(scheme.criteria.values_list("name", "weight"))
    assert (str(weights["投资完成"]), str(weights["前期手续"])) == ("10.00", "45.00")

    after = street_order(admin)
    assert after == [row.name for row in ranking(scheme=scheme, period=SEPTEMBER, kind="street").ranked]
    assert after != before
    assert sorted(after) == sorted(before)  # the same streets, in another order


def test_a_weight_that_breaks_the_hundred_is_refused_on_the_page(open_page):
    scheme = build_scheme(Region.objects.get(code="410403"))
    admin = open_page("admin")
    admin.goto(f"{admin.base}/scoring/schemes/{scheme.pk}/")
    set_weight(admin, "投资完成", "35")
    admin.get_by_role("button", name="保存方案").click()
    expect(admin.locator("main")).to_contain_text("基本分指标合计应为100分，现为95.00分")
    assert str(scheme.criteria.get(name="投资完成").weight) == "40.00"


def test_a_street_reads_the_ranking_and_its_own_breakdown(open_page):
    build_scheme(Region.objects.get(code="410403"))
    staff = open_page("staff", PHONE)  # 北环路街道's
    order = street_order(staff)
    assert "北环路街道" in order and len(order) > 1
    assert_fits(staff, "ranking on a phone")
    staff.locator("#ranking-street").get_by_role("link", name="北环路街道").click()
    expect(staff.locator("main")).to_contain_text("投资完成")
    assert_fits(staff, "breakdown on a phone")
    others = staff.locator("#ranking-street a", has_text="东安路街道")
    staff.goto(f"{staff.base}{RANKING}")
    expect(others).to_have_count(0)  # another street's breakdown is not offered
